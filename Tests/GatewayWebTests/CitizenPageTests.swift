import Foundation
import GatewayTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Citizen web form")
struct CitizenPageTests {
    static let pasAnswers: [(String, String)] = [
        ("lang", "da"), ("service", "pas"), ("ageBand", "25-plus"), ("substances", "cannabis"), ("substances", "cocaine"),
        ("otherSupport", "no"),
    ]

    /// Things every citizen page must have: lang, neutral title, quick exit, nothing from other hosts, no cookies.
    static func expectCitizenPage(_ response: TestResponse, lang: String = "da", sourceLocation: SourceLocation = #_sourceLocation) {
        let html = response.text
        #expect(response.headers[.contentType] == "text/html; charset=utf-8", sourceLocation: sourceLocation)
        #expect(html.hasPrefix("<!DOCTYPE html>"), sourceLocation: sourceLocation)
        #expect(html.contains("<html lang=\"\(lang)\" dir=\"ltr\">"), sourceLocation: sourceLocation)
        #expect(html.contains("<title>Tidsbestilling</title>") || html.contains("<title>Appointments</title>"), sourceLocation: sourceLocation)
        #expect(html.contains("class=\"exit\" href=\"https://www.dr.dk/\""), sourceLocation: sourceLocation)
        #expect(!html.contains("<script"), sourceLocation: sourceLocation)
        // The only absolute URLs are the quick-exit link and the accessibility statement's (links, both):
        // nothing is loaded from another host.
        let absolute = html.components(separatedBy: "\"http").count - 1
        #expect(absolute == 2, sourceLocation: sourceLocation)
        #expect(response.headers[.setCookie] == nil, sourceLocation: sourceLocation)
        #expect(response.headers[.cacheControl] == "no-store", sourceLocation: sourceLocation)
        // Every form control has a label or is hidden.
        let inputs = html.components(separatedBy: "<input").dropFirst()
        for input in inputs where !input.hasPrefix(" type=\"hidden\"") {
            guard let idRange = input.range(of: "id=\"") else {
                Issue.record("input without id: \(input.prefix(80))", sourceLocation: sourceLocation); continue
            }
            let id = input[idRange.upperBound...].prefix { $0 != "\"" }
            #expect(html.contains("for=\"\(id)\""), "no label for \(id)", sourceLocation: sourceLocation)
        }
    }

