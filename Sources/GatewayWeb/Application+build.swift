import Foundation
import GatewayCore
import GatewayCrypto
import GatewayServices
import GatewayStore
import Hummingbird
import HummingbirdTLS
import Logging
import ServiceLifecycle

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
    /// The monthly backup keys, which the daily purge destroys when their months expire; nil in tests without key files.
    public var backupKeys: BackupKeyring?
    /// Takes up key versions `keys rotate` introduced; run by the maintenance tick. Nil in tests.
    public var refreshKeys: (@Sendable () async throws -> Void)?
    /// Aggregate request metrics (`serve --metrics-port`); nil counts nothing.
    public var metrics: GatewayMetrics?
    /// Every connection arrives over the gateway's own TLS listener (`serve --tls-cert`): HSTS and the `__Host-` cookie.
    public var nativeTLS: Bool

    public init(
        configuration: GatewayConfiguration, clock: any GatewayClock, random: any RandomSource,
        anonymousStore: AnonymousStore, identifiedStore: IdentifiedStore, tokenHasher: TokenHasher,
        staffPseudonymizer: StaffPseudonymizer, passwordHasher: PasswordHasher = PasswordHasher(), logger: Logger,
        backupKeys: BackupKeyring? = nil, refreshKeys: (@Sendable () async throws -> Void)? = nil, metrics: GatewayMetrics? = nil,
        nativeTLS: Bool = false
    ) {
        self.configuration = configuration; self.clock = clock; self.random = random
        self.anonymousStore = anonymousStore; self.identifiedStore = identifiedStore
        self.tokenHasher = tokenHasher; self.staffPseudonymizer = staffPseudonymizer
        self.passwordHasher = passwordHasher; self.logger = logger; self.backupKeys = backupKeys
        self.refreshKeys = refreshKeys; self.metrics = metrics; self.nativeTLS = nativeTLS
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
    let network = ClientNetwork(
        trustedProxies: dependencies.configuration.rateLimit.trustedProxies, nativeTLS: dependencies.nativeTLS, logger: dependencies.logger)
    let renderer = try PageRenderer(accessibilityStatement: dependencies.configuration.accessibilityStatement)

    let routes = RouteTable(
        [("/healthz", .get), ("/readyz", .get), ("/static/site.css", .get)]
        + CitizenPages.routes
        + CitizenAPIController.routes.map { ("/api/v1/" + $0.0, $0.1) }
        + StaffAPIController.routes
        + StaffPages.routes)

    let router = Router(context: GatewayRequestContext.self)
    if let metrics = dependencies.metrics {
        router.add(middleware: MetricsMiddleware(metrics: metrics, patterns: routes.patterns))
    }
    router.add(middleware: PrivacyPreservingLogMiddleware())
    router.add(middleware: SecurityHeadersMiddleware(network: network))
    router.add(middleware: ProblemMiddleware(referrals: dependencies.configuration.referrals, routes: routes, texts: renderer.texts) { problem, request in
        renderer.errorPage(problem, problem.language ?? PageRenderer.language(query: request))
    })
    router.add(middleware: CrossSiteRequestMiddleware(network: network))

    // Liveness: the process answers. Readiness: both stores answer a read (the server listens only
    // after migrations and key checks, so a migrating gateway is not ready either: it does not answer).
    router.get("/healthz") { _, _ in "ok\n" }
    let anonymousStore = dependencies.anonymousStore, identifiedStore = dependencies.identifiedStore
    router.get("/readyz") { _, _ -> Response in
        let ready = await anonymousStore.isReady()
        let identifiedReady = await identifiedStore.isReady()
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        guard ready && identifiedReady else {
            headers[.retryAfter] = "30"
            return Response(status: .serviceUnavailable, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "not ready\n")))
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "ready\n")))
    }
    router.get("/static/site.css") { _, _ -> Response in
        var headers = HTTPFields()
        headers[.contentType] = "text/css; charset=utf-8"
        headers[.cacheControl] = "public, max-age=3600"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: renderer.stylesheet)))
    }
    let complaints = ComplaintService(booking: bookings, store: dependencies.anonymousStore)
    CitizenPages(desk: PageBookings(service: bookings), complaints: complaints, network: network, renderer: renderer)
        .addRoutes(to: router)
    try CitizenAPIController(bookings: bookings, complaints: complaints, network: network, letters: StaffTexts(texts: renderer.texts))
        .addRoutes(to: router.group("api/v1"))
    let statistics = StatisticsService(store: dependencies.anonymousStore, configuration: dependencies.configuration)
    let staffAPI = StaffAPIController(cases: cases, complaints: complaints, sessions: sessions, staffTexts: StaffTexts(texts: renderer.texts), network: network)
    staffAPI.addRoutes(to: router.group("api/v1/staff"))
    staffAPI.addStatisticsRoutes(to: router.group("api/v1"), statistics: statistics)
    StaffPages(cases: cases, sessions: sessions, renderer: renderer, network: network,
               formTokens: FormTokenSigner(random: dependencies.random), statistics: statistics,
               complaints: complaints).addRoutes(to: router)
    return router
}

/// The gateway's server: plain HTTP, or TLS with `tls` (NativeTLS); with `metricsPort`, a second
/// listener on 127.0.0.1 serves `/metrics` and stops with the same graceful shutdown.
public func buildApplication(
    _ dependencies: GatewayDependencies, host: String, port: Int, tls: TLSConfiguration? = nil, metricsPort: Int? = nil
) throws -> some ApplicationProtocol {
    var dependencies = dependencies
    dependencies.nativeTLS = dependencies.nativeTLS || tls != nil
    if metricsPort != nil, dependencies.metrics == nil { dependencies.metrics = GatewayMetrics() }
    let configuration = dependencies.configuration
    if configuration.rateLimit.trustedProxies.isEmpty {
        dependencies.logger.notice("""
            rateLimit.trustedProxies is empty: X-Forwarded-For is ignored and each connecting address counts as one client.             Behind a reverse proxy, list its address there, or every citizen shares one rate-limit bucket (README, Deployment).
            """)
    }
    let maintenance = StoreMaintenance(
        anonymous: dependencies.anonymousStore, identified: dependencies.identifiedStore,
        interval: .seconds(configuration.storage.walCheckpointSeconds), logger: dependencies.logger,
        retention: DataRetention(
            store: dependencies.anonymousStore, configuration: configuration, clock: dependencies.clock, backupKeys: dependencies.backupKeys),
        refreshKeys: dependencies.refreshKeys)
    var services: [any Service] = [maintenance, MemoryTrimming()]
    if let metricsPort, let metrics = dependencies.metrics {
        services.append(buildMetricsApplication(metrics, port: metricsPort, logger: dependencies.logger))
    }
    return Application(
        router: try buildRouter(dependencies),
        server: try tls.map { try .tls(.http1(), tlsConfiguration: $0) } ?? .http1(),
        configuration: .init(address: .hostname(host, port: port), serverName: nil),
        services: services,
        logger: dependencies.logger)
}
