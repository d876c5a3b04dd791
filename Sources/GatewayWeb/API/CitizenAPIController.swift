import Foundation
import GatewayCore
import GatewayServices
import GatewayStore
import HTTPTypes
import Hummingbird
import NIOCore

/// The citizen's JSON API (`/api/v1`). A stable contract: PAS providers integrate with it.
struct CitizenAPIController {
    let bookings: BookingService
    let complaints: ComplaintService
    let network: ClientNetwork
    /// Words the decision letter (shared with the staff answers).
    let letters: StaffTexts
    /// The service list never changes while the process runs: encoded once.
    let serviceList: ByteBuffer

    init(bookings: BookingService, complaints: ComplaintService, network: ClientNetwork, letters: StaffTexts) throws {
        self.bookings = bookings; self.complaints = complaints; self.network = network; self.letters = letters
        let configuration = bookings.configuration
        serviceList = try JSONResponse.encode(API.ServiceList(services: configuration.services.map { service in
            API.Service(
                id: service.id.rawValue, name: API.Localized(service.name), summary: API.Localized(service.summary),
                ageBands: service.eligibleAgeBands.map(\.rawValue), asksSubstances: service.id == .pas,
                conversation: API.Localized(service.firstConversation), conversationMinutes: service.conversationMinutes,
                sessionLimit: API.SessionLimitBody(service.sessionLimit),
                providerIds: configuration.providers(offering: service.id).map(\.id.rawValue))
        }))
    }

    static let routes: [(String, HTTPRequest.Method)] = [
        ("services", .get), ("services/:serviceId/slots", .get), ("bookings", .post),
        ("bookings/current", .get), ("bookings/current", .delete), ("bookings/current/reschedule", .post),
        ("complaints", .post), ("follow-ups", .post), ("bookings/current/requests", .post),
    ]

    func addRoutes(to group: RouterGroup<GatewayRequestContext>) {
        group.get("services", use: listServices)
        group.get("services/:serviceId/slots", use: listSlots)
        group.get("bookings/current", use: currentBooking)
        group.delete("bookings/current", use: cancelBooking)
        group.group().add(middleware: RequireJSONBodyMiddleware())
            .post("bookings", use: createBooking)
            .post("bookings/current/reschedule", use: reschedule)
            .post("complaints", use: complain)
            .post("follow-ups", use: answerFollowUp)
            .post("bookings/current/requests", use: changeRequests)
    }

    @Sendable func listServices(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        JSONResponse.make(bytes: serviceList)
    }

    @Sendable func listSlots(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let service: ServiceDefinition
        do { service = try bookings.service(context.parameters.get("serviceId")) } catch { throw error.problem }
        let query = request.uri.queryParameters
        var from: CalendarDay?
        if let text = query["from"].map(String.init) {
            guard let day = CalendarDay(iso: text) else { throw GatewayProblem.invalid("from", .isoDate) }
            from = day
        }
        var days: Int?
        if let text = query["days"].map(String.init) {
            guard let value = Int(text) else { throw GatewayProblem.invalid("days", .wholeNumber) }
            days = value
        }
        let calculator = bookings.calculator
        do {
            // Encoded bytes are cached until the next booking change (BookingService.cachedListing).
            let bytes = try await bookings.cachedListing(for: service, from: from, days: days) { offered in
                let listing = API.SlotListing(slots: offered.map { item in
                    API.Slot(id: item.slot.id.description, start: calculator.iso8601(item.slot.start),
                             end: calculator.iso8601(item.slot.end), providerId: item.slot.providerId.rawValue, remaining: item.remaining)
                })
                return Result { () throws(GatewayProblem) in try JSONResponse.encode(listing) }
            }
            return JSONResponse.make(bytes: try bytes.get())
        } catch let error as ServiceError {
            throw error.problem
        }
    }

    @Sendable func createBooking(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let body = try await JSONBody.decode(BookingBody.self, from: request, context: context)
        do {
            let (token, booking) = try await bookings.book(body.application, client: network.bucket(request, context))
            return try JSONResponse.make(status: .created, API.TokenIssued(token: token.formatted, spelling: nil, booking: API.Booking(booking, bookings)),
                                         noStore: true)
        } catch let error as ServiceError {
            throw error.problem
        }
    }

