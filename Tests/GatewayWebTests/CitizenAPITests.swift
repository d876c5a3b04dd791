import Foundation
import GatewayTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Citizen JSON API")
struct CitizenAPITests {
    @Test func healthCheckAnswersOK() async throws {
        try await TestGateway().test { client in
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .ok)
            #expect(response.text == "ok\n")
        }
    }

    @Test func listsTheFourServices() async throws {
        try await TestGateway().test { client in
            let response = try await client.json(.get, "/api/v1/services")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json")
            let services = try #require(response.object?["services"] as? [[String: Any]])
            #expect(services.compactMap { $0["id"] as? String } == ["pas", "uturn", "uturn-parents", "relatives"])
            let uturn = try #require(services.first { $0["id"] as? String == "uturn" })
            #expect((uturn["sessionLimit"] as? [String: Any])?["total"] as? Int == 5)
        }
    }

    @Test func slotsComeEarliestFirstWithCopenhagenOffsets() async throws {
        try await TestGateway().test { client in
            let response = try await client.json(.get, "/api/v1/services/pas/slots?from=2026-11-23&days=2")
            #expect(response.status == .ok)
            let slots = try #require(response.object?["slots"] as? [[String: Any]])
            // Mon 7 hours, Tue 4 hours at PAS; Frederiksberg's times are booked by phone, never listed.
            let expected = (4 + 3) + 4
            #expect(slots.count == expected)
            let first = try #require(slots.first)
            #expect(first["start"] as? String == "2026-11-23T08:00:00+01:00")
            #expect(first["end"] as? String == "2026-11-23T09:00:00+01:00")
            #expect(Set(slots.compactMap { $0["providerId"] as? String }) == ["kk-pas"])
            #expect(slots.first { $0["id"] as? String == "kk-pas.pas.20261123T0800" }?["remaining"] as? Int == 2)
            let starts = slots.compactMap { $0["start"] as? String }
            #expect(starts == starts.sorted())
        }
    }

    @Test func bookedPlacesAreNotOfferedAgain() async throws {
        try await TestGateway().test { client in
            _ = try await client.bookPAS(slot: "kk-pas.pas.20261123T0800")
            _ = try await client.bookPAS(slot: "kk-pas.pas.20261123T0800")
            _ = try await client.bookPAS(slot: "kk-pas.pas.20261123T1000")
            let slots = try #require(try await client.json(.get, "/api/v1/services/pas/slots?days=1&from=2026-11-23").object?["slots"] as? [[String: Any]])
            #expect(!slots.contains { $0["id"] as? String == "kk-pas.pas.20261123T0800" })
            #expect(slots.first { $0["id"] as? String == "kk-pas.pas.20261123T1000" }?["remaining"] as? Int == 1)
        }
    }

    @Test func badSlotQueriesGetClearErrors() async throws {
        try await TestGateway().test { client in
            let unknown = try await client.json(.get, "/api/v1/services/sauna/slots")
            #expect(unknown.status == .notFound)
            #expect(unknown.headers[.contentType] == "application/problem+json")
            #expect(unknown.object?["type"] as? String == "urn:anongate:problem:unknown-service")
            for (query, field) in [("from=23-11-2026", "from"), ("days=abc", "days"), ("days=0", "days"), ("days=99", "days"), ("from=2027-06-01", "from")] {
                let response = try await client.json(.get, "/api/v1/services/pas/slots?\(query)")
                #expect(response.status == .badRequest, "\(query)")
                #expect(response.object?["field"] as? String == field, "\(query)")
                #expect(!response.problemDetail.isEmpty)
            }
        }
    }

    @Test func aBookingGivesAOneTimeTokenAndTheBooking() async throws {
        try await TestGateway().test { client in
            let (token, response) = try await client.bookPAS()
            #expect(response.status == .created)
            #expect(response.headers[.cacheControl] == "no-store")
            #expect(token.count == 24)
            let booking = try #require(response.object?["booking"] as? [String: Any])
            #expect(booking["serviceId"] as? String == "pas")
            #expect(booking["slotId"] as? String == "kk-pas.pas.20261123T0900")
            #expect(booking["providerId"] as? String == "kk-pas")
            #expect(booking["status"] as? String == "booked")
            #expect(booking["start"] as? String == "2026-11-23T09:00:00+01:00")
            #expect(booking["end"] as? String == "2026-11-23T10:00:00+01:00")
        }
    }

    @Test func theTokenFindsMovesAndCancelsTheBooking() async throws {
        try await TestGateway().test { client in
            let (token, _) = try await client.bookPAS()
            let current = try await client.json(.get, "/api/v1/bookings/current", headers: client.bearer(token.lowercased()))
            #expect(current.status == .ok)
            #expect((current.object?["booking"] as? [String: Any])?["slotId"] as? String == "kk-pas.pas.20261123T0900")

            let byPhone = try await client.json(.post, "/api/v1/bookings/current/reschedule", ["slotId": "frb-pas.pas.20261124T0800"], headers: client.bearer(token))
            #expect(byPhone.status == .unprocessableContent)
            #expect(byPhone.object?["type"] as? String == "urn:anongate:problem:booked-by-phone")
            let moved = try await client.json(.post, "/api/v1/bookings/current/reschedule", ["slotId": "kk-pas.pas.20261124T0800"], headers: client.bearer(token))
            #expect(moved.status == .ok)
            #expect((moved.object?["booking"] as? [String: Any])?["slotId"] as? String == "kk-pas.pas.20261124T0800")

            // The old place is free again.
            let monday = try #require(try await client.json(.get, "/api/v1/services/pas/slots?from=2026-11-23&days=1").object?["slots"] as? [[String: Any]])
            #expect(monday.first { $0["id"] as? String == "kk-pas.pas.20261123T0900" }?["remaining"] as? Int == 2)

            let deleted = try await client.json(.delete, "/api/v1/bookings/current", headers: client.bearer(token))
            #expect(deleted.status == .noContent)
            let tuesday = try #require(try await client.json(.get, "/api/v1/services/pas/slots?from=2026-11-24&days=1").object?["slots"] as? [[String: Any]])
            #expect(tuesday.first { $0["id"] as? String == "kk-pas.pas.20261124T0800" }?["remaining"] as? Int == 2)

            let gone = try await client.json(.get, "/api/v1/bookings/current", headers: client.bearer(token))
            #expect(gone.status == .gone)
            #expect(gone.object?["type"] as? String == "urn:anongate:problem:booking-cancelled")
            #expect(try await client.json(.delete, "/api/v1/bookings/current", headers: client.bearer(token)).status == .gone)
        }
    }

    @Test func tokenProblemsAreTellingApart() async throws {
        try await TestGateway().test { client in
            let (token, _) = try await client.bookPAS()
            var chars = Array(token)
            chars[0] = chars[0] == "7" ? "8" : "7"
            let typo = try await client.json(.get, "/api/v1/bookings/current", headers: client.bearer(String(chars)))
            #expect(typo.status == .badRequest)
            #expect(typo.problemDetail.contains("typo"))

            let unknown = try await client.json(.get, "/api/v1/bookings/current", headers: client.bearer("0000-0000-0000-0000-0000"))
            #expect(unknown.status == .notFound)

            let missing = try await client.json(.get, "/api/v1/bookings/current")
            #expect(missing.status == .unauthorized)
            let basic = try await client.json(.get, "/api/v1/bookings/current", headers: [.authorization: "Basic abc"])
            #expect(basic.status == .unauthorized)
        }
    }

    @Test func bookingValidationNamesTheField() async throws {
        try await TestGateway().test { client in
            let base: [String: Any] = ["serviceId": "pas", "slotId": "kk-pas.pas.20261123T0900", "ageBand": "25-plus",
                                       "substances": ["cannabis"], "receivesOtherSocialSupport": false]
            func with(_ changes: [String: Any?]) -> [String: Any] {
                var body = base
                for (key, value) in changes { body[key] = value }
                return body
            }
            let cases: [([String: Any?], HTTPResponse.Status, String)] = [
                (["serviceId": "sauna"], .notFound, "serviceId"),
                (["serviceId": nil], .badRequest, "serviceId"),
                (["slotId": "kk-pas.pas.20261123T0930"], .notFound, "slotId"),
                (["slotId": "kk-pas.pas.20261122T0900"], .notFound, "slotId"),
                (["slotId": "uturn.uturn.20261123T0800"], .unprocessableContent, "slotId"),
                (["slotId": nil], .badRequest, "slotId"),
                (["ageBand": "old"], .badRequest, "ageBand"),
                (["ageBand": 42], .badRequest, "ageBand"),
                (["substances": ["wine"]], .badRequest, "substances"),
                (["substances": "cannabis"], .badRequest, "substances"),
                (["substances": []], .badRequest, "substances"),
                (["receivesOtherSocialSupport": nil], .badRequest, "receivesOtherSocialSupport"),
                (["receivesOtherSocialSupport": "no"], .badRequest, "receivesOtherSocialSupport"),
                (["message": String(repeating: "å", count: 1001)], .badRequest, "message"),
                (["interpreterLanguage": String(repeating: "a", count: 61)], .badRequest, "interpreterLanguage"),
                (["companion": "yes"], .badRequest, "companion"),
            ]
            for (change, status, field) in cases {
                let response = try await client.json(.post, "/api/v1/bookings", with(change))
                #expect(response.status == status, "\(change)")
                #expect(response.object?["field"] as? String == field, "\(change)")
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect((response.object?["detail"] as? String)?.isEmpty == false)
            }
        }
    }

    @Test func notEligibleNamesWhereToGoInstead() async throws {
        try await TestGateway().test { client in
            let response = try await client.json(.post, "/api/v1/bookings", [
                "serviceId": "pas", "slotId": "kk-pas.pas.20261123T0900", "ageBand": "25-plus", "substances": ["opioids"],
                "receivesOtherSocialSupport": false,
            ])
            #expect(response.status == .unprocessableContent)
            let referrals = try #require(response.object?["referrals"] as? [[String: Any]])
            #expect(referrals.first?["id"] as? String == "opioid-units")
            let places = try #require(referrals.first?["places"] as? [[String: Any]])
            #expect(places.compactMap { $0["phone"] as? String }.contains("33 17 84 70"))

            let young = try await client.json(.post, "/api/v1/bookings", [
                "serviceId": "pas", "slotId": "kk-pas.pas.20261123T0900", "ageBand": "14-17", "substances": ["cannabis"],
                "receivesOtherSocialSupport": false,
            ])
            #expect(young.status == .unprocessableContent)
            #expect((young.object?["referrals"] as? [[String: Any]])?.first?["id"] as? String == "uturn")
        }
    }

    @Test func aFullSlotAnswers409() async throws {
        try await TestGateway().test { client in
            #expect(try await client.bookPAS(slot: "kk-pas.pas.20261123T0900").response.status == .created)
            #expect(try await client.bookPAS(slot: "kk-pas.pas.20261123T0900").response.status == .created)
            let second = try await client.bookPAS(slot: "kk-pas.pas.20261123T0900").response
            #expect(second.status == .conflict)
            #expect(second.object?["type"] as? String == "urn:anongate:problem:slot-full")
        }
    }

    @Test func malformedAndOversizedBodiesAreRefused() async throws {
        try await TestGateway().test { client in
            let broken = try await client.execute(uri: "/api/v1/bookings", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: "{\"serviceId\": "))
            #expect(broken.status == .badRequest)
            #expect(broken.object?["type"] as? String == "urn:anongate:problem:malformed-json")

            let json: HTTPFields = [.contentType: "application/json; charset=utf-8"]
            let array = try await client.execute(uri: "/api/v1/bookings", method: .post, headers: json, body: ByteBuffer(string: "[1,2]"))
            #expect(array.status == .badRequest)

            let empty = try await client.execute(uri: "/api/v1/bookings", method: .post, headers: json)
            #expect(empty.status == .badRequest)

            for body in ["null", "[1,2]", "\"text\""] {
                let notAnObject = try await client.execute(uri: "/api/v1/bookings", method: .post, headers: json, body: ByteBuffer(string: body))
                #expect(notAnObject.status == .badRequest)
                #expect(notAnObject.problemDetail == "The request body must be a JSON object.", "\(body)")
            }

            let huge = ByteBuffer(string: "{\"message\":\"" + String(repeating: "x", count: 70_000) + "\"}")
            let tooLarge = try await client.execute(uri: "/api/v1/bookings", method: .post, headers: [.contentType: "application/json"], body: huge)
            #expect(tooLarge.status == .contentTooLarge)
            #expect(tooLarge.headers[.contentType] == "application/problem+json")
        }
    }

    @Test func noInputProducesAServerError() async throws {
        try await TestGateway().test { client in
            let bodies = ["", "null", "0", "\"x\"", "{}", "{\"serviceId\":null}", "{\"serviceId\":[]}", "{\"slotId\":{}}",
                          "{\"serviceId\":\"pas\",\"slotId\":\"../../etc\"}", "\u{0}\u{1}", String(repeating: "{", count: 5000),
                          "{\"serviceId\":\"uturn\",\"slotId\":\"uturn.uturn.20261123T0800\",\"ageBand\":\"18-24\",\"message\":\"\u{202E}\u{0}\"}"]
            let paths: [(HTTPRequest.Method, String)] = [
                (.post, "/api/v1/bookings"), (.post, "/api/v1/bookings/current/reschedule"), (.get, "/api/v1/bookings/current"),
                (.delete, "/api/v1/bookings/current"), (.get, "/api/v1/services/%00/slots"), (.get, "/api/v1/services/pas/slots?from=%FF&days=-1"),
                (.put, "/api/v1/bookings"), (.get, "/api/v1/nothing"), (.post, "/book"), (.post, "/booking"), (.post, "/booking/cancel"),
                (.post, "/book/times"), (.post, "/booking/calendar.ics"), (.get, "/../../etc/passwd"),
            ]
            let tokens = ["", "Bearer", "Bearer ", "Bearer \u{0}", "Bearer " + String(repeating: "A", count: 5000), "Bearer ÆØÅÆ-0000"]
            for (method, path) in paths {
                for body in bodies {
                    for token in tokens {
                        var headers: HTTPFields = [.contentType: "application/json"]
                        if !token.isEmpty { headers[.authorization] = token }
                        let response = try await client.execute(uri: path, method: method, headers: headers, body: ByteBuffer(string: body))
                        #expect(response.status.code < 500, "\(method) \(path) \(body.prefix(40)) \(token.prefix(20)) → \(response.status)")
                    }
                }
            }
        }
    }

    @Test func bookingIsRateLimitedPerClient() async throws {
        let gateway = try TestGateway { $0.rateLimit = .init(bookingsPerClientPerHour: 2, bookingsPerClientPerDay: 3, liveBookingsPerClientPerService: 1000, trustedProxies: TestGateway.everyAddressAProxy) }
        try await gateway.test { client in
            let a: HTTPFields = [.xForwardedFor: "192.0.2.1"], b: HTTPFields = [.xForwardedFor: "192.0.2.2"]
            #expect(try await client.bookPAS(slot: "kk-pas.pas.20261123T0800", headers: a).response.status == .created)
            // A failed booking does not use up the allowance.
            #expect(try await client.bookPAS(slot: "kk-pas.pas.20261123T0830", headers: a).response.status == .notFound)
            #expect(try await client.bookPAS(slot: "kk-pas.pas.20261123T0900", headers: a).response.status == .created)
            let limited = try await client.bookPAS(slot: "kk-pas.pas.20261123T1000", headers: a).response
            #expect(limited.status == .tooManyRequests)
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 > 0)
            #expect(try await client.bookPAS(slot: "kk-pas.pas.20261123T1000", headers: b).response.status == .created)
            gateway.clock.advance(by: 3601)
            #expect(try await client.bookPAS(slot: "kk-pas.pas.20261123T1100", headers: a).response.status == .created)
            #expect(try await client.bookPAS(slot: "kk-pas.pas.20261123T1500", headers: a).response.status == .tooManyRequests)
        }
    }

    @Test func everyAnswerCarriesTheSecurityHeaders() async throws {
        try await TestGateway().test { client in
            for (method, path) in [(HTTPRequest.Method.get, "/api/v1/services"), (.get, "/api/v1/nothing"), (.get, "/"), (.get, "/booking"),
                                   (.post, "/api/v1/bookings"), (.get, "/nope")] {
                let response = try await client.execute(uri: path, method: method)
                let csp = try #require(response.headers[.contentSecurityPolicy], "\(path)")
                #expect(csp.contains("default-src 'none'"))
                #expect(csp.contains("frame-ancestors 'none'"))
                #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(response.headers[.setCookie] == nil)
                #expect(response.headers[.cacheControl] == "no-store")
            }
        }
    }
}

