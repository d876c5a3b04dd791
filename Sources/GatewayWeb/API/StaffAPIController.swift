import Foundation
import GatewayCore
import GatewayServices
import GatewayStore
import HTTPTypes
import Hummingbird

/// The staff JSON API (`/api/v1/staff`). Sign-in is the only route without a session; every other
/// route sits in a group for one permission (`StaffRole.permissions`). Every answer about another
/// provider's bookings or cases is exactly "not found"; every read or change of a case is logged.
struct StaffAPIController {
    let cases: CaseService
    let complaints: ComplaintService
    let sessions: StaffSessions
    let staffTexts: StaffTexts
    let network: ClientNetwork

    var bookings: BookingService { cases.booking }

    /// Every staff API route and who may use it — the rule the route groups in `addRoutes` apply, and
    /// the table the role × route × provider test walks (a route missing here fails that test).
    static let access: [(path: String, method: HTTPRequest.Method, access: StaffRouteAccess)] = [
        ("sessions", .post, .everyone), ("sessions/current", .delete, .signedIn),
        ("checkins", .post, .permission(.workWithCases)), ("walkins", .post, .permission(.workWithCases)),
        ("bookings", .post, .permission(.bookForCallers)), ("schedule", .get, .permission(.readSchedule)),
        ("access-log", .get, .permission(.readAccessLog)), ("cases", .get, .permission(.workWithCases)),
        ("cases/:caseCode", .get, .permission(.workWithCases)), ("cases/:caseCode/bookings", .post, .permission(.workWithCases)),
        ("cases/:caseCode/follow-up", .post, .permission(.workWithCases)), ("cases/:caseCode/no-show", .post, .permission(.workWithCases)),
        ("cases/:caseCode/notes", .get, .permission(.workWithCases)), ("cases/:caseCode/notes", .post, .permission(.workWithCases)),
        ("cases/:caseCode/notes", .delete, .permission(.destroyNotes)), ("cases/:caseCode/decision", .post, .permission(.workWithCases)),
        ("cases/:caseCode/close", .post, .permission(.workWithCases)), ("cases/:caseCode/handover", .post, .permission(.workWithCases)),
        ("complaints", .get, .permission(.readComplaints)), ("complaints/:complaintCode/handled", .post, .permission(.readComplaints)),
        ("/api/v1/stats", .get, .permission(.readStatistics)), ("/api/v1/stats.csv", .get, .permission(.readStatistics)),
        ("groups", .get, .permission(.workWithCases)), ("groups", .post, .permission(.manageGroups)),
        ("groups/:courseId/seats", .post, .permission(.workWithCases)),
        ("groups/:courseId/meetings/:meeting/attendance", .post, .permission(.workWithCases)),
    ]

    /// Full paths: relative ones sit under `/api/v1/staff/`; the figures are at `/api/v1/stats`.
    static var routes: [(String, HTTPRequest.Method)] {
        access.map { ($0.path.hasPrefix("/") ? $0.path : "/api/v1/staff/" + $0.path, $0.method) }
    }

    /// `/api/v1/stats` and `/api/v1/stats.csv`: the figures, for a staff session allowed to read them.
    func addStatisticsRoutes(to group: RouterGroup<GatewayRequestContext>, statistics: StatisticsService) {
        group.group()
            .add(middleware: StaffSessionMiddleware(sessions: sessions, credential: .bearer, network: network))
            .group(context: StaffRequestContext.self)
            .add(middleware: RequirePermission(permission: .readStatistics))
            .get("stats") { request, context in try await self.statistics(request, context, statistics, csv: false) }
            .get("stats.csv") { request, context in try await self.statistics(request, context, statistics, csv: true) }
    }

