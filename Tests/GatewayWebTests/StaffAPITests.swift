import Foundation
import GatewayCore
import GatewayCrypto
import GatewayTestSupport
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Staff sign-in")
struct StaffSignInTests {
    @Test func signInGivesASessionAndSignOutEndsIt() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            let response = try await client.json(.post, "/api/v1/staff/sessions", ["username": "anna", "password": TestGateway.password])
            #expect(response.status == .created)
            #expect(response.headers[.cacheControl] == "no-store")
            #expect(response.headers[.setCookie] == nil)
            let token = try #require(response.object?["sessionToken"] as? String)
            #expect(token.count >= 43)
            #expect((response.object?["expiresAt"] as? String)?.hasSuffix("+01:00") == true)
            let auth: HTTPFields = [.authorization: "Bearer \(token)"]
            #expect(try await client.json(.get, "/api/v1/staff/schedule", headers: auth).status == .ok)
            #expect(try await client.json(.delete, "/api/v1/staff/sessions/current", headers: auth).status == .noContent)
            #expect(try await client.json(.get, "/api/v1/staff/schedule", headers: auth).status == .unauthorized)
        }
    }

    @Test func unknownUserAndWrongPasswordGetTheSameAnswer() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            let wrong = try await client.json(.post, "/api/v1/staff/sessions", ["username": "anna", "password": "nope nope nope"])
            let unknown = try await client.json(.post, "/api/v1/staff/sessions", ["username": "zelda", "password": "nope nope nope"])
            #expect(wrong.status == .unauthorized)
            #expect(unknown.status == .unauthorized)
            #expect(wrong.text == unknown.text)
            #expect(try await client.json(.post, "/api/v1/staff/sessions", ["username": "anna"]).status == .badRequest)
        }
    }

    @Test func repeatedFailuresMakeEachNextAttemptWaitLonger() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            for _ in 0..<3 {
                #expect(try await client.json(.post, "/api/v1/staff/sessions", ["username": "anna", "password": "wrong"]).status == .unauthorized)
            }
            let delayed = try await client.json(.post, "/api/v1/staff/sessions", ["username": "anna", "password": TestGateway.password])
            #expect(delayed.status == .tooManyRequests)
            #expect(delayed.headers[.retryAfter] == "1")
            gateway.clock.advance(by: 2)
            #expect(try await client.json(.post, "/api/v1/staff/sessions", ["username": "anna", "password": "wrong"]).status == .unauthorized)
            let longer = try await client.json(.post, "/api/v1/staff/sessions", ["username": "anna", "password": TestGateway.password])
            #expect(longer.headers[.retryAfter] == "2")
            // The same happens for a username that does not exist.
            for _ in 0..<3 { _ = try await client.json(.post, "/api/v1/staff/sessions", ["username": "ghost", "password": "x"]) }
            #expect(try await client.json(.post, "/api/v1/staff/sessions", ["username": "ghost", "password": "x"]).status == .tooManyRequests)
            gateway.clock.advance(by: 10)
            #expect(try await client.json(.post, "/api/v1/staff/sessions", ["username": "anna", "password": TestGateway.password]).status == .created)
        }
    }

    @Test func disabledAccountsAndIdleSessionsStopWorking() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            let auth = try await client.signIn("anna")
            gateway.clock.advance(by: 31 * 60)
            #expect(try await client.json(.get, "/api/v1/staff/schedule", headers: auth).status == .unauthorized)
            let again = try await client.signIn("anna")
            try await gateway.dependencies.identifiedStore.setDisabled(username: "anna", true)
            #expect(try await client.json(.get, "/api/v1/staff/schedule", headers: again).status == .unauthorized)
            #expect(try await client.json(.post, "/api/v1/staff/sessions", ["username": "anna", "password": TestGateway.password]).status == .unauthorized)
        }
    }

    @Test func aSecondFactorIsRequiredOnceTurnedOn() async throws {
        let gateway = try await TestGateway.withStaff()
        let secret = Array("12345678901234567890".utf8)
        try await gateway.dependencies.identifiedStore.setTOTPSecret(username: "anna", secret)
        try await gateway.test { client in
            let withoutCode = try await client.json(.post, "/api/v1/staff/sessions", ["username": "anna", "password": TestGateway.password])
            #expect(withoutCode.status == .unauthorized)
            let code = TOTP.code(secret: secret, at: gateway.clock.now)
            let withCode = try await client.json(.post, "/api/v1/staff/sessions", ["username": "anna", "password": TestGateway.password, "totp": code])
            #expect(withCode.status == .created)
        }
    }

    @Test func totpMatchesRFC6238() {
        // RFC 6238 appendix B, SHA-1, the last six digits.
        let secret = Array("12345678901234567890".utf8)
        #expect(TOTP.code(secret: secret, at: Date(timeIntervalSince1970: 59)) == "287082")
        #expect(TOTP.code(secret: secret, at: Date(timeIntervalSince1970: 1_111_111_109)) == "081804")
        #expect(TOTP.code(secret: secret, at: Date(timeIntervalSince1970: 2_000_000_000)) == "279037")
        #expect(TOTP.verify("287 082", secret: secret, at: Date(timeIntervalSince1970: 59 + 30)))
        #expect(!TOTP.verify("287082", secret: secret, at: Date(timeIntervalSince1970: 59 + 90)))
        #expect(TOTP.base32(Array("foobar".utf8)) == "MZXW6YTBOI")
    }

    @Test func passwordsAreScryptHashedAndVerifiedInConstantTime() throws {
        let hasher = PasswordHasher(logRounds: 10)
        let stored = try hasher.hash("hemmeligt kodeord", random: SeededRandom(seed: 1))
        #expect(stored.hasPrefix("scrypt$10$8$1$"))
        #expect(!stored.contains("hemmeligt"))
        #expect(hasher.verify("hemmeligt kodeord", against: stored))
        #expect(!hasher.verify("hemmeligt kodeord!", against: stored))
        #expect(!hasher.verify("x", against: "scrypt$99$8$1$AA==$AA=="))
        #expect(!hasher.verify("x", against: "garbage"))
    }
}

