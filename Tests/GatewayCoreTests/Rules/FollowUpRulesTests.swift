import GatewayCore
import Testing

/// QS 3.2: follow-up one and six months after discharge; QS 2.2: returns within twelve months.
@Suite("Follow-up after discharge")
struct FollowUpRulesTests {
    let closed = CalendarDay(year: 2026, month: 1, day: 31)!

    @Test func theRoundsOpenOneAndSixMonthsAfterDischargeClampedToTheMonth() {
        #expect(FollowUpRules.opens(.oneMonth, closedOn: closed).description == "2026-02-28")
        #expect(FollowUpRules.closes(.oneMonth, closedOn: closed).description == "2026-07-30")
        #expect(FollowUpRules.opens(.sixMonths, closedOn: closed).description == "2026-07-31")
        #expect(FollowUpRules.closes(.sixMonths, closedOn: closed).description == "2027-01-31")
        #expect(CalendarDay(year: 2024, month: 1, day: 31)!.adding(months: 1).description == "2024-02-29")
        #expect(CalendarDay(year: 2026, month: 11, day: 30)!.adding(months: 14).description == "2028-01-30")
        #expect(CalendarDay(year: 2026, month: 3, day: 15)!.adding(months: -3).description == "2025-12-15")
    }

    @Test func anAnswerComesInsideItsWindowAndOnlyOnce() {
        func check(_ round: FollowUpRound, _ day: String, answered: Bool = false) -> FollowUpRefusal? {
            do throws(FollowUpRefusal) {
                try FollowUpRules.checkAnswer(round, closedOn: closed, answered: answered, today: CalendarDay(iso: day)!)
                return nil
            } catch { return error }
        }
        #expect(check(.oneMonth, "2026-02-27") == .notYet(opensOn: CalendarDay(iso: "2026-02-28")!))
        #expect(check(.oneMonth, "2026-02-28") == nil)
        #expect(check(.oneMonth, "2026-07-30") == nil)
        #expect(check(.oneMonth, "2026-07-31") == .over)
        #expect(check(.oneMonth, "2026-03-10", answered: true) == .alreadyAnswered)
        #expect(check(.sixMonths, "2026-07-30") == .notYet(opensOn: CalendarDay(iso: "2026-07-31")!))
        #expect(check(.sixMonths, "2027-01-31") == nil)
        #expect(check(.sixMonths, "2027-02-01") == .over)
    }

    @Test func aReturnCountsWithinTwelveMonthsOfDischarge() {
        #expect(FollowUpRules.countsAsReturn(closedOn: closed, heldOn: CalendarDay(iso: "2027-01-31")!))
        #expect(!FollowUpRules.countsAsReturn(closedOn: closed, heldOn: CalendarDay(iso: "2027-02-01")!))
        #expect(FollowUpRules.reasons == [.completed, .otherOffer, .hospital, .other])
    }
}
