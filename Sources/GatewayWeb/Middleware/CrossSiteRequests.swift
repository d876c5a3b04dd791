import GatewayCore
import HTTPTypes
import Hummingbird

/// Refuses a state-changing request that another website made a visitor's browser send: with
/// `Sec-Fetch-Site: cross-site`, or with an `Origin` naming another host. Without it, any page on
/// the web could make its visitors book (and so use up places) through us.
///
/// `Origin: null` is accepted: browsers send it for our own forms under `Referrer-Policy:
/// no-referrer`. Requests without these headers (server-side API clients) are not browsers'.
struct CrossSiteRequestMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext
    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
    static let forwardedHost = HTTPField.Name("X-Forwarded-Host")!

    let network: ClientNetwork

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard ![.get, .head, .options].contains(request.method) else { return try await next(request, context) }
        if request.headers[Self.secFetchSite]?.lowercased() == "cross-site" { throw GatewayProblem.crossSite }
        if let origin = request.headers[.origin], origin != "null" {
            // Our own hosts: the Host header, and a trusted proxy's X-Forwarded-Host.
            var hosts = [request.head.authority].compactMap { $0?.lowercased() }
            if network.fromTrustedProxy(context.peerAddress), let forwarded = request.headers[Self.forwardedHost] {
                hosts.append(forwarded.lowercased())
            }
            guard let host = Self.host(ofOrigin: origin), hosts.contains(host) else { throw GatewayProblem.crossSite }
        }
        return try await next(request, context)
    }

    /// `https://booking.example:8443` → `booking.example:8443`; nil for anything that is not an origin.
    static func host(ofOrigin origin: String) -> String? {
        let lowered = origin.lowercased()
        for scheme in ["https://", "http://"] where lowered.hasPrefix(scheme) {
            let host = lowered.dropFirst(scheme.count)
            guard !host.isEmpty, !host.contains("/") else { return nil }
            return String(host)
        }
        return nil
    }
}

/// The citizen API's POSTs take JSON only: a form or text body (what a cross-site `<form>` can
/// send without a CORS preflight) is refused with 415 before it is read.
struct RequireJSONBodyMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.method == .post {
            let type = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
            guard type == "application/json" else { throw GatewayProblem.unsupportedMediaType }
        }
        return try await next(request, context)
    }
}
