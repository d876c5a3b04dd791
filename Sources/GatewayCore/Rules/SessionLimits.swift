/// How many anonymous sessions a service allows before identified enrolment is needed.
public enum SessionLimit: Sendable, Hashable {
    /// U-turn: 5 conversations (QS 4.4.2); relatives: 3 (QS 4.4.4).
    case conversations(Int)
    /// U-turn parent group: a course of 5 meetings (QS 4.4.4).
    case groupMeetings(Int)
    /// PAS (§101a stk. 8): one clarifying conversation, group sessions, at most one individual concluding conversation.
    case boundedCourse(groupSessions: Int, concludingConversations: Int)
    /// U-turn for parents (QS 4.4.4): single anonymous conversations *or* a parents' group — two kinds,
    /// each counted against its own limit (issue 10).
    case conversationsOrGroup(conversations: Int, groupMeetings: Int)

    public var totalSessions: Int {
        switch self {
        case .conversations(let n), .groupMeetings(let n): return n
        case .boundedCourse(let group, let concluding): return 1 + group + concluding
        case .conversationsOrGroup(let conversations, let meetings): return conversations + meetings
        }
    }
}

/// Where a case stands against its service's limit: "conversation 3 of 5".
public struct SessionProgress: Sendable, Hashable {
    public let used: Int
    public let limit: SessionLimit
    /// With two kinds (`conversationsOrGroup`): the progress of the group meetings, not the conversations.
    public let group: Bool

    /// `used` counts the sessions of the kind in question; for one-kind limits, all of them.
    public init(used: Int, limit: SessionLimit, group: Bool = false) { self.used = used; self.limit = limit; self.group = group }

    /// The progress of a case: for two-kind limits, of the kind asked about.
    public init(of found: AnonymousCase, limit: SessionLimit, group: Bool = false) {
        if case .conversationsOrGroup = limit {
            self.init(used: group ? found.groupSessionsUsed : found.sessionsUsed - found.groupSessionsUsed, limit: limit, group: group)
        } else {
            self.init(used: found.sessionsUsed, limit: limit)
        }
    }

    public var total: Int {
        if case .conversationsOrGroup(let conversations, let meetings) = limit { return group ? meetings : conversations }
        return limit.totalSessions
    }
    public var remaining: Int { max(0, total - used) }
    /// Another session may be booked or held.
    public var canContinue: Bool { used < total }
    /// One session left: warn the counsellor.
    public var isLastSession: Bool { remaining == 1 }

    /// What a session is in a PAS course (§101a stk. 8): the clarifying conversation (stk. 3) first,
    /// then the group sessions, then the individual concluding conversation. Other services counsel.
    public enum CoursePhase: String, Sendable, CaseIterable { case clarifying, group, concluding, counselling }

    public func phase(ofSession number: Int) -> CoursePhase {
        guard case .boundedCourse(let group, _) = limit else { return .counselling }
        if number <= 1 { return .clarifying }
        if number <= 1 + group { return .group }
        return .concluding
    }
}

/// What the counsellor tells the citizen when the anonymous sessions are used up (QS 4.4.2):
/// more needs identified enrolment, and under 18 also consent from the holder of parental
/// authority and the municipal caseworker's approval (Barnets Lov §32).
public enum LimitGuidance: String, Sendable, Hashable, CaseIterable {
    case identifiedEnrolment
    case identifiedEnrolmentWithConsentAndApproval

    public static func beyondTheLimit(for ageBand: AgeBand) -> LimitGuidance {
        ageBand.isAdult ? .identifiedEnrolment : .identifiedEnrolmentWithConsentAndApproval
    }
}
