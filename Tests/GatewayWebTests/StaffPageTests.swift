import Foundation
import GatewayCore
import GatewayTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Staff pages")
struct StaffPageTests {
    struct Browser {
        let cookie: String
        let csrf: String
        var headers: HTTPFields { [.cookie: cookie] }
    }

    static func csrf(in html: String) -> String? {
        guard let range = html.range(of: "name=\"csrf\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    func signIn(_ client: any TestClientProtocol, _ username: String) async throws -> Browser {
        let response = try await client.signInForm([("username", username), ("password", TestGateway.password)])
        #expect(response.status == .seeOther)
        #expect(response.headers[.location] == "/staff/schedule")
        let setCookie = try #require(response.headers[.setCookie])
        #expect(setCookie.contains("HttpOnly"))
        #expect(setCookie.contains("SameSite=Strict"))
        #expect(setCookie.contains("Path=/staff"))
        let cookie = String(setCookie.prefix { $0 != ";" })
        let page = try await client.execute(uri: "/staff/schedule", method: .get, headers: [.cookie: cookie])
        #expect(page.status == .ok)
        return Browser(cookie: cookie, csrf: try #require(Self.csrf(in: page.text)))
    }

    @Test func signInFailsKindlyAndPagesNeedASession() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            let start = try await client.execute(uri: "/staff", method: .get)
            #expect(start.status == .ok)
            #expect(start.text.contains("<label for=\"password\">"))
            let wrong = try await client.signInForm([("username", "anna"), ("password", "nope")])
            #expect(wrong.status == .unauthorized)
            #expect(wrong.text.contains("Brugernavn, adgangskode eller kode er forkert."))
            #expect(wrong.headers[.setCookie] == nil)
            let schedule = try await client.execute(uri: "/staff/schedule", method: .get)
            #expect(schedule.status == .seeOther)
            #expect(schedule.headers[.location] == "/staff")
        }
    }

    @Test func aCounsellorChecksInWritesANoteAndBooksTheNextTime() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            let token = try await client.bookUturn()
            gateway.clock.set(TestGateway.mondayMorning)
            let anna = try await signIn(client, "anna")

            let schedule = try await client.execute(uri: "/staff/schedule", method: .get, headers: anna.headers)
            #expect(schedule.text.contains("08:45–09:30"))
            #expect(!schedule.text.contains(token))

            let missingCSRF = try await client.form("/staff/checkin", [("token", token)], headers: anna.headers)
            #expect(missingCSRF.status == .forbidden)
            var foreign = anna.headers
            foreign[.origin] = "https://evil.example"
            #expect(try await client.form("/staff/checkin", [("csrf", anna.csrf), ("token", token)], headers: foreign).status == .forbidden)
            // Browsers send `Origin: null` under our no-referrer policy: that is our own form.
            var own = anna.headers
            own[.origin] = "null"
            let checkIn = try await client.form("/staff/checkin", [("csrf", anna.csrf), ("token", token)], headers: own)
            #expect(checkIn.status == .seeOther)
            let location = try #require(checkIn.headers[.location])
            #expect(location.hasPrefix("/staff/cases/"))

            let page = try await client.execute(uri: location, method: .get, headers: anna.headers)
            #expect(page.status == .ok)
            #expect(page.text.contains("Samtale 1 af 5"))
            #expect(page.headers[.cacheControl] == "no-store")

            let note = try await client.form(location + "/notes", [("csrf", anna.csrf), ("text", "Første samtale <b>gik godt</b>")], headers: anna.headers)
            #expect(note.status == .seeOther)
            let withNote = try await client.execute(uri: location, method: .get, headers: anna.headers)
            #expect(withNote.text.contains("Første samtale &lt;b&gt;gik godt&lt;/b&gt;"))

