import GatewayCore
import HTTPTypes

/// Everything that can go wrong for a caller, with a sentence for a person in both languages.
/// Rendered as RFC 9457 problem details on the API and as an error page on the web.
public struct GatewayProblem: Error, Sendable, Equatable {
    public var status: HTTPResponse.Status
    /// A stable slug; the JSON `type` is `urn:anongate:problem:<slug>`.
    public var slug: String
    public var title: String
    public var detail: LocalizedText
    /// The request field at fault, when there is one.
    public var field: String?
    /// Where to go instead (422 not eligible).
    public var referrals: [ReferralID] = []
    public var retryAfterSeconds: Int?

    public init(
        _ status: HTTPResponse.Status, _ slug: String, title: String, da: String, en: String, field: String? = nil,
        referrals: [ReferralID] = [], retryAfterSeconds: Int? = nil
    ) {
        self.status = status; self.slug = slug; self.title = title; self.detail = LocalizedText(da: da, en: en)
        self.field = field; self.referrals = referrals; self.retryAfterSeconds = retryAfterSeconds
    }

    public var type: String { "urn:anongate:problem:\(slug)" }
}

extension GatewayProblem {
    static func invalidField(_ field: String, da: String, en: String) -> GatewayProblem {
        GatewayProblem(.badRequest, "invalid-field", title: "Invalid field", da: da, en: en, field: field)
    }

    static func missingField(_ field: String) -> GatewayProblem {
        GatewayProblem(.badRequest, "missing-field", title: "Missing field",
                       da: "Feltet \(field) mangler.", en: "The field \(field) is required.", field: field)
    }

    static let tokenTypo = GatewayProblem(
        .badRequest, "token-typo", title: "This reference contains a typo",
        da: "Referencen indeholder en tastefejl. Tjek hvert tegn og prøv igen.",
        en: "This reference contains a typo. Check each character and try again.", field: "token")

    static let tokenMissing = GatewayProblem(
        .unauthorized, "token-missing", title: "Reference required",
        da: "Send din reference som Authorization: Bearer <reference>.",
        en: "Send your reference as Authorization: Bearer <reference>.")

    static let tokenUnknown = GatewayProblem(
        .notFound, "token-unknown", title: "Reference not found",
        da: "Vi kan ikke finde en aftale med den reference.",
        en: "We cannot find a booking with that reference.", field: "token")

    static func tokenGone(_ status: BookingStatus) -> GatewayProblem {
        status == .cancelled
            ? GatewayProblem(.gone, "booking-cancelled", title: "Booking cancelled",
                             da: "Aftalen med denne reference er aflyst. Du kan altid bestille en ny tid.",
                             en: "The booking with this reference was cancelled. You can always book a new time.")
            : GatewayProblem(.gone, "token-used", title: "Reference already used",
                             da: "Denne reference er allerede brugt. En reference kan kun bruges én gang.",
                             en: "This reference has already been used. A reference works only once.")
    }

    static let slotFull = GatewayProblem(
        .conflict, "slot-full", title: "That time is taken",
        da: "Den tid er desværre lige blevet taget. Vælg en anden tid.",
        en: "Sorry, that time has just been taken. Please choose another time.", field: "slotId")

    static let unknownService = GatewayProblem(
        .notFound, "unknown-service", title: "Unknown service",
        da: "Den tjeneste findes ikke.", en: "There is no such service.", field: "serviceId")

    static let unknownSlot = GatewayProblem(
        .notFound, "unknown-slot", title: "Unknown time",
        da: "Den tid findes ikke eller kan ikke længere bestilles.",
        en: "That time does not exist or can no longer be booked.", field: "slotId")

    static let slotServiceMismatch = GatewayProblem(
        .unprocessableContent, "slot-service-mismatch", title: "Time belongs to another service",
        da: "Den valgte tid hører til en anden tjeneste.", en: "The chosen time belongs to another service.", field: "slotId")

    static let malformedJSON = GatewayProblem(
        .badRequest, "malformed-json", title: "Malformed JSON",
        da: "Forespørgslen er ikke gyldig JSON.", en: "The request body is not valid JSON.")

    static let bodyTooLarge = GatewayProblem(
        .contentTooLarge, "body-too-large", title: "Request too large",
        da: "Forespørgslen er for stor (højst 64 KiB).", en: "The request body is too large (at most 64 KiB).")

    static let unsupportedMediaType = GatewayProblem(
        .unsupportedMediaType, "unsupported-media-type", title: "Unsupported media type",
        da: "Send JSON med Content-Type: application/json.", en: "Send JSON with Content-Type: application/json.")

    static let notFound = GatewayProblem(
        .notFound, "not-found", title: "Not found",
        da: "Siden findes ikke.", en: "There is no such page.")

    static let methodNotAllowed = GatewayProblem(
        .methodNotAllowed, "method-not-allowed", title: "Method not allowed",
        da: "Den metode understøttes ikke her.", en: "That method is not supported here.")

    static func rateLimited(retryAfter: Int) -> GatewayProblem {
        GatewayProblem(
            .tooManyRequests, "rate-limited", title: "Too many bookings",
            da: "Der er bestilt mange tider herfra på kort tid. Prøv igen senere, eller ring til stedet.",
            en: "Many times have been booked from here in a short while. Try again later, or call the place.",
            retryAfterSeconds: retryAfter)
    }

    static let internalFailure = GatewayProblem(
        .serviceUnavailable, "temporarily-unavailable", title: "Temporarily unavailable",
        da: "Noget gik galt hos os. Prøv igen om lidt – intet er gemt.",
        en: "Something went wrong on our side. Please try again shortly – nothing was saved.",
        retryAfterSeconds: 30)

    static func notEligible(_ reason: IneligibilityReason, referrals: [ReferralID]) -> GatewayProblem {
        let (da, en): (String, String)
        switch reason {
        case .tooYoung:
            (da, en) = ("Tilbuddet er ikke for din aldersgruppe. Her kan du få hjælp i stedet.",
                        "This service is not for your age group. Here is where you can get help instead.")
        case .tooOld:
            (da, en) = ("Tilbuddet er for yngre. Her kan du få hjælp i stedet.",
                        "This service is for younger people. Here is where you can get help instead.")
        case .opioids:
            (da, en) = ("Behandling for opioider kan omfatte medicin og kan derfor ikke være anonym. Her kan du få hjælp.",
                        "Treatment for opioids may include medicine, so it cannot be anonymous. Here is where you can get help.")
        case .substanceNotCovered:
            (da, en) = ("Anonym behandling dækker hash, kokain og feststoffer. Her kan du få hjælp til det, du bruger.",
                        "Anonymous treatment covers hash, cocaine and party drugs. Here is where you can get help with what you use.")
        case .receivesOtherSocialSupport:
            (da, en) = ("Når kommunen allerede hjælper dig med andet, er det bedste sted at få hjælp her.",
                        "As the municipality already helps you with other things, this is the best place to get help.")
        case .personIsEnrolled:
            (da, en) = ("Når den, du er bekymret for, er i behandling, kan du få støtte gennem behandlingsstedet.",
                        "As the person you worry about is in treatment, you can get support through the place that treats them.")
        }
        return GatewayProblem(.unprocessableContent, "not-eligible", title: "Not eligible for this service",
                              da: da, en: en, referrals: referrals)
    }
}
