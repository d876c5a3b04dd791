import Foundation
import GatewayCore
import GatewayCrypto
import GatewayStore

/// A signed-in member of staff as the services see them: the account and its pseudonym in the
/// anonymous store.
public struct StaffIdentity: Sendable {
    public let member: StaffMember
    public let actor: StaffActor
    public init(member: StaffMember, actor: StaffActor) { self.member = member; self.actor = actor }

    public func may(_ permission: StaffPermission) -> Bool { member.role.may(permission) }
}

/// The staff side's rules over both stores: check-in, the token chain, notes, decisions and the
/// crossing to identified care. Callers have already checked the staff member's permission.
public struct CaseService: Sendable {
    public let booking: BookingService
    let store: AnonymousStore
    let identified: IdentifiedStore

    public init(booking: BookingService, store: AnonymousStore, identified: IdentifiedStore) {
        self.booking = booking; self.store = store; self.identified = identified
    }

    public var configuration: GatewayConfiguration { booking.configuration }
    var today: CalendarDay { booking.today }
    var limits: [ServiceID: SessionLimit] {
        Dictionary(uniqueKeysWithValues: configuration.services.map { ($0.id, $0.sessionLimit) })
    }

    func context(_ staff: StaffIdentity) -> CaseContext { CaseContext(actor: staff.actor, today: today, now: booking.clock.now) }

    func limit(_ service: ServiceID) throws(ServiceError) -> SessionLimit {
        guard let limit = configuration.service(service)?.sessionLimit else { throw .unknownService }
        return limit
    }

    public func caseCode(_ raw: String?) throws(ServiceError) -> CaseCode {
        // A body without the code is a request missing a field, not a case that was not found.
        guard let raw, !raw.trimmingCharacters(in: .whitespaces).isEmpty else { throw .missingField("caseCode") }
        guard let code = CaseCode(raw) else { throw .unknownCase }
        return code
    }

    // MARK: Check-in

    public func checkIn(_ rawToken: String?, by staff: StaffIdentity) async throws(ServiceError) -> CheckInResult {
        // The reference is a field of the staff's request, not the staff's credential: missing is a 400.
        guard let rawToken, !rawToken.trimmingCharacters(in: .whitespaces).isEmpty else { throw .missingField("token") }
        let token = try booking.parseToken(rawToken)
        let calculator = booking.calculator
        let tokenHash = try await booking.lookupHash(token)
        do {
            return try await store.checkIn(tokenHash: tokenHash, context(staff), dayOf: { calculator.day(of: $0) },
                                           limits: limits, random: booking.random)
        } catch {
            throw Self.error(error, tokenContext: true)
        }
    }

    public func walkIn(service rawService: String?, ageBand rawBand: String?, token rawToken: String?, by staff: StaffIdentity) async throws(ServiceError) -> CheckInResult {
        if let rawToken, !rawToken.isEmpty {
            let token = try booking.parseToken(rawToken)
            let tokenHash = try await booking.lookupHash(token)
            do {
                let calculator = booking.calculator
                return try await store.walkIn(tokenHash: tokenHash, context(staff), dayOf: { calculator.day(of: $0) },
                                              limits: limits, random: booking.random)
            } catch {
                throw Self.error(error, tokenContext: true)
            }
        }
        let service = try booking.service(rawService)
        let band = try booking.ageBand(rawBand)
        do {
            try CasePolicy.checkWalkIn(service: service, ageBand: band, provider: configuration.provider(staff.member.providerId))
        } catch {
            throw .refused(error)
        }
        do {
            return try await store.walkIn(service: service.id, ageBand: band, context(staff), limit: service.sessionLimit, random: booking.random)
        } catch {
            throw Self.error(error, tokenContext: false)
        }
    }

    // MARK: Cases

    public func readCase(_ code: CaseCode, by staff: StaffIdentity) async throws(ServiceError) -> AnonymousCase {
        do { return try await store.anonymousCase(code, context(staff)) } catch { throw await refused(error, code, staff) }
    }

    /// Open cases of this provider and those referred to it; each listed case is logged (`list-cases`).
    public func openCases(for staff: StaffIdentity) async throws(ServiceError) -> [AnonymousCase] {
        do { return try await store.openCases(context(staff)) } catch { throw Self.error(error, tokenContext: false) }
    }

