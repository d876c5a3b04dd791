import Foundation
import GatewayCore
import GRDB

/// One first conversation that came from a booking: the day it was booked and the day it took place.
public struct FirstConversation: Sendable {
    public let service: ServiceID
    public let provider: ProviderID
    public let bookedOn: CalendarDay
    public let heldOn: CalendarDay
}

/// The leaf counts of the statistics (per month × service × provider), read from the anonymous
/// store alone and only as counts: no row leaves this file. Totals and families are the grid's.
extension AnonymousStore {
    /// `limits`: each service's session limit, for `cases.at-limit`.
    public func statisticsCounts(
        from first: CalendarMonth, to last: CalendarMonth, limits: [ServiceID: Int]
    ) async throws(CaseStoreError) -> (counts: [StatCell: Int], firstConversations: [FirstConversation]) {
        let start = "\(first)-01", end = "\(last)-31"
        return try await read(CaseStoreError.self) { db in
            var counts: [StatCell: Int] = [:]
            func add(_ sql: String, _ figure: StatFigure, _ arguments: StatementArguments = []) throws {
                for row in try Row.fetchAll(db, sql: sql, arguments: [start, end] + arguments) {
                    guard let month = CalendarMonth(iso: row["month"]), let service = ServiceID(rawValue: row["serviceId"]) else { continue }
                    counts[StatCell(month: month, service: service, provider: ProviderID(row["providerId"] as String), figure: figure), default: 0] += row["n"] as Int
                }
            }
            let byCase = "FROM case_session s JOIN anonymous_case c ON c.code = s.caseCode WHERE s.heldOn BETWEEN ? AND ?"
            for (channel, figure) in [("web", StatFigure.bookingsWeb), ("phone", .bookingsPhone), ("case", .bookingsCase)] {
                try add("SELECT substr(bookedOn, 1, 7) AS month, serviceId, providerId, count(*) AS n FROM booking WHERE bookedOn BETWEEN ? AND ? AND channel = ? GROUP BY 1, 2, 3", figure, [channel])
            }
            try add("SELECT substr(bookedOn, 1, 7) AS month, serviceId, providerId, count(*) AS n FROM booking WHERE bookedOn BETWEEN ? AND ? AND status = 'cancelled' GROUP BY 1, 2, 3", .bookingsCancelled)
            try add("SELECT substr(s.heldOn, 1, 7) AS month, c.serviceId, c.providerId, count(*) AS n \(byCase) AND s.kind = 'no-show' GROUP BY 1, 2, 3", .noShows)
            try add("SELECT substr(s.heldOn, 1, 7) AS month, c.serviceId, c.providerId, count(*) AS n \(byCase) AND s.kind IN ('booked', 'walk-in', 'group') GROUP BY 1, 2, 3", .sessionsHeld)
            try add("SELECT substr(openedOn, 1, 7) AS month, serviceId, providerId, count(*) AS n FROM anonymous_case WHERE openedOn BETWEEN ? AND ? GROUP BY 1, 2, 3", .casesOpened)
            // The session that used up the limit, in the month it was held.
            let limitCases = limits.map { "WHEN '\($0.key.rawValue)' THEN \($0.value)" }.joined(separator: " ")
            if !limitCases.isEmpty {
                try add("SELECT substr(s.heldOn, 1, 7) AS month, c.serviceId, c.providerId, count(*) AS n \(byCase) AND s.kind != 'no-show' AND s.number = CASE c.serviceId \(limitCases) ELSE -1 END GROUP BY 1, 2, 3", .casesAtLimit)
            }
            // Decisions are dated by their access-log entry (the case keeps no decision day).
            let decided = "FROM access_log l JOIN anonymous_case c ON c.code = l.caseCode WHERE l.day BETWEEN ? AND ?"
            try add("SELECT substr(l.day, 1, 7) AS month, c.serviceId, c.providerId, count(*) AS n \(decided) AND l.action = 'decision-granted' GROUP BY 1, 2, 3", .decisionsGranted)
            try add("SELECT substr(l.day, 1, 7) AS month, c.serviceId, c.providerId, count(*) AS n \(decided) AND l.action = 'decision-refused' GROUP BY 1, 2, 3", .decisionsRefused)
            try add("SELECT substr(l.day, 1, 7) AS month, c.serviceId, c.providerId, count(*) AS n \(decided) AND l.action = 'decision-granted' AND c.referralProviderId IS NOT NULL AND c.referralProviderId != c.providerId GROUP BY 1, 2, 3", .referrals)
            let closed = "FROM anonymous_case WHERE status = 'closed' AND closedOn BETWEEN ? AND ?"
            try add("SELECT substr(closedOn, 1, 7) AS month, serviceId, providerId, count(*) AS n \(closed) AND dischargeReason = 'transferred' GROUP BY 1, 2, 3", .handovers)
            for (reason, figure) in [("completed", StatFigure.dischargesCompleted), ("other-offer", .dischargesOtherOffer), ("hospital", .dischargesHospital),
                                     ("other", .dischargesOther), ("transferred", .dischargesTransferred)] {
                try add("SELECT substr(closedOn, 1, 7) AS month, serviceId, providerId, count(*) AS n \(closed) AND dischargeReason = ? GROUP BY 1, 2, 3", figure, [reason])
            }
            for (outcome, figure) in [("drug-free", StatFigure.outcomesDrugFree), ("reduced", .outcomesReduced), ("unchanged", .outcomesUnchanged),
                                      ("unknown", .outcomesUnknown)] {
                try add("SELECT substr(closedOn, 1, 7) AS month, serviceId, providerId, count(*) AS n \(closed) AND outcome = ? GROUP BY 1, 2, 3", figure, [outcome])
            }
            // Courses: the second session held; completed after at least two sessions.
            try add("SELECT substr(s.heldOn, 1, 7) AS month, c.serviceId, c.providerId, count(*) AS n \(byCase) AND s.number = 2 GROUP BY 1, 2, 3", .coursesStarted)
            try add("""
                SELECT substr(closedOn, 1, 7) AS month, serviceId, providerId, count(*) AS n \(closed) AND dischargeReason = 'completed'
                AND (SELECT count(*) FROM case_session s WHERE s.caseCode = anonymous_case.code) >= 2 GROUP BY 1, 2, 3
                """, .coursesCompleted)
            // Follow-up answers, in the month answered.
            let answered = "FROM follow_up f JOIN anonymous_case c ON c.code = f.caseCode WHERE f.answeredIn BETWEEN substr(?, 1, 7) AND substr(?, 1, 7)"
            for (round, uses) in [("1-month", [StatFigure.followUpsOneMonthNone, .followUpsOneMonthLess, .followUpsOneMonthSame, .followUpsOneMonthMore]),
                                  ("6-months", [.followUpsSixMonthsNone, .followUpsSixMonthsLess, .followUpsSixMonthsSame, .followUpsSixMonthsMore])] {
                for (use, figure) in zip(FollowUpUse.allCases, uses) {
                    try add("SELECT f.answeredIn AS month, c.serviceId, c.providerId, count(*) AS n \(answered) AND f.round = ? AND f.currentUse = ? GROUP BY 1, 2, 3",
                            figure, [round, use.rawValue])
                }
            }
            try add("SELECT f.answeredIn AS month, c.serviceId, c.providerId, count(*) AS n \(answered) AND f.wantsConversation = 1 GROUP BY 1, 2, 3",
                    .followUpsWantConversation)
            // Returns, in the month of the discharge they follow: one per case, whichever token came back.
            let returned = "FROM anonymous_case c WHERE c.status = 'closed' AND c.closedOn BETWEEN ? AND ? AND EXISTS (SELECT 1 FROM follow_up f WHERE f.caseCode = c.code AND f.returnedIn IS NOT NULL)"
            try add("SELECT substr(c.closedOn, 1, 7) AS month, c.serviceId, c.providerId, count(*) AS n \(returned) GROUP BY 1, 2, 3", .returns)
            try add("SELECT substr(c.closedOn, 1, 7) AS month, c.serviceId, c.providerId, count(*) AS n \(returned) AND c.outcome = 'drug-free' GROUP BY 1, 2, 3", .returnsAfterDrugFree)
            // Complaints, per provider (service nil), in the month they came.
            for (topic, figure) in [(ComplaintTopic.treatment, StatFigure.complaintsTreatment), (.staff, .complaintsStaff),
                                    (.service, .complaintsService), (.decision, .complaintsDecision)] {
                for row in try Row.fetchAll(db, sql: """
                    SELECT substr(receivedOn, 1, 7) AS month, providerId, count(*) AS n FROM complaint
                    WHERE receivedOn BETWEEN ? AND ? AND about = ? GROUP BY 1, 2
                    """, arguments: [start, end, topic.rawValue]) {
                    guard let month = CalendarMonth(iso: row["month"]) else { continue }
                    counts[StatCell(month: month, service: nil, provider: ProviderID(row["providerId"] as String), figure: figure), default: 0] += row["n"] as Int
                }
            }
            // First conversations from a booking: the checked-in booking that opened its case.
            let first = try Row.fetchAll(db, sql: """
                SELECT c.serviceId, c.providerId, b.bookedOn, c.openedOn FROM booking b JOIN anonymous_case c ON c.code = b.caseCode
                WHERE b.status = 'checked-in' AND c.openedOn BETWEEN ? AND ?
                  AND NOT EXISTS (SELECT 1 FROM case_session s WHERE s.caseCode = c.code AND s.number = 1 AND s.kind = 'walk-in')
                  AND b.id = (SELECT b2.id FROM booking b2 WHERE b2.caseCode = c.code ORDER BY b2.startsAt LIMIT 1)
                """, arguments: [start, end]).compactMap { row -> FirstConversation? in
                guard let service = ServiceID(rawValue: row["serviceId"]), let booked = CalendarDay(iso: row["bookedOn"]),
                      let held = CalendarDay(iso: row["openedOn"]) else { return nil }
                return FirstConversation(service: service, provider: ProviderID(row["providerId"] as String), bookedOn: booked, heldOn: held)
            }
            return (counts, first)
        }
    }
}
