import Foundation
import GatewayCore
import GatewayCrypto
import GatewayServices
@_spi(Testing) import GatewayStore
import GatewayTestSupport
@testable import GatewayWeb
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// Threat: the WAL keeps write order and cancelled ciphertext for as long as nobody checkpoints it;
/// and an operator's `kill` must stop the gateway cleanly, not as a failure.
@Suite("Threat: what the write-ahead log keeps")
struct StoreMaintenanceTests {
    let random = SeededRandom(seed: 61)

    /// The trim must really find glibc's malloc_trim: looked up by name, a typo would silently do
    /// nothing, and what a burst freed would stay with the process (docs/performance.md: 81–82 MiB
    /// after a burst of slot listings with the trim, 180–212 without).
    @Test func mallocsFreePagesCanBeGivenBack() {
        #if os(Linux)
        #expect(MemoryTrim.isAvailable)
        #endif
        MemoryTrim.run()
    }

    /// The trim runs on its own timer, again and again, and a graceful shutdown ends it without an error.
    @Test func theTrimRunsOnItsOwnTimerUntilShutdown() async throws {
        let count = Mutex(0)
        let trimming = MemoryTrimming(interval: .milliseconds(20)) { count.withLock { $0 += 1 } }
        let group = ServiceGroup(configuration: .init(services: [trimming], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            for _ in 0..<250 where count.withLock({ $0 }) < 3 { try await Task.sleep(for: .milliseconds(20)) }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        let after = count.withLock { $0 }
        #expect(after >= 3)
        try await Task.sleep(for: .milliseconds(100))
        #expect(count.withLock { $0 } == after, "no trim after the shutdown")
    }

    @Test func oneMaintenanceRoundEmptiesBothWALFiles() async throws {
        let directory = NSTemporaryDirectory() + "anongate-maintenance-\(UUID().uuidString)"
        let anonymous = try AnonymousStore.open(path: directory + "/anonymous.sqlite", storeKey: .random(random), random: random)
        let identified = try IdentifiedStore.open(path: directory + "/identified.sqlite", storeKey: .random(random))
        try await identified.addStaff(id: "s1", username: "anna", providerId: ProviderID("uturn"), role: .counsellor, passwordHash: "x",
                                      createdOn: CalendarDay(iso: "2026-11-01")!)
        let maintenance = StoreMaintenance(anonymous: anonymous, identified: identified, interval: .seconds(60), logger: Logger(label: "test"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory + "/identified.sqlite-wal")).count > 0)
        #expect(await maintenance.runOnce())
        for file in ["anonymous.sqlite-wal", "identified.sqlite-wal"] {
            #expect(((try? Data(contentsOf: URL(fileURLWithPath: directory + "/" + file))) ?? Data()).isEmpty, "\(file)")
        }
    }

    @Test func theDailyPurgeRunsOncePerCopenhagenDayAndLogsCountsOnly() async throws {
        let clock = TestClock(TestFixtures.instant(2026, 11, 23, 23, 50))
        let logs = LogCapture()
        let anonymous = try AnonymousStore.inMemory(storeKey: .random(random))
        let configuration = try TestFixtures.configuration()
        let maintenance = StoreMaintenance(
            anonymous: anonymous, identified: try IdentifiedStore.inMemory(storeKey: .random(random)), interval: .seconds(60),
            logger: logs.logger(), retention: DataRetention(store: anonymous, configuration: configuration, clock: clock))
        #expect(await maintenance.runOnce())
        #expect(await maintenance.runOnce())
        #expect(logs.all.filter { $0.contains("daily purge") }.count == 1)
        clock.advance(by: 15 * 60)   // 00:05 in Copenhagen: a new day
        #expect(await maintenance.runOnce())
        #expect(logs.all.filter { $0.contains("daily purge") }.count == 2)
        #expect(logs.text.contains("purged.closed_cases=0"))
    }

    /// The daily round logs a signed checkpoint of the access log, which verifies against the log.
    @Test func theDailyRoundLogsASignedCheckpointOfTheAccessLog() async throws {
        let clock = TestClock(TestFixtures.instant(2026, 11, 23, 10))
        let logs = LogCapture()
        let anonymous = try AnonymousStore.inMemory(storeKey: .random(random))
        let actor = StaffActor(pseudonym: "p1", providerId: ProviderID("uturn"))
        for byte in UInt8(0)..<3 {
            try await anonymous.logRefusal(code: CaseCode(randomBytes: [byte, 0, 0, 0, 0]),
                                           CaseContext(actor: actor, today: CalendarDay(iso: "2026-11-23")!, now: clock.now))
        }
        let maintenance = StoreMaintenance(
            anonymous: anonymous, identified: try IdentifiedStore.inMemory(storeKey: .random(random)), interval: .seconds(60),
            logger: logs.logger(), retention: DataRetention(store: anonymous, configuration: try TestFixtures.configuration(), clock: clock))
        #expect(await maintenance.runOnce())
        let line = try #require(logs.all.first { $0.contains("access-log checkpoint") })
        let text = try #require(line.split(separator: " ").first { $0.hasPrefix("checkpoint=") }).dropFirst("checkpoint=".count)
        let checkpoint = try #require(AuditCheckpoint(text: String(text)))
        #expect(checkpoint.seq == 3)
        #expect(try await anonymous.verifyAccessLog(external: [checkpoint]) == .intact(entries: 3, first: 1, last: 3, checkpoints: 2))
    }

    /// A graceful shutdown (SIGTERM) cancels the maintenance sleep; that is the end of the service,
    /// not an error that makes the process exit with a failure.
    @Test func aGracefulShutdownEndsMaintenanceWithoutAnError() async throws {
        let maintenance = StoreMaintenance(
            anonymous: try AnonymousStore.inMemory(storeKey: .random(random)), identified: try IdentifiedStore.inMemory(storeKey: .random(random)),
            interval: .seconds(3600), logger: Logger(label: "test"))
        let group = ServiceGroup(configuration: .init(services: [maintenance], logger: Logger(label: "test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            try await Task.sleep(for: .milliseconds(100))
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }
}
