import Foundation
import GatewayCore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Issue 10: every place has an address (or is booked by phone until it has one), and a provider's
/// counsellors are shared by all its services.
@Suite("Places and shared seats")
struct PlacesAndSeatsTests {
    @Test func theReceiptTheLookupAndTheCalendarFileGiveTheAddressAndPhone() async throws {
        try await TestGateway().test { client in
            let (token, booked) = try await client.bookPAS()
            let place = try #require((booked.object?["booking"] as? [String: Any])?["place"] as? [String: Any])
            #expect(place["address"] as? [String] == ["Oehlenschlägersgade 17", "1663 København V"])
            #expect(place["phone"] as? String == "33 66 20 02")
            let lookup = try await client.form("/booking", [("lang", "da"), ("token", token)])
            #expect(lookup.text.contains("id=\"summary-place\""))
            #expect(lookup.text.contains("Oehlenschlägersgade 17"))
            #expect(lookup.text.contains("33 66 20 02"))
            let ics = try await client.form("/booking/calendar.ics", [("lang", "en"), ("slot", "kk-pas.pas.20261123T0900")])
            #expect(ics.text.contains("LOCATION:Oehlenschlägersgade 17\\, 1663 København V"))
            #expect(ics.text.contains("DESCRIPTION:Phone 33 66 20 02"))
            // Still nothing that names the service or the place.
            #expect(!ics.text.contains("Stofbehandling") && !ics.text.contains("PAS"))
        }
    }

    @Test func aPlaceWithoutAnAddressIsBookedByPhoneAndCitizensAreToldWhomToCall() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            let questions = try await client.form("/book/questions", [("lang", "da"), ("service", "pas")])
            #expect(questions.text.contains("id=\"free-choice\""))
            #expect(questions.text.contains("Anonym stofbehandling, Frederiksberg Kommune</strong> – bestilles indtil videre kun på telefon gennem Projekt Anonym Stofbehandling, tlf. 33 66 20 02"))
            let listed = try #require(try await client.json(.get, "/api/v1/services/pas/slots?from=2026-11-23&days=14").object?["slots"] as? [[String: Any]])
            #expect(!listed.isEmpty && !listed.contains { $0["providerId"] as? String == "frb-pas" })

            let refused = try await client.bookPAS(slot: "frb-pas.pas.20261123T0900").response
            #expect(refused.status == .unprocessableContent)
            #expect(refused.object?["type"] as? String == "urn:anongate:problem:booked-by-phone")
            #expect(refused.object?["field"] as? String == "slotId")
            #expect(refused.problemDetail.contains("33 66 20 02"))
            let page = try await client.form("/book/confirm", CitizenPageTests.pasAnswers + [("slot", "frb-pas.pas.20261123T0900")])
            #expect(page.status == .unprocessableContent)
            #expect(page.text.contains("ring til Projekt Anonym Stofbehandling på 33 66 20 02"))

            // PAS's phone staff book it, and the citizen's lookup names whom to call to learn the place.
            let dora = try await client.signIn("dora")
            let phoned = try await client.json(.post, "/api/v1/staff/bookings", CaseTests.pasBooking.merging(["slotId": "frb-pas.pas.20261123T0900"]) { $1 }, headers: dora)
            #expect(phoned.status == .created)
            let token = try #require(phoned.object?["token"] as? String)
            let current = try await client.json(.get, "/api/v1/bookings/current", headers: client.bearer(token))
            let place = try #require((current.object?["booking"] as? [String: Any])?["place"] as? [String: Any])
            #expect(place["address"] as? [String] == [])
            #expect((place["bookedThrough"] as? [String: Any])?["phone"] as? String == "33 66 20 02")
            let lookup = try await client.form("/booking", [("lang", "en"), ("token", token)])
            // Named once, with whom to call.
            #expect(lookup.text.contains("<bdi>Anonym stofbehandling, Frederiksberg Kommune</bdi> – for now booked by phone only, through Projekt Anonym Stofbehandling, phone 33 66 20 02"))
            #expect(lookup.text.components(separatedBy: "Anonym stofbehandling, Frederiksberg Kommune").count == 2)
        }
    }

    /// U-turn has two counsellors for young people and parents together: two people at 08:00, not four.
    @Test func uturnsCounsellorsAreSharedByYoungPeopleAndParents() async throws {
        try await TestGateway().test { client in
            func listed(_ service: String) async throws -> [String: Int] {
                let slots = try #require(try await client.json(.get, "/api/v1/services/\(service)/slots?from=2026-11-23&days=1").object?["slots"] as? [[String: Any]])
                return Dictionary(uniqueKeysWithValues: slots.compactMap { slot in (slot["id"] as? String).map { ($0, slot["remaining"] as? Int ?? -1) } })
            }
            #expect(try await listed("uturn-parents")["uturn.uturn-parents.20261123T0800"] == 2)
            for _ in 0..<2 {
                let young = try await client.json(.post, "/api/v1/bookings", ["serviceId": "uturn", "slotId": "uturn.uturn.20261123T0800", "ageBand": "18-24"])
                #expect(young.status == .created)
            }
            // Both counsellors are with young people from 08:00 to 08:45: no parents' conversation 08:00–09:00 …
            #expect(try await listed("uturn-parents")["uturn.uturn-parents.20261123T0800"] == nil)
            let parent = try await client.json(.post, "/api/v1/bookings", ["serviceId": "uturn-parents", "slotId": "uturn.uturn-parents.20261123T0800", "ageBand": "25-plus"])
            #expect(parent.status == .conflict)
            // … but from 09:00 they are free again.
            #expect(try await listed("uturn-parents")["uturn.uturn-parents.20261123T0900"] == 2)
            #expect(try await listed("uturn")["uturn.uturn.20261123T0845"] == 2)
        }
    }
}
