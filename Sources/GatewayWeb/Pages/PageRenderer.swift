import Foundation
import GatewayCore
import HTTPTypes
import Hummingbird
import Mustache

/// Renders pages inside their layout, in the chosen language: the Mustache templates and the
/// text catalog, both read once from the module's resources (`Resources/Templates`, `Resources/Text`).
struct PageRenderer: Sendable {
    let library: MustacheLibrary
    let texts: TextCatalog
    let stylesheet: String
    /// The footer's link to the accessibility statement (configuration `site.accessibilityStatement`).
    let accessibilityStatement: String

    enum LoadError: Error, CustomStringConvertible {
        case missingResource(String)
        case unreadable(String, String)
        case template(String, String)
        var description: String {
            switch self {
            case .missingResource(let name): "\(name) is missing beside the binary (deploy the anongate_GatewayWeb.resources folder with it)"
            case .unreadable(let name, let reason): "\(name) cannot be read: \(reason)"
            case .template(let name, let reason): "the template \(name) does not parse: \(reason)"
            }
        }
    }

    init(accessibilityStatement: String) throws {
        self.accessibilityStatement = accessibilityStatement
        // Every resource failure stops start-up with the resource and the reason: a page must never be served half-loaded.
        func read(_ url: URL, _ label: String) throws(LoadError) -> String {
            do { return try String(contentsOf: url, encoding: .utf8) } catch { throw .unreadable(label, "\(error)") }
        }
        guard let folder = Bundle.module.url(forResource: "Templates", withExtension: nil) else { throw LoadError.missingResource("Templates") }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder.path) } catch {
            throw LoadError.unreadable("Templates", "\(error)")
        }
        var library = MustacheLibrary()
        for file in names.sorted() where file.hasSuffix(".mustache") {
            let name = String(file.dropLast(".mustache".count))
            let text = try read(folder.appendingPathComponent(file), "Templates/\(file)")
            do { try library.register(text, named: name) } catch { throw LoadError.template(name, "\(error)") }
        }
        guard let css = Bundle.module.url(forResource: "site", withExtension: "css", subdirectory: "Static") else {
            throw LoadError.missingResource("Static/site.css")
        }
        self.library = library
        self.stylesheet = try read(css, "Static/site.css")
        self.texts = try TextCatalog.load()
    }

    enum LanguageSwitch {
        case none
        /// A GET page: a plain link with `?lang=`.
        case link(String)
        /// A POST step: re-post the same answers with the other language.
        case form(action: String, fields: [HiddenField])
    }

    static func language(query request: Request) -> Language {
        request.uri.queryParameters["lang"].flatMap { Language(rawValue: String($0)) } ?? .da
    }

    static func language(form: FormBody) -> Language { form["lang"].flatMap(Language.init(rawValue:)) ?? .da }

    /// `?lang=xx` that keeps a language on the next GET link (Danish, the default, needs none).
    static func query(_ language: Language) -> String { language == .da ? "" : "?lang=\(language.rawValue)" }

    /// Renders a page from its typed model parts (looked up in order), inside the layout. The
    /// language choice lists every other language in its own name: links on GET pages, and on POST
    /// steps one form whose buttons each carry `lang`, so the answers travel without JavaScript or cookies.
    func page(_ name: String, _ parts: Any..., language: Language, status: HTTPResponse.Status, switch target: LanguageSwitch,
              errorField: String? = nil) -> Response {
        let t = texts.completeDictionary(language)
        var common = PageCommon(lang: language.rawValue, dir: language.direction, t: t, langQuery: Self.query(language))
        var content = library.render(TemplateContext(parts: parts + [common]), withTemplate: name) ?? ""
        // The error summary links its message to the field at fault (as Det Fælles Designsystem's
        // does), when the page has that field: rendered again with the link.
        if let anchor = Self.anchor(forField: errorField, in: content) {
            common.errorLink = anchor
            content = library.render(TemplateContext(parts: parts + [common]), withTemplate: name) ?? ""
        }
        let others = Language.allCases.filter { $0 != language }
        var languages: [LayoutModel.LanguageChoice] = []
        var switchForm: LayoutModel.SwitchForm?
        switch target {
        case .none: break
        case .link(let path):
            languages = others.map { .init(lang: $0.rawValue, name: $0.nativeName, href: path + Self.query($0)) }
        case .form(let action, let fields):
            languages = others.map { .init(lang: $0.rawValue, name: $0.nativeName, href: nil) }
            switchForm = .init(action: action, fields: fields.filter { $0.name != "lang" })
        }
        let layout = LayoutModel(lang: language.rawValue, dir: language.direction, langQuery: common.langQuery, t: t, content: content,
                                 languages: languages, hasLanguages: !languages.isEmpty, switchForm: switchForm,
                                 accessibilityStatement: accessibilityStatement)
        var html = library.render(TemplateContext(parts: [layout]), withTemplate: "layout") ?? ""
        if language.isRightToLeft { html = Self.isolatingNumbers(html) }
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// The element an error about `field` points to: the field's own control where its id is the
    /// field's name, else the group around it (`field-<name>`); nil when the page has neither.
    static func anchor(forField field: String?, in content: String) -> String? {
        guard let field else { return nil }
        let candidates = (fieldAnchors[field] ?? []) + [field, "field-\(field)"]
        return candidates.first { content.contains("id=\"\($0)\"") }
    }

    /// Controls whose id is not the API's field name.
    static let fieldAnchors: [String: [String]] = [
        "slotId": ["field-slot"], "providerId": ["complaint-provider"], "text": ["complaint-text"],
        "about": ["field-about"], "token": ["complaint-token"],
    ]

    /// Runs of digits (times, ranges, phone numbers, postcodes, dates) are isolated as left to right
    /// on right-to-left pages: otherwise the bidi algorithm shows "08:00–09:00" as "09:00–08:00" and
    /// the groups of a phone number in reverse order. Only in text between tags (Unicode isolates are
    /// valid in a title or an option too), never inside a textarea, whose text the citizen typed.
    static func isolatingNumbers(_ html: String) -> String {
        var result = ""
        result.reserveCapacity(html.utf8.count + 256)
        var rest = html[...]
        var inTextarea = false
        while let open = rest.firstIndex(of: "<") {
            let text = rest[..<open]
            result += inTextarea ? String(text) : isolate(text)
            guard let close = rest[open...].firstIndex(of: ">") else { result += rest[open...]; return result }
            let tag = rest[open...close]
            if tag.hasPrefix("<textarea") { inTextarea = true } else if tag.hasPrefix("</textarea") { inTextarea = false }
            result += tag
            rest = rest[rest.index(after: close)...]
        }
        return result + (inTextarea ? String(rest) : isolate(rest))
    }

    /// A run starts at a digit that does not follow a letter or digit, takes digits, spaces, `:`, `.`
    /// and dashes, ends at its last digit, and counts only if no letter or digit follows. A run joined
    /// by a hyphen to letters or digits is part of a code (a reference `…-TDMS-4630`, a slot id) and is
    /// left alone: an invisible character in a reference would travel with a copy and paste.
    private static func isolate(_ text: Substring) -> String {
        guard text.contains(where: { $0.isASCII && $0.isNumber }) else { return String(text) }
        let chars = Array(text)
        func isDigit(_ c: Character) -> Bool { c.isASCII && c.isNumber }
        func isWord(_ c: Character) -> Bool { c.isASCII && (c.isLetter || c.isNumber) }
        var out = ""
        var i = 0
        while i < chars.count {
            let joinedBefore = i >= 2 && chars[i - 1] == "-" && isWord(chars[i - 2])
            guard isDigit(chars[i]), i == 0 || !isWord(chars[i - 1]), !joinedBefore else { out.append(chars[i]); i += 1; continue }
            var j = i, lastDigit = i
            while j < chars.count, isDigit(chars[j]) || " :.–-".contains(chars[j]) {
                if isDigit(chars[j]) { lastDigit = j }
                j += 1
            }
            let end = lastDigit + 1
            let run = String(chars[i..<end])
            let joinedAfter = end + 1 < chars.count && chars[end] == "-" && isWord(chars[end + 1])
            out += (end == chars.count || !isWord(chars[end])) && !joinedAfter ? "\u{2066}" + run + "\u{2069}" : run
            i = end
        }
        return out
    }

    func errorPage(_ error: any Error, _ language: Language) -> Response {
        let problem = error as? GatewayProblem ?? .internalFailure
        var response = page("error", ErrorPage(detail: texts.detail(problem, language)), language: language, status: problem.status, switch: .none)
        if let retry = problem.retryAfterSeconds { response.headers[.retryAfter] = String(retry) }
        return response
    }

}

