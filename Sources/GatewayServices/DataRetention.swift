import Foundation
import GatewayCore
import GatewayStore

/// The retention periods applied to the anonymous store on Copenhagen's calendar: used by the
/// daily job inside the server and by `anongate purge`.
public struct DataRetention: Sendable {
    let store: AnonymousStore
    let policy: RetentionPolicy
    let calculator: SlotCalculator
    let clock: any GatewayClock

    public init(store: AnonymousStore, configuration: GatewayConfiguration, clock: any GatewayClock) {
        self.store = store
        self.policy = configuration.retention
        self.calculator = SlotCalculator(configuration: configuration)
        self.clock = clock
    }

    /// Today in Copenhagen: the purge runs once per such day.
    public var today: CalendarDay { calculator.day(of: clock.now) }

    /// Removes what has expired today (or only counts it), answering counts only.
    public func purge(dryRun: Bool) async throws(ServiceError) -> PurgeCounts {
        do { return try await store.purge(policy.cutoffs(today: today), dryRun: dryRun) } catch { throw .storageFailure }
    }
}
