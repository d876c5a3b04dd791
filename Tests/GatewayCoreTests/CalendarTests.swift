import GatewayCore
import Testing

@Suite("Calendar days and Danish holidays")
struct CalendarTests {
    func day(_ text: String) -> CalendarDay { CalendarDay(iso: text)! }

    @Test func parsesStrictlyAndKnowsWeekdays() {
        #expect(day("2026-11-23").weekday == .monday)
        #expect(day("2026-11-22").weekday == .sunday)
        #expect(day("2024-02-29").weekday == .thursday)
        #expect(CalendarDay(iso: "2026-02-29") == nil)
        #expect(CalendarDay(iso: "2026-1-05") == nil)
        #expect(CalendarDay(iso: "2026-13-01") == nil)
        #expect(CalendarDay(iso: "２０２６-01-01") == nil)
        #expect(day("2026-12-31").adding(days: 1) == day("2027-01-01"))
        #expect(day("2026-03-01").adding(days: -1) == day("2026-02-28"))
        #expect(day("2026-11-22").days(until: day("2026-12-06")) == 14)
    }

    @Test(arguments: [
        (2000, "2000-04-23"), (2019, "2019-04-21"), (2024, "2024-03-31"), (2025, "2025-04-20"),
        (2026, "2026-04-05"), (2027, "2027-03-28"), (2038, "2038-04-25"),
    ])
    func easterSunday(year: Int, expected: String) {
        #expect(DanishHolidays.easterSunday(year) == day(expected))
    }

    @Test func holidaysOf2026() {
        let days = Set(DanishHolidays.holidays(in: 2026).map(\.day.description))
        #expect(days == [
            "2026-01-01", "2026-04-02", "2026-04-03", "2026-04-05", "2026-04-06", "2026-05-14",
            "2026-05-24", "2026-05-25", "2026-12-25", "2026-12-26",
        ])
    }

    @Test func storeBededagEndedIn2024() {
        #expect(DanishHolidays.isHoliday(day("2023-05-05")))
        #expect(!DanishHolidays.isHoliday(day("2024-04-26")))
        #expect(!DanishHolidays.isHoliday(day("2026-05-01")))
    }

    @Test func openingIntervalsAreValidated() {
        #expect(OpeningInterval("08:00-12:00") != nil)
        #expect(OpeningInterval("12:00-08:00") == nil)
        #expect(OpeningInterval("08:00-08:00") == nil)
        #expect(OpeningInterval("25:00-26:00") == nil)
        #expect(OpeningInterval("8-12") == nil)
        let overlapping = WeeklyHours([.monday: [OpeningInterval("08:00-12:00")!, OpeningInterval("11:00-13:00")!]])
        #expect(overlapping == nil)
    }
}
