import Foundation

/// How soon a first conversation took place after the booking (QS 3.1 *straks*: the same or the
/// next weekday; §101 stk. 4: within 14 days).
public enum TreatmentGuarantee: Sendable, Equatable {
    case straks
    case within14Days
    case later

    public static func classify(bookedOn: CalendarDay, heldOn: CalendarDay) -> TreatmentGuarantee {
        var nextWeekday = bookedOn.adding(days: 1)
        while nextWeekday.weekday.isWeekend { nextWeekday = nextWeekday.adding(days: 1) }
        if heldOn <= nextWeekday { return .straks }
        return heldOn <= bookedOn.adding(days: 14) ? .within14Days : .later
    }

    public var figure: StatFigure {
        switch self {
        case .straks: .firstConversationsStraks
        case .within14Days: .firstConversationsWithin14Days
        case .later: .firstConversationsLater
        }
    }
}

extension StatisticsGrid {
    /// Completes leaf counts with every figure family's total, so the grid's sums hold.
    public static func withFamilyTotals(_ leaves: [StatCell: Int]) -> [StatCell: Int] {
        var base = leaves
        let keys = Set(leaves.keys.map { StatCell(month: $0.month, service: $0.service, provider: $0.provider, figure: .bookings) })
        for key in keys {
            for family in StatFigure.families {
                func cell(_ figure: StatFigure) -> StatCell { StatCell(month: key.month, service: key.service, provider: key.provider, figure: figure) }
                base[cell(family.total)] = family.parts.reduce(0) { $0 + (leaves[cell($1)] ?? 0) }
            }
        }
        return base
    }
}