    /// A case operation that found no case this provider may see: the attempt is logged (`refused`),
    /// so probing another provider's case codes leaves a trace for both providers' auditors.
    func refused(_ error: CaseStoreError, _ code: CaseCode, _ staff: StaffIdentity) async -> ServiceError {
        if case .notFound = error {
            do { try await store.logRefusal(code: code, context(staff)) } catch { return .storageFailure }
        }
        return Self.error(error, tokenContext: false)
    }

    /// The provider's bookings on one day.
    public func schedule(on day: CalendarDay, for staff: StaffIdentity) async throws(ServiceError) -> [(Booking, CaseCode?)] {
        let calculator = booking.calculator
        let start = calculator.instant(day, TimeOfDay(hour: 0, minute: 0)!)
        let end = calculator.instant(day.adding(days: 1), TimeOfDay(hour: 0, minute: 0)!)
        do { return try await store.schedule(provider: staff.member.providerId, from: start, to: end, context(staff)) } catch {
            throw Self.error(error, tokenContext: false)
        }
    }

    /// Books the next session: a new one-time token for the citizen to take home.
    public func bookNext(_ code: CaseCode, slot rawSlot: String?, by staff: StaffIdentity) async throws(ServiceError) -> (OneTimeToken, Booking) {
        let current = try await readCase(code, by: staff)
        guard let service = configuration.service(current.serviceId) else { throw .unknownService }
        let slot = try booking.bookableSlot(rawSlot, for: service, byPhone: true)
        let token = OneTimeToken(generatingWith: booking.random)
        do {
            let (_, booked) = try await store.bookNext(code: code, slot: slot, tokenHash: booking.hash(token), bookingId: booking.newId(),
                                                       context(staff), limit: service.sessionLimit)
            return (token, booked)
        } catch {
            throw await refused(error, code, staff)
        }
    }

    public func followUp(_ code: CaseCode, by staff: StaffIdentity) async throws(ServiceError) -> OneTimeToken {
        let current = try await readCase(code, by: staff)
        let token = OneTimeToken(generatingWith: booking.random)
        let limit = try limit(current.serviceId)
        do { try await store.issueFollowUp(code: code, tokenHash: booking.hash(token), context(staff), limit: limit) } catch {
            throw await refused(error, code, staff)
        }
        return token
    }

    /// Marks the case's booked session as missed; it counts against the limit only if the config says so.
    public func markNoShow(_ code: CaseCode, by staff: StaffIdentity) async throws(ServiceError) -> AnonymousCase {
        let current = try await readCase(code, by: staff)
        guard let service = configuration.service(current.serviceId) else { throw .unknownService }
        do {
            return try await store.markNoShow(code: code, context(staff), counts: service.noShowCounts, limit: service.sessionLimit)
        } catch {
            throw await refused(error, code, staff)
        }
    }

    public static let maximumNoteLength = 10_000

    public func addNote(_ code: CaseCode, text rawText: String?, by staff: StaffIdentity) async throws(ServiceError) -> String {
        guard let text = rawText?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { throw .missingField("text") }
        guard text.count <= Self.maximumNoteLength else { throw .invalidField("text", .maxLength(Self.maximumNoteLength)) }
        let id = booking.newId()
        do { try await store.addNote(code: code, text: text, noteId: id, context(staff)) } catch { throw await refused(error, code, staff) }
        return id
    }

    public func notes(_ code: CaseCode, by staff: StaffIdentity) async throws(ServiceError) -> [CaseNote] {
        do { return try await store.notes(code: code, context(staff)) } catch { throw await refused(error, code, staff) }
    }

    public func destroyNotes(_ code: CaseCode, by staff: StaffIdentity) async throws(ServiceError) {
        do { try await store.destroyNotes(code: code, context(staff)) } catch { throw await refused(error, code, staff) }
    }

    public static let maximumReasonLength = 4000

    public func decide(_ code: CaseCode, outcome rawOutcome: String?, reason rawReason: String?, referral rawReferral: String?,
                       shareNotes: Bool, by staff: StaffIdentity) async throws(ServiceError) -> AnonymousCase {
        guard let rawOutcome else { throw .missingField("outcome") }
        guard let outcome = DecisionOutcome(rawValue: rawOutcome) else { throw .invalidField("outcome", .oneOf(["granted", "refused"])) }
        guard let reason = rawReason?.trimmingCharacters(in: .whitespacesAndNewlines), !reason.isEmpty else { throw .missingField("reason") }
        guard reason.count <= Self.maximumReasonLength else { throw .invalidField("reason", .maxLength(Self.maximumReasonLength)) }
        var referral: ProviderID?
        if outcome == .granted {
            guard let raw = rawReferral, !raw.isEmpty else { throw .missingField("referralProviderId") }
            let provider = ProviderID(raw)
            let pasProviders = configuration.providers(offering: .pas).map(\.id)
            guard pasProviders.contains(provider) else { throw .invalidField("referralProviderId", .pasProvider(pasProviders.map(\.rawValue))) }
            referral = provider
        }
        do {
            return try await store.decide(code: code, outcome: outcome, reason: reason, referral: referral, shareNotes: shareNotes, context(staff))
        } catch {
            throw await refused(error, code, staff)
        }
    }

