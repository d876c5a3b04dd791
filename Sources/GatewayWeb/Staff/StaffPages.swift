import Foundation
import GatewayCore
import GatewayServices
import GatewayStore
import HTTPTypes
import Hummingbird
import Mustache

/// The staff pages under `/staff`: server-rendered, usable without JavaScript. A session cookie
/// (HttpOnly, SameSite=Strict, Secure over TLS) and a CSRF token on every form. Sign-in, the CSRF
/// check and each page's permission are middleware and route groups; handlers get the session in
/// their `StaffRequestContext`.
struct StaffPages: Sendable {
    static let cookieName = "anongate_staff"

    let cases: CaseService
    let sessions: StaffSessions
    let renderer: PageRenderer
    let trustForwarded: Bool

    var desk: BookingService { cases.booking }
    var library: MustacheLibrary { renderer.library }
    var texts: TextCatalog { renderer.texts }

    static let routes: [(String, HTTPRequest.Method)] = [
        ("/staff", .get), ("/staff/sign-in", .post), ("/staff/sign-out", .post), ("/staff/schedule", .get), ("/staff/checkin", .post),
        ("/staff/walkin", .post), ("/staff/phone", .get), ("/staff/phone", .post), ("/staff/cases/:caseCode", .get),
        ("/staff/cases/:caseCode/notes", .post), ("/staff/cases/:caseCode/bookings", .post), ("/staff/cases/:caseCode/follow-up", .post),
        ("/staff/cases/:caseCode/no-show", .post), ("/staff/cases/:caseCode/decision", .post), ("/staff/cases/:caseCode/close", .post),
        ("/staff/cases/:caseCode/handover", .post),
    ]

    func addRoutes(to router: Router<GatewayRequestContext>) {
        router.get("/staff", use: start)
        router.post("/staff/sign-in", use: signIn)
        let signedIn = router.group("/staff")
            .add(middleware: StaffPageGate(sessions: sessions, pages: self))
            .group(context: StaffRequestContext.self)
            .add(middleware: StaffPageProblems(pages: self))
            .add(middleware: CSRFMiddleware())
        signedIn.post("sign-out", use: signOut)
        signedIn.group().add(middleware: RequirePermission(permission: .readSchedule))
            .get("schedule", use: schedule)
        signedIn.group().add(middleware: RequirePermission(permission: .bookForCallers))
            .get("phone", use: phoneForm)
            .post("phone", use: phoneBook)
        signedIn.group().add(middleware: RequirePermission(permission: .workWithCases))
            .post("checkin", use: checkIn)
            .post("walkin", use: walkIn)
            .get("cases/:caseCode", use: casePage)
            .post("cases/:caseCode/notes", use: addNote)
            .post("cases/:caseCode/bookings", use: bookNext)
            .post("cases/:caseCode/follow-up", use: followUp)
            .post("cases/:caseCode/no-show", use: noShow)
            .post("cases/:caseCode/decision", use: decide)
            .post("cases/:caseCode/close", use: close)
            .post("cases/:caseCode/handover", use: handover)
    }

    // MARK: Rendering