@Suite("Check-in, limits and the token chain")
struct CheckInTests {
    @Test func checkInOpensACaseAndCountsTheSession() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            let token = try await client.bookUturn()
            gateway.clock.set(TestGateway.mondayMorning)
            let anna = try await client.signIn("anna")
            let response = try await client.json(.post, "/api/v1/staff/checkins", ["token": token], headers: anna)
            #expect(response.status == .ok)
            let object = try #require(response.object)
            #expect(CaseCode(object["caseCode"] as? String ?? "") != nil)
            #expect(object["serviceId"] as? String == "uturn")
            #expect(object["sessionNumber"] as? Int == 1)
            #expect(object["sessionLimit"] as? Int == 5)
            #expect(object["remaining"] as? Int == 4)
            #expect((object["progress"] as? [String: String])?["en"] == "conversation 1 of 5")
            // The token is consumed: once only.
            let again = try await client.json(.post, "/api/v1/staff/checkins", ["token": token], headers: anna)
            #expect(again.status == .conflict)
            #expect(try await client.json(.get, "/api/v1/bookings/current", headers: client.bearer(token)).status == .gone)
        }
    }

    @Test func checkInHappensOnTheDayOnly() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            let tuesday = try await client.bookUturn(slot: "uturn.uturn.20261124T0800")
            let cancelled = try await client.bookUturn(slot: "uturn.uturn.20261123T0800")
            _ = try await client.json(.delete, "/api/v1/bookings/current", headers: client.bearer(cancelled))
            let monday = try await client.bookUturn(slot: "uturn.uturn.20261123T0930")
            gateway.clock.set(TestGateway.mondayMorning)
            let anna = try await client.signIn("anna")
            let early = try await client.json(.post, "/api/v1/staff/checkins", ["token": tuesday], headers: anna)
            #expect(early.status == .unprocessableContent)
            #expect(early.problemDetail.contains("2026-11-24"))
            #expect(try await client.json(.post, "/api/v1/staff/checkins", ["token": cancelled], headers: anna).status == .gone)
            #expect(try await client.json(.post, "/api/v1/staff/checkins", ["token": "0000-0000-0000-0000-0000"], headers: anna).status == .notFound)
            #expect(try await client.json(.post, "/api/v1/staff/checkins", ["token": "0000-0000-0000-0000-0001"], headers: anna).status == .badRequest)
            gateway.clock.set(TestFixtures.instant(2026, 11, 24, 9))
            let late = try await client.json(.post, "/api/v1/staff/checkins", ["token": monday], headers: try await client.signIn("anna"))
            #expect(late.status == .gone)
        }
    }

    /// Walks one case to its limit by walk-ins and the token chain, and expects the guidance at the end.
    func walkToLimit(service: String, ageBand: String, limit: Int, staff: String, slots: [String], gateway: TestGateway,
                     client: any TestClientProtocol) async throws -> (code: String, last: TestResponse) {
        gateway.clock.set(TestGateway.mondayMorning)
        var auth = try await client.signIn(staff)
        let first = try await client.json(.post, "/api/v1/staff/walkins", ["serviceId": service, "ageBand": ageBand], headers: auth)
        #expect(first.status == .created, "\(first.text)")
        let code = try #require(first.object?["caseCode"] as? String)
        for session in 2...limit {
            let next = try await client.json(.post, "/api/v1/staff/cases/\(code)/bookings", ["slotId": slots[session - 2]], headers: auth)
            #expect(next.status == .created, "\(next.text)")
            let token = try #require(next.object?["token"] as? String)
            // A walk-in with a token takes only today's booking: go to the booked day first.
            let day = try #require(SlotID(slots[session - 2])?.day)
            let morning = TestFixtures.instant(day.year, day.month, day.day, 7)
            if morning > gateway.clock.now {
                gateway.clock.set(morning)
                auth = try await client.signIn(staff)   // a day later the session has long been idle
            }
            let checkIn = try await client.json(.post, "/api/v1/staff/walkins", ["token": token], headers: auth)
            #expect(checkIn.object?["sessionNumber"] as? Int == session)
            if session == limit - 1 { #expect(checkIn.object?["warning"] != nil) }
        }
        let beyond = try await client.json(.post, "/api/v1/staff/cases/\(code)/bookings", ["slotId": slots[limit - 1]], headers: auth)
        return (code, beyond)
    }

    @Test func uturnStopsAtFiveWithGuidanceAboutConsentForMinors() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            let slots = ["24T0800", "24T0845", "25T0800", "25T0845", "26T0800", "26T0845"].map { "uturn.uturn.202611\($0)" }
            let (code, beyond) = try await walkToLimit(service: "uturn", ageBand: "14-17", limit: 5, staff: "anna", slots: slots, gateway: gateway, client: client)
            #expect(beyond.status == .unprocessableContent)
            #expect(beyond.problemDetail.contains("parental authority"))
            #expect(beyond.problemDetail.contains("caseworker"))
            let anna = try await client.signIn("anna")
            let view = try await client.json(.get, "/api/v1/staff/cases/\(code)", headers: anna)
            #expect((view.object?["case"] as? [String: Any])?["remaining"] as? Int == 0)
            #expect(((view.object?["case"] as? [String: Any])?["progress"] as? [String: String])?["da"] == "samtale 5 af 5")
            #expect(try await client.json(.post, "/api/v1/staff/walkins", ["token": "0000-0000-0000-0000-0000"], headers: anna).status == .notFound)
        }
    }

    @Test func relativesStopAtThree() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            let slots = ["rbk.relatives.20261124T0800", "rbk.relatives.20261124T0900", "rbk.relatives.20261124T1000"]
            let (_, beyond) = try await walkToLimit(service: "relatives", ageBand: "25-plus", limit: 3, staff: "hans", slots: slots, gateway: gateway, client: client)
            #expect(beyond.status == .unprocessableContent)
            #expect(!beyond.problemDetail.contains("parental"))
        }
    }

    @Test func parentGroupsStopAtFiveMeetings() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            let slots = ["20261124T0800", "20261124T0900", "20261124T1000", "20261124T1100", "20261125T0800"].map { "uturn.uturn-parents.\($0)" }
            let (_, beyond) = try await walkToLimit(service: "uturn-parents", ageBand: "25-plus", limit: 5, staff: "anna", slots: slots, gateway: gateway, client: client)
            #expect(beyond.status == .unprocessableContent)
        }
    }

    @Test func aCaseHasOneLiveTokenAtATime() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            gateway.clock.set(TestGateway.mondayMorning)
            let anna = try await client.signIn("anna")
            let code = try #require(try await client.json(.post, "/api/v1/staff/walkins", ["serviceId": "uturn", "ageBand": "18-24"], headers: anna).object?["caseCode"] as? String)
            let first = try await client.json(.post, "/api/v1/staff/cases/\(code)/bookings", ["slotId": "uturn.uturn.20261125T0800"], headers: anna)
            #expect(first.status == .created)
            #expect((first.object?["spelling"] as? [String])?.count == 5)
            let firstToken = try #require(first.object?["token"] as? String)
            #expect(try await client.json(.get, "/api/v1/bookings/current", headers: client.bearer(firstToken)).status == .ok)
            let followUp = try await client.json(.post, "/api/v1/staff/cases/\(code)/follow-up", headers: anna)
            #expect(followUp.status == .created)
            let followUpToken = try #require(followUp.object?["token"] as? String)
            // Issuing the follow-up revoked the first booking and freed its seat.
            #expect(try await client.json(.get, "/api/v1/bookings/current", headers: client.bearer(firstToken)).status == .gone)
            let current = try await client.json(.get, "/api/v1/bookings/current", headers: client.bearer(followUpToken))
            #expect((current.object?["followUp"] as? [String: Any])?["serviceId"] as? String == "uturn")
            // The citizen chooses the time with the follow-up token; the same token then holds the booking.
            let chosen = try await client.json(.post, "/api/v1/bookings/current/reschedule", ["slotId": "uturn.uturn.20261126T0800"], headers: client.bearer(followUpToken))
            #expect(chosen.status == .ok)
            #expect((try await client.json(.get, "/api/v1/bookings/current", headers: client.bearer(followUpToken)).object?["booking"] as? [String: Any])?["slotId"] as? String == "uturn.uturn.20261126T0800")
            gateway.clock.set(TestFixtures.instant(2026, 11, 26, 7, 55))
            let checkIn = try await client.json(.post, "/api/v1/staff/checkins", ["token": followUpToken], headers: try await client.signIn("anna"))
            #expect(checkIn.object?["caseCode"] as? String == code)
            #expect(checkIn.object?["sessionNumber"] as? Int == 2)
        }
    }
}