    /// Closes a case with its discharge reason and the citizen's use at discharge (QS 2.2; absent
    /// means `unknown`).
    public func close(_ code: CaseCode, reason rawReason: String?, outcome rawOutcome: String? = nil, by staff: StaffIdentity) async throws(ServiceError) -> AnonymousCase {
        try await close(code, reason: rawReason, outcome: rawOutcome, followUp: false, by: staff).closed
    }

    /// Closes a case and, with `followUp`, issues the follow-up token the counsellor hands the
    /// citizen (QS 3.2; answerable from one month after today).
    public func close(_ code: CaseCode, reason rawReason: String?, outcome rawOutcome: String?, followUp: Bool,
                      by staff: StaffIdentity) async throws(ServiceError) -> (closed: AnonymousCase, followUpToken: OneTimeToken?) {
        guard let rawReason else { throw .missingField("reason") }
        guard let reason = DischargeReason(rawValue: rawReason) else { throw .invalidField("reason", .dischargeReason) }
        var outcome = DischargeOutcome.unknown
        if let rawOutcome {
            guard let parsed = DischargeOutcome(rawValue: rawOutcome) else {
                throw .invalidField("outcome", .oneOf(DischargeOutcome.allCases.map(\.rawValue)))
            }
            outcome = parsed
        }
        // Closing takes the four QS 3.2 reasons only (transferred comes from a handover), all of which are followed up.
        let token = followUp && FollowUpRules.reasons.contains(reason) ? OneTimeToken(generatingWith: booking.random) : nil
        do {
            let closed = try await store.close(code: code, reason: reason, outcome: outcome, followUpTokenHash: token.map(booking.hash), context(staff))
            return (closed, token)
        } catch {
            if case .refused(.transferredOnlyByHandover) = error { throw .invalidField("reason", .dischargeReason) }
            throw await refused(error, code, staff)
        }
    }

    /// The crossing to identified care. The enrolment gets a fresh random id and carries only what
    /// the citizen agreed to carry; nothing in it points back to the anonymous case.
    public func handover(_ code: CaseCode, carry: [String: String], parentalConsent: Bool, caseworkerApproval: Bool,
                         by staff: StaffIdentity) async throws(ServiceError) -> String {
        let current = try await readCase(code, by: staff)
        do {
            try CasePolicy.checkHandover(current, parentalConsent: parentalConsent, caseworkerApproval: caseworkerApproval, carried: carry)
        } catch {
            throw .refused(error)
        }
        let enrolment = Enrolment(
            id: booking.newId(), providerId: staff.member.providerId, startedIn: CalendarMonth(today),
            carried: carry, parentalConsent: parentalConsent, caseworkerApproval: caseworkerApproval)
        do { try await identified.insert(enrolment) } catch { throw .storageFailure }
        do {
            _ = try await store.close(code: code, reason: .transferred, context(staff), throughHandover: true)
        } catch {
            // Undo the enrolment; if even that fails, the orphan names no case (it carries nothing that
            // points back), and the caller is told the storage failed.
            do { try await identified.delete(enrolmentId: enrolment.id) } catch { throw .storageFailure }
            throw await refused(error, code, staff)
        }
        return enrolment.id
    }

    static func error(_ error: CaseStoreError, tokenContext: Bool) -> ServiceError {
        switch error {
        case .notFound: return tokenContext ? .tokenUnknown : .unknownCase
        case .tokenGone: return .checkInTokenExpired
        case .tokenUsed: return .checkInTokenUsed
        case .notToday(let day): return .notToday(day)
        case .refused(let refusal): return .refused(refusal)
        case .slotFull: return .slotFull
        case .group(let refusal): return .group(refusal)
        case .storageFailure: return .storageFailure
        }
    }
}

