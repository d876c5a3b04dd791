import Foundation
import GatewayCore
import GatewayStore

/// The reported figures (QS 4.3) for whole months, suppressed (`StatisticsGrid`). Reads the
/// anonymous store alone; nothing per case ever leaves it.
public struct StatisticsService: Sendable {
    let store: AnonymousStore
    let configuration: GatewayConfiguration

    public init(store: AnonymousStore, configuration: GatewayConfiguration) {
        self.store = store; self.configuration = configuration
    }

    /// At most 36 months per answer: a period is whole months, `from` not after `to`.
    public static let longestPeriod = 36

    public func months(from rawFrom: String?, to rawTo: String?) throws(ServiceError) -> [CalendarMonth] {
        try Self.months(from: rawFrom, to: rawTo)
    }

    /// The statistics query (`from`, `to` as YYYY-MM) as whole months; pure (fuzzed: Fuzz/StatisticsQuery).
    public static func months(from rawFrom: String?, to rawTo: String?) throws(ServiceError) -> [CalendarMonth] {
        guard let rawFrom, !rawFrom.isEmpty else { throw .missingField("from") }
        guard let rawTo, !rawTo.isEmpty else { throw .missingField("to") }
        guard let from = CalendarMonth(iso: rawFrom) else { throw .invalidField("from", .isoMonth) }
        guard let to = CalendarMonth(iso: rawTo) else { throw .invalidField("to", .isoMonth) }
        guard !(to < from) else { throw .invalidField("to", .notBefore("from")) }
        var months: [CalendarMonth] = [from]
        while let last = months.last, last < to {
            guard months.count < Self.longestPeriod else { throw .invalidField("to", .range(1...Self.longestPeriod)) }
            months.append(last.month == 12 ? CalendarMonth(iso: String(format: "%04d-01", last.year + 1))! : CalendarMonth(iso: String(format: "%04d-%02d", last.year, last.month + 1))!)
        }
        return months
    }

    public func grid(months: [CalendarMonth]) async throws(ServiceError) -> StatisticsGrid {
        var limits: [ServiceID: Int] = [:]
        for service in configuration.services { limits[service.id] = service.sessionLimit.totalSessions }
        let read: (counts: [StatCell: Int], firstConversations: [FirstConversation])
        do { read = try await store.statisticsCounts(from: months.first!, to: months.last!, limits: limits) } catch { throw .storageFailure }
        var leaves = read.counts
        for first in read.firstConversations {
            let figure = TreatmentGuarantee.classify(bookedOn: first.bookedOn, heldOn: first.heldOn).figure
            leaves[StatCell(month: CalendarMonth(first.heldOn), service: first.service, provider: first.provider, figure: figure), default: 0] += 1
        }
        var offers: [ServiceID: [ProviderID]] = [:]
        for provider in configuration.providers {
            for service in provider.services { offers[service, default: []].append(provider.id) }
        }
        return StatisticsGrid(months: months, offers: offers, base: StatisticsGrid.withFamilyTotals(leaves),
                              minimumCellSize: configuration.statistics.minimumCellSize)
    }
}