    func render(_ name: String, _ values: [String: Any], session: StaffSession?, status: HTTPResponse.Status = .ok) -> Response {
        var context = values
        if let session { context["csrf"] = session.csrfToken }
        let content = library.render(context, withTemplate: name) ?? ""
        var layout: [String: Any] = ["content": content]
        if let session {
            let member = session.staff.member
            layout["signedIn"] = true
            layout["csrf"] = session.csrfToken
            layout["who"] = "\(member.username) (\(member.role.rawValue), \(member.providerId))"
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: library.render(layout, withTemplate: "staffLayout") ?? "")))
    }

    func errorPage(_ problem: GatewayProblem, session: StaffSession?, back: String) -> Response {
        var response = render("staffError", ["detail": problem.detail.da, "back": back], session: session, status: problem.status)
        if let retry = problem.retryAfterSeconds { response.headers[.retryAfter] = String(retry) }
        return response
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    /// Runs a service call, turning its domain error into the problem the page shows.
    func run<T>(_ body: () async throws(ServiceError) -> T) async throws(GatewayProblem) -> T {
        do { return try await body() } catch { throw error.problem }
    }

    /// A staff form, decoded with Hummingbird's form decoder (these forms repeat no field name).
    func form<T: Decodable>(_ type: T.Type, _ request: Request, _ context: StaffRequestContext) async throws -> T {
        do { return try await URLEncodedFormDecoder().decode(T.self, from: request, context: context) } catch {
            throw GatewayProblem.invalidForm
        }
    }

    func cookie(_ value: String, request: Request, maxAge: Int?) -> String {
        let overTLS = request.head.scheme == "https" || (trustForwarded && request.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https")
        var parts = ["\(Self.cookieName)=\(value)", "Path=/staff", "HttpOnly", "SameSite=Strict"]
        if let maxAge { parts.append("Max-Age=\(maxAge)") }
        if overTLS { parts.append("Secure") }
        return parts.joined(separator: "; ")
    }

    // MARK: Sign-in

    struct SignInForm: Decodable { var username: String?; var password: String?; var totp: String? }

    @Sendable func start(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        if let token = StaffSessionMiddleware.token(request, .cookie), try await run({ () async throws(ServiceError) in try await sessions.session(token: token) }) != nil {
            return Self.redirect("/staff/schedule")
        }
        return render("staffSignIn", [:], session: nil)
    }

    @Sendable func signIn(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let form: SignInForm
        do { form = try await URLEncodedFormDecoder().decode(SignInForm.self, from: request, context: context) } catch {
            return render("staffSignIn", ["error": GatewayProblem.invalidForm.detail.da], session: nil, status: .badRequest)
        }
        do {
            let (token, _) = try await run { () async throws(ServiceError) in
                try await sessions.signIn(username: form.username ?? "", password: form.password ?? "", totp: form.totp)
            }
            var response = Self.redirect("/staff/schedule")
            response.headers[.setCookie] = cookie(token, request: request, maxAge: Int(StaffSessions.absoluteLifetime))
            return response
        } catch {
            var response = render("staffSignIn", ["error": error.detail.da], session: nil, status: error.status)
            if let retry = error.retryAfterSeconds { response.headers[.retryAfter] = String(retry) }
            return response
        }
    }

    @Sendable func signOut(_ request: Request, context: StaffRequestContext) async throws -> Response {
        if let token = StaffSessionMiddleware.token(request, .cookie) { await sessions.signOut(token: token) }
        var response = Self.redirect("/staff")
        response.headers[.setCookie] = cookie("", request: request, maxAge: 0)
        return response
    }

    // MARK: Schedule and check-in

    @Sendable func schedule(_ request: Request, context: StaffRequestContext) async throws -> Response {
        var day = desk.today
        if let raw = request.uri.queryParameters["date"].map(String.init), let parsed = CalendarDay(iso: raw) { day = parsed }
        return try await renderSchedule(context.session, day: day, error: nil, status: .ok)
    }

    func renderSchedule(_ session: StaffSession, day: CalendarDay, error: String?, status: HTTPResponse.Status) async throws(GatewayProblem) -> Response {
        let staff = session.staff
        let calculator = desk.calculator
        let today = desk.today
        // Today and the rest of the working week.
        var dayValues: [[String: Any]] = []
        for current in (0..<7).map({ day.adding(days: $0) }).filter({ !$0.weekday.isWeekend }).prefix(5) {
            let entries = try await run { () async throws(ServiceError) in try await cases.schedule(on: current, for: staff) }
            let bookings: [[String: Any]] = entries.map { booking, code in
                var wishes: [String] = []
                if let language = booking.requests.interpreterLanguage { wishes.append(texts.text(.staffWishInterpreter, .da, ["language": language])) }
                if booking.requests.companion { wishes.append(texts.text(.staffWishCompanion, .da)) }
                if staff.may(.readCitizenMessages), let message = booking.requests.message { wishes.append(texts.text(.staffWishMessage, .da, ["message": message])) }
                var item: [String: Any] = [
                    "time": "\(booking.slotId.time)–\(calculator.timeOfDay(booking.end))",
                    "service": cases.configuration.service(booking.serviceId)?.name.da ?? booking.serviceId.rawValue,
                    "status": texts.text(booking.status == .checkedIn ? .staffCheckedIn : .staffBooked, .da),
                    "wishes": wishes.joined(separator: "; "),
                ]
                if let code { item["caseCode"] = code.value }
                return item
            }
            dayValues.append(["label": texts.day(current, .da) + (current == today ? " (\(texts.text(.staffToday, .da)))" : ""), "bookings": bookings, "hasBookings": !bookings.isEmpty])
        }
        let offered = cases.configuration.provider(staff.member.providerId)?.services ?? []
        let open = staff.may(.workWithCases) ? try await run { () async throws(ServiceError) in try await cases.openCases(for: staff) } : []
        var values: [String: Any] = [
            "openCases": open.map { found -> [String: Any] in
                var label = texts.text(.staffOpenCaseLabel, .da, [
                    "service": cases.configuration.service(found.serviceId)?.name.da ?? found.serviceId.rawValue,
                    "openedOn": found.openedOn.description, "sessions": String(found.sessionsUsed)])
                if found.providerId != staff.member.providerId { label += texts.text(.staffReferredFrom, .da, ["provider": found.providerId.rawValue]) }
                return ["code": found.code.value, "label": label]
            },
            "hasOpenCases": !open.isEmpty,
            "dayLabel": texts.day(day, .da), "days": dayValues,
            "services": offered.compactMap { cases.configuration.service($0) }.map { ["id": $0.id.rawValue, "name": $0.name.da] },
            "ageBands": AgeBand.allCases.map { ["id": $0.rawValue, "label": texts.text(.age($0), .da)] },
        ]
        if let error { values["error"] = error }
        return render("staffSchedule", values, session: session, status: status)
    }

    struct TokenForm: Decodable { var token: String? }
    struct WalkInForm: Decodable { var serviceId: String?; var ageBand: String?; var token: String? }

    @Sendable func checkIn(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let form = try await form(TokenForm.self, request, context)
        do {
            let result = try await run { () async throws(ServiceError) in try await cases.checkIn(form.token, by: context.staff) }
            return Self.redirect("/staff/cases/\(result.anonymousCase.code.value)")
        } catch {
            return try await renderSchedule(context.session, day: desk.today, error: error.detail.da, status: error.status)
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
            return try await renderSchedule(context.session, day: desk.today, error: error.detail.da, status: error.status)
        }
    }

    // MARK: The case page

    func code(_ context: StaffRequestContext) throws(GatewayProblem) -> CaseCode {
        do { return try cases.caseCode(context.parameters.get("caseCode")) } catch { throw error.problem }
    }

    @Sendable func casePage(_ request: Request, context: StaffRequestContext) async throws -> Response {
        try await renderCase(try code(context), session: context.session, error: nil, status: .ok)
    }

    func renderCase(_ code: CaseCode, session: StaffSession, error: String?, status: HTTPResponse.Status) async throws(GatewayProblem) -> Response {
        let staff = session.staff
        let found = try await run { () async throws(ServiceError) in try await cases.readCase(code, by: staff) }
        let notes = try await run { () async throws(ServiceError) in try await cases.notes(code, by: staff) }
        let limit = cases.configuration.service(found.serviceId)?.sessionLimit ?? .conversations(0)
        let progress = SessionProgress(used: found.sessionsUsed, limit: limit)
        var values: [String: Any] = [
            "code": found.code.value,
            "progress": StaffTexts.progress(session: max(found.sessionsUsed, 1), limit: limit).da.capitalizedFirst,
            "serviceName": cases.configuration.service(found.serviceId)?.name.da ?? found.serviceId.rawValue,
            "ageBand": texts.text(.age(found.ageBand), .da), "openedOn": found.openedOn.description,
            "statusText": found.status == .open ? texts.text(.staffCaseOpen, .da) : texts.text(.staffCaseClosed, .da, ["reason": found.dischargeReason?.rawValue ?? ""]),
            "open": found.status == .open, "canContinue": progress.canContinue, "isPAS": found.serviceId == .pas,
            "decided": found.decision != nil, "hasLiveBooking": found.hasLiveToken, "minor": !found.ageBand.isAdult, "notesDestroyed": found.notesDestroyed,
            "notes": notes.map { ["writtenOn": $0.writtenOn.description, "providerId": $0.providerId.rawValue, "text": $0.text] },
            "pasProviders": cases.configuration.providers(offering: .pas).map { ["id": $0.id.rawValue, "name": $0.place.name] },
        ]
        if progress.isLastSession { values["warning"] = StaffTexts.oneLeft.da }
        if !progress.canContinue && found.status == .open { values["next"] = StaffTexts.guidance(.beyondTheLimit(for: found.ageBand)).da }
        if let letter = DecisionLetter(for: found, configuration: cases.configuration) {
            values["decisionText"] = StaffTexts.letter(letter).da
            if let reason = found.decisionReason { values["decisionReason"] = reason }
        }
        if progress.canContinue, let service = cases.configuration.service(found.serviceId) {
            let offered = try await run { () async throws(ServiceError) in try await desk.offeredSlots(for: service, from: nil, days: nil) }
            values["slots"] = offered.filter { $0.slot.providerId == staff.member.providerId }.prefix(60).map { item -> [String: Any] in
                ["id": item.slot.id.description,
                 "label": texts.appointment(item.slot.id.day, item.slot.id.time, desk.calculator.timeOfDay(item.slot.end), .da)]
            }
        }
        if let error { values["error"] = error }
        return render("staffCase", values, session: session, status: status)
    }

    /// Runs a case action; on a refusal, shows the case page again with the reason in Danish.
    func caseAction(_ context: StaffRequestContext, _ action: (CaseCode) async throws(GatewayProblem) -> Response) async throws -> Response {
        let code = try code(context)
        do {
            return try await action(code)
        } catch {
            return try await renderCase(code, session: context.session, error: error.detail.da, status: error.status)
        }
    }

    struct NoteForm: Decodable { var text: String? }
    struct SlotForm: Decodable { var slotId: String? }
    struct DecisionForm: Decodable { var outcome: String?; var reason: String?; var referralProviderId: String?; var shareNotes: String? }
    struct CloseForm: Decodable { var reason: String? }
    struct HandoverForm: Decodable { var carry: String?; var parentalConsent: String?; var caseworkerApproval: String? }

    @Sendable func addNote(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let form = try await form(NoteForm.self, request, context)
        return try await caseAction(context) { code throws(GatewayProblem) in
            _ = try await run { () async throws(ServiceError) in try await cases.addNote(code, text: form.text, by: context.staff) }
            return Self.redirect("/staff/cases/\(code.value)")
        }
    }

    @Sendable func bookNext(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let form = try await form(SlotForm.self, request, context)
        return try await caseAction(context) { code throws(GatewayProblem) in
            let (token, booking) = try await run { () async throws(ServiceError) in try await cases.bookNext(code, slot: form.slotId, by: context.staff) }
            return tokenPage(texts.text(.staffNextBooked, .da), token: token, code: code,
                             when: texts.appointment(booking.slotId.day, booking.slotId.time, desk.calculator.timeOfDay(booking.end), .da),
                             session: context.session)
        }
    }

    @Sendable func followUp(_ request: Request, context: StaffRequestContext) async throws -> Response {
        try await caseAction(context) { code throws(GatewayProblem) in
            let token = try await run { () async throws(ServiceError) in try await cases.followUp(code, by: context.staff) }
            return tokenPage(texts.text(.staffFollowUpToken, .da), token: token, code: code, when: nil, session: context.session)
        }
    }

    @Sendable func noShow(_ request: Request, context: StaffRequestContext) async throws -> Response {
        try await caseAction(context) { code throws(GatewayProblem) in
            _ = try await run { () async throws(ServiceError) in try await cases.markNoShow(code, by: context.staff) }
            return Self.redirect("/staff/cases/\(code.value)")
        }
    }

    func tokenPage(_ heading: String, token: OneTimeToken, code: CaseCode?, when: String?, session: StaffSession) -> Response {
        var values: [String: Any] = ["heading": heading, "token": token.formatted, "spelling": TokenSpelling.groups(token)]
        if let code { values["code"] = code.value }
        if let when { values["when"] = when }
        return render("staffToken", values, session: session, status: .ok)
    }

    @Sendable func decide(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let form = try await form(DecisionForm.self, request, context)
        return try await caseAction(context) { code throws(GatewayProblem) in
            _ = try await run { () async throws(ServiceError) in
                try await cases.decide(code, outcome: form.outcome.nonEmpty, reason: form.reason, referral: form.referralProviderId,
                                       shareNotes: form.shareNotes == "yes", by: context.staff)
            }
            return Self.redirect("/staff/cases/\(code.value)")
        }
    }

    @Sendable func close(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let form = try await form(CloseForm.self, request, context)
        return try await caseAction(context) { code throws(GatewayProblem) in
            _ = try await run { () async throws(ServiceError) in try await cases.close(code, reason: form.reason.nonEmpty, by: context.staff) }
            return Self.redirect("/staff/cases/\(code.value)")
        }
    }

    @Sendable func handover(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let form = try await form(HandoverForm.self, request, context)
        return try await caseAction(context) { code throws(GatewayProblem) in
            var carry: [String: String] = [:]
            if let text = form.carry?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty {
                guard text.count <= 2000 else { throw GatewayProblem.invalidField("carry", da: "Højst 2000 tegn.", en: "At most 2000 characters.") }
                carry["agreed"] = text
            }
            let id = try await run { () async throws(ServiceError) in
                try await cases.handover(code, carry: carry, parentalConsent: form.parentalConsent == "yes",
                                         caseworkerApproval: form.caseworkerApproval == "yes", by: context.staff)
            }
            return render("staffDone", ["heading": texts.text(.staffHandedOver, .da), "text": texts.text(.staffHandedOverText, .da, ["id": id])],
                          session: context.session)
        }
    }

    // MARK: Phone booking

    @Sendable func phoneForm(_ request: Request, context: StaffRequestContext) async throws -> Response {
        try await renderPhone(context.session, error: nil, status: .ok)
    }

    func renderPhone(_ session: StaffSession, error: String?, status: HTTPResponse.Status) async throws(GatewayProblem) -> Response {
        let provider = cases.configuration.provider(session.staff.member.providerId)
        var slots: [[String: Any]] = []
        for serviceId in provider?.services ?? [] {
            guard let service = cases.configuration.service(serviceId) else { continue }
            let offered = try await run { () async throws(ServiceError) in try await desk.offeredSlots(for: service, from: nil, days: nil) }
            slots += offered.filter { $0.slot.providerId == session.staff.member.providerId }.prefix(40).map { item in
                ["id": item.slot.id.description,
                 "label": "\(service.name.da): " + texts.appointment(item.slot.id.day, item.slot.id.time, desk.calculator.timeOfDay(item.slot.end), .da)]
            }
        }
        var values: [String: Any] = [
            "slots": slots, "offersPAS": provider?.services.contains(.pas) == true,
            "ageBands": AgeBand.allCases.map { ["id": $0.rawValue, "label": texts.text(.age($0), .da)] },
            "substances": Substance.allCases.map { ["id": $0.rawValue, "label": texts.text(.substance($0), .da)] },
        ]
        if let error { values["error"] = error }
        return render("staffPhone", values, session: session, status: status)
    }

    @Sendable func phoneBook(_ request: Request, context: StaffRequestContext) async throws -> Response {
        // Repeated `substances` checkboxes: Hummingbird's form decoder refuses repeated names, FormBody keeps them.
        let form = try await FormBody.read(request)
        let session = context.session
        guard let slotId = form["slotId"].flatMap(SlotID.init), slotId.provider == session.staff.member.providerId else {
            return try await renderPhone(session, error: GatewayProblem.unknownSlot.detail.da, status: .notFound)
        }
        do {
            let (token, booking) = try await run { () async throws(ServiceError) in
                try await desk.book(BookingApplication(
                    serviceId: slotId.service.rawValue, slotId: slotId.description, ageBand: form["ageBand"], substances: form.all("substances"),
                    receivesOtherSocialSupport: form.yesNo("otherSupport"), interpreterLanguage: form["interpreterLanguage"],
                    companion: form["companion"] == "yes"))
            }
            return tokenPage(texts.text(.staffPhoneBooked, .da), token: token, code: nil,
                             when: texts.appointment(booking.slotId.day, booking.slotId.time, desk.calculator.timeOfDay(booking.end), .da), session: session)
        } catch {
            if error.slug == "not-eligible" {
                let places = error.referrals.compactMap { cases.configuration.referrals[$0] }
                    .map { "\($0.title.da): " + $0.places.map { "\($0.name) \($0.phone ?? "")" }.joined(separator: ", ") }
                return try await renderPhone(session, error: error.detail.da + " " + places.joined(separator: " · "), status: error.status)
            }
            return try await renderPhone(session, error: error.detail.da, status: error.status)
        }
    }
}

/// Staff pages without a session: a page view goes to sign-in, a form post gets the error page.
struct StaffPageGate: RouterMiddleware {
    typealias Context = GatewayRequestContext
    let sessions: StaffSessions
    let pages: StaffPages

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let token = StaffSessionMiddleware.token(request, .cookie) {
            do { context.staffSession = try await sessions.session(token: token) } catch { return pages.errorPage(error.problem, session: nil, back: "/staff") }
        }
        guard context.staffSession != nil else {
            return request.method == .get ? StaffPages.redirect("/staff") : pages.errorPage(.signInRequired, session: nil, back: "/staff")
        }
        return try await next(request, context)
    }
}

