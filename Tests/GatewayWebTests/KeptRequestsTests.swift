import Foundation
import GatewayCore
import GatewayTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Seed 000, QS 3: an interpreter and a companion asked for once are kept (sealed) on the case,
/// shown to the counsellor at every later session, until the citizen changes them; the language is
/// chosen from a list with "another language".
@Suite("Interpreter and companion, kept")
struct KeptRequestsTests {
    static let rare = "amharisk-7c1"

    @Test func askedOnceTheyFollowEverySessionUntilTheCitizenChangesThem() async throws {
        let directory = NSTemporaryDirectory() + "anongate-requests-\(UUID().uuidString)"
        let gateway = try await TestGateway.withStaff(dataDirectory: directory)
        try await gateway.app.test(.router) { client in
            let token = try await client.book(["serviceId": "uturn", "slotId": "uturn.uturn.20261123T0845", "ageBand": "18-24",
                                               "interpreterLanguage": Self.rare, "companion": true])
            gateway.clock.set(TestGateway.mondayMorning)
            let anna = try await client.signIn("anna")
            let code = try #require(try await client.json(.post, "/api/v1/staff/checkins", ["token": token], headers: anna).object?["caseCode"] as? String)
            let found = try #require(try await client.json(.get, "/api/v1/staff/cases/\(code)", headers: anna).object?["case"] as? [String: Any])
            #expect(found["interpreterLanguage"] as? String == Self.rare && found["companion"] as? Bool == true)

            // The next session carries them: the programme shows them for it.
            let next = try #require(try await client.json(.post, "/api/v1/staff/cases/\(code)/bookings", ["slotId": "uturn.uturn.20261124T0845"],
                                                          headers: anna).object?["token"] as? String)
            let tuesday = try await client.json(.get, "/api/v1/staff/schedule?date=2026-11-24", headers: anna)
            let entry = ((tuesday.object?["bookings"] as? [[String: Any]]) ?? []).first { $0["caseCode"] as? String == code }
            #expect(entry?["interpreterLanguage"] as? String == Self.rare && entry?["companion"] as? Bool == true)

            // The citizen changes them with the live token; the case keeps the change.
            let changed = try await client.json(.post, "/api/v1/bookings/current/requests", ["interpreterLanguage": "urdu", "companion": false],
                                                headers: client.bearer(next))
            #expect(changed.status == .ok)
            #expect((changed.object?["booking"] as? [String: Any])?["interpreterLanguage"] as? String == "urdu")
            let after = try #require(try await client.json(.get, "/api/v1/staff/cases/\(code)", headers: anna).object?["case"] as? [String: Any])
            #expect(after["interpreterLanguage"] as? String == "urdu" && after["companion"] as? Bool == false)
            let tooLong = try await client.json(.post, "/api/v1/bookings/current/requests", ["interpreterLanguage": String(repeating: "x", count: 61)],
                                                headers: client.bearer(next))
            #expect(tooLong.status == .badRequest && tooLong.object?["field"] as? String == "interpreterLanguage")
            #expect(try await client.json(.post, "/api/v1/bookings/current/requests", ["companion": true], headers: client.bearer(token)).status == .gone)

            // The counsellor's case page says it.
            let page = try await client.execute(uri: "/staff/cases/\(code)", method: .get, headers: try await StaffPageTests().signIn(client, "anna").headers)
            #expect(page.text.contains("<p id=\"case-wishes\"><strong>tolk: urdu</strong></p>"))
        }
        // The rare language was sealed everywhere: on the booking and on the case.
        for file in try FileManager.default.contentsOfDirectory(atPath: directory) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + file))
            #expect(bytes.range(of: Data(Self.rare.utf8)) == nil, "\(file)")
        }
    }

    @Test func thePagesOfferAListWithAnotherLanguageAndLetTheCitizenChange() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            let details = try await client.form("/book/details", [("lang", "da"), ("service", "uturn"), ("ageBand", "14-17"), ("slot", "uturn.uturn.20261123T0800")])
            #expect(details.status == .ok)
            for needle in ["<select id=\"interpreterLanguage\" name=\"interpreterLanguage\">", "<option value=\"\" selected>Ingen tolk</option>",
                           "<option value=\"arabisk\">Arabisk</option>", "<option value=\"other\">Et andet sprog</option>",
                           "id=\"interpreterLanguageOther\" name=\"interpreterLanguageOther\""] {
                #expect(details.text.contains(needle), "\(needle)")
            }
            let receipt = try await client.bookOnPage([("lang", "da"), ("service", "uturn"), ("ageBand", "14-17"), ("slot", "uturn.uturn.20261123T0800"),
                                                       ("interpreterLanguage", "other"), ("interpreterLanguageOther", "amharisk")])
            #expect(receipt.status == .ok && receipt.text.contains("amharisk"))
            let token = try #require(CitizenPageTests.token(in: receipt.text))

            let lookup = try await client.form("/booking", [("lang", "da"), ("token", token)])
            #expect(lookup.text.contains("id=\"booking-requests\"") && lookup.text.contains("<option value=\"other\" selected>"))
            #expect(lookup.text.contains("value=\"amharisk\""))
            let saved = try await client.form("/booking/requests", [("lang", "da"), ("token", token), ("interpreterLanguage", "arabisk"), ("companion", "yes")])
            #expect(saved.status == .ok && saved.text.contains("id=\"requests-saved\""))
            #expect(saved.text.contains("<option value=\"arabisk\" selected>") && saved.text.contains("id=\"companion\" name=\"companion\" value=\"yes\" checked"))
            let bad = try await client.form("/booking/requests", [("lang", "da"), ("token", token), ("interpreterLanguage", "other"),
                                                                  ("interpreterLanguageOther", String(repeating: "y", count: 61))])
            #expect(bad.status == .badRequest && bad.text.contains("role=\"alert\""))
        }
    }
}
