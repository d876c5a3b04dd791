import Foundation
import GatewayCore
import GatewayServices
import GatewayStore
import Hummingbird

/// The JSON API's answers, typed. `docs/openapi.yaml` describes exactly these shapes, and the
/// router tests check every answer they see against it. Optional fields are left out when absent.
enum API {
    struct Localized: Encodable, Sendable {
        let da: String
        let en: String
        init(_ text: LocalizedText) { da = text.da; en = text.en }
    }

    struct Place: Encodable, Sendable {
        struct Caller: Encodable, Sendable { let name: String; let phone: String? }
        let name: String
        let address: [String]
        let phone: String?
        /// How to find the door (issue 10), when the provider has said.
        var wayIn: Localized? = nil
        /// A place booked by phone only: whom to call to book and to learn where to go.
        var bookedThrough: Caller? = nil
        init(_ place: ContactPlace) { name = place.name; address = place.address; phone = place.phone }
        init(_ provider: ProviderDefinition, in configuration: GatewayConfiguration) {
            self.init(provider.place)
            wayIn = provider.wayIn.map(Localized.init)
            bookedThrough = provider.bookedThrough.flatMap(configuration.provider).map { Caller(name: $0.place.name, phone: $0.place.phone) }
        }
    }

    struct SessionLimitBody: Encodable, Sendable {
        let kind: String
        let total: Int
        let clarifyingConversations: Int?
        let groupSessions: Int?
        let concludingConversations: Int?
        var conversations: Int? = nil
        var groupMeetings: Int? = nil

        init(_ limit: SessionLimit) {
            total = limit.totalSessions
            switch limit {
            case .conversations: kind = "conversations"; (clarifyingConversations, groupSessions, concludingConversations) = (nil, nil, nil)
            case .groupMeetings: kind = "group-meetings"; (clarifyingConversations, groupSessions, concludingConversations) = (nil, nil, nil)
            case .boundedCourse(let group, let concluding):
                kind = "bounded-course"; (clarifyingConversations, groupSessions, concludingConversations) = (1, group, concluding)
            case .conversationsOrGroup(let conversations, let meetings):
                kind = "conversations-or-group"; (clarifyingConversations, groupSessions, concludingConversations) = (nil, nil, nil)
                self.conversations = conversations; groupMeetings = meetings
            }
        }
    }

    struct Service: Encodable, Sendable {
        let id: String
        let name: Localized
        let summary: Localized
        let ageBands: [String]
        let asksSubstances: Bool
        let conversation: Localized
        let conversationMinutes: Int
        let sessionLimit: SessionLimitBody
        let providerIds: [String]
    }

    struct ServiceList: Encodable, Sendable { let services: [Service] }

    struct Slot: Encodable, Sendable {
        let id: String
        let start: String
        let end: String
        let providerId: String
        let remaining: Int
    }

    struct SlotListing: Encodable, Sendable { let slots: [Slot] }

    struct Booking: Encodable, Sendable {
        let serviceId: String
        let slotId: String
        let start: String
        let end: String
        let providerId: String
        let status: String
        let companion: Bool
        let interpreterLanguage: String?
        let place: Place?

        init(_ booking: GatewayCore.Booking, _ service: BookingService) {
            serviceId = booking.serviceId.rawValue
            slotId = booking.slotId.description
            start = service.calculator.iso8601(booking.start)
            end = service.calculator.iso8601(booking.end)
            providerId = booking.providerId.rawValue
            status = booking.status.rawValue
            companion = booking.requests.companion
            interpreterLanguage = booking.requests.interpreterLanguage
            place = service.configuration.provider(booking.providerId).map { Place($0, in: service.configuration) }
        }
    }

    /// A new one-time token, shown once. Staff answers add the spelling for reading it aloud.
    struct TokenIssued: Encodable, Sendable {
        let token: String
        let spelling: [String]?
        let booking: Booking?
    }

    struct FollowUp: Encodable, Sendable {
        let serviceId: String
        let providerId: String
    }

    struct CurrentBooking: Encodable, Sendable {
        let booking: Booking?
        let followUp: FollowUp?
        var dischargeFollowUp: DischargeFollowUpBody? = nil
        /// The PAS decision on the case this token belongs to, as a letter (QS 3.1: in writing).
        var decision: CitizenDecision? = nil
        /// The group course the case holds a seat in: its dates, and the meetings attended (issue 10).
        var course: Course? = nil
    }

    /// The decision as the citizen reads it: no case code, no staff, no names.
    struct CitizenDecision: Encodable, Sendable {
        let outcome: String
        let reason: String?
        let referralProviderId: String?
        let referredTo: Place?
        /// The letter, one paragraph per part, in both languages.
        let letter: [Localized]
    }

