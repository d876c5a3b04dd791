import GatewayCore
import GatewayTestSupport
import Testing

@Suite("The PAS decision letter (§101a stk. 4–6, QS 6.2, 6.6)")
struct DecisionLetterTests {
    let configuration = try! TestFixtures.configuration()

    func decided(_ outcome: DecisionOutcome?, referral: String?) -> AnonymousCase {
        AnonymousCase(
            code: CaseCode(randomBytes: [9, 8, 7, 6, 5]), serviceId: .pas, providerId: ProviderID("kk-pas"), ageBand: .from25,
            openedOn: CalendarDay(iso: "2026-11-23")!, status: .open, dischargeReason: nil, sessionsUsed: 1, decision: outcome,
            decisionReason: nil, referralProviderId: referral.map { ProviderID($0) }, notesShared: false, notesDestroyed: false, hasLiveToken: false)
    }

    @Test func everyLetterSaysItCannotBeAppealedAndStillPointsToComplaintsAndTheCitizensAdvisor() throws {
        for outcome in [DecisionOutcome.granted, .refused] {
            let letter = try #require(DecisionLetter(for: decided(outcome, referral: outcome == .granted ? "frb-pas" : nil), configuration: configuration))
            #expect(letter.parts.contains(.noAdministrativeAppeal))
            #expect(letter.parts.contains(.treatmentComplaints(configuration.complaints.treatmentComplaints)))
            #expect(letter.parts.contains(.citizensAdvisor(configuration.complaints.citizensAdvisor)))
        }
    }

    @Test func aGrantNamesTheProviderReferredTo() throws {
        let letter = try #require(DecisionLetter(for: decided(.granted, referral: "frb-pas"), configuration: configuration))
        #expect(letter.parts.first == .outcome(.granted, referredTo: configuration.provider(ProviderID("frb-pas"))!.place))
    }

    /// QS 3.4: a grant advises on the free choice between the comparable providers, and the reason is in writing.
    @Test func aGrantGivesTheReasonAndTheFreeChoice() throws {
        var granted = decided(.granted, referral: "kk-pas")
        granted.decisionReason = "Brug af kokain"
        let letter = try #require(DecisionLetter(for: granted, configuration: configuration))
        #expect(letter.parts.contains(.reason("Brug af kokain")))
        #expect(letter.parts.contains(.freeChoice(configuration.providers(offering: .pas).map(\.place))))
    }

    @Test func thereIsNoLetterBeforeADecision() {
        #expect(DecisionLetter(for: decided(nil, referral: nil), configuration: configuration) == nil)
    }
}
