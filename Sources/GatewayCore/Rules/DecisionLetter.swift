/// What a PAS decision tells the citizen, in order, in writing (QS 3.1: "Tilbud om behandling gives
/// skriftligt"). The web layer words each part in the reader's language; this type fixes what must
/// be there. It names no one.
///
/// §101a stk. 4–5: the decision and the provider referred to, with where it is; the reason (QS 3.4:
/// "begrundelse"); the free choice between comparable providers (QS 3.4, *frit valg*). §101a stk. 6:
/// it cannot be appealed to another administrative authority — and still the citizen is pointed to
/// complaints about the treatment (QS 6.2) and to the Borgerrådgiver (QS 6.6).
public struct DecisionLetter: Sendable, Hashable {
    public enum Part: Sendable, Hashable {
        case outcome(DecisionOutcome, referredTo: ContactPlace?)
        /// The counsellor's reason, as written.
        case reason(String)
        /// A grant: the providers of anonymous treatment the citizen may choose between instead.
        case freeChoice([ContactPlace])
        case noAdministrativeAppeal
        case treatmentComplaints(LocalizedText)
        case citizensAdvisor(ContactPlace)
    }

    public let parts: [Part]

    /// The letter for a decided case; nil while there is no decision.
    public init?(for decided: AnonymousCase, configuration: GatewayConfiguration) {
        guard let outcome = decided.decision else { return nil }
        let referral = decided.referralProviderId.flatMap { configuration.provider($0) }?.place
        var parts: [Part] = [.outcome(outcome, referredTo: referral)]
        if let reason = decided.decisionReason, !reason.isEmpty { parts.append(.reason(reason)) }
        let providers = configuration.providers(offering: decided.serviceId).map(\.place)
        if outcome == .granted, providers.count > 1 { parts.append(.freeChoice(providers)) }
        parts += [
            .noAdministrativeAppeal,
            .treatmentComplaints(configuration.complaints.treatmentComplaints),
            .citizensAdvisor(configuration.complaints.citizensAdvisor),
        ]
        self.parts = parts
    }
}
