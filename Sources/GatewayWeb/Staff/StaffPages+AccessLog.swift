import Foundation
import GatewayCore
import GatewayServices
import Hummingbird

extension StaffPages {
    // MARK: The access log (auditor, provider-admin)

    /// A GET form: the filter stays in the address so a result can be reloaded; it holds a case
    /// code and a username at most, never a token or a citizen's words.
    @Sendable func accessLogPage(_ request: Request, context: StaffRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let typed = AccessLogQuery(caseCode: query["caseCode"].map(String.init), staff: query["staff"].map(String.init),
                                   from: query["from"].map(String.init), to: query["to"].map(String.init))
        let staff = context.staff
        do {
            let filter = try await typed.filter(cases: cases, sessions: sessions, for: staff)
            let lines = try await AccessLogQuery.entries(filter, cases: cases, sessions: sessions, for: staff)
            return render("staffAccessLog", page(typed, lines: lines, error: nil), session: context.session)
        } catch {
            return render("staffAccessLog", page(typed, lines: [], error: texts.detail(error, .da)), session: context.session, status: error.status)
        }
    }

    private func page(_ typed: AccessLogQuery, lines: [AccessLogQuery.Line], error: String?) -> AccessLogPage {
        func clipped(_ text: String?) -> String { String((text ?? "").prefix(100)) }
        // A date field can only hold a real date: one that is not stays empty (the error names it).
        func day(_ text: String?) -> String { text.flatMap { CalendarDay(iso: $0) }?.description ?? "" }
        return AccessLogPage(
            staff: clipped(typed.staff), caseCode: clipped(typed.caseCode), from: day(typed.from), to: day(typed.to),
            count: texts.text(.staffEntriesCount, .da, ["count": String(lines.count)]),
            entries: lines.map { AccessLogPage.Entry(day: $0.day, staff: $0.staff, action: $0.action, caseCode: $0.caseCode) },
            hasEntries: !lines.isEmpty, error: error)
    }
}
