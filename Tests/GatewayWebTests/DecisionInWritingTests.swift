import Foundation
import GatewayCore
import GatewayTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// QS 3.1 "Tilbud om behandling gives skriftligt", 3.4, §101a stk. 4–6: the citizen reads the PAS
/// decision with their live token, as a letter — on the lookup page and in the API.
@Suite("The decision, in writing")
struct DecisionInWritingTests {
    @Test func theCitizenReadsTheDecisionWithTheirLiveToken() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            let first = try await client.book(CaseTests.pasBooking)
            gateway.clock.set(TestGateway.mondayMorning)
            let carl = try await client.signIn("carl")
            let code = try #require(try await client.json(.post, "/api/v1/staff/checkins", ["token": first], headers: carl).object?["caseCode"] as? String)
            // Before a decision the next session's token shows no letter.
            let next = try #require(try await client.json(.post, "/api/v1/staff/cases/\(code)/bookings", ["slotId": "kk-pas.pas.20261124T0800"],
                                                          headers: carl).object?["token"] as? String)
            #expect(try await client.json(.get, "/api/v1/bookings/current", headers: client.bearer(next)).object?["decision"] == nil)
            // The staff form says the reason is read by the citizen.
            let staffPage = try await client.execute(uri: "/staff/cases/\(code)", method: .get, headers: try await StaffPageTests().signIn(client, "carl").headers)
            #expect(staffPage.text.contains("id=\"reason-hint\""))
            let reason = "Kokain i weekenden; du ønsker at stoppe"
            #expect(try await client.json(.post, "/api/v1/staff/cases/\(code)/decision", [
                "outcome": "granted", "reason": reason, "referralProviderId": "kk-pas",
            ], headers: carl).status == .ok)

            let current = try await client.json(.get, "/api/v1/bookings/current", headers: client.bearer(next))
            #expect(current.status == .ok)
            let decision = try #require(current.object?["decision"] as? [String: Any])
            #expect(decision["outcome"] as? String == "granted" && decision["reason"] as? String == reason)
            #expect((decision["referredTo"] as? [String: Any])?["address"] as? [String] == ["Oehlenschlägersgade 17", "1663 København V"])
            let letter = ((decision["letter"] as? [[String: String]]) ?? [])
            let danish = letter.compactMap { $0["da"] }.joined(separator: "\n"), english = letter.compactMap { $0["en"] }.joined(separator: "\n")
            for needle in ["visiteret til anonym behandling hos Projekt Anonym Stofbehandling", "Adresse: Oehlenschlägersgade 17, 1663 København V.",
                           "Begrundelse: \(reason)", "frit vælge", "Frederiksberg", "kan ikke indbringes for anden administrativ myndighed",
                           "Borgerrådgiver"] {
                #expect(danish.contains(needle), "\(needle)")
            }
            #expect(english.contains("cannot be appealed to another administrative authority") && english.contains("choose freely"))
            // The letter names no one: no username, no case code.
            for name in ["carl", code] { #expect(!current.text.contains(name), "\(name)") }

            // The lookup page shows the same letter, printable, in the page's language.
            let page = try await client.form("/booking", [("lang", "da"), ("token", next)])
            #expect(page.status == .ok)
            #expect(page.text.contains("id=\"decision-letter\"") && page.text.contains("Begrundelse: Kokain i weekenden; du ønsker at stoppe"))
            let english2 = try await client.form("/booking", [("lang", "en"), ("token", next)])
            #expect(english2.text.contains("Your decision") && english2.text.contains("cannot be appealed to another administrative authority"))
        }
    }

    @Test func aRefusalSaysSoWithoutAFreeChoice() throws {
        let configuration = try TestFixtures.configuration()
        let refused = AnonymousCase(
            code: CaseCode(randomBytes: [1, 2, 3, 4, 5]), serviceId: .pas, providerId: ProviderID("kk-pas"), ageBand: .from25,
            openedOn: CalendarDay(iso: "2026-11-23")!, status: .open, dischargeReason: nil, sessionsUsed: 1, decision: .refused,
            decisionReason: "Du får hjælp efter SEL del V", referralProviderId: nil, notesShared: false, notesDestroyed: false, hasLiveToken: true)
        let letter = try #require(DecisionLetter(for: refused, configuration: configuration))
        #expect(letter.parts.contains(.reason("Du får hjælp efter SEL del V")))
        #expect(!letter.parts.contains { if case .freeChoice = $0 { true } else { false } })
        #expect(letter.parts.contains(.noAdministrativeAppeal))
    }
}
