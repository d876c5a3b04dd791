import Foundation
import GatewayCore
import HTTPTypes
import Hummingbird
import Logging

/// Security headers on every response, citizen page, API answer and error alike.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
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
/// Unknown errors are logged by type only (never by message, which might quote input).
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    let referrals: [ReferralID: Referral]
    let renderPage: @Sendable (GatewayProblem, Request) -> Response

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as GatewayProblem {
            return respond(problem, request)
        } catch let error as HTTPError {
            return respond(Self.problem(for: error.status), request)
        } catch let error as any HTTPResponseError {
            return respond(Self.problem(for: error.status), request)
        } catch {
            context.logger.error("unhandled error", metadata: ["error.type": "\(type(of: error))"])
            return respond(.internalFailure, request)
        }
    }

    func respond(_ problem: GatewayProblem, _ request: Request) -> Response {
        request.uri.path.hasPrefix("/api/") ? ProblemJSON.response(problem, referrals: referrals) : renderPage(problem, request)
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
                return GatewayProblem(status, "client-error", title: status.reasonPhrase,
                                      da: "Forespørgslen kunne ikke behandles.", en: "The request could not be processed.")
            }
            return .internalFailure
        }
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

/// RFC 9457 problem details.
enum ProblemJSON {
    static func response(_ problem: GatewayProblem, referrals known: [ReferralID: Referral]) -> Response {
        var object: [String: Any] = [
            "type": problem.type,
            "title": problem.title,
            "status": Int(problem.status.code),
            "detail": problem.detail.en,
            "detailDa": problem.detail.da,
        ]
        if let field = problem.field { object["field"] = field }
        if !problem.referrals.isEmpty {
            object["referrals"] = problem.referrals.map { id in known[id].map(JSONShapes.referral) ?? ["id": id.rawValue] }
        }
        return jsonResponse(status: problem.status, object: object, contentType: "application/problem+json", retryAfter: problem.retryAfterSeconds)
    }

    static func jsonResponse(status: HTTPResponse.Status, object: Any, contentType: String = "application/json", retryAfter: Int? = nil) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return dataResponse(status: status, data: data, contentType: contentType, retryAfter: retryAfter)
    }

    /// For large answers (slot listings): typed encoding avoids JSONSerialization's bridging and
    /// locale-aware key sorting, which took three quarters of the listing's time (perf, scripts/bench.sh).
    static func jsonResponse(status: HTTPResponse.Status, encodable: some Encodable) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let data = (try? encoder.encode(encodable)) ?? Data("{}".utf8)
        return dataResponse(status: status, data: data, contentType: "application/json", retryAfter: nil)
    }

    private static func dataResponse(status: HTTPResponse.Status, data: Data, contentType: String, retryAfter: Int?) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
