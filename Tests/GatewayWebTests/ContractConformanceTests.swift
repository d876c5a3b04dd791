import Foundation
import GatewayCore
import GatewayTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Every answer of the running gateway, checked against docs/openapi.yaml.
final class ContractLog: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var violations: [String] = []
    private(set) var seen: [String: Set<Int>] = [:]
    private(set) var count = 0

    func record(_ method: String, _ uri: String, _ status: Int, _ found: [String]) {
        lock.lock(); defer { lock.unlock() }
        count += 1
        let key = "\(method) \(uri.split(separator: "?").first.map(String.init) ?? uri)"
        seen[key, default: []].insert(status)
        violations += found.map { "\(method) \(uri) → \(status): \($0)" }
    }

    var report: String { violations.prefix(40).joined(separator: "\n") }
}

extension TestClientProtocol {
    @discardableResult
    func checked(_ log: ContractLog, _ method: HTTPRequest.Method, _ uri: String, _ object: Any? = nil, raw: String? = nil,
                 headers: HTTPFields = [:], status expected: HTTPResponse.Status? = nil) async throws -> TestResponse {
        let response: TestResponse
        if let raw {
            var headers = headers
            headers[.contentType] = headers[.contentType] ?? "application/json"
            response = try await execute(uri: uri, method: method, headers: headers, body: ByteBuffer(string: raw))
        } else {
            response = try await json(method, uri, object, headers: headers)
        }
        let found = OpenAPIContract.shared.check(method: method.rawValue, path: uri, status: Int(response.status.code),
                                                 contentType: response.headers[.contentType], body: Data(buffer: response.body))
        log.record(method.rawValue, uri, Int(response.status.code), found)
        if let expected { #expect(response.status == expected, "\(method) \(uri): \(response.text.prefix(200))") }
        return response
    }
}

@Suite("Answers conform to docs/openapi.yaml")
struct ContractConformanceTests {
    nonisolated(unsafe) static let pas: [String: Any] = [
        "serviceId": "pas", "slotId": "kk-pas.pas.20261123T0900", "ageBand": "25-plus", "substances": ["cocaine"],
        "receivesOtherSocialSupport": false, "message": "Jeg vil gerne stoppe", "interpreterLanguage": "arabisk", "companion": true,
    ]