/// A refusal on a staff page is shown on the staff error page, in Danish, with the navigation.
struct StaffPageProblems: RouterMiddleware {
    typealias Context = StaffRequestContext
    let pages: StaffPages

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let problem as GatewayProblem {
            return pages.errorPage(problem, session: context.session, back: "/staff/schedule")
        }
    }
}

/// Every staff form post carries the session's CSRF token; a foreign `Origin` is refused as well.
/// The body is collected once here and handed on, so the handler reads the same bytes.
struct CSRFMiddleware: RouterMiddleware {
    typealias Context = StaffRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.method == .post else { return try await next(request, context) }
        // Referrer-Policy: no-referrer makes browsers send `Origin: null` on our own forms; the CSRF
        // token is the defence, the Origin check only refuses a named foreign origin.
        if let origin = request.headers[.origin], origin != "null", let host = request.head.authority, !origin.hasSuffix("://\(host)") {
            throw GatewayProblem.csrf
        }
        var request = request
        let form = try await FormBody.read(&request)
        guard let sent = form["csrf"], Self.constantTimeEqual(sent, context.session.csrfToken) else { throw GatewayProblem.csrf }
        return try await next(request, context)
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}

extension Optional where Wrapped == String {
    /// Unanswered radios and empty selects arrive as "" from a form: treat them as absent.
    var nonEmpty: String? { self?.isEmpty == false ? self : nil }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
