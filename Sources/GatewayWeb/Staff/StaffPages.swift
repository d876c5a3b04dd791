import Foundation
import GatewayCore
import GatewayCrypto
import GatewayServices
import GatewayStore
import HTTPTypes
import Hummingbird
import Mustache

/// The staff pages under `/staff`: server-rendered, usable without JavaScript. A session cookie
/// (HttpOnly, SameSite=Strict; `__Host-`, Secure over TLS) and a CSRF token on every form. Sign-in, the CSRF
/// check and each page's permission are middleware and route groups; handlers get the session in
/// their `StaffRequestContext`.
struct StaffPages: Sendable {
    /// Over plain HTTP (development on loopback): path /staff.
    static let cookieName = "anongate_staff"
    /// Over TLS: the `__Host-` prefix makes browsers refuse it unless Secure, Path=/ and host-only,
    /// so a sibling subdomain cannot plant or overwrite it.
    static let secureCookieName = "__Host-anongate_staff"
    static let signInPurpose = "staff-sign-in"
    /// The longest username an account can have is 40; anything longer is refused before any work.
    static let maximumUsernameLength = 100

    let cases: CaseService
    let sessions: StaffSessions
    let renderer: PageRenderer
    let network: ClientNetwork
    let formTokens: FormTokenSigner
    let statistics: StatisticsService
    let complaints: ComplaintService

    var desk: BookingService { cases.booking }
    var library: MustacheLibrary { renderer.library }
    var texts: TextCatalog { renderer.texts }
    var staffTexts: StaffTexts { StaffTexts(texts: renderer.texts) }

    /// Every staff page and who may use it (see `StaffAPIController.access`).
    static let access: [(path: String, method: HTTPRequest.Method, access: StaffRouteAccess)] = [
        ("/staff", .get, .everyone), ("/staff/sign-in", .post, .everyone), ("/staff/sign-out", .post, .signedIn),
        ("/staff/schedule", .get, .permission(.readSchedule)), ("/staff/checkin", .post, .permission(.workWithCases)),
        ("/staff/walkin", .post, .permission(.workWithCases)), ("/staff/phone", .get, .permission(.bookForCallers)),
        ("/staff/phone", .post, .permission(.bookForCallers)), ("/staff/cases/:caseCode", .get, .permission(.workWithCases)),
        ("/staff/cases/:caseCode/notes", .post, .permission(.workWithCases)), ("/staff/cases/:caseCode/bookings", .post, .permission(.workWithCases)),
        ("/staff/cases/:caseCode/follow-up", .post, .permission(.workWithCases)), ("/staff/cases/:caseCode/no-show", .post, .permission(.workWithCases)),
        ("/staff/cases/:caseCode/decision", .post, .permission(.workWithCases)), ("/staff/cases/:caseCode/close", .post, .permission(.workWithCases)),
        ("/staff/cases/:caseCode/handover", .post, .permission(.workWithCases)), ("/staff/access-log", .get, .permission(.readAccessLog)),
        ("/staff/figures", .get, .permission(.readStatistics)), ("/staff/figures.csv", .get, .permission(.readStatistics)), ("/staff/complaints", .get, .permission(.readComplaints)),
        ("/staff/complaints/:complaintCode/handled", .post, .permission(.readComplaints)),
        ("/staff/groups", .get, .permission(.workWithCases)), ("/staff/groups", .post, .permission(.manageGroups)),
        ("/staff/groups/:courseId/seats", .post, .permission(.workWithCases)), ("/staff/groups/:courseId/attendance", .post, .permission(.workWithCases)),
    ]

