/// What a PAS decision tells the citizen, in order. The web layer words each part in the
/// reader's language; this type fixes what must be there.
///
/// §101a stk. 4–5: the decision and the provider referred to. §101a stk. 6: it cannot be appealed
/// to another administrative authority — and still the citizen is pointed to complaints about the
/// treatment (QS 6.2) and to the Borgerrådgiver (QS 6.6).
public struct DecisionLetter: Sendable, Hashable {
    public enum Part: Sendable, Hashable {
        case outcome(DecisionOutcome, referredTo: ContactPlace?)
        case noAdministrativeAppeal
        case treatmentComplaints(LocalizedText)
        case citizensAdvisor(ContactPlace)
    }

    public let parts: [Part]

    /// The letter for a decided case; nil while there is no decision.
    public init?(for decided: AnonymousCase, configuration: GatewayConfiguration) {
        guard let outcome = decided.decision else { return nil }
        let referral = decided.referralProviderId.flatMap { configuration.provider($0) }?.place
        parts = [
            .outcome(outcome, referredTo: referral),
            .noAdministrativeAppeal,
            .treatmentComplaints(configuration.complaints.treatmentComplaints),
            .citizensAdvisor(configuration.complaints.citizensAdvisor),
        ]
    }
}
