import Foundation
import GatewayCore
import GatewayStore
import HTTPTypes
import Hummingbird

/// The staff JSON API (`/api/v1/staff`). Every answer about another provider's bookings or cases
/// is exactly "not found"; every read or change of a case is written to the access log.
struct StaffAPIController {
    let cases: CaseDesk
    let authenticator: StaffAuthenticator
    let identified: IdentifiedStore

    var desk: BookingDesk { cases.booking }

    func addRoutes(to group: RouterGroup<GatewayRequestContext>) {
        group.post("sessions", use: signIn)
        group.delete("sessions/current", use: signOut)
        group.post("checkins", use: checkIn)
        group.post("walkins", use: walkIn)
        group.post("bookings", use: phoneBooking)
        group.get("schedule", use: schedule)
        group.get("access-log", use: accessLog)
        group.get("cases", use: listCases)
        group.get("cases/:caseCode", use: readCase)
        group.post("cases/:caseCode/bookings", use: bookNext)
        group.post("cases/:caseCode/follow-up", use: followUp)
        group.post("cases/:caseCode/no-show", use: noShow)
        group.get("cases/:caseCode/notes", use: notes)
        group.post("cases/:caseCode/notes", use: addNote)
        group.delete("cases/:caseCode/notes", use: destroyNotes)
        group.post("cases/:caseCode/decision", use: decide)
        group.post("cases/:caseCode/close", use: close)
        group.post("cases/:caseCode/handover", use: handover)
    }

    // MARK: Sessions

    struct SignInBody: Decodable { var username: String?; var password: String?; var totp: String? }

