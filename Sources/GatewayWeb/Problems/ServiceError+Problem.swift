import GatewayCore
import GatewayServices

/// How each domain refusal reads for a person: the status, a stable slug, and the sentence's key in
/// the text catalog. Pages and the API show the same sentence.
extension GatewayProblem {
    init(_ error: ServiceError) {
        switch error {
        case .missingField("token"): self = .staffReferenceMissing   // only staff requests carry the reference as a field
        case .missingField(let field): self = .missingField(field)
        case .invalidField(let field, let rule): self = Self.invalid(field, rule)
        case .missingAnswer(.substancesRequired):
            self = GatewayProblem(.badRequest, "missing-field", title: "Missing field", text: .problemSubstancesRequired, field: "substances")
        case .missingAnswer(.socialSupportAnswerRequired):
            self = GatewayProblem(.badRequest, "missing-field", title: "Missing field", text: .problemOtherSupportRequired,
                                  field: "receivesOtherSocialSupport")
        case .missingAnswer(.enrolmentAnswerRequired):
            self = GatewayProblem(.badRequest, "missing-field", title: "Missing field", text: .problemEnrolledRequired,
                                  field: "personIsEnrolledInTreatment")
        case .unknownService: self = .unknownService
        case .unknownSlot: self = .unknownSlot
        case .slotServiceMismatch: self = .slotServiceMismatch
        case .slotFull: self = .slotFull
        case .slotAtOtherProvider:
            self = GatewayProblem(.unprocessableContent, "slot-other-provider", title: "Time at another place", text: .problemSlotOtherProvider,
                                  field: "slotId")
        case .bookedByPhone(let name, let phone):
            self = GatewayProblem(.unprocessableContent, "booked-by-phone", title: "Booked by phone", text: .problemBookedByPhone,
                                  values: ["name": name, "phone": phone], field: "slotId")
        case .notEligible(let reason, let referrals): self = .notEligible(reason, referrals: referrals)
        case .rateLimited(let seconds): self = .rateLimited(retryAfter: seconds)
        case .tokenMissing: self = .tokenMissing
        case .tokenTypo: self = .tokenTypo
        case .tokenUnknown: self = .tokenUnknown
        case .tokenGone(let status): self = .tokenGone(status)
        case .checkInTokenExpired:
            self = GatewayProblem(.gone, "token-expired", title: "Reference no longer valid", text: .problemCheckInTokenExpired)
        case .checkInTokenUsed:
            self = GatewayProblem(.conflict, "token-used", title: "Reference already used", text: .problemCheckInTokenUsed)
        case .notToday(let day):
            self = GatewayProblem(.unprocessableContent, "not-today", title: "Not today", text: .problemNotToday, values: ["day": day.description])
        case .unknownCase: self = .unknownCase
        case .followUp(.notYet(let day)):
            self = GatewayProblem(.conflict, "follow-up-not-yet", title: "Follow-up not open yet", text: .problemFollowUpNotYet,
                                  values: ["day": day.description])
        case .followUp(.over):
            self = GatewayProblem(.gone, "follow-up-over", title: "Follow-up over", text: .problemFollowUpOver)
        case .followUp(.alreadyAnswered):
            self = GatewayProblem(.conflict, "follow-up-answered", title: "Follow-up already answered", text: .problemFollowUpAnswered)
        case .followUp(.noConversationAsked):
            self = GatewayProblem(.conflict, "follow-up-no-conversation", title: "No conversation asked for", text: .problemFollowUpNoConversation)
        case .followUp(.notAFollowUpToken):
            self = GatewayProblem(.conflict, "not-a-follow-up-token", title: "Not a follow-up reference", text: .problemNotAFollowUpToken)
        case .unknownComplaint:
            self = GatewayProblem(.notFound, "unknown-complaint", title: "Complaint not found", text: .problemUnknownComplaint, field: "complaintCode")
        case .refused(let refusal): self = Self.refused(refusal)
        case .group(let refusal): self = Self.group(refusal)
        case .signInFailed:
            self = GatewayProblem(.unauthorized, "sign-in-failed", title: "Sign-in failed", text: .problemSignInFailed)
        case .signInDelayed(let seconds):
            self = GatewayProblem(.tooManyRequests, "sign-in-delayed", title: "Wait before trying again", text: .problemSignInDelayed,
                                  retryAfterSeconds: seconds)
        case .storageFailure: self = .internalFailure
        }
    }

