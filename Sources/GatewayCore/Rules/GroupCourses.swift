import Foundation

/// Group courses as they really run (issue 10): PAS group treatment (§101a stk. 8; QS 3.5 —
/// "fremmøde en eller to dage om ugen, 2 til 2½ time hver gang, typisk 6–16 uger") and U-turn's
/// parents' groups ("et forløb på i alt 5 gange sammen med andre forældre", QS 4.4.4). A course is a
/// fixed list of meetings with its own room and staff and a number of places; a case is given a seat
/// in the course, not a slot at a time, and each meeting attended counts as one of the case's sessions.
public struct GroupMeeting: Sendable, Hashable {
    public let number: Int
    public let day: CalendarDay
    public let start: TimeOfDay
    public let end: TimeOfDay
    public init(number: Int, day: CalendarDay, start: TimeOfDay, end: TimeOfDay) {
        self.number = number; self.day = day; self.start = start; self.end = end
    }
}

public struct GroupCourse: Sendable, Hashable {
    public let id: String
    public let providerId: ProviderID
    public let serviceId: ServiceID
    public let seats: Int
    public let meetings: [GroupMeeting]
    /// How many cases hold a seat.
    public let seated: Int
    public init(id: String, providerId: ProviderID, serviceId: ServiceID, seats: Int, meetings: [GroupMeeting], seated: Int) {
        self.id = id; self.providerId = providerId; self.serviceId = serviceId; self.seats = seats; self.meetings = meetings; self.seated = seated
    }
    public var firstDay: CalendarDay? { meetings.first?.day }
    public var lastDay: CalendarDay? { meetings.last?.day }
}

/// A meeting as a provider's admin asks for it: a day, a start and a length.
public struct GroupMeetingRequest: Sendable, Hashable {
    public let day: CalendarDay
    public let start: TimeOfDay
    public let minutes: Int
    public init(day: CalendarDay, start: TimeOfDay, minutes: Int) { self.day = day; self.start = start; self.minutes = minutes }
}

public enum GroupCourseRefusal: Error, Sendable, Hashable {
    /// The service has no group course (its limit counts conversations).
    case noGroupsForService
    /// The provider does not offer the service.
    case serviceNotOfferedHere
    case noMeetings
    /// More meetings than the service's anonymous group sessions (PAS `groupSessions`, parents' 5).
    case tooManyMeetings(maximum: Int)
    case seatsOutOfRange(ClosedRange<Int>)
    case meetingLengthOutOfRange(ClosedRange<Int>)
    /// A meeting ends after midnight, starts before today, or starts before the previous one ends.
    case meetingsOutOfOrder(number: Int)
    /// A meeting starts or ends at a local time that is skipped or repeated when the clocks change
    /// for summer or winter time, or the clocks change during it.
    case meetingAtClockChange(number: Int)
    // Seats and attendance
    case courseFull
    case alreadySeated
    case notSeated
    case alreadyAttended
    /// Attendance is recorded on the meeting's day or after, never before.
    case meetingNotHeldYet(CalendarDay)
    case unknownMeeting
    /// No course with this id at the provider.
    case unknownCourse
    /// PAS group treatment follows a granted decision (§101a stk. 4–5, 8).
    case decisionRequired
    /// The case is of another service, or held by a provider that does not run the course.
    case caseElsewhere
}

public enum GroupCourses {
    /// The places a course may have. The sources give no number; a room of more than 30 is not a group.
    public static let seats = 2...30
    /// QS 3.5: 2 to 2½ hours for PAS; parents' evenings are shorter. Between half an hour and five hours.
    public static let meetingMinutes = 30...300

    /// How many meetings the service's anonymous limit allows a course, or nil when it has no groups.
    public static func maximumMeetings(_ limit: SessionLimit) -> Int? {
        switch limit {
        case .conversations: nil
        case .groupMeetings(let meetings): meetings
        case .boundedCourse(let group, _): group
        case .conversationsOrGroup(_, let meetings): meetings
        }
    }

    /// Checks a new course and numbers its meetings in order. `timeZone` is the configuration's: a
    /// meeting is stored as an instant, so its wall times must each name exactly one.
    public static func validate(
        service: ServiceDefinition, provider: ProviderDefinition, seats: Int, meetings requested: [GroupMeetingRequest], today: CalendarDay,
        timeZone: TimeZone
    ) throws(GroupCourseRefusal) -> [GroupMeeting] {
        guard let maximum = maximumMeetings(service.sessionLimit) else { throw .noGroupsForService }
        guard provider.services.contains(service.id) else { throw .serviceNotOfferedHere }
        guard Self.seats.contains(seats) else { throw .seatsOutOfRange(Self.seats) }
        guard !requested.isEmpty else { throw .noMeetings }
        guard requested.count <= maximum else { throw .tooManyMeetings(maximum: maximum) }
        var meetings: [GroupMeeting] = []
        var previousEnd: (CalendarDay, Int)?
        for (index, request) in requested.enumerated() {
            guard meetingMinutes.contains(request.minutes) else { throw .meetingLengthOutOfRange(meetingMinutes) }
            let startMinute = request.start.minutesFromMidnight, endMinute = startMinute + request.minutes
            guard endMinute <= 24 * 60, request.day >= today,
                  previousEnd.map({ ($0.0, $0.1) <= (request.day, startMinute) }) ?? true else {
                throw .meetingsOutOfOrder(number: index + 1)
            }
            guard WallClock(timeZone: timeZone).happensOnce(request.day, from: request.start, minutes: request.minutes) else {
                throw .meetingAtClockChange(number: index + 1)
            }
            meetings.append(GroupMeeting(number: index + 1, day: request.day, start: request.start,
                                         end: TimeOfDay(hour: endMinute / 60, minute: endMinute % 60) ?? TimeOfDay(hour: 23, minute: 59)!))
            previousEnd = (request.day, endMinute)
        }
        return meetings
    }

    /// A case may take a seat: open, of the course's service, held by (or referred to) the course's
    /// provider, with a granted decision for PAS, and a place free.
    public static func checkSeat(_ found: AnonymousCase, in course: GroupCourse, alreadySeated: Bool) throws(GroupCourseRefusal) {
        guard found.serviceId == course.serviceId, found.isVisible(to: course.providerId) else { throw .caseElsewhere }
        if found.serviceId == .pas, found.decision != .granted { throw .decisionRequired }
        guard !alreadySeated else { throw .alreadySeated }
        guard course.seated < course.seats else { throw .courseFull }
    }

    /// Attendance at a meeting may be recorded: the case holds a seat, the meeting has begun
    /// (its day has come), and it is not recorded already. The session limit is checked by `CasePolicy`.
    public static func checkAttendance(meeting: GroupMeeting?, seated: Bool, alreadyAttended: Bool, today: CalendarDay) throws(GroupCourseRefusal) {
        guard let meeting else { throw .unknownMeeting }
        guard seated else { throw .notSeated }
        guard meeting.day <= today else { throw .meetingNotHeldYet(meeting.day) }
        guard !alreadyAttended else { throw .alreadyAttended }
    }
}
