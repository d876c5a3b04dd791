import Foundation
import GatewayCore
import GatewayStore
import HTTPTypes
import Hummingbird
import Mustache

/// The staff pages under `/staff`: server-rendered, usable without JavaScript. A session cookie
/// (HttpOnly, SameSite=Strict, Secure over TLS) and a CSRF token on every form.
struct StaffPages: Sendable {
    let cases: CaseDesk
    let authenticator: StaffAuthenticator
    let library: MustacheLibrary
    let trustForwarded: Bool

    var desk: BookingDesk { cases.booking }

    init(cases: CaseDesk, authenticator: StaffAuthenticator, trustForwarded: Bool) {
        self.cases = cases; self.authenticator = authenticator; self.trustForwarded = trustForwarded
        var library = MustacheLibrary()
        for (name, text) in StaffTemplates.all { try! library.register(text, named: name) }
        self.library = library
    }

    func addRoutes(to router: Router<GatewayRequestContext>) {
        router.get("/staff", use: start)
        router.post("/staff/sign-in", use: signIn)
        router.post("/staff/sign-out", use: signOut)
        router.get("/staff/schedule", use: schedule)
        router.post("/staff/checkin", use: checkIn)
        router.post("/staff/walkin", use: walkIn)
        router.get("/staff/phone", use: phoneForm)
        router.post("/staff/phone", use: phoneBook)
        router.get("/staff/cases/:caseCode", use: casePage)
        router.post("/staff/cases/:caseCode/notes", use: addNote)
        router.post("/staff/cases/:caseCode/bookings", use: bookNext)
        router.post("/staff/cases/:caseCode/follow-up", use: followUp)
        router.post("/staff/cases/:caseCode/no-show", use: noShow)
        router.post("/staff/cases/:caseCode/decision", use: decide)
        router.post("/staff/cases/:caseCode/close", use: close)
        router.post("/staff/cases/:caseCode/handover", use: handover)
    }

    // MARK: Rendering and sessions

