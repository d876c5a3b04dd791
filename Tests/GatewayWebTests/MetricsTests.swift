import Foundation
import GatewayCore
import GatewayTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Prometheus
import Testing

@testable import GatewayWeb

/// Prometheus metrics: counts and durations by route pattern, method and status class, and two
/// domain counters — never a value from a request (SECURITY.md, "Metrics").
@Suite("Metrics")
struct MetricsTests {
    /// The gateway with its own registry; the process-wide MetricsSystem is never touched.
    static func gateway(
        adjust: ((inout GatewayConfiguration) -> Void)? = nil
    ) async throws -> (gateway: TestGateway, metrics: GatewayMetrics, app: some ApplicationProtocol) {
        let gateway = try await TestGateway.withStaff(adjust: adjust)
        var dependencies = gateway.dependencies
        let metrics = GatewayMetrics(registry: PrometheusCollectorRegistry())
        dependencies.metrics = metrics
        return (gateway, metrics, try buildApplication(dependencies, host: "127.0.0.1", port: 0))
    }

    /// The samples of one metric, as `labels → value` (`{route="/healthz",method="GET",status="2xx"}` → 2).
    static func samples(_ name: String, in exposition: String) -> [String: Double] {
        var samples: [String: Double] = [:]
        for line in exposition.split(separator: "\n") where line.hasPrefix(name + "{") || line.hasPrefix(name + " ") {
            let parts = line.split(separator: " ")
            samples[String(parts[0].dropFirst(name.count))] = Double(parts[parts.count - 1])
        }
        return samples
    }