    @Sendable func signIn(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let body = try await JSONBody.decode(SignInBody.self, from: request, context: context)
        guard let username = body.username, !username.isEmpty else { throw GatewayProblem.missingField("username") }
        guard let password = body.password, !password.isEmpty else { throw GatewayProblem.missingField("password") }
        guard username.count <= 100, password.count <= 1000 else { throw StaffAuthenticator.wrongCredentials }
        let (token, _, expires) = try await authenticator.signIn(username: username, password: password, totp: body.totp)
        var response = ProblemJSON.jsonResponse(status: .created, object: [
            "sessionToken": token, "expiresAt": desk.calculator.iso8601(expires),
        ])
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func signOut(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        guard let token = Self.bearer(request), await authenticator.staff(sessionToken: token) != nil else { throw GatewayProblem.signInRequired }
        await authenticator.signOut(sessionToken: token)
        return Response(status: .noContent)
    }

    static func bearer(_ request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1])
    }

    func staff(_ request: Request, allowed roles: Set<StaffRole>) async throws -> SignedInStaff {
        guard let token = Self.bearer(request), let staff = await authenticator.staff(sessionToken: token) else {
            throw GatewayProblem.signInRequired
        }
        guard roles.contains(staff.member.role) else { throw GatewayProblem.forbidden }
        return staff
    }

    static let caseWorkers: Set<StaffRole> = [.counsellor, .providerAdmin]

    // MARK: Check-in

    struct TokenBody: Decodable { var token: String? }
    struct WalkInBody: Decodable { var serviceId: String?; var ageBand: String?; var token: String? }

    @Sendable func checkIn(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let staff = try await staff(request, allowed: Self.caseWorkers)
        let body = try await JSONBody.decode(TokenBody.self, from: request, context: context)
        let result = try cases.checkIn(body.token, by: staff)
        return ProblemJSON.jsonResponse(status: .ok, object: checkInObject(result))
    }

    @Sendable func walkIn(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let staff = try await staff(request, allowed: Self.caseWorkers)
        let body = try await JSONBody.decode(WalkInBody.self, from: request, context: context)
        let result = try cases.walkIn(service: body.serviceId, ageBand: body.ageBand, token: body.token, by: staff)
        return ProblemJSON.jsonResponse(status: .created, object: checkInObject(result))
    }

    func checkInObject(_ result: CheckInResult) -> [String: Any] {
        let limit = cases.configuration.service(result.anonymousCase.serviceId)?.sessionLimit ?? .conversations(0)
        let progress = SessionProgress(used: result.sessionNumber, limit: limit)
        var object: [String: Any] = [
            "caseCode": result.anonymousCase.code.value,
            "serviceId": result.anonymousCase.serviceId.rawValue,
            "sessionNumber": result.sessionNumber,
            "sessionLimit": progress.total,
            "remaining": progress.remaining,
            "progress": StaffTexts.progress(session: result.sessionNumber, limit: limit),
        ]
        if progress.remaining == 1 { object["warning"] = StaffTexts.oneLeft }
        if progress.remaining == 0 { object["next"] = StaffTexts.localized(BeyondTheLimit.guidance(ageBand: result.anonymousCase.ageBand)) }
        return object
    }

    // MARK: Cases

    /// Open cases of this provider and those referred to it. Listing is not reading: no case details, no log entry.
    @Sendable func listCases(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let staff = try await staff(request, allowed: Self.caseWorkers)
        let open = try cases.store.openCases(visibleTo: staff.member.providerId)
        return ProblemJSON.jsonResponse(status: .ok, object: ["cases": open.map { found -> [String: Any] in
            var item: [String: Any] = [
                "caseCode": found.code.value, "serviceId": found.serviceId.rawValue, "providerId": found.providerId.rawValue,
                "openedOn": found.openedOn.description, "sessionsUsed": found.sessionsUsed,
                "referredHere": found.referralProviderId == staff.member.providerId && found.providerId != staff.member.providerId,
            ]
            if let referral = found.referralProviderId { item["referralProviderId"] = referral.rawValue }
            return item
        }])
    }

    @Sendable func readCase(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let staff = try await staff(request, allowed: Self.caseWorkers)
        let found = try cases.readCase(try cases.caseCode(context.parameters.get("caseCode")), by: staff)
        return ProblemJSON.jsonResponse(status: .ok, object: ["case": caseObject(found)])
    }

    func caseObject(_ found: AnonymousCase) -> [String: Any] {
        let limit = cases.configuration.service(found.serviceId)?.sessionLimit ?? .conversations(0)
        let progress = SessionProgress(used: found.sessionsUsed, limit: limit)
        var object: [String: Any] = [
            "caseCode": found.code.value, "serviceId": found.serviceId.rawValue, "providerId": found.providerId.rawValue,
            "ageBand": found.ageBand.rawValue, "openedOn": found.openedOn.description, "status": found.status.rawValue,
            "sessionsUsed": found.sessionsUsed, "sessionLimit": progress.total, "remaining": progress.remaining,
            "progress": StaffTexts.progress(session: max(found.sessionsUsed, 1), limit: limit),
            "hasLiveToken": found.hasLiveToken, "notesDestroyed": found.notesDestroyed, "notesShared": found.notesShared,
        ]
        if progress.remaining == 1 { object["warning"] = StaffTexts.oneLeft }
        if progress.remaining == 0 && found.status == .open {
            object["next"] = StaffTexts.localized(BeyondTheLimit.guidance(ageBand: found.ageBand))
        }
        if let reason = found.dischargeReason { object["dischargeReason"] = reason.rawValue }
        if let decision = found.decision {
            var decisionObject: [String: Any] = ["outcome": decision.rawValue, "text": StaffTexts.localized(StaffTexts.decisionText(found, cases.configuration))]
            if let reason = found.decisionReason { decisionObject["reason"] = reason }
            if let referral = found.referralProviderId { decisionObject["referralProviderId"] = referral.rawValue }
            object["decision"] = decisionObject
        }
        return object
    }

    struct SlotBody: Decodable { var slotId: String? }

    @Sendable func bookNext(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let staff = try await staff(request, allowed: Self.caseWorkers)
        let code = try cases.caseCode(context.parameters.get("caseCode"))
        let body = try await JSONBody.decode(SlotBody.self, from: request, context: context)
        let (token, booking) = try cases.bookNext(code, slot: body.slotId, by: staff)
        var response = ProblemJSON.jsonResponse(status: .created, object: [
            "token": token.formatted, "spelling": TokenSpelling.groups(token), "booking": JSONShapes.booking(booking, desk: desk),
        ])
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func followUp(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let staff = try await staff(request, allowed: Self.caseWorkers)
        let token = try cases.followUp(try cases.caseCode(context.parameters.get("caseCode")), by: staff)
        var response = ProblemJSON.jsonResponse(status: .created, object: ["token": token.formatted, "spelling": TokenSpelling.groups(token)])
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func noShow(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let staff = try await staff(request, allowed: Self.caseWorkers)
        let found = try cases.markNoShow(try cases.caseCode(context.parameters.get("caseCode")), by: staff)
        return ProblemJSON.jsonResponse(status: .ok, object: ["case": caseObject(found)])
    }

    struct NoteBody: Decodable { var text: String? }

    @Sendable func addNote(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let staff = try await staff(request, allowed: Self.caseWorkers)
        let code = try cases.caseCode(context.parameters.get("caseCode"))
        let body = try await JSONBody.decode(NoteBody.self, from: request, context: context)
        let id = try cases.addNote(code, text: body.text, by: staff)
        return ProblemJSON.jsonResponse(status: .created, object: ["noteId": id, "writtenOn": cases.today.description])
    }

    @Sendable func notes(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let staff = try await staff(request, allowed: Self.caseWorkers)
        let notes = try cases.notes(try cases.caseCode(context.parameters.get("caseCode")), by: staff)
        return ProblemJSON.jsonResponse(status: .ok, object: ["notes": notes.map {
            ["id": $0.id, "writtenOn": $0.writtenOn.description, "providerId": $0.providerId.rawValue, "text": $0.text]
        }])
    }

    @Sendable func destroyNotes(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let staff = try await staff(request, allowed: [.providerAdmin])
        try cases.destroyNotes(try cases.caseCode(context.parameters.get("caseCode")), by: staff)
        return Response(status: .noContent)
    }

    struct DecisionBody: Decodable { var outcome: String?; var reason: String?; var referralProviderId: String?; var shareNotes: Bool? }

    @Sendable func decide(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let staff = try await staff(request, allowed: Self.caseWorkers)
        let code = try cases.caseCode(context.parameters.get("caseCode"))
        let body = try await JSONBody.decode(DecisionBody.self, from: request, context: context)
        let decided = try cases.decide(code, outcome: body.outcome, reason: body.reason, referral: body.referralProviderId,
                                       shareNotes: body.shareNotes ?? false, by: staff)
        return ProblemJSON.jsonResponse(status: .ok, object: ["case": caseObject(decided)])
    }

    struct CloseBody: Decodable { var reason: String? }

    @Sendable func close(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let staff = try await staff(request, allowed: Self.caseWorkers)
        let code = try cases.caseCode(context.parameters.get("caseCode"))
        let body = try await JSONBody.decode(CloseBody.self, from: request, context: context)
        return ProblemJSON.jsonResponse(status: .ok, object: ["case": caseObject(try cases.close(code, reason: body.reason, by: staff))])
    }

    struct HandoverBody: Decodable { var carry: [String: String]?; var parentalConsent: Bool?; var caseworkerApproval: Bool? }

    @Sendable func handover(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let staff = try await staff(request, allowed: Self.caseWorkers)
        let code = try cases.caseCode(context.parameters.get("caseCode"))
        let body = try await JSONBody.decode(HandoverBody.self, from: request, context: context)
        guard let carry = body.carry else { throw GatewayProblem.missingField("carry") }
        guard carry.count <= 20, carry.allSatisfy({ (1...40).contains($0.key.count) && $0.value.count <= 2000 }) else {
            throw GatewayProblem.invalidField("carry", da: "Højst 20 felter, nøgler på 1–40 tegn, værdier på højst 2000 tegn.",
                                              en: "At most 20 fields, keys of 1–40 characters, values of at most 2000 characters.")
        }
        let id = try cases.handover(code, carry: carry, parentalConsent: body.parentalConsent ?? false,
                                    caseworkerApproval: body.caseworkerApproval ?? false, by: staff)
        return ProblemJSON.jsonResponse(status: .created, object: ["enrolmentId": id])
    }

    // MARK: Phone, schedule, audit

    @Sendable func phoneBooking(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let staff = try await staff(request, allowed: [.phone, .counsellor, .providerAdmin])
        let body = try await JSONBody.decode(BookingBody.self, from: request, context: context)
        // Phone staff book their own provider's times only.
        if let raw = body.slotId, let id = SlotID(raw), id.provider != staff.member.providerId { throw GatewayProblem.unknownSlot }
        let (token, booking) = try desk.book(body.application)
        var response = ProblemJSON.jsonResponse(status: .created, object: [
            "token": token.formatted, "spelling": TokenSpelling.groups(token), "booking": JSONShapes.booking(booking, desk: desk),
        ])
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func schedule(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let staff = try await staff(request, allowed: [.counsellor, .providerAdmin, .phone])
        var day = cases.today
        if let raw = request.uri.queryParameters["date"].map(String.init) {
            guard let parsed = CalendarDay(iso: raw) else {
                throw GatewayProblem.invalidField("date", da: "date skal være en dato som ÅÅÅÅ-MM-DD.", en: "date must be a date as YYYY-MM-DD.")
            }
            day = parsed
        }
        let calculator = desk.calculator
        let start = calculator.instant(day, TimeOfDay(hour: 0, minute: 0)!)
        let end = calculator.instant(day.adding(days: 1), TimeOfDay(hour: 0, minute: 0)!)
        let entries = try cases.store.schedule(provider: staff.member.providerId, from: start, to: end)
        let items: [[String: Any]] = entries.map { booking, code in
            var item: [String: Any] = [
                "slotId": booking.slotId.description, "start": calculator.iso8601(booking.start), "end": calculator.iso8601(booking.end),
                "serviceId": booking.serviceId.rawValue, "status": booking.status.rawValue, "ageBand": booking.ageBand.rawValue,
                "companion": booking.requests.companion,
            ]
            if let code { item["caseCode"] = code.value }
            if let language = booking.requests.interpreterLanguage { item["interpreterLanguage"] = language }
            // The citizen wrote to the people they will talk to; phone staff do not need it.
            if Self.caseWorkers.contains(staff.member.role), let message = booking.requests.message { item["message"] = message }
            return item
        }
        return ProblemJSON.jsonResponse(status: .ok, object: ["date": day.description, "bookings": items])
    }

    @Sendable func accessLog(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let staff = try await staff(request, allowed: [.auditor, .providerAdmin])
        var code: CaseCode?
        if let raw = request.uri.queryParameters["caseCode"].map(String.init) { code = try cases.caseCode(raw) }
        let entries = try cases.store.accessLog(code: code, provider: staff.member.providerId)
        // Resolve pseudonyms to usernames for the auditor; the anonymous store never holds usernames.
        var names: [String: String] = [:]
        for member in try identified.staffMembers() { names[authenticator.actor(for: member).pseudonym] = member.username }
        return ProblemJSON.jsonResponse(status: .ok, object: ["entries": entries.map {
            ["at": desk.calculator.iso8601($0.at), "staff": names[$0.staffPseudonym] ?? "unknown (\($0.staffPseudonym))",
             "action": $0.action, "caseCode": $0.caseCode]
        }])
    }
}

enum StaffTexts {
    static let oneLeft = ["da": "Én samtale tilbage før grænsen.", "en": "One session left before the limit."]

    static func localized(_ text: LocalizedText) -> [String: String] { ["da": text.da, "en": text.en] }

    /// "samtale 3 af 5" / "conversation 3 of 5".
    static func progress(session: Int, limit: SessionLimit) -> [String: String] {
        switch limit {
        case .conversations(let total): return ["da": "samtale \(session) af \(total)", "en": "conversation \(session) of \(total)"]
        case .groupMeetings(let total): return ["da": "gang \(session) af \(total)", "en": "meeting \(session) of \(total)"]
        case .boundedCourse:
            let phase = SessionProgress(used: session, limit: limit).phase(ofSession: session)
            let names: [SessionProgress.CoursePhase: (String, String)] = [
                .clarifying: ("afklarende samtale", "clarifying conversation"), .group: ("gruppesession", "group session"),
                .concluding: ("afsluttende individuel samtale", "individual concluding conversation"), .counselling: ("samtale", "session"),
            ]
            let name = names[phase]!
            return ["da": "session \(session) af \(limit.totalSessions) (\(name.0))", "en": "session \(session) of \(limit.totalSessions) (\(name.1))"]
        }
    }

    /// What a PAS decision must tell the citizen (§101a stk. 6, QS 6.2, 6.6).
    static func decisionText(_ found: AnonymousCase, _ configuration: GatewayConfiguration) -> LocalizedText {
        let advisor = configuration.complaints.citizensAdvisor
        let advisorLine = "\(advisor.name), \(advisor.address.joined(separator: ", "))" + (advisor.phone.map { ", tlf. \($0)" } ?? "")
        let outcomeDa = found.decision == .granted ? "Du er visiteret til anonym behandling" : "Du er ikke visiteret til anonym behandling"
        let outcomeEn = found.decision == .granted ? "You have been granted anonymous treatment" : "You have not been granted anonymous treatment"
        let referralDa = found.referralProviderId.flatMap { configuration.provider($0) }.map { " hos \($0.place.name)" } ?? ""
        let referralEn = found.referralProviderId.flatMap { configuration.provider($0) }.map { " at \($0.place.name)" } ?? ""
        return LocalizedText(
            da: "\(outcomeDa)\(referralDa). Afgørelsen kan ikke indbringes for anden administrativ myndighed (serviceloven §101a, stk. 6). \(configuration.complaints.treatmentComplaints.da) Du kan også henvende dig til \(advisorLine).",
            en: "\(outcomeEn)\(referralEn). This decision cannot be appealed to another administrative authority (Social Services Act §101a(6)). \(configuration.complaints.treatmentComplaints.en) You can also contact \(advisorLine).")
    }
}