    /// The value of a hidden field.
    static func hidden(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    static func token(in html: String) -> String? {
        guard let start = html.range(of: "<p class=\"token\">") else { return nil }
        return String(html[start.upperBound...].prefix(24))
    }

    @Test func theStartPageListsTheServicesInDanishAndEnglish() async throws {
        try await TestGateway().test { client in
            let danish = try await client.execute(uri: "/", method: .get)
            #expect(danish.status == .ok)
            Self.expectCitizenPage(danish)
            #expect(danish.text.contains("Anonym stofbehandling"))
            #expect(danish.text.contains("href=\"/?lang=en\""))
            let english = try await client.execute(uri: "/?lang=en", method: .get)
            Self.expectCitizenPage(english, lang: "en")
            #expect(english.text.contains("Anonymous drug treatment"))
            let css = try await client.execute(uri: "/static/site.css", method: .get)
            #expect(css.headers[.contentType] == "text/css; charset=utf-8")
            #expect(css.text.contains("@media print"))
        }
    }

    @Test func aCitizenBooksStepByStepWithoutJavaScript() async throws {
        try await TestGateway().test { client in
            let questions = try await client.form("/book/questions", [("lang", "da"), ("service", "pas")])
            #expect(questions.status == .ok)
            Self.expectCitizenPage(questions)
            #expect(questions.text.contains("name=\"substances\""))
            #expect(questions.text.contains("name=\"otherSupport\""))

            let times = try await client.form("/book/times", Self.pasAnswers)
            #expect(times.status == .ok)
            Self.expectCitizenPage(times)
            let firstSlot = try #require(times.text.range(of: "name=\"slot\" value=\""))
            #expect(times.text[firstSlot.upperBound...].hasPrefix("kk-pas.pas.20261123T0800"))
            // Frederiksberg has no address yet: not offered as a time, but named with the number to call.
            #expect(!times.text.contains("frb-pas.pas."))
            #expect(times.text.contains("id=\"booked-by-phone\""))
            #expect(times.text.contains("mandag 23. november (i morgen)"))

            let slot = [("slot", "kk-pas.pas.20261123T0900")]
            let details = try await client.form("/book/details", Self.pasAnswers + slot)
            #expect(details.status == .ok)
            Self.expectCitizenPage(details)
            let extras = [("interpreterLanguage", "arabisk"), ("companion", "yes"), ("message", "Jeg er <nervøs> & glad")]
            let confirm = try await client.form("/book/confirm", Self.pasAnswers + slot + extras)
            #expect(confirm.status == .ok)
            Self.expectCitizenPage(confirm)
            #expect(confirm.text.contains("Jeg er &lt;nervøs&gt; &amp; glad"))
            #expect(confirm.text.contains("mandag 23. november kl. 09:00–10:00"))
            #expect(confirm.text.contains("Oehlenschlägersgade 17"))

            let receipt = try await client.bookOnPage(Self.pasAnswers + slot + extras)
            #expect(receipt.status == .ok)
            Self.expectCitizenPage(receipt)
            let token = try #require(Self.token(in: receipt.text))
            #expect(receipt.text.contains("vises kun denne ene gang"))
            #expect(receipt.text.contains("action=\"/booking/calendar.ics\""))

            // The booking really exists and carries the answers.
            let api = try await client.json(.get, "/api/v1/bookings/current", headers: client.bearer(token))
            #expect(api.status == .ok)
            #expect((api.object?["booking"] as? [String: Any])?["interpreterLanguage"] as? String == "arabisk")

            // The citizen must confirm they saved the reference.
            let notSaved = try await client.form("/book/done", [("lang", "da"), ("token", token)])
            #expect(notSaved.status == .badRequest)
            #expect(notSaved.text.contains("Sæt kryds, når du har gemt referencen"))
            #expect(Self.token(in: notSaved.text) == token)
            let done = try await client.form("/book/done", [("lang", "da"), ("token", token), ("saved", "yes")])
            #expect(done.status == .ok)
            #expect(!done.text.contains(token))
        }
    }

    @Test func stepsRefuseMissingAnswersWithTheQuestionAgain() async throws {
        try await TestGateway().test { client in
            let noService = try await client.form("/book/questions", [("lang", "en")])
            #expect(noService.status == .badRequest)
            #expect(noService.text.contains("An answer is missing: The service."))
            let noAge = try await client.form("/book/times", [("lang", "da"), ("service", "uturn")])
            #expect(noAge.status == .badRequest)
            #expect(noAge.text.contains("name=\"ageBand\""))
            #expect(noAge.text.contains("role=\"alert\""))
            let noSubstances = try await client.form("/book/times", [("lang", "da"), ("service", "pas"), ("ageBand", "25-plus"), ("otherSupport", "no")])
            #expect(noSubstances.status == .badRequest)
            #expect(noSubstances.text.contains("hvilke stoffer"))
            let badSlot = try await client.form("/book/details", Self.pasAnswers + [("slot", "kk-pas.pas.20261123T0930")])
            #expect(badSlot.status == .notFound)
            #expect(badSlot.text.contains("name=\"slot\""))
            let longMessage = try await client.form("/book/confirm", Self.pasAnswers + [("slot", "kk-pas.pas.20261123T0900"), ("message", String(repeating: "x", count: 1001))])
            #expect(longMessage.status == .badRequest)
            #expect(longMessage.text.contains("id=\"message\""))
        }
    }

    @Test func someoneWhoIsNotEligibleIsShownWhereToGo() async throws {
        try await TestGateway().test { client in
            let page = try await client.form("/book/times", [("lang", "da"), ("service", "pas"), ("ageBand", "25-plus"), ("substances", "opioids"), ("otherSupport", "no")])
            #expect(page.status == .ok)
            Self.expectCitizenPage(page)
            #expect(page.text.contains("Center for Opioider og Substitutionsbehandling"))
            #expect(page.text.contains("Prags Boulevard 55"))
            #expect(page.text.contains("href=\"tel:+4533178470\""))
            #expect(!page.text.contains("name=\"slot\""))

            let teen = try await client.form("/book/times", [("lang", "en"), ("service", "relatives"), ("ageBand", "14-17"), ("enrolled", "no")])
            #expect(teen.text.contains("82 56 23 00"))
            let enrolled = try await client.form("/book/times", [("lang", "en"), ("service", "relatives"), ("ageBand", "25-plus"), ("enrolled", "yes")])
            #expect(enrolled.text.contains("Hørsholmsgade 20"))
        }
    }

    @Test func aTakenTimeShowsTheTimesAgainWithAnExplanation() async throws {
        try await TestGateway().test { client in
            _ = try await client.bookPAS(slot: "kk-pas.pas.20261123T0900")
            _ = try await client.bookPAS(slot: "kk-pas.pas.20261123T0900")
            let page = try await client.bookOnPage(Self.pasAnswers + [("slot", "kk-pas.pas.20261123T0900")])
            #expect(page.status == .conflict)
            #expect(page.text.contains("lige blevet taget"))
            #expect(page.text.contains("name=\"slot\""))
        }
    }

    @Test func laterTimesArePagedWithinTheHorizon() async throws {
        try await TestGateway().test { client in
            let later = try await client.form("/book/times", Self.pasAnswers + [("from", "2026-11-29")])
            #expect(later.text.contains("mandag 30. november"))
            #expect(!later.text.contains("mandag 23. november"))
            let beyond = try await client.form("/book/times", Self.pasAnswers + [("from", "2027-03-01")])
            #expect(beyond.status == .ok)
            #expect(beyond.text.contains("ingen ledige tider"))
        }
    }

    @Test func theTokenFindsMovesAndCancelsTheBookingByPost() async throws {
        try await TestGateway().test { client in
            let (token, _) = try await client.bookPAS()
            let manage = try await client.execute(uri: "/booking", method: .get)
            Self.expectCitizenPage(manage)
            #expect(manage.text.contains("method=\"post\" action=\"/booking\""))

            let typo = try await client.form("/booking", [("lang", "en"), ("token", "0000-0000-0000-0000-0001")])
            #expect(typo.status == .badRequest)
            #expect(typo.text.contains("This reference contains a typo"))
            let unknown = try await client.form("/booking", [("lang", "en"), ("token", "0000-0000-0000-0000-0000")])
            #expect(unknown.status == .notFound)

            let found = try await client.form("/booking", [("lang", "da"), ("token", token.lowercased().replacingOccurrences(of: "-", with: " "))])
            #expect(found.status == .ok)
            Self.expectCitizenPage(found)
            #expect(found.text.contains("mandag 23. november kl. 09:00–10:00"))

            let moveTimes = try await client.form("/booking/move", [("lang", "da"), ("token", token)])
            #expect(moveTimes.status == .ok)
            #expect(moveTimes.text.contains("action=\"/booking/move/confirm\""))
            let moved = try await client.form("/booking/move/confirm", [("lang", "da"), ("token", token), ("slot", "kk-pas.pas.20261124T1000")])
            #expect(moved.status == .ok)
            #expect(moved.text.contains("tirsdag 24. november kl. 10:00–11:00"))

            let unconfirmed = try await client.form("/booking/cancel", [("lang", "da"), ("token", token)])
            #expect(unconfirmed.status == .badRequest)
            let cancelled = try await client.form("/booking/cancel", [("lang", "da"), ("token", token), ("confirm", "yes")])
            #expect(cancelled.status == .ok)
            #expect(cancelled.text.contains("Tiden er aflyst"))
            let again = try await client.form("/booking", [("lang", "da"), ("token", token)])
            #expect(again.status == .gone)
        }
    }

    @Test func theCalendarFileHasANeutralTitle() async throws {
        try await TestGateway().test { client in
            let ics = try await client.form("/booking/calendar.ics", [("slot", "kk-pas.pas.20261123T0900")])
            #expect(ics.status == .ok)
            #expect(ics.headers[.contentType] == "text/calendar; charset=utf-8")
            #expect(ics.headers[.contentDisposition] == "attachment; filename=\"samtale.ics\"")
            let text = ics.text
            #expect(text.contains("SUMMARY:Samtale\r\n"))
            #expect(text.contains("DTSTART:20261123T080000Z\r\n"))
            #expect(text.contains("DTEND:20261123T090000Z\r\n"))
            #expect(text.contains("LOCATION:Oehlenschlägersgade 17\\, 1663 København V"))
            for word in ["stof", "drug", "anonym", "PAS", "behandling", "pas"] {
                #expect(!text.contains(word), "\(word)")
            }
            #expect(text.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 75 })
            let bad = try await client.form("/booking/calendar.ics", [("slot", "nope")])
            #expect(bad.status == .notFound)
        }
    }

    @Test func theLanguageSwitchOnAStepKeepsTheAnswers() async throws {
        try await TestGateway().test { client in
            let times = try await client.form("/book/times", Self.pasAnswers)
            #expect(times.text.contains("<form class=\"inline\" method=\"post\" action=\"/book/times\">"))
            #expect(times.text.contains("<button class=\"link lang\" type=\"submit\" name=\"lang\" value=\"en\" lang=\"en\">English</button>"))
            let english = try await client.form("/book/times", Self.pasAnswers.filter { $0.0 != "lang" } + [("lang", "en")])
            Self.expectCitizenPage(english, lang: "en")
            #expect(english.text.contains("Monday 23 November (tomorrow)"))
        }
    }

    @Test func unknownPagesAreFriendly404s() async throws {
        try await TestGateway().test { client in
            let page = try await client.execute(uri: "/wp-admin", method: .get)
            #expect(page.status == .notFound)
            #expect(page.text.contains("Siden findes ikke."))
            let huge = try await client.execute(uri: "/book", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                body: ByteBuffer(string: "message=" + String(repeating: "x", count: 70_000)))
            #expect(huge.status == .contentTooLarge)
            #expect(huge.text.contains("64 KiB"))
        }
    }
}