    static var routes: [(String, HTTPRequest.Method)] { access.map { ($0.path, $0.method) } }

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
        signedIn.group().add(middleware: RequirePermission(permission: .readAccessLog))
            .get("access-log", use: accessLogPage)
        signedIn.group().add(middleware: RequirePermission(permission: .readStatistics))
            .get("figures", use: figuresPage)
            .get("figures.csv", use: figuresCSV)
        signedIn.group().add(middleware: RequirePermission(permission: .readComplaints))
            .get("complaints", use: complaintsPage)
            .post("complaints/:complaintCode/handled", use: complaintHandled)
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
            .get("groups", use: groupsPage)
            .post("groups/:courseId/seats", use: seatOnPage)
            .post("groups/:courseId/attendance", use: attendOnPage)
        signedIn.group().add(middleware: RequirePermission(permission: .manageGroups))
            .post("groups", use: createCourseOnPage)
    }

    // MARK: Rendering

    /// Renders a staff page from its typed model inside the staff layout. The staff pages are Danish;
    /// their sentences come from the catalog like every other page's.
    func render(_ name: String, _ model: Any, session: StaffSession?, status: HTTPResponse.Status = .ok) -> Response {
        let sentences = texts.dictionary(.da)
        let content = library.render(TemplateContext(parts: [model, StaffCommon(t: sentences, csrf: session?.csrfToken)]), withTemplate: name) ?? ""
        let member = session?.staff.member
        let layout = StaffLayoutModel(
            content: content, t: sentences, signedIn: session != nil, csrf: session?.csrfToken,
            mayReadSchedule: session?.staff.may(.readSchedule) ?? false, mayBookForCallers: session?.staff.may(.bookForCallers) ?? false,
            mayReadAccessLog: session?.staff.may(.readAccessLog) ?? false, mayReadStatistics: session?.staff.may(.readStatistics) ?? false,
            mayReadComplaints: session?.staff.may(.readComplaints) ?? false, mayWorkWithCases: session?.staff.may(.workWithCases) ?? false,
            who: member.map { "\($0.username) (\($0.role.rawValue), \($0.providerId))" })
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        let html = library.render(TemplateContext(parts: [layout]), withTemplate: "staffLayout") ?? ""
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    func errorPage(_ problem: GatewayProblem, session: StaffSession?, back: String) -> Response {
        var response = render("staffError", StaffErrorPage(detail: texts.detail(problem, .da), back: back), session: session, status: problem.status)
        if let retry = problem.retryAfterSeconds { response.headers[.retryAfter] = String(retry) }
        return response
    }

    /// Where a member of staff lands after signing in: the first page their role may open.
    static func landing(_ staff: StaffIdentity) -> String {
        if staff.may(.readSchedule) { return "/staff/schedule" }
        if staff.may(.readAccessLog) { return "/staff/access-log" }
        if staff.may(.readStatistics) { return "/staff/figures" }
        return "/staff/schedule"
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

    /// The session cookie (Hummingbird's `Cookie`): HttpOnly, SameSite=Strict. Over TLS it is
    /// `__Host-anongate_staff` (Secure, Path=/); over plain HTTP `anongate_staff` on /staff.
    func cookie(_ value: String, request: Request, peerAddress: String?, maxAge: Int) -> Cookie {
        if network.overTLS(request, peerAddress: peerAddress) {
            return Cookie(name: Self.secureCookieName, value: value, maxAge: maxAge, path: "/", secure: true, httpOnly: true, sameSite: .strict)
        }
        return Cookie(name: Self.cookieName, value: value, maxAge: maxAge, path: "/staff", secure: false, httpOnly: true, sameSite: .strict)
    }

    func signInPage(error: String?, status: HTTPResponse.Status = .ok) -> Response {
        render("staffSignIn", StaffSignInPage(error: error, formToken: formTokens.issue(purpose: Self.signInPurpose, at: desk.clock.now)),
               session: nil, status: status)
    }

    // MARK: Sign-in

    struct SignInForm: Decodable { var username: String?; var password: String?; var totp: String?; var csrf: String? }

    @Sendable func start(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        if let token = StaffSessionMiddleware.token(request, .cookie, overTLS: network.overTLS(request, peerAddress: context.peerAddress)),
           let session = try await run({ () async throws(ServiceError) in try await sessions.session(token: token) }) {
            return Self.redirect(Self.landing(session.staff))
        }
        return signInPage(error: nil)
    }

    @Sendable func signIn(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        // The size, type and encoding checks every form gets (413, 415, 400), then the decoder on the same bytes.
        var request = request
        do { _ = try await FormBody.read(&request) } catch let problem as GatewayProblem {
            return signInPage(error: texts.detail(problem, .da), status: problem.status)
        }
        let form: SignInForm
        do { form = try await URLEncodedFormDecoder().decode(SignInForm.self, from: request, context: context) } catch {
            return signInPage(error: texts.detail(GatewayProblem.invalidForm, .da), status: .badRequest)
        }
        guard formTokens.verify(form.csrf, purpose: Self.signInPurpose, at: desk.clock.now, lifetime: 3600) != nil else {
            return signInPage(error: texts.detail(GatewayProblem.csrf, .da), status: .forbidden)
        }
        let username = form.username ?? "", password = form.password ?? ""
        guard username.count <= Self.maximumUsernameLength, password.count <= 1000 else {
            return signInPage(error: texts.detail(ServiceError.signInFailed.problem, .da), status: ServiceError.signInFailed.problem.status)
        }
        do {
            let (token, session) = try await run { () async throws(ServiceError) in
                try await sessions.signIn(username: username, password: password, totp: form.totp, client: network.bucket(request, context))
            }
            var response = Self.redirect(Self.landing(session.staff))
            response.setCookie(cookie(token, request: request, peerAddress: context.peerAddress, maxAge: Int(StaffSessions.absoluteLifetime)))
            return response
        } catch {
            var response = signInPage(error: texts.detail(error, .da), status: error.status)
            if let retry = error.retryAfterSeconds { response.headers[.retryAfter] = String(retry) }
            return response
        }
    }

    @Sendable func signOut(_ request: Request, context: StaffRequestContext) async throws -> Response {
        if let token = StaffSessionMiddleware.token(request, .cookie, overTLS: network.overTLS(request, peerAddress: context.peerAddress)) { await sessions.signOut(token: token) }
        var response = Self.redirect("/staff")
        response.setCookie(cookie("", request: request, peerAddress: context.peerAddress, maxAge: 0))
        return response
    }

}
