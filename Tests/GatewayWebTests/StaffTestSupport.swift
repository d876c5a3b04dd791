import Foundation
import GatewayCore
import GatewayCrypto
import GatewayStore
import GatewayTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore

extension TestGateway {
    static let password = "correct horse battery staple"
    static let mondayMorning = TestFixtures.instant(2026, 11, 23, 8, 5)

    /// Adds a staff account straight into the identified store.
    func addStaff(_ username: String, provider: String, role: StaffRole) async throws {
        let hash = try dependencies.passwordHasher.hash(Self.password, random: random)
        try await dependencies.identifiedStore.addStaff(
            id: "staff-\(username)", username: username, providerId: ProviderID(provider), role: role, passwordHash: hash,
            createdOn: CalendarDay(iso: "2026-11-01")!)
    }

    /// A gateway with one account per role and provider the tests use.
    static func withStaff(dataDirectory: String? = nil, adjust: ((inout GatewayConfiguration) -> Void)? = nil) async throws -> TestGateway {
        let gateway = try TestGateway(dataDirectory: dataDirectory) { configuration in
            configuration.rateLimit = RateLimitPolicy(bookingsPerClientPerHour: 1000, bookingsPerClientPerDay: 1000,
                                                      liveBookingsPerClientPerService: 1000, trustedProxies: TestGateway.everyAddressAProxy)
            adjust?(&configuration)
        }
        try await gateway.addStaff("anna", provider: "uturn", role: .counsellor)
        try await gateway.addStaff("bent", provider: "frb-pas", role: .counsellor)
        try await gateway.addStaff("carl", provider: "kk-pas", role: .counsellor)
        try await gateway.addStaff("dora", provider: "kk-pas", role: .phone)
        try await gateway.addStaff("eva", provider: "kk-pas", role: .providerAdmin)
        try await gateway.addStaff("finn", provider: "kk-pas", role: .auditor)
        try await gateway.addStaff("gry", provider: "kk-pas", role: .manager)
        try await gateway.addStaff("hans", provider: "rbk", role: .counsellor)
        try await gateway.addStaff("ida", provider: "uturn", role: .providerAdmin)
        return gateway
    }
}

extension TestClientProtocol {
    func signIn(_ username: String, password: String = TestGateway.password) async throws -> HTTPFields {
        let response = try await json(.post, "/api/v1/staff/sessions", ["username": username, "password": password])
        guard let token = response.object?["sessionToken"] as? String else {
            throw TestFailure("sign-in as \(username) failed: \(response.status) \(response.text)")
        }
        return [.authorization: "Bearer \(token)"]
    }

    /// Books through the citizen API and returns the token.
    func book(_ body: [String: Any]) async throws -> String {
        let response = try await json(.post, "/api/v1/bookings", body)
        guard let token = response.object?["token"] as? String else { throw TestFailure("booking failed: \(response.status) \(response.text)") }
        return token
    }

    func bookUturn(slot: String = "uturn.uturn.20261123T0845", ageBand: String = "14-17") async throws -> String {
        try await book(["serviceId": "uturn", "slotId": slot, "ageBand": ageBand])
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension TestClientProtocol {
    /// Signs in on the page as a browser does: fetches the form (with its signed token), then posts it.
    func signInForm(_ fields: [(String, String)], headers: HTTPFields = [:]) async throws -> TestResponse {
        let page = try await execute(uri: "/staff", method: .get, headers: headers)
        let token = StaffPageTests.csrf(in: page.text) ?? ""
        return try await form("/staff/sign-in", fields + [("csrf", token)], headers: headers)
    }
}

extension TestClientProtocol {
    /// Books on the citizen pages as a browser does: the confirmation page (with its single-use
    /// nonce), the post, and the redirect to the receipt, which is shown once. Answers the last page.
    func bookOnPage(_ fields: [(String, String)], headers: HTTPFields = [:]) async throws -> TestResponse {
        let confirm = try await form("/book/confirm", fields, headers: headers)
        let nonce = CitizenPageTests.hidden("nonce", in: confirm.text) ?? ""
        let posted = try await form("/book", fields + [("nonce", nonce)], headers: headers)
        guard posted.status == .seeOther, let location = posted.headers[.location] else { return posted }
        return try await execute(uri: location, method: .get, headers: headers)
    }
}
