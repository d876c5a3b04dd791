import Foundation
import GatewayCore
@testable import GatewayWeb
import Testing

@Suite("Every sentence in one place per language")
struct TextCatalogTests {
    static var resources: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/GatewayWeb/Resources")
    }

    /// Danish and English carry every sentence; Arabic, Urdu, Turkish and Somali every sentence a
    /// citizen can meet (issue 10) and none of the staff pages' — and none of them is left in English.
    @Test func everyLanguageHasEveryKeyAndNoOther() throws {
        let catalog = try TextCatalog.load()
        #expect(Language.allCases.map(\.rawValue) == ["da", "en", "ar", "ur", "tr", "so"])
        let citizenKeys = Set(TextKey.allCases.filter { !$0.isStaffOnly }.map(\.rawValue))
        #expect(citizenKeys.count > 300)
        for language in Language.allCases {
            let expected = language.coversStaffPages ? Set(TextKey.allCases.map(\.rawValue)) : citizenKeys
            #expect(Set(catalog.dictionary(language).keys) == expected, "\(language)")
            for key in TextKey.allCases {
                #expect(!catalog.text(key, language).isEmpty, "\(language).\(key)")
            }
        }
        // Technical field names (the API's) may stay as they are; every other sentence is translated.
        let technical: Set<String> = ["field.carry", "field.date", "field.days", "field.from", "field.outcome", "field.referralProviderId", "letterPhone"]
        for language in Language.allCases where !language.coversStaffPages {
            let untranslated = citizenKeys.subtracting(technical).filter { catalog.dictionary(language)[$0] == catalog.dictionary(.en)[$0] }
            #expect(untranslated.isEmpty, "\(language) still has English: \(untranslated.sorted())")
        }
    }

    @Test func aCatalogMissingAKeyIsRefused() throws {
        func complete() -> [Language: [String: String]] {
            var tables: [Language: [String: String]] = [:]
            for language in Language.allCases {
                tables[language] = Dictionary(uniqueKeysWithValues: TextKey.allCases
                    .filter { language.coversStaffPages || !$0.isStaffOnly }.map { ($0.rawValue, "x") })
            }
            return tables
        }
        _ = try TextCatalog(tables: complete())
        var tables = complete()
        tables[.en]![TextKey.book.rawValue] = nil
        #expect(throws: TextCatalog.LoadError.self) { try TextCatalog(tables: tables) }
        tables = complete()
        tables[.da]!["noSuchKey"] = "x"
        #expect(throws: TextCatalog.LoadError.self) { try TextCatalog(tables: tables) }
        tables = complete()
        tables[.ur]![TextKey.familiesHeading.rawValue] = nil
        #expect(throws: TextCatalog.LoadError.self) { try TextCatalog(tables: tables) }
        tables = complete()
        tables[.so]![TextKey.staffBrand.rawValue] = "x"   // staff pages are Danish: no stray staff sentences
        #expect(throws: TextCatalog.LoadError.self) { try TextCatalog(tables: tables) }
    }

    /// A template that names a key the catalog does not have would render an empty string: refuse it here.
    @Test func templatesNameOnlyKeysThatExist() throws {
        let folder = Self.resources.appendingPathComponent("Templates")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".mustache") }
        #expect(files.count >= 20)
        let known = Set(TextKey.allCases.map(\.rawValue))
        var named = 0
        for file in files {
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            var rest = Substring(text)
            while let range = rest.range(of: "t.") {
                let before = rest[..<range.lowerBound].last
                rest = rest[range.upperBound...]
                guard before == "{" || before == "#" || before == "^" || before == "/" else { continue }
                let key = String(rest.prefix { $0.isLetter || $0.isNumber })
                named += 1
                let exists = known.contains(key)
                #expect(exists, "\(file) names t.\(key), which is not in the catalog")
            }
        }
        #expect(named > 50)
    }

    @Test func placeholdersAreFilledInEachLanguage() throws {
        let catalog = try TextCatalog.load()
        let day = CalendarDay(iso: "2026-11-23")!
        #expect(catalog.day(day, .da) == "mandag 23. november")
        #expect(catalog.day(day, .en) == "Monday 23 November")
        #expect(catalog.placesFree(1, .da) == "1 ledig plads")
        #expect(catalog.placesFree(3, .en) == "3 places free")
        // Every language fills the same placeholders for a key, so no sentence loses or invents a value.
        func placeholders(_ text: String) -> Set<String> {
            var found: Set<String> = []
            var rest = Substring(text)
            while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
                found.insert(String(rest[rest.index(after: open)..<close]))
                rest = rest[rest.index(after: close)...]
            }
            return found
        }
        for key in TextKey.allCases {
            let danish = placeholders(catalog.text(key, .da))
            for language in Language.allCases {
                #expect(placeholders(catalog.text(key, language)) == danish, "\(language).\(key) has other placeholders than Danish")
            }
        }
    }
}
