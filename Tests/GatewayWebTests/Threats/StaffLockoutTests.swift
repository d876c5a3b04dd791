import Foundation
import GatewayCore
import GatewayCrypto
import GatewayStore
import GatewayTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Synchronization
import Testing

/// Threat: sign-in used to stop the staff — a flood that stalls everyone's requests, a guesser who
/// locks a counsellor out, a replayed one-time code, a forged sign-in, a cookie planted over HTTP.
@Suite("Threat: sign-in used against the staff")
struct StaffLockoutTests {
    static func from(_ address: String) -> HTTPFields { [.xForwardedFor: address] }
    /// `StaffSessions.freeAttempts`.
    static let freeAttempts = 3

    @Test func aFloodOfFailedSignInsLeavesASignedInCounsellorsScheduleAnsweredPromptly() async throws {
        let gateway = try await TestGateway.withStaff()
        // A realistic password cost for the target account, so each failed check takes real time.
        let costly = try PasswordHasher(logRounds: 14).hash("the real password is long", random: gateway.random)
        try await gateway.dependencies.identifiedStore.addStaff(
            id: "staff-target", username: "target", providerId: ProviderID("uturn"), role: .counsellor, passwordHash: costly,
            createdOn: CalendarDay(iso: "2026-11-01")!)
        try await gateway.test { client in
            let anna = try await client.signIn("anna")
            let finished = CompletionOrder()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<100 {
                    group.addTask {
                        // Each from its own address: per-client back-off does not stop them, only the gate does.
                        let response = try await client.json(.post, "/api/v1/staff/sessions", ["username": "target", "password": "guess \(index)"],
                                                             headers: Self.from("10.9.\(index / 200).\(index % 200 + 1)"))
                        #expect(response.status == .unauthorized || response.status == .tooManyRequests)
                        // Only a checked guess (401) did scrypt work; a 429 was turned away at once.
                        finished.append(response.status == .unauthorized ? "checked" : "turned-away")
                    }
                }
                try await Task.sleep(for: .milliseconds(100))
                group.addTask {
                    let schedule = try await client.json(.get, "/api/v1/staff/schedule", headers: anna)
                    #expect(schedule.status == .ok)
                    finished.append("schedule")
                }
                try await group.waitForAll()
            }
            let order = finished.all
            let position = try #require(order.firstIndex(of: "schedule"))
            let checked = order.filter { $0 == "checked" }.count
            let checkedAfter = order[position...].filter { $0 == "checked" }.count
            // Before the fix scrypt ran inside the session actor: the schedule's session check waited
            // behind the queued checks, so (nearly) every checked guess finished before it. Now most
            // of them are still queued in the gate when the schedule is answered.
            #expect(checked >= 10, "only \(checked) guesses were checked")
            #expect(checkedAfter * 2 > checked, "\(checkedAfter) of \(checked) checked guesses finished after the schedule")
        }
    }

    @Test func fiftyFailuresFromOneClientDoNotRefuseTheRightPasswordFromAnother() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            var delayed = 0
            for index in 0..<50 {
                let response = try await client.json(.post, "/api/v1/staff/sessions", ["username": "anna", "password": "wrong \(index)"],
                                                     headers: Self.from("198.51.100.7"))
                if response.status == .tooManyRequests { delayed += 1 }
            }
            #expect(delayed > 40)
            let fromElsewhere = try await client.json(.post, "/api/v1/staff/sessions", ["username": "anna", "password": TestGateway.password],
                                                      headers: Self.from("203.0.113.20"))
            #expect(fromElsewhere.status == .created)
        }
    }

    /// Password checks run outside the actor, so a burst of parallel guesses from one client must not
    /// all pass one back-off check: beyond the free attempts, one at a time.
    @Test func aBurstOfParallelGuessesFromOneClientGetsOnlyTheFreeAttempts() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            let answers = CompletionOrder()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<30 {
                    group.addTask {
                        let response = try await client.json(.post, "/api/v1/staff/sessions", ["username": "anna", "password": "guess \(index)"],
                                                             headers: Self.from("198.51.100.9"))
                        answers.append("\(response.status.code)")
                    }
                }
                try await group.waitForAll()
            }
            let checked = answers.all.filter { $0 == "401" }.count
            #expect(checked <= Self.freeAttempts, "\(checked) guesses were checked")
            #expect(answers.all.filter { $0 == "429" }.count >= 30 - Self.freeAttempts)
        }
    }

    @Test func aTOTPCodeIsAcceptedOnce() async throws {
        let gateway = try await TestGateway.withStaff()
        let secret = Array(repeating: UInt8(9), count: 20)
        try await gateway.dependencies.identifiedStore.setTOTPSecret(username: "anna", secret)
        try await gateway.test { client in
            let code = TOTP.code(secret: secret, at: gateway.clock.now)
            let first = try await client.json(.post, "/api/v1/staff/sessions", ["username": "anna", "password": TestGateway.password, "totp": code])
            #expect(first.status == .created)
            // Shoulder-surfed or replayed within the same 30 seconds: refused.
            let replayed = try await client.json(.post, "/api/v1/staff/sessions", ["username": "anna", "password": TestGateway.password, "totp": code])
            #expect(replayed.status == .unauthorized)
            gateway.clock.advance(by: 30)
            let next = TOTP.code(secret: secret, at: gateway.clock.now)
            let later = try await client.json(.post, "/api/v1/staff/sessions", ["username": "anna", "password": TestGateway.password, "totp": next])
            #expect(later.status == .created)
        }
    }

    @Test func theSignInFormNeedsItsSignedTokenAndBoundsTheUsername() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            let forged = try await client.form("/staff/sign-in", [("username", "anna"), ("password", TestGateway.password), ("csrf", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")])
            #expect(forged.status == .forbidden)
            #expect(forged.headers[.setCookie] == nil)
            let missing = try await client.form("/staff/sign-in", [("username", "anna"), ("password", TestGateway.password)])
            #expect(missing.status == .forbidden)
            let long = try await client.signInForm([("username", String(repeating: "a", count: 5000)), ("password", TestGateway.password)])
            #expect(long.status == .unauthorized)
            // A token is good for an hour.
            let page = try await client.execute(uri: "/staff", method: .get)
            let token = try #require(StaffPageTests.csrf(in: page.text))
            gateway.clock.advance(by: 2 * 3600)
            let stale = try await client.form("/staff/sign-in", [("username", "anna"), ("password", TestGateway.password), ("csrf", token)])
            #expect(stale.status == .forbidden)
        }
    }

    @Test func overTLSTheCookieIsHostPrefixedAndSecureAndHSTSIsSent() async throws {
        let gateway = try await TestGateway.withStaff { $0.rateLimit.trustedProxies = [IPNetwork("127.0.0.1/32")!] }
        try await gateway.testLive { client in
            let tls: HTTPFields = [HTTPField.Name("X-Forwarded-Proto")!: "https"]
            let signIn = try await client.signInForm([("username", "anna"), ("password", TestGateway.password)], headers: tls)
            #expect(signIn.status == .seeOther)
            let cookie = try #require(signIn.headers[.setCookie])
            #expect(cookie.hasPrefix("__Host-anongate_staff="))
            #expect(cookie.contains("Secure"))
            #expect(cookie.contains("Path=/;") || cookie.hasSuffix("Path=/"))
            #expect(signIn.headers[HTTPField.Name("Strict-Transport-Security")!]?.contains("max-age=") == true)
            // Over TLS a plain-named cookie (one a sibling subdomain could plant) is not a session.
            let value = String(cookie.prefix { $0 != ";" }).replacingOccurrences(of: "__Host-", with: "")
            var planted = tls
            planted[.cookie] = value
            #expect(try await client.execute(uri: "/staff/schedule", method: .get, headers: planted).status == .seeOther)
            var real = tls
            real[.cookie] = String(cookie.prefix { $0 != ";" })
            #expect(try await client.execute(uri: "/staff/schedule", method: .get, headers: real).status == .ok)
            // Plain HTTP: no HSTS, the development cookie.
            let plain = try await client.signInForm([("username", "anna"), ("password", TestGateway.password)])
            #expect(plain.headers[.setCookie]?.hasPrefix("anongate_staff=") == true)
            #expect(plain.headers[HTTPField.Name("Strict-Transport-Security")!] == nil)
        }
    }
}

/// Which requests finished in which order.
final class CompletionOrder: Sendable {
    private let names = Mutex<[String]>([])
    func append(_ name: String) { names.withLock { $0.append(name) } }
    var all: [String] { names.withLock { $0 } }
}
