import Foundation
import GatewayTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("Nothing identifying is written anywhere")
struct PrivacyTests {
    static let message = "MIN-BESKED-7f3a: jeg hedder ikke noget"
    static let interpreter = "tigrinya-e91c"
    static let address = "203.0.113.77"

    @Test func tokenMessageAndAddressAreNeitherInTheDatabaseFilesNorInTheLogs() async throws {
        let directory = NSTemporaryDirectory() + "anongate-privacy-\(UUID().uuidString)"
        let gateway = try TestGateway(dataDirectory: directory)
        let tokens = try await gateway.app.test(.router) { client -> [String] in
            let headers: HTTPFields = [.xForwardedFor: Self.address, .userAgent: "Mozilla/5.0 (identifying)"]
            var tokens: [String] = []
            let api = try await client.json(.post, "/api/v1/bookings", [
                "serviceId": "pas", "slotId": "kk-pas.pas.20261123T0900", "ageBand": "25-plus", "substances": ["cocaine"],
                "receivesOtherSocialSupport": false, "message": Self.message, "interpreterLanguage": Self.interpreter,
            ], headers: headers)
            #expect(api.status == .created)
            tokens.append(try #require(api.object?["token"] as? String))

            let form = try await client.bookOnPage([
                ("lang", "da"), ("service", "uturn"), ("ageBand", "14-17"), ("slot", "uturn.uturn.20261123T0800"),
                ("message", Self.message), ("interpreterLanguage", Self.interpreter),
            ], headers: headers)
            #expect(form.status == .ok)
            tokens.append(try #require(CitizenPageTests.token(in: form.text)))

            // Use the tokens the ways a citizen would, so lookups, errors and moves are logged too.
            for token in tokens {
                _ = try await client.json(.get, "/api/v1/bookings/current", headers: client.bearer(token))
                _ = try await client.form("/booking", [("token", token)])
            }
            _ = try await client.json(.post, "/api/v1/bookings/current/reschedule", ["slotId": "kk-pas.pas.20261124T0900"], headers: client.bearer(tokens[0]))
            _ = try await client.json(.get, "/api/v1/bookings/current", headers: client.bearer("0000-0000-0000-0000-0001"))
            _ = try await client.json(.get, "/api/v1/services/pas/slots?from=2026-11-23&secret=\(Self.address)")
            return tokens
        }

        var needles = [Self.message, Self.interpreter, Self.address, "Mozilla/5.0 (identifying)", "203.0.113"]
        for token in tokens {
            needles += [token, token.replacingOccurrences(of: "-", with: ""), token.lowercased()]
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(files.contains("anonymous.sqlite"))
        #expect(files.contains("identified.sqlite"))
        for file in files {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + file))
            for needle in needles {
                #expect(bytes.range(of: Data(needle.utf8)) == nil, "\(file) contains \(needle)")
            }
        }
        let logs = gateway.logs.text
        #expect(gateway.logs.all.count >= 8, "every request is logged")
        for needle in needles + ["secret="] {
            #expect(!logs.contains(needle), "the log contains \(needle)")
        }
    }

    @Test func theRateLimitForgetsEveryClientWhenTheDayChanges() async throws {
        let gateway = try TestGateway { $0.rateLimit = .init(bookingsPerClientPerHour: 1, bookingsPerClientPerDay: 1, liveBookingsPerClientPerService: 1000, trustedProxies: TestGateway.everyAddressAProxy) }
        try await gateway.test { (client: any TestClientProtocol) async throws in
            let headers: HTTPFields = [.xForwardedFor: Self.address]
            #expect(try await client.bookPAS(slot: "kk-pas.pas.20261123T0800", headers: headers).response.status == .created)
            #expect(try await client.bookPAS(slot: "kk-pas.pas.20261123T0900", headers: headers).response.status == .tooManyRequests)
            // The next day the key and the counters are gone.
            gateway.clock.advance(by: 86_400)
            #expect(try await client.bookPAS(slot: "kk-pas.pas.20261124T0900", headers: headers).response.status == .created)
        }
    }
}
