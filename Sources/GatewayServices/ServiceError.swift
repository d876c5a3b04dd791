import GatewayCore

/// Everything the booking and case services can refuse, in domain terms and without text: the
/// web layer says it in the reader's language (RFC 9457 problems on the API, sentences on pages).
public enum ServiceError: Error, Sendable, Hashable {
    // What the caller sent
    case missingField(String)
    case invalidField(String, FieldRule)
    /// An answer the eligibility rules need is missing (PAS: substances, other social support).
    case missingAnswer(EnquiryAnswerError)

    // Booking
    case unknownService
    case unknownSlot
    case slotServiceMismatch
    case slotFull
    /// A case's session stays with the provider that holds the case.
    case slotAtOtherProvider
    /// This provider's times are booked by phone only, through `name`'s number `phone` (issue 10).
    case bookedByPhone(name: String, phone: String)
    case notEligible(IneligibilityReason, referTo: [ReferralID])
    case rateLimited(retryAfterSeconds: Int)

    // The citizen's one-time token
    case tokenMissing
    case tokenTypo
    case tokenUnknown
    case tokenGone(BookingStatus)

    // Check-in at the provider
    case checkInTokenExpired
    case checkInTokenUsed
    case notToday(CalendarDay)

    // Cases
    case unknownCase
    case refused(CaseRefusal)

    // Group courses (§101a stk. 8, QS 3.5, 4.4.4)
    case group(GroupCourseRefusal)

    // Follow-up after discharge (QS 3.2)
    case followUp(FollowUpRefusal)

    // Complaints
    /// No complaint with this code that this member of staff may see.
    case unknownComplaint

    // Staff sign-in
    case signInFailed
    case signInDelayed(retryAfterSeconds: Int)

    /// The database failed or a stored value could not be opened; nothing was changed.
    case storageFailure
}

/// What a field must be, for an `invalidField` error.
public enum FieldRule: Sendable, Hashable {
    case oneOf([String])
    case maxLength(Int)
    /// A single line of at most this many characters.
    case shortLine(maxLength: Int)
    case isoDate
    /// A time of day as HH:MM.
    case timeOfDay
    /// A month as YYYY-MM.
    case isoMonth
    case wholeNumber
    case range(ClosedRange<Int>)
    /// `from` beyond the booking horizon.
    case withinHorizon(days: Int)
    /// A period's end before its start (the other field's name).
    case notBefore(String)
    /// A decision refers to a provider of anonymous treatment.
    case pasProvider([String])
    /// Closing takes completed, other-offer, hospital or other (transferred comes from a handover).
    case dischargeReason
    /// Handover: at most 20 fields, keys of 1–40 characters, values of at most 2000.
    case carryShape
}
