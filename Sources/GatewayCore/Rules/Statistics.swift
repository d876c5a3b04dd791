import Foundation

/// The figures the municipality reports (QS 4.3, 2.2, 3.1, 3.2), and the small-cell suppression
/// that keeps any of them from singling someone out.
///
/// Figures are counted per calendar month, service and provider, with totals over providers, over
/// services and over both — and nothing else: no period totals, so two periods, or a quarter and
/// one of its months, only ever show the same monthly cells and nothing can be had by differencing.
/// Within a month every sum the table shows is a relation (`StatisticsGrid.relations`), and
/// suppression makes sure no relation ever has exactly one hidden cell.
public enum StatFigure: String, CaseIterable, Sendable, Codable {
    case bookings
    case bookingsWeb = "bookings.web"
    case bookingsPhone = "bookings.phone"
    /// The next session a counsellor booked for a case.
    case bookingsCase = "bookings.case"
    case bookingsCancelled = "bookings.cancelled"
    case noShows = "sessions.no-show"
    case casesOpened = "cases.opened"
    case sessionsHeld = "sessions.held"
    case casesAtLimit = "cases.at-limit"
    case decisions
    case decisionsGranted = "decisions.granted"
    case decisionsRefused = "decisions.refused"
    case referrals
    case handovers
    case discharges
    case dischargesCompleted = "discharges.completed"
    case dischargesOtherOffer = "discharges.other-offer"
    case dischargesHospital = "discharges.hospital"
    case dischargesOther = "discharges.other"
    case dischargesTransferred = "discharges.transferred"
    case outcomes
    case outcomesDrugFree = "outcomes.drug-free"
    case outcomesReduced = "outcomes.reduced"
    case outcomesUnchanged = "outcomes.unchanged"
    case outcomesUnknown = "outcomes.unknown"
    /// Drug-free or reduced: the numerator of the QS 2.2 share, published (and protected) as a cell.
    case outcomesDrugFreeOrReduced = "outcomes.drug-free-or-reduced"
    /// First conversations that came from a booking, by how soon after the booking day (QS 3.1, §101 stk. 4).
    case firstConversationsBooked = "first-conversations.booked"
    case firstConversationsStraks = "first-conversations.straks"
    case firstConversationsWithin14Days = "first-conversations.2-14-days"
    case firstConversationsLater = "first-conversations.later"
    /// Straks or within 14 days: the numerator of the 14-day share.
    case firstConversationsWithinGuarantee = "first-conversations.within-14-days"
    /// Courses (QS 4.3 "opstartede forløb"): a case whose second session was held — past the first
    /// (for PAS the clarifying) conversation — in the month; completed: closed as completed after
    /// at least two sessions, in the month it closed.
    case coursesStarted = "courses.started"
    case coursesCompleted = "courses.completed"
    /// Follow-up answers (QS 3.2), in the month answered, by round and the citizen's use now.
    case followUpsOneMonth = "follow-ups.1-month"
    case followUpsOneMonthNone = "follow-ups.1-month.none"
    case followUpsOneMonthLess = "follow-ups.1-month.less"
    case followUpsOneMonthSame = "follow-ups.1-month.same"
    case followUpsOneMonthMore = "follow-ups.1-month.more"
    case followUpsSixMonths = "follow-ups.6-months"
    case followUpsSixMonthsNone = "follow-ups.6-months.none"
    case followUpsSixMonthsLess = "follow-ups.6-months.less"
    case followUpsSixMonthsSame = "follow-ups.6-months.same"
    case followUpsSixMonthsMore = "follow-ups.6-months.more"
    case followUpsWantConversation = "follow-ups.wants-conversation"
    /// Cases discharged in the month whose citizen came back within twelve months by presenting
    /// their follow-up token (QS 2.2) — only those; a month's figure can grow for twelve months.
    case returns
    /// Of those, discharged drug-free: the numerator of the QS 2.2 return share (target at most 33 %).
    case returnsAfterDrugFree = "returns.after-drug-free"
    /// Complaints received (QS 6, counted for QS 4.3), by what they are about. Counted per provider
    /// only: a complaint sent without a token names no service.
    case complaints
    case complaintsTreatment = "complaints.treatment"
    case complaintsStaff = "complaints.staff"
    case complaintsService = "complaints.service"
    case complaintsDecision = "complaints.decision"