    /// Whole months only; the manager sees every provider, a provider-admin its own — the same
    /// cells, suppressed the same way, so the two views cannot be differenced.
    func statistics(_ request: Request, _ context: StaffRequestContext, _ statistics: StatisticsService, csv: Bool) async throws -> Response {
        let query = request.uri.queryParameters
        let months = try await run { () throws(ServiceError) in
            try statistics.months(from: query["from"].map(String.init), to: query["to"].map(String.init))
        }
        let grid = try await run { () async throws(ServiceError) in try await statistics.grid(months: months) }
        let member = context.staff.member
        let report = StatisticsReport(grid: grid, provider: member.role == .manager ? nil : member.providerId)
        if csv { return report.csvResponse() }
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: report.json())))
    }

    func addRoutes(to group: RouterGroup<GatewayRequestContext>) {
        group.post("sessions", use: signIn)
        let signedIn = group.group()
            .add(middleware: StaffSessionMiddleware(sessions: sessions, credential: .bearer, network: network))
            .group(context: StaffRequestContext.self)
        signedIn.delete("sessions/current", use: signOut)
        signedIn.group().add(middleware: RequirePermission(permission: .workWithCases))
            .post("checkins", use: checkIn)
            .post("walkins", use: walkIn)
            .get("cases", use: listCases)
            .get("cases/:caseCode", use: readCase)
            .post("cases/:caseCode/bookings", use: bookNext)
            .post("cases/:caseCode/follow-up", use: followUp)
            .post("cases/:caseCode/no-show", use: noShow)
            .get("cases/:caseCode/notes", use: notes)
            .post("cases/:caseCode/notes", use: addNote)
            .post("cases/:caseCode/decision", use: decide)
            .post("cases/:caseCode/close", use: close)
            .post("cases/:caseCode/handover", use: handover)
            .get("groups", use: listCourses)
            .post("groups/:courseId/seats", use: seat)
            .post("groups/:courseId/meetings/:meeting/attendance", use: attend)
        signedIn.group().add(middleware: RequirePermission(permission: .manageGroups))
            .post("groups", use: createCourse)
        signedIn.group().add(middleware: RequirePermission(permission: .destroyNotes))
            .delete("cases/:caseCode/notes", use: destroyNotes)
        signedIn.group().add(middleware: RequirePermission(permission: .bookForCallers))
            .post("bookings", use: phoneBooking)
        signedIn.group().add(middleware: RequirePermission(permission: .readSchedule))
            .get("schedule", use: schedule)
        signedIn.group().add(middleware: RequirePermission(permission: .readAccessLog))
            .get("access-log", use: accessLog)
        signedIn.group().add(middleware: RequirePermission(permission: .readComplaints))
            .get("complaints", use: listComplaints)
            .post("complaints/:complaintCode/handled", use: complaintHandled)
    }

    /// Runs a service call, turning its domain error into the API's problem.
    func run<T>(_ body: () async throws(ServiceError) -> T) async throws(GatewayProblem) -> T {
        do { return try await body() } catch { throw error.problem }
    }

    func code(_ context: StaffRequestContext) throws(GatewayProblem) -> CaseCode {
        do { return try cases.caseCode(context.parameters.get("caseCode")) } catch { throw error.problem }
    }

    // MARK: Group courses (issue 10; §101a stk. 8, QS 3.5, 4.4.4)

    struct MeetingBody: Decodable { var date: String?; var start: String?; var minutes: Int? }
    struct CourseBody: Decodable { var serviceId: String?; var seats: Int?; var meetings: [MeetingBody]? }
    struct CaseCodeBody: Decodable { var caseCode: String? }

    func courseBody(_ course: GroupCourse, attended: Set<Int>? = nil) -> API.Course {
        API.Course(course, calculator: bookings.calculator, attended: attended)
    }

    @Sendable func listCourses(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let courses = try await run { () async throws(ServiceError) in try await cases.courses(for: context.staff) }
        return try JSONResponse.make(API.Courses(courses: courses.map { courseBody($0) }))
    }

    @Sendable func createCourse(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let body = try await JSONBody.decode(CourseBody.self, from: request, context: context)
        let course = try await run { () async throws(ServiceError) in
            try await cases.createCourse(service: body.serviceId, seats: body.seats,
                                         meetings: body.meetings?.map { GroupMeetingInput(date: $0.date, start: $0.start, minutes: $0.minutes) },
                                         by: context.staff)
        }
        return try JSONResponse.make(status: .created, API.CourseEnvelope(course: courseBody(course)))
    }

    @Sendable func seat(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let body = try await JSONBody.decode(CaseCodeBody.self, from: request, context: context)
        let courseId = context.parameters.get("courseId") ?? ""
        let course = try await run { () async throws(ServiceError) in
            try await cases.seat(try cases.caseCode(body.caseCode), inCourse: courseId, by: context.staff)
        }
        return try JSONResponse.make(status: .created, API.CourseEnvelope(course: courseBody(course)))
    }

    @Sendable func attend(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let body = try await JSONBody.decode(CaseCodeBody.self, from: request, context: context)
        let courseId = context.parameters.get("courseId") ?? ""
        guard let meeting = context.parameters.get("meeting").flatMap({ Int($0) }), (1...1000).contains(meeting) else {
            throw GatewayProblem.group(.unknownMeeting)
        }
        let result = try await run { () async throws(ServiceError) in
            try await cases.attend(try cases.caseCode(body.caseCode), course: courseId, meeting: meeting, by: context.staff)
        }
        return try JSONResponse.make(checkInBody(result))
    }

    // MARK: Sessions

    struct SignInBody: Decodable { var username: String?; var password: String?; var totp: String? }

    @Sendable func signIn(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let body = try await JSONBody.decode(SignInBody.self, from: request, context: context)
        guard let username = body.username, !username.isEmpty else { throw GatewayProblem.missingField("username") }
        guard let password = body.password, !password.isEmpty else { throw GatewayProblem.missingField("password") }
        guard username.count <= StaffPages.maximumUsernameLength, password.count <= 1000 else { throw ServiceError.signInFailed.problem }
        let client = network.bucket(request, context)
        let (token, session) = try await run { () async throws(ServiceError) in
            try await sessions.signIn(username: username, password: password, totp: body.totp, client: client)
        }
        return try JSONResponse.make(status: .created, API.SessionCreated(sessionToken: token, expiresAt: bookings.calculator.iso8601(session.expiresAt)),
                                     noStore: true)
    }

    @Sendable func signOut(_ request: Request, context: StaffRequestContext) async throws -> Response {
        if let token = request.headers.bearerCredential { await sessions.signOut(token: token) }
        return Response(status: .noContent)
    }

    // MARK: Check-in

    struct TokenBody: Decodable { var token: String? }
    struct WalkInBody: Decodable { var serviceId: String?; var ageBand: String?; var token: String? }

    @Sendable func checkIn(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let body = try await JSONBody.decode(TokenBody.self, from: request, context: context)
        let result = try await run { () async throws(ServiceError) in try await cases.checkIn(body.token, by: context.staff) }
        return try JSONResponse.make(checkInBody(result))
    }

    @Sendable func walkIn(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let body = try await JSONBody.decode(WalkInBody.self, from: request, context: context)
        let result = try await run { () async throws(ServiceError) in
            try await cases.walkIn(service: body.serviceId, ageBand: body.ageBand, token: body.token, by: context.staff)
        }
        return try JSONResponse.make(status: .created, checkInBody(result))
    }

    func checkInBody(_ result: CheckInResult) -> API.CheckIn {
        let limit = cases.configuration.service(result.anonymousCase.serviceId)?.sessionLimit ?? .conversations(0)
        // With two kinds (parents), the session is counted against its own kind's limit.
        let (progress, text) = staffTexts.progress(of: result, limit: limit)
        return API.CheckIn(
            caseCode: result.anonymousCase.code.value, serviceId: result.anonymousCase.serviceId.rawValue,
            sessionNumber: result.sessionNumber, sessionLimit: progress.total, remaining: progress.remaining,
            progress: API.Localized(text),
            warning: progress.isLastSession ? API.Localized(staffTexts.oneLeft) : nil,
            next: progress.remaining == 0 ? API.Localized(staffTexts.guidance(.beyondTheLimit(for: result.anonymousCase.ageBand))) : nil)
    }

    // MARK: Cases

    /// Open cases of this provider and those referred to it. Listing is not reading: no case details, no log entry.
    @Sendable func listCases(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let open = try await run { () async throws(ServiceError) in try await cases.openCases(for: context.staff) }
        let provider = context.staff.member.providerId
        return try JSONResponse.make(API.CaseList(cases: open.map { found in
            API.CaseSummary(
                caseCode: found.code.value, serviceId: found.serviceId.rawValue, providerId: found.providerId.rawValue,
                openedOn: found.openedOn.description, sessionsUsed: found.sessionsUsed,
                referredHere: found.referralProviderId == provider && found.providerId != provider,
                referralProviderId: found.referralProviderId?.rawValue)
        }))
    }

    @Sendable func readCase(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let code = try code(context)
        let found = try await run { () async throws(ServiceError) in try await cases.readCase(code, by: context.staff) }
        return try JSONResponse.make(API.CaseEnvelope(case: caseBody(found)))
    }

    func caseBody(_ found: AnonymousCase) -> API.Case {
        let limit = cases.configuration.service(found.serviceId)?.sessionLimit ?? .conversations(0)
        let progress = SessionProgress(of: found, limit: limit)
        let decision = found.decision.map { outcome in
            API.Decision(
                outcome: outcome.rawValue,
                text: API.Localized(DecisionLetter(for: found, configuration: cases.configuration).map(staffTexts.letter) ?? LocalizedText(da: "", en: "")),
                reason: found.decisionReason, referralProviderId: found.referralProviderId?.rawValue)
        }
        return API.Case(
            caseCode: found.code.value, serviceId: found.serviceId.rawValue, providerId: found.providerId.rawValue,
            ageBand: found.ageBand.rawValue, openedOn: found.openedOn.description, status: found.status.rawValue,
            sessionsUsed: found.sessionsUsed, sessionLimit: progress.total, remaining: progress.remaining,
            progress: API.Localized(staffTexts.progress(of: found, limit: limit)),
            hasLiveToken: found.hasLiveToken, notesDestroyed: found.notesDestroyed, notesShared: found.notesShared,
            warning: progress.isLastSession ? API.Localized(staffTexts.oneLeft) : nil,
            next: progress.remaining == 0 && found.status == .open ? API.Localized(staffTexts.guidance(.beyondTheLimit(for: found.ageBand))) : nil,
            dischargeReason: found.dischargeReason?.rawValue, outcome: found.outcome?.rawValue, decision: decision,
            interpreterLanguage: found.interpreterLanguage, companion: found.companion)
    }

    struct SlotBody: Decodable { var slotId: String? }

    @Sendable func bookNext(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let code = try code(context)
        let body = try await JSONBody.decode(SlotBody.self, from: request, context: context)
        let (token, booking) = try await run { () async throws(ServiceError) in try await cases.bookNext(code, slot: body.slotId, by: context.staff) }
        return try JSONResponse.make(status: .created, API.TokenIssued(token: token.formatted, spelling: TokenSpelling.groups(token),
                                                               booking: API.Booking(booking, bookings)), noStore: true)
    }

    @Sendable func followUp(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let code = try code(context)
        let token = try await run { () async throws(ServiceError) in try await cases.followUp(code, by: context.staff) }
        return try JSONResponse.make(status: .created, API.TokenIssued(token: token.formatted, spelling: TokenSpelling.groups(token), booking: nil),
                                     noStore: true)
    }

    @Sendable func noShow(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let code = try code(context)
        let found = try await run { () async throws(ServiceError) in try await cases.markNoShow(code, by: context.staff) }
        return try JSONResponse.make(API.CaseEnvelope(case: caseBody(found)))
    }

    struct NoteBody: Decodable { var text: String? }

    @Sendable func addNote(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let code = try code(context)
        let body = try await JSONBody.decode(NoteBody.self, from: request, context: context)
        let id = try await run { () async throws(ServiceError) in try await cases.addNote(code, text: body.text, by: context.staff) }
        return try JSONResponse.make(status: .created, API.NoteCreated(noteId: id, writtenOn: bookings.today.description))
    }

    @Sendable func notes(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let code = try code(context)
        let notes = try await run { () async throws(ServiceError) in try await cases.notes(code, by: context.staff) }
        return try JSONResponse.make(API.NoteList(notes: notes.map {
            API.Note(id: $0.id, writtenOn: $0.writtenOn.description, providerId: $0.providerId.rawValue, text: $0.text)
        }))
    }

    @Sendable func destroyNotes(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let code = try code(context)
        try await run { () async throws(ServiceError) in try await cases.destroyNotes(code, by: context.staff) }
        return Response(status: .noContent)
    }

    struct DecisionBody: Decodable { var outcome: String?; var reason: String?; var referralProviderId: String?; var shareNotes: Bool? }

    @Sendable func decide(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let code = try code(context)
        let body = try await JSONBody.decode(DecisionBody.self, from: request, context: context)
        let decided = try await run { () async throws(ServiceError) in
            try await cases.decide(code, outcome: body.outcome, reason: body.reason, referral: body.referralProviderId,
                                   shareNotes: body.shareNotes ?? false, by: context.staff)
        }
        return try JSONResponse.make(API.CaseEnvelope(case: caseBody(decided)))
    }

    struct CloseBody: Decodable { var reason: String?; var outcome: String?; var followUp: Bool? }

    /// Closes the case; with `"followUp": true` the answer carries the follow-up token (QS 3.2), once.
    @Sendable func close(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let code = try code(context)
        let body = try await JSONBody.decode(CloseBody.self, from: request, context: context)
        let (closed, token) = try await run { () async throws(ServiceError) in
            try await cases.close(code, reason: body.reason, outcome: body.outcome, followUp: body.followUp ?? false, by: context.staff)
        }
        let followUp = token.map { token in
            API.CaseClosed.FollowUpToken(token: token.formatted, spelling: TokenSpelling.groups(token),
                                         opensOn: FollowUpRules.opens(.oneMonth, closedOn: bookings.today).description)
        }
        return try JSONResponse.make(API.CaseClosed(case: caseBody(closed), followUp: followUp), noStore: token != nil)
    }

    struct HandoverBody: Decodable { var carry: [String: String]?; var parentalConsent: Bool?; var caseworkerApproval: Bool? }

    @Sendable func handover(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let code = try code(context)
        let body = try await JSONBody.decode(HandoverBody.self, from: request, context: context)
        guard let carry = body.carry else { throw GatewayProblem.missingField("carry") }
        guard carry.count <= 20, carry.allSatisfy({ (1...40).contains($0.key.count) && $0.value.count <= 2000 }) else {
            throw GatewayProblem.invalid("carry", .carryShape)
        }
        let id = try await run { () async throws(ServiceError) in
            try await cases.handover(code, carry: carry, parentalConsent: body.parentalConsent ?? false,
                                     caseworkerApproval: body.caseworkerApproval ?? false, by: context.staff)
        }
        return try JSONResponse.make(status: .created, API.EnrolmentCreated(enrolmentId: id))
    }

    // MARK: Phone, schedule, audit

    @Sendable func phoneBooking(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let body = try await JSONBody.decode(BookingBody.self, from: request, context: context)
        // Phone staff book their own provider's times, and those of places booked through its number.
        if let raw = body.slotId, let id = SlotID(raw),
           !bookings.configuration.providersBookedByPhone(at: context.staff.member.providerId).contains(id.provider) {
            throw GatewayProblem.unknownSlot
        }
        let (token, booking) = try await run { () async throws(ServiceError) in try await bookings.book(body.application, client: nil) }
        return try JSONResponse.make(status: .created, API.TokenIssued(token: token.formatted, spelling: TokenSpelling.groups(token),
                                                               booking: API.Booking(booking, bookings)), noStore: true)
    }

    @Sendable func schedule(_ request: Request, context: StaffRequestContext) async throws -> Response {
        var day = bookings.today
        if let raw = request.uri.queryParameters["date"].map(String.init) {
            guard let parsed = CalendarDay(iso: raw) else { throw GatewayProblem.invalid("date", .isoDate) }
            day = parsed
        }
        let entries = try await run { () async throws(ServiceError) in try await cases.schedule(on: day, for: context.staff) }
        let calculator = bookings.calculator
        // The citizen wrote to the people they will talk to; phone staff do not need it.
        let readsMessages = context.staff.may(.readCitizenMessages)
        return try JSONResponse.make(API.Schedule(date: day.description, bookings: entries.map { booking, code in
            API.ScheduleEntry(
                slotId: booking.slotId.description, start: calculator.iso8601(booking.start), end: calculator.iso8601(booking.end),
                serviceId: booking.serviceId.rawValue, status: booking.status.rawValue, ageBand: booking.ageBand.rawValue,
                companion: booking.requests.companion, caseCode: code?.value, interpreterLanguage: booking.requests.interpreterLanguage,
                message: readsMessages ? booking.requests.message : nil)
        }))
    }

    // MARK: Complaints

    /// The complaints this member of staff may read (`?status=open|handled|all`, default all);
    /// each one listed is written to the access log.
    @Sendable func listComplaints(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let status = request.uri.queryParameters["status"].map(String.init)
        let found = try await run { () async throws(ServiceError) in try await complaints.list(status: status, for: context.staff) }
        return try JSONResponse.make(API.ComplaintList(complaints: found.map(API.Complaint.init)), noStore: true)
    }

    @Sendable func complaintHandled(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let code = context.parameters.get("complaintCode")
        let handled = try await run { () async throws(ServiceError) in try await complaints.markHandled(code, by: context.staff) }
        return try JSONResponse.make(API.ComplaintEnvelope(complaint: API.Complaint(handled)), noStore: true)
    }

    @Sendable func accessLog(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let filter = try await AccessLogQuery(
            caseCode: query["caseCode"].map(String.init), staff: query["staff"].map(String.init),
            from: query["from"].map(String.init), to: query["to"].map(String.init)
        ).filter(cases: cases, sessions: sessions, for: context.staff)
        let entries = try await AccessLogQuery.entries(filter, cases: cases, sessions: sessions, for: context.staff)
        return try JSONResponse.make(API.AccessLog(entries: entries.map {
            API.AccessLogEntry(at: $0.day, staff: $0.staff, action: $0.action, caseCode: $0.caseCode)
        }))
    }
}

