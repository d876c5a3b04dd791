import Foundation
import GatewayCore
import GRDB

extension AnonymousStore {
    /// The provider's access log, oldest first, optionally for one case.
    public func accessLog(code: CaseCode?, provider: ProviderID) async throws(CaseStoreError) -> [AccessLogEntry] {
        try await read(CaseStoreError.self) { db in
            var request = AccessLogRecord.filter(AccessLogRecord.Columns.providerId == provider.rawValue)
            if let code { request = request.filter(AccessLogRecord.Columns.caseCode == code.value) }
            return try request.order(AccessLogRecord.Columns.id).fetchAll(db).map { try $0.entry() }
        }
    }

    /// Appends to the access log (append-only by trigger), to Copenhagen's day: enough to audit, too
    /// coarse to join a rare event (a handover) with a time kept anywhere else. Entries keep their order.
    func logAccess(_ db: Database, _ context: CaseContext, action: String, code: String) throws {
        try AccessLogRecord(id: nil, day: context.today.description, staffPseudonym: context.actor.pseudonym,
                            providerId: context.actor.providerId.rawValue, action: action, caseCode: code).insert(db)
    }
}
