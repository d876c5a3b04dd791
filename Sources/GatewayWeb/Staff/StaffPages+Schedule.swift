import Foundation
import GatewayCore
import GatewayServices
import GatewayStore
import HTTPTypes
import Hummingbird
import Mustache

extension StaffPages {
    // MARK: Schedule and check-in

    @Sendable func schedule(_ request: Request, context: StaffRequestContext) async throws -> Response {
        var day = desk.today
        if let raw = request.uri.queryParameters["date"].map(String.init), !raw.isEmpty {
            // A day that does not exist (30 February) is said, as the API says it, not shown as today.
            guard let parsed = CalendarDay(iso: raw) else {
                let problem = ServiceError.invalidField("date", .isoDate).problem
                return try await renderSchedule(context.session, day: day, error: texts.detail(problem, .da), status: problem.status)
            }
            day = parsed
        }
        return try await renderSchedule(context.session, day: day, error: nil, status: .ok)
    }

    func renderSchedule(_ session: StaffSession, day: CalendarDay, error: String?, status: HTTPResponse.Status) async throws(GatewayProblem) -> Response {
        let staff = session.staff
        let calculator = desk.calculator
        let today = desk.today
        // Today and the rest of the working week.
        var dayValues: [SchedulePage.Day] = []
        for current in (0..<7).map({ day.adding(days: $0) }).filter({ !$0.weekday.isWeekend }).prefix(5) {
            let entries = try await run { () async throws(ServiceError) in try await cases.schedule(on: current, for: staff) }
            let bookings: [SchedulePage.Booking] = entries.map { booking, code in
                var wishes: [String] = []
                if let language = booking.requests.interpreterLanguage { wishes.append(texts.text(.staffWishInterpreter, .da, ["language": language])) }
                if booking.requests.companion { wishes.append(texts.text(.staffWishCompanion, .da)) }
                if staff.may(.readCitizenMessages), let message = booking.requests.message { wishes.append(texts.text(.staffWishMessage, .da, ["message": message])) }
                return SchedulePage.Booking(
                    time: "\(booking.slotId.time)–\(calculator.timeOfDay(booking.end))",
                    service: cases.configuration.service(booking.serviceId)?.name.da ?? booking.serviceId.rawValue,
                    status: texts.text(booking.status == .checkedIn ? .staffCheckedIn : .staffBooked, .da),
                    wishes: wishes.joined(separator: "; "), caseCode: code?.value)
            }
            dayValues.append(SchedulePage.Day(label: texts.day(current, .da) + (current == today ? " (\(texts.text(.staffToday, .da)))" : ""),
                                              bookings: bookings, hasBookings: !bookings.isEmpty))
        }
        let offered = cases.configuration.provider(staff.member.providerId)?.services ?? []
        let open = staff.may(.workWithCases) ? try await run { () async throws(ServiceError) in try await cases.openCases(for: staff) } : []
        let page = SchedulePage(
            openCases: open.map { found in
                var label = texts.text(.staffOpenCaseLabel, .da, [
                    "service": cases.configuration.service(found.serviceId)?.name.da ?? found.serviceId.rawValue,
                    "openedOn": found.openedOn.description, "sessions": String(found.sessionsUsed)])
                if found.providerId != staff.member.providerId { label += texts.text(.staffReferredFrom, .da, ["provider": found.providerId.rawValue]) }
                return SchedulePage.OpenCase(code: found.code.value, label: label)
            },
            hasOpenCases: !open.isEmpty,
            dayLabel: texts.day(day, .da), days: dayValues,
            services: offered.compactMap { cases.configuration.service($0) }.map { SchedulePage.Service(id: $0.id.rawValue, name: $0.name.da) },
            ageBands: AgeBand.allCases.map { Choice(id: $0.rawValue, label: texts.text(.age($0), .da)) },
            error: error)
        return render("staffSchedule", page, session: session, status: status)
    }

    struct TokenForm: Decodable { var token: String? }
    struct WalkInForm: Decodable { var serviceId: String?; var ageBand: String?; var token: String? }

    @Sendable func checkIn(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let form = try await form(TokenForm.self, request, context)
        do {
            let result = try await run { () async throws(ServiceError) in try await cases.checkIn(form.token, by: context.staff) }
            return Self.redirect("/staff/cases/\(result.anonymousCase.code.value)")
        } catch {
            return try await renderSchedule(context.session, day: desk.today, error: texts.detail(error, .da), status: error.status)
        }
    }

