import Foundation
import Yams

/// The API reference (`docs/openapi.yaml`) as a checker for real answers: does a response's path,
/// method, status, content type and JSON body match what the document promises?
///
///     let violations = OpenAPIContract.shared.check(
///         method: "POST", path: "/api/v1/bookings", status: 201, contentType: "application/json", body: data)
///     #expect(violations.isEmpty, "\(violations)")
///
/// The JSON Schema support covers what the document uses (draft 2020-12 as in OpenAPI 3.1): `$ref` (local),
/// `type` (also lists such as `[string, "null"]`), `enum`, `const`, `properties`, `required`,
/// `additionalProperties`, `patternProperties`, `propertyNames`, `minProperties`/`maxProperties`,
/// `dependentRequired`, `items`/`prefixItems`, `minItems`/`maxItems`, `uniqueItems`, `contains`,
/// `minLength`/`maxLength` (counted in Characters, as the gateway counts), `pattern` (ECMA-style: unanchored,
/// `$` only at the very end), `format` `date` and `date-time`, `minimum`/`maximum`, `exclusiveMinimum`/
/// `exclusiveMaximum`, `multipleOf`, `allOf`/`anyOf`/`oneOf`/`not`, `if`/`then`/`else`, and OpenAPI 3.0's
/// `nullable`. Other keywords (`description`, `examples`, other formats …) are ignored.
public struct OpenAPIContract: Sendable {
    /// The loaded tree is never changed after loading; the regex cache is behind a lock.
    final class Document: @unchecked Sendable {
        let root: [String: Any]
        let loadError: String?
        private let lock = NSLock()
        private var regexes: [String: NSRegularExpression] = [:]

        init(root: [String: Any], loadError: String?) {
            self.root = root
            self.loadError = loadError
        }

        func regex(_ pattern: String) -> NSRegularExpression? {
            lock.lock()
            defer { lock.unlock() }
            if let cached = regexes[pattern] { return cached }
            guard let compiled = try? NSRegularExpression(pattern: OpenAPIContract.icuPattern(pattern)) else { return nil }
            regexes[pattern] = compiled
            return compiled
        }
    }

    let document: Document

    /// `docs/openapi.yaml` of this repository, found from this file's place (`Tests/GatewayWebTests/`).
    public static let documentURL: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("docs/openapi.yaml")

    /// Loaded once. If the document cannot be read or parsed, every check answers that as its violation.
    public static let shared: OpenAPIContract = OpenAPIContract(loadingFrom: documentURL)

    /// Parses an OpenAPI document given as YAML (or JSON) text.
    public init(yaml: String) throws {
        guard let root = Self.normalize(try Yams.load(yaml: yaml, Self.resolver)) as? [String: Any] else {
            throw ContractError("the OpenAPI document is not a mapping at the top")
        }
        document = Document(root: root, loadError: nil)
    }

