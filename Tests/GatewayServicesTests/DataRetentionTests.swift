import Foundation
import GatewayCore
import GatewayCrypto
import GatewayServices
import GatewayStore
import GatewayTestSupport
import Testing

/// The purge destroys the backup keys of months past the longest retention period — after which
/// their backups, and the cases shredded since, cannot be read — and a dry run only counts them.
@Suite("Retention reaches the backups")
struct DataRetentionTests {
    let random = SeededRandom(seed: 77)

    @Test func thePurgeDestroysExpiredBackupKeysAndADryRunOnlyCountsThem() async throws {
        let keysFolder = NSTemporaryDirectory() + "anongate-backupkeys-\(UUID().uuidString)"
        let keyring = BackupKeyring(keys: KeyDirectory(path: keysFolder))
        for month in ["2024-10", "2024-11", "2024-12", "2026-11"] { _ = try keyring.key(for: CalendarMonth(iso: month)!, random: random) }
        // 2026-12-01 in Copenhagen; the longest retention is 730 days: 2024-11-30 + 730 = 2026-11-30.
        let clock = TestClock(TestFixtures.instant(2026, 12, 1, 12))
        let retention = DataRetention(store: try AnonymousStore.inMemory(storeKey: .random(random)),
                                      configuration: try TestFixtures.configuration(), clock: clock, backupKeys: keyring)
        let dry = try await retention.purge(dryRun: true)
        #expect(dry.backupKeys == 2)
        #expect(keyring.periods().map(\.description) == ["2024-10", "2024-11", "2024-12", "2026-11"])
        let done = try await retention.purge(dryRun: false)
        #expect(done.backupKeys == 2)
        #expect(keyring.periods().map(\.description) == ["2024-12", "2026-11"])
        #expect(!FileManager.default.fileExists(atPath: keyring.filePath(CalendarMonth(iso: "2024-11")!)))
    }
}
