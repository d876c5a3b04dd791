import Foundation
@_spi(Testing) import GatewayStore
import GatewayTestSupport
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Liveness and readiness")
struct ReadinessTests {
    @Test func healthzSaysOkAndReadyzFollowsTheStores() async throws {
        let gateway = try TestGateway()
        try await gateway.test { client in
            let health = try await client.execute(uri: "/healthz", method: .get)
            #expect(health.status == .ok)
            #expect(health.text == "ok\n")
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .ok)
            #expect(ready.text == "ready\n")
            // A store that no longer answers (here: its key-check table gone) makes the gateway not ready.
            try await gateway.dependencies.identifiedStore.testingWriter.write { db in try db.execute(sql: "DROP TABLE key_check") }
            let notReady = try await client.execute(uri: "/readyz", method: .get)
            #expect(notReady.status == .serviceUnavailable)
            #expect(notReady.headers[.retryAfter] == "30")
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
        }
    }
}
