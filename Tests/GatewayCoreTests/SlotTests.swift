import Foundation
import GatewayCore
import GatewayTestSupport
import Testing

@Suite("Slot calculation")
struct SlotTests {
    let configuration = try! TestFixtures.configuration()
    var calculator: SlotCalculator { SlotCalculator(configuration: configuration) }
    func day(_ text: String) -> CalendarDay { CalendarDay(iso: text)! }
    let longAgo = Date(timeIntervalSince1970: 0)

    @Test func mondayFollowsTheOpeningHoursEarliestFirst() {
        let slots = calculator.slots(for: .uturn, from: day("2026-11-23"), days: 1, notBefore: longAgo)
        let times = slots.map { calculator.timeOfDay($0.start).description }
        // U-turn: 45-minute conversations in 08–12 and 15–18.
        #expect(times == ["08:00", "08:45", "09:30", "10:15", "11:00", "15:00", "15:45", "16:30", "17:15"])
        #expect(slots.allSatisfy { $0.end.timeIntervalSince($0.start) == 45 * 60 })
        #expect(zip(slots, slots.dropFirst()).allSatisfy { $0.start <= $1.start })
    }

    @Test func wednesdayIsMorningOnlyAndWeekendsAreClosed() {
        let wednesday = calculator.slots(for: .relatives, from: day("2026-11-25"), days: 1, notBefore: longAgo)
        #expect(wednesday.map { calculator.timeOfDay($0.start).description } == ["08:00", "09:00", "10:00", "11:00"])
        #expect(calculator.slots(for: .relatives, from: day("2026-11-28"), days: 2, notBefore: longAgo).isEmpty)
    }

    @Test func pasOffersBothProvidersInCopenhagenAndFrederiksberg() {
        let slots = calculator.slots(for: .pas, from: day("2026-11-23"), days: 1, notBefore: longAgo)
        #expect(Set(slots.map(\.providerId.rawValue)) == ["kk-pas", "frb-pas"])
    }

    @Test func easterWeekIsClosedOnItsHolidays() {
        // 2026: Skærtorsdag 2 April, Langfredag 3 April, 2. påskedag 6 April.
        let slots = calculator.slots(for: .uturn, from: day("2026-03-30"), days: 9, notBefore: longAgo)
        let days = Set(slots.map(\.id.day.description))
        #expect(days == ["2026-03-30", "2026-03-31", "2026-04-01", "2026-04-07"])
    }

    @Test func configuredYearlyClosuresApply() {
        #expect(calculator.slots(for: .uturn, from: day("2026-12-24"), days: 1, notBefore: longAgo).isEmpty)
        #expect(calculator.slots(for: .uturn, from: day("2026-06-05"), days: 1, notBefore: longAgo).isEmpty)
    }

    @Test func summerTimeEndsBetweenFridayAndMonday() {
        // Summer time ends on Sunday 25 October 2026.
        let friday = calculator.slots(for: .pas, from: day("2026-10-23"), days: 1, notBefore: longAgo).first!
        let monday = calculator.slots(for: .pas, from: day("2026-10-26"), days: 1, notBefore: longAgo).first!
        #expect(calculator.iso8601(friday.start) == "2026-10-23T08:00:00+02:00")
        #expect(calculator.iso8601(monday.start) == "2026-10-26T08:00:00+01:00")
        #expect(monday.start.timeIntervalSince(friday.start) == 3 * 86_400 + 3600)
    }

    @Test func summerTimeStartsInMarch() {
        let friday = calculator.slots(for: .pas, from: day("2026-03-27"), days: 1, notBefore: longAgo).first!
        let monday = calculator.slots(for: .pas, from: day("2026-03-30"), days: 1, notBefore: longAgo).first!
        #expect(calculator.iso8601(friday.start) == "2026-03-27T08:00:00+01:00")
        #expect(calculator.iso8601(monday.start) == "2026-03-30T08:00:00+02:00")
    }

    /// Hostile input: slot ids like `uturn.uturn.20260329T0215`. With opening hours at night, a
    /// conversation at a time the clocks skip or repeat, or across the change, is never a slot.
    @Test func noSlotWhenTheClocksChange() {
        var night = configuration
        let index = night.providers.firstIndex { $0.id == ProviderID("uturn") }!
        night.providers[index].openingHours = WeeklyHours([.sunday: [OpeningInterval("00:00-06:00")!]])!
        let calculator = SlotCalculator(configuration: night)
        func times(_ text: String) -> [String] {
            calculator.slots(for: .uturn, from: day(text), days: 1, notBefore: longAgo).map(\.id.time.description)
        }
        // 45 minutes from midnight: 01:30 ends at 02:15, 02:15 starts, in the hour skipped (29 March) or repeated (25 October).
        #expect(times("2026-11-22") == ["00:00", "00:45", "01:30", "02:15", "03:00", "03:45", "04:30", "05:15"])
        #expect(times("2026-03-29") == ["00:00", "00:45", "03:00", "03:45", "04:30", "05:15"])
        #expect(times("2026-10-25") == ["00:00", "00:45", "03:00", "03:45", "04:30", "05:15"])
        #expect(calculator.slot(SlotID("uturn.uturn.20260329T0215")!) == nil)
        #expect(calculator.slot(SlotID("uturn.uturn.20261025T0215")!) == nil)
        #expect(calculator.slot(SlotID("uturn.uturn.20260329T0130")!) == nil)
        #expect(calculator.slot(SlotID("uturn.uturn.20261122T0215")!) != nil)
        #expect(calculator.slot(SlotID("uturn.uturn.20260329T0300")!).map { calculator.iso8601($0.start) } == "2026-03-29T03:00:00+02:00")
    }