    /// Figures counted per provider, not per service: they have no service cells, only the
    /// provider's cell and the total over providers.
    public var isPerService: Bool {
        switch self {
        case .complaints, .complaintsTreatment, .complaintsStaff, .complaintsService, .complaintsDecision: false
        default: true
        }
    }

    /// The sums between figures the table shows: (total, parts).
    public static let families: [(total: StatFigure, parts: [StatFigure])] = [
        (.bookings, [.bookingsWeb, .bookingsPhone, .bookingsCase]),
        (.decisions, [.decisionsGranted, .decisionsRefused]),
        (.discharges, [.dischargesCompleted, .dischargesOtherOffer, .dischargesHospital, .dischargesOther, .dischargesTransferred]),
        (.outcomes, [.outcomesDrugFree, .outcomesReduced, .outcomesUnchanged, .outcomesUnknown]),
        (.outcomesDrugFreeOrReduced, [.outcomesDrugFree, .outcomesReduced]),
        (.firstConversationsBooked, [.firstConversationsStraks, .firstConversationsWithin14Days, .firstConversationsLater]),
        (.firstConversationsWithinGuarantee, [.firstConversationsStraks, .firstConversationsWithin14Days]),
        (.complaints, [.complaintsTreatment, .complaintsStaff, .complaintsService, .complaintsDecision]),
        (.followUpsOneMonth, [.followUpsOneMonthNone, .followUpsOneMonthLess, .followUpsOneMonthSame, .followUpsOneMonthMore]),
        (.followUpsSixMonths, [.followUpsSixMonthsNone, .followUpsSixMonthsLess, .followUpsSixMonthsSame, .followUpsSixMonthsMore]),
    ]
}

/// One cell: a month, a service (nil: all services) and a provider (nil: all providers).
public struct StatCell: Hashable, Sendable, Comparable {
    public var month: CalendarMonth
    public var service: ServiceID?
    public var provider: ProviderID?
    public var figure: StatFigure

    public init(month: CalendarMonth, service: ServiceID?, provider: ProviderID?, figure: StatFigure) {
        self.month = month; self.service = service; self.provider = provider; self.figure = figure
    }

    public static func < (a: StatCell, b: StatCell) -> Bool {
        (a.month, a.service?.rawValue ?? "~", a.provider?.rawValue ?? "~", a.figure.rawValue)
            < (b.month, b.service?.rawValue ?? "~", b.provider?.rawValue ?? "~", b.figure.rawValue)
    }
}

/// What a cell shows: a count, or "fewer than k" (never which).
public enum StatValue: Hashable, Sendable, CustomStringConvertible {
    case count(Int)
    case suppressed(minimum: Int)

    public var description: String {
        switch self {
        case .count(let value): String(value)
        case .suppressed(let minimum): "<\(minimum)"
        }
    }
}

/// The counts of whole months for the services and providers that offer them, with every total,
/// suppressed: counts 1…k−1 hidden (primary), and then, in every relation (a total and its parts)
/// with exactly one hidden cell, one more hidden (secondary) — the smallest non-zero part, else the
/// total — until no relation has exactly one.
public struct StatisticsGrid: Sendable {
    public let minimumCellSize: Int
    public let months: [CalendarMonth]
    /// Every cell the grid shows, with its true count (never published for a suppressed cell).
    let counts: [StatCell: Int]
    public let relations: [(total: StatCell, parts: [StatCell])]
    public let suppressed: Set<StatCell>
    /// Primary suppression only (for tests that attack the grid).
    public let primary: Set<StatCell>