    @Test func citizenAPI() async throws {
        let log = ContractLog()
        try await TestGateway().test { client in
            try await client.checked(log, .get, "/api/v1/services", status: .ok)
            try await client.checked(log, .get, "/api/v1/services/pas/slots?from=2026-11-23&days=2", status: .ok)
            try await client.checked(log, .get, "/api/v1/services/uturn-parents/slots", status: .ok)
            try await client.checked(log, .get, "/api/v1/services/sauna/slots", status: .notFound)
            for query in ["from=23-11-2026", "days=abc", "days=0", "days=99", "from=2027-06-01"] {
                try await client.checked(log, .get, "/api/v1/services/pas/slots?\(query)", status: .badRequest)
            }
            let created = try await client.checked(log, .post, "/api/v1/bookings", Self.pas, status: .created)
            let token = try #require(created.object?["token"] as? String)
            let bare = try await client.checked(log, .post, "/api/v1/bookings",
                                                ["serviceId": "uturn", "slotId": "uturn.uturn.20261123T0845", "ageBand": "14-17"], status: .created)
            let base: [String: Any] = ["serviceId": "pas", "slotId": "kk-pas.pas.20261123T1000", "ageBand": "25-plus",
                                       "substances": ["cannabis"], "receivesOtherSocialSupport": false]
            let changes: [[String: Any?]] = [
                ["serviceId": "sauna"], ["serviceId": nil], ["slotId": "kk-pas.pas.20261123T0930"], ["slotId": "kk-pas.pas.20261122T0900"],
                ["slotId": "uturn.uturn.20261123T0800"], ["slotId": nil], ["ageBand": "old"], ["ageBand": 42], ["substances": ["wine"]],
                ["substances": "cannabis"], ["substances": []], ["receivesOtherSocialSupport": nil], ["receivesOtherSocialSupport": "no"],
                ["message": String(repeating: "å", count: 1001)], ["interpreterLanguage": String(repeating: "a", count: 61)], ["companion": "yes"],
                ["substances": ["opioids"]], ["ageBand": "14-17"], ["receivesOtherSocialSupport": true], ["slotId": "../../etc"],
            ]
            for change in changes {
                var body = base
                for (key, value) in change { body[key] = value }
                try await client.checked(log, .post, "/api/v1/bookings", body)
            }
            try await client.checked(log, .post, "/api/v1/bookings", Self.pas.merging(["slotId": "frb-pas.pas.20261123T0900"]) { $1 }, status: .unprocessableContent)
            try await client.checked(log, .post, "/api/v1/bookings", Self.pas.merging(["slotId": "kk-pas.pas.20261123T1100"]) { $1 }, status: .created)
            try await client.checked(log, .post, "/api/v1/bookings", Self.pas.merging(["slotId": "kk-pas.pas.20261123T1100"]) { $1 }, status: .created)
            try await client.checked(log, .post, "/api/v1/bookings", Self.pas.merging(["slotId": "kk-pas.pas.20261123T1100"]) { $1 }, status: .conflict)
            for raw in ["{\"serviceId\": ", "[1,2]", "", "null", "\"text\"", "{\"message\":\"" + String(repeating: "x", count: 70_000) + "\"}"] {
                try await client.checked(log, .post, "/api/v1/bookings", raw: raw)
            }
            try await client.checked(log, .get, "/api/v1/bookings/current", headers: client.bearer(token.lowercased()), status: .ok)
            try await client.checked(log, .post, "/api/v1/bookings/current/reschedule", ["slotId": "frb-pas.pas.20261124T0800"], headers: client.bearer(token), status: .unprocessableContent)
            try await client.checked(log, .post, "/api/v1/bookings/current/reschedule", ["slotId": "kk-pas.pas.20261124T0800"], headers: client.bearer(token), status: .ok)
            try await client.checked(log, .post, "/api/v1/bookings/current/reschedule", ["slotId": "frb-pas.pas.20261124T0830"], headers: client.bearer(token), status: .notFound)
            try await client.checked(log, .post, "/api/v1/bookings/current/reschedule", ["slotId": "uturn.uturn.20261124T0800"], headers: client.bearer(token), status: .unprocessableContent)
            try await client.checked(log, .post, "/api/v1/bookings/current/reschedule", [:], headers: client.bearer(token), status: .badRequest)
            try await client.checked(log, .post, "/api/v1/bookings/current/reschedule", ["slotId": "frb-pas.pas.20261124T0900"], status: .unauthorized)
            try await client.checked(log, .delete, "/api/v1/bookings/current", headers: client.bearer(token), status: .noContent)
            try await client.checked(log, .get, "/api/v1/bookings/current", headers: client.bearer(token), status: .gone)
            try await client.checked(log, .delete, "/api/v1/bookings/current", headers: client.bearer(token), status: .gone)
            try await client.checked(log, .post, "/api/v1/bookings/current/reschedule", ["slotId": "frb-pas.pas.20261124T0900"], headers: client.bearer(token), status: .gone)
            var chars = Array(token)
            chars[0] = chars[0] == "7" ? "8" : "7"
            try await client.checked(log, .get, "/api/v1/bookings/current", headers: client.bearer(String(chars)), status: .badRequest)
            try await client.checked(log, .get, "/api/v1/bookings/current", headers: client.bearer("0000-0000-0000-0000-0000"), status: .notFound)
            try await client.checked(log, .get, "/api/v1/bookings/current", status: .unauthorized)
            try await client.checked(log, .get, "/api/v1/bookings/current", headers: [.authorization: "Basic abc"], status: .unauthorized)
            _ = bare
            // Undocumented methods and paths: problem documents.
            try await client.checked(log, .put, "/api/v1/bookings")
            try await client.checked(log, .post, "/api/v1/services")
            try await client.checked(log, .get, "/api/v1/nothing")
            try await client.checked(log, .get, "/api/v1/staff/nothing")
        }
        #expect(log.violations.isEmpty, "\(log.violations.count) violations in \(log.count) answers:\n\(log.report)")
        print("citizen API: \(log.count) answers checked; statuses: \(log.seen.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.sorted())" })")
    }