    func render(_ name: String, _ values: [String: Any], staff: SignedInStaff?, status: HTTPResponse.Status = .ok) -> Response {
        var context = values
        if let staff { context["csrf"] = staff.csrfToken }
        let content = library.render(context, withTemplate: name) ?? ""
        var layout: [String: Any] = ["content": content]
        if let staff {
            layout["signedIn"] = true
            layout["csrf"] = staff.csrfToken
            layout["who"] = "\(staff.member.username) (\(staff.member.role.rawValue), \(staff.member.providerId))"
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: library.render(layout, withTemplate: "staffLayout") ?? "")))
    }

    func errorPage(_ problem: GatewayProblem, staff: SignedInStaff?, back: String) -> Response {
        render("staffError", ["detail": problem.detail.da, "back": back], staff: staff, status: problem.status)
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location])
    }

    func sessionToken(_ request: Request) -> String? { request.cookies[StaffAuthenticator.cookieName]?.value }

    func signedIn(_ request: Request) async -> SignedInStaff? {
        guard let token = sessionToken(request) else { return nil }
        return await authenticator.staff(sessionToken: token)
    }

    /// The signed-in staff member for a POST, after checking the CSRF token and, when sent, the Origin.
    func postingStaff(_ request: Request, _ form: FormBody, roles: Set<StaffRole>) async throws(GatewayProblem) -> SignedInStaff {
        guard let staff = await signedIn(request) else { throw .signInRequired }
        // Referrer-Policy: no-referrer makes browsers send `Origin: null` on our own forms; the CSRF
        // token is the defence, the Origin check only refuses a named foreign origin.
        if let origin = request.headers[.origin], origin != "null", let host = request.head.authority,
           !(origin.hasSuffix("://\(host)")) {
            throw .csrf
        }
        guard let sent = form["csrf"], Self.constantTimeEqual(sent, staff.csrfToken) else { throw .csrf }
        guard roles.contains(staff.member.role) else { throw .forbidden }
        return staff
    }

    /// Reads the form, checks session, CSRF and role, then runs the action; a refusal gets the error page.
    func posting(_ request: Request, roles: Set<StaffRole>, _ action: (FormBody, SignedInStaff) async throws -> Response) async throws -> Response {
        let form = try await FormBody.read(request)
        let staff: SignedInStaff
        do { staff = try await postingStaff(request, form, roles: roles) } catch {
            return errorPage(error, staff: nil, back: "/staff")
        }
        return try await action(form, staff)
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    func cookie(_ value: String, request: Request, maxAge: Int?) -> String {
        let overTLS = request.head.scheme == "https" || (trustForwarded && request.headers[HTTPField.Name("X-Forwarded-Proto")!] == "https")
        var parts = ["\(StaffAuthenticator.cookieName)=\(value)", "Path=/staff", "HttpOnly", "SameSite=Strict"]
        if let maxAge { parts.append("Max-Age=\(maxAge)") }
        if overTLS { parts.append("Secure") }
        return parts.joined(separator: "; ")
    }

    // MARK: Sign-in

    @Sendable func start(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        if await signedIn(request) != nil { return Self.redirect("/staff/schedule") }
        return render("staffSignIn", [:], staff: nil)
    }

    @Sendable func signIn(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let form = try await FormBody.read(request)
        do {
            let (token, _, _) = try await authenticator.signIn(username: form["username"] ?? "", password: form["password"] ?? "", totp: form["totp"])
            var response = Self.redirect("/staff/schedule")
            response.headers[.setCookie] = cookie(token, request: request, maxAge: Int(StaffAuthenticator.absoluteLifetime))
            return response
        } catch {
            var response = render("staffSignIn", ["error": error.detail.da], staff: nil, status: error.status)
            if let retry = error.retryAfterSeconds { response.headers[.retryAfter] = String(retry) }
            return response
        }
    }

    @Sendable func signOut(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let form = try await FormBody.read(request)
        let roles = Set(StaffRole.allCases)
        do { _ = try await postingStaff(request, form, roles: roles) } catch { return Self.redirect("/staff") }
        if let token = sessionToken(request) { await authenticator.signOut(sessionToken: token) }
        var response = Self.redirect("/staff")
        response.headers[.setCookie] = cookie("", request: request, maxAge: 0)
        return response
    }

    // MARK: Schedule and check-in

    @Sendable func schedule(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        guard let staff = await signedIn(request) else { return Self.redirect("/staff") }
        var day = cases.today
        if let raw = request.uri.queryParameters["date"].map(String.init), let parsed = CalendarDay(iso: raw) { day = parsed }
        return renderSchedule(staff, day: day, error: nil, status: .ok)
    }

    func renderSchedule(_ staff: SignedInStaff, day: CalendarDay, error: String?, status: HTTPResponse.Status) -> Response {
        let calculator = desk.calculator
        // Today and the rest of the working week.
        let days = (0..<7).map { day.adding(days: $0) }.filter { !$0.weekday.isWeekend }.prefix(5)
        let dayValues: [[String: Any]] = days.map { current in
            let start = calculator.instant(current, TimeOfDay(hour: 0, minute: 0)!)
            let end = calculator.instant(current.adding(days: 1), TimeOfDay(hour: 0, minute: 0)!)
            let entries = (try? cases.store.schedule(provider: staff.member.providerId, from: start, to: end)) ?? []
            let bookings: [[String: Any]] = entries.map { booking, code in
                var wishes: [String] = []
                if let language = booking.requests.interpreterLanguage { wishes.append("tolk: \(language)") }
                if booking.requests.companion { wishes.append("bisidder") }
                if StaffAPIController.caseWorkers.contains(staff.member.role), let message = booking.requests.message {
                    wishes.append("besked: \(message)")
                }
                var item: [String: Any] = [
                    "time": "\(booking.slotId.time)–\(calculator.timeOfDay(booking.end))",
                    "service": cases.configuration.service(booking.serviceId)?.name.da ?? booking.serviceId.rawValue,
                    "status": booking.status == .checkedIn ? "tjekket ind" : "bestilt",
                    "wishes": wishes.joined(separator: "; "),
                ]
                if let code { item["caseCode"] = code.value }
                return item
            }
            return ["label": Texts.day(current, .da) + (current == cases.today ? " (i dag)" : ""), "bookings": bookings, "hasBookings": !bookings.isEmpty]
        }
        let offered = cases.configuration.provider(staff.member.providerId)?.services ?? []
        let open = (try? cases.store.openCases(visibleTo: staff.member.providerId)) ?? []
        var values: [String: Any] = [
            "openCases": open.map { found -> [String: Any] in
                var label = "\(cases.configuration.service(found.serviceId)?.name.da ?? found.serviceId.rawValue), åbnet \(found.openedOn), \(found.sessionsUsed) sessioner"
                if found.providerId != staff.member.providerId { label += " – henvist hertil fra \(found.providerId)" }
                return ["code": found.code.value, "label": label]
            },
            "hasOpenCases": !open.isEmpty,
            "dayLabel": Texts.day(day, .da), "days": dayValues,
            "services": offered.compactMap { cases.configuration.service($0) }.map { ["id": $0.id.rawValue, "name": $0.name.da] },
            "ageBands": AgeBand.allCases.map { ["id": $0.rawValue, "label": Texts.text("age.\($0.rawValue)", .da)] },
        ]
        if let error { values["error"] = error }
        return render("staffSchedule", values, staff: staff, status: status)
    }

    @Sendable func checkIn(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        try await posting(request, roles: StaffAPIController.caseWorkers) { form, staff in
            do throws(GatewayProblem) {
                let result = try cases.checkIn(form["token"], by: staff)
                return Self.redirect("/staff/cases/\(result.anonymousCase.code.value)")
            } catch {
                return renderSchedule(staff, day: cases.today, error: error.detail.da, status: error.status)
            }
        }
    }

    @Sendable func walkIn(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        try await posting(request, roles: StaffAPIController.caseWorkers) { form, staff in
            do throws(GatewayProblem) {
                let result = try cases.walkIn(service: form["serviceId"], ageBand: form["ageBand"], token: form["token"], by: staff)
                return Self.redirect("/staff/cases/\(result.anonymousCase.code.value)")
            } catch {
                return renderSchedule(staff, day: cases.today, error: error.detail.da, status: error.status)
            }
        }
    }

    // MARK: The case page

    @Sendable func casePage(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        guard let staff = await signedIn(request) else { return Self.redirect("/staff") }
        guard StaffAPIController.caseWorkers.contains(staff.member.role) else { return errorPage(.forbidden, staff: staff, back: "/staff/schedule") }
        do {
            let code = try cases.caseCode(context.parameters.get("caseCode"))
            return try renderCase(code, staff: staff, error: nil, status: .ok)
        } catch {
            return errorPage(error, staff: staff, back: "/staff/schedule")
        }
    }

    func renderCase(_ code: CaseCode, staff: SignedInStaff, error: String?, status: HTTPResponse.Status) throws(GatewayProblem) -> Response {
        let found = try cases.readCase(code, by: staff)
        let notes = try cases.notes(code, by: staff)
        let limit = cases.configuration.service(found.serviceId)?.sessionLimit ?? .conversations(0)
        let progress = SessionProgress(used: found.sessionsUsed, limit: limit)
        var values: [String: Any] = [
            "code": found.code.value,
            "progress": StaffTexts.progress(session: max(found.sessionsUsed, 1), limit: limit)["da"]!.capitalizedFirst,
            "serviceName": cases.configuration.service(found.serviceId)?.name.da ?? found.serviceId.rawValue,
            "ageBand": Texts.text("age.\(found.ageBand.rawValue)", .da), "openedOn": found.openedOn.description,
            "statusText": found.status == .open ? "åben" : "afsluttet (\(found.dischargeReason?.rawValue ?? ""))",
            "open": found.status == .open, "canContinue": progress.canContinue, "isPAS": found.serviceId == .pas,
            "decided": found.decision != nil, "hasLiveBooking": found.hasLiveToken, "minor": !found.ageBand.isAdult, "notesDestroyed": found.notesDestroyed,
            "notes": notes.map { ["writtenOn": $0.writtenOn.description, "providerId": $0.providerId.rawValue, "text": $0.text] },
            "pasProviders": cases.configuration.providers(offering: .pas).map { ["id": $0.id.rawValue, "name": $0.place.name] },
        ]
        if progress.isLastSession { values["warning"] = "Én samtale tilbage før grænsen." }
        if !progress.canContinue && found.status == .open { values["next"] = BeyondTheLimit.guidance(ageBand: found.ageBand).da }
        if found.decision != nil {
            values["decisionText"] = StaffTexts.decisionText(found, cases.configuration).da
            if let reason = found.decisionReason { values["decisionReason"] = reason }
        }
        if progress.canContinue, let service = cases.configuration.service(found.serviceId) {
            let offered = (try? desk.offeredSlots(for: service, from: nil, days: nil)) ?? []
            values["slots"] = offered.filter { $0.slot.providerId == staff.member.providerId }.prefix(60).map { item -> [String: Any] in
                ["id": item.slot.id.description,
                 "label": Texts.appointment(item.slot.id.day, item.slot.id.time, desk.calculator.timeOfDay(item.slot.end), .da)]
            }
        }
        if let error { values["error"] = error }
        return render("staffCase", values, staff: staff, status: status)
    }

    /// Runs a case action from a form; on a problem, shows the case page again with the reason.
    func caseAction(_ request: Request, _ context: GatewayRequestContext, roles: Set<StaffRole> = StaffAPIController.caseWorkers,
                    _ action: (CaseCode, FormBody, SignedInStaff) throws(GatewayProblem) -> Response) async throws -> Response {
        try await posting(request, roles: roles) { form, staff in
            let code: CaseCode
            do { code = try cases.caseCode(context.parameters.get("caseCode")) } catch let problem as GatewayProblem {
                return errorPage(problem, staff: staff, back: "/staff/schedule")
            }
            do throws(GatewayProblem) {
                return try action(code, form, staff)
            } catch {
                do throws(GatewayProblem) { return try renderCase(code, staff: staff, error: error.detail.da, status: error.status) } catch {
                    return errorPage(error, staff: staff, back: "/staff/schedule")
                }
            }
        }
    }

    @Sendable func addNote(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        try await caseAction(request, context) { code, form, staff throws(GatewayProblem) in
            _ = try cases.addNote(code, text: form["text"], by: staff)
            return Self.redirect("/staff/cases/\(code.value)")
        }
    }

    @Sendable func bookNext(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        try await caseAction(request, context) { code, form, staff throws(GatewayProblem) in
            let (token, booking) = try cases.bookNext(code, slot: form["slotId"], by: staff)
            return tokenPage("Næste gang er booket", token: token, code: code,
                             when: Texts.appointment(booking.slotId.day, booking.slotId.time, desk.calculator.timeOfDay(booking.end), .da), staff: staff)
        }
    }

    @Sendable func followUp(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        try await caseAction(request, context) { code, _, staff throws(GatewayProblem) in
            tokenPage("Reference til at vælge næste tid", token: try cases.followUp(code, by: staff), code: code, when: nil, staff: staff)
        }
    }

    @Sendable func noShow(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        try await caseAction(request, context) { code, _, staff throws(GatewayProblem) in
            _ = try cases.markNoShow(code, by: staff)
            return Self.redirect("/staff/cases/\(code.value)")
        }
    }

    func tokenPage(_ heading: String, token: OneTimeToken, code: CaseCode?, when: String?, staff: SignedInStaff) -> Response {
        var values: [String: Any] = ["heading": heading, "token": token.formatted, "spelling": TokenSpelling.groups(token)]
        if let code { values["code"] = code.value }
        if let when { values["when"] = when }
        return render("staffToken", values, staff: staff, status: .ok)
    }

    @Sendable func decide(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        try await caseAction(request, context) { code, form, staff throws(GatewayProblem) in
            _ = try cases.decide(code, outcome: form["outcome"], reason: form["reason"], referral: form["referralProviderId"],
                                 shareNotes: form["shareNotes"] == "yes", by: staff)
            return Self.redirect("/staff/cases/\(code.value)")
        }
    }

    @Sendable func close(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        try await caseAction(request, context) { code, form, staff throws(GatewayProblem) in
            _ = try cases.close(code, reason: form["reason"], by: staff)
            return Self.redirect("/staff/cases/\(code.value)")
        }
    }

    @Sendable func handover(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        try await caseAction(request, context) { code, form, staff throws(GatewayProblem) in
            var carry: [String: String] = [:]
            if let text = form["carry"]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty {
                guard text.count <= 2000 else {
                    throw .invalidField("carry", da: "Højst 2000 tegn.", en: "At most 2000 characters.")
                }
                carry["agreed"] = text
            }
            let id = try cases.handover(code, carry: carry, parentalConsent: form["parentalConsent"] == "yes",
                                        caseworkerApproval: form["caseworkerApproval"] == "yes", by: staff)
            return render("staffDone", ["heading": "Overdraget", "text": "Forløbet med navn er oprettet (nr. \(id)). Den anonyme sag er afsluttet som overført."],
                          staff: staff)
        }
    }

    // MARK: Phone booking

    @Sendable func phoneForm(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        guard let staff = await signedIn(request) else { return Self.redirect("/staff") }
        return renderPhone(staff, error: nil, status: .ok)
    }

    func renderPhone(_ staff: SignedInStaff, error: String?, status: HTTPResponse.Status) -> Response {
        let provider = cases.configuration.provider(staff.member.providerId)
        var slots: [[String: Any]] = []
        for serviceId in provider?.services ?? [] {
            guard let service = cases.configuration.service(serviceId) else { continue }
            let offered = (try? desk.offeredSlots(for: service, from: nil, days: nil)) ?? []
            slots += offered.filter { $0.slot.providerId == staff.member.providerId }.prefix(40).map { item in
                ["id": item.slot.id.description,
                 "label": "\(service.name.da): " + Texts.appointment(item.slot.id.day, item.slot.id.time, desk.calculator.timeOfDay(item.slot.end), .da)]
            }
        }
        var values: [String: Any] = [
            "slots": slots, "offersPAS": provider?.services.contains(.pas) == true,
            "ageBands": AgeBand.allCases.map { ["id": $0.rawValue, "label": Texts.text("age.\($0.rawValue)", .da)] },
            "substances": Substance.allCases.map { ["id": $0.rawValue, "label": Texts.text("substance.\($0.rawValue)", .da)] },
        ]
        if let error { values["error"] = error }
        return render("staffPhone", values, staff: staff, status: status)
    }

    @Sendable func phoneBook(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        try await posting(request, roles: [.phone, .counsellor, .providerAdmin]) { form, staff in
            guard let slotId = form["slotId"].flatMap(SlotID.init), slotId.provider == staff.member.providerId else {
                return renderPhone(staff, error: GatewayProblem.unknownSlot.detail.da, status: .notFound)
            }
            do throws(GatewayProblem) {
                let (token, booking) = try desk.book(BookingApplication(
                    serviceId: slotId.service.rawValue, slotId: slotId.description, ageBand: form["ageBand"], substances: form.all("substances"),
                    receivesOtherSocialSupport: form.yesNo("otherSupport"), interpreterLanguage: form["interpreterLanguage"],
                    companion: form["companion"] == "yes"))
                return tokenPage("Tiden er booket", token: token, code: nil,
                                 when: Texts.appointment(booking.slotId.day, booking.slotId.time, desk.calculator.timeOfDay(booking.end), .da), staff: staff)
            } catch {
                if error.slug == "not-eligible" {
                    let places = error.referrals.compactMap { cases.configuration.referrals[$0] }
                        .map { "\($0.title.da): " + $0.places.map { "\($0.name) \($0.phone ?? "")" }.joined(separator: ", ") }
                    return renderPhone(staff, error: error.detail.da + " " + places.joined(separator: " · "), status: error.status)
                }
                return renderPhone(staff, error: error.detail.da, status: error.status)
            }
        }
    }
}

extension GatewayProblem {
    static let csrf = GatewayProblem(.forbidden, "csrf", title: "Form expired",
                                     da: "Formularen er udløbet eller kom ikke fra denne side. Gå tilbage, genindlæs og prøv igen.",
                                     en: "The form expired or did not come from this site. Go back, reload and try again.")
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