    /// `base` holds counts per month × service × provider (absent: 0); `offers` which providers offer which service.
    public init(months: [CalendarMonth], offers: [ServiceID: [ProviderID]], base: [StatCell: Int], minimumCellSize k: Int) {
        precondition(k >= 3, "statistics.minimumCellSize is at least 3")
        self.minimumCellSize = k
        self.months = months
        var counts: [StatCell: Int] = [:]
        var relations: [(total: StatCell, parts: [StatCell])] = []
        let services = ServiceID.allCases.filter { !(offers[$0] ?? []).isEmpty }
        let providers = Array(Set(offers.values.joined())).sorted { $0.rawValue < $1.rawValue }
        for month in months {
            for figure in StatFigure.allCases {
                func cell(_ service: ServiceID?, _ provider: ProviderID?) -> StatCell {
                    StatCell(month: month, service: service, provider: provider, figure: figure)
                }
                guard figure.isPerService else {
                    // A provider-level figure: each provider's cell and the total over providers.
                    for provider in providers { counts[cell(nil, provider)] = base[cell(nil, provider)] ?? 0 }
                    counts[cell(nil, nil)] = providers.reduce(0) { $0 + counts[cell(nil, $1)]! }
                    relations.append((cell(nil, nil), providers.map { cell(nil, $0) }))
                    continue
                }
                for service in services {
                    for provider in offers[service] ?? [] { counts[cell(service, provider)] = base[cell(service, provider)] ?? 0 }
                }
                // Totals over providers (per service), over services (per provider) and over both.
                for service in services {
                    let parts = (offers[service] ?? []).map { cell(service, $0) }
                    counts[cell(service, nil)] = parts.reduce(0) { $0 + counts[$1]! }
                    relations.append((cell(service, nil), parts))
                }
                for provider in providers {
                    let parts = services.filter { (offers[$0] ?? []).contains(provider) }.map { cell($0, provider) }
                    counts[cell(nil, provider)] = parts.reduce(0) { $0 + counts[$1]! }
                    relations.append((cell(nil, provider), parts))
                }
                counts[cell(nil, nil)] = services.reduce(0) { $0 + counts[cell($1, nil)]! }
                relations.append((cell(nil, nil), services.map { cell($0, nil) }))
                relations.append((cell(nil, nil), providers.map { cell(nil, $0) }))
            }
            // Sums between figures, at every level.
            var levels: [(ServiceID?, ProviderID?)] = []
            for service in services {
                for provider in offers[service] ?? [] { levels.append((service, provider)) }
                levels.append((service, nil))
            }
            for provider in providers { levels.append((nil, provider)) }
            levels.append((nil, nil))
            for (service, provider) in levels {
                for family in StatFigure.families where service == nil || family.total.isPerService {
                    relations.append((StatCell(month: month, service: service, provider: provider, figure: family.total),
                                      family.parts.map { StatCell(month: month, service: service, provider: provider, figure: $0) }))
                }
            }
        }
        self.counts = counts
        self.relations = relations

        let primary = Set(counts.filter { (1..<k).contains($0.value) }.keys)
        var hidden = primary
        while true {
            // Every sum with exactly one hidden cell would give it away: hide one more there.
            var changed = true
            while changed {
                changed = false
                for relation in relations {
                    let cells = [relation.total] + relation.parts
                    guard cells.filter({ hidden.contains($0) }).count == 1 else { continue }
                    let open = relation.parts.filter { !hidden.contains($0) }
                    let smallestNonZero = open.filter { counts[$0]! > 0 }.min { (counts[$0]!, $0) < (counts[$1]!, $1) }
                    let fallback: StatCell? = hidden.contains(relation.total) ? open.min() : relation.total
                    guard let extra = smallestNonZero ?? fallback else { continue }
                    hidden.insert(extra)
                    changed = true
                }
            }
            // Taken together the sums can still pin a hidden count down (an analyst solves them all
            // at once): hide one more cell near every primary cell the month's equations determine.
            var added = false
            for month in months {
                for cell in Self.determined(primary.filter { $0.month == month }, hidden: hidden, relations: relations, month: month) {
                    let neighbours = Self.nearestShown(to: cell, hidden: hidden, relations: relations)
                    if let extra = neighbours.min(by: { (counts[$0]! == 0 ? Int.max : counts[$0]!, $0) < (counts[$1]! == 0 ? Int.max : counts[$1]!, $1) }) {
                        hidden.insert(extra)
                        added = true
                    }
                }
            }
            if !added { break }
        }
        self.primary = primary
        self.suppressed = hidden
    }