/// iCalendar (RFC 5545) for one appointment.
enum CalendarFile {
    static func event(uid: String, start: Date, end: Date, summary: String, location: String, description: String = "") -> String {
        let stamp = Date(timeIntervalSince1970: (start.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400)
        let lines = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            // Nothing names the gateway or the moment of booking: a generic product id, a random
            // UID without a domain, and a DTSTAMP at the start of the appointment's day (RFC 5545
            // requires one; the time the file was made would date the booking).
            "PRODID:-//calendar//event//EN",
            "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH",
            "BEGIN:VEVENT",
            "UID:\(uid)",
            "DTSTAMP:\(utc(stamp))",
            "DTSTART:\(utc(start))",
            "DTEND:\(utc(end))",
            "SUMMARY:\(escape(summary))",
            "LOCATION:\(escape(location))",
        ] + (description.isEmpty ? [] : ["DESCRIPTION:\(escape(description))"]) + [
            "TRANSP:OPAQUE",
            "END:VEVENT",
            "END:VCALENDAR",
        ]
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    static func utc(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let p = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ v: Int?) -> String { String(v ?? 0).leftPadded(2) }
        return "\(String(p.year ?? 0).leftPadded(4))\(two(p.month))\(two(p.day))T\(two(p.hour))\(two(p.minute))\(two(p.second))Z"
    }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ";", with: "\\;")
            .replacingOccurrences(of: ",", with: "\\,").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// Lines longer than 75 octets are folded (RFC 5545 §3.1), never inside a UTF-8 sequence.
    static func fold(_ line: String) -> String {
        var result = "", current = 0
        for character in line {
            let size = String(character).utf8.count
            if current + size > 75 {
                result += "\r\n "
                current = 1
            }
            result.append(character)
            current += size
        }
        return result
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: Swift.max(0, width - count)) + self }
}