    static func invalid(_ field: String, _ rule: FieldRule) -> GatewayProblem {
        switch rule {
        case .oneOf(let values): .invalidField(field, .problemOneOf, ["list": values.joined(separator: ", ")])
        case .maxLength(let maximum): .invalidField(field, .problemMaxLength, ["maximum": String(maximum)])
        case .shortLine(let maximum): .invalidField(field, .problemShortLine, ["maximum": String(maximum)])
        case .isoDate: .invalidField(field, .problemIsoDate)
        case .timeOfDay: .invalidField(field, .staffProblemTimeOfDay)
        case .isoMonth: .invalidField(field, .problemIsoMonth)
        case .wholeNumber: .invalidField(field, .problemWholeNumber)
        case .range(let range): .invalidField(field, .problemRange, ["low": String(range.lowerBound), "high": String(range.upperBound)])
        case .withinHorizon(let days): .invalidField(field, .problemWithinHorizon, ["days": String(days)])
        case .notBefore(let other): .invalidField(field, .problemNotBefore, ["other": other])
        case .pasProvider(let providers): .invalidField(field, .problemPASProvider, ["providers": providers.joined(separator: ", ")])
        case .dischargeReason: .invalidField(field, .problemDischargeReason)
        case .carryShape: .invalidField(field, .problemCarryShape)
        }
    }

    static func refused(_ refusal: CaseRefusal) -> GatewayProblem {
        func notPossible(_ text: TextKey) -> GatewayProblem {
            GatewayProblem(.unprocessableContent, "not-allowed", title: "Not possible", text: text)
        }
        switch refusal {
        case .closed:
            return GatewayProblem(.conflict, "case-closed", title: "Case closed", text: .problemCaseClosed)
        case .limitReached(let guidance):
            let text: TextKey = guidance == .identifiedEnrolment ? .guidanceIdentifiedEnrolment : .guidanceConsentAndApproval
            return GatewayProblem(.unprocessableContent, "limit-reached", title: "Session limit reached", text: text)
        case .decisionOnlyForPAS: return notPossible(.problemDecisionOnlyForPAS)
        case .clarifyingConversationNotHeld: return notPossible(.problemClarifyingNotHeld)
        case .alreadyDecided: return notPossible(.problemAlreadyDecided)
        case .notesDestroyed: return notPossible(.problemNotesDestroyed)
        case .noBookedSession: return notPossible(.problemNoBookedSession)
        case .bookedSessionNotStarted: return notPossible(.problemSessionNotStarted)
        case .consentAndApprovalRequired:
            return GatewayProblem(.unprocessableContent, "consent-required", title: "Consent and approval required", text: .problemConsentRequired,
                                  field: "parentalConsent")
        case .transferredOnlyByHandover:
            return invalid("reason", .dischargeReason)
        case .carriedValueLinksBack(let key):
            return GatewayProblem(.unprocessableContent, "carry-links-back", title: "Carried data points back", text: .problemCarryLinksBack,
                                  values: ["key": key], field: "carry")
        case .serviceNotOfferedHere:
            return GatewayProblem(.unprocessableContent, "service-not-offered", title: "Service not offered here", text: .problemServiceNotOffered,
                                  field: "serviceId")
        case .ageBandNotServed:
            return GatewayProblem(.unprocessableContent, "not-eligible", title: "Not eligible for this service", text: .problemAgeBandNotServed,
                                  field: "ageBand")
        case .slotElsewhere:
            return GatewayProblem(.unprocessableContent, "slot-not-offered-here", title: "Time belongs elsewhere", text: .problemSlotElsewhere,
                                  field: "slotId")
        }
    }

