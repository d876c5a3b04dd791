import Foundation
import GatewayCore
@testable import GatewayWeb
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Issue 10: the languages families speak. Every citizen page in every language says its language
/// and direction, keeps the neutral title and the quick exit, and offers the other languages without
/// JavaScript or cookies.
@Suite("Citizen pages in six languages")
struct CitizenLanguagesTests {
    static let sensitiveWords = ["stof", "drug", "narko", "misbrug", "rusmiddel", "مخدر", "منشیات", "madde", "maandooriye", "PAS", "U-turn"]

    func expectLanguagePage(_ page: TestResponse, _ language: Language, _ catalog: TextCatalog, _ what: String) {
        let html = page.text
        #expect(html.contains("<html lang=\"\(language.rawValue)\" dir=\"\(language.direction)\">"), "\(language) \(what)")
        let title = catalog.text(.siteTitle, language)
        #expect(html.contains("<title>\(title)</title>"), "\(language) \(what)")
        for word in Self.sensitiveWords { #expect(!title.localizedCaseInsensitiveContains(word), "\(language) title: \(word)") }
        #expect(html.contains("class=\"exit\" href=\"https://www.dr.dk/\""), "\(language) \(what)")
        #expect(html.contains("id=\"accessibility-statement\" href=\"https://www.was.digst.dk/kk-dk\""), "\(language) \(what)")
        #expect(html.contains("href=\"/anonymity\(PageRenderer.query(language))\""), "\(language) \(what)")
        #expect(page.headers[.setCookie] == nil)
    }

    @Test func everyCitizenPageInEveryLanguageHasItsLangDirTitleAndQuickExit() async throws {
        let catalog = try TextCatalog.load()
        try await TestGateway().test { client in
            let (token, _) = try await client.bookPAS()
            for language in Language.allCases {
                let lang = language.rawValue
                let query = PageRenderer.query(language)
                for path in ["/", "/anonymity", "/families", "/complaints", "/booking"] {
                    let page = try await client.execute(uri: path + query, method: .get)
                    #expect(page.status == .ok, "\(lang) \(path)")
                    expectLanguagePage(page, language, catalog, path)
                    // The other five languages, each in its own name and marked with its language.
                    for other in Language.allCases where other != language {
                        #expect(page.text.contains("lang=\"\(other.rawValue)\" hreflang=\"\(other.rawValue)\">\(other.nativeName)</a>"), "\(lang) \(path) → \(other)")
                    }
                }
                let answers = [("lang", lang), ("service", "pas"), ("ageBand", "25-plus"), ("substances", "cocaine"), ("otherSupport", "no")]
                let steps: [(String, [(String, String)])] = [
                    ("/book/questions", [("lang", lang), ("service", "pas")]),
                    ("/book/times", answers),
                    ("/book/details", answers + [("slot", "kk-pas.pas.20261123T1000")]),
                    ("/book/confirm", answers + [("slot", "kk-pas.pas.20261123T1000")]),
                    ("/book/times", [("lang", lang), ("service", "pas"), ("ageBand", "25-plus"), ("substances", "opioids"), ("otherSupport", "no")]),
                    ("/book/times", [("lang", lang), ("service", "relatives"), ("ageBand", "14-17"), ("enrolled", "no")]),
                    ("/booking", [("lang", lang), ("token", token)]),
                    ("/booking", [("lang", lang), ("token", "1234")]),
                ]
                for (path, fields) in steps {
                    let page = try await client.form(path, fields)
                    expectLanguagePage(page, language, catalog, path)
                    // A POST step's language choice re-posts the same answers with another `lang`.
                    if page.status == .ok, path.hasPrefix("/book/") {
                        for other in Language.allCases where other != language {
                            #expect(page.text.contains("name=\"lang\" value=\"\(other.rawValue)\" lang=\"\(other.rawValue)\">\(other.nativeName)</button>"), "\(lang) \(path)")
                        }
                    }
                }
            }
        }
    }

    /// The Arabic-speaking father of the issue books a conversation for parents, in Arabic, right to left.
    @Test func aParentBooksInArabicFromTheFamiliesPageToTheReceipt() async throws {
        let catalog = try TextCatalog.load()
        try await TestGateway().test { client in
            let families = try await client.execute(uri: "/families?lang=ar", method: .get)
            #expect(families.text.contains(catalog.text(.familiesHeading, .ar)))
            #expect(families.text.contains("id=\"families-faith\""))
            #expect(families.text.contains("\u{2066}70 210 220\u{2069}"))
            #expect(families.text.contains("name=\"service\" value=\"uturn-parents\""))
            let answers = [("lang", "ar"), ("service", "uturn-parents"), ("ageBand", "25-plus")]
            let times = try await client.form("/book/times", answers)
            #expect(times.text.contains("dir=\"rtl\""))
            #expect(times.text.contains(catalog.text(.timesHeading, .ar)))
            let receipt = try await client.bookOnPage(answers + [("slot", "uturn.uturn-parents.20261123T0900"), ("interpreterLanguage", "arabisk")])
            #expect(receipt.status == .ok)
            #expect(receipt.text.contains("<html lang=\"ar\" dir=\"rtl\">"))
            #expect(receipt.text.contains("Studiestræde \u{2066}47\u{2069}"))
            #expect(receipt.text.contains("\u{2066}82 56 23 00\u{2069}"))
            #expect(receipt.text.contains(catalog.text(.receiptHeading, .ar)))
            let token = try #require(CitizenPageTests.hidden("token", in: receipt.text))
            let lookup = try await client.form("/booking", [("lang", "ar"), ("token", token)])
            #expect(lookup.text.contains("dir=\"rtl\""))
            #expect(lookup.text.contains("Studiestræde \u{2066}47\u{2069}"))
        }
    }

    /// Right to left, "08:00–09:00" would read "09:00–08:00" and a phone number's groups would be
    /// reversed: runs of digits are isolated as left to right, but never what a citizen typed.
    @Test func numbersOnRightToLeftPagesKeepTheirOrder() {
        let html = "<title>2026</title><p dir=\"x1\">kl. 08:00–09:00, هاتف 82 56 23 00</p><textarea name=\"m\">12 34</textarea><p>T4X7-WJCN-45MA 1455 København</p>"
        let isolated = PageRenderer.isolatingNumbers(html)
        #expect(isolated == "<title>\u{2066}2026\u{2069}</title><p dir=\"x1\">kl. \u{2066}08:00–09:00\u{2069}, هاتف \u{2066}82 56 23 00\u{2069}</p><textarea name=\"m\">12 34</textarea><p>T4X7-WJCN-45MA \u{2066}1455\u{2069} København</p>")
        // A reference with an all-digit group stays exactly as it is: copied, it must still be the reference.
        for code in ["SETR-ESDR-YQ2Q-TDMS-4630", "4630-SETR-ESDR-YQ2Q-TDMS", "ABCD-1234-EFGH-5678-IJKL", "kk-pas.pas.20261123T0900"] {
            #expect(PageRenderer.isolatingNumbers("<p class=\"token\">\(code)</p>") == "<p class=\"token\">\(code)</p>", "\(code)")
        }
    }

    @Test func anUnknownLanguageFallsBackToDanish() async throws {
        try await TestGateway().test { client in
            let page = try await client.execute(uri: "/?lang=xx", method: .get)
            #expect(page.text.contains("<html lang=\"da\" dir=\"ltr\">"))
        }
    }
}
