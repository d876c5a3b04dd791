import Foundation
import GatewayCore
import GRDB

extension AnonymousStore {
    /// The provider's access log, oldest first, optionally for one case: what its own staff did, and
    /// every access to a case it holds or was referred — so on a referred case each side's auditor
    /// sees the other side's reads too.
    public func accessLog(code: CaseCode?, provider: ProviderID) async throws(CaseStoreError) -> [AccessLogEntry] {
        try await read(CaseStoreError.self) { db in
            var sql = """
                SELECT * FROM access_log WHERE (providerId = ?
                    OR caseCode IN (SELECT code FROM anonymous_case WHERE providerId = ? OR referralProviderId = ?))
                """
            var arguments: StatementArguments = [provider.rawValue, provider.rawValue, provider.rawValue]
            if let code {
                sql += " AND caseCode = ?"
                arguments += [code.value]
            }
            return try AccessLogRecord.fetchAll(db, sql: sql + " ORDER BY id", arguments: arguments).map { try $0.entry() }
        }
    }

    /// Appends to the access log (append-only by trigger), to Copenhagen's day: enough to audit, too
    /// coarse to join a rare event (a handover) with a time kept anywhere else. Entries keep their order.
    func logAccess(_ db: Database, _ context: CaseContext, action: String, code: String) throws {
        try AccessLogRecord(id: nil, day: context.today.description, staffPseudonym: context.actor.pseudonym,
                            providerId: context.actor.providerId.rawValue, action: action, caseCode: code).insert(db)
    }
}
