import Foundation
import GatewayCore
import GatewayCrypto
@_spi(Testing) import GatewayStore
import GatewayTestSupport
import GRDB
import Testing

/// Threat: someone with write access to `anonymous.sqlite` (a curious administrator, a thief who
/// wants to hide a read) edits the access log directly in SQLite — with the triggers dropped first.
/// Each kind of edit is named by `verifyAccessLog`, at the first entry it touched.
@Suite("Threat: the access log bent in SQLite")
struct AuditTamperingTests {
    let random = SeededRandom(seed: 8080)
    let actor = StaffActor(pseudonym: "p-uturn", providerId: ProviderID("uturn"))

    func context(_ day: String) -> CaseContext {
        CaseContext(actor: actor, today: CalendarDay(iso: day)!, now: TestFixtures.instant(2026, 11, 23, 9))
    }

    /// A store whose log holds `entries` refusals (one entry each), on days from 2026-11-01 on.
    func storeWithLog(_ entries: Int) async throws -> AnonymousStore {
        let store = try AnonymousStore.inMemory(storeKey: .random(random), random: random)
        for index in 0..<entries {
            let day = CalendarDay(iso: "2026-11-01")!.adding(days: index / 3)
            try await store.logRefusal(code: CaseCode(randomBytes: [UInt8(index % 10), 1, 2, 3, 4]), context(day.description))
        }
        return store
    }

    /// Runs SQL as an attacker would: the append-only triggers dropped first.
    func tamper(_ store: AnonymousStore, _ sql: String) async throws {
        try await store.testingWriter.write { db in
            try db.execute(sql: """
                DROP TRIGGER IF EXISTS access_log_no_update;
                DROP TRIGGER IF EXISTS access_log_no_delete;
                DROP INDEX IF EXISTS access_log_seq;
                DROP TRIGGER IF EXISTS access_log_checkpoint_no_update;
                """)
            try db.execute(sql: sql)
        }
    }

    @Test func anUntouchedLogIsIntact() async throws {
        let store = try await storeWithLog(7)
        #expect(try await store.verifyAccessLog() == .intact(entries: 7, first: 1, last: 7, checkpoints: 0))
    }

