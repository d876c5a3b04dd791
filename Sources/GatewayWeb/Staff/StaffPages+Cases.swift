import Foundation
import GatewayCore
import GatewayServices
import GatewayStore
import HTTPTypes
import Hummingbird
import Mustache

extension StaffPages {
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
        let progress = SessionProgress(of: found, limit: limit)
        var slots: [CasePage.Time]?
        if progress.canContinue, let service = cases.configuration.service(found.serviceId) {
            let offered = try await run { () async throws(ServiceError) in try await desk.offeredSlots(for: service, from: nil, days: nil, byPhone: true) }
            slots = offered.filter { $0.slot.providerId == staff.member.providerId }.prefix(60).map { item in
                CasePage.Time(id: item.slot.id.description,
                              label: texts.appointment(item.slot.id.day, item.slot.id.time, desk.calculator.timeOfDay(item.slot.end), .da))
            }
        }
        let letter = DecisionLetter(for: found, configuration: cases.configuration)
        let page = CasePage(
            code: found.code.value,
            progress: staffTexts.progress(of: found, limit: limit).da.capitalizedFirst,
            serviceName: cases.configuration.service(found.serviceId)?.name.da ?? found.serviceId.rawValue,
            ageBand: texts.text(.age(found.ageBand), .da), openedOn: found.openedOn.description,
            statusText: found.status == .open ? texts.text(.staffCaseOpen, .da)
                : texts.text(.staffCaseClosed, .da, ["reason": found.dischargeReason?.rawValue ?? ""]),
            open: found.status == .open, canContinue: progress.canContinue, isPAS: found.serviceId == .pas,
            decided: found.decision != nil, hasLiveBooking: found.hasLiveToken, minor: !found.ageBand.isAdult, notesDestroyed: found.notesDestroyed,
            notes: notes.map { CasePage.Note(writtenOn: $0.writtenOn.description, providerId: $0.providerId.rawValue, text: $0.text) },
            pasProviders: cases.configuration.providers(offering: .pas).map { CasePage.Provider(id: $0.id.rawValue, name: $0.place.name) },
            warning: progress.isLastSession ? staffTexts.oneLeft.da : nil,
            next: !progress.canContinue && found.status == .open ? staffTexts.guidance(.beyondTheLimit(for: found.ageBand)).da : nil,
            decisionText: letter.map { staffTexts.letter($0).da },
            decisionReason: letter == nil ? nil : found.decisionReason,
            wishes: {
                var parts: [String] = []
                if let language = found.interpreterLanguage { parts.append(texts.text(.staffWishInterpreter, .da, ["language": language])) }
                if found.companion { parts.append(texts.text(.staffWishCompanion, .da)) }
                return parts.isEmpty ? nil : parts.joined(separator: " · ")
            }(),
            slots: slots, error: error)
        return render("staffCase", page, session: session, status: status)
    }

    /// Runs a case action; on a refusal, shows the case page again with the reason in Danish.
    func caseAction(_ context: StaffRequestContext, _ action: (CaseCode) async throws(GatewayProblem) -> Response) async throws -> Response {
        let code = try code(context)
        do {
            return try await action(code)
        } catch {
            return try await renderCase(code, session: context.session, error: texts.detail(error, .da), status: error.status)
        }
    }

    struct NoteForm: Decodable { var text: String? }
    struct SlotForm: Decodable { var slotId: String? }
    struct DecisionForm: Decodable { var outcome: String?; var reason: String?; var referralProviderId: String?; var shareNotes: String? }
    struct CloseForm: Decodable { var reason: String?; var outcome: String?; var followUp: String? }
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
        render("staffToken", StaffTokenPage(heading: heading, token: token.formatted, spelling: TokenSpelling.groups(token), code: code?.value, when: when),
               session: session, status: .ok)
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
            let (_, token) = try await run { () async throws(ServiceError) in
                try await cases.close(code, reason: form.reason.nonEmpty, outcome: form.outcome.nonEmpty, followUp: form.followUp == "yes", by: context.staff)
            }
            guard let token else { return Self.redirect("/staff/cases/\(code.value)") }
            // The follow-up token (QS 3.2), shown once, with the day the citizen can answer from.
            let opens = FollowUpRules.opens(.oneMonth, closedOn: desk.today)
            return tokenPage(texts.text(.staffFollowUpAfterDischarge, .da), token: token, code: code,
                             when: texts.text(.staffFollowUpOpensOn, .da, ["day": texts.day(opens, .da)]), session: context.session)
        }
    }

    @Sendable func handover(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let form = try await form(HandoverForm.self, request, context)
        return try await caseAction(context) { code throws(GatewayProblem) in
            var carry: [String: String] = [:]
            if let text = form.carry?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty {
                guard text.count <= 2000 else { throw GatewayProblem.invalidField("carry", .problemCarryTooLong) }
                carry["agreed"] = text
            }
            let id = try await run { () async throws(ServiceError) in
                try await cases.handover(code, carry: carry, parentalConsent: form.parentalConsent == "yes",
                                         caseworkerApproval: form.caseworkerApproval == "yes", by: context.staff)
            }
            return render("staffDone", StaffDonePage(heading: texts.text(.staffHandedOver, .da), text: texts.text(.staffHandedOverText, .da, ["id": id])),
                          session: context.session)
        }
    }

}
