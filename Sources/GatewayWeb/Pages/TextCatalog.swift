import Foundation
import GatewayCore

/// The page sentences of every language, loaded once from the module's resources.
struct TextCatalog: Sendable {
    enum LoadError: Error, CustomStringConvertible {
        case missingFile(String)
        case unreadable(String)
        case missingKeys(Language, [String])
        case unknownKeys(Language, [String])

        var description: String {
            switch self {
            case .missingFile(let file): "the text catalog \(file) is missing from the resources"
            case .unreadable(let file): "the text catalog \(file) cannot be read, or is not a JSON object of strings"
            case .missingKeys(let language, let keys): "the \(language.rawValue) text catalog lacks \(keys.joined(separator: ", "))"
            case .unknownKeys(let language, let keys): "the \(language.rawValue) text catalog has keys no page uses: \(keys.joined(separator: ", "))"
            }
        }
    }

    private let tables: [Language: [String: String]]

    init(tables: [Language: [String: String]]) throws(LoadError) {
        // Danish and English carry every sentence; the other languages every sentence a citizen can
        // meet, and none of the staff pages' (which are Danish).
        for language in Language.allCases {
            let table = tables[language] ?? [:]
            let needed = TextKey.allCases.filter { language.coversStaffPages || !$0.isStaffOnly }
            let missing = needed.map(\.rawValue).filter { table[$0] == nil }
            guard missing.isEmpty else { throw .missingKeys(language, missing) }
            let unknown = table.keys.filter { key in
                guard let known = TextKey(rawValue: key) else { return true }
                return known.isStaffOnly && !language.coversStaffPages
            }.sorted()
            guard unknown.isEmpty else { throw .unknownKeys(language, unknown) }
        }
        self.tables = tables
    }

    /// Reads `Resources/Text/<language>.json` for every language the pages offer.
    static func load() throws(LoadError) -> TextCatalog {
        var tables: [Language: [String: String]] = [:]
        for language in Language.allCases {
            let name = "\(language.rawValue).json"
            guard let url = Bundle.module.url(forResource: language.rawValue, withExtension: "json", subdirectory: "Text") else {
                throw .missingFile(name)
            }
            let object: Any
            do { object = try JSONSerialization.jsonObject(with: try Data(contentsOf: url)) } catch { throw .unreadable(name) }
            guard let table = object as? [String: String] else { throw .unreadable(name) }
            tables[language] = table
        }
        return try TextCatalog(tables: tables)
    }

    func text(_ key: TextKey, _ language: Language) -> String {
        // Present by construction: `init` refuses a catalog that lacks a key (a staff sentence is
        // English in the languages staff pages are not offered in).
        tables[language]![key.rawValue] ?? tables[.en]![key.rawValue]!
    }

    /// `{name}` placeholders filled in.
    func text(_ key: TextKey, _ language: Language, _ values: [String: String]) -> String {
        let template = text(key, language)
        guard !values.isEmpty, template.utf8.contains(UInt8(ascii: "{")) else { return template }
        // One pass over the sentence; an unknown placeholder stays as it is (the tests catch it).
        var result = ""
        var rest = template[...]
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            result += rest[..<open]
            let name = String(rest[rest.index(after: open)..<close])
            result += values[name] ?? "{\(name)}"
            rest = rest[rest.index(after: close)...]
        }
        return result + rest
    }

    /// The whole table, for templates (`{{t.key}}`).
    func dictionary(_ language: Language) -> [String: String] { tables[language]! }

    /// The whole table with the English staff sentences filled in, for pages that may show one.
    func completeDictionary(_ language: Language) -> [String: String] {
        language.coversStaffPages ? tables[language]! : tables[.en]!.merging(tables[language]!) { $1 }
    }

    /// "1 ledig plads" / "2 ledige pladser".
    func placesFree(_ count: Int, _ language: Language) -> String {
        count == 1 ? text(.placesFreeOne, language) : text(.placesFreeMany, language, ["count": String(count)])
    }

    /// "mandag 23. november" / "Monday 23 November".
    /// Opening hours in words, e.g. "mandag 08:00–12:00 og 15:00–18:00; tirsdag 08:00–12:00".
    func hours(_ hours: WeeklyHours, _ language: Language) -> String {
        Weekday.allCases.compactMap { weekday -> String? in
            let intervals = hours.intervals(on: weekday)
            guard !intervals.isEmpty else { return nil }
            let times = intervals.map { "\($0.start)–\($0.end)" }.joined(separator: " " + text(.and, language) + " ")
            return text(TextKey.weekday(weekday), language) + " " + times
        }.joined(separator: "; ")
    }

    func day(_ day: CalendarDay, _ language: Language) -> String {
        text(.dayLabel, language, ["weekday": text(.weekday(day.weekday), language), "day": String(day.day),
                                   "month": text(TextKey.months[day.month - 1], language)])
    }

    /// "mandag 23. november kl. 08:00–09:00".
    func appointment(_ day: CalendarDay, _ start: TimeOfDay, _ end: TimeOfDay, _ language: Language) -> String {
        text(.appointment, language, ["day": self.day(day, language), "range": "\(start)–\(end)"])
    }
}
