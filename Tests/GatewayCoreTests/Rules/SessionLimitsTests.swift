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

    /// Issue 10 (QS 4.4.4): a parent's conversations and the parents' group are two kinds, each
    /// counted against its own limit — five conversations do not use up the group, nor the reverse.
    @Test func parentsHaveConversationsOrAGroupEachWithItsOwnLimit() throws {
        let limit = SessionLimit.conversationsOrGroup(conversations: 5, groupMeetings: 5)
        #expect(limit.totalSessions == 10)
        func parent(conversations: Int, meetings: Int) -> AnonymousCase {
            var found = AnonymousCase(
                code: CaseCode(randomBytes: [1, 2, 3, 4, 5]), serviceId: .uturnParents, providerId: ProviderID("uturn"), ageBand: .from25,
                openedOn: CalendarDay(iso: "2026-11-23")!, status: .open, dischargeReason: nil, sessionsUsed: conversations + meetings, decision: nil,
                decisionReason: nil, referralProviderId: nil, notesShared: false, notesDestroyed: false, hasLiveToken: false)
            found.groupSessionsUsed = meetings
            return found
        }
        let talked = parent(conversations: 5, meetings: 0)
        #expect(throws: CaseRefusal.limitReached(.identifiedEnrolment)) { try CasePolicy.checkAnotherSession(talked, limit: limit) }
        #expect(throws: Never.self) { try CasePolicy.checkAnotherSession(talked, limit: limit, group: true) }
        let grouped = parent(conversations: 1, meetings: 5)
        #expect(throws: CaseRefusal.limitReached(.identifiedEnrolment)) { try CasePolicy.checkAnotherSession(grouped, limit: limit, group: true) }
        #expect(throws: Never.self) { try CasePolicy.checkAnotherSession(grouped, limit: limit) }
        #expect(SessionProgress(of: grouped, limit: limit).used == 1)
        #expect(SessionProgress(of: grouped, limit: limit, group: true).remaining == 0)
        #expect(SessionProgress(of: grouped, limit: limit, group: true).total == 5)
        #expect(GroupCourses.maximumMeetings(limit) == 5)
    }

    /// Barnets Lov §32: under 18, a longer (identified) course needs consent and the caseworker's approval.
    @Test func guidanceBeyondTheLimitAsksConsentAndApprovalForMinors() {
        #expect(LimitGuidance.beyondTheLimit(for: .from14To17) == .identifiedEnrolmentWithConsentAndApproval)
        #expect(LimitGuidance.beyondTheLimit(for: .under14) == .identifiedEnrolmentWithConsentAndApproval)
        #expect(LimitGuidance.beyondTheLimit(for: .from18To24) == .identifiedEnrolment)
        #expect(LimitGuidance.beyondTheLimit(for: .from25) == .identifiedEnrolment)
    }
}
