/// A wall-clock time in the service's time zone, minute precision.
public struct TimeOfDay: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let minutesFromMidnight: Int

    public init?(hour: Int, minute: Int) {
        guard (0...24).contains(hour), (0...59).contains(minute), hour * 60 + minute <= 24 * 60 else { return nil }
        minutesFromMidnight = hour * 60 + minute
    }

    /// Parses `HH:MM`.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let h = Int(parts[0]), let m = Int(parts[1]) else { return nil }
        self.init(hour: h, minute: m)
    }

    public var hour: Int { minutesFromMidnight / 60 }
    public var minute: Int { minutesFromMidnight % 60 }
    public var description: String { String(format2: hour) + ":" + String(format2: minute) }
    public static func < (a: TimeOfDay, b: TimeOfDay) -> Bool { a.minutesFromMidnight < b.minutesFromMidnight }
}

/// One opening period on a weekday, e.g. 08:00–12:00.
public struct OpeningInterval: Hashable, Sendable, CustomStringConvertible {
    public let start: TimeOfDay
    public let end: TimeOfDay

    public init?(start: TimeOfDay, end: TimeOfDay) {
        guard start < end else { return nil }
        self.start = start; self.end = end
    }

    /// Parses `08:00-12:00`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2,
              let s = TimeOfDay(parts[0].trimmingSpaces), let e = TimeOfDay(parts[1].trimmingSpaces) else { return nil }
        self.init(start: s, end: e)
    }

    public var description: String { "\(start)-\(end)" }
}

/// Weekly opening hours; a weekday that is absent is closed.
public struct WeeklyHours: Hashable, Sendable {
    public private(set) var intervals: [Weekday: [OpeningInterval]]

    /// Fails when intervals on a day overlap.
    public init?(_ intervals: [Weekday: [OpeningInterval]]) {
        var sorted: [Weekday: [OpeningInterval]] = [:]
        for (day, list) in intervals {
            let ordered = list.sorted { $0.start < $1.start }
            for (a, b) in zip(ordered, ordered.dropFirst()) where b.start < a.end { return nil }
            sorted[day] = ordered
        }
        self.intervals = sorted
    }

    public func intervals(on weekday: Weekday) -> [OpeningInterval] { intervals[weekday] ?? [] }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return s
    }
}