    @Test func noInputBreaksTheContract() async throws {
        let log = ContractLog()
        try await TestGateway().test { client in
            let bodies = ["", "null", "0", "\"x\"", "{}", "{\"serviceId\":null}", "{\"serviceId\":[]}", "{\"slotId\":{}}",
                          "{\"serviceId\":\"pas\",\"slotId\":\"../../etc\"}", "\u{0}\u{1}", String(repeating: "{", count: 5000),
                          "{\"serviceId\":\"uturn\",\"slotId\":\"uturn.uturn.20261123T0800\",\"ageBand\":\"18-24\",\"message\":\"\u{202E}\u{0}\"}"]
            let paths: [(HTTPRequest.Method, String)] = [
                (.post, "/api/v1/bookings"), (.post, "/api/v1/bookings/current/reschedule"), (.get, "/api/v1/bookings/current"),
                (.delete, "/api/v1/bookings/current"), (.get, "/api/v1/services/%00/slots"), (.get, "/api/v1/services/pas/slots?from=%FF&days=-1"),
                (.put, "/api/v1/bookings"), (.get, "/api/v1/nothing"), (.post, "/api/v1/staff/sessions"), (.post, "/api/v1/staff/checkins"),
            ]
            let tokens = ["", "Bearer", "Bearer ", "Bearer \u{0}", "Bearer " + String(repeating: "A", count: 5000), "Bearer ÆØÅÆ-0000"]
            for (method, path) in paths {
                for body in bodies {
                    for token in tokens {
                        var headers: HTTPFields = [:]
                        if !token.isEmpty { headers[.authorization] = token }
                        try await client.checked(log, method, path, raw: body, headers: headers)
                    }
                }
            }
        }
        #expect(log.violations.isEmpty, "\(log.violations.count) violations in \(log.count) answers:\n\(log.report)")
        print("fuzz: \(log.count) answers checked; statuses: \(log.seen.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.sorted())" })")
    }

    @Test func rateLimitAnswer() async throws {
        let log = ContractLog()
        let gateway = try TestGateway { $0.rateLimit = .init(bookingsPerClientPerHour: 1, bookingsPerClientPerDay: 3, liveBookingsPerClientPerService: 1000, trustedProxies: TestGateway.everyAddressAProxy) }
        try await gateway.test { client in
            try await client.checked(log, .post, "/api/v1/bookings", Self.pas, status: .created)
            try await client.checked(log, .post, "/api/v1/bookings", Self.pas.merging(["slotId": "kk-pas.pas.20261123T1000"]) { $1 }, status: .tooManyRequests)
        }
        #expect(log.violations.isEmpty, "\(log.report)")
    }

    @Test func staffAPI() async throws {
        let log = ContractLog()
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            func signIn(_ name: String) async throws -> HTTPFields {
                let response = try await client.checked(log, .post, "/api/v1/staff/sessions", ["username": name, "password": TestGateway.password], status: .created)
                return [.authorization: "Bearer \(try #require(response.object?["sessionToken"] as? String))"]
            }
            // Sessions.
            try await client.checked(log, .post, "/api/v1/staff/sessions", ["username": "anna"], status: .badRequest)
            try await client.checked(log, .post, "/api/v1/staff/sessions", ["username": "anna", "password": String(repeating: "x", count: 1001)], status: .unauthorized)
            for _ in 0..<3 { try await client.checked(log, .post, "/api/v1/staff/sessions", ["username": "zelda", "password": "x"], status: .unauthorized) }
            try await client.checked(log, .post, "/api/v1/staff/sessions", ["username": "zelda", "password": "x"], status: .tooManyRequests)
            try await client.checked(log, .post, "/api/v1/staff/sessions", raw: "[]", status: .badRequest)
            let temporary = try await signIn("anna")
            try await client.checked(log, .delete, "/api/v1/staff/sessions/current", headers: temporary, status: .noContent)
            try await client.checked(log, .delete, "/api/v1/staff/sessions/current", headers: temporary, status: .unauthorized)
            try await client.checked(log, .get, "/api/v1/staff/schedule", status: .unauthorized)

            // Citizen bookings to work with (Sunday), then Monday morning.
            let pasToken = try #require(try await client.checked(log, .post, "/api/v1/bookings", Self.pas, status: .created).object?["token"] as? String)
            let tuesday = try #require(try await client.checked(log, .post, "/api/v1/bookings", ["serviceId": "uturn", "slotId": "uturn.uturn.20261124T0800", "ageBand": "14-17"]).object?["token"] as? String)
            let cancelled = try #require(try await client.checked(log, .post, "/api/v1/bookings", ["serviceId": "uturn", "slotId": "uturn.uturn.20261123T0800", "ageBand": "14-17"]).object?["token"] as? String)
            try await client.checked(log, .delete, "/api/v1/bookings/current", headers: client.bearer(cancelled), status: .noContent)
            gateway.clock.set(TestGateway.mondayMorning)
            let carl = try await signIn("carl"), bent = try await signIn("bent"), dora = try await signIn("dora"), eva = try await signIn("eva")
            let finn = try await signIn("finn"), gry = try await signIn("gry"), anna = try await signIn("anna")

            // Check-in and the PAS path.
            let checkIn = try await client.checked(log, .post, "/api/v1/staff/checkins", ["token": pasToken], headers: carl, status: .ok)
            let code = try #require(checkIn.object?["caseCode"] as? String)
            try await client.checked(log, .post, "/api/v1/staff/checkins", ["token": pasToken], headers: carl, status: .conflict)
            try await client.checked(log, .post, "/api/v1/staff/checkins", ["token": tuesday], headers: anna, status: .unprocessableContent)
            try await client.checked(log, .post, "/api/v1/staff/checkins", ["token": cancelled], headers: anna, status: .gone)
            try await client.checked(log, .post, "/api/v1/staff/checkins", ["token": "0000-0000-0000-0000-0000"], headers: anna, status: .notFound)
            try await client.checked(log, .post, "/api/v1/staff/checkins", ["token": "0000-0000-0000-0000-0001"], headers: anna, status: .badRequest)
            try await client.checked(log, .post, "/api/v1/staff/checkins", [:], headers: anna, status: .badRequest)
            try await client.checked(log, .post, "/api/v1/staff/checkins", ["token": 5], headers: anna, status: .badRequest)
            try await client.checked(log, .post, "/api/v1/staff/checkins", ["token": "x"], headers: gry, status: .forbidden)
            try await client.checked(log, .get, "/api/v1/staff/cases/\(code)", headers: carl, status: .ok)
            try await client.checked(log, .get, "/api/v1/staff/cases/\(code.lowercased())", headers: carl, status: .ok)
            try await client.checked(log, .get, "/api/v1/staff/cases/NOPE", headers: carl, status: .notFound)
            try await client.checked(log, .get, "/api/v1/staff/cases/\(code)", headers: dora, status: .forbidden)
            try await client.checked(log, .post, "/api/v1/staff/cases/\(code)/notes", ["text": "Afklaring"], headers: carl, status: .created)
            try await client.checked(log, .post, "/api/v1/staff/cases/\(code)/notes", ["text": "  "], headers: carl, status: .badRequest)
            try await client.checked(log, .post, "/api/v1/staff/cases/\(code)/notes", ["text": String(repeating: "n", count: 10_001)], headers: carl, status: .badRequest)
            try await client.checked(log, .get, "/api/v1/staff/cases/\(code)/notes", headers: carl, status: .ok)
            try await client.checked(log, .get, "/api/v1/staff/cases/\(code)/notes", headers: finn, status: .forbidden)
            try await client.checked(log, .post, "/api/v1/staff/cases/\(code)/decision", ["outcome": "granted", "reason": "ok"], headers: carl, status: .badRequest)
            try await client.checked(log, .post, "/api/v1/staff/cases/\(code)/decision", ["outcome": "maybe", "reason": "ok"], headers: carl, status: .badRequest)
            try await client.checked(log, .post, "/api/v1/staff/cases/\(code)/decision",
                                     ["outcome": "granted", "reason": "Problematisk brug af kokain", "referralProviderId": "frb-pas", "shareNotes": true],
                                     headers: carl, status: .ok)
            try await client.checked(log, .post, "/api/v1/staff/cases/\(code)/decision", ["outcome": "refused", "reason": "x"], headers: carl, status: .unprocessableContent)
            try await client.checked(log, .get, "/api/v1/staff/cases", headers: bent, status: .ok)
            try await client.checked(log, .get, "/api/v1/staff/cases", headers: carl, status: .ok)
            try await client.checked(log, .get, "/api/v1/staff/cases", headers: dora, status: .forbidden)
            try await client.checked(log, .get, "/api/v1/staff/cases/\(code)", headers: bent, status: .ok)
            try await client.checked(log, .get, "/api/v1/staff/cases/\(code)/notes", headers: bent, status: .ok)
            try await client.checked(log, .post, "/api/v1/staff/cases/\(code)/bookings", ["slotId": "kk-pas.pas.20261124T0800"], headers: bent, status: .unprocessableContent)
            try await client.checked(log, .post, "/api/v1/staff/cases/\(code)/bookings", ["slotId": "frb-pas.pas.20261124T0830"], headers: bent, status: .notFound)
            try await client.checked(log, .post, "/api/v1/staff/cases/\(code)/bookings", [:], headers: bent, status: .badRequest)
            let course = try await client.checked(log, .post, "/api/v1/staff/cases/\(code)/bookings", ["slotId": "frb-pas.pas.20261124T0800"], headers: bent, status: .created)
            let courseToken = try #require(course.object?["token"] as? String)
            try await client.checked(log, .get, "/api/v1/bookings/current", headers: client.bearer(courseToken), status: .ok)
            try await client.checked(log, .post, "/api/v1/bookings/current/reschedule", ["slotId": "kk-pas.pas.20261124T0900"], headers: client.bearer(courseToken), status: .unprocessableContent)
            try await client.checked(log, .post, "/api/v1/staff/cases/\(code)/no-show", headers: bent, status: .unprocessableContent)
            try await client.checked(log, .post, "/api/v1/staff/cases/\(code)/decision", ["outcome": "refused", "reason": "x"], headers: bent, status: .notFound)
            try await client.checked(log, .delete, "/api/v1/staff/cases/\(code)/notes", headers: anna, status: .forbidden)
            try await client.checked(log, .post, "/api/v1/staff/cases/\(code)/close", ["reason": "transferred"], headers: bent, status: .badRequest)
            try await client.checked(log, .post, "/api/v1/staff/cases/\(code)/close", ["reason": "completed"], headers: bent, status: .ok)
            try await client.checked(log, .post, "/api/v1/staff/cases/\(code)/close", ["reason": "completed"], headers: bent, status: .conflict)
            try await client.checked(log, .post, "/api/v1/staff/cases/\(code)/follow-up", headers: bent, status: .conflict)
            try await client.checked(log, .post, "/api/v1/staff/cases/\(code)/handover", ["carry": [:]], headers: bent, status: .conflict)
            try await client.checked(log, .delete, "/api/v1/staff/cases/\(code)/notes", headers: eva, status: .noContent)
            try await client.checked(log, .get, "/api/v1/staff/cases/\(code)/notes", headers: carl, status: .ok)
            try await client.checked(log, .post, "/api/v1/staff/cases/\(code)/notes", ["text": "ny"], headers: carl, status: .conflict)  // closed: no more notes
            try await client.checked(log, .get, "/api/v1/staff/access-log?caseCode=\(code)", headers: finn, status: .ok)
            try await client.checked(log, .get, "/api/v1/staff/access-log", headers: eva, status: .ok)
            try await client.checked(log, .get, "/api/v1/staff/access-log?caseCode=nope", headers: finn, status: .notFound)
            try await client.checked(log, .get, "/api/v1/staff/access-log", headers: dora, status: .forbidden)

            // Phone bookings and the schedule.
            let phone = Self.pas.merging(["slotId": "kk-pas.pas.20261124T1000"]) { $1 }
            try await client.checked(log, .post, "/api/v1/staff/bookings", phone, headers: dora, status: .created)
            try await client.checked(log, .post, "/api/v1/staff/bookings", phone.merging(["slotId": "uturn.uturn.20261124T1000"]) { $1 }, headers: dora, status: .notFound)
            try await client.checked(log, .post, "/api/v1/staff/bookings", phone.merging(["slotId": "frb-pas.pas.20261124T1000"]) { $1 }, headers: dora, status: .created)
            try await client.checked(log, .post, "/api/v1/staff/bookings", phone.merging(["substances": ["opioids"]]) { $1 }, headers: dora, status: .unprocessableContent)
            try await client.checked(log, .post, "/api/v1/staff/bookings", phone, headers: finn, status: .forbidden)
            try await client.checked(log, .get, "/api/v1/staff/schedule?date=2026-11-23", headers: carl, status: .ok)
            try await client.checked(log, .get, "/api/v1/staff/schedule?date=2026-11-24", headers: dora, status: .ok)
            try await client.checked(log, .get, "/api/v1/staff/schedule?date=2026-11-24", headers: bent, status: .ok)
            try await client.checked(log, .get, "/api/v1/staff/schedule", headers: carl, status: .ok)
            try await client.checked(log, .get, "/api/v1/staff/schedule?date=23-11-2026", headers: dora, status: .badRequest)
            try await client.checked(log, .get, "/api/v1/staff/schedule", headers: finn, status: .forbidden)

            // U-turn: walk-ins, the token chain, the limit, follow-up tokens, no-shows, handover.
            let walkIn = try await client.checked(log, .post, "/api/v1/staff/walkins", ["serviceId": "uturn", "ageBand": "14-17"], headers: anna, status: .created)
            let young = try #require(walkIn.object?["caseCode"] as? String)
            try await client.checked(log, .post, "/api/v1/staff/walkins", ["serviceId": "uturn"], headers: anna, status: .badRequest)
            try await client.checked(log, .post, "/api/v1/staff/walkins", ["serviceId": "pas", "ageBand": "25-plus"], headers: anna, status: .unprocessableContent)
            try await client.checked(log, .post, "/api/v1/staff/walkins", ["serviceId": "uturn", "ageBand": "25-plus"], headers: anna, status: .unprocessableContent)
            try await client.checked(log, .post, "/api/v1/staff/walkins", ["serviceId": "sauna", "ageBand": "25-plus"], headers: anna, status: .notFound)
            try await client.checked(log, .post, "/api/v1/staff/walkins", ["token": "0000-0000-0000-0000-0000"], headers: anna, status: .notFound)
            try await client.checked(log, .post, "/api/v1/staff/walkins", ["token": cancelled], headers: anna, status: .gone)
            let slots = ["24T0845", "25T0800", "25T0845", "26T0800", "26T0845"].map { "uturn.uturn.202611\($0)" }
            // A booked next time is for a later day: a walk-in takes only today's booking (422 not-today).
            let booked = try await client.checked(log, .post, "/api/v1/staff/cases/\(young)/bookings", ["slotId": slots[0]], headers: anna, status: .created)
            let bookedToken = try #require(booked.object?["token"] as? String)
            try await client.checked(log, .post, "/api/v1/staff/walkins", ["token": bookedToken], headers: anna, status: .unprocessableContent)
            for _ in 2...5 {
                // A follow-up token (no time yet) replaces the booked one and is taken today.
                let followUp = try await client.checked(log, .post, "/api/v1/staff/cases/\(young)/follow-up", headers: anna, status: .created)
                let token = try #require(followUp.object?["token"] as? String)
                try await client.checked(log, .post, "/api/v1/staff/walkins", ["token": token], headers: anna, status: .created)
                try await client.checked(log, .post, "/api/v1/staff/walkins", ["token": token], headers: anna)
            }
            try await client.checked(log, .get, "/api/v1/staff/cases/\(young)", headers: anna, status: .ok)
            try await client.checked(log, .post, "/api/v1/staff/cases/\(young)/bookings", ["slotId": slots[4]], headers: anna, status: .unprocessableContent)
            try await client.checked(log, .post, "/api/v1/staff/cases/\(young)/follow-up", headers: anna, status: .unprocessableContent)
            try await client.checked(log, .post, "/api/v1/staff/walkins", ["serviceId": "uturn", "ageBand": "14-17", "token": ""], headers: anna, status: .created)
            try await client.checked(log, .post, "/api/v1/staff/cases/\(young)/handover", ["carry": [:]], headers: anna, status: .unprocessableContent)
            try await client.checked(log, .post, "/api/v1/staff/cases/\(young)/handover", ["carry": ["note": "sag \(young)"], "parentalConsent": true, "caseworkerApproval": true], headers: anna, status: .unprocessableContent)
            try await client.checked(log, .post, "/api/v1/staff/cases/\(young)/handover", ["carry": Dictionary(uniqueKeysWithValues: (0..<21).map { ("k\($0)", "v") })], headers: anna, status: .badRequest)
            try await client.checked(log, .post, "/api/v1/staff/cases/\(young)/handover", ["carry": ["goal": 5]], headers: anna, status: .badRequest)
            try await client.checked(log, .post, "/api/v1/staff/cases/\(young)/handover", ["parentalConsent": true], headers: anna, status: .badRequest)
            try await client.checked(log, .post, "/api/v1/staff/cases/\(young)/handover", ["carry": ["goal": "Stoppe med hash"], "parentalConsent": true, "caseworkerApproval": true], headers: anna, status: .created)
            try await client.checked(log, .get, "/api/v1/staff/cases/\(young)", headers: anna, status: .ok)

            let adult = try #require(try await client.checked(log, .post, "/api/v1/staff/walkins", ["serviceId": "uturn", "ageBand": "18-24"], headers: anna, status: .created).object?["caseCode"] as? String)
            let first = try await client.checked(log, .post, "/api/v1/staff/cases/\(adult)/bookings", ["slotId": "uturn.uturn.20261124T0800"], headers: anna)
            let firstToken = try #require(first.object?["token"] as? String)
            try await client.checked(log, .post, "/api/v1/staff/cases/\(adult)/no-show", headers: anna, status: .unprocessableContent)
            let followUp = try await client.checked(log, .post, "/api/v1/staff/cases/\(adult)/follow-up", headers: anna, status: .created)
            let followUpToken = try #require(followUp.object?["token"] as? String)
            try await client.checked(log, .get, "/api/v1/bookings/current", headers: client.bearer(firstToken), status: .gone)
            try await client.checked(log, .get, "/api/v1/bookings/current", headers: client.bearer(followUpToken), status: .ok)
            try await client.checked(log, .post, "/api/v1/bookings/current/reschedule", ["slotId": "uturn.uturn.20261126T0930"], headers: client.bearer(followUpToken), status: .ok)
            gateway.clock.set(TestFixtures.instant(2026, 11, 26, 11))
            let later = try await signIn("anna")
            try await client.checked(log, .post, "/api/v1/staff/cases/\(adult)/no-show", headers: later, status: .ok)
            try await client.checked(log, .post, "/api/v1/staff/cases/\(adult)/close", ["reason": "other-offer"], headers: later, status: .ok)
            try await client.checked(log, .post, "/api/v1/staff/cases/\(adult)/no-show", headers: later, status: .conflict)
            try await client.checked(log, .get, "/api/v1/staff/schedule?date=2026-11-26", headers: later, status: .ok)
        }
        #expect(log.violations.isEmpty, "\(log.violations.count) violations in \(log.count) answers:\n\(log.report)")
        print("staff API: \(log.count) answers checked; statuses: \(log.seen.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.sorted())" })")
    }
}
