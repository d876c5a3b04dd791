import Foundation

/// Why a step in an anonymous case is refused. Carries no text: the web layer says it in the
/// reader's language.
public enum CaseRefusal: Error, Sendable, Hashable {
    case closed
    /// The service's anonymous sessions are used up (QS 4.4.2, 4.4.4; §101a stk. 8).
    case limitReached(LimitGuidance)
    /// Only PAS cases get a decision (§101a stk. 4–5).
    case decisionOnlyForPAS
    /// The decision follows the clarifying conversation (§101a stk. 3–4).
    case clarifyingConversationNotHeld
    case alreadyDecided
    /// The case key was destroyed: no note can be written or read again.
    case notesDestroyed
    case noBookedSession
    case bookedSessionNotStarted
    /// Under 18: consent from the holder of parental authority and the caseworker's approval (Barnets Lov §32).
    case consentAndApprovalRequired
    /// `transferred` is the outcome of a handover, never a plain close.
    case transferredOnlyByHandover
    /// A carried value contains the case code: the identified record would lead back (§101a stk. 7).
    case carriedValueLinksBack(field: String)
    case serviceNotOfferedHere
    case ageBandNotServed
    /// The time belongs to another service, or to a provider that does not hold the case.
    case slotElsewhere
}

/// What may follow what in an anonymous case. The store calls these inside its transactions, so
/// a rule is checked against the state it is about to change.
public enum CasePolicy {
    /// Another session may be booked, held, or offered through a follow-up token.
    /// `group`: the session is a group meeting (for two-kind limits, counted against the group's own).
    public static func checkAnotherSession(_ found: AnonymousCase, limit: SessionLimit, group: Bool = false) throws(CaseRefusal) {
        guard found.status == .open else { throw .closed }
        guard SessionProgress(of: found, limit: limit, group: group).canContinue else {
            throw .limitReached(.beyondTheLimit(for: found.ageBand))
        }
    }

    /// A session of the case may be booked at `slot`: same service, at the provider holding the
    /// case (staff book their own provider's times; a citizen may also pick the referred provider).
    public static func checkSlot(_ slot: SlotID, for found: AnonymousCase, bookedBy provider: ProviderID?) throws(CaseRefusal) {
        guard slot.service == found.serviceId else { throw .slotElsewhere }
        if let provider {
            guard slot.provider == provider else { throw .slotElsewhere }
        } else {
            guard found.isVisible(to: slot.provider) else { throw .slotElsewhere }
        }
    }

    /// A note, on an open case only: a case handed over to identified care, or closed, is
    /// finished at this provider (Tests/Model/lifecycle.pml found notes still accepted after a handover).
    public static func checkNote(_ found: AnonymousCase) throws(CaseRefusal) {
        guard found.status == .open else { throw .closed }
    }

    /// A PAS decision (§101a stk. 4–5), once, after the clarifying conversation.
    public static func checkDecision(_ found: AnonymousCase) throws(CaseRefusal) {
        guard found.status == .open else { throw .closed }
        guard found.serviceId == .pas else { throw .decisionOnlyForPAS }
        guard found.sessionsUsed >= 1 else { throw .clarifyingConversationNotHeld }
        guard found.decision == nil else { throw .alreadyDecided }
    }

    /// Closing with a discharge reason (QS 3.2); `transferred` only through a handover.
    public static func checkClose(_ found: AnonymousCase, reason: DischargeReason, throughHandover: Bool = false) throws(CaseRefusal) {
        if reason == .transferred && !throughHandover { throw .transferredOnlyByHandover }
        guard found.status == .open else { throw .closed }
    }

    /// The booked session was missed: only once it has started.
    public static func checkNoShow(_ found: AnonymousCase, bookedStart: Date?, now: Date) throws(CaseRefusal) {
        guard found.status == .open else { throw .closed }
        guard let bookedStart else { throw .noBookedSession }
        guard bookedStart <= now else { throw .bookedSessionNotStarted }
    }

    /// A walk-in without a booking: the provider must offer the service and the age band must fit it.
    public static func checkWalkIn(service: ServiceDefinition, ageBand: AgeBand, provider: ProviderDefinition?) throws(CaseRefusal) {
        guard provider?.services.contains(service.id) == true else { throw .serviceNotOfferedHere }
        guard service.eligibleAgeBands.contains(ageBand) else { throw .ageBandNotServed }
    }

    /// The crossing to identified care (QS 4.4.2): an open case; for under-18s consent and approval
    /// (Barnets Lov §32); and nothing carried may contain the case code (§101a stk. 7).
    public static func checkHandover(
        _ found: AnonymousCase, parentalConsent: Bool, caseworkerApproval: Bool, carried: [String: String]
    ) throws(CaseRefusal) {
        guard found.status == .open else { throw .closed }
        if !found.ageBand.isAdult && !(parentalConsent && caseworkerApproval) { throw .consentAndApprovalRequired }
        let plainCode = found.code.value.replacingOccurrences(of: "-", with: "")
        for key in carried.keys.sorted() {
            let value = carried[key]!
            let normalized = value.uppercased().filter { $0.isLetter || $0.isNumber }
            if normalized.contains(plainCode) || value.uppercased().contains(found.code.value) {
                throw .carriedValueLinksBack(field: key)
            }
        }
    }
}
