import Foundation
import GatewayCore
import GatewayCrypto
import GRDB

extension AnonymousStore {
    /// The provider's access log, oldest first, filtered: what its own staff did, and every access
    /// to a case it holds or was referred — so on a referred case each side's auditor sees the other
    /// side's reads too. The read itself is then logged (`read-access-log`), in the same transaction.
    public func accessLog(_ filter: AccessLogFilter, _ context: CaseContext) async throws(CaseStoreError) -> [AccessLogEntry] {
        try await write(CaseStoreError.self) { db in
            let provider = context.actor.providerId.rawValue
            var sql = """
                SELECT * FROM access_log WHERE (providerId = ?
                    OR caseCode IN (SELECT code FROM anonymous_case WHERE providerId = ? OR referralProviderId = ?))
                """
            var arguments: StatementArguments = [provider, provider, provider]
            if let code = filter.caseCode { sql += " AND caseCode = ?"; arguments += [code.value] }
            if let pseudonym = filter.staffPseudonym { sql += " AND staffPseudonym = ?"; arguments += [pseudonym] }
            if let from = filter.from { sql += " AND day >= ?"; arguments += [from.description] }
            if let to = filter.to { sql += " AND day <= ?"; arguments += [to.description] }
            let entries = try AccessLogRecord.fetchAll(db, sql: sql + " ORDER BY seq", arguments: arguments).map { try $0.entry() }
            try self.logAccess(db, context, action: AccessLogFilter.readAction, code: filter.caseCode?.value ?? AccessLogFilter.allCases)
            return entries
        }
    }

    /// Appends to the access log (append-only by trigger), to Copenhagen's day: enough to audit, too
    /// coarse to join a rare event (a handover) with a time kept anywhere else. Entries keep their order.
    func logAccess(_ db: Database, _ context: CaseContext, action: String, code: String) throws {
        try Self.appendAccessLog(db, chain: auditChain, day: context.today, actor: context.actor.pseudonym,
                                 provider: context.actor.providerId.rawValue, action: action, caseCode: code)
    }

    /// Every entry is appended here: the next place in the chain, its MACs, the new head, and every
    /// `checkpointEvery` entries a signed checkpoint.
    static func appendAccessLog(
        _ db: Database, chain: AuditChain, day: CalendarDay, actor: String, provider: String, action: String, caseCode: String
    ) throws {
        let head = try Row.fetchOne(db, sql: "SELECT seq, chainMac FROM access_log_head WHERE one = 1")
        let previousSeq: Int64 = head?["seq"] ?? 0
        let previousChain: Data = head?["chainMac"] ?? AuditChain.genesis
        let fields = AuditFields(seq: previousSeq + 1, day: day.description, actor: actor, provider: provider, action: action, caseCode: caseCode)
        let entryMAC = chain.entryMAC(fields)
        let chainMAC = chain.chainMAC(previous: previousChain, entryMAC: entryMAC)
        try AccessLogRecord(id: nil, day: fields.day, staffPseudonym: actor, providerId: provider, action: action, caseCode: caseCode,
                            seq: fields.seq, entryMac: entryMAC, chainMac: chainMAC).insert(db)
        try db.execute(
            sql: "INSERT OR REPLACE INTO access_log_head (one, seq, chainMac, mac) VALUES (1, ?, ?, ?)",
            arguments: [fields.seq, chainMAC, chain.headMAC(seq: fields.seq, chain: chainMAC)])
        if fields.seq % checkpointEvery == 0 { try checkpoint(db, chain: chain, day: day) }
    }

    static let checkpointEvery: Int64 = 100

    /// Signs the head as a checkpoint (once per place). Answers the checkpoint, nil when the log is empty.
    @discardableResult
    static func checkpoint(_ db: Database, chain: AuditChain, day: CalendarDay) throws -> AuditCheckpoint? {
        guard let head = try Row.fetchOne(db, sql: "SELECT seq, chainMac FROM access_log_head WHERE one = 1") else { return nil }
        let seq: Int64 = head["seq"], chainMAC: Data = head["chainMac"]
        let signature = chain.signCheckpoint(seq: seq, chain: chainMAC)
        try db.execute(sql: "INSERT OR IGNORE INTO access_log_checkpoint (seq, day, chainMac, signature) VALUES (?, ?, ?, ?)",
                       arguments: [seq, day.description, chainMAC, signature])
        return AuditCheckpoint(seq: seq, chain: chainMAC, signature: signature)
    }

    /// A signed checkpoint of the log as it is now (the daily job logs it, so a copy lives outside
    /// this file). Nil when the log is empty.
    public func checkpointAccessLog(today: CalendarDay) async throws(CaseStoreError) -> AuditCheckpoint? {
        let chain = auditChain
        return try await write(CaseStoreError.self) { db in try Self.checkpoint(db, chain: chain, day: today) }
    }

    /// The public key that checks the log's signed checkpoints.
    public var checkpointPublicKey: Data { auditChain.checkpointPublicKey }

    /// Reads every row of the access log as stored, trusting none of it, and names the first place
    /// where it is not what the gateway wrote (`AuditVerifier`). Works with the triggers dropped.
    /// `external` are checkpoints kept outside this file (the daily log lines): they also catch a
    /// whole file rolled back to an earlier copy.
    public func verifyAccessLog(external: [AuditCheckpoint] = []) async throws(CaseStoreError) -> AuditVerdict {
        let chain = auditChain
        return try await read(CaseStoreError.self) { db in
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM access_log ORDER BY id").map { row in
                AuditRow(rowID: row["id"], seq: row["seq"], day: row["day"] ?? "", actor: row["staffPseudonym"] ?? "",
                         provider: row["providerId"] ?? "", action: row["action"] ?? "", caseCode: row["caseCode"] ?? "",
                         entryMAC: row["entryMac"], chainMAC: row["chainMac"])
            }
            func mark(_ table: String) throws -> AuditMark? {
                guard try db.tableExists(table) else { return nil }
                return try Row.fetchOne(db, sql: "SELECT seq, chainMac, mac FROM \(table) WHERE one = 1").map {
                    AuditMark(seq: $0["seq"], chain: $0["chainMac"], mac: $0["mac"])
                }
            }
            let checkpoints = try Row.fetchAll(db, sql: "SELECT seq, chainMac, signature FROM access_log_checkpoint ORDER BY seq").map {
                AuditCheckpoint(seq: $0["seq"], chain: $0["chainMac"], signature: $0["signature"])
            } + external
            return AuditVerifier.verify(rows: rows, head: try mark("access_log_head"), anchor: try mark("access_log_anchor"),
                                        checkpoints: checkpoints, chain: chain)
        }
    }
}
