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
    let network: ClientNetwork

    var desk: BookingService { cases.booking }
    var library: MustacheLibrary { renderer.library }
    var texts: TextCatalog { renderer.texts }
    var staffTexts: StaffTexts { StaffTexts(texts: renderer.texts) }

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

    /// Renders a staff page from its typed model inside the staff layout. The staff pages are Danish;
    /// their sentences come from the catalog like every other page's.
    func render(_ name: String, _ model: Any, session: StaffSession?, status: HTTPResponse.Status = .ok) -> Response {
        let sentences = texts.dictionary(.da)
        let content = library.render(TemplateContext(parts: [model, StaffCommon(t: sentences, csrf: session?.csrfToken)]), withTemplate: name) ?? ""
        let member = session?.staff.member
        let layout = StaffLayoutModel(
            content: content, t: sentences, signedIn: session != nil, csrf: session?.csrfToken,
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

    /// The session cookie (Hummingbird's `Cookie`): HttpOnly, SameSite=Strict, limited to /staff, Secure over TLS.
    func cookie(_ value: String, request: Request, peerAddress: String?, maxAge: Int) -> Cookie {
        let overTLS = network.overTLS(request, peerAddress: peerAddress)
        return Cookie(name: Self.cookieName, value: value, maxAge: maxAge, path: "/staff", secure: overTLS, httpOnly: true, sameSite: .strict)
    }

    // MARK: Sign-in

    struct SignInForm: Decodable { var username: String?; var password: String?; var totp: String? }

    @Sendable func start(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        if let token = StaffSessionMiddleware.token(request, .cookie), try await run({ () async throws(ServiceError) in try await sessions.session(token: token) }) != nil {
            return Self.redirect("/staff/schedule")
        }
        return render("staffSignIn", StaffMessage(error: nil), session: nil)
    }

    @Sendable func signIn(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let form: SignInForm
        do { form = try await URLEncodedFormDecoder().decode(SignInForm.self, from: request, context: context) } catch {
            return render("staffSignIn", StaffMessage(error: texts.detail(GatewayProblem.invalidForm, .da)), session: nil, status: .badRequest)
        }
        do {
            let (token, _) = try await run { () async throws(ServiceError) in
                try await sessions.signIn(username: form.username ?? "", password: form.password ?? "", totp: form.totp)
            }
            var response = Self.redirect("/staff/schedule")
            response.setCookie(cookie(token, request: request, peerAddress: context.peerAddress, maxAge: Int(StaffSessions.absoluteLifetime)))
            return response
        } catch {
            var response = render("staffSignIn", StaffMessage(error: texts.detail(error, .da)), session: nil, status: error.status)
            if let retry = error.retryAfterSeconds { response.headers[.retryAfter] = String(retry) }
            return response
        }
    }

    @Sendable func signOut(_ request: Request, context: StaffRequestContext) async throws -> Response {
        if let token = StaffSessionMiddleware.token(request, .cookie) { await sessions.signOut(token: token) }
        var response = Self.redirect("/staff")
        response.setCookie(cookie("", request: request, peerAddress: context.peerAddress, maxAge: 0))
        return response
    }

}
