import Foundation
import GatewayCore
import GatewayTestSupport
import GatewayWeb
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOSSL
import Testing

/// `serve --tls-cert --tls-key`: the gateway speaks TLS itself, and then treats every request as
/// over TLS (HSTS, the `__Host-` staff cookie) without any proxy header.
@Suite("Native TLS")
struct NativeTLSTests {
    static func folder() -> String { NSTemporaryDirectory() + "anongate-tls-\(UUID().uuidString)" }

    @Test func overNativeTLSEveryAnswerCarriesHSTS() async throws {
        let (certificate, key) = try TestCertificate.make(in: Self.folder())
        let tls = try NativeTLS.configuration(certificate: certificate, key: key)
        // No trusted proxy: nothing but the TLS listener itself can make a request count as over TLS.
        let gateway = try TestGateway { $0.rateLimit.trustedProxies = [] }
        try await buildApplication(gateway.dependencies, host: "127.0.0.1", port: 0, tls: tls).test(.ahc(.https)) { client in
            for uri in ["/healthz", "/", "/api/v1/services", "/staff"] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .ok)
                #expect(response.headers[HTTPField.Name("Strict-Transport-Security")!] == "max-age=31536000; includeSubDomains", "\(uri)")
            }
        }
        // The same gateway over plain HTTP: no HSTS.
        try await buildApplication(gateway.dependencies, host: "127.0.0.1", port: 0).test(.live) { client in
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.headers[HTTPField.Name("Strict-Transport-Security")!] == nil)
        }
    }

    /// The flag `buildApplication` sets for a TLS listener: the staff cookie is `__Host-` and Secure,
    /// and a plain-named cookie (one a sibling subdomain could plant) is no session.
    @Test func withNativeTLSTheStaffCookieIsHostPrefixedAndSecure() async throws {
        let gateway = try await TestGateway.withStaff { $0.rateLimit.trustedProxies = [] }
        var dependencies = gateway.dependencies
        dependencies.nativeTLS = true
        try await buildApplication(dependencies, host: "127.0.0.1", port: 0).test(.live) { client in
            let signIn = try await client.signInForm([("username", "anna"), ("password", TestGateway.password)])
            #expect(signIn.status == .seeOther)
            let cookie = try #require(signIn.headers[.setCookie])
            #expect(cookie.hasPrefix("__Host-anongate_staff="))
            #expect(cookie.contains("Secure"))
            #expect(signIn.headers[HTTPField.Name("Strict-Transport-Security")!] != nil)
            let value = String(cookie.prefix { $0 != ";" })
            #expect(try await client.execute(uri: "/staff/schedule", method: .get, headers: [.cookie: value]).status == .ok)
            let planted = value.replacingOccurrences(of: "__Host-", with: "")
            #expect(try await client.execute(uri: "/staff/schedule", method: .get, headers: [.cookie: planted]).status == .seeOther)
        }
    }

    @Test func theConfigurationAsksForTLS12AtLeast() throws {
        let (certificate, key) = try TestCertificate.make(in: Self.folder())
        let tls = try NativeTLS.configuration(certificate: certificate, key: key)
        #expect(tls.minimumTLSVersion == .tlsv12)
        #expect(tls.certificateChain.count == 1)
    }

    /// Each wrong file is refused before the server listens, naming the file and what is wrong.
    @Test func wrongFilesAreRefusedWithAClearSentence() throws {
        let folder = Self.folder()
        let (certificate, key) = try TestCertificate.make(in: folder)
        let (_, otherKey) = try TestCertificate.make(in: folder, name: "other")
        let garbage = folder + "/garbage.pem"
        try "not a certificate\n".write(toFile: garbage, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: garbage)

        func refusal(_ certificate: String, _ key: String) -> String {
            do { _ = try NativeTLS.configuration(certificate: certificate, key: key) } catch { return error.description }
            return "accepted"
        }
        #expect(refusal(folder + "/missing.pem", key) == "cannot read the TLS certificate \(folder)/missing.pem (--tls-cert)")
        #expect(refusal(certificate, folder + "/missing.pem") == "cannot read the TLS private key \(folder)/missing.pem (--tls-key)")
        #expect(refusal(garbage, key).contains("holds no PEM certificate"))
        #expect(refusal(certificate, garbage).contains("holds no PEM private key"))
        #expect(refusal(certificate, otherKey).contains("does not belong to the certificate"))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key)
        #expect(refusal(certificate, key).contains("is accessible to every user (mode 644)"))
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: key)
        #expect(refusal(certificate, key) == "accepted")
        // A symbolic link (certbot's live/ folder) is judged by the file it points to.
        try FileManager.default.createSymbolicLink(atPath: folder + "/live-key.pem", withDestinationPath: key)
        #expect(refusal(certificate, folder + "/live-key.pem") == "accepted")
        try FileManager.default.setAttributes([.posixPermissions: 0o604], ofItemAtPath: key)
        #expect(refusal(certificate, folder + "/live-key.pem").contains("is accessible to every user (mode 604)"))
    }
}
