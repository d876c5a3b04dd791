import GatewayCore
import GatewayServices

/// How each domain refusal reads for a person: the status, a stable slug, and the sentence in
/// both languages. Pages and the API show the same sentence.
extension GatewayProblem {
    init(_ error: ServiceError) {
        switch error {
        case .missingField(let field): self = .missingField(field)
        case .invalidField(let field, let rule): self = Self.invalid(field, rule)
        case .missingAnswer(.substancesRequired):
            self = GatewayProblem(.badRequest, "missing-field", title: "Missing field",
                                  da: "Fortæl, hvilke stoffer det drejer sig om.", en: "Say which substances it is about (substances).",
                                  field: "substances")
        case .missingAnswer(.socialSupportAnswerRequired):
            self = GatewayProblem(.badRequest, "missing-field", title: "Missing field",
                                  da: "Svar på, om kommunen allerede hjælper dig med andre sociale problemer.",
                                  en: "Answer whether the municipality already helps you with other social problems (receivesOtherSocialSupport).",
                                  field: "receivesOtherSocialSupport")
        case .unknownService: self = .unknownService
        case .unknownSlot: self = .unknownSlot
        case .slotServiceMismatch: self = .slotServiceMismatch
        case .slotFull: self = .slotFull
        case .slotAtOtherProvider:
            self = GatewayProblem(.unprocessableContent, "slot-other-provider", title: "Time at another place",
                                  da: "Dit forløb fortsætter samme sted. Vælg en tid dér, eller ring til stedet.",
                                  en: "Your course continues at the same place. Choose a time there, or call the place.", field: "slotId")
        case .notEligible(let reason, let referrals): self = .notEligible(reason, referrals: referrals)
        case .rateLimited(let seconds): self = .rateLimited(retryAfter: seconds)
        case .tokenMissing: self = .tokenMissing
        case .tokenTypo: self = .tokenTypo
        case .tokenUnknown: self = .tokenUnknown
        case .tokenGone(let status): self = .tokenGone(status)
        case .checkInTokenExpired:
            self = GatewayProblem(.gone, "token-expired", title: "Reference no longer valid",
                                  da: "Aftalen er aflyst eller dens dag er gået.", en: "The booking was cancelled or its day has passed.")
        case .checkInTokenUsed:
            self = GatewayProblem(.conflict, "token-used", title: "Reference already used",
                                  da: "Referencen er allerede brugt til at tjekke ind.", en: "The reference has already been used to check in.")
        case .notToday(let day):
            self = GatewayProblem(.unprocessableContent, "not-today", title: "Not today",
                                  da: "Aftalen er \(day). Der tjekkes ind på dagen.", en: "The booking is on \(day). Check-in happens on the day.")
        case .unknownCase: self = .unknownCase
        case .refused(let refusal): self = Self.refused(refusal)
        case .signInFailed:
            self = GatewayProblem(.unauthorized, "sign-in-failed", title: "Sign-in failed",
                                  da: "Brugernavn, adgangskode eller kode er forkert.", en: "The username, password or code is not right.")
        case .signInDelayed(let seconds):
            self = GatewayProblem(.tooManyRequests, "sign-in-delayed", title: "Wait before trying again",
                                  da: "For mange forsøg. Vent lidt, og prøv igen.", en: "Too many attempts. Wait a little and try again.",
                                  retryAfterSeconds: seconds)
        case .storageFailure: self = .internalFailure
        }
    }

    /// How a field is named in a sentence; API field names where the reader is an integrator.
    static let fieldNames: [String: (da: String, en: String)] = [
        "ageBand": ("Aldersgruppen", "ageBand"), "substances": ("Stofferne", "substances"), "message": ("Beskeden", "The message"),
        "text": ("En note", "A note"), "reason": ("Begrundelsen", "The reason"), "interpreterLanguage": ("Sproget", "The language"),
    ]

    static func invalid(_ field: String, _ rule: FieldRule) -> GatewayProblem {
        let name = fieldNames[field] ?? (field, field)
        let (da, en): (String, String)
        switch rule {
        case .oneOf(let values):
            let list = values.joined(separator: ", ")
            (da, en) = ("\(name.da) skal være en af: \(list).", "\(field) must be one of: \(list).")
        case .maxLength(let maximum):
            (da, en) = ("\(name.da) må højst være \(maximum) tegn.", "\(name.en) may be at most \(maximum) characters.")
        case .shortLine(let maximum):
            (da, en) = ("Skriv sproget kort (højst \(maximum) tegn).", "Name the language briefly (at most \(maximum) characters).")
        case .isoDate:
            (da, en) = ("\(field) skal være en dato som ÅÅÅÅ-MM-DD.", "\(field) must be a date as YYYY-MM-DD.")
        case .wholeNumber:
            (da, en) = ("\(field) skal være et helt tal.", "\(field) must be a whole number.")
        case .range(let range):
            (da, en) = ("\(field) skal være mellem \(range.lowerBound) og \(range.upperBound).",
                        "\(field) must be between \(range.lowerBound) and \(range.upperBound).")
        case .withinHorizon(let days):
            (da, en) = ("Der kan bestilles højst \(days) dage frem.", "Times can be booked at most \(days) days ahead.")
        case .pasProvider(let providers):
            let list = providers.joined(separator: " eller ")
            (da, en) = ("Henvis til en udbyder af anonym behandling (\(list)).",
                        "Refer to a provider of anonymous treatment (\(providers.joined(separator: " or "))).")
        case .dischargeReason:
            (da, en) = ("reason skal være completed, other-offer, hospital eller other (transferred sker ved overdragelse).",
                        "reason must be completed, other-offer, hospital or other (transferred happens through a handover).")
        case .carryShape:
            (da, en) = ("Højst 20 felter, nøgler på 1–40 tegn, værdier på højst 2000 tegn.",
                        "At most 20 fields, keys of 1–40 characters, values of at most 2000 characters.")
        }
        return .invalidField(field, da: da, en: en)
    }

