import Foundation
import GatewayCore
@_spi(Testing) import GatewayStore
import GatewayTestSupport
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// "Forget me": a citizen with a live token deletes their booking and their anonymous case now.
@Suite("Forget me")
struct ForgetMeTests {
    @Test func forgettingACaseDeletesItsNotesSessionsAndBookingsAndTheTokenBecomesUnknown() async throws {
        let directory = NSTemporaryDirectory() + "anongate-forget-\(UUID().uuidString)"
        let gateway = try await TestGateway.withStaff(dataDirectory: directory)
        try await gateway.test { client in
            let token = try await client.bookUturn(ageBand: "18-24")
            gateway.clock.set(TestGateway.mondayMorning)
            let anna = try await client.signIn("anna")
            let code = try #require(try await client.json(.post, "/api/v1/staff/checkins", ["token": token], headers: anna).object?["caseCode"] as? String)
            _ = try await client.json(.post, "/api/v1/staff/cases/\(code)/notes", ["text": "GLEM-DENNE-NOTE"], headers: anna)
            let next = try await client.json(.post, "/api/v1/staff/cases/\(code)/bookings", ["slotId": "uturn.uturn.20261124T0845"], headers: anna)
            let live = try #require(next.object?["token"] as? String)

            let refused = try await client.execute(uri: "/api/v1/bookings/current?forget=maybe", method: .delete, headers: client.bearer(live))
            #expect(refused.status == .badRequest)
            let forgotten = try await client.execute(uri: "/api/v1/bookings/current?forget=true", method: .delete, headers: client.bearer(live))
            #expect(forgotten.status == .noContent)
            #expect(try await client.json(.get, "/api/v1/bookings/current", headers: client.bearer(live)).status == .notFound)
            #expect(try await client.json(.get, "/api/v1/staff/cases/\(code)", headers: anna).status == .notFound)
        }
        let store = gateway.dependencies.anonymousStore.reader
        let left = try await store.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM anonymous_case")!, try Int.fetchOne(db, sql: "SELECT count(*) FROM case_note")!,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM booking")!, try Int.fetchOne(db, sql: "SELECT count(*) FROM case_session")!,
             try String.fetchAll(db, sql: "SELECT action FROM access_log WHERE staffPseudonym = 'citizen'"))
        }
        #expect(left.0 == 0 && left.1 == 0 && left.2 == 0 && left.3 == 0)
        #expect(left.4 == ["forgotten"])
        // Nothing readable of the note remains in the files (the key was destroyed, the pages zeroed, the WAL truncated).
        let bytes = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("anonymous.sqlite") }
            .reduce(into: Data()) { $0.append(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + $1))) }
        #expect(bytes.range(of: Data("GLEM-DENNE-NOTE".utf8)) == nil)
    }

    @Test func aFollowUpTokenForgetsItsCaseToo() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            gateway.clock.set(TestGateway.mondayMorning)
            let anna = try await client.signIn("anna")
            let code = try #require(try await client.json(.post, "/api/v1/staff/walkins", ["serviceId": "uturn", "ageBand": "18-24"], headers: anna)
                .object?["caseCode"] as? String)
            let followUp = try #require(try await client.json(.post, "/api/v1/staff/cases/\(code)/follow-up", headers: anna).object?["token"] as? String)
            let forgotten = try await client.execute(uri: "/api/v1/bookings/current?forget=true", method: .delete, headers: client.bearer(followUp))
            #expect(forgotten.status == .noContent)
            #expect(try await client.json(.get, "/api/v1/bookings/current", headers: client.bearer(followUp)).status == .notFound)
            #expect(try await client.json(.get, "/api/v1/staff/cases/\(code)", headers: anna).status == .notFound)
        }
    }

    @Test func onThePagesForgettingTakesTwoStepsAndSaysWhatCannotBeForgotten() async throws {
        let gateway = try TestGateway()
        try await gateway.test { client in
            let token = try await client.bookUturn()
            let booking = try await client.form("/booking", [("token", token), ("lang", "da")])
            #expect(booking.text.contains("action=\"/booking/forget\""))
            let step1 = try await client.form("/booking/forget", [("token", token), ("lang", "da")])
            #expect(step1.status == .ok)
            #expect(step1.text.contains("Det kan ikke glemmes"))
            #expect(step1.text.contains("id=\"confirmForget\""))
            let unticked = try await client.form("/booking/forget/confirm", [("token", token), ("lang", "da")])
            #expect(unticked.status == .badRequest)
            #expect(unticked.text.contains("Sæt kryds"))
            #expect(try await client.json(.get, "/api/v1/bookings/current", headers: client.bearer(token)).status == .ok)
            let done = try await client.form("/booking/forget/confirm", [("token", token), ("lang", "da"), ("confirm", "yes")])
            #expect(done.status == .ok)
            #expect(done.text.contains("Alt om dig er slettet"))
            #expect(try await client.json(.get, "/api/v1/bookings/current", headers: client.bearer(token)).status == .notFound)
            // A forgotten (now unknown) token forgets nothing more.
            let again = try await client.form("/booking/forget/confirm", [("token", token), ("lang", "da"), ("confirm", "yes")])
            #expect(again.status == .notFound)
        }
        #expect(try await gateway.dependencies.anonymousStore.reader.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM booking") } == 0)
    }
}