extension CaseService {
    /// The provider's access log, filtered; the read is logged too. A period that ends before it
    /// starts is refused.
    public func accessLog(_ filter: AccessLogFilter, for staff: StaffIdentity) async throws(ServiceError) -> [AccessLogEntry] {
        if let from = filter.from, let to = filter.to, to < from { throw .invalidField("to", .notBefore("from")) }
        do { return try await store.accessLog(filter, context(staff)) } catch { throw Self.error(error, tokenContext: false) }
    }
}

// MARK: Group courses (issue 10; §101a stk. 8, QS 3.5, 4.4.4)

/// A meeting as it arrives from the form or the API, before validation.
public struct GroupMeetingInput: Sendable {
    public var date: String?
    public var start: String?
    public var minutes: Int?
    public init(date: String?, start: String?, minutes: Int?) { self.date = date; self.start = start; self.minutes = minutes }
}

extension CaseService {
    /// The wall-clock day and time of a stored instant, for courses.
    var local: @Sendable (Date) -> (CalendarDay, TimeOfDay) {
        let calculator = booking.calculator
        return { (calculator.day(of: $0), calculator.timeOfDay($0)) }
    }

    /// A provider's admin defines a course at their provider: service, places and meetings.
    public func createCourse(service rawService: String?, seats: Int?, meetings rawMeetings: [GroupMeetingInput]?,
                             by staff: StaffIdentity) async throws(ServiceError) -> GroupCourse {
        let service = try booking.service(rawService)
        guard let seats else { throw .missingField("seats") }
        guard let rawMeetings, !rawMeetings.isEmpty else { throw .missingField("meetings") }
        guard rawMeetings.count <= 60 else { throw .invalidField("meetings", .range(1...60)) }
        var requests: [GroupMeetingRequest] = []
        for raw in rawMeetings {
            guard let text = raw.date, let day = CalendarDay(iso: text) else { throw .invalidField("meetings", .isoDate) }
            guard let start = raw.start.flatMap({ TimeOfDay($0) }) else { throw .invalidField("meetings", .timeOfDay) }
            guard let minutes = raw.minutes else { throw .invalidField("meetings", .range(GroupCourses.meetingMinutes)) }
            requests.append(GroupMeetingRequest(day: day, start: start, minutes: minutes))
        }
        guard let provider = configuration.provider(staff.member.providerId) else { throw .group(.serviceNotOfferedHere) }
        let meetings: [GroupMeeting]
        do {
            meetings = try GroupCourses.validate(service: service, provider: provider, seats: seats, meetings: requests, today: today,
                                                 timeZone: configuration.timeZone)
        } catch { throw .group(error) }
        let calculator = booking.calculator
        do {
            return try await store.createCourse(id: booking.newId(), provider: provider.id, service: service.id, seats: seats, meetings: meetings,
                                                instant: { calculator.instant($0, $1) }, today: today)
        } catch { throw Self.error(error, tokenContext: false) }
    }

    /// The provider's courses that have not ended.
    public func courses(for staff: StaffIdentity) async throws(ServiceError) -> [GroupCourse] {
        do { return try await store.courses(provider: staff.member.providerId, from: today, local: local) } catch {
            throw Self.error(error, tokenContext: false)
        }
    }

    public func seat(_ code: CaseCode, inCourse courseId: String?, by staff: StaffIdentity) async throws(ServiceError) -> GroupCourse {
        guard let courseId, !courseId.isEmpty else { throw .missingField("courseId") }
        do { return try await store.seat(code: code, courseId: courseId, context(staff), local: local) } catch {
            throw Self.error(error, tokenContext: false)
        }
    }

    public func attend(_ code: CaseCode, course courseId: String, meeting: Int, by staff: StaffIdentity) async throws(ServiceError) -> CheckInResult {
        // A meeting may be recorded after the course has ended (the next morning, say): look back a year.
        let recent: [GroupCourse]
        do { recent = try await store.courses(provider: staff.member.providerId, from: today.adding(days: -366), local: local) } catch {
            throw Self.error(error, tokenContext: false)
        }
        guard let course = recent.first(where: { $0.id == courseId }) else { throw .group(.unknownCourse) }
        guard let service = configuration.service(course.serviceId) else { throw .unknownService }
        do { return try await store.attend(code: code, courseId: courseId, meeting: meeting, context(staff), limit: service.sessionLimit, local: local) } catch {
            throw Self.error(error, tokenContext: false)
        }
    }

    /// The course a case holds a seat in, and the meetings it came to.
    public func course(ofCase code: CaseCode) async throws(ServiceError) -> (GroupCourse, Set<Int>)? {
        do { return try await store.courseOfCase(code.value, local: local) } catch { throw Self.error(error, tokenContext: false) }
    }
}
