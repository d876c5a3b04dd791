import CoreMetrics
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Prometheus

/// Aggregate metrics for Prometheus (`serve --metrics-port`). Every label value comes from a fixed
/// set — route pattern, method, status class, channel — so no URI, token, case code, slot, address
/// or typed text can reach a series (SECURITY.md, "Metrics").
public struct GatewayMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    /// Explicit, so tests use their own registry and never the process-wide `MetricsSystem`.
    public let factory: PrometheusMetricsFactory

    static let requests = "anongate_http_requests_total"
    static let duration = "anongate_http_request_duration_seconds"
    static let bookings = "anongate_bookings_created_total"
    static let rateLimited = "anongate_rate_limited_total"

    /// From 1 ms (health, cached slot lists) to 10 s (a queued sign-in waits for scrypt).
    static let durationBuckets: [Duration] = [
        .milliseconds(1), .microseconds(2500), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[Self.duration] = Self.durationBuckets
        self.registry = registry
        self.factory = factory
    }

    /// The text exposition format, as `/metrics` serves it.
    public func exposition() -> String { registry.emitToString() }

    /// One answered request. `route` must already be a registered pattern or `unmatched`.
    func record(method: HTTPRequest.Method, route: String, status: HTTPResponse.Status, elapsed: Duration) {
        let method = Self.methodLabel(method)
        Counter(label: Self.requests, dimensions: [("route", route), ("method", method), ("status", Self.statusClass(status))], factory: factory)
            .increment()
        Timer(label: Self.duration, dimensions: [("route", route), ("method", method)], factory: factory)
            .recordNanoseconds(elapsed.nanoseconds)
        if status == .tooManyRequests {
            Counter(label: Self.rateLimited, dimensions: [("route", route)], factory: factory).increment()
        }
        if let channel = Self.bookingChannel(method: method, route: route, status: status) {
            Counter(label: Self.bookings, dimensions: [("channel", channel)], factory: factory).increment()
        }
    }

    /// A client may send any method token; anything unusual is counted as `other`.
    static func methodLabel(_ method: HTTPRequest.Method) -> String {
        switch method {
        case .get, .head, .post, .put, .delete, .patch, .options: method.rawValue
        default: "other"
        }
    }

    static func statusClass(_ status: HTTPResponse.Status) -> String {
        (100...599).contains(status.code) ? "\(status.code / 100)xx" : "other"
    }

    /// A citizen's booking succeeded: the API answers 201, the form redirects to the receipt (303,
    /// which `POST /book` answers only after storing the booking). Staff bookings are not counted.
    static func bookingChannel(method: String, route: String, status: HTTPResponse.Status) -> String? {
        switch (method, route, status.code) {
        case ("POST", "/api/v1/bookings", 201): "api"
        case ("POST", "/book", 303): "web"
        default: nil
        }
    }
}

extension Duration {
    fileprivate var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// Counts and times every request by route pattern. The route is Hummingbird's matched pattern
/// (`/api/v1/staff/cases/{caseCode}`), accepted only if it is one the router registered — never
/// the URI — and `unmatched` otherwise.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: GatewayMetrics
    let patterns: Set<String>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            metrics.record(method: request.method, route: route(context), status: response.status, elapsed: .now - started)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            metrics.record(method: request.method, route: route(context), status: status, elapsed: .now - started)
            throw error
        }
    }

    func route(_ context: Context) -> String {
        guard let path = context.endpointPath, patterns.contains(path) else { return "unmatched" }
        return path
    }
}

extension RouteTable {
    /// The registered paths as Hummingbird names matched routes: `:caseCode` reads `{caseCode}`.
    var patterns: Set<String> {
        Set(templates.map { segments in
            "/" + segments.map { $0.first == ":" ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
        })
    }
}

/// The listener for `/metrics`: always 127.0.0.1, whatever `--host` says, so only a scraper on
/// this machine (or one it tunnels for) can read it.
public func metricsServerConfiguration(port: Int) -> ApplicationConfiguration {
    ApplicationConfiguration(address: .hostname("127.0.0.1", port: port), serverName: nil)
}

/// A second, plain-HTTP server that answers only `GET /metrics`; run as a service of the gateway's
/// application so the same graceful shutdown stops it.
func buildMetricsApplication(_ metrics: GatewayMetrics, port: Int, logger: Logger) -> some ApplicationProtocol {
    let router = Router()
    router.get("/metrics") { _, _ -> Response in
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: metrics.exposition())))
    }
    var logger = logger
    logger[metadataKey: "listener"] = "metrics"
    return Application(router: router, configuration: metricsServerConfiguration(port: port), logger: logger)
}
