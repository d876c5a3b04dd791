import Foundation
import GatewayCore
@testable import GatewayWeb
import GatewayTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Threat: a member of staff reading or changing what their role or provider may not — a manager
/// reading the programme, one provider another's cases, a receiver the sender's notes the wrong way.
@Suite("Threat: roles and providers")
struct RolesAndProvidersTests {
    /// One account per role at kk-pas (the case's provider), and two at U-turn (another provider).
    static let accounts: [(username: String, role: StaffRole, provider: String)] = [
        ("carl", .counsellor, "kk-pas"), ("dora", .phone, "kk-pas"), ("eva", .providerAdmin, "kk-pas"), ("finn", .auditor, "kk-pas"),
        ("gry", .manager, "kk-pas"), ("anna", .counsellor, "uturn"), ("ida", .providerAdmin, "uturn"),
    ]

    @Test func everyStaffRouteTimesEveryRoleTimesOwnAndOtherProviderFollowsThePermissionTable() async throws {
        #expect(Set(StaffRole.allCases) == Set(Self.accounts.map(\.role)))
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            gateway.clock.set(TestGateway.mondayMorning)
            let carl = try await client.signIn("carl")
            let code = try #require(try await client.json(.post, "/api/v1/staff/walkins", ["serviceId": "pas", "ageBand": "25-plus"], headers: carl)
                .object?["caseCode"] as? String)
            // The API: bearer sessions.
            for (username, role, provider) in Self.accounts {
                let auth = try await client.signIn(username)
                for route in StaffAPIController.access where route.path != "sessions" && route.path != "sessions/current" {
                    let path = (route.path.hasPrefix("/") ? route.path + "?from=2026-11&to=2026-11" : "/api/v1/staff/" + route.path)
                        .replacingOccurrences(of: ":caseCode", with: code)
                    var headers = auth
                    headers[.contentType] = "application/json"
                    let response = try await client.execute(uri: path, method: route.method, headers: headers,
                                                            body: route.method == .post ? ByteBuffer(string: "{}") : nil)
                    let type = (try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any]
                    let what = "\(username) (\(role.rawValue), \(provider)) \(route.method) \(route.path) → \(response.status.code)"
                    #expect(type?["type"] as? String != "urn:anongate:problem:not-found", "route not registered: \(what)")
                    #expect(response.status != .methodNotAllowed, "\(what)")
                    #expect(type?["type"] as? String != "urn:anongate:problem:sign-in-required", "\(what)")
                    if route.access.allows(role) {
                        #expect(response.status != .forbidden, "\(what)")
                        if route.path.contains(":caseCode") && provider != "kk-pas" {
                            #expect(!(200..<300).contains(response.status.code), "another provider's case: \(what)")
                            if route.method == .get { #expect(response.status == .notFound, "\(what)") }
                        }
                    } else {
                        #expect(response.status == .forbidden, "\(what)")
                    }
                }
            }
            // The pages: cookie sessions and their CSRF token.
            for (username, role, provider) in Self.accounts {
                let signIn = try await client.signInForm([("username", username), ("password", TestGateway.password)])
                let cookie: HTTPFields = [.cookie: String(try #require(signIn.headers[.setCookie]).prefix { $0 != ";" })]
                // Every staff page (a refusal too) carries the sign-out form with the session's CSRF token.
                let anyPage = try await client.execute(uri: "/staff/schedule", method: .get, headers: cookie)
                let csrf = StaffPageTests.csrf(in: anyPage.text) ?? ""
                #expect(!csrf.isEmpty, "\(username): no CSRF token, so a refusal would prove nothing")
                for route in StaffPages.access where route.access != .everyone && route.path != "/staff/sign-out" {
                    let path = route.path.replacingOccurrences(of: ":caseCode", with: code)
                    let response = route.method == .post
                        ? try await client.form(path, [("csrf", csrf)], headers: cookie)
                        : try await client.execute(uri: path, method: .get, headers: cookie)
                    let what = "\(username) (\(role.rawValue), \(provider)) \(route.method) \(route.path) → \(response.status.code)"
                    #expect(response.status != .methodNotAllowed, "\(what)")
                    if route.access.allows(role) {
                        #expect(response.status != .forbidden, "\(what)")
                        if route.path.contains(":caseCode") && provider != "kk-pas" && route.method == .get {
                            #expect(response.status == .notFound, "another provider's case: \(what)")
                        }
                    } else {
                        #expect(response.status == .forbidden, "\(what)")
                    }
                }
            }
        }
    }

    @Test func onAReferredCaseEachSidesAuditorSeesTheOthersReadsAndOnlyTheReceiverReadsSharedNotes() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.addStaff("frida", provider: "frb-pas", role: .auditor)
        try await gateway.test { client in
            gateway.clock.set(TestGateway.mondayMorning)
            let carl = try await client.signIn("carl"), bent = try await client.signIn("bent")
            let code = try #require(try await client.json(.post, "/api/v1/staff/walkins", ["serviceId": "pas", "ageBand": "25-plus"], headers: carl)
                .object?["caseCode"] as? String)
            _ = try await client.json(.post, "/api/v1/staff/cases/\(code)/notes", ["text": "afsenders note"], headers: carl)
            let decided = try await client.json(.post, "/api/v1/staff/cases/\(code)/decision",
                                                ["outcome": "granted", "reason": "Kokain", "referralProviderId": "frb-pas", "shareNotes": true], headers: carl)
            #expect(decided.status == .ok, "\(decided.text)")
            _ = try await client.json(.post, "/api/v1/staff/cases/\(code)/notes", ["text": "modtagers note"], headers: bent)
            let receiver = try await client.json(.get, "/api/v1/staff/cases/\(code)/notes", headers: bent)
            #expect(receiver.text.contains("afsenders note") && receiver.text.contains("modtagers note"))
            let sender = try await client.json(.get, "/api/v1/staff/cases/\(code)/notes", headers: carl)
            #expect(sender.text.contains("afsenders note"))
            #expect(!sender.text.contains("modtagers note"), "the sender read the receiver's notes")

            let senderAudit = try await client.json(.get, "/api/v1/staff/access-log?caseCode=\(code)", headers: try await client.signIn("finn"))
            let receiverAudit = try await client.json(.get, "/api/v1/staff/access-log?caseCode=\(code)", headers: try await client.signIn("frida"))
            // The auditors' own reads are logged too: the receiver's auditor sees the sender's auditor's read.
            for (audit, expected) in [(senderAudit, ["carl", "bent"]), (receiverAudit, ["carl", "bent", "finn"])] {
                let staff = Set(((audit.object?["entries"] as? [[String: Any]]) ?? []).compactMap { $0["staff"] as? String })
                #expect(staff == Set(expected), "\(audit.text)")
            }
        }
    }

    /// The programme and the case list show case codes (and messages): reading them is logged; so is
    /// a refused attempt on another provider's case, visible to both providers' auditors.
    @Test func theProgrammeTheCaseListAndRefusedProbesAreLogged() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.addStaff("ulla", provider: "uturn", role: .auditor)
        try await gateway.test { client in
            let token = try await client.book(CaseTests.pasBooking)
            gateway.clock.set(TestGateway.mondayMorning)
            let carl = try await client.signIn("carl"), anna = try await client.signIn("anna")
            let code = try #require(try await client.json(.post, "/api/v1/staff/checkins", ["token": token], headers: carl).object?["caseCode"] as? String)
            #expect(try await client.json(.get, "/api/v1/staff/schedule?date=2026-11-23", headers: carl).status == .ok)
            #expect(try await client.json(.get, "/api/v1/staff/cases", headers: carl).status == .ok)
            // Anna (U-turn) probes the PAS case: "not found" — and a trace.
            #expect(try await client.json(.get, "/api/v1/staff/cases/\(code)/notes", headers: anna).status == .notFound)
            let owner = try await client.json(.get, "/api/v1/staff/access-log?caseCode=\(code)", headers: try await client.signIn("finn"))
            let actions = ((owner.object?["entries"] as? [[String: Any]]) ?? []).map { "\($0["staff"] ?? "")/\($0["action"] ?? "")" }
            #expect(actions.contains("carl/read-schedule"))
            #expect(actions.contains("carl/list-cases"))
            #expect(actions.contains("anna/refused"))
            let prober = try await client.json(.get, "/api/v1/staff/access-log", headers: try await client.signIn("ulla"))
            #expect(prober.text.contains("refused") && prober.text.contains(code))
        }
    }

    @Test func aWalkInTakesOnlyTodaysBookingNotOneMissedLastMonth() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            let token = try await client.bookUturn(slot: "uturn.uturn.20261123T0845")
            gateway.clock.set(TestFixtures.instant(2026, 12, 21, 9))
            let late = try await client.json(.post, "/api/v1/staff/walkins", ["token": token], headers: try await client.signIn("anna"))
            #expect(late.status == .gone)
        }
    }
}
