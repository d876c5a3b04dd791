import Foundation
import GatewayCore
import GatewayCrypto
import GatewayStore

/// The retention periods applied to the anonymous store on Copenhagen's calendar: used by the
/// daily job inside the server and by `anongate purge`.
public struct DataRetention: Sendable {
    let store: AnonymousStore
    let policy: RetentionPolicy
    let calculator: SlotCalculator
    let clock: any GatewayClock
    /// The monthly backup keys; nil where the caller holds none (tests of the store alone).
    let backupKeys: BackupKeyring?

    public init(store: AnonymousStore, configuration: GatewayConfiguration, clock: any GatewayClock, backupKeys: BackupKeyring? = nil) {
        self.store = store
        self.backupKeys = backupKeys
        self.policy = configuration.retention
        self.calculator = SlotCalculator(configuration: configuration)
        self.clock = clock
    }

    /// Today in Copenhagen: the purge runs once per such day.
    public var today: CalendarDay { calculator.day(of: clock.now) }

    /// Removes what has expired today (or only counts it), answering counts only.
    /// Then destroys the backup keys of months past the longest retention period, and retires old
    /// token-pepper versions no live token uses.
    public func purge(dryRun: Bool) async throws(ServiceError) -> PurgeCounts {
        let today = self.today
        var counts: PurgeCounts
        do { counts = try await store.purge(policy.cutoffs(today: today), dryRun: dryRun) } catch { throw .storageFailure }
        guard let backupKeys else { return counts }
        for period in backupKeys.periods() where policy.backupKeyExpired(period, today: today) {
            if !dryRun {
                do { try backupKeys.destroy(period) } catch { throw .storageFailure }
            }
            counts.backupKeys += 1
        }
        // After a pepper rotation the old version stays until its last live token is gone.
        let pepper = backupKeys.keys.versions(.tokenPepper)
        if pepper.count > 1, let current = pepper.last {
            // Only once the store seals under the newest version: before, new tokens still go under an older one.
            let live: [Int: Int]
            do {
                guard try await store.isAdopted(.tokenPepper, version: current) else { return counts }
                live = try await store.keyVersionUse().liveTokens
            } catch { throw .storageFailure }
            for version in pepper.dropLast() where live[version, default: 0] == 0 {
                if !dryRun {
                    do { try backupKeys.keys.retire(.tokenPepper, version: version) } catch { throw .storageFailure }
                }
                counts.pepperVersions += 1
            }
        }
        return counts
    }
}
