import Foundation
import GatewayCore
import HTTPTypes
import Hummingbird

/// The citizen's JSON API (`/api/v1`). A stable contract: PAS providers integrate with it.
struct CitizenAPIController {
    let desk: BookingDesk
    let rateLimiter: BookingRateLimiter
    let clientAddress: @Sendable (Request, GatewayRequestContext) -> String

    func addRoutes(to group: RouterGroup<GatewayRequestContext>) {
        group.get("services", use: listServices)
        group.get("services/:serviceId/slots", use: listSlots)
        group.post("bookings", use: createBooking)
        group.get("bookings/current", use: currentBooking)
        group.delete("bookings/current", use: cancelBooking)
        group.post("bookings/current/reschedule", use: reschedule)
    }

    @Sendable func listServices(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let configuration = desk.configuration
        let services: [[String: Any]] = configuration.services.map { service in
            [
                "id": service.id.rawValue,
                "name": ["da": service.name.da, "en": service.name.en],
                "summary": ["da": service.summary.da, "en": service.summary.en],
                "ageBands": service.eligibleAgeBands.map(\.rawValue),
                "asksSubstances": service.id == .pas,
                "conversation": ["da": service.firstConversation.da, "en": service.firstConversation.en],
                "conversationMinutes": service.conversationMinutes,
                "sessionLimit": JSONShapes.sessionLimit(service.sessionLimit),
                "providerIds": configuration.providers(offering: service.id).map(\.id.rawValue),
            ]
        }
        return ProblemJSON.jsonResponse(status: .ok, object: ["services": services])
    }

    @Sendable func listSlots(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let service = try desk.service(context.parameters.get("serviceId"))
        let query = request.uri.queryParameters
        var from: CalendarDay?
        if let text = query["from"].map(String.init) {
            guard let day = CalendarDay(iso: text) else {
                throw GatewayProblem.invalidField("from", da: "from skal være en dato som ÅÅÅÅ-MM-DD.", en: "from must be a date as YYYY-MM-DD.")
            }
            from = day
        }
        var days: Int?
        if let text = query["days"].map(String.init) {
            guard let value = Int(text) else {
                throw GatewayProblem.invalidField("days", da: "days skal være et helt tal.", en: "days must be a whole number.")
            }
            days = value
        }
        let offered = try desk.offeredSlots(for: service, from: from, days: days)
        let slots = offered.map { item in
            SlotListing.Slot(
                id: item.slot.id.description, start: desk.calculator.iso8601(item.slot.start),
                end: desk.calculator.iso8601(item.slot.end), providerId: item.slot.providerId.rawValue, remaining: item.remaining)
        }
        return ProblemJSON.jsonResponse(status: .ok, encodable: SlotListing(slots: slots))
    }

    @Sendable func createBooking(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let body = try await JSONBody.decode(BookingBody.self, from: request, context: context)
        let reservation: BookingRateLimiter.Reservation
        switch await rateLimiter.reserve(client: clientAddress(request, context)) {
        case .limited(let seconds): throw GatewayProblem.rateLimited(retryAfter: seconds)
        case .admitted(let granted): reservation = granted
        }
        do {
            let (token, booking) = try desk.book(body.application)
            var response = ProblemJSON.jsonResponse(status: .created, object: [
                "token": token.formatted,
                "booking": JSONShapes.booking(booking, desk: desk),
            ])
            response.headers[.cacheControl] = "no-store"
            return response
        } catch {
            await rateLimiter.release(reservation)
            throw error
        }
    }

    @Sendable func currentBooking(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let token = try bearerToken(request)
        if let followUp = desk.followUpCase(token) {
            // A follow-up token has no time yet: the citizen chooses one with reschedule.
            return ProblemJSON.jsonResponse(status: .ok, object: ["followUp": [
                "serviceId": followUp.serviceId.rawValue, "providerId": followUp.providerId.rawValue,
            ]])
        }
        let booking = try desk.liveBooking(token)
        return ProblemJSON.jsonResponse(status: .ok, object: ["booking": JSONShapes.booking(booking, desk: desk)])
    }

    @Sendable func cancelBooking(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        try desk.cancel(try bearerToken(request))
        return Response(status: .noContent)
    }

