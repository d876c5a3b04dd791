import Yams

/// Reads a YAML node tree and says exactly which key is at fault when something is wrong.
struct YAMLReader {
    let node: Node
    let path: String

    func fail(_ message: String) -> ConfigurationError { ConfigurationError(keyPath: path, message: message) }

    /// The mapping's values by key; refuses keys not in `allowed` (so typos are caught) and missing `required` ones.
    func mapping(allowed: Set<String>, required: Set<String>) throws(ConfigurationError) -> [String: YAMLReader] {
        guard case .mapping(let mapping) = node else { throw fail("expected a mapping of keys to values") }
        var result: [String: YAMLReader] = [:]
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else { throw fail("keys must be plain text") }
            let child = YAMLReader(node: value, path: path.isEmpty ? key : "\(path).\(key)")
            guard allowed.contains(key) else {
                throw child.fail("unknown key (expected one of: \(allowed.sorted().joined(separator: ", ")))")
            }
            guard result[key] == nil else { throw child.fail("key appears twice") }
            result[key] = child
        }
        for key in required.sorted() where result[key] == nil {
            throw YAMLReader(node: node, path: path.isEmpty ? key : "\(path).\(key)").fail("missing")
        }
        return result
    }

    /// A mapping whose keys are data (e.g. weekdays or referral ids).
    func entries() throws(ConfigurationError) -> [(String, YAMLReader)] {
        guard case .mapping(let mapping) = node else { throw fail("expected a mapping of keys to values") }
        var result: [(String, YAMLReader)] = []
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else { throw fail("keys must be plain text") }
            if result.contains(where: { $0.0 == key }) { throw fail("key \(key) appears twice") }
            result.append((key, YAMLReader(node: value, path: path.isEmpty ? key : "\(path).\(key)")))
        }
        return result
    }

    func list() throws(ConfigurationError) -> [YAMLReader] {
        guard case .sequence(let sequence) = node else { throw fail("expected a list") }
        return sequence.enumerated().map { YAMLReader(node: $1, path: "\(path)[\($0)]") }
    }

    func string() throws(ConfigurationError) -> String {
        guard case .scalar(let scalar) = node else { throw fail("expected text") }
        let text = scalar.string
        guard !text.isEmpty else { throw fail("must not be empty") }
        return text
    }

    func int(in range: ClosedRange<Int>) throws(ConfigurationError) -> Int {
        guard case .scalar = node, let value = node.int else { throw fail("expected a whole number") }
        guard range.contains(value) else { throw fail("must be between \(range.lowerBound) and \(range.upperBound), not \(value)") }
        return value
    }

    func bool() throws(ConfigurationError) -> Bool {
        guard case .scalar = node, let value = node.bool else { throw fail("expected true or false") }
        return value
    }

    func strings() throws(ConfigurationError) -> [String] {
        var result: [String] = []
        for item in try list() { result.append(try item.string()) }
        return result
    }
}

/// A configuration problem, naming the file and the key at fault.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public var file: String?
    public let keyPath: String
    public let message: String

    public init(file: String? = nil, keyPath: String, message: String) {
        self.file = file; self.keyPath = keyPath; self.message = message
    }

    public var description: String {
        let location = keyPath.isEmpty ? "" : "\(keyPath): "
        if let file { return "\(file): \(location)\(message)" }
        return "\(location)\(message)"
    }
}