    /// A follow-up token after discharge (QS 3.2), as the citizen sees it. No case code.
    struct DischargeFollowUpBody: Encodable, Sendable {
        let round: String
        let opensOn: String
        let closesOn: String
        let answered: Bool
        /// The answer asked for another conversation: book it with `reschedule` and the same token.
        let mayBook: Bool
        let serviceId: String
        let providerId: String
        init(_ followUp: DischargeFollowUp) {
            round = followUp.round.rawValue; opensOn = followUp.opensOn.description; closesOn = followUp.closesOn.description
            answered = followUp.answered; mayBook = followUp.mayBook
            serviceId = followUp.serviceId.rawValue; providerId = followUp.providerId.rawValue
        }
    }

    struct FollowUpAnswered: Encodable, Sendable {
        struct Answer: Encodable, Sendable { let round: String; let answeredIn: String }
        struct Next: Encodable, Sendable { let token: String; let opensOn: String }
        let followUp: Answer
        /// After the one-month answer: the token for the six-month round, shown only here.
        let next: Next?
        /// After an answer that asked for another conversation: where it would be (book it with `reschedule`).
        let conversation: FollowUp?
    }

    /// Closing a case, with the follow-up token when one was asked for (shown only here).
    struct CaseClosed: Encodable, Sendable {
        struct FollowUpToken: Encodable, Sendable { let token: String; let spelling: [String]; let opensOn: String }
        let `case`: Case
        let followUp: FollowUpToken?
    }

    struct BookingEnvelope: Encodable, Sendable { let booking: Booking }

    struct Referral: Encodable, Sendable {
        let id: String
        let title: Localized
        let explanation: Localized
        let hours: Localized
        let places: [Place]

        init(_ referral: GatewayCore.Referral) {
            id = referral.id.rawValue; title = Localized(referral.title); explanation = Localized(referral.explanation)
            hours = Localized(referral.hours); places = referral.places.map(Place.init)
        }
    }

    struct Problem: Encodable, Sendable {
        let type: String
        let title: String
        let status: Int
        let detail: String
        let detailDa: String
        let field: String?
        let referrals: [Referral]?
    }

    // MARK: Staff

    struct SessionCreated: Encodable, Sendable {
        let sessionToken: String
        let expiresAt: String
    }

    struct CheckIn: Encodable, Sendable {
        let caseCode: String
        let serviceId: String
        let sessionNumber: Int
        let sessionLimit: Int
        let remaining: Int
        let progress: Localized
        let warning: Localized?
        let next: Localized?
    }

    struct CaseSummary: Encodable, Sendable {
        let caseCode: String
        let serviceId: String
        let providerId: String
        let openedOn: String
        let sessionsUsed: Int
        let referredHere: Bool
        let referralProviderId: String?
    }

    struct CaseList: Encodable, Sendable { let cases: [CaseSummary] }

    struct Decision: Encodable, Sendable {
        let outcome: String
        let text: Localized
        let reason: String?
        let referralProviderId: String?
    }

    struct Case: Encodable, Sendable {
        let caseCode: String
        let serviceId: String
        let providerId: String
        let ageBand: String
        let openedOn: String
        let status: String
        let sessionsUsed: Int
        let sessionLimit: Int
        let remaining: Int
        let progress: Localized
        let hasLiveToken: Bool
        let notesDestroyed: Bool
        let notesShared: Bool
        let warning: Localized?
        let next: Localized?
        let dischargeReason: String?
        /// The citizen's use at discharge (QS 2.2): drug-free, reduced, unchanged or unknown; absent while open and after a handover.
        let outcome: String?
        let decision: Decision?
        /// Kept from the first booking until the citizen changes it (seed 000, QS 3).
        var interpreterLanguage: String? = nil
        var companion: Bool = false
    }

    /// A group course: its meetings as local times with offsets; `attended` on the citizen's view.
    struct Course: Encodable, Sendable {
        struct Meeting: Encodable, Sendable { let number: Int; let start: String; let end: String; let attended: Bool? }
        let courseId: String
        let serviceId: String
        let providerId: String
        let seats: Int
        let seated: Int
        let meetings: [Meeting]
        init(_ course: GroupCourse, calculator: SlotCalculator, attended: Set<Int>?) {
            courseId = course.id; serviceId = course.serviceId.rawValue; providerId = course.providerId.rawValue
            seats = course.seats; seated = course.seated
            meetings = course.meetings.map { meeting in
                Meeting(number: meeting.number, start: calculator.iso8601(calculator.instant(meeting.day, meeting.start)),
                        end: calculator.iso8601(calculator.instant(meeting.day, meeting.end)), attended: attended.map { $0.contains(meeting.number) })
            }
        }
    }

