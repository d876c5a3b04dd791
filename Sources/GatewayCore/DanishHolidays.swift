/// Danish public holidays (helligdage), with the Easter-based ones computed.
///
/// Store bededag stopped being a public holiday from 2024 (lov nr. 184 af 28/02/2023).
public enum DanishHolidays {
    public struct Holiday: Hashable, Sendable {
        public let day: CalendarDay
        public let name: LocalizedText
    }

    /// Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher).
    public static func easterSunday(_ year: Int) -> CalendarDay {
        let a = year % 19
        let b = year / 100
        let c = year % 100
        let d = b / 4
        let e = b % 4
        let f = (b + 8) / 25
        let g = (b - f + 1) / 3
        let h = (19 * a + b - d - g + 15) % 30
        let i = c / 4
        let k = c % 4
        let l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31
        let day = ((h + l - 7 * m + 114) % 31) + 1
        return CalendarDay(year: year, month: month, day: day)!
    }

    public static func holidays(in year: Int) -> [Holiday] {
        let easter = easterSunday(year)
        func fixed(_ month: Int, _ day: Int, _ da: String, _ en: String) -> Holiday {
            Holiday(day: CalendarDay(year: year, month: month, day: day)!, name: .init(da: da, en: en))
        }
        func moving(_ offset: Int, _ da: String, _ en: String) -> Holiday {
            Holiday(day: easter.adding(days: offset), name: .init(da: da, en: en))
        }
        var list = [
            fixed(1, 1, "Nytårsdag", "New Year's Day"),
            moving(-3, "Skærtorsdag", "Maundy Thursday"),
            moving(-2, "Langfredag", "Good Friday"),
            moving(0, "Påskedag", "Easter Sunday"),
            moving(1, "2. påskedag", "Easter Monday"),
            moving(39, "Kristi himmelfartsdag", "Ascension Day"),
            moving(49, "Pinsedag", "Whit Sunday"),
            moving(50, "2. pinsedag", "Whit Monday"),
            fixed(12, 25, "Juledag", "Christmas Day"),
            fixed(12, 26, "2. juledag", "Boxing Day"),
        ]
        if year < 2024 {
            list.append(moving(26, "Store bededag", "General Prayer Day"))
        }
        return list.sorted { $0.day < $1.day }
    }

    public static func isHoliday(_ day: CalendarDay) -> Bool {
        holidays(in: day.year).contains { $0.day == day }
    }
}