    /// Reads and parses the document at `url`.
    public init(contentsOf url: URL) throws {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw ContractError("cannot read \(url.path): \(error)")
        }
        try self.init(yaml: text)
    }

    /// Never throws: a document that does not load makes every check fail with the reason.
    init(loadingFrom url: URL) {
        do {
            self = try OpenAPIContract(contentsOf: url)
        } catch {
            document = Document(root: [:], loadError: "\(url.path) could not be loaded: \(error)")
        }
    }

    public struct ContractError: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// YAML 1.2-like scalars: only true/false are booleans (not yes/no/on/off), and dates stay text.
    static let resolver: Resolver = {
        let base = Resolver.default.removing(.timestamp).removing(.bool)
        return (try? base.appending(.bool, "^(?:true|True|TRUE|false|False|FALSE)$")) ?? base
    }()

    // MARK: Checking a response

    static let httpMethods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    /// Human-readable violations of the document by one answer; empty when it conforms.
    ///
    /// - The path (query and fragment stripped) must match a documented path (`{param}` matches one segment),
    ///   and the method must be documented for it — except that a 404 or 405 answer to an undocumented
    ///   path or method is allowed when its body is a problem document.
    /// - The status must be listed for the operation (or covered by a `4XX`-style range or `default`).
    /// - The content type (parameters such as `; charset=utf-8` ignored) must be one documented for that
    ///   status; a response documented without content must have no body.
    /// - A JSON body (`application/json`, `application/problem+json`, any `+json`) must match the schema.
    public func check(method: String, path: String, status: Int, contentType: String?, body: Data) -> [String] {
        if let loadError = document.loadError { return [loadError] }
        let cleanPath = Self.stripQuery(path)
        let verb = method.lowercased()
        let context = "\(method.uppercased()) \(cleanPath) → \(status)"

        guard let paths = document.root["paths"] as? [String: Any] else { return ["\(context): the document has no paths"] }
        guard let (template, pathItem) = matchPath(cleanPath, in: paths) else {
            if status == 404 || status == 405 {
                return checkGenericProblem(status: status, contentType: contentType, body: body, context: context + " (undocumented path)")
            }
            return ["\(context): no documented path matches \(cleanPath)"]
        }
        guard let operation = resolve(pathItem[verb]) as? [String: Any] else {
            let documented = pathItem.keys.filter { Self.httpMethods.contains($0) }.map { $0.uppercased() }.sorted()
            if status == 404 || status == 405 {
                return checkGenericProblem(status: status, contentType: contentType, body: body,
                                           context: context + " (method not documented for \(template))")
            }
            return ["\(context): \(method.uppercased()) is not documented for \(template) (documented: \(documented.joined(separator: ", ")))"]
        }
        guard let responses = operation["responses"] as? [String: Any] else {
            return ["\(context): the operation \(method.uppercased()) \(template) documents no responses"]
        }
        let statusKey = String(status)
        let rangeKey = "\(status / 100)XX"
        var key: String?
        if responses[statusKey] != nil {
            key = statusKey
        } else if let range = responses.keys.first(where: { $0.uppercased() == rangeKey }) {
            key = range
        } else if responses["default"] != nil {
            key = "default"
        }
        guard let key, let response = resolve(responses[key]) as? [String: Any] else {
            let listed = responses.keys.sorted().joined(separator: ", ")
            return ["\(context): status \(status) is not documented for \(method.uppercased()) \(template) (documented: \(listed))"]
        }
        return checkBody(response: response, contentType: contentType, body: body,
                         context: "\(context) (\(method.uppercased()) \(template), response \(key))")
    }

    /// Checks a body against a documented response object (`content` by media type).
    func checkBody(response: [String: Any], contentType: String?, body: Data, context: String) -> [String] {
        guard let content = response["content"] as? [String: Any], !content.isEmpty else {
            return body.isEmpty ? [] : ["\(context): the response is documented without a body, but has \(body.count) bytes"]
        }
        let documented = content.keys.sorted().joined(separator: ", ")
        guard let contentType, !contentType.isEmpty else {
            if body.isEmpty { return ["\(context): a body (\(documented)) is documented, but the response has none"] }
            return ["\(context): the response has no Content-Type (documented: \(documented))"]
        }
        let actual = Self.mediaType(contentType)
        guard let mediaKey = Self.matchMediaType(actual, in: Array(content.keys)) else {
            return ["\(context): Content-Type \(actual) is not documented (documented: \(documented))"]
        }
        guard Self.isJSON(actual) else { return [] }
        guard let media = resolve(content[mediaKey]) as? [String: Any], let schema = media["schema"] else { return [] }
        let value: Any
        do {
            value = try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])
        } catch {
            return ["\(context): the body is not valid JSON (\(body.count) bytes)"]
        }
        return validate(value, against: schema)
    }

    /// A 404/405 outside the documented operations must still be a problem document.
    func checkGenericProblem(status: Int, contentType: String?, body: Data, context: String) -> [String] {
        let actual = contentType.map(Self.mediaType) ?? "(none)"
        guard actual == "application/problem+json" else {
            return ["\(context): expected a problem document (application/problem+json), got Content-Type \(actual)"]
        }
        guard let value = try? JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) else {
            return ["\(context): the problem body is not valid JSON"]
        }
        var violations: [String] = []
        if let components = document.root["components"] as? [String: Any], let schemas = components["schemas"] as? [String: Any],
           schemas["Problem"] != nil {
            violations += validate(value, against: ["$ref": "#/components/schemas/Problem"])
        } else if !(value is [String: Any]) {
            violations.append("$: a problem document must be a JSON object")
        }
        if let object = value as? [String: Any], let statusValue = object["status"], case .number(let number)? = JSONValue(statusValue),
           number != Double(status) {
            violations.append("$.status: is \(Self.format(number)), but the answer's status is \(status)")
        }
        return violations.map { "\(context): \($0)" }
    }

    // MARK: Paths and media types

    static func stripQuery(_ path: String) -> String {
        var text = path
        if text.hasPrefix("http://") || text.hasPrefix("https://"), let url = URL(string: text) {
            text = url.path.isEmpty ? "/" : url.path
        }
        if let index = text.firstIndex(where: { $0 == "?" || $0 == "#" }) { text = String(text[..<index]) }
        return text
    }

    static func segments(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    }

    /// The documented path the request path falls under; literal segments win over `{param}` ones.
    func matchPath(_ path: String, in paths: [String: Any]) -> (String, [String: Any])? {
        let actual = Self.segments(path)
        var best: (template: String, item: [String: Any], literals: Int)?
        for template in paths.keys.sorted() {
            let pattern = Self.segments(template)
            guard pattern.count == actual.count else { continue }
            var literals = 0
            var matches = true
            for (expected, segment) in zip(pattern, actual) {
                if expected.hasPrefix("{") && expected.hasSuffix("}") {
                    if segment.isEmpty { matches = false; break }
                } else if expected == segment || expected == segment.removingPercentEncoding {
                    literals += 1
                } else {
                    matches = false; break
                }
            }
            guard matches, let item = resolve(paths[template]) as? [String: Any] else { continue }
            if best == nil || literals > best!.literals { best = (template, item, literals) }
        }
        return best.map { ($0.template, $0.item) }
    }

    /// `Application/JSON; charset=utf-8` → `application/json`.
    static func mediaType(_ contentType: String) -> String {
        String(contentType.split(separator: ";", maxSplits: 1).first ?? "").trimmingCharacters(in: .whitespaces).lowercased()
    }

    static func matchMediaType(_ actual: String, in documented: [String]) -> String? {
        if let exact = documented.first(where: { mediaType($0) == actual }) { return exact }
        let major = actual.split(separator: "/").first.map(String.init) ?? actual
        if let partial = documented.first(where: { mediaType($0) == "\(major)/*" }) { return partial }
        return documented.first { mediaType($0) == "*/*" }
    }

    static func isJSON(_ mediaType: String) -> Bool { mediaType == "application/json" || mediaType.hasSuffix("+json") }

    // MARK: References

    /// Follows a local `$ref` (`#/components/...`) of a path item, operation, response or media type.
    func resolve(_ node: Any?, depth: Int = 0) -> Any? {
        guard let object = node as? [String: Any], let reference = object["$ref"] as? String else { return node }
        guard depth < 32, let target = pointer(reference) else { return nil }
        return resolve(target, depth: depth + 1)
    }

    /// A local JSON pointer such as `#/components/schemas/Booking`.
    func pointer(_ reference: String) -> Any? {
        guard reference.hasPrefix("#") else { return nil }
        var node: Any = document.root
        let body = reference.dropFirst()
        guard !body.isEmpty else { return node }
        guard body.hasPrefix("/") else { return nil }
        for raw in body.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            let token = (String(raw).removingPercentEncoding ?? String(raw))
                .replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            if let object = node as? [String: Any], let next = object[token] {
                node = next
            } else if let array = node as? [Any], let index = Int(token), array.indices.contains(index) {
                node = array[index]
            } else {
                return nil
            }
        }
        return node
    }

    // MARK: JSON Schema

    /// Violations of `schema` by a JSON value (as JSONSerialization or a literal `[String: Any]` gives it).
    public func validate(_ value: Any, against schema: Any, at path: String = "$") -> [String] {
        guard let json = JSONValue(value) else { return ["\(path): \(type(of: value)) is not a JSON value"] }
        var violations: [String] = []
        validate(json, schema, path, depth: 0, into: &violations)
        return violations
    }

    /// Violations of the schema at a local reference, e.g. `"#/components/schemas/Booking"`.
    public func validate(_ value: Any, againstSchemaAt reference: String) -> [String] {
        if let loadError = document.loadError { return [loadError] }
        guard pointer(reference) != nil else { return ["$: no schema at \(reference)"] }
        return validate(value, against: ["$ref": reference])
    }

    /// Violations of the schema at a local reference by a JSON text.
    public func validate(json data: Data, againstSchemaAt reference: String) -> [String] {
        guard let value = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            return ["$: not valid JSON"]
        }
        return validate(value, againstSchemaAt: reference)
    }

    func validate(_ value: JSONValue, _ schemaNode: Any, _ path: String, depth: Int, into violations: inout [String]) {
        if let flag = schemaNode as? Bool, type(of: schemaNode) == Bool.self {
            if !flag { violations.append("\(path): no value is allowed here") }
            return
        }
        guard let schema = schemaNode as? [String: Any] else { return }
        guard depth < 64 else {
            violations.append("\(path): the schema nests too deeply (a $ref cycle?)")
            return
        }

        if let reference = schema["$ref"] as? String {
            if let target = pointer(reference) {
                validate(value, target, path, depth: depth + 1, into: &violations)
            } else {
                violations.append("\(path): cannot resolve $ref \(reference)")
            }
        }

        if case .null = value, schema["nullable"] as? Bool == true { return }

        if let typeNode = schema["type"] {
            let allowed = (typeNode as? [Any])?.compactMap { $0 as? String } ?? [(typeNode as? String) ?? ""]
            if !allowed.contains(where: { value.isOfType($0) }) {
                violations.append("\(path): expected \(allowed.joined(separator: " or ")), found \(value.kindDescription)")
                return
            }
        }

        if let options = schema["enum"] as? [Any] {
            let candidates = options.compactMap(JSONValue.init)
            if !candidates.contains(value) {
                violations.append("\(path): \(value.brief) is not one of \(candidates.map(\.brief).joined(separator: ", "))")
            }
        }
        if let constant = schema["const"], let expected = JSONValue(constant), expected != value {
            violations.append("\(path): \(value.brief) is not the constant \(expected.brief)")
        }

        switch value {
        case .string(let text): checkString(text, schema, path, into: &violations)
        case .number(let number): checkNumber(number, schema, path, into: &violations)
        case .array(let items): checkArray(items, schema, path, depth: depth, into: &violations)
        case .object(let members): checkObject(members, schema, path, depth: depth, into: &violations)
        case .bool, .null: break
        }

        checkCombinators(value, schema, path, depth: depth, into: &violations)
    }

    func checkString(_ text: String, _ schema: [String: Any], _ path: String, into violations: inout [String]) {
        if let minimum = Self.int(schema["minLength"]), text.count < minimum {
            violations.append("\(path): \(text.count) characters, fewer than minLength \(minimum)")
        }
        if let maximum = Self.int(schema["maxLength"]), text.count > maximum {
            violations.append("\(path): \(text.count) characters, more than maxLength \(maximum)")
        }
        if let pattern = schema["pattern"] as? String {
            if let regex = document.regex(pattern) {
                let range = NSRange(text.startIndex..<text.endIndex, in: text)
                if regex.firstMatch(in: text, options: [], range: range) == nil {
                    violations.append("\(path): \(JSONValue.string(text).brief) does not match pattern \(pattern)")
                }
            } else {
                violations.append("\(path): the schema's pattern \(pattern) is not a valid regular expression")
            }
        }
        switch schema["format"] as? String {
        case "date":
            if !Self.isDate(text) { violations.append("\(path): \(JSONValue.string(text).brief) is not a date (YYYY-MM-DD)") }
        case "date-time":
            if !Self.isDateTime(text) { violations.append("\(path): \(JSONValue.string(text).brief) is not an RFC 3339 date-time") }
        default:
            break
        }
    }

    func checkNumber(_ number: Double, _ schema: [String: Any], _ path: String, into violations: inout [String]) {
        if let minimum = Self.double(schema["minimum"]), number < minimum {
            violations.append("\(path): \(Self.format(number)) is less than minimum \(Self.format(minimum))")
        }
        if let maximum = Self.double(schema["maximum"]), number > maximum {
            violations.append("\(path): \(Self.format(number)) is more than maximum \(Self.format(maximum))")
        }
        // OpenAPI 3.1 gives exclusive bounds as numbers; 3.0 as booleans beside minimum/maximum.
        if let bound = Self.double(schema["exclusiveMinimum"]), number <= bound {
            violations.append("\(path): \(Self.format(number)) is not more than exclusiveMinimum \(Self.format(bound))")
        } else if schema["exclusiveMinimum"] as? Bool == true, let minimum = Self.double(schema["minimum"]), number <= minimum {
            violations.append("\(path): \(Self.format(number)) is not more than exclusive minimum \(Self.format(minimum))")
        }
        if let bound = Self.double(schema["exclusiveMaximum"]), number >= bound {
            violations.append("\(path): \(Self.format(number)) is not less than exclusiveMaximum \(Self.format(bound))")
        } else if schema["exclusiveMaximum"] as? Bool == true, let maximum = Self.double(schema["maximum"]), number >= maximum {
            violations.append("\(path): \(Self.format(number)) is not less than exclusive maximum \(Self.format(maximum))")
        }
        if let divisor = Self.double(schema["multipleOf"]), divisor > 0 {
            let quotient = number / divisor
            if abs(quotient - quotient.rounded()) > 1e-9 {
                violations.append("\(path): \(Self.format(number)) is not a multiple of \(Self.format(divisor))")
            }
        }
    }

    func checkArray(_ items: [JSONValue], _ schema: [String: Any], _ path: String, depth: Int, into violations: inout [String]) {
        if let minimum = Self.int(schema["minItems"]), items.count < minimum {
            violations.append("\(path): \(items.count) items, fewer than minItems \(minimum)")
        }
        if let maximum = Self.int(schema["maxItems"]), items.count > maximum {
            violations.append("\(path): \(items.count) items, more than maxItems \(maximum)")
        }
        if schema["uniqueItems"] as? Bool == true {
            for (index, item) in items.enumerated() where items[..<index].contains(item) {
                violations.append("\(path)[\(index)]: repeats an earlier item, but uniqueItems is set")
            }
        }
        var prefix = 0
        if let tuple = (schema["prefixItems"] as? [Any]) ?? (schema["items"] as? [Any]) {
            prefix = tuple.count
            for (index, item) in items.enumerated() where index < tuple.count {
                validate(item, tuple[index], "\(path)[\(index)]", depth: depth + 1, into: &violations)
            }
            if schema["prefixItems"] == nil, let extra = schema["additionalItems"] {
                for index in items.indices where index >= prefix {
                    validate(items[index], extra, "\(path)[\(index)]", depth: depth + 1, into: &violations)
                }
            }
        }
        if let itemSchema = schema["items"], !(itemSchema is [Any]) {
            for index in items.indices where index >= prefix {
                validate(items[index], itemSchema, "\(path)[\(index)]", depth: depth + 1, into: &violations)
            }
        }
        if let contains = schema["contains"] {
            let matching = items.indices.filter { index in
                var scratch: [String] = []
                validate(items[index], contains, "\(path)[\(index)]", depth: depth + 1, into: &scratch)
                return scratch.isEmpty
            }.count
            let minimum = Self.int(schema["minContains"]) ?? 1
            if matching < minimum { violations.append("\(path): \(matching) items match `contains`, fewer than \(minimum)") }
            if let maximum = Self.int(schema["maxContains"]), matching > maximum {
                violations.append("\(path): \(matching) items match `contains`, more than \(maximum)")
            }
        }
    }

    func checkObject(_ members: [String: JSONValue], _ schema: [String: Any], _ path: String, depth: Int, into violations: inout [String]) {
        if let required = schema["required"] as? [Any] {
            for case let name as String in required where members[name] == nil {
                violations.append("\(Self.member(path, name)): required property is missing")
            }
        }
        if let minimum = Self.int(schema["minProperties"]), members.count < minimum {
            violations.append("\(path): \(members.count) properties, fewer than minProperties \(minimum)")
        }
        if let maximum = Self.int(schema["maxProperties"]), members.count > maximum {
            violations.append("\(path): \(members.count) properties, more than maxProperties \(maximum)")
        }
        if let dependent = schema["dependentRequired"] as? [String: Any] {
            for (name, needs) in dependent where members[name] != nil {
                for case let other as String in (needs as? [Any]) ?? [] where members[other] == nil {
                    violations.append("\(Self.member(path, other)): required when \(name) is present, but missing")
                }
            }
        }
        let properties = schema["properties"] as? [String: Any] ?? [:]
        let patterned = (schema["patternProperties"] as? [String: Any] ?? [:]).sorted { $0.key < $1.key }
        let names = schema["propertyNames"]
        for name in members.keys.sorted() {
            let memberValue = members[name]!
            let memberPath = Self.member(path, name)
            if let names {
                var scratch: [String] = []
                validate(.string(name), names, memberPath, depth: depth + 1, into: &scratch)
                violations += scratch.map { "\($0) (property name)" }
            }
            var covered = false
            if let propertySchema = properties[name] {
                covered = true
                validate(memberValue, propertySchema, memberPath, depth: depth + 1, into: &violations)
            }
            for (pattern, patternSchema) in patterned {
                guard let regex = document.regex(pattern) else { continue }
                if regex.firstMatch(in: name, options: [], range: NSRange(name.startIndex..<name.endIndex, in: name)) != nil {
                    covered = true
                    validate(memberValue, patternSchema, memberPath, depth: depth + 1, into: &violations)
                }
            }
            guard !covered, let additional = schema["additionalProperties"] else { continue }
            if let allowed = additional as? Bool, type(of: additional) == Bool.self {
                if !allowed { violations.append("\(memberPath): property is not allowed (additionalProperties: false)") }
            } else {
                validate(memberValue, additional, memberPath, depth: depth + 1, into: &violations)
            }
        }
    }

    func checkCombinators(_ value: JSONValue, _ schema: [String: Any], _ path: String, depth: Int, into violations: inout [String]) {
        func attempt(_ subschema: Any) -> [String] {
            var scratch: [String] = []
            validate(value, subschema, path, depth: depth + 1, into: &scratch)
            return scratch
        }
        func summary(_ failures: [[String]]) -> String {
            failures.enumerated().map { index, found in
                "\(index): " + found.prefix(3).joined(separator: "; ") + (found.count > 3 ? "; …" : "")
            }.joined(separator: " | ")
        }
        if let all = schema["allOf"] as? [Any] {
            for subschema in all { violations += attempt(subschema) }
        }
        if let any = schema["anyOf"] as? [Any], !any.isEmpty {
            let failures = any.map(attempt)
            if !failures.contains(where: \.isEmpty) {
                violations.append("\(path): matches none of the anyOf alternatives (\(summary(failures)))")
            }
        }
        if let one = schema["oneOf"] as? [Any], !one.isEmpty {
            let failures = one.map(attempt)
            let passing = failures.indices.filter { failures[$0].isEmpty }
            if passing.isEmpty {
                violations.append("\(path): matches none of the oneOf alternatives (\(summary(failures)))")
            } else if passing.count > 1 {
                violations.append("\(path): matches \(passing.count) oneOf alternatives (\(passing.map(String.init).joined(separator: ", "))); exactly one is allowed")
            }
        }
        if let not = schema["not"], attempt(not).isEmpty {
            violations.append("\(path): matches a schema under `not`")
        }
        if let condition = schema["if"] {
            if attempt(condition).isEmpty {
                if let then = schema["then"] { violations += attempt(then) }
            } else if let otherwise = schema["else"] {
                violations += attempt(otherwise)
            }
        }
    }

    // MARK: Helpers

    static func member(_ path: String, _ name: String) -> String {
        let simple = !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
            && !(name.first?.isNumber ?? false)
        return simple ? "\(path).\(name)" : "\(path)['\(name.replacingOccurrences(of: "'", with: "\\'"))']"
    }

    static func int(_ node: Any?) -> Int? {
        guard let node, let value = JSONValue(node), case .number(let number) = value, number.rounded() == number else { return nil }
        return Int(exactly: number)
    }

    static func double(_ node: Any?) -> Double? {
        guard let node, let value = JSONValue(node), case .number(let number) = value else { return nil }
        return number
    }

    static func format(_ number: Double) -> String {
        if number.rounded() == number, abs(number) < 1e15 { return String(Int(number)) }
        return String(number)
    }

    /// ECMA-262 reads `$` (without the multiline flag) as the very end; ICU also lets it match before a
    /// final line break. Outside character classes, an unescaped `$` becomes `\z`.
    static func icuPattern(_ pattern: String) -> String {
        var result = ""
        var escaped = false
        var inClass = false
        for character in pattern {
            if escaped {
                result.append(character)
                escaped = false
            } else if character == "\\" {
                result.append(character)
                escaped = true
            } else if character == "[" && !inClass {
                inClass = true
                result.append(character)
            } else if character == "]" && inClass {
                inClass = false
                result.append(character)
            } else if character == "$" && !inClass {
                result += "\\z"
            } else {
                result.append(character)
            }
        }
        return result
    }

    /// `YYYY-MM-DD`, a real calendar day.
    static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), (1...12).contains(month) else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return (1...days).contains(day)
    }

    /// RFC 3339 `date-time`: `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`.
    static func isDateTime(_ text: String) -> Bool {
        let characters = Array(text)
        guard characters.count >= 20, characters[10] == "T" || characters[10] == "t",
              isDate(String(characters[0..<10])) else { return false }
        let rest = Array(characters[11...])
        func number(_ slice: ArraySlice<Character>) -> Int? {
            guard slice.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int(String(slice))
        }
        guard rest.count >= 9, rest[2] == ":", rest[5] == ":",
              let hour = number(rest[0..<2]), let minute = number(rest[3..<5]), let second = number(rest[6..<8]),
              hour <= 23, minute <= 59, second <= 60 else { return false }
        var index = 8
        if rest[index] == "." {
            index += 1
            let start = index
            while index < rest.count, rest[index].isASCII, rest[index].isNumber { index += 1 }
            guard index > start else { return false }
        }
        guard index < rest.count else { return false }
        let zone = Array(rest[index...])
        if zone == ["Z"] || zone == ["z"] { return true }
        guard zone.count == 6, zone[0] == "+" || zone[0] == "-", zone[3] == ":",
              let offsetHours = number(zone[1..<3]), let offsetMinutes = number(zone[4..<6]) else { return false }
        return offsetHours <= 23 && offsetMinutes <= 59
    }

    /// Yams gives `[AnyHashable: Any]` for mappings; the checker reads `[String: Any]`.
    static func normalize(_ node: Any?) -> Any? {
        switch node {
        case nil: return nil
        case let mapping as [AnyHashable: Any]:
            var result: [String: Any] = [:]
            for (key, value) in mapping { result["\(key.base)"] = normalize(value) ?? NSNull() }
            return result
        case let mapping as [String: Any]:
            return mapping.mapValues { normalize($0) ?? NSNull() }
        case let sequence as [Any]:
            return sequence.map { normalize($0) ?? NSNull() }
        case let date as Date:
            return ISO8601DateFormatter().string(from: date)
        default:
            return node
        }
    }
}

