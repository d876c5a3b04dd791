import GatewayCore
import Testing

@Suite("Session limits and the PAS course (QS 4.4.2, 4.4.4; §101a stk. 8)")
struct SessionLimitsTests {
    @Test func uturnAllowsFiveConversationsAndWarnsBeforeTheLast() {
        let limit = SessionLimit.conversations(5)
        #expect(SessionProgress(used: 3, limit: limit).isLastSession == false)
        #expect(SessionProgress(used: 4, limit: limit).isLastSession)
        #expect(SessionProgress(used: 4, limit: limit).canContinue)
        #expect(!SessionProgress(used: 5, limit: limit).canContinue)
        #expect(SessionProgress(used: 7, limit: limit).remaining == 0)
    }

    @Test func aBoundedCourseIsAClarifyingConversationGroupSessionsAndOneConcludingConversation() {
        let course = SessionLimit.boundedCourse(groupSessions: 8, concludingConversations: 1)
        #expect(course.totalSessions == 10)
        let progress = SessionProgress(used: 0, limit: course)
        #expect(progress.phase(ofSession: 1) == .clarifying)
        #expect((2...9).allSatisfy { progress.phase(ofSession: $0) == .group })
        #expect(progress.phase(ofSession: 10) == .concluding)
    }

    @Test func otherServicesCounsel() {
        #expect(SessionProgress(used: 0, limit: .groupMeetings(5)).phase(ofSession: 1) == .counselling)
        #expect(SessionLimit.groupMeetings(5).totalSessions == 5)
    }

    /// Barnets Lov §32: under 18, a longer (identified) course needs consent and the caseworker's approval.
    @Test func guidanceBeyondTheLimitAsksConsentAndApprovalForMinors() {
        #expect(LimitGuidance.beyondTheLimit(for: .from14To17) == .identifiedEnrolmentWithConsentAndApproval)
        #expect(LimitGuidance.beyondTheLimit(for: .under14) == .identifiedEnrolmentWithConsentAndApproval)
        #expect(LimitGuidance.beyondTheLimit(for: .from18To24) == .identifiedEnrolment)
        #expect(LimitGuidance.beyondTheLimit(for: .from25) == .identifiedEnrolment)
    }
}
