import Foundation
import GatewayCore
import GRDB

extension AnonymousStore {
    /// The provider's access log, oldest first, optionally for one case.
    public func accessLog(code: CaseCode?, provider: ProviderID) async throws(CaseStoreError) -> [AccessLogEntry] {
        try await read(CaseStoreError.self) { db in
            var sql = "SELECT * FROM access_log WHERE providerId = ?"
            var arguments: StatementArguments = [provider.rawValue]
            if let code {
                sql += " AND caseCode = ?"
                arguments += [code.value]
            }
            return try Row.fetchAll(db, sql: sql + " ORDER BY id", arguments: arguments).map { row in
                AccessLogEntry(at: try row.time("at"), staffPseudonym: row["staffPseudonym"], providerId: ProviderID(row["providerId"] as String),
                               action: row["action"], caseCode: row["caseCode"])
            }
        }
    }

    /// Appends to the access log (append-only by trigger), to the minute: enough to audit, too coarse to join with other logs.
    func logAccess(_ db: Database, _ context: CaseContext, action: String, code: String) throws {
        let minute = Date(timeIntervalSince1970: (context.now.timeIntervalSince1970 / 60).rounded(.down) * 60)
        try db.execute(sql: "INSERT INTO access_log (at, staffPseudonym, providerId, action, caseCode) VALUES (?, ?, ?, ?, ?)",
                       arguments: [StoredTime.text(minute), context.actor.pseudonym, context.actor.providerId.rawValue, action, code])
    }
}
