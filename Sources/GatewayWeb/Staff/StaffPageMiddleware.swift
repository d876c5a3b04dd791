import Foundation
import GatewayCore
import GatewayServices
import GatewayStore
import HTTPTypes
import Hummingbird
import Mustache

/// Staff pages without a session: a page view goes to sign-in, a form post gets the error page.
struct StaffPageGate: RouterMiddleware {
    typealias Context = GatewayRequestContext
    let sessions: StaffSessions
    let pages: StaffPages

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let token = StaffSessionMiddleware.token(request, .cookie, overTLS: pages.network.overTLS(request, peerAddress: context.peerAddress)) {
            do { context.staffSession = try await sessions.session(token: token) } catch { return pages.errorPage(error.problem, session: nil, back: "/staff") }
        }
        guard context.staffSession != nil else {
            return request.method == .get ? StaffPages.redirect("/staff") : pages.errorPage(.signInRequired, session: nil, back: "/staff")
        }
        return try await next(request, context)
    }
}

/// A refusal on a staff page is shown on the staff error page, in Danish, with the navigation.
struct StaffPageProblems: RouterMiddleware {
    typealias Context = StaffRequestContext
    let pages: StaffPages

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as GatewayProblem {
            return pages.errorPage(problem, session: context.session, back: "/staff/schedule")
        }
    }
}

/// Every staff form post carries the session's CSRF token; a foreign `Origin` is refused as well.
/// The body is collected once here and handed on, so the handler reads the same bytes.
struct CSRFMiddleware: RouterMiddleware {
    typealias Context = StaffRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .post else { return try await next(request, context) }
        // Referrer-Policy: no-referrer makes browsers send `Origin: null` on our own forms; the CSRF
        // token is the defence, the Origin check only refuses a named foreign origin.
        if let origin = request.headers[.origin], origin != "null", let host = request.head.authority, !origin.hasSuffix("://\(host)") {
            throw GatewayProblem.csrf
        }
        var request = request
        let form = try await FormBody.read(&request)
        guard let sent = form["csrf"], Self.constantTimeEqual(sent, context.session.csrfToken) else { throw GatewayProblem.csrf }
        return try await next(request, context)
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

extension Optional where Wrapped == String {
    /// Unanswered radios and empty selects arrive as "" from a form: treat them as absent.
    var nonEmpty: String? { self?.isEmpty == false ? self : nil }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