    @Sendable func walkIn(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let form = try await form(WalkInForm.self, request, context)
        do {
            let result = try await run { () async throws(ServiceError) in
                try await cases.walkIn(service: form.serviceId, ageBand: form.ageBand, token: form.token, by: context.staff)
            }
            return Self.redirect("/staff/cases/\(result.anonymousCase.code.value)")
        } catch {
            return try await renderSchedule(context.session, day: desk.today, error: texts.detail(error, .da), status: error.status)
        }
    }

    // MARK: Phone booking

    @Sendable func phoneForm(_ request: Request, context: StaffRequestContext) async throws -> Response {
        try await renderPhone(context.session, error: nil, status: .ok)
    }

    func renderPhone(_ session: StaffSession, error: String?, status: HTTPResponse.Status) async throws(GatewayProblem) -> Response {
        let configuration = cases.configuration
        let provider = configuration.provider(session.staff.member.providerId)
        let booked = configuration.providersBookedByPhone(at: session.staff.member.providerId)
        var slots: [PhonePage.Time] = []
        for serviceId in provider?.services ?? [] {
            guard let service = configuration.service(serviceId) else { continue }
            let offered = try await run { () async throws(ServiceError) in try await desk.offeredSlots(for: service, from: nil, days: nil, byPhone: true) }
            for place in booked.sorted(by: { $0.rawValue < $1.rawValue }) {
                // A place booked through this number is named, so the caller can be told where to go.
                let named = place == session.staff.member.providerId ? "" : " · " + (configuration.provider(place)?.place.name ?? place.rawValue)
                slots += offered.filter { $0.slot.providerId == place }.prefix(40).map { item in
                    PhonePage.Time(id: item.slot.id.description,
                                   label: "\(service.name.da): " + texts.appointment(item.slot.id.day, item.slot.id.time, desk.calculator.timeOfDay(item.slot.end), .da) + named)
                }
            }
        }
        let page = PhonePage(
            slots: slots, offersPAS: provider?.services.contains(.pas) == true,
            ageBands: AgeBand.allCases.map { Choice(id: $0.rawValue, label: texts.text(.age($0), .da)) },
            substances: Substance.allCases.map { Choice(id: $0.rawValue, label: texts.text(.substance($0), .da)) },
            error: error)
        return render("staffPhone", page, session: session, status: status)
    }

    @Sendable func phoneBook(_ request: Request, context: StaffRequestContext) async throws -> Response {
        // Repeated `substances` checkboxes: Hummingbird's form decoder refuses repeated names, FormBody keeps them.
        let form = try await FormBody.read(request)
        let session = context.session
        guard let slotId = form["slotId"].flatMap(SlotID.init),
              cases.configuration.providersBookedByPhone(at: session.staff.member.providerId).contains(slotId.provider) else {
            return try await renderPhone(session, error: texts.detail(GatewayProblem.unknownSlot, .da), status: .notFound)
        }
        do {
            let (token, booking) = try await run { () async throws(ServiceError) in
                try await desk.book(BookingApplication(
                    serviceId: slotId.service.rawValue, slotId: slotId.description, ageBand: form["ageBand"], substances: form.all("substances"),
                    receivesOtherSocialSupport: form.yesNo("otherSupport"), interpreterLanguage: form["interpreterLanguage"],
                    companion: form["companion"] == "yes"), client: nil)
            }
            return tokenPage(texts.text(.staffPhoneBooked, .da), token: token, code: nil,
                             when: texts.appointment(booking.slotId.day, booking.slotId.time, desk.calculator.timeOfDay(booking.end), .da), session: session)
        } catch {
            if error.slug == "not-eligible" {
                let places = error.referrals.compactMap { cases.configuration.referrals[$0] }
                    .map { "\($0.title.da): " + $0.places.map { "\($0.name) \($0.phone ?? "")" }.joined(separator: ", ") }
                return try await renderPhone(session, error: texts.detail(error, .da) + " " + places.joined(separator: " · "), status: error.status)
            }
            return try await renderPhone(session, error: texts.detail(error, .da), status: error.status)
        }
    }
}
