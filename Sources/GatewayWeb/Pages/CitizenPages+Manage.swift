import Foundation
import GatewayCore
import GatewayServices
import HTTPTypes
import Hummingbird
import Mustache

extension CitizenPages {
    // MARK: Find, move, cancel

    @Sendable func manage(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        renderer.page("manage", ErrorBox(error: nil), language: PageRenderer.language(query: request), status: .ok, switch: .link("/booking"))
    }

    func renderManage(_ language: Language, _ problem: GatewayProblem) -> Response {
        renderer.page("manage", ErrorBox(error: texts.detail(problem, language)), language: language, status: problem.status, switch: .link("/booking"),
                      errorField: problem.field)
    }

    @Sendable func find(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let form = try await FormBody.read(request)
        let language = PageRenderer.language(form: form)
        do {
            let token = try desk.parseToken(form["token"])
            switch try await desk.holding(token) {
            case .followUp(let followUp):
                // A follow-up token from the counsellor: choose the next time.
                let service = try desk.service(followUp.serviceId.rawValue)
                return try await renderTimes(form, service, language, error: nil, status: .ok, moving: token.formatted)
            case .booking(let booking):
                let view = try await desk.caseView(token)
                return renderBooking(token, booking, language, error: nil, status: .ok, decision: view.decided, course: view.course)
            case .dischargeFollowUp(let followUp):
                // A follow-up token after discharge: answer it, or book the conversation the answer asked for.
                if followUp.mayBook {
                    return try await renderTimes(form, try desk.service(followUp.serviceId.rawValue), language, error: nil, status: .ok, moving: token.formatted)
                }
                guard !followUp.answered else { throw ServiceError.followUp(.alreadyAnswered).problem }
                return renderFollowUp(token, followUp, FormBody(), language, error: nil, status: .ok)
            }
        } catch let problem as GatewayProblem {
            return renderManage(language, problem)
        }
    }

    func renderBooking(_ token: OneTimeToken, _ booking: Booking, _ language: Language, error: String?, status: HTTPResponse.Status,
                       decision decided: AnonymousCase? = nil, form: FormBody = FormBody(), notice: String? = nil, field: String? = nil,
                       course: (GroupCourse, Set<Int>)? = nil) -> Response {
        guard let service = desk.configuration.service(booking.serviceId) else { return renderer.errorPage(GatewayProblem.unknownService, language) }
        let letter = decided.flatMap { DecisionLetter(for: $0, configuration: desk.configuration) }
            .map { StaffTexts(texts: texts).letterLines($0).map { $0.text(language) } }
        var page = BookingPage(token: token.formatted, error: error, decision: letter)
        (page.interpreterChoices, page.interpreterOther) = interpreterChoices(form, language, kept: booking.requests.interpreterLanguage)
        page.companion = form["companion"].map { $0 == "yes" } ?? booking.requests.companion
        page.notice = notice
        if let (course, attended) = course {
            let place = desk.configuration.provider(course.providerId)?.place.name ?? course.providerId.rawValue
            page.courseIntro = texts.text(.groupCourseIntro, language, ["place": place])
            page.courseMeetings = course.meetings.map { meeting in
                texts.appointment(meeting.day, meeting.start, meeting.end, language)
                    + (attended.contains(meeting.number) ? " (" + texts.text(.groupCourseAttended, language) + ")" : "")
            }
        }
        return renderer.page("booking", page, summary(service: service, booking: booking, language),
                             language: language, status: status,
                             switch: .form(action: "/booking", fields: [HiddenField(name: "token", value: token.formatted)]), errorField: field)
    }

    /// The citizen changes the interpreter and companion; a case keeps them for every later session.
    @Sendable func changeRequests(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let form = try await FormBody.read(request)
        let language = PageRenderer.language(form: form)
        let token: OneTimeToken, current: Booking
        do {
            token = try desk.parseToken(form["token"])
            current = try await desk.liveBooking(token)
        } catch {
            return renderManage(language, error)
        }
        do {
            let changed = try await desk.changeRequests(token, interpreterLanguage: Self.interpreterLanguage(form), companion: form["companion"] == "yes")
            return renderBooking(token, changed, language, error: nil, status: .ok, decision: try await desk.decidedCase(token),
                                 notice: texts.text(.requestsSaved, language))
        } catch {
            return renderBooking(token, current, language, error: texts.detail(error, language), status: error.status, form: form, field: error.field)
        }
    }

    @Sendable func cancel(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let form = try await FormBody.read(request)
        let language = PageRenderer.language(form: form)
        do {
            let token = try desk.parseToken(form["token"])
            guard form["confirm"] == "yes" else {
                return renderBooking(token, try await desk.liveBooking(token), language,
                                     error: texts.text(.cancelMustConfirm, language), status: .badRequest)
            }
            try await desk.cancel(token)
            return renderer.page("cancelled", ErrorBox(error: nil), language: language, status: .ok, switch: .none)
        } catch {
            return renderManage(language, error)
        }
    }

    /// "Forget me", step one: what will be deleted and what cannot be forgotten, and a confirmation.
    @Sendable func forgetStart(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let form = try await FormBody.read(request)
        let language = PageRenderer.language(form: form)
        do {
            let token = try desk.parseToken(form["token"])
            _ = try await desk.holding(token)   // only a live token can be forgotten
            return renderForget(token, language, error: nil, status: .ok)
        } catch {
            return renderManage(language, error)
        }
    }

    /// "Forget me", step two: deleted now, once the box is ticked.
    @Sendable func forgetConfirm(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let form = try await FormBody.read(request)
        let language = PageRenderer.language(form: form)
        do {
            let token = try desk.parseToken(form["token"])
            guard form["confirm"] == "yes" else {
                return renderForget(token, language, error: texts.text(.forgetMustConfirm, language), status: .badRequest)
            }
            try await desk.forget(token)
            return renderer.page("forgotten", ErrorBox(error: nil), language: language, status: .ok, switch: .none)
        } catch {
            return renderManage(language, error)
        }
    }

    func renderForget(_ token: OneTimeToken, _ language: Language, error: String?, status: HTTPResponse.Status) -> Response {
        renderer.page("forget", BookingPage(token: token.formatted, error: error), language: language, status: status,
                      switch: .form(action: "/booking/forget", fields: [HiddenField(name: "token", value: token.formatted)]))
    }

    @Sendable func moveTimes(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let form = try await FormBody.read(request)
        let language = PageRenderer.language(form: form)
        do {
            let token = try desk.parseToken(form["token"])
            let service = try desk.service(try await serviceOfToken(token).rawValue)
            return try await renderTimes(form, service, language, error: nil, status: .ok, moving: token.formatted)
        } catch let problem as GatewayProblem {
            return renderManage(language, problem)
        }
    }

    @Sendable func moveConfirm(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let form = try await FormBody.read(request)
        let language = PageRenderer.language(form: form)
        let token: OneTimeToken, service: ServiceDefinition
        do {
            token = try desk.parseToken(form["token"])
            service = try desk.service(try await serviceOfToken(token).rawValue)
        } catch {
            return renderManage(language, error)
        }
        do {
            let booking = try await desk.reschedule(token, to: form["slot"])
            return renderer.page("moved", MovedPage(slotId: booking.slotId.description), summary(service: service, booking: booking, language),
                                 language: language, status: .ok, switch: .none)
        } catch {
            return try await renderTimes(form, service, language, error: texts.detail(error, language), status: error.status, moving: token.formatted, field: error.field)
        }
    }
}
