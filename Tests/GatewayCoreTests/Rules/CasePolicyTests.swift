import Foundation
import GatewayCore
import GatewayTestSupport
import Testing

@Suite("What may follow what in an anonymous case")
struct CasePolicyTests {
    let configuration = try! TestFixtures.configuration()

    func aCase(_ service: ServiceID = .uturn, band: AgeBand = .from18To24, used: Int = 1, status: CaseStatus = .open,
               decision: DecisionOutcome? = nil, provider: String = "uturn", referral: String? = nil) -> AnonymousCase {
        AnonymousCase(
            code: CaseCode(randomBytes: [1, 2, 3, 4, 5]), serviceId: service, providerId: ProviderID(provider), ageBand: band,
            openedOn: CalendarDay(iso: "2026-11-23")!, status: status, dischargeReason: nil, sessionsUsed: used, decision: decision,
            decisionReason: nil, referralProviderId: referral.map { ProviderID($0) }, notesShared: false, notesDestroyed: false, hasLiveToken: false)
    }

    @Test func anotherSessionNeedsAnOpenCaseBelowItsLimit() {
        #expect(throws: Never.self) { try CasePolicy.checkAnotherSession(aCase(used: 4), limit: .conversations(5)) }
        #expect(throws: CaseRefusal.limitReached(.identifiedEnrolment)) { try CasePolicy.checkAnotherSession(aCase(used: 5), limit: .conversations(5)) }
        #expect(throws: CaseRefusal.limitReached(.identifiedEnrolmentWithConsentAndApproval)) {
            try CasePolicy.checkAnotherSession(aCase(band: .from14To17, used: 5), limit: .conversations(5))
        }
        #expect(throws: CaseRefusal.closed) { try CasePolicy.checkAnotherSession(aCase(status: .closed), limit: .conversations(5)) }
    }

    @Test func staffBookTheirOwnTimesCitizensAlsoTheReferredProvider() {
        let referred = aCase(.pas, provider: "kk-pas", referral: "frb-pas")
        let frb = SlotID("frb-pas.pas.20261124T0900")!, kk = SlotID("kk-pas.pas.20261124T0900")!
        #expect(throws: Never.self) { try CasePolicy.checkSlot(kk, for: referred, bookedBy: ProviderID("kk-pas")) }
        #expect(throws: CaseRefusal.slotElsewhere) { try CasePolicy.checkSlot(frb, for: referred, bookedBy: ProviderID("kk-pas")) }
        #expect(throws: Never.self) { try CasePolicy.checkSlot(frb, for: referred, bookedBy: nil) }
        #expect(throws: CaseRefusal.slotElsewhere) { try CasePolicy.checkSlot(SlotID("uturn.uturn.20261124T0900")!, for: referred, bookedBy: nil) }
    }

    /// §101a stk. 4–5: a PAS decision, once, after the clarifying conversation.
    @Test func aDecisionIsForPASOnceAfterTheClarifyingConversation() {
        #expect(throws: Never.self) { try CasePolicy.checkDecision(aCase(.pas, used: 1, provider: "kk-pas")) }
        #expect(throws: CaseRefusal.decisionOnlyForPAS) { try CasePolicy.checkDecision(aCase(.uturn)) }
        #expect(throws: CaseRefusal.clarifyingConversationNotHeld) { try CasePolicy.checkDecision(aCase(.pas, used: 0)) }
        #expect(throws: CaseRefusal.alreadyDecided) { try CasePolicy.checkDecision(aCase(.pas, decision: .refused)) }
        #expect(throws: CaseRefusal.closed) { try CasePolicy.checkDecision(aCase(.pas, status: .closed)) }
    }

    @Test func transferredComesOnlyFromAHandover() {
        #expect(throws: CaseRefusal.transferredOnlyByHandover) { try CasePolicy.checkClose(aCase(), reason: .transferred) }
        #expect(throws: Never.self) { try CasePolicy.checkClose(aCase(), reason: .transferred, throughHandover: true) }
        #expect(throws: Never.self) { try CasePolicy.checkClose(aCase(), reason: .completed) }
        #expect(throws: CaseRefusal.closed) { try CasePolicy.checkClose(aCase(status: .closed), reason: .other) }
    }

    @Test func aNoShowNeedsABookedSessionThatHasStarted() {
        let now = TestFixtures.instant(2026, 11, 23, 10)
        #expect(throws: CaseRefusal.noBookedSession) { try CasePolicy.checkNoShow(aCase(), bookedStart: nil, now: now) }
        #expect(throws: CaseRefusal.bookedSessionNotStarted) {
            try CasePolicy.checkNoShow(aCase(), bookedStart: now.addingTimeInterval(60), now: now)
        }
        #expect(throws: Never.self) { try CasePolicy.checkNoShow(aCase(), bookedStart: now, now: now) }
    }

    @Test func aWalkInNeedsTheServiceHereAndAFittingAgeBand() {
        let uturn = configuration.service(.uturn)!
        #expect(throws: Never.self) { try CasePolicy.checkWalkIn(service: uturn, ageBand: .from14To17, provider: configuration.provider(ProviderID("uturn"))) }
        #expect(throws: CaseRefusal.serviceNotOfferedHere) {
            try CasePolicy.checkWalkIn(service: uturn, ageBand: .from14To17, provider: configuration.provider(ProviderID("kk-pas")))
        }
        #expect(throws: CaseRefusal.ageBandNotServed) { try CasePolicy.checkWalkIn(service: uturn, ageBand: .from25, provider: configuration.provider(ProviderID("uturn"))) }
    }

    /// QS 4.4.2 and Barnets Lov §32; §101a stk. 7: the identified record must not lead back.
    @Test func aHandoverOfAMinorNeedsConsentAndApprovalAndCarriesNoWayBack() {
        let minor = aCase(band: .from14To17)
        #expect(throws: CaseRefusal.consentAndApprovalRequired) {
            try CasePolicy.checkHandover(minor, parentalConsent: true, caseworkerApproval: false, carried: [:])
        }
        #expect(throws: Never.self) { try CasePolicy.checkHandover(minor, parentalConsent: true, caseworkerApproval: true, carried: [:]) }
        #expect(throws: Never.self) { try CasePolicy.checkHandover(aCase(), parentalConsent: false, caseworkerApproval: false, carried: ["goal": "x"]) }
        let code = minor.code.value
        for disguised in [code, code.lowercased(), code.replacingOccurrences(of: "-", with: " "), "ref " + code.replacingOccurrences(of: "-", with: "")] {
            #expect(throws: CaseRefusal.carriedValueLinksBack(field: "note")) {
                try CasePolicy.checkHandover(minor, parentalConsent: true, caseworkerApproval: true, carried: ["note": disguised])
            }
        }
        #expect(throws: CaseRefusal.closed) {
            try CasePolicy.checkHandover(aCase(status: .closed), parentalConsent: true, caseworkerApproval: true, carried: [:])
        }
    }
}
