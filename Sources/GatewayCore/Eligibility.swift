/// The answers a citizen gives before booking. Nothing here identifies anyone.
public struct EnquiryAnswers: Sendable, Hashable {
    public var ageBand: AgeBand
    /// PAS only.
    public var substances: Set<Substance>
    /// PAS only: does the municipality already help them under SEL part V (housing, employment, economy …)?
    public var receivesOtherSocialSupport: Bool?
    /// Relatives only: is the person they worry about enrolled in treatment?
    public var personIsEnrolledInTreatment: Bool?

    public init(
        ageBand: AgeBand, substances: Set<Substance> = [], receivesOtherSocialSupport: Bool? = nil,
        personIsEnrolledInTreatment: Bool? = nil
    ) {
        self.ageBand = ageBand; self.substances = substances
        self.receivesOtherSocialSupport = receivesOtherSocialSupport
        self.personIsEnrolledInTreatment = personIsEnrolledInTreatment
    }
}

public enum IneligibilityReason: String, Sendable, Hashable {
    case tooYoung = "too-young"
    case tooOld = "too-old"
    case opioids
    case substanceNotCovered = "substance-not-covered"
    case receivesOtherSocialSupport = "receives-other-social-support"
    case personIsEnrolled = "person-is-enrolled"
    /// A child or teenager worried about someone in the family: not turned away, pointed to the help for them.
    case youngRelative = "young-relative"
}

public enum EligibilityOutcome: Sendable, Hashable {
    case eligible
    case notEligible(IneligibilityReason, referTo: [ReferralID])
}

/// A required answer is missing: this is a bad request, not an eligibility decision.
public enum EnquiryAnswerError: Error, Sendable, Hashable {
    case substancesRequired
    case socialSupportAnswerRequired
    /// Relatives: whether the person is enrolled in treatment decides the offer, so it must be answered.
    case enrolmentAnswerRequired
}

/// Who may book each service, and where everyone else is sent: PAS for adults using hash, cocaine or
/// party drugs without other help under SEL part V (§101a stk. 1, QS 4.4.3); opioids never anonymously
/// (QS 4.4.3, 9.2); U-turn 14–24 (QS 4.4.2); relatives while the person is not in treatment (QS 4.4.4).
public enum Eligibility {
    public static func assess(_ answers: EnquiryAnswers, for service: ServiceDefinition) throws(EnquiryAnswerError) -> EligibilityOutcome {
        switch service.id {
        case .pas:
            guard !answers.substances.isEmpty else { throw .substancesRequired }
            guard let otherSupport = answers.receivesOtherSocialSupport else { throw .socialSupportAnswerRequired }
            if let outcome = ageOutcome(answers.ageBand, service) { return outcome }
            // Medical treatment can never be anonymous (QS 4.4.3, 9.2).
            if answers.substances.contains(.opioids) {
                return .notEligible(.opioids, referTo: [.opioidUnits])
            }
            let covered: Set<Substance> = [.cannabis, .cocaine, .partyDrugs]
            if !answers.substances.isSubset(of: covered) {
                return .notEligible(.substanceNotCovered, referTo: [.alcoholDrugUnits])
            }
            if otherSupport {
                return .notEligible(.receivesOtherSocialSupport, referTo: [.alcoholDrugUnits])
            }
            return .eligible
        case .uturn, .uturnParents:
            return ageOutcome(answers.ageBand, service) ?? .eligible
        case .relatives:
            // A child or teenager worried about a parent is pointed to the help for children in
            // families with drug problems (QS 2.5) and to U-turn, and the relatives' line — not turned away.
            if order(answers.ageBand) < order(.from18To24) {
                return .notEligible(.youngRelative, referTo: [.childrenInFamilies, .uturn])
            }
            if let outcome = ageOutcome(answers.ageBand, service) { return outcome }
            guard let enrolled = answers.personIsEnrolledInTreatment else { throw .enrolmentAnswerRequired }
            // While the person is in treatment, relatives are involved there and some units run
            // groups for them (QS 4.4.4; seed 000) — instead of the three anonymous conversations.
            if enrolled {
                return .notEligible(.personIsEnrolled, referTo: [.relativesGroups, .relativesLine])
            }
            return .eligible
        }
    }

    private static func ageOutcome(_ band: AgeBand, _ service: ServiceDefinition) -> EligibilityOutcome? {
        if service.eligibleAgeBands.contains(band) { return nil }
        let youngest = service.eligibleAgeBands.map(order).min() ?? 0
        if order(band) < youngest {
            // Young people themselves: U-turn (14–24) is the anonymous way in.
            return .notEligible(.tooYoung, referTo: [.uturn])
        }
        // Too old for U-turn: anonymous PAS (if it fits) or the alcohol/drug units.
        return .notEligible(.tooOld, referTo: [.pas, .alcoholDrugUnits])
    }

    private static func order(_ band: AgeBand) -> Int { AgeBand.allCases.firstIndex(of: band)! }
}