extension OpenAPIContract {
    /// A JSON value with booleans told apart from numbers. On Linux, JSONSerialization gives `true`/`false` as
    /// `__NSCFBoolean` (an NSNumber whose `objCType` is `c`) and numbers as plain NSNumber; since
    /// `NSNumber(value: 1) is Bool` is true there, `is Bool` cannot tell them apart, nor can
    /// `type(of:) == Bool.self` (false for JSONSerialization's booleans). Native Swift values (from Yams or
    /// literal dictionaries) are read by their own types.
    enum JSONValue: Equatable, Sendable {
        case null
        case bool(Bool)
        case number(Double)
        case string(String)
        case array([JSONValue])
        case object([String: JSONValue])

        init?(_ any: Any) {
            if any is NSNull { self = .null; return }
            if type(of: any) == Bool.self, let flag = any as? Bool { self = .bool(flag); return }
            if type(of: any) is NSNumber.Type, let number = any as? NSNumber {
                let kind = String(cString: number.objCType)
                if kind == "c" || kind == "B" || String(describing: type(of: any)).contains("Boolean") {
                    self = .bool(number.boolValue)
                } else {
                    self = .number(number.doubleValue)
                }
                return
            }
            if let text = any as? String { self = .string(text); return }
            if let integer = any as? any BinaryInteger { self = .number(Double(integer)); return }
            if let floating = any as? any BinaryFloatingPoint { self = .number(Double(floating)); return }
            if let decimal = any as? Decimal { self = .number(NSDecimalNumber(decimal: decimal).doubleValue); return }
            if let array = any as? [Any] {
                var items: [JSONValue] = []
                for element in array {
                    guard let item = JSONValue(element) else { return nil }
                    items.append(item)
                }
                self = .array(items)
                return
            }
            if let object = any as? [String: Any] {
                var members: [String: JSONValue] = [:]
                for (key, element) in object {
                    guard let member = JSONValue(element) else { return nil }
                    members[key] = member
                }
                self = .object(members)
                return
            }
            if let object = any as? [AnyHashable: Any] {
                var members: [String: JSONValue] = [:]
                for (key, element) in object {
                    guard let member = JSONValue(element) else { return nil }
                    members["\(key.base)"] = member
                }
                self = .object(members)
                return
            }
            return nil
        }

        func isOfType(_ name: String) -> Bool {
            switch (name, self) {
            case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object), ("number", .number):
                return true
            case ("integer", .number(let number)):
                return number.isFinite && number.rounded() == number
            default:
                return false
            }
        }

        var kindDescription: String {
            switch self {
            case .null: return "null"
            case .bool(let flag): return "boolean \(flag)"
            case .number(let number): return (number.rounded() == number ? "integer " : "number ") + OpenAPIContract.format(number)
            case .string(let text): return "string \(JSONValue.string(text).brief)"
            case .array(let items): return "array of \(items.count)"
            case .object: return "object"
            }
        }

        /// A short rendering for messages (long text is cut).
        var brief: String {
            switch self {
            case .null: return "null"
            case .bool(let flag): return String(flag)
            case .number(let number): return OpenAPIContract.format(number)
            case .string(let text):
                let cut = text.count > 60 ? String(text.prefix(57)) + "…" : text
                let escaped = cut.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                    .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\t", with: "\\t")
                return "\"\(escaped)\""
            case .array(let items): return "[… \(items.count) items]"
            case .object(let members): return "{… \(members.count) properties}"
            }
        }
    }
}