    @Test func pastSlotsAreNotOffered() {
        let now = TestFixtures.instant(2026, 11, 23, 10, 5)
        let slots = calculator.slots(for: .uturn, from: day("2026-11-23"), days: 1, notBefore: now)
        #expect(slots.first.map { calculator.timeOfDay($0.start).description } == "10:15")
    }

    @Test func straksMeansTheNextWeekdayIsFirstAfterAWeekend() {
        let saturdayNoon = TestFixtures.instant(2026, 11, 21, 12)
        let first = calculator.slots(for: .pas, from: day("2026-11-21"), days: 7, notBefore: saturdayNoon).first!
        #expect(first.id.day == day("2026-11-23"))
    }

    @Test func slotIdsRoundTripAndOnlyRealSlotsResolve() {
        let slot = calculator.slots(for: .pas, from: day("2026-11-23"), days: 1, notBefore: longAgo)[3]
        #expect(SlotID(slot.id.description) == slot.id)
        #expect(calculator.slot(slot.id) == slot)
        let offGrid = SlotID("kk-pas.pas.20261123T0830")!
        #expect(calculator.slot(offGrid) == nil)
        #expect(calculator.slot(SlotID("kk-pas.pas.20261122T0800")!) == nil)        // Sunday
        #expect(calculator.slot(SlotID("kk-pas.pas.20261225T0800")!) == nil)        // Christmas Day
        #expect(calculator.slot(SlotID("kk-pas.pas.20261123T1100")!) != nil)        // last morning hour
        #expect(calculator.slot(SlotID("kk-pas.pas.20261123T1130")!) == nil)        // would end after 12:00
        #expect(calculator.slot(SlotID("uturn.pas.20261123T0800")!) == nil)         // U-turn offers no PAS
        #expect(calculator.slot(SlotID("nowhere.pas.20261123T0800")!) == nil)
        for bad in ["", "kk-pas.pas", "kk-pas.nope.20261123T0800", "kk-pas.pas.20261323T0800", "kk-pas.pas.2026112T0800",
                    "kk-pas.pas.20261123T2500", String(repeating: "x", count: 500)] {
            #expect(SlotID(bad) == nil)
        }
    }
}

@Suite("Wall-clock conversions")
struct WallClockTests {
    let calculator = SlotCalculator(configuration: try! TestFixtures.configuration())

    /// A skipped wall time names no instant, a repeated one two, an hour apart.
    @Test func skippedAndRepeatedTimes() {
        let clock = WallClock(timeZone: TestFixtures.copenhagen)
        func at(_ text: String, _ time: String) -> [Date] { clock.instants(CalendarDay(iso: text)!, TimeOfDay(time)!) }
        #expect(at("2027-03-28", "02:30").isEmpty)
        #expect(at("2027-03-28", "02:00").isEmpty)
        #expect(at("2027-03-28", "03:00") == [TestFixtures.instant(2027, 3, 28, 3)])
        #expect(at("2027-03-28", "01:59").count == 1)
        let twice = at("2026-10-25", "02:30")
        #expect(twice.count == 2 && twice[1].timeIntervalSince(twice[0]) == 3600)
        #expect(twice.map { calculator.iso8601($0) } == ["2026-10-25T02:30:00+02:00", "2026-10-25T02:30:00+01:00"])
        #expect(at("2027-10-31", "02:30").count == 2)
        #expect(at("2027-10-31", "03:00").count == 1)
        #expect(at("2027-07-01", "02:30").count == 1)
        #expect(clock.happensOnce(CalendarDay(iso: "2027-03-28")!, from: TimeOfDay("01:00")!, minutes: 60) == false)   // ends at 02:00, skipped
        #expect(clock.happensOnce(CalendarDay(iso: "2027-03-28")!, from: TimeOfDay("00:00")!, minutes: 60))
        #expect(clock.happensOnce(CalendarDay(iso: "2027-03-28")!, from: TimeOfDay("23:00")!, minutes: 60))           // to midnight
    }

    /// The arithmetic conversions agree with Foundation's Calendar every half hour for two years, DST days included.
    @Test func agreeWithFoundationAcrossTwoYears() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TestFixtures.copenhagen
        var day = CalendarDay(iso: "2026-01-01")!
        let last = CalendarDay(iso: "2027-12-31")!
        var checked = 0
        while day <= last {
            for minutes in stride(from: 6 * 60, through: 20 * 60, by: 30) {
                let time = TimeOfDay(hour: minutes / 60, minute: minutes % 60)!
                let expected = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: time.hour, minute: time.minute))!
                let actual = calculator.instant(day, time)
                #expect(actual == expected)
                #expect(calculator.day(of: actual) == day)
                #expect(calculator.timeOfDay(actual) == time)
                checked += 1
            }
            day = day.adding(days: 1)
        }
        #expect(checked > 20_000)
        #expect(calculator.iso8601(calculator.instant(CalendarDay(iso: "2026-07-01")!, TimeOfDay(hour: 9, minute: 30)!)) == "2026-07-01T09:30:00+02:00")
        #expect(calculator.iso8601(Date(timeIntervalSince1970: 1_795_000_000)) == "2026-11-18T12:06:40+01:00")   // checked with Python zoneinfo
    }
}
