import Foundation
import GatewayCore
import HTTPTypes
import Hummingbird
import Logging

/// Security headers on every response, citizen page, API answer and error alike.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext
    let network: ClientNetwork

    static var contentSecurityPolicy: String {
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.contentSecurityPolicy] = Self.contentSecurityPolicy
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Cross-Origin-Opener-Policy")!] = "same-origin"
        response.headers[HTTPField.Name("Cross-Origin-Resource-Policy")!] = "same-origin"
        response.headers[HTTPField.Name("Permissions-Policy")!] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        // Over TLS (directly, or as a trusted proxy says), browsers must never fall back to plain HTTP.
        if network.overTLS(request, peerAddress: context.peerAddress) {
            response.headers[HTTPField.Name("Strict-Transport-Security")!] = "max-age=31536000; includeSubDomains"
        }
        // Nothing a citizen sees is worth caching on a shared device; pages with a token must never be.
        if response.headers[.cacheControl] == nil {
            response.headers[.cacheControl] = "no-store"
        }
        // Citizen pages and the API never set cookies; only the staff pages have a session cookie.
        if !request.uri.path.hasPrefix("/staff") {
            response.headers[.setCookie] = nil
        }
        return response
    }
}

/// Turns every error into a clear answer: problem details on the API, an error page elsewhere.
/// A path that exists under other methods answers 405 with `Allow`. Unknown errors are logged by
/// type only (never by message, which might quote input).
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    let referrals: [ReferralID: Referral]
    let routes: RouteTable
    let texts: TextCatalog
    let renderPage: @Sendable (GatewayProblem, Request) -> Response

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as GatewayProblem {
            return respond(problem, request)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = routes.methods(forPath: request.uri.path)
            guard !allowed.isEmpty else { return respond(.notFound, request) }
            var response = respond(.methodNotAllowed, request)
            response.headers[.allow] = allowed.joined(separator: ", ")
            return response
        } catch let error as any HTTPResponseError {
            return respond(Self.problem(for: error.status), request)
        } catch {
            context.logger.error("unhandled error", metadata: ["error.type": "\(type(of: error))"])
            return respond(.internalFailure, request)
        }
    }

    func respond(_ problem: GatewayProblem, _ request: Request) -> Response {
        var response = request.uri.path.hasPrefix("/api/") ? JSONResponse.problem(problem, referrals: referrals, texts: texts) : renderPage(problem, request)
        if let retry = problem.retryAfterSeconds { response.headers[.retryAfter] = String(retry) }
        return response
    }

    static func problem(for status: HTTPResponse.Status) -> GatewayProblem {
        switch status {
        case .contentTooLarge: return .bodyTooLarge
        case .notFound: return .notFound
        case .methodNotAllowed: return .methodNotAllowed
        case .unsupportedMediaType: return .unsupportedMediaType
        case .badRequest: return .malformedJSON
        default:
            if status.kind == .clientError {
                return .clientError(status)
            }
            return .internalFailure
        }
    }
}

/// Every route the router has, by path template, so a known path asked with another method can
/// answer 405 with `Allow` (Hummingbird's router answers 404 for both).
final class RouteTable: Sendable {
    private let routes: [(segments: [Substring], methods: [String])]

    init(_ routes: [(path: String, method: HTTPRequest.Method)]) {
        var byPath: [String: [String]] = [:]
        var order: [String] = []
        for route in routes {
            let path = "/" + route.path.split(separator: "/").joined(separator: "/")
            if byPath[path] == nil { order.append(path) }
            byPath[path, default: []].append(route.method.rawValue)
        }
        self.routes = order.map { (Array($0.split(separator: "/")), byPath[$0]!) }
    }

    /// Every registered path, split into segments (`:name` for a parameter).
    var templates: [[Substring]] { routes.map(\.segments) }

    /// The methods a path answers, in registration order; empty for an unknown path.
    func methods(forPath path: String) -> [String] {
        let segments = path.split(separator: "/")
        for route in routes where route.segments.count == segments.count {
            if zip(route.segments, segments).allSatisfy({ $0.first == ":" || $0 == $1 }) { return route.methods }
        }
        return []
    }
}

/// One line per request: method, route template, status, duration. Never the query, a header,
/// a body or the client address.
struct PrivacyPreservingLogMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        context.logger.info("request", metadata: [
            "http.method": "\(request.method.rawValue)",
            "http.route": "\(context.endpointPath ?? "unmatched")",
            "http.status": "\(response.status.code)",
            "duration.ms": "\(Int(milliseconds.rounded()))",
        ])
        return response
    }
}
