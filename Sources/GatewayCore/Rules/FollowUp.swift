import Foundation

/// The follow-up after discharge (QS 3.2: "senest en og seks måneder efter behandlingsforløbet er
/// afsluttet", after the discharge reasons completed, other offer, hospital and other): a
/// conversation about the citizen's use now and any need for other help. Anonymously: the
/// counsellor hands a one-time follow-up token at discharge; the citizen answers with it.
public enum FollowUpRound: String, Codable, CaseIterable, Sendable {
    case oneMonth = "1-month"
    case sixMonths = "6-months"

    /// Months after the discharge day from which this round can be answered.
    public var monthsAfterDischarge: Int { self == .oneMonth ? 1 : 6 }
}

/// The citizen's use now, compared with when the course ended.
public enum FollowUpUse: String, Codable, CaseIterable, Sendable {
    case none
    case less
    case same
    case more
}

public enum FollowUpRefusal: Error, Hashable, Sendable {
    /// Too early: the round opens on this day.
    case notYet(opensOn: CalendarDay)
    /// The round's window has ended (the next round, or twelve months, has come).
    case over
    /// This token has answered already.
    case alreadyAnswered
    /// Only an answer that asked for another conversation lets the token book one.
    case noConversationAsked
    /// The token is a booking's, not a follow-up token.
    case notAFollowUpToken
}

public enum FollowUpRules {
    /// QS 3.2 follows up after these reasons; a handover (`transferred`) continues in identified care.
    public static let reasons: Set<DischargeReason> = [.completed, .otherOffer, .hospital, .other]

    /// Returns within this many months of discharge are counted (QS 2.2: at most 33 % of those
    /// discharged drug-free return to treatment within 12 months).
    public static let returnMonths = 12

    public static func opens(_ round: FollowUpRound, closedOn: CalendarDay) -> CalendarDay {
        closedOn.adding(months: round.monthsAfterDischarge)
    }

    /// The last day a round can be answered: the one-month round until the six-month round opens,
    /// the six-month round until twelve months after discharge.
    public static func closes(_ round: FollowUpRound, closedOn: CalendarDay) -> CalendarDay {
        switch round {
        case .oneMonth: closedOn.adding(months: FollowUpRound.sixMonths.monthsAfterDischarge).adding(days: -1)
        case .sixMonths: closedOn.adding(months: returnMonths)
        }
    }

    /// Whether a round can be answered today.
    public static func checkAnswer(_ round: FollowUpRound, closedOn: CalendarDay, answered: Bool, today: CalendarDay) throws(FollowUpRefusal) {
        guard !answered else { throw .alreadyAnswered }
        let opensOn = opens(round, closedOn: closedOn)
        guard today >= opensOn else { throw .notYet(opensOn: opensOn) }
        guard today <= closes(round, closedOn: closedOn) else { throw .over }
    }

    /// A return counts when the new first conversation is held within twelve months of discharge.
    public static func countsAsReturn(closedOn: CalendarDay, heldOn: CalendarDay) -> Bool {
        heldOn <= closedOn.adding(months: returnMonths)
    }
}