            let next = try await client.form(location + "/bookings", [("csrf", anna.csrf), ("slotId", "uturn.uturn.20261124T0800")], headers: anna.headers)
            #expect(next.status == .ok)
            #expect(next.text.contains("class=\"token\""))
            #expect(next.text.contains(" som "))
            #expect(next.headers[.cacheControl] == "no-store")
            let full = try await client.form(location + "/bookings", [("csrf", anna.csrf), ("slotId", "uturn.uturn.20261124T0830")], headers: anna.headers)
            #expect(full.status == .notFound)
            #expect(full.text.contains("role=\"alert\""))
        }
    }

    @Test func theCounsellorIsWarnedBeforeAndStoppedAtTheLimit() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            gateway.clock.set(TestGateway.mondayMorning)
            let hans = try await signIn(client, "hans")   // relatives: 3
            let walkIn = try await client.form("/staff/walkin", [("csrf", hans.csrf), ("serviceId", "relatives"), ("ageBand", "25-plus"), ("token", "")], headers: hans.headers)
            let location = try #require(walkIn.headers[.location])
            for slot in ["rbk.relatives.20261123T1000", "rbk.relatives.20261123T1100"] {
                let booked = try await client.form(location + "/bookings", [("csrf", hans.csrf), ("slotId", slot)], headers: hans.headers)
                let token = try #require(booked.text.range(of: "<p class=\"token\">").map { String(booked.text[$0.upperBound...].prefix(24)) })
                // Today's later booking: the person came early, so it is taken as a walk-in.
                let walked = try await client.form("/staff/walkin", [("csrf", hans.csrf), ("token", token)], headers: hans.headers)
                #expect(walked.status == .seeOther, "\(walked.text)")
                let page = try await client.execute(uri: location, method: .get, headers: hans.headers)
                if slot.hasSuffix("1000") { #expect(page.text.contains("Én samtale tilbage før grænsen.")) }
            }
            let last = try await client.execute(uri: location, method: .get, headers: hans.headers)
            #expect(last.text.contains("Samtale 3 af 3"))
            #expect(last.text.contains("Grænsen for anonyme samtaler er nået"))
            #expect(!last.text.contains("Book og giv ny reference"))
        }
    }

    @Test func anotherProvidersCaseIsNotFound() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            gateway.clock.set(TestGateway.mondayMorning)
            let anna = try await signIn(client, "anna")
            let walkIn = try await client.form("/staff/walkin", [("csrf", anna.csrf), ("serviceId", "uturn"), ("ageBand", "14-17")], headers: anna.headers)
            let location = try #require(walkIn.headers[.location])
            let bent = try await signIn(client, "bent")
            let theirs = try await client.execute(uri: location, method: .get, headers: bent.headers)
            let nothing = try await client.execute(uri: "/staff/cases/" + CaseCode(randomBytes: [9, 9, 9, 9, 9]).value, method: .get, headers: bent.headers)
            #expect(theirs.status == .notFound)
            #expect(theirs.text == nothing.text)
            let note = try await client.form(location + "/notes", [("csrf", bent.csrf), ("text", "x")], headers: bent.headers)
            #expect(note.status == .notFound)
        }
    }

    @Test func phoneStaffBookAndReadTheReferenceAloud() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            _ = try await client.bookPAS(slot: "kk-pas.pas.20261123T1000", message: "PRIVAT-BESKED")
            let dora = try await signIn(client, "dora")
            let programme = try await client.execute(uri: "/staff/schedule?date=2026-11-23", method: .get, headers: dora.headers)
            #expect(programme.text.contains("10:00–11:00"))
            #expect(!programme.text.contains("PRIVAT-BESKED"))
            let form = try await client.execute(uri: "/staff/phone", method: .get, headers: dora.headers)
            #expect(form.text.contains("kk-pas.pas.20261123T0800"))
            // Frederiksberg's times are booked through PAS's number and named as such; U-turn's are not PAS's to book.
            #expect(form.text.contains("frb-pas.pas.20261123T0800"))
            #expect(form.text.contains("Anonym stofbehandling, Frederiksberg Kommune"))
            #expect(!form.text.contains("uturn.uturn"))
            let booked = try await client.form("/staff/phone", [
                ("csrf", dora.csrf), ("slotId", "kk-pas.pas.20261123T0800"), ("ageBand", "25-plus"), ("substances", "cannabis"), ("otherSupport", "no"),
            ], headers: dora.headers)
            #expect(booked.status == .ok)
            #expect(booked.text.contains("<ol class=\"spelled\">"))
            let refused = try await client.form("/staff/phone", [
                ("csrf", dora.csrf), ("slotId", "kk-pas.pas.20261123T0900"), ("ageBand", "25-plus"), ("substances", "opioids"), ("otherSupport", "no"),
            ], headers: dora.headers)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.text.contains("33 17 84 70"))
            let signOut = try await client.form("/staff/sign-out", [("csrf", dora.csrf)], headers: dora.headers)
            #expect(signOut.headers[.setCookie]?.contains("Max-Age=0") == true)
            #expect(try await client.execute(uri: "/staff/phone", method: .get, headers: dora.headers).status == .seeOther)
        }
    }
}
