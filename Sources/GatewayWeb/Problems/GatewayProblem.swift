import GatewayCore
import HTTPTypes

/// Everything that can go wrong for a caller: a status, a stable slug, and the sentence for a person,
/// named by its key in the text catalog (`Resources/Text/<language>.json`) with the values it needs.
/// Rendered as RFC 9457 problem details on the API and as a sentence on the page, in its language.
public struct GatewayProblem: Error, Sendable, Equatable {
    public var status: HTTPResponse.Status
    /// A stable slug; the JSON `type` is `urn:anongate:problem:<slug>`.
    public var slug: String
    public var title: String
    /// The sentence's key and the values its `{placeholders}` take.
    var text: TextKey
    var values: [String: String]
    /// The request field at fault, when there is one.
    public var field: String?
    /// Where to go instead (422 not eligible).
    public var referrals: [ReferralID] = []
    public var retryAfterSeconds: Int?
    /// The page's language when the request named it in a body that was then refused (the error
    /// page otherwise follows `?lang`).
    public var language: Language?

    init(
        _ status: HTTPResponse.Status, _ slug: String, title: String, text: TextKey, values: [String: String] = [:], field: String? = nil,
        referrals: [ReferralID] = [], retryAfterSeconds: Int? = nil
    ) {
        self.status = status; self.slug = slug; self.title = title; self.text = text; self.values = values
        self.field = field; self.referrals = referrals; self.retryAfterSeconds = retryAfterSeconds
    }

    public var type: String { "urn:anongate:problem:\(slug)" }
}

extension TextCatalog {
    /// The problem's sentence in `language`. A `{field}` names the field the way that language says it.
    func detail(_ problem: GatewayProblem, _ language: Language) -> String {
        var values = problem.values
        if let field = values["field"], let key = TextKey(rawValue: "field.\(field)") { values["field"] = text(key, language) }
        if problem.text == .problemMissingField, let name = values["name"], let key = TextKey(rawValue: "field.\(name)") { values["name"] = text(key, language) }
        return text(problem.text, language, values)
    }
}

extension GatewayProblem {
    static func invalidField(_ field: String, _ text: TextKey, _ values: [String: String] = [:]) -> GatewayProblem {
        GatewayProblem(.badRequest, "invalid-field", title: "Invalid field", text: text, values: values.merging(["field": field]) { a, _ in a },
                       field: field)
    }

    static func missingField(_ field: String) -> GatewayProblem {
        GatewayProblem(.badRequest, "missing-field", title: "Missing field", text: .problemMissingField, values: ["name": field], field: field)
    }

    static let tokenTypo = GatewayProblem(.badRequest, "token-typo", title: "This reference contains a typo", text: .problemTokenTypo, field: "token")
    static let tokenMissing = GatewayProblem(.unauthorized, "token-missing", title: "Reference required", text: .problemTokenMissing)
    /// A citizen form sent without its reference: the page asks for it at the field.
    static let referenceMissing = GatewayProblem(.badRequest, "missing-field", title: "Missing field", text: .problemEnterReference, field: "token")
    /// A check-in without the citizen's reference, on the staff's API and page.
    static let staffReferenceMissing = GatewayProblem(.badRequest, "missing-field", title: "Missing field", text: .staffProblemEnterReference,
                                                      field: "token")
    static let tokenUnknown = GatewayProblem(.notFound, "token-unknown", title: "Reference not found", text: .problemTokenUnknown, field: "token")

    static func tokenGone(_ status: BookingStatus) -> GatewayProblem {
        status == .cancelled
            ? GatewayProblem(.gone, "booking-cancelled", title: "Booking cancelled", text: .problemBookingCancelled)
            : GatewayProblem(.gone, "token-used", title: "Reference already used", text: .problemTokenUsed)
    }

    static let slotFull = GatewayProblem(.conflict, "slot-full", title: "That time is taken", text: .problemSlotFull, field: "slotId")
    static let unknownService = GatewayProblem(.notFound, "unknown-service", title: "Unknown service", text: .problemUnknownService, field: "serviceId")
    static let unknownSlot = GatewayProblem(.notFound, "unknown-slot", title: "Unknown time", text: .problemUnknownSlot, field: "slotId")
    static let slotServiceMismatch = GatewayProblem(.unprocessableContent, "slot-service-mismatch", title: "Time belongs to another service",
                                                    text: .problemSlotServiceMismatch, field: "slotId")
    static let malformedJSON = GatewayProblem(.badRequest, "malformed-json", title: "Malformed JSON", text: .problemMalformedJSON)
    static let emptyJSON = GatewayProblem(.badRequest, "malformed-json", title: "Malformed JSON", text: .problemEmptyJSON)
    static let notAnObject = GatewayProblem(.badRequest, "malformed-json", title: "Malformed JSON", text: .problemNotAnObject)
    static let bodyTooLarge = GatewayProblem(.contentTooLarge, "body-too-large", title: "Request too large", text: .problemBodyTooLarge)
    static func conflictingValues(_ name: String) -> GatewayProblem {
        GatewayProblem(.badRequest, "conflicting-field", title: "Conflicting field", text: .problemConflictingValues, field: name)
    }
    static let notAForm = GatewayProblem(.unsupportedMediaType, "unsupported-media-type", title: "Unsupported media type", text: .problemNotAForm)
    static let unsupportedMediaType = GatewayProblem(.unsupportedMediaType, "unsupported-media-type", title: "Unsupported media type",
                                                     text: .problemUnsupportedMediaType)
    static let notFound = GatewayProblem(.notFound, "not-found", title: "Not found", text: .problemNotFound)
    static let methodNotAllowed = GatewayProblem(.methodNotAllowed, "method-not-allowed", title: "Method not allowed", text: .problemMethodNotAllowed)
    static let tooManyFields = GatewayProblem(.badRequest, "too-many-fields", title: "Too many fields", text: .problemTooManyFields)
    static let invalidEncoding = GatewayProblem(.badRequest, "invalid-encoding", title: "Invalid encoding", text: .problemInvalidEncoding)

    static func clientError(_ status: HTTPResponse.Status) -> GatewayProblem {
        GatewayProblem(status, "client-error", title: status.reasonPhrase, text: .problemClientError)
    }

    static func rateLimited(retryAfter: Int) -> GatewayProblem {
        GatewayProblem(.tooManyRequests, "rate-limited", title: "Too many bookings", text: .problemRateLimited, retryAfterSeconds: retryAfter)
    }

    static let internalFailure = GatewayProblem(.serviceUnavailable, "temporarily-unavailable", title: "Temporarily unavailable",
                                                text: .problemTemporarilyUnavailable, retryAfterSeconds: 30)

    static func notEligible(_ reason: IneligibilityReason, referrals: [ReferralID]) -> GatewayProblem {
        let text: TextKey = switch reason {
        case .tooYoung: .problemNotEligibleTooYoung
        case .tooOld: .problemNotEligibleTooOld
        case .opioids: .problemNotEligibleOpioids
        case .substanceNotCovered: .problemNotEligibleSubstance
        case .receivesOtherSocialSupport: .problemNotEligibleOtherSupport
        case .personIsEnrolled: .problemNotEligibleEnrolled
        case .youngRelative: .problemNotEligibleYoungRelative
        }
        return GatewayProblem(.unprocessableContent, "not-eligible", title: "Not eligible for this service", text: text, referrals: referrals)
    }
}