    @Sendable func currentBooking(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let token = try bearerToken(request)
        do {
            switch try await bookings.holding(token) {
            case .followUp(let followUp):
                // A follow-up token has no time yet: the citizen chooses one with reschedule.
                return try JSONResponse.make(API.CurrentBooking(
                    booking: nil, followUp: API.FollowUp(serviceId: followUp.serviceId.rawValue, providerId: followUp.providerId.rawValue),
                    decision: decision(followUp)))
            case .booking(let booking):
                let view = try await bookings.caseView(token)
                return try JSONResponse.make(API.CurrentBooking(
                    booking: API.Booking(booking, bookings), followUp: nil, decision: decision(view.decided),
                    course: view.course.map { API.Course($0.0, calculator: bookings.calculator, attended: $0.1) }))
            case .dischargeFollowUp(let followUp):
                return try JSONResponse.make(API.CurrentBooking(booking: nil, followUp: nil, dischargeFollowUp: API.DischargeFollowUpBody(followUp)))
            }
        } catch let error as ServiceError {
            throw error.problem
        }
    }

    /// Cancels the booking; with `?forget=true` forgets it instead — the booking and its anonymous
    /// case with the notes are deleted now, and the token becomes unknown.
    @Sendable func cancelBooking(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let forget: Bool
        switch request.uri.queryParameters["forget"].map(String.init) {
        case nil, "false": forget = false
        case "true": forget = true
        default: throw ServiceError.invalidField("forget", .oneOf(["true", "false"])).problem
        }
        let token = try bearerToken(request)
        if forget {
            do { _ = try await bookings.forget(token) } catch { throw error.problem }
        } else {
            do { try await bookings.cancel(token) } catch { throw error.problem }
        }
        return Response(status: .noContent)
    }

    @Sendable func reschedule(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let token = try bearerToken(request)
        let body = try await JSONBody.decode(RescheduleBody.self, from: request, context: context)
        do {
            let booking = try await bookings.reschedule(token, to: body.slotId)
            return try JSONResponse.make(API.BookingEnvelope(booking: API.Booking(booking, bookings)))
        } catch let error as ServiceError {
            throw error.problem
        }
    }

    func decision(_ decided: AnonymousCase?) -> API.CitizenDecision? {
        guard let decided, let outcome = decided.decision,
              let letter = DecisionLetter(for: decided, configuration: bookings.configuration) else { return nil }
        return API.CitizenDecision(
            outcome: outcome.rawValue, reason: decided.decisionReason, referralProviderId: decided.referralProviderId?.rawValue,
            referredTo: decided.referralProviderId.flatMap { bookings.configuration.provider($0) }.map { API.Place($0, in: bookings.configuration) },
            letter: letters.letterLines(letter).map(API.Localized.init))
    }

    /// A complaint (QS 6), with or without the citizen's token: with one it goes to that token's
    /// provider. Rate-limited per client like bookings.
    @Sendable func complain(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let body = try await JSONBody.decode(ComplaintBody.self, from: request, context: context)
        let token = request.headers.bearerCredential == nil ? nil : try bearerToken(request)
        let received: ReceivedComplaint
        do {
            received = try await complaints.receive(
                ComplaintApplication(providerId: body.providerId, serviceId: body.serviceId, about: body.about, text: body.text),
                token: token, client: network.bucket(request, context))
        } catch {
            throw error.problem
        }
        return try JSONResponse.make(status: .created, API.ComplaintReceived(received))
    }

    /// Changes the interpreter and companion of the live booking; a case keeps them for its later sessions.
    @Sendable func changeRequests(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let token = try bearerToken(request)
        let body = try await JSONBody.decode(RequestsBody.self, from: request, context: context)
        let changed: Booking
        do { changed = try await bookings.changeRequests(token, interpreterLanguage: body.interpreterLanguage, companion: body.companion) } catch {
            throw error.problem
        }
        return try JSONResponse.make(API.BookingEnvelope(booking: API.Booking(changed, bookings)))
    }

