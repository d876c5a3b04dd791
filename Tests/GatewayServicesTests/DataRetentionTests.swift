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

/// The token pepper's rotation: new tokens are hashed under the new version, every live token
/// hashed under the old one keeps working, and the old version is unused once its tokens are gone.
@Suite("Token pepper rotation")
struct PepperRotationTests {
    let random = SeededRandom(seed: 99)

    @Test func everyLiveTokenKeepsWorkingAcrossAPepperRotation() async throws {
        let clock = TestClock(TestFixtures.instant(2026, 11, 22, 12))
        let v1 = KeyMaterial.random(random), v2 = KeyMaterial.random(random)
        let storeKey = KeyMaterial.random(random)
        let anonymous = try AnonymousStore.inMemory(storeKey: storeKey, tokenPepper: v1)
        let hasher = TokenHasher(ring: KeyRing([1: v1]))
        let bookings = BookingService(configuration: try TestFixtures.configuration(), clock: clock, random: random, store: anonymous, tokenHasher: hasher)
        let (old, _) = try await bookings.book(BookingApplication(serviceId: "pas", slotId: "kk-pas.pas.20261123T0900", ageBand: "25-plus",
                                                                 substances: ["cocaine"], receivesOtherSocialSupport: false), client: nil)

        try await anonymous.introduce(.tokenPepper, version: 2, key: v2)
        let ring = KeyRing([1: v1, 2: v2])
        try await anonymous.adopt(storeRing: KeyRing(single: storeKey), pepperRing: ring)
        hasher.adopt(ring)
        let (new, _) = try await bookings.book(BookingApplication(serviceId: "pas", slotId: "kk-pas.pas.20261123T1000", ageBand: "25-plus",
                                                                 substances: ["cocaine"], receivesOtherSocialSupport: false), client: nil)

        #expect(try await bookings.liveBooking(old).slotId.description == "kk-pas.pas.20261123T0900")
        #expect(try await bookings.liveBooking(new).slotId.description == "kk-pas.pas.20261123T1000")
        #expect(try await anonymous.keyVersionUse().liveTokens == [1: 1, 2: 1])
        // The daily purge keeps v1 while a live token needs it, and retires it after.
        let keysFolder = NSTemporaryDirectory() + "anongate-pepper-\(UUID().uuidString)"
        let keys = KeyDirectory(path: keysFolder)
        _ = try keys.createNextVersion(.tokenPepper, random: random)
        _ = try keys.createNextVersion(.tokenPepper, random: random)
        let retention = DataRetention(store: anonymous, configuration: try TestFixtures.configuration(), clock: clock,
                                      backupKeys: BackupKeyring(keys: keys))
        #expect(try await retention.purge(dryRun: false).pepperVersions == 0)
        try await bookings.cancel(old)
        #expect(try await anonymous.keyVersionUse().liveTokens == [2: 1])
        await #expect(throws: ServiceError.self) { try await bookings.liveBooking(old) }
        #expect(try await retention.purge(dryRun: true).pepperVersions == 1)
        #expect(keys.versions(.tokenPepper) == [1, 2])
        #expect(try await retention.purge(dryRun: false).pepperVersions == 1)
        #expect(keys.versions(.tokenPepper) == [2])
    }
}