@Suite("API reference")
struct OpenAPIDocumentTests {
    @Test func everyAPIRouteIsDocumented() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/openapi.yaml").path
        let document = try String(contentsOfFile: path, encoding: .utf8)
        #expect(document.hasPrefix("openapi: 3.1.0"))
        for route in ["/api/v1/services:", "/api/v1/services/{serviceId}/slots:", "/api/v1/bookings:",
                      "/api/v1/bookings/current:", "/api/v1/bookings/current/reschedule:",
                      "/api/v1/staff/sessions:", "/api/v1/staff/sessions/current:", "/api/v1/staff/checkins:", "/api/v1/staff/walkins:",
                      "/api/v1/staff/bookings:", "/api/v1/staff/schedule:", "/api/v1/staff/access-log:", "/api/v1/staff/cases:", "/api/v1/staff/cases/{caseCode}:",
                      "/api/v1/staff/cases/{caseCode}/bookings:", "/api/v1/staff/cases/{caseCode}/follow-up:", "/api/v1/staff/cases/{caseCode}/no-show:",
                      "/api/v1/staff/cases/{caseCode}/notes:", "/api/v1/staff/cases/{caseCode}/decision:",
                      "/api/v1/staff/cases/{caseCode}/close:", "/api/v1/staff/cases/{caseCode}/handover:"] {
            #expect(document.contains("  \(route)\n"), "\(route) is not in docs/openapi.yaml")
        }
    }
}
