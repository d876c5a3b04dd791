import Foundation
import GatewayCore
@testable import GatewayWeb
import GatewayTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

/// Threat: another website makes its visitors' browsers book (and so use up places) through us,
/// or a forgotten proxy setting makes every citizen one client.
@Suite("Threat: a hostile website or a misconfigured proxy")
struct HostileWebsiteTests {
    static let uturn: [(String, String)] = [("service", "uturn"), ("ageBand", "14-17"), ("slot", "uturn.uturn.20261123T0845"), ("lang", "da")]

    @Test func aCrossSiteFormPostIsRefusedAndOurOwnIsNot() async throws {
        let gateway = try TestGateway()
        try await gateway.test { client in
            var crossSite = HTTPFields()
            crossSite[HTTPField.Name("Sec-Fetch-Site")!] = "cross-site"
            let refused = try await client.form("/book", Self.uturn, headers: crossSite)
            #expect(refused.status == .forbidden)
            #expect(refused.text.contains("anden hjemmeside"))
            var foreign = HTTPFields()
            foreign[.origin] = "https://evil.example"
            #expect(try await client.form("/book", Self.uturn, headers: foreign).status == .forbidden)
            // Our own pages: Origin null (no-referrer) or our own host, same-origin fetch metadata.
            var own = HTTPFields()
            own[.origin] = "null"
            own[HTTPField.Name("Sec-Fetch-Site")!] = "same-origin"
            let booked = try await client.bookOnPage(Self.uturn, headers: own)
            #expect(booked.status == .ok)
            #expect(booked.text.contains("id=\"reference-heading\""))
        }
        let count = try await gateway.dependencies.anonymousStore.reader.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM booking") }
        #expect(count == 1)
    }

    @Test func theCitizenAPIRefusesCrossSiteRequestsAndNonJSONBodies() async throws {
        try await TestGateway().test { client in
            let body = ["serviceId": "uturn", "slotId": "uturn.uturn.20261123T0845", "ageBand": "14-17"]
            var foreign: HTTPFields = [.origin: "https://evil.example"]
            let refused = try await client.json(.post, "/api/v1/bookings", body, headers: foreign)
            #expect(refused.status == .forbidden)
            #expect(refused.object?["type"] as? String == "urn:anongate:problem:cross-site-request")
            foreign = [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"]
            #expect(try await client.json(.delete, "/api/v1/bookings/current", headers: foreign).status == .forbidden)
            // A form-encoded or text body — what a cross-site <form> can send without a preflight — is 415.
            let form = try await client.execute(uri: "/api/v1/bookings", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                                body: ByteBuffer(string: "serviceId=uturn"))
            #expect(form.status == .unsupportedMediaType)
            #expect(form.headers[.contentType] == "application/problem+json")
            let none = try await client.execute(uri: "/api/v1/bookings/current/reschedule", method: .post, body: ByteBuffer(string: "{}"))
            #expect(none.status == .unsupportedMediaType)
            #expect(try await client.json(.post, "/api/v1/bookings", body, headers: [.origin: "null"]).status == .created)
        }
    }

    @Test func everyRequestHasARandomIdThatDoesNotOrderRequests() async throws {
        let gateway = try TestGateway()
        try await gateway.test { client in
            for _ in 0..<6 { _ = try await client.execute(uri: "/healthz", method: .get) }
        }
        let ids = gateway.logs.all.compactMap { line -> String? in
            guard let range = line.range(of: "hb.request.id=") else { return nil }
            return String(line[range.upperBound...].prefix { $0 != " " })
        }
        #expect(ids.count >= 6)
        #expect(Set(ids).count == ids.count)
        // Hummingbird's own ids share a per-process prefix and count up; random ones share nothing.
        #expect(Set(ids.map { $0.prefix(6) }).count == ids.count)
        #expect(ids.allSatisfy { !$0.contains("-") })
    }

    @Test func oneUntrustedAddressForwardingForEveryoneIsSaidOnceWithoutTheAddress() {
        let logs = LogCapture()
        let warning = SingleAddressWarning(logger: logs.logger())
        for _ in 0..<(SingleAddressWarning.threshold * 2) { warning.observe(peer: "127.0.0.1", forwarded: true, trusted: false) }
        let said = logs.all.filter { $0.contains("rateLimit.trustedProxies") }
        #expect(said.count == 1)
        #expect(!logs.text.contains("127.0.0.1"))
        // Direct clients from many addresses are not the symptom.
        let quiet = LogCapture()
        let direct = SingleAddressWarning(logger: quiet.logger())
        for index in 0..<(SingleAddressWarning.threshold * 2) { direct.observe(peer: "198.51.100.\(index)", forwarded: false, trusted: false) }
        #expect(quiet.all.isEmpty)
    }
}