    /// The primary cells of a month whose count the month's sums determine: the hidden cells are
    /// the unknowns, each relation one equation; a cell is determined when the reduced row echelon
    /// form has a row that is its unit vector.
    static func determined(
        _ targets: Set<StatCell>, hidden: Set<StatCell>, relations: [(total: StatCell, parts: [StatCell])], month: CalendarMonth
    ) -> [StatCell] {
        guard !targets.isEmpty else { return [] }
        let unknowns = hidden.filter { $0.month == month }.sorted()
        let index = Dictionary(uniqueKeysWithValues: unknowns.enumerated().map { ($1, $0) })
        var rows: [[Double]] = []
        for relation in relations where relation.total.month == month {
            var row = [Double](repeating: 0, count: unknowns.count)
            if let i = index[relation.total] { row[i] -= 1 }
            for part in relation.parts { if let i = index[part] { row[i] += 1 } }
            if row.contains(where: { $0 != 0 }) { rows.append(row) }
        }
        let reduced = reducedRowEchelon(rows, columns: unknowns.count)
        var found: [StatCell] = []
        for row in reduced {
            let nonZero = row.indices.filter { abs(row[$0]) > 1e-9 }
            if nonZero.count == 1, targets.contains(unknowns[nonZero[0]]) { found.append(unknowns[nonZero[0]]) }
        }
        return found
    }

    /// The shown cells of the relations nearest to a cell: its own relations, or, when all their
    /// cells are hidden already, the relations of those hidden cells, and so on.
    static func nearestShown(to cell: StatCell, hidden: Set<StatCell>, relations: [(total: StatCell, parts: [StatCell])]) -> [StatCell] {
        var frontier: Set<StatCell> = [cell], seen: Set<StatCell> = [cell]
        let monthly = relations.filter { $0.total.month == cell.month }
        while !frontier.isEmpty {
            let touching = monthly.filter { relation in frontier.contains(relation.total) || relation.parts.contains(where: frontier.contains) }
            let cells = touching.flatMap { [$0.total] + $0.parts }
            let shown = cells.filter { !hidden.contains($0) }
            if !shown.isEmpty { return shown }
            frontier = Set(cells).subtracting(seen)
            seen.formUnion(frontier)
        }
        return []
    }

    static func reducedRowEchelon(_ input: [[Double]], columns: Int) -> [[Double]] {
        var matrix = input
        var pivotRow = 0
        for column in 0..<columns where pivotRow < matrix.count {
            guard let pivot = (pivotRow..<matrix.count).max(by: { abs(matrix[$0][column]) < abs(matrix[$1][column]) }),
                  abs(matrix[pivot][column]) > 1e-9 else { continue }
            matrix.swapAt(pivotRow, pivot)
            let scale = matrix[pivotRow][column]
            for c in 0..<columns { matrix[pivotRow][c] /= scale }
            for row in 0..<matrix.count where row != pivotRow && abs(matrix[row][column]) > 1e-9 {
                let factor = matrix[row][column]
                for c in 0..<columns { matrix[row][c] -= factor * matrix[pivotRow][c] }
            }
            pivotRow += 1
        }
        return Array(matrix.prefix(pivotRow))
    }

    /// What a cell shows.
    public func value(_ cell: StatCell) -> StatValue? {
        guard let count = counts[cell] else { return nil }
        return suppressed.contains(cell) ? .suppressed(minimum: minimumCellSize) : .count(count)
    }

    /// Every cell, in a stable order, optionally for one provider only (a provider-admin's view:
    /// the same cells, the same suppression, so two roles' views cannot be differenced).
    public func cells(provider: ProviderID? = nil) -> [(StatCell, StatValue)] {
        counts.keys.filter { provider == nil || $0.provider == provider }.sorted().map { ($0, value($0)!) }
    }

    /// A share in percent, from true counts, only where the denominator is at least k and both the
    /// numerator and denominator cells are shown (a share with a shown denominator would give away a
    /// hidden numerator).
    public func share(_ numerator: StatCell, of denominator: StatCell) -> Double? {
        guard let top = counts[numerator], let bottom = counts[denominator], bottom >= minimumCellSize,
              !suppressed.contains(numerator), !suppressed.contains(denominator) else { return nil }
        return Double(top) / Double(bottom) * 100
    }
}