    struct Courses: Encodable, Sendable { let courses: [Course] }
    struct CourseEnvelope: Encodable, Sendable { let course: Course }

    struct CaseEnvelope: Encodable, Sendable {
        let `case`: Case
    }

    struct NoteCreated: Encodable, Sendable {
        let noteId: String
        let writtenOn: String
    }

    struct Note: Encodable, Sendable {
        let id: String
        let writtenOn: String
        let providerId: String
        let text: String
    }

    struct NoteList: Encodable, Sendable { let notes: [Note] }

    struct EnrolmentCreated: Encodable, Sendable { let enrolmentId: String }

    struct ScheduleEntry: Encodable, Sendable {
        let slotId: String
        let start: String
        let end: String
        let serviceId: String
        let status: String
        let ageBand: String
        let companion: Bool
        let caseCode: String?
        let interpreterLanguage: String?
        let message: String?
    }

    struct Schedule: Encodable, Sendable {
        let date: String
        let bookings: [ScheduleEntry]
    }

    struct AccessLogEntry: Encodable, Sendable {
        let at: String
        let staff: String
        let action: String
        let caseCode: String
    }

    struct AccessLog: Encodable, Sendable { let entries: [AccessLogEntry] }

    /// What the citizen is told about a complaint they sent: where it went and when it came.
    struct ComplaintReceived: Encodable, Sendable {
        struct Body: Encodable, Sendable {
            let providerId: String
            let serviceId: String?
            let about: String
            let receivedOn: String
        }
        let complaint: Body
        init(_ received: ReceivedComplaint) {
            complaint = Body(providerId: received.providerId.rawValue, serviceId: received.serviceId?.rawValue,
                             about: received.about.rawValue, receivedOn: received.receivedOn.description)
        }
    }

    struct Complaint: Encodable, Sendable {
        let complaintCode: String
        let providerId: String
        let serviceId: String?
        let about: String
        let receivedOn: String
        let text: String
        let status: String
        let handledOn: String?
        init(_ complaint: GatewayCore.Complaint) {
            complaintCode = complaint.code.value; providerId = complaint.providerId.rawValue; serviceId = complaint.serviceId?.rawValue
            about = complaint.about.rawValue; receivedOn = complaint.receivedOn.description; text = complaint.text
            status = complaint.status.rawValue; handledOn = complaint.handledOn?.description
        }
    }

    struct ComplaintList: Encodable, Sendable { let complaints: [Complaint] }
    struct ComplaintEnvelope: Encodable, Sendable { let complaint: Complaint }
}

/// JSON answers: typed values encoded once, or bytes already encoded (cached listings).
enum JSONResponse {
    static func encode(_ value: some Encodable) throws(GatewayProblem) -> ByteBuffer {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding our own typed values cannot fail; if it ever did, say so instead of sending half an answer.
        do { return ByteBuffer(bytes: try encoder.encode(value)) } catch { throw .internalFailure }
    }

    static func make(status: HTTPResponse.Status = .ok, _ value: some Encodable, contentType: String = "application/json",
                     noStore: Bool = false, retryAfter: Int? = nil) throws(GatewayProblem) -> Response {
        make(status: status, bytes: try encode(value), contentType: contentType, noStore: noStore, retryAfter: retryAfter)
    }

    static func make(status: HTTPResponse.Status = .ok, bytes: ByteBuffer, contentType: String = "application/json",
                     noStore: Bool = false, retryAfter: Int? = nil) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        if noStore { headers[.cacheControl] = "no-store" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: bytes))
    }

    /// RFC 9457 problem details, with where to go instead when the problem names referrals.
    static func problem(_ problem: GatewayProblem, referrals known: [ReferralID: GatewayCore.Referral], texts: TextCatalog) -> Response {
        let body = API.Problem(
            type: problem.type, title: problem.title, status: Int(problem.status.code), detail: texts.detail(problem, .en), detailDa: texts.detail(problem, .da),
            field: problem.field,
            referrals: problem.referrals.isEmpty ? nil : problem.referrals.compactMap { known[$0].map(API.Referral.init) })
        do {
            return make(status: problem.status, bytes: try encode(body), contentType: "application/problem+json", retryAfter: problem.retryAfterSeconds)
        } catch {
            return make(status: .serviceUnavailable, bytes: ByteBuffer(string: #"{"detail":"Something went wrong on our side. Please try again shortly – nothing was saved.","detailDa":"Noget gik galt hos os. Prøv igen om lidt – intet er gemt.","status":503,"title":"Temporarily unavailable","type":"urn:anongate:problem:temporarily-unavailable"}"#),
                        contentType: "application/problem+json", retryAfter: 30)
        }
    }
}
