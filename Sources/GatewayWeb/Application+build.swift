import Foundation
import GatewayCore
import GatewayCrypto
import GatewayServices
import GatewayStore
import Hummingbird
import Logging

/// Everything the gateway needs from the world, passed in so tests are deterministic.
public struct GatewayDependencies: Sendable {
    public var configuration: GatewayConfiguration
    public var clock: any GatewayClock
    public var random: any RandomSource
    public var anonymousStore: AnonymousStore
    public var identifiedStore: IdentifiedStore
    public var tokenHasher: TokenHasher
    /// Names staff in the anonymous store's access log without naming the account.
    public var staffPseudonymizer: StaffPseudonymizer
    public var passwordHasher: PasswordHasher
    public var logger: Logger

    public init(
        configuration: GatewayConfiguration, clock: any GatewayClock, random: any RandomSource,
        anonymousStore: AnonymousStore, identifiedStore: IdentifiedStore, tokenHasher: TokenHasher,
        staffPseudonymizer: StaffPseudonymizer, passwordHasher: PasswordHasher = PasswordHasher(), logger: Logger
    ) {
        self.configuration = configuration; self.clock = clock; self.random = random
        self.anonymousStore = anonymousStore; self.identifiedStore = identifiedStore
        self.tokenHasher = tokenHasher; self.staffPseudonymizer = staffPseudonymizer
        self.passwordHasher = passwordHasher; self.logger = logger
    }
}

/// The one composition root: services, routes, middleware and controllers.
public func buildRouter(_ dependencies: GatewayDependencies) throws -> Router<GatewayRequestContext> {
    let bookings = BookingService(
        configuration: dependencies.configuration, clock: dependencies.clock, random: dependencies.random,
        store: dependencies.anonymousStore, tokenHasher: dependencies.tokenHasher)
    let cases = CaseService(booking: bookings, store: dependencies.anonymousStore, identified: dependencies.identifiedStore)
    let sessions = StaffSessions(
        store: dependencies.identifiedStore, passwords: dependencies.passwordHasher, clock: dependencies.clock,
        random: dependencies.random, pseudonymizer: dependencies.staffPseudonymizer)
    let limiter = BookingRateLimiter(policy: dependencies.configuration.rateLimit, clock: dependencies.clock, random: dependencies.random)
    let trustForwarded = dependencies.configuration.rateLimit.trustForwardedFor
    let clientAddress: @Sendable (Request, GatewayRequestContext) -> String = { request, context in
        if trustForwarded, let forwarded = request.headers[.init("X-Forwarded-For")!]?.split(separator: ",").first {
            return forwarded.trimmingCharacters(in: .whitespaces)
        }
        return context.peerAddress ?? "unknown"
    }
    let renderer = try PageRenderer()

    let routes = RouteTable(
        [("/healthz", .get), ("/static/site.css", .get)]
        + CitizenPages.routes
        + CitizenAPIController.routes.map { ("/api/v1/" + $0.0, $0.1) }
        + StaffAPIController.routes.map { ("/api/v1/staff/" + $0.0, $0.1) }
        + StaffPages.routes)

    let router = Router(context: GatewayRequestContext.self)
    router.add(middleware: PrivacyPreservingLogMiddleware())
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: ProblemMiddleware(referrals: dependencies.configuration.referrals, routes: routes, texts: renderer.texts) { problem, request in
        renderer.errorPage(problem, PageRenderer.language(query: request))
    })

    router.get("/healthz") { _, _ in "ok\n" }
    router.get("/static/site.css") { _, _ -> Response in
        var headers = HTTPFields()
        headers[.contentType] = "text/css; charset=utf-8"
        headers[.cacheControl] = "public, max-age=3600"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: renderer.stylesheet)))
    }
    CitizenPages(desk: PageBookings(service: bookings), rateLimiter: limiter, clientAddress: clientAddress, renderer: renderer)
        .addRoutes(to: router)
    try CitizenAPIController(bookings: bookings, rateLimiter: limiter, clientAddress: clientAddress)
        .addRoutes(to: router.group("api/v1"))
    StaffAPIController(cases: cases, sessions: sessions, staffTexts: StaffTexts(texts: renderer.texts)).addRoutes(to: router.group("api/v1/staff"))
    StaffPages(cases: cases, sessions: sessions, renderer: renderer, trustForwarded: trustForwarded).addRoutes(to: router)
    return router
}

public func buildApplication(_ dependencies: GatewayDependencies, host: String, port: Int) throws -> some ApplicationProtocol {
    Application(
        router: try buildRouter(dependencies),
        configuration: .init(address: .hostname(host, port: port), serverName: nil),
        logger: dependencies.logger)
}