    @Test func theExpositionCountsRequestsByRoutePatternMethodAndStatusClass() async throws {
        let (gateway, metrics, app) = try await Self.gateway { $0.rateLimit.bookingsPerClientPerHour = 1 }
        try await app.test(.router) { client in
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/api/v1/services/pas/slots", method: .get).status == .ok)
            let client1: HTTPFields = [.xForwardedFor: "203.0.113.7"]
            let (token, booked) = try await client.bookPAS(headers: client1)
            #expect(booked.status == .created)
            #expect(try await client.bookPAS(slot: "kk-pas.pas.20261123T1000", headers: client1).response.status == .tooManyRequests)
            #expect(try await client.bookOnPage(CitizenPageTests.pasAnswers + [("slot", "kk-pas.pas.20261123T0900")],
                                                headers: [.xForwardedFor: "203.0.113.8"]).status == .ok)
            #expect(try await client.execute(uri: "/api/v1/bookings/current", method: .get, headers: client.bearer(token)).status == .ok)
            gateway.clock.set(TestGateway.mondayMorning)
            let carl = try await client.signIn("carl")
            let checkIn = try await client.json(.post, "/api/v1/staff/checkins", ["token": token], headers: carl)
            let code = try #require(checkIn.object?["caseCode"] as? String)
            #expect(try await client.execute(uri: "/api/v1/staff/cases/\(code)", method: .get, headers: carl).status == .ok)
            #expect(try await client.execute(uri: "/api/v1/staff/cases/\(code)", method: .get).status == .unauthorized)
            #expect(try await client.execute(uri: "/no/such/page", method: .get).status == .notFound)
        }
        let text = metrics.exposition()
        let requests = Self.samples("anongate_http_requests_total", in: text)
        #expect(requests[#"{route="/healthz",method="GET",status="2xx"}"#] == 2)
        #expect(requests[#"{route="/api/v1/services/{serviceId}/slots",method="GET",status="2xx"}"#] == 1)
        #expect(requests[#"{route="/api/v1/bookings",method="POST",status="2xx"}"#] == 1)
        #expect(requests[#"{route="/api/v1/bookings",method="POST",status="4xx"}"#] == 1)
        #expect(requests[#"{route="/book",method="POST",status="3xx"}"#] == 1)
        #expect(requests[#"{route="/api/v1/staff/cases/{caseCode}",method="GET",status="2xx"}"#] == 1)
        #expect(requests[#"{route="/api/v1/staff/cases/{caseCode}",method="GET",status="4xx"}"#] == 1)
        #expect(requests[#"{route="unmatched",method="GET",status="4xx"}"#] == 1)
        #expect(Self.samples("anongate_bookings_created_total", in: text) == [#"{channel="api"}"#: 1, #"{channel="web"}"#: 1])
        #expect(Self.samples("anongate_rate_limited_total", in: text) == [#"{route="/api/v1/bookings"}"#: 1])
        // A latency histogram per route and method, in seconds, with its buckets.
        let healthz = Self.samples("anongate_http_request_duration_seconds_count", in: text)
        #expect(healthz[#"{route="/healthz",method="GET"}"#] == 2)
        #expect(text.contains(#"anongate_http_request_duration_seconds_bucket{route="/healthz",method="GET",le="0.005"}"#))
        #expect(text.contains(#"anongate_http_request_duration_seconds_bucket{route="/healthz",method="GET",le="+Inf"} 2"#))
    }

    /// Requests carry a reference, a case code, a slot, a message and an address in every place a
    /// client controls — path, query, headers, body, even the method — and none reaches the metrics.
    @Test func noValueFromARequestAppearsInTheMetrics() async throws {
        let (gateway, metrics, app) = try await Self.gateway()
        let message = "Mit navn er Sofie Hansen"
        let address = "198.51.100.23"
        let values = try await app.test(.router) { client -> [String] in
            let headers: HTTPFields = [.xForwardedFor: address, .userAgent: message]
            let (token, booked) = try await client.bookPAS(message: message, headers: headers)
            #expect(booked.status == .created)
            gateway.clock.set(TestGateway.mondayMorning)
            let carl = try await client.signIn("carl")
            let code = try #require(try await client.json(.post, "/api/v1/staff/checkins", ["token": token], headers: carl).object?["caseCode"] as? String)
            let canonical = token.replacingOccurrences(of: "-", with: "")
            for uri in [
                "/api/v1/staff/cases/\(code)", "/api/v1/staff/cases/\(code)/notes", "/staff/cases/\(code)",
                "/api/v1/bookings/\(token)", "/api/v1/bookings/current?token=\(token)", "/booking/\(canonical)",
                "/api/v1/services/\(token)/slots", "/\(message.replacingOccurrences(of: " ", with: "%20"))",
            ] {
                _ = try await client.execute(uri: uri, method: .get, headers: carl)
                _ = try await client.execute(uri: uri, method: .get, headers: headers)
            }
            _ = try await client.execute(uri: "/api/v1/bookings/current", method: .get, headers: client.bearer(token))
            _ = try await client.execute(uri: "/api/v1/bookings/current", method: HTTPRequest.Method(canonical)!, headers: headers)
            _ = try await client.json(.post, "/api/v1/staff/cases/\(code)/notes", ["text": message], headers: carl)
            return [message, address, token, canonical, code, code.replacingOccurrences(of: "-", with: ""), "kk-pas.pas.20261123T0900", "20261123T0900"]
        }
        let text = metrics.exposition()
        #expect(text.contains("anongate_http_requests_total"))
        for value in values {
            #expect(!text.localizedCaseInsensitiveContains(value), "the metrics show \(value)")
        }
        // Only registered patterns, `unmatched`, fixed methods and status classes are label values.
        let patterns = try buildRouterPatterns(gateway)
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            for (name, value) in Self.labels(of: String(line)) {
                switch name {
                case "route": #expect(value == "unmatched" || patterns.contains(value), "route label \(value)")
                case "method": #expect(["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "other"].contains(value))
                case "status": #expect(["1xx", "2xx", "3xx", "4xx", "5xx", "other"].contains(value))
                case "channel": #expect(["api", "web"].contains(value))
                case "le": #expect(Double(value) != nil || value == "+Inf")
                default: Issue.record("unexpected label \(name)")
                }
            }
        }
        #expect(text.contains(#"method="other""#))
    }

    /// The `/metrics` listener is 127.0.0.1 whatever host the gateway listens on.
    @Test func theMetricsListenerIsAlwaysLoopback() throws {
        let gateway = try TestGateway()
        for host in ["0.0.0.0", "::", "192.0.2.10", "127.0.0.1"] {
            let app = try buildApplication(gateway.dependencies, host: host, port: 8080, metricsPort: 9464)
            let listeners = app.services.compactMap { $0 as? any ApplicationProtocol }
            #expect(listeners.count == 1)
            #expect(listeners.first?.configuration.address == .hostname("127.0.0.1", port: 9464), "with --host \(host)")
        }
        let plain = try buildApplication(gateway.dependencies, host: "127.0.0.1", port: 8080)
        #expect(plain.services.compactMap { $0 as? any ApplicationProtocol }.isEmpty, "metrics are off unless a port is given")
        #expect(metricsServerConfiguration(port: 9100).address == .hostname("127.0.0.1", port: 9100))
    }

    /// The metrics server answers `/metrics` in the text format, and nothing else.
    @Test func theMetricsServerServesTheTextExposition() async throws {
        let metrics = GatewayMetrics(registry: PrometheusCollectorRegistry())
        metrics.record(method: .get, route: "/healthz", status: .ok, elapsed: .milliseconds(3))
        let app = buildMetricsApplication(metrics, port: 0, logger: LogCapture().logger(label: "metrics"))
        try await app.test(.live) { client in
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            #expect(String(buffer: response.body).contains(#"anongate_http_requests_total{route="/healthz",method="GET",status="2xx"} 1"#))
            #expect(try await client.execute(uri: "/", method: .get).status == .notFound)
        }
    }

    static func labels(of line: String) -> [(String, String)] {
        guard let open = line.firstIndex(of: "{"), let close = line.lastIndex(of: "}") else { return [] }
        return line[line.index(after: open)..<close].split(separator: ",").compactMap { pair -> (String, String)? in
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { return nil }
            return (parts[0], parts[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")))
        }
    }

    func buildRouterPatterns(_ gateway: TestGateway) throws -> Set<String> {
        Set(["/healthz", "/readyz", "/static/site.css"] + CitizenPages.routes.map(\.0) + CitizenAPIController.routes.map { "/api/v1/" + $0.0 }
            + StaffAPIController.routes.map(\.0) + StaffPages.routes.map(\.0))
            .reduce(into: Set<String>()) { set, path in
                set.insert("/" + path.split(separator: "/").map { $0.first == ":" ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/"))
            }
    }
}
