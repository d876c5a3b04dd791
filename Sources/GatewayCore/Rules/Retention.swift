/// How long anonymous data is kept (config `retention`, in days). Less data, for less time: what is
/// past its period is deleted by the daily purge, and a closed case's key is destroyed first.
public struct RetentionPolicy: Sendable, Hashable {
    /// A cancelled booking, counted from its appointment day.
    public var cancelledBookingsDays: Int
    /// A booking nobody came to (still `booked`, not part of a case), counted from its appointment day.
    public var unattendedBookingsDays: Int
    /// A closed case with its sessions, notes and bookings, counted from the day it was closed.
    public var closedCasesDays: Int
    /// An access-log entry, counted from its day.
    public var accessLogDays: Int

    public init(cancelledBookingsDays: Int, unattendedBookingsDays: Int, closedCasesDays: Int, accessLogDays: Int) {
        self.cancelledBookingsDays = cancelledBookingsDays; self.unattendedBookingsDays = unattendedBookingsDays
        self.closedCasesDays = closedCasesDays; self.accessLogDays = accessLogDays
    }

    /// The first day that is still kept, per kind of data, on `today`: anything dated before it has expired.
    public func cutoffs(today: CalendarDay) -> RetentionCutoffs {
        RetentionCutoffs(
            cancelledBookings: today.adding(days: -cancelledBookingsDays), unattendedBookings: today.adding(days: -unattendedBookingsDays),
            closedCases: today.adding(days: -closedCasesDays), accessLog: today.adding(days: -accessLogDays))
    }

    /// The longest period: the oldest data that can still exist (backup keys live this long).
    public var longestDays: Int { max(cancelledBookingsDays, unattendedBookingsDays, closedCasesDays, accessLogDays) }

    /// A backup period's key is destroyed once the period's last day is more than the longest
    /// retention period ago: every backup sealed under it then holds only data that has expired
    /// (and cases shredded since), and becomes unreadable with it.
    public func backupKeyExpired(_ period: CalendarMonth, today: CalendarDay) -> Bool {
        let next = period.month == 12 ? CalendarDay(year: period.year + 1, month: 1, day: 1)! : CalendarDay(year: period.year, month: period.month + 1, day: 1)!
        return next.adding(days: -1) < today.adding(days: -longestDays)
    }
}

/// Per kind of data, the first day still kept.
public struct RetentionCutoffs: Sendable, Hashable {
    public var cancelledBookings: CalendarDay
    public var unattendedBookings: CalendarDay
    public var closedCases: CalendarDay
    public var accessLog: CalendarDay
    public init(cancelledBookings: CalendarDay, unattendedBookings: CalendarDay, closedCases: CalendarDay, accessLog: CalendarDay) {
        self.cancelledBookings = cancelledBookings; self.unattendedBookings = unattendedBookings
        self.closedCases = closedCases; self.accessLog = accessLog
    }
}

/// What a purge removed (or, in a dry run, would remove): counts only.
public struct PurgeCounts: Sendable, Hashable {
    public var cancelledBookings = 0
    public var unattendedBookings = 0
    public var closedCases = 0
    public var accessLogEntries = 0
    /// Handled complaints, counted like closed cases from the day they were handled; open ones stay.
    public var handledComplaints = 0
    /// Group courses whose last meeting ended before the closed-case cutoff and in which no case holds a place.
    public var endedCourses = 0
    /// Monthly backup keys destroyed: every backup of those months can no longer be opened.
    public var backupKeys = 0
    /// Old token-pepper versions no live token uses any more, retired.
    public var pepperVersions = 0
    public init() {}
    public var total: Int { cancelledBookings + unattendedBookings + closedCases + accessLogEntries + handledComplaints + endedCourses }
}