    static func refused(_ refusal: CaseRefusal) -> GatewayProblem {
        func notPossible(_ da: String, _ en: String, field: String? = nil) -> GatewayProblem {
            GatewayProblem(.unprocessableContent, "not-allowed", title: "Not possible", da: da, en: en, field: field)
        }
        switch refusal {
        case .closed:
            return GatewayProblem(.conflict, "case-closed", title: "Case closed", da: "Sagen er afsluttet.", en: "The case is closed.")
        case .limitReached(let guidance):
            let text = StaffTexts.guidance(guidance)
            return GatewayProblem(.unprocessableContent, "limit-reached", title: "Session limit reached", da: text.da, en: text.en)
        case .decisionOnlyForPAS:
            return notPossible("Kun PAS-sager får en afgørelse (serviceloven §101a, stk. 4–5).", "Only PAS cases have a decision (§101a stk. 4–5).")
        case .clarifyingConversationNotHeld:
            return notPossible("Afgørelsen følger den afklarende samtale, som ikke er holdt endnu.",
                               "The decision follows the clarifying conversation, which has not been held.")
        case .alreadyDecided:
            return notPossible("Sagen har allerede en afgørelse.", "This case already has a decision.")
        case .notesDestroyed:
            return notPossible("Sagens noter er destrueret; der kan ikke skrives nye.", "The notes of this case were destroyed; no new notes can be added.")
        case .noBookedSession:
            return notPossible("Sagen har ingen booket samtale at markere som udeblevet.", "The case has no booked session to mark as missed.")
        case .bookedSessionNotStarted:
            return notPossible("Den bookede samtale er ikke begyndt endnu.", "The booked session has not started yet.")
        case .consentAndApprovalRequired:
            return GatewayProblem(.unprocessableContent, "consent-required", title: "Consent and approval required",
                                  da: "For unge under 18 kræver indskrivning samtykke fra forældremyndighedsindehaveren og godkendelse fra myndighedssagsbehandleren (Barnets Lov §32).",
                                  en: "For young people under 18, enrolment requires consent from the holder of parental authority and approval by the municipal caseworker (Barnets Lov §32).",
                                  field: "parentalConsent")
        case .transferredOnlyByHandover:
            return invalid("reason", .dischargeReason)
        case .carriedValueLinksBack(let key):
            return GatewayProblem(.unprocessableContent, "carry-links-back", title: "Carried data points back",
                                  da: "Feltet \(key) indeholder sagens kode. Det identificerede forløb må ikke kunne føres tilbage til den anonyme sag.",
                                  en: "The field \(key) contains the case code. The identified enrolment must not lead back to the anonymous case.",
                                  field: "carry")
        case .serviceNotOfferedHere:
            return GatewayProblem(.unprocessableContent, "service-not-offered", title: "Service not offered here",
                                  da: "Jeres sted tilbyder ikke den tjeneste.", en: "Your provider does not offer that service.", field: "serviceId")
        case .ageBandNotServed:
            return GatewayProblem(.unprocessableContent, "not-eligible", title: "Not eligible for this service",
                                  da: "Aldersgruppen passer ikke til tjenesten.", en: "The age band does not fit the service.", field: "ageBand")
        case .slotElsewhere:
            return GatewayProblem(.unprocessableContent, "slot-not-offered-here", title: "Time belongs elsewhere",
                                  da: "Tiden hører til en anden tjeneste eller et andet sted.", en: "That time belongs to another service or provider.",
                                  field: "slotId")
        }
    }

    static let unknownCase = GatewayProblem(.notFound, "unknown-case", title: "Case not found",
                                            da: "Sagen findes ikke.", en: "There is no such case.", field: "caseCode")
    static let signInRequired = GatewayProblem(.unauthorized, "sign-in-required", title: "Sign-in required",
                                               da: "Log ind først.", en: "Sign in first.")
    static let forbidden = GatewayProblem(.forbidden, "forbidden", title: "Not allowed for your role",
                                          da: "Din rolle giver ikke adgang til dette.", en: "Your role does not allow this.")
    static let csrf = GatewayProblem(.forbidden, "csrf", title: "Form expired",
                                     da: "Formularen er udløbet eller kom ikke fra denne side. Gå tilbage, genindlæs og prøv igen.",
                                     en: "The form expired or did not come from this site. Go back, reload and try again.")
    static let invalidForm = GatewayProblem(.badRequest, "invalid-form", title: "Invalid form",
                                            da: "Formularen kunne ikke læses.", en: "The form could not be read.")
}

extension ServiceError {
    var problem: GatewayProblem { GatewayProblem(self) }
}