    /// Group courses: what staff are told (the API's detail, the page's sentence).
    static func group(_ refusal: GroupCourseRefusal) -> GatewayProblem {
        func conflict(_ slug: String, _ title: String, _ text: TextKey, _ values: [String: String] = [:]) -> GatewayProblem {
            GatewayProblem(.conflict, slug, title: title, text: text, values: values)
        }
        switch refusal {
        case .noGroupsForService:
            return GatewayProblem(.unprocessableContent, "no-groups-for-service", title: "No group courses", text: .staffProblemGroupNotForService, field: "serviceId")
        case .serviceNotOfferedHere:
            return GatewayProblem(.unprocessableContent, "service-not-offered", title: "Service not offered here", text: .staffProblemGroupServiceNotHere, field: "serviceId")
        case .noMeetings: return .missingField("meetings")
        case .tooManyMeetings(let maximum):
            return GatewayProblem(.badRequest, "invalid-field", title: "Invalid field", text: .staffProblemGroupTooManyMeetings,
                                  values: ["maximum": String(maximum)], field: "meetings")
        case .seatsOutOfRange(let range): return invalid("seats", .range(range))
        case .meetingLengthOutOfRange(let range): return invalid("meetings", .range(range))
        case .meetingsOutOfOrder(let number):
            return GatewayProblem(.badRequest, "invalid-field", title: "Invalid field", text: .staffProblemGroupMeetingsOrder,
                                  values: ["number": String(number)], field: "meetings")
        case .meetingAtClockChange(let number):
            return GatewayProblem(.badRequest, "invalid-field", title: "Invalid field", text: .staffProblemGroupMeetingClockChange,
                                  values: ["number": String(number)], field: "meetings")
        case .courseFull: return conflict("course-full", "Course full", .staffProblemGroupFull)
        case .alreadySeated: return conflict("already-seated", "Already has a place", .staffProblemGroupAlreadySeated)
        case .notSeated: return conflict("not-seated", "No place in this course", .staffProblemGroupNotSeated)
        case .alreadyAttended: return conflict("already-attended", "Attendance already recorded", .staffProblemGroupAlreadyAttended)
        case .meetingNotHeldYet(let day): return conflict("meeting-not-yet", "Meeting not held yet", .staffProblemGroupNotYet, ["day": day.description])
        case .unknownMeeting:
            return GatewayProblem(.notFound, "unknown-meeting", title: "Meeting not found", text: .staffProblemGroupUnknownMeeting, field: "meeting")
        case .unknownCourse:
            return GatewayProblem(.notFound, "unknown-course", title: "Course not found", text: .staffProblemGroupUnknownCourse, field: "courseId")
        case .decisionRequired:
            return GatewayProblem(.unprocessableContent, "decision-required", title: "Decision required", text: .staffProblemGroupDecisionRequired)
        case .caseElsewhere:
            return GatewayProblem(.unprocessableContent, "case-elsewhere", title: "Case of another service or place", text: .staffProblemGroupCaseElsewhere,
                                  field: "caseCode")
        }
    }

    static let unknownCase = GatewayProblem(.notFound, "unknown-case", title: "Case not found", text: .problemUnknownCase, field: "caseCode")
    static let signInRequired = GatewayProblem(.unauthorized, "sign-in-required", title: "Sign-in required", text: .problemSignInRequired)
    static let forbidden = GatewayProblem(.forbidden, "forbidden", title: "Not allowed for your role", text: .problemForbidden)
    static let csrf = GatewayProblem(.forbidden, "csrf", title: "Form expired", text: .problemCSRF)
    static let bookingFormExpired = GatewayProblem(.badRequest, "booking-form-expired", title: "Form expired", text: .problemBookingFormExpired)
    static let crossSite = GatewayProblem(.forbidden, "cross-site-request", title: "Request from another website", text: .problemCrossSite)
    static let invalidForm = GatewayProblem(.badRequest, "invalid-form", title: "Invalid form", text: .problemInvalidForm)
}

extension ServiceError {
    var problem: GatewayProblem { GatewayProblem(self) }
}
