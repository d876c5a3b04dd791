import GatewayCore
import GatewayTestSupport
import Testing

@Suite("Eligibility per service (§101a stk. 1; QS 4.4.2–4.4.4, 9.1, 9.2)")
struct EligibilityTests {
    let configuration = try! TestFixtures.configuration()
    func service(_ id: ServiceID) -> ServiceDefinition { configuration.service(id)! }

    func pas(_ band: AgeBand, _ substances: Set<Substance>, otherSupport: Bool = false) throws -> EligibilityOutcome {
        try Eligibility.assess(EnquiryAnswers(ageBand: band, substances: substances, receivesOtherSocialSupport: otherSupport), for: service(.pas))
    }

    @Test func pasIsForAdultsUsingHashCocaineOrPartyDrugsWithoutOtherSocialSupport() throws {
        #expect(try pas(.from18To24, [.cannabis]) == .eligible)
        #expect(try pas(.from25, [.cocaine, .partyDrugs, .cannabis]) == .eligible)
    }

    @Test func pasRefusesMinorsAndSendsThemToUturn() throws {
        #expect(try pas(.from14To17, [.cannabis]) == .notEligible(.tooYoung, referTo: [.uturn]))
        #expect(try pas(.under14, [.cannabis]) == .notEligible(.tooYoung, referTo: [.uturn]))
    }

    @Test func opioidsCanNeverBeAnonymous() throws {
        #expect(try pas(.from25, [.opioids]) == .notEligible(.opioids, referTo: [.opioidUnits]))
        #expect(try pas(.from25, [.cannabis, .opioids]) == .notEligible(.opioids, referTo: [.opioidUnits]))
    }

    @Test func alcoholAndOtherSubstancesGoToTheUnits() throws {
        #expect(try pas(.from25, [.alcohol]) == .notEligible(.substanceNotCovered, referTo: [.alcoholDrugUnits]))
        #expect(try pas(.from25, [.cocaine, .other]) == .notEligible(.substanceNotCovered, referTo: [.alcoholDrugUnits]))
    }

    @Test func otherSocialSupportUnderPartVMeansIdentifiedTreatment() throws {
        #expect(try pas(.from25, [.cocaine], otherSupport: true) == .notEligible(.receivesOtherSocialSupport, referTo: [.alcoholDrugUnits]))
    }

    @Test func pasNeedsBothAnswers() {
        #expect(throws: EnquiryAnswerError.substancesRequired) {
            try Eligibility.assess(EnquiryAnswers(ageBand: .from25, receivesOtherSocialSupport: false), for: service(.pas))
        }
        #expect(throws: EnquiryAnswerError.socialSupportAnswerRequired) {
            try Eligibility.assess(EnquiryAnswers(ageBand: .from25, substances: [.cannabis]), for: service(.pas))
        }
    }

    @Test func uturnIsFor14To24() throws {
        let uturn = service(.uturn)
        #expect(try Eligibility.assess(EnquiryAnswers(ageBand: .from14To17), for: uturn) == .eligible)
        #expect(try Eligibility.assess(EnquiryAnswers(ageBand: .from18To24), for: uturn) == .eligible)
        #expect(try Eligibility.assess(EnquiryAnswers(ageBand: .under14), for: uturn) == .notEligible(.tooYoung, referTo: [.uturn]))
        #expect(try Eligibility.assess(EnquiryAnswers(ageBand: .from25), for: uturn) == .notEligible(.tooOld, referTo: [.pas, .alcoholDrugUnits]))
    }

    @Test func parentsGroupIsForAdults() throws {
        let parents = service(.uturnParents)
        #expect(try Eligibility.assess(EnquiryAnswers(ageBand: .from25), for: parents) == .eligible)
        #expect(try Eligibility.assess(EnquiryAnswers(ageBand: .from14To17), for: parents) == .notEligible(.tooYoung, referTo: [.uturn]))
    }

    @Test func relativesOnlyWhileThePersonIsNotEnrolled() throws {
        let relatives = service(.relatives)
        #expect(try Eligibility.assess(EnquiryAnswers(ageBand: .from25, personIsEnrolledInTreatment: false), for: relatives) == .eligible)
        // Unanswered is asked for, never taken as "not enrolled": the answer decides the offer.
        #expect(throws: EnquiryAnswerError.enrolmentAnswerRequired) { try Eligibility.assess(EnquiryAnswers(ageBand: .from25), for: relatives) }
        // In treatment now: the relatives' groups at the units instead of the three conversations (QS 4.4.4, seed 000).
        #expect(try Eligibility.assess(EnquiryAnswers(ageBand: .from25, personIsEnrolledInTreatment: true), for: relatives)
                == .notEligible(.personIsEnrolled, referTo: [.relativesGroups, .relativesLine]))
    }

    /// QS 2.5: a child or teenager worried about a parent is pointed to the help for children in
    /// families with drug problems — never simply "too young".
    @Test func aYoungRelativeIsPointedToTheHelpForChildrenInFamilies() throws {
        let relatives = service(.relatives)
        for band in [AgeBand.under14, .from14To17] {
            #expect(try Eligibility.assess(EnquiryAnswers(ageBand: band), for: relatives) == .notEligible(.youngRelative, referTo: [.childrenInFamilies, .uturn]))
        }
    }

    @Test func sessionLimitsComeFromTheConfiguration() {
        #expect(service(.uturn).sessionLimit == .conversations(5))
        #expect(service(.relatives).sessionLimit == .conversations(3))
        // QS 4.4.4: conversations or the parents' group of 5 meetings, each with its own limit.
        #expect(service(.uturnParents).sessionLimit == .conversationsOrGroup(conversations: 5, groupMeetings: 5))
        guard case .boundedCourse(let group, let concluding) = service(.pas).sessionLimit else {
            Issue.record("PAS must be a bounded course"); return
        }
        #expect(group > 0)
        #expect(concluding == 1)
        #expect(service(.pas).sessionLimit.totalSessions == 1 + group + 1)
    }
}