    /// The follow-up answer after discharge (QS 3.2), with the follow-up token as bearer.
    @Sendable func answerFollowUp(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let token = try bearerToken(request)
        let body = try await JSONBody.decode(FollowUpBody.self, from: request, context: context)
        let answered: (followUp: DischargeFollowUp, next: OneTimeToken?)
        do { answered = try await bookings.answerFollowUp(token, use: body.use, wantsConversation: body.wantsConversation) } catch {
            throw error.problem
        }
        let followUp = answered.followUp
        return try JSONResponse.make(status: .created, API.FollowUpAnswered(
            followUp: .init(round: followUp.round.rawValue, answeredIn: CalendarMonth(bookings.today).description),
            next: answered.next.map { .init(token: $0.formatted, opensOn: FollowUpRules.opens(.sixMonths, closedOn: followUp.closedOn).description) },
            conversation: followUp.mayBook ? API.FollowUp(serviceId: followUp.serviceId.rawValue, providerId: followUp.providerId.rawValue) : nil),
            noStore: true)
    }

    func bearerToken(_ request: Request) throws(GatewayProblem) -> OneTimeToken {
        guard let credential = request.headers.bearerCredential else { throw .tokenMissing }
        do { return try bookings.parseToken(credential) } catch { throw error.problem }
    }
}

struct BookingBody: Decodable {
    var serviceId: String?
    var slotId: String?
    var ageBand: String?
    var substances: [String]?
    var receivesOtherSocialSupport: Bool?
    var personIsEnrolledInTreatment: Bool?
    var interpreterLanguage: String?
    var companion: Bool?
    var message: String?

    var application: BookingApplication {
        BookingApplication(
            serviceId: serviceId, slotId: slotId, ageBand: ageBand, substances: substances,
            receivesOtherSocialSupport: receivesOtherSocialSupport, personIsEnrolledInTreatment: personIsEnrolledInTreatment,
            interpreterLanguage: interpreterLanguage, companion: companion, message: message)
    }
}

struct RequestsBody: Decodable {
    var interpreterLanguage: String?
    var companion: Bool?
}

struct FollowUpBody: Decodable {
    var use: String?
    var wantsConversation: Bool?
}

struct ComplaintBody: Decodable {
    var providerId: String?
    var serviceId: String?
    var about: String?
    var text: String?
}

struct RescheduleBody: Decodable {
    var slotId: String?
}

/// Reads a bounded JSON body and turns decoding failures into sentences naming the field.
/// (Hummingbird's `request.decode` would answer a bare 400 without saying which field.)
enum JSONBody {
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > GatewayRequestContext.maximumBodyBytes {
            throw GatewayProblem.bodyTooLarge
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: GatewayRequestContext.maximumBodyBytes)
        } catch is NIOTooManyBytesError {
            throw GatewayProblem.bodyTooLarge
        } catch {
            throw GatewayProblem.malformedJSON   // the body did not arrive whole (bad chunk framing, a closed connection)
        }
        return try decode(type, from: Data(buffer: buffer))
    }

    /// A coding path as the request spells it: `meetings[0].start`, not Foundation's `meetings.Index 0.start`.
    static func fieldName(_ path: [any CodingKey]) -> String {
        path.reduce(into: "") { name, key in
            if let index = key.intValue, key.stringValue.hasPrefix("Index ") { name += "[\(index)]" } else { name += (name.isEmpty ? "" : ".") + key.stringValue }
        }
    }

    /// The bytes of a collected body as `T`, or a problem naming the field (fuzzed: Fuzz/JSONBody).
    static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws(GatewayProblem) -> T {
        guard !data.isEmpty else {
            throw GatewayProblem.emptyJSON
        }
        // JSON is UTF-8 (RFC 8259 §8.1); Foundation's decoder lets invalid bytes through in members it skips.
        guard String(validating: data, as: UTF8.self) != nil else { throw GatewayProblem.malformedJSON }
        let notAnObject = GatewayProblem.notAnObject
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch DecodingError.typeMismatch(let expected, let context) {
            let field = fieldName(context.codingPath)
            guard !field.isEmpty else { throw notAnObject }
            let text: TextKey = expected == Bool.self ? .problemWrongTypeBool : expected == String.self ? .problemWrongTypeText
                : expected is [Any].Type ? .problemWrongTypeList : .problemWrongTypeOther
            throw GatewayProblem(.badRequest, "invalid-field", title: "Invalid field", text: text, values: ["name": field], field: field)
        } catch DecodingError.valueNotFound(_, let context) {
            let field = fieldName(context.codingPath)
            guard !field.isEmpty else { throw notAnObject }
            throw GatewayProblem(.badRequest, "invalid-field", title: "Invalid field", text: .problemWrongValue, values: ["name": field], field: field)
        } catch {
            throw GatewayProblem.malformedJSON
        }
    }
}
