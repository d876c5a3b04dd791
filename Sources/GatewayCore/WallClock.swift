import Foundation

/// Local wall-clock times in a zone with summer time. Most name one instant; in Copenhagen those in
/// the hour skipped in spring (02:00–02:59 on the last Sunday of March) name none, and those in the
/// hour repeated in autumn (02:00–02:59 on the last Sunday of October) name two.
public struct WallClock: Sendable {
    public let timeZone: TimeZone

    public init(timeZone: TimeZone) { self.timeZone = timeZone }

    /// Every instant the wall time names, earliest first: none, one or two.
    public func instants(_ day: CalendarDay, _ time: TimeOfDay) -> [Date] {
        instants(wallSeconds: day.daysSinceEpoch * 86_400 + time.minutesFromMidnight * 60)
    }

    /// `minutes` from a wall time happen once and with no change of the clocks: start and end each
    /// name exactly one instant, and they lie `minutes` apart. A time that is skipped or repeated
    /// cannot be booked or met at without saying which one is meant.
    public func happensOnce(_ day: CalendarDay, from start: TimeOfDay, minutes: Int) -> Bool {
        let startWall = day.daysSinceEpoch * 86_400 + start.minutesFromMidnight * 60
        // Most days: the same offset a day before and a day after, so no change in between (slot listings ask often).
        if offset(atWall: startWall - 86_400) == offset(atWall: startWall + minutes * 60 + 86_400) { return true }
        let starts = instants(wallSeconds: startWall), ends = instants(wallSeconds: startWall + minutes * 60)
        guard starts.count == 1, ends.count == 1 else { return false }
        return ends[0].timeIntervalSince(starts[0]) == TimeInterval(minutes * 60)
    }

    private func offset(atWall seconds: Int) -> Int { timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds))) }

    private func instants(wallSeconds wall: Int) -> [Date] {
        // The offsets in force a day either side of the wall time cover any change near it (a zone
        // changes its clocks at most once in two days); each is kept only where it really applies.
        let offsets = Set([-86_400, 0, 86_400].map { offset(atWall: wall + $0) })
        return offsets
            .filter { offset(atWall: wall - $0) == $0 }
            .map { Date(timeIntervalSince1970: TimeInterval(wall - $0)) }
            .sorted()
    }
}
