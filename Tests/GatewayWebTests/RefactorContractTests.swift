import Foundation
import GatewayCore
@_spi(Testing) import GatewayStore
import GatewayTestSupport
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Methods, caching and failures that must never pass for something else")
struct RefactorContractTests {
    @Test func aKnownPathAskedWithAnotherMethodAnswers405WithAllow() async throws {
        try await TestGateway().test { client in
            let trace = try await client.execute(uri: "/api/v1/services", method: .init("TRACE")!)
            #expect(trace.status == .methodNotAllowed)
            #expect(trace.headers[.allow] == "GET")
            #expect(trace.headers[.contentType] == "application/problem+json")
            let put = try await client.execute(uri: "/api/v1/bookings/current", method: .put)
            #expect(put.status == .methodNotAllowed)
            #expect(put.headers[.allow] == "GET, DELETE")
            let caseDelete = try await client.execute(uri: "/api/v1/staff/cases/K7MQ-9TXT/notes", method: .patch)
            #expect(caseDelete.headers[.allow] == "GET, POST, DELETE")
            let page = try await client.execute(uri: "/book", method: .get)
            #expect(page.status == .methodNotAllowed)
            #expect(page.headers[.allow] == "POST")
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            let unknown = try await client.execute(uri: "/api/v1/nothing-here", method: .get)
            #expect(unknown.status == .notFound)
            #expect(unknown.headers[.allow] == nil)
        }
    }

    /// The slot listing is answered from memory, but a booking, a move or a cancellation shows in the very next listing.
    @Test func aBookingMoveOrCancellationShowsInTheVeryNextListing() async throws {
        try await TestGateway().test { client in
            func remaining(_ slot: String) async throws -> Int? {
                let response = try await client.json(.get, "/api/v1/services/pas/slots?from=2026-11-23&days=2")
                let slots = try #require(response.object?["slots"] as? [[String: Any]])
                return slots.first { $0["id"] as? String == slot }?["remaining"] as? Int
            }
            let first = "kk-pas.pas.20261123T0900", second = "kk-pas.pas.20261124T1000"
            #expect(try await remaining(first) == 2)
            #expect(try await remaining(first) == 2)   // now cached
            let (token, booked) = try await client.bookPAS(slot: first)
            #expect(booked.status == .created)
            #expect(try await remaining(first) == 1)
            let moved = try await client.json(.post, "/api/v1/bookings/current/reschedule", ["slotId": second], headers: client.bearer(token))
            #expect(moved.status == .ok)
            #expect(try await remaining(first) == 2)
            #expect(try await remaining(second) == 1)
            #expect(try await client.json(.delete, "/api/v1/bookings/current", headers: client.bearer(token)).status == .noContent)
            #expect(try await remaining(second) == 2)
        }
    }

    /// A sealed answer that no longer opens (a damaged row, a wrong key) stops the lookup with 503; the
    /// booking is never shown as if the citizen had written nothing.
    @Test func aSealedAnswerThatDoesNotOpenIsAStorageFailure() async throws {
        let gateway = try TestGateway()
        try await gateway.test { client in
            let (token, _) = try await client.bookPAS(message: "hemmeligt")
            try await gateway.dependencies.anonymousStore.testingWriter.write { db in
                try db.execute(sql: "UPDATE booking SET messageSealed = X'01AABBCC'")
            }
            let lookup = try await client.json(.get, "/api/v1/bookings/current", headers: client.bearer(token))
            #expect(lookup.status == .serviceUnavailable)
            #expect(lookup.headers[.retryAfter] == "30")
            let page = try await client.form("/booking", [("token", token)])
            #expect(page.status == .serviceUnavailable)
            #expect(page.text.contains("Noget gik galt hos os"))
        }
    }

    /// A second factor that cannot be opened refuses sign-in; it never lets the password alone through.
    @Test func aSecondFactorThatDoesNotOpenRefusesSignIn() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.dependencies.identifiedStore.setTOTPSecret(username: "anna", Array("12345678901234567890".utf8))
        try await gateway.dependencies.identifiedStore.testingWriter.write { db in
            try db.execute(sql: "UPDATE staff_account SET totpSecretSealed = X'0102030405' WHERE username = 'anna'")
        }
        try await gateway.test { client in
            let response = try await client.json(.post, "/api/v1/staff/sessions", ["username": "anna", "password": TestGateway.password])
            #expect(response.status == .serviceUnavailable)
            #expect(response.object?["sessionToken"] == nil)
        }
    }

    /// A decision reason that does not open stops the case read (and the case list) instead of hiding the reason.
    @Test func aCaseWhoseDecisionDoesNotOpenIsAStorageFailure() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            let carl = try await client.signIn("carl")
            let walkIn = try await client.json(.post, "/api/v1/staff/walkins", ["serviceId": "pas", "ageBand": "25-plus"], headers: carl)
            let code = try #require(walkIn.object?["caseCode"] as? String)
            let decided = try await client.json(.post, "/api/v1/staff/cases/\(code)/decision",
                                                ["outcome": "refused", "reason": "Andre behov"], headers: carl)
            #expect(decided.status == .ok)
            try await gateway.dependencies.anonymousStore.testingWriter.write { db in
                try db.execute(sql: "UPDATE anonymous_case SET decisionReasonSealed = X'01FF'")
            }
            #expect(try await client.json(.get, "/api/v1/staff/cases/\(code)", headers: carl).status == .serviceUnavailable)
            #expect(try await client.json(.get, "/api/v1/staff/cases", headers: carl).status == .serviceUnavailable)
        }
    }

    /// Management sees aggregates only (QS 4.3): neither the programme page nor the API shows it bookings.
    @Test func aManagerIsRefusedTheProgrammeOnThePageAsOnTheAPI() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            #expect(try await client.json(.get, "/api/v1/staff/schedule", headers: try await client.signIn("gry")).status == .forbidden)
            let signIn = try await client.signInForm([("username", "gry"), ("password", TestGateway.password)])
            let cookie = String(try #require(signIn.headers[.setCookie]).prefix { $0 != ";" })
            let page = try await client.execute(uri: "/staff/schedule", method: .get, headers: [.cookie: cookie])
            #expect(page.status == .forbidden)
            #expect(page.text.contains("Din rolle giver ikke adgang til dette."))
            #expect(!page.text.contains("Tjek ind"))
        }
    }

    /// A case refusal reaches the Danish staff page in Danish.
    @Test func aRefusalOnTheStaffPageIsInDanish() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            let signIn = try await client.signInForm([("username", "anna"), ("password", TestGateway.password)])
            let cookie = String(try #require(signIn.headers[.setCookie]).prefix { $0 != ";" })
            let schedule = try await client.execute(uri: "/staff/schedule", method: .get, headers: [.cookie: cookie])
            let csrf = try #require(StaffPageTests.csrf(in: schedule.text))
            let walkIn = try await client.form("/staff/walkin", [("csrf", csrf), ("serviceId", "uturn"), ("ageBand", "18-24")], headers: [.cookie: cookie])
            let location = try #require(walkIn.headers[.location])
            let decision = try await client.form(location + "/decision", [("csrf", csrf), ("outcome", "refused"), ("reason", "x")],
                                                 headers: [.cookie: cookie])
            #expect(decision.status == .unprocessableContent)
            #expect(decision.text.contains("Kun PAS-sager får en afgørelse"))
            #expect(!decision.text.contains("Only PAS cases"))
        }
    }
}