    @Sendable func reschedule(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let token = try bearerToken(request)
        let body = try await JSONBody.decode(RescheduleBody.self, from: request, context: context)
        let booking = try desk.reschedule(token, to: body.slotId)
        return ProblemJSON.jsonResponse(status: .ok, object: ["booking": JSONShapes.booking(booking, desk: desk)])
    }

    func bearerToken(_ request: Request) throws(GatewayProblem) -> OneTimeToken {
        guard let header = request.headers[.authorization] else { throw .tokenMissing }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { throw .tokenMissing }
        return try desk.parseToken(String(parts[1]))
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

struct SlotListing: Encodable {
    struct Slot: Encodable {
        let id: String
        let start: String
        let end: String
        let providerId: String
        let remaining: Int
    }
    let slots: [Slot]
}

struct RescheduleBody: Decodable {
    var slotId: String?
}

/// Reads a bounded JSON body and turns decoding failures into sentences naming the field.
enum JSONBody {
    static func decode<T: Decodable>(_ type: T.Type, from request: Request, context: GatewayRequestContext) async throws -> T {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > GatewayRequestContext.maximumBodyBytes {
            throw GatewayProblem.bodyTooLarge
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: GatewayRequestContext.maximumBodyBytes)
        } catch {
            throw GatewayProblem.bodyTooLarge
        }
        let data = Data(buffer: buffer)
        guard !data.isEmpty else {
            throw GatewayProblem(.badRequest, "malformed-json", title: "Malformed JSON",
                                 da: "Forespørgslen har ingen JSON-krop.", en: "The request has no JSON body.")
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch DecodingError.typeMismatch(let expected, let context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            guard !field.isEmpty else {
                throw GatewayProblem(.badRequest, "malformed-json", title: "Malformed JSON",
                                     da: "Forespørgslen skal være et JSON-objekt.", en: "The request body must be a JSON object.")
            }
            let kind = expected == Bool.self ? "true or false" : expected == String.self ? "text" : expected is [Any].Type ? "a list" : "another type"
            throw GatewayProblem.invalidField(field, da: "Feltet \(field) har forkert type.", en: "The field \(field) must be \(kind).")
        } catch DecodingError.valueNotFound(_, let context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            guard !field.isEmpty else {
                throw GatewayProblem(.badRequest, "malformed-json", title: "Malformed JSON",
                                     da: "Forespørgslen skal være et JSON-objekt.", en: "The request body must be a JSON object.")
            }
            throw GatewayProblem.invalidField(field, da: "Feltet \(field) har forkert type.", en: "The field \(field) has a value of the wrong type.")
        } catch {
            throw GatewayProblem.malformedJSON
        }
    }
}

enum JSONShapes {
    static func sessionLimit(_ limit: SessionLimit) -> [String: Any] {
        switch limit {
        case .conversations(let n): return ["kind": "conversations", "total": n]
        case .groupMeetings(let n): return ["kind": "group-meetings", "total": n]
        case .boundedCourse(let group, let concluding):
            return ["kind": "bounded-course", "total": limit.totalSessions, "clarifyingConversations": 1,
                    "groupSessions": group, "concludingConversations": concluding]
        }
    }

    static func booking(_ booking: Booking, desk: BookingDesk) -> [String: Any] {
        var object: [String: Any] = [
            "serviceId": booking.serviceId.rawValue,
            "slotId": booking.slotId.description,
            "start": desk.calculator.iso8601(booking.start),
            "end": desk.calculator.iso8601(booking.end),
            "providerId": booking.providerId.rawValue,
            "status": booking.status.rawValue,
            "companion": booking.requests.companion,
        ]
        if let language = booking.requests.interpreterLanguage { object["interpreterLanguage"] = language }
        if let provider = desk.configuration.provider(booking.providerId) { object["place"] = place(provider.place) }
        return object
    }

    static func place(_ place: ContactPlace) -> [String: Any] {
        var object: [String: Any] = ["name": place.name, "address": place.address]
        if let phone = place.phone { object["phone"] = phone }
        return object
    }

    static func referral(_ referral: Referral) -> [String: Any] {
        [
            "id": referral.id.rawValue,
            "title": ["da": referral.title.da, "en": referral.title.en],
            "explanation": ["da": referral.explanation.da, "en": referral.explanation.en],
            "hours": ["da": referral.hours.da, "en": referral.hours.en],
            "places": referral.places.map(place),
        ]
    }
}
