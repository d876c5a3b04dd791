import Foundation
import GatewayCore

/// The figures as published — JSON, CSV (one row per month × service × provider × figure) or a
/// plain table — the same for the API and `anongate stats`. `*` is "all".
public struct StatisticsReport: Encodable, Sendable {
    public struct Cell: Encodable, Sendable {
        public let month: String
        public let service: String
        public let provider: String
        public let figure: String
        /// A count, or `"<k"` for a hidden one.
        public let value: String
    }

    public struct Share: Encodable, Sendable {
        public let month: String
        public let service: String
        public let provider: String
        public let name: String
        /// Percent, one decimal; absent where the denominator is below k or a count is hidden.
        public let percent: Double?
        /// The quality standard's target for this share, in percent, where it has one.
        public let target: Double?
        /// Whether the share should be at least (`at-least`) or at most (`at-most`) the target.
        public let targetIs: String?
    }

    public let from: String
    public let to: String
    public let minimumCellSize: Int
    public let cells: [Cell]
    public let shares: [Share]

    /// `provider`: a provider-admin's own provider (only its cells); nil for the manager (all).
    public init(grid: StatisticsGrid, provider: ProviderID?) {
        from = grid.months.first!.description
        to = grid.months.last!.description
        minimumCellSize = grid.minimumCellSize
        let shown = grid.cells(provider: provider)
        cells = shown.map { cell, value in
            Cell(month: cell.month.description, service: cell.service?.rawValue ?? "*", provider: cell.provider?.rawValue ?? "*",
                 figure: cell.figure.rawValue, value: value.description)
        }
        // QS 2.2: at least 50 % drug-free or reduced, at most 33 % of those discharged drug-free
        // return within 12 months (counted only where a follow-up token was presented); QS 3.1 and
        // §101 stk. 4: the guarantee.
        let definitions: [(String, StatFigure, StatFigure, Double?, String?)] = [
            ("outcomes.drug-free-or-reduced", .outcomesDrugFreeOrReduced, .outcomes, 50, "at-least"),
            ("returns.after-drug-free", .returnsAfterDrugFree, .outcomesDrugFree, 33, "at-most"),
            ("first-conversations.straks", .firstConversationsStraks, .firstConversationsBooked, nil, nil),
            ("first-conversations.within-14-days", .firstConversationsWithinGuarantee, .firstConversationsBooked, nil, nil),
        ]
        let levels = Set(shown.map { StatCell(month: $0.0.month, service: $0.0.service, provider: $0.0.provider, figure: .bookings) }).sorted()
        shares = levels.flatMap { level in
            definitions.map { name, top, bottom, target, targetIs in
                func at(_ figure: StatFigure) -> StatCell { StatCell(month: level.month, service: level.service, provider: level.provider, figure: figure) }
                return Share(month: level.month.description, service: level.service?.rawValue ?? "*", provider: level.provider?.rawValue ?? "*",
                             name: name, percent: grid.share(at(top), of: at(bottom)).map { ($0 * 10).rounded() / 10 }, target: target,
                             targetIs: targetIs)
            }
        }
    }

    public func json() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding strings and numbers cannot fail.
        return try! encoder.encode(self)
    }

    public func csv() -> String {
        var lines = ["month,service,provider,figure,value"]
        for cell in cells { lines.append([cell.month, cell.service, cell.provider, cell.figure, cell.value].joined(separator: ",")) }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    public func table() -> String {
        var lines = ["figures \(from) to \(to); counts from 1 to \(minimumCellSize - 1), and cells that would give one away, are shown as <\(minimumCellSize)"]
        var month = ""
        for cell in cells {
            if cell.month != month { month = cell.month; lines.append(""); lines.append(month) }
            lines.append("  " + [cell.service.padding(toLength: 14, withPad: " ", startingAt: 0), cell.provider.padding(toLength: 10, withPad: " ", startingAt: 0),
                                  cell.figure.padding(toLength: 36, withPad: " ", startingAt: 0), cell.value].joined(separator: " "))
        }
        lines.append("")
        lines.append("shares (only where the denominator is at least \(minimumCellSize) and no count is hidden)")
        for share in shares where share.percent != nil {
            lines.append("  \(share.month) \(share.service) \(share.provider) \(share.name): \(share.percent!) %" + (share.target.map { " (target \($0) %)" } ?? ""))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