extension StatisticsReport {
    /// The CSV download (API and the figures page), named by its period.
    func csvResponse() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"anongate-figures-\(from)-\(to).csv\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: csv())))
    }
}

/// The access log's filter as typed by an auditor (API query or page form), checked and resolved.
/// Staff are named by username for the `auditor` role only (resolved from the pseudonym the
/// anonymous store keeps); a provider-admin sees and filters by pseudonym.
struct AccessLogQuery {
    var caseCode: String?
    var staff: String?
    var from: String?
    var to: String?

    struct Line { let day: String; let staff: String; let action: String; let caseCode: String }

    func filter(cases: CaseService, sessions: StaffSessions, for viewer: StaffIdentity) async throws(GatewayProblem) -> AccessLogFilter {
        var filter = AccessLogFilter()
        if let raw = nonEmpty(caseCode) {
            do { filter.caseCode = try cases.caseCode(raw) } catch { throw error.problem }
        }
        for (field, raw) in [("from", from), ("to", to)] {
            guard let text = nonEmpty(raw) else { continue }
            guard let day = CalendarDay(iso: text) else { throw ServiceError.invalidField(field, .isoDate).problem }
            if field == "from" { filter.from = day } else { filter.to = day }
        }
        if let name = nonEmpty(staff) {
            guard name.count <= 100 else { throw ServiceError.invalidField("staff", .shortLine(maxLength: 100)).problem }
            if viewer.member.role == .auditor {
                let names: [String: String]
                do { names = try await sessions.usernamesByPseudonym() } catch { throw error.problem }
                // An unknown username matches no entry (an empty list), like a pseudonym nobody has.
                filter.staffPseudonym = names.first { $0.value == name }?.key ?? name
            } else {
                filter.staffPseudonym = name
            }
        }
        return filter
    }

    static func entries(_ filter: AccessLogFilter, cases: CaseService, sessions: StaffSessions, for viewer: StaffIdentity) async throws(GatewayProblem) -> [Line] {
        let entries: [AccessLogEntry]
        do { entries = try await cases.accessLog(filter, for: viewer) } catch { throw error.problem }
        var names: [String: String] = [:]
        if viewer.member.role == .auditor {
            do { names = try await sessions.usernamesByPseudonym() } catch { throw error.problem }
        }
        return entries.map { entry in
            let staff = entry.staffPseudonym == AccessLogEntry.citizen ? AccessLogEntry.citizen
                : viewer.member.role == .auditor ? names[entry.staffPseudonym] ?? "unknown (\(entry.staffPseudonym))" : entry.staffPseudonym
            return Line(day: entry.day.description, staff: staff, action: entry.action, caseCode: entry.caseCode)
        }
    }

    private func nonEmpty(_ text: String?) -> String? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        return text
    }
}
