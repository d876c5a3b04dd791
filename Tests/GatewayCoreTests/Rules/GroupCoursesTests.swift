import Foundation
import GatewayCore
import GatewayTestSupport
import Testing

/// Issue 10: group courses as they really run (§101a stk. 8, QS 3.5; U-turn's parents' groups, QS 4.4.4).
@Suite("Group courses")
struct GroupCoursesTests {
    let configuration = try! TestFixtures.configuration()
    let today = CalendarDay(iso: "2026-11-23")!

    func meeting(_ day: String, _ start: String = "16:00", minutes: Int = 150) -> GroupMeetingRequest {
        GroupMeetingRequest(day: CalendarDay(iso: day)!, start: TimeOfDay(start)!, minutes: minutes)
    }

    func validate(_ service: ServiceID, at provider: String, seats: Int = 8, _ meetings: [GroupMeetingRequest]) throws(GroupCourseRefusal) -> [GroupMeeting] {
        try GroupCourses.validate(service: configuration.service(service)!, provider: configuration.provider(ProviderID(provider))!,
                                  seats: seats, meetings: meetings, today: today, timeZone: configuration.timeZone)
    }

    @Test func aCourseHasAtMostTheServicesGroupSessionsInOrder() throws {
        // PAS: 8 group sessions (the configuration's boundedCourse); two afternoons a week of 2½ hours (QS 3.5).
        let eight = (0..<8).map { meeting(CalendarDay(iso: "2026-11-24")!.adding(days: $0 / 2 * 7 + $0 % 2 * 2).description) }
        let meetings = try validate(.pas, at: "kk-pas", eight)
        #expect(meetings.map(\.number) == Array(1...8))
        #expect(meetings[0].end == TimeOfDay("18:30"))
        #expect(throws: GroupCourseRefusal.tooManyMeetings(maximum: 8)) { try validate(.pas, at: "kk-pas", eight + [meeting("2027-01-20")]) }
        // U-turn's parents' group: 5 meetings (QS 4.4.4).
        #expect(throws: GroupCourseRefusal.tooManyMeetings(maximum: 5)) {
            try validate(.uturnParents, at: "uturn", ["2026-11-24", "2026-12-01", "2026-12-08", "2026-12-15", "2027-01-05", "2027-01-12"].map { meeting($0, "17:00", minutes: 120) })
        }
        #expect(throws: GroupCourseRefusal.noGroupsForService) { try validate(.uturn, at: "uturn", [meeting("2026-11-24")]) }
        #expect(throws: GroupCourseRefusal.serviceNotOfferedHere) { try validate(.pas, at: "uturn", [meeting("2026-11-24")]) }
        #expect(throws: GroupCourseRefusal.noMeetings) { try validate(.pas, at: "kk-pas", []) }
        #expect(throws: GroupCourseRefusal.seatsOutOfRange(2...30)) { try validate(.pas, at: "kk-pas", seats: 1, [meeting("2026-11-24")]) }
        #expect(throws: GroupCourseRefusal.meetingLengthOutOfRange(30...300)) { try validate(.pas, at: "kk-pas", [meeting("2026-11-24", minutes: 20)]) }
        #expect(throws: GroupCourseRefusal.meetingsOutOfOrder(number: 2)) { try validate(.pas, at: "kk-pas", [meeting("2026-11-26"), meeting("2026-11-24")]) }
        #expect(throws: GroupCourseRefusal.meetingsOutOfOrder(number: 2)) { try validate(.pas, at: "kk-pas", [meeting("2026-11-24"), meeting("2026-11-24", "17:00")]) }
        #expect(throws: GroupCourseRefusal.meetingsOutOfOrder(number: 1)) { try validate(.pas, at: "kk-pas", [meeting("2026-11-22")]) }
        #expect(throws: GroupCourseRefusal.meetingsOutOfOrder(number: 1)) { try validate(.pas, at: "kk-pas", [meeting("2026-11-24", "22:00", minutes: 150)]) }
    }

    /// Hostile input: a meeting is stored as an instant, so a wall time the clocks skip (spring) or
    /// repeat (autumn), or a meeting the clocks change during, has no one meaning and is refused.
    @Test func aMeetingWhenTheClocksChangeIsRefused() throws {
        let clockChange = GroupCourseRefusal.meetingAtClockChange(number: 1)
        #expect(throws: clockChange) { try validate(.pas, at: "kk-pas", [meeting("2027-03-28", "02:30", minutes: 60)]) }   // skipped
        #expect(throws: clockChange) { try validate(.pas, at: "kk-pas", [meeting("2027-10-31", "02:30", minutes: 60)]) }   // twice
        #expect(throws: clockChange) { try validate(.pas, at: "kk-pas", [meeting("2027-03-28", "01:00", minutes: 150)]) }  // across
        #expect(throws: clockChange) { try validate(.pas, at: "kk-pas", [meeting("2027-10-31", "00:30", minutes: 120)]) }  // ends twice
        #expect(throws: GroupCourseRefusal.meetingAtClockChange(number: 2)) {
            try validate(.pas, at: "kk-pas", [meeting("2027-03-27"), meeting("2027-03-28", "02:00", minutes: 30)])
        }
        // The same days are fine away from the change.
        #expect(try validate(.pas, at: "kk-pas", [meeting("2027-03-28", "03:00", minutes: 60), meeting("2027-10-31", "03:00", minutes: 60),
                                                  meeting("2027-10-31", "16:00")]).count == 3)
    }

    func aCase(_ service: ServiceID = .pas, provider: String = "kk-pas", decision: DecisionOutcome? = .granted, referral: String? = nil) -> AnonymousCase {
        AnonymousCase(
            code: CaseCode(randomBytes: [1, 2, 3, 4, 5]), serviceId: service, providerId: ProviderID(provider), ageBand: .from25,
            openedOn: today, status: .open, dischargeReason: nil, sessionsUsed: 1, decision: decision,
            decisionReason: nil, referralProviderId: referral.map { ProviderID($0) }, notesShared: false, notesDestroyed: false, hasLiveToken: false)
    }

    @Test func aSeatNeedsTheRightCaseAGrantedDecisionAndAFreePlace() {
        let meetings = [GroupMeeting(number: 1, day: today, start: TimeOfDay("16:00")!, end: TimeOfDay("18:30")!)]
        let course = GroupCourse(id: "c", providerId: ProviderID("frb-pas"), serviceId: .pas, seats: 2, meetings: meetings, seated: 1)
        #expect(throws: Never.self) { try GroupCourses.checkSeat(aCase(referral: "frb-pas"), in: course, alreadySeated: false) }
        #expect(throws: GroupCourseRefusal.caseElsewhere) { try GroupCourses.checkSeat(aCase(), in: course, alreadySeated: false) }
        #expect(throws: GroupCourseRefusal.caseElsewhere) { try GroupCourses.checkSeat(aCase(.uturn, provider: "frb-pas"), in: course, alreadySeated: false) }
        #expect(throws: GroupCourseRefusal.decisionRequired) { try GroupCourses.checkSeat(aCase(provider: "frb-pas", decision: nil), in: course, alreadySeated: false) }
        #expect(throws: GroupCourseRefusal.decisionRequired) { try GroupCourses.checkSeat(aCase(provider: "frb-pas", decision: .refused), in: course, alreadySeated: false) }
        #expect(throws: GroupCourseRefusal.alreadySeated) { try GroupCourses.checkSeat(aCase(provider: "frb-pas"), in: course, alreadySeated: true) }
        let full = GroupCourse(id: "c", providerId: ProviderID("frb-pas"), serviceId: .pas, seats: 2, meetings: meetings, seated: 2)
        #expect(throws: GroupCourseRefusal.courseFull) { try GroupCourses.checkSeat(aCase(provider: "frb-pas"), in: full, alreadySeated: false) }
        // Parents need no decision.
        let parents = GroupCourse(id: "p", providerId: ProviderID("uturn"), serviceId: .uturnParents, seats: 8, meetings: meetings, seated: 0)
        #expect(throws: Never.self) { try GroupCourses.checkSeat(aCase(.uturnParents, provider: "uturn", decision: nil), in: parents, alreadySeated: false) }
    }

    @Test func attendanceIsRecordedOnceOnTheDayOrLaterForASeatedCase() {
        let meeting = GroupMeeting(number: 1, day: CalendarDay(iso: "2026-11-24")!, start: TimeOfDay("16:00")!, end: TimeOfDay("18:30")!)
        #expect(throws: GroupCourseRefusal.meetingNotHeldYet(meeting.day)) { try GroupCourses.checkAttendance(meeting: meeting, seated: true, alreadyAttended: false, today: today) }
        #expect(throws: Never.self) { try GroupCourses.checkAttendance(meeting: meeting, seated: true, alreadyAttended: false, today: meeting.day) }
        #expect(throws: Never.self) { try GroupCourses.checkAttendance(meeting: meeting, seated: true, alreadyAttended: false, today: meeting.day.adding(days: 1)) }
        #expect(throws: GroupCourseRefusal.alreadyAttended) { try GroupCourses.checkAttendance(meeting: meeting, seated: true, alreadyAttended: true, today: meeting.day) }
        #expect(throws: GroupCourseRefusal.notSeated) { try GroupCourses.checkAttendance(meeting: meeting, seated: false, alreadyAttended: false, today: meeting.day) }
        #expect(throws: GroupCourseRefusal.unknownMeeting) { try GroupCourses.checkAttendance(meeting: nil, seated: true, alreadyAttended: false, today: meeting.day) }
    }
}
