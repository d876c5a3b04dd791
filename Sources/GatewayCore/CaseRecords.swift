import Foundation

/// An anonymous case: what the provider knows about a course, and nothing about who it is.
public struct AnonymousCase: Sendable, Hashable {
    public var code: CaseCode
    public var serviceId: ServiceID
    public var providerId: ProviderID
    public var ageBand: AgeBand
    public var openedOn: CalendarDay
    public var status: CaseStatus
    public var dischargeReason: DischargeReason?
    public var sessionsUsed: Int
    public var decision: DecisionOutcome?
    public var decisionReason: String?
    public var referralProviderId: ProviderID?
    public var notesShared: Bool
    public var notesDestroyed: Bool
    public var hasLiveToken: Bool
    /// Of `sessionsUsed`, the group meetings attended (issue 10: counted apart where a service has two kinds).
    public var groupSessionsUsed: Int = 0
    /// How the citizen left (QS 2.2), recorded at discharge; nil while open, and after a handover.
    public var outcome: DischargeOutcome?
    /// An interpreter's language and a companion, asked for once and kept for every session (seed 000, QS 3).
    public var interpreterLanguage: String?
    public var companion: Bool

    public init(
        code: CaseCode, serviceId: ServiceID, providerId: ProviderID, ageBand: AgeBand, openedOn: CalendarDay,
        status: CaseStatus, dischargeReason: DischargeReason?, sessionsUsed: Int, decision: DecisionOutcome?,
        decisionReason: String?, referralProviderId: ProviderID?, notesShared: Bool, notesDestroyed: Bool, hasLiveToken: Bool,
        outcome: DischargeOutcome? = nil, interpreterLanguage: String? = nil, companion: Bool = false
    ) {
        self.code = code; self.serviceId = serviceId; self.providerId = providerId; self.ageBand = ageBand
        self.openedOn = openedOn; self.status = status; self.dischargeReason = dischargeReason
        self.sessionsUsed = sessionsUsed; self.decision = decision; self.decisionReason = decisionReason
        self.referralProviderId = referralProviderId; self.notesShared = notesShared
        self.notesDestroyed = notesDestroyed; self.hasLiveToken = hasLiveToken; self.outcome = outcome
        self.interpreterLanguage = interpreterLanguage; self.companion = companion
    }

    /// Staff of the case's provider, or of the provider it was referred to, may see it.
    public func isVisible(to provider: ProviderID) -> Bool { providerId == provider || referralProviderId == provider }

    /// Each provider reads its own notes. Sharing at referral (the citizen's consent) lets the
    /// provider the case was referred to read the referring provider's notes — not the other way
    /// round: the receiver's notes stay with the receiver.
    public func mayRead(noteBy author: ProviderID, reader: ProviderID) -> Bool {
        author == reader || (notesShared && author == providerId && reader == referralProviderId)
    }
}

/// A case note, decrypted for an authorised reader.
public struct CaseNote: Sendable, Hashable {
    public var id: String
    public var writtenOn: CalendarDay
    public var providerId: ProviderID
    public var text: String
    public init(id: String, writtenOn: CalendarDay, providerId: ProviderID, text: String) {
        self.id = id; self.writtenOn = writtenOn; self.providerId = providerId; self.text = text
    }
}

/// One line of the access log: which staff pseudonym did what to which case, on which day (never finer).
public struct AccessLogEntry: Sendable, Hashable {
    /// The actor of a `forgotten` entry: the citizen, not a member of staff. Staff pseudonyms are
    /// 24 hex digits, so it cannot collide with one.
    public static let citizen = "citizen"

    public var day: CalendarDay
    public var staffPseudonym: String
    public var providerId: ProviderID
    public var action: String
    public var caseCode: String
    public init(day: CalendarDay, staffPseudonym: String, providerId: ProviderID, action: String, caseCode: String) {
        self.day = day; self.staffPseudonym = staffPseudonym; self.providerId = providerId; self.action = action; self.caseCode = caseCode
    }
}

/// What an auditor asks of the access log: one case, one member of staff (by pseudonym), a period
/// of days (both ends included). Nil means "any".
public struct AccessLogFilter: Sendable, Hashable {
    public var caseCode: CaseCode?
    public var staffPseudonym: String?
    public var from: CalendarDay?
    public var to: CalendarDay?
    public init(caseCode: CaseCode? = nil, staffPseudonym: String? = nil, from: CalendarDay? = nil, to: CalendarDay? = nil) {
        self.caseCode = caseCode; self.staffPseudonym = staffPseudonym; self.from = from; self.to = to
    }

    /// The action an auditor's own read leaves in the log, and the case code it carries when the
    /// read was not of one case.
    public static let readAction = "read-access-log"
    public static let allCases = "*"
}
