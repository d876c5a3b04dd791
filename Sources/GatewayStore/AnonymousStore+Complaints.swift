import Foundation
import GatewayCore
import GatewayCrypto
import GRDB

/// Complaints (QS 6). A complaint row holds its provider, (when known) the service, what it is
/// about, the day it came and its sealed text — never a token, a booking or a case code.
extension AnonymousStore {
    /// Stores a complaint; its code is drawn so that it is neither another complaint's nor a case's.
    public func receiveComplaint(
        id: String, provider: ProviderID, service: ServiceID?, about: ComplaintTopic, text: String, receivedOn: CalendarDay,
        random: any RandomSource
    ) async throws(CaseStoreError) -> CaseCode {
        let sealer = self.sealer
        return try await write(CaseStoreError.self) { db in
            for _ in 0..<10 {
                let code = CaseCode(generatingWith: random)
                let taken = try Int.fetchOne(db, sql: """
                    SELECT (SELECT count(*) FROM complaint WHERE code = ?) + (SELECT count(*) FROM anonymous_case WHERE code = ?)
                    """, arguments: [code.value, code.value]) ?? 1
                guard taken == 0 else { continue }
                try db.execute(sql: """
                    INSERT INTO complaint (id, code, providerId, serviceId, about, receivedOn, textSealed, status)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 'open')
                    """, arguments: [id, code.value, provider.rawValue, service?.rawValue, about.rawValue, receivedOn.description,
                                     try sealer.seal(text, table: "complaint", column: "text", row: id)])
                return code
            }
            // Ten collisions of 35 random bits means the random source is broken: stop.
            throw CaseStoreError.storageFailure
        }
    }

    /// The complaints of one provider (nil: every provider), newest first, optionally only open or
    /// handled ones. Each one read is written to the access log (`read-complaint`, under the
    /// complaint's provider, so that provider's auditor sees who read it).
    public func complaints(provider: ProviderID?, status: ComplaintStatus?, _ context: CaseContext) async throws(CaseStoreError) -> [Complaint] {
        try await write(CaseStoreError.self) { db in
            var sql = "SELECT * FROM complaint WHERE 1 = 1"
            var arguments: StatementArguments = []
            if let provider { sql += " AND providerId = ?"; arguments += [provider.rawValue] }
            if let status { sql += " AND status = ?"; arguments += [status.rawValue] }
            sql += " ORDER BY receivedOn DESC, code"
            let found = try Row.fetchAll(db, sql: sql, arguments: arguments).map(self.decodeComplaint)
            for complaint in found { try self.logComplaint(db, complaint, context, action: "read-complaint") }
            return found
        }
    }

    /// Marks a complaint handled (once; again is no change). A complaint of another provider than
    /// `provider` (when given) is not found.
    public func markComplaintHandled(_ code: CaseCode, provider: ProviderID?, _ context: CaseContext) async throws(CaseStoreError) -> Complaint {
        try await write(CaseStoreError.self) { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM complaint WHERE code = ?", arguments: [code.value]) else {
                throw CaseStoreError.notFound
            }
            var complaint = try self.decodeComplaint(row)
            if let provider, complaint.providerId != provider { throw CaseStoreError.notFound }
            if complaint.status == .open {
                try db.execute(sql: "UPDATE complaint SET status = 'handled', handledOn = ? WHERE code = ?",
                               arguments: [context.today.description, code.value])
                complaint.status = .handled
                complaint.handledOn = context.today
                try self.logComplaint(db, complaint, context, action: "complaint-handled")
            }
            return complaint
        }
    }

    func logComplaint(_ db: Database, _ complaint: Complaint, _ context: CaseContext, action: String) throws {
        try Self.appendAccessLog(db, chain: auditChain, day: context.today, actor: context.actor.pseudonym,
                                 provider: complaint.providerId.rawValue, action: action, caseCode: complaint.code.value)
    }

    func decodeComplaint(_ row: Row) throws -> Complaint {
        let id: String = row["id"]
        guard let code = CaseCode(row["code"] as String) else { throw UndecodableRow() }
        let text = try sealer.openText(row["textSealed"], table: "complaint", column: "text", row: id)
        return Complaint(
            code: code, providerId: ProviderID(row["providerId"] as String),
            serviceId: try (row["serviceId"] as String?).map { raw in
                guard let service = ServiceID(rawValue: raw) else { throw UndecodableRow() }
                return service
            },
            about: try row.decoded("about", as: ComplaintTopic.self), receivedOn: try row.day("receivedOn"), text: text,
            status: try row.decoded("status", as: ComplaintStatus.self),
            handledOn: try (row["handledOn"] as String?).map { raw in
                guard let day = CalendarDay(iso: raw) else { throw UndecodableRow() }
                return day
            })
    }
}