    @Test func theTriggersStillRefuseEditsThroughSQL() async throws {
        let store = try await storeWithLog(2)
        await #expect(throws: DatabaseError.self) {
            try await store.testingWriter.write { db in try db.execute(sql: "UPDATE access_log SET action = 'read-case'") }
        }
        await #expect(throws: DatabaseError.self) {
            try await store.testingWriter.write { db in try db.execute(sql: "DELETE FROM access_log") }
        }
    }

    @Test func aChangedEntryIsNamed() async throws {
        let store = try await storeWithLog(7)
        try await tamper(store, "UPDATE access_log SET staffPseudonym = 'someone-else' WHERE seq = 4")
        #expect(try await store.verifyAccessLog() == .tampered(.changed(entry: 4, rowID: 4)))
    }

    @Test func aChangedDayIsNamed() async throws {
        let store = try await storeWithLog(7)
        try await tamper(store, "UPDATE access_log SET day = '2026-10-01' WHERE seq = 2")
        #expect(try await store.verifyAccessLog() == .tampered(.changed(entry: 2, rowID: 2)))
    }

    @Test func aRemovedEntryIsNamed() async throws {
        let store = try await storeWithLog(7)
        try await tamper(store, "DELETE FROM access_log WHERE seq = 3")
        #expect(try await store.verifyAccessLog() == .tampered(.removed(from: 3, to: 3)))
    }

    @Test func entriesRemovedFromTheEndAreNamed() async throws {
        let store = try await storeWithLog(7)
        try await tamper(store, "DELETE FROM access_log WHERE seq >= 6")
        #expect(try await store.verifyAccessLog() == .tampered(.removed(from: 6, to: 7)))
    }

    @Test func theWholeLogRemovedShows() async throws {
        let store = try await storeWithLog(5)
        try await tamper(store, "DELETE FROM access_log")
        #expect(try await store.verifyAccessLog() == .tampered(.removed(from: 1, to: 5)))
    }

    @Test func anInsertedEntryIsNamed() async throws {
        let store = try await storeWithLog(7)
        // A forged row between two real ones, with MACs copied from a real entry.
        try await tamper(store, """
            UPDATE access_log SET id = id + 100 WHERE seq >= 4;
            INSERT INTO access_log (id, day, staffPseudonym, providerId, action, caseCode, seq, entryMac, chainMac)
                SELECT 50, day, staffPseudonym, providerId, 'read-case', caseCode, 4, entryMac, chainMac FROM access_log WHERE seq = 3;
            """)
        #expect(try await store.verifyAccessLog() == .tampered(.inserted(rowID: 50)))
    }

    @Test func anInsertedEntryWithoutMACsIsNamed() async throws {
        let store = try await storeWithLog(3)
        try await tamper(store, """
            INSERT INTO access_log (day, staffPseudonym, providerId, action, caseCode) VALUES ('2026-11-02', 'p-x', 'uturn', 'read-case', 'K7MQ-9TX1')
            """)
        #expect(try await store.verifyAccessLog() == .tampered(.inserted(rowID: 4)))
    }

    @Test func aForgedEntryAtTheEndIsNamed() async throws {
        let store = try await storeWithLog(3)
        try await tamper(store, """
            INSERT INTO access_log (day, staffPseudonym, providerId, action, caseCode, seq, entryMac, chainMac)
                SELECT day, staffPseudonym, providerId, 'read-notes', caseCode, 4, entryMac, chainMac FROM access_log WHERE seq = 3
            """)
        #expect(try await store.verifyAccessLog() == .tampered(.inserted(rowID: 4)))
    }

    @Test func aCopiedEntryIsNamed() async throws {
        let store = try await storeWithLog(4)
        try await tamper(store, """
            INSERT INTO access_log (day, staffPseudonym, providerId, action, caseCode, seq, entryMac, chainMac)
                SELECT day, staffPseudonym, providerId, action, caseCode, seq, entryMac, chainMac FROM access_log WHERE seq = 4
            """)
        #expect(try await store.verifyAccessLog() == .tampered(.inserted(rowID: 5)))
    }

    @Test func reorderedEntriesAreNamed() async throws {
        let store = try await storeWithLog(7)
        try await tamper(store, """
            UPDATE access_log SET id = 1000 WHERE seq = 3;
            UPDATE access_log SET id = 3 WHERE seq = 5;
            UPDATE access_log SET id = 5 WHERE seq = 3;
            """)
        #expect(try await store.verifyAccessLog() == .tampered(.reordered(entry: 5, rowID: 3)))
    }

    @Test func anEditedPlaceIsNamedAsAChange() async throws {
        let store = try await storeWithLog(7)
        try await tamper(store, """
            UPDATE access_log SET seq = -2 WHERE seq = 2;
            UPDATE access_log SET seq = 2 WHERE seq = 6;
            UPDATE access_log SET seq = 6 WHERE seq = -2;
            """)
        #expect(try await store.verifyAccessLog() == .tampered(.changed(entry: 6, rowID: 2)))
    }

    @Test func entriesRemovedFromTheEndShowAgainstTheHead() async throws {
        let store = try await storeWithLog(6)
        try await tamper(store, "DELETE FROM access_log WHERE seq = 6")
        // Without the key the head cannot be remade: it still says 6.
        #expect(try await store.verifyAccessLog() == .tampered(.removed(from: 6, to: 6)))
        try await tamper(store, "DELETE FROM access_log_head")
        #expect(try await store.verifyAccessLog() == .tampered(.markChanged("head")))
    }

    /// With the head gone too, the signed checkpoint still says how far the log went.
    @Test func aSignedCheckpointShowsEntriesRemovedTogetherWithTheHead() async throws {
        let store = try await storeWithLog(6)
        _ = try await store.checkpointAccessLog(today: CalendarDay(iso: "2026-11-03")!)
        try await tamper(store, "DELETE FROM access_log WHERE seq = 6; DELETE FROM access_log_head")
        #expect(try await store.verifyAccessLog() == .tampered(.removed(from: 6, to: 6)))
    }

    @Test func aForgedCheckpointIsNamed() async throws {
        let store = try await storeWithLog(4)
        _ = try await store.checkpointAccessLog(today: CalendarDay(iso: "2026-11-02")!)
        try await tamper(store, "UPDATE access_log_checkpoint SET signature = zeroblob(64)")
        #expect(try await store.verifyAccessLog() == .tampered(.checkpointBroken(seq: 4)))
    }

    /// A checkpoint every hundred entries, each valid under the published public key.
    @Test func checkpointsAreSignedEveryHundredEntries() async throws {
        let store = try await storeWithLog(205)
        #expect(try await store.verifyAccessLog() == .intact(entries: 205, first: 1, last: 205, checkpoints: 2))
        let rows = try await store.reader.read { db in try Row.fetchAll(db, sql: "SELECT seq, chainMac, signature FROM access_log_checkpoint") }
        #expect(rows.map { $0["seq"] as Int64 } == [100, 200])
        for row in rows {
            #expect(AuditChain.checkpointIsValid(seq: row["seq"], chain: row["chainMac"], signature: row["signature"], publicKey: store.checkpointPublicKey))
        }
    }

    /// A purge removes old entries; the chain goes on from the anchor it leaves, and forging that
    /// anchor (to hide entries removed from the start) shows.
    @Test func aPurgedLogStaysVerifiableAndItsAnchorCannotBeForged() async throws {
        let store = try await storeWithLog(9)   // three entries a day, 1–3 November
        let cutoffs = RetentionCutoffs(cancelledBookings: CalendarDay(iso: "2026-01-01")!, unattendedBookings: CalendarDay(iso: "2026-01-01")!,
                                       closedCases: CalendarDay(iso: "2026-01-01")!, accessLog: CalendarDay(iso: "2026-11-02")!)
        let counts = try await store.purge(cutoffs, dryRun: false)
        #expect(counts.accessLogEntries == 3)
        #expect(try await store.verifyAccessLog() == .intact(entries: 6, first: 4, last: 9, checkpoints: 0))
        try await store.logRefusal(code: CaseCode(randomBytes: [9, 9, 9, 9, 9]), context("2026-11-04"))
        #expect(try await store.verifyAccessLog() == .intact(entries: 7, first: 4, last: 10, checkpoints: 0))

        try await tamper(store, "DELETE FROM access_log WHERE seq = 4; UPDATE access_log_anchor SET seq = 4")
        #expect(try await store.verifyAccessLog() == .tampered(.markChanged("purge anchor")))
    }

    /// Without the anchor, removing the first entries after a purge still shows.
    @Test func removingTheFirstEntriesShows() async throws {
        let store = try await storeWithLog(5)
        try await tamper(store, "DELETE FROM access_log WHERE seq <= 2")
        #expect(try await store.verifyAccessLog() == .tampered(.removed(from: 1, to: 2)))
    }

    /// Forgetting a case leaves a chained `forgotten` entry.
    @Test func aForgottenCaseLeavesAChainedEntry() async throws {
        let store = try AnonymousStore.inMemory(storeKey: .random(random), random: random)
        let next = Data(random.bytes(32))
        let walked = try await store.walkIn(service: .uturn, ageBand: .from18To24, context("2026-11-30"), limit: .conversations(5), random: random)
        try await store.issueFollowUp(code: walked.anonymousCase.code, tokenHash: next, context("2026-11-30"), limit: .conversations(5))
        #expect(try await store.forget(tokenHash: next, today: CalendarDay(iso: "2026-12-01")!))
        let verdict = try await store.verifyAccessLog()
        guard case .intact(let entries, _, _, _) = verdict else { Issue.record("\(verdict)"); return }
        #expect(entries == 3)
        let actions = try await store.reader.read { db in try String.fetchAll(db, sql: "SELECT action FROM access_log ORDER BY seq") }
        #expect(actions.last == "forgotten")
    }

    /// The whole file rolled back to an earlier copy is consistent in itself; a checkpoint kept
    /// outside it (the daily log line) shows the entries it lost.
    @Test func aFileRolledBackToAnEarlierCopyIsCaughtByAnExternalCheckpoint() async throws {
        let directory = NSTemporaryDirectory() + "anongate-rollback-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let key = KeyMaterial.random(random)
        let path = directory + "/anonymous.sqlite", copy = directory + "/earlier.sqlite"
        do {
            let store = try AnonymousStore.open(path: path, storeKey: key, random: random)
            for byte in UInt8(0)..<3 { try await store.logRefusal(code: CaseCode(randomBytes: [byte, 1, 1, 1, 1]), context("2026-11-02")) }
            try await store.testingWriter.backup(to: try DatabaseQueue(path: copy))
        }
        let store = try AnonymousStore.open(path: path, storeKey: key, random: random)
        for byte in UInt8(3)..<6 { try await store.logRefusal(code: CaseCode(randomBytes: [byte, 1, 1, 1, 1]), context("2026-11-03")) }
        let kept = try #require(try await store.checkpointAccessLog(today: CalendarDay(iso: "2026-11-03")!))
        let rolledBack = try AnonymousStore.open(path: copy, storeKey: key, random: random)
        #expect(try await rolledBack.verifyAccessLog() == .intact(entries: 3, first: 1, last: 3, checkpoints: 0))
        #expect(try await rolledBack.verifyAccessLog(external: [try #require(AuditCheckpoint(text: kept.text))]) == .tampered(.removed(from: 4, to: 6)))
    }
}
