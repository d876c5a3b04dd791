import Foundation
import GatewayCore
import GatewayCrypto
import GatewayStore
import GatewayTestSupport
import GatewayWeb
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// The gateway as the tests see it: real configuration, fixed clock, seeded randomness,
/// captured logs, in-memory stores unless a data folder is given.
struct TestGateway {
    /// Sunday 22 November 2026, 12:00 in Copenhagen: the first slots are on Monday.
    static let sundayNoon = TestFixtures.instant(2026, 11, 22, 12)

    let clock: TestClock
    let random: SeededRandom
    let logs = LogCapture()
    let dependencies: GatewayDependencies

    init(
        now: Date = TestGateway.sundayNoon, seed: UInt64 = 1, dataDirectory: String? = nil,
        adjust: (inout GatewayConfiguration) -> Void = { $0.rateLimit = RateLimitPolicy(bookingsPerClientPerHour: 1000, bookingsPerClientPerDay: 1000, liveBookingsPerClientPerService: 1000, trustedProxies: TestGateway.everyAddressAProxy) }
    ) throws {
        clock = TestClock(now)
        random = SeededRandom(seed: seed)
        var configuration = try TestFixtures.configuration()
        adjust(&configuration)
        let anonymousKey = KeyMaterial.random(random), identifiedKey = KeyMaterial.random(random), pepper = KeyMaterial.random(random)
        let anonymous: AnonymousStore, identified: IdentifiedStore
        if let dataDirectory {
            anonymous = try AnonymousStore.open(path: dataDirectory + "/anonymous.sqlite", storeKey: anonymousKey, tokenPepper: pepper, random: random)
            identified = try IdentifiedStore.open(path: dataDirectory + "/identified.sqlite", storeKey: identifiedKey)
        } else {
            anonymous = try AnonymousStore.inMemory(storeKey: anonymousKey, tokenPepper: pepper, random: random)
            identified = try IdentifiedStore.inMemory(storeKey: identifiedKey)
        }
        dependencies = GatewayDependencies(
            configuration: configuration, clock: clock, random: random, anonymousStore: anonymous, identifiedStore: identified,
            tokenHasher: TokenHasher(pepper: pepper), staffPseudonymizer: StaffPseudonymizer(storeKey: anonymousKey),
            // Cheap scrypt parameters keep the tests fast; production uses the defaults.
            passwordHasher: PasswordHasher(logRounds: 10, blockSize: 8, parallelism: 1), logger: logs.logger(label: "anongate"))
    }

    var app: some ApplicationProtocol { get throws { try buildApplication(dependencies, host: "127.0.0.1", port: 0) } }

    /// Runs the router test; every `/api/` answer it sees is checked against docs/openapi.yaml.
    func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await app.test(.router) { client in try await body(ContractCheckingClient(inner: client)) }
    }

    /// Over a real loopback connection: the peer address is 127.0.0.1, as behind a local proxy.
    func testLive(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await app.test(.live) { client in try await body(ContractCheckingClient(inner: client)) }
    }
}

extension TestClientProtocol {
    func json(_ method: HTTPRequest.Method, _ uri: String, _ object: Any? = nil, headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        var body: ByteBuffer?
        if let object {
            headers[.contentType] = "application/json"
            body = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: object))
        }
        return try await execute(uri: uri, method: method, headers: headers, body: body)
    }

    func form(_ uri: String, _ fields: [(String, String)], headers: HTTPFields = [:]) async throws -> TestResponse {
        var headers = headers
        headers[.contentType] = "application/x-www-form-urlencoded"
        let encoded = fields.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: encoded))
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed)!
    }

    func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    /// Books the first free PAS slot on Monday through the API and returns the token and slot id.
    func bookPAS(slot: String = "kk-pas.pas.20261123T0900", message: String? = nil, headers: HTTPFields = [:]) async throws -> (token: String, response: TestResponse) {
        var body: [String: Any] = [
            "serviceId": "pas", "slotId": slot, "ageBand": "25-plus", "substances": ["cocaine"], "receivesOtherSocialSupport": false,
        ]
        if let message { body["message"] = message }
        let response = try await json(.post, "/api/v1/bookings", body, headers: headers)
        let token = (response.object?["token"] as? String) ?? ""
        return (token, response)
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
    var object: [String: Any]? {
        guard let value = try? JSONSerialization.jsonObject(with: Data(buffer: body)) else { return nil }
        return value as? [String: Any]
    }
    var problemDetail: String { object?["detail"] as? String ?? "" }
}

extension HTTPField.Name {
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}

extension TestGateway {
    /// In-process requests have no peer address: trusting every address as a proxy makes the test's
    /// own `X-Forwarded-For` the client, so tests can speak as many clients.
    static let everyAddressAProxy = [IPNetwork("0.0.0.0/0")!, IPNetwork("::/0")!]
}

/// A test client that checks every JSON API answer against the OpenAPI document: status listed for
/// the operation, media type, and body schema. A violation fails the test that made the request.
struct ContractCheckingClient: TestClientProtocol {
    let inner: any TestClientProtocol
    var port: Int? { inner.port }

    func executeRequest(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?) async throws -> TestResponse {
        let response = try await inner.executeRequest(uri: uri, method: method, headers: headers, body: body)
        if uri.hasPrefix("/api/") {
            let violations = OpenAPIContract.shared.check(
                method: method.rawValue, path: uri, status: Int(response.status.code), contentType: response.headers[.contentType],
                body: Data(buffer: response.body))
            #expect(violations.isEmpty, "\(method) \(uri) → \(response.status.code) breaks docs/openapi.yaml:\n\(violations.joined(separator: "\n"))")
        }
        return response
    }
}
