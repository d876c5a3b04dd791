import GatewayCore
import GatewayServices
import GatewayStore
import HTTPTypes
import Hummingbird

/// Finds the staff session behind a request — the `Authorization: Bearer` header on the API, the
/// session cookie on the pages — and puts it into the context. Leaves the context empty when there
/// is none; the `StaffRequestContext` of the routes behind it then refuses the request.
struct StaffSessionMiddleware: RouterMiddleware {
    typealias Context = GatewayRequestContext
    enum Credential: Sendable { case bearer, cookie }

    let sessions: StaffSessions
    let credential: Credential
    let network: ClientNetwork

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let token = Self.token(request, credential, overTLS: network.overTLS(request, peerAddress: context.peerAddress)) {
            do { context.staffSession = try await sessions.session(token: token) } catch { throw error.problem }
        }
        return try await next(request, context)
    }

    /// Over TLS only the `__Host-` cookie counts: a plain-named one could have been planted by a sibling subdomain.
    static func token(_ request: Request, _ credential: Credential, overTLS: Bool) -> String? {
        switch credential {
        case .bearer: return request.headers.bearerCredential
        case .cookie: return request.cookies[overTLS ? StaffPages.secureCookieName : StaffPages.cookieName]?.value
        }
    }
}

/// Refuses a route to a role that lacks the permission (`StaffRole.permissions`, the one table).
struct RequirePermission: RouterMiddleware {
    typealias Context = StaffRequestContext
    let permission: StaffPermission

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard context.staff.may(permission) else { throw GatewayProblem.forbidden }
        return try await next(request, context)
    }
}

extension HTTPFields {
    /// The credential of an `Authorization: Bearer <credential>` header (scheme case-insensitive).
    var bearerCredential: String? {
        guard let header = self[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1])
    }
}

/// Who may use a staff route: anyone (sign-in), any signed-in member, or a role with a permission.
enum StaffRouteAccess: Sendable, Equatable {
    case everyone
    case signedIn
    case permission(StaffPermission)

    func allows(_ role: StaffRole?) -> Bool {
        switch self {
        case .everyone: true
        case .signedIn: role != nil
        case .permission(let permission): role?.permissions.contains(permission) == true
        }
    }
}
