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

    /// Appends to the access log (append-only by trigger), to the minute: enough to audit, too coarse to join with other logs.
    func logAccess(_ db: Database, _ context: CaseContext, action: String, code: String) throws {
        let minute = Date(timeIntervalSince1970: (context.now.timeIntervalSince1970 / 60).rounded(.down) * 60)
        try AccessLogRecord(id: nil, at: StoredTime.text(minute), staffPseudonym: context.actor.pseudonym,
                            providerId: context.actor.providerId.rawValue, action: action, caseCode: code).insert(db)
    }
}
