import Foundation
import GatewayCore
import GatewayTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// What every citizen is told before they choose (QS 2.1, 2.2 note 1, 2.5, 3.4, 4.4, 6).
@Suite("What every citizen is told")
struct CitizenInformationTests {
    @Test func theStartPageSaysFreeVoluntaryAnonymousAndWhereToCall() async throws {
        try await TestGateway().test { client in
            let start = try await client.execute(uri: "/", method: .get)
            for needle in ["id=\"about-help\"", "gratis og frivillig", "du kan være anonym", "id=\"call-places\"",
                           "Projekt Anonym Stofbehandling</bdi></strong>: Telefon 33 66 20 02 (mandag 08:00–12:00 og 15:00–18:00; tirsdag 08:00–12:00",
                           "U-turn</bdi></strong>: Telefon 82 56 23 00", "Først en afklarende samtale", "afgørelse om behandling",
                           "href=\"/anonymity\""] {
                #expect(start.text.contains(needle), "\(needle)")
            }
            let english = try await client.execute(uri: "/?lang=en", method: .get)
            #expect(english.text.contains("The help is free and voluntary") && english.text.contains("href=\"/anonymity?lang=en\""))
            #expect(english.text.contains("Monday 08:00–12:00 and 15:00–18:00"))
        }
    }

    @Test func whereAnonymityEndsIsOnePageLinkedFromEveryPage() async throws {
        try await TestGateway().test { client in
            let page = try await client.execute(uri: "/anonymity", method: .get)
            #expect(page.status == .ok && page.headers[.setCookie] == nil)
            for needle in ["id=\"anonymity-limits\"", "pligt til at underrette Borgercenter Børn og Unge", "Behandling med medicin",
                           "aldrig være anonym", "forældremyndigheden", "sagsbehandler"] {
                #expect(page.text.contains(needle), "\(needle)")
            }
            let english = try await client.execute(uri: "/anonymity?lang=en", method: .get)
            #expect(english.text.contains("<html lang=\"en\" dir=\"ltr\">") && english.text.contains("can never be anonymous"))
            for uri in ["/", "/booking", "/complaints", "/anonymity"] {
                #expect(try await client.execute(uri: uri, method: .get).text.contains("<a href=\"/anonymity\">Hvor anonymiteten ender</a>"), "\(uri)")
            }
            let step = try await client.form("/book/questions", [("lang", "da"), ("service", "pas")])
            #expect(step.text.contains("href=\"/anonymity\"") && step.text.contains("href=\"/complaints\""))
        }
    }

    @Test func pasShowsTheFreeChoiceAndTellsYoungAdultsAboutUTurn() async throws {
        try await TestGateway().test { client in
            let pas = try await client.form("/book/questions", [("lang", "da"), ("service", "pas")])
            #expect(pas.text.contains("id=\"free-choice\""))
            #expect(pas.text.contains("<strong>Projekt Anonym Stofbehandling</strong> – Oehlenschlägersgade 17, 1663 København V, Telefon 33 66 20 02"))
            #expect(pas.text.contains("<strong>Anonym stofbehandling, Frederiksberg Kommune</strong>"))
            let uturn = try await client.form("/book/questions", [("lang", "da"), ("service", "uturn")])
            #expect(!uturn.text.contains("id=\"free-choice\""))

            let answers = [("lang", "da"), ("service", "pas"), ("substances", "cocaine"), ("otherSupport", "no")]
            let young = try await client.form("/book/times", answers + [("ageBand", "18-24")])
            #expect(young.status == .ok && young.text.contains("id=\"uturn-offer\"") && young.text.contains("U-turn også hjælpe dig"))
            #expect(young.text.contains("<input type=\"hidden\" name=\"service\" value=\"uturn\">"))
            let older = try await client.form("/book/times", answers + [("ageBand", "25-plus")])
            #expect(older.status == .ok && !older.text.contains("id=\"uturn-offer\""))
            // The offer's form leads straight to U-turn's times with the age kept.
            let switched = try await client.form("/book/times", [("lang", "da"), ("ageBand", "18-24"), ("service", "uturn")])
            #expect(switched.status == .ok && switched.text.contains("U-turn – rådgivning for unge") && switched.text.contains("name=\"slot\""))
        }
    }

    @Test func relativesOfSomeoneInTreatmentAndYoungRelativesAreShownTheHelpForThem() async throws {
        try await TestGateway().test { client in
            let enrolled = try await client.form("/book/times", [("lang", "da"), ("service", "relatives"), ("ageBand", "25-plus"), ("enrolled", "yes")])
            #expect(enrolled.status == .ok)
            #expect(enrolled.text.contains("Grupper for pårørende ved behandlingsenhederne") && enrolled.text.contains("70 210 220"))
            #expect(enrolled.text.contains("i stedet for de tre anonyme samtaler"))
            let child = try await client.form("/book/times", [("lang", "da"), ("service", "relatives"), ("ageBand", "14-17"), ("enrolled", "no")])
            #expect(child.status == .ok)
            #expect(child.text.contains("Du er ikke alene med din bekymring") && child.text.contains("Barndom i Balance") && child.text.contains("U-turn"))
            let api = try await client.json(.post, "/api/v1/bookings", ["serviceId": "relatives", "slotId": "rbk.relatives.20261123T0800", "ageBand": "under-14"])
            #expect(api.status == .unprocessableContent)
            #expect(((api.object?["referrals"] as? [[String: Any]]) ?? []).compactMap { $0["id"] as? String } == ["children-in-families", "uturn"])
        }
    }

    @Test func theReceiptSaysWhereComplaintsGo() async throws {
        try await TestGateway().test { client in
            let receipt = try await client.bookOnPage([("lang", "da"), ("service", "uturn"), ("ageBand", "14-17"), ("slot", "uturn.uturn.20261123T0800")])
            #expect(receipt.status == .ok)
            #expect(receipt.text.contains("id=\"receipt-complaints\"") && receipt.text.contains("<a href=\"/complaints\">Sådan klager du</a>"))
        }
    }
}
