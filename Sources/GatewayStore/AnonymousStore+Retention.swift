import Foundation
import GatewayCore
import GatewayCrypto
import GRDB

extension AnonymousStore {
    /// Removes (or, in a dry run, counts) what is past its retention period, in one transaction:
    /// cancelled and unattended bookings, closed cases — key destroyed, then notes, sessions, live
    /// token, bookings and the case row — and old access-log entries. Then, unless dry, the WAL is
    /// truncated and the file vacuumed, so no purged value stays readable in either file.
    public func purge(_ cutoffs: RetentionCutoffs, dryRun: Bool) async throws(CaseStoreError) -> PurgeCounts {
        let counts = try await write(CaseStoreError.self) { db -> PurgeCounts in
            var counts = PurgeCounts()
            let cancelled = "status = 'cancelled' AND startsAt < ?"
            let unattended = "status = 'booked' AND caseCode IS NULL AND startsAt < ?"
            let cancelledBefore = cutoffs.cancelledBookings.description + "T00:00:00Z"
            let unattendedBefore = cutoffs.unattendedBookings.description + "T00:00:00Z"
            counts.cancelledBookings = try Int.fetchOne(db, sql: "SELECT count(*) FROM booking WHERE \(cancelled)", arguments: [cancelledBefore]) ?? 0
            counts.unattendedBookings = try Int.fetchOne(db, sql: "SELECT count(*) FROM booking WHERE \(unattended)", arguments: [unattendedBefore]) ?? 0
            let expiredCases = try String.fetchAll(
                db, sql: "SELECT code FROM anonymous_case WHERE status = 'closed' AND closedOn < ?", arguments: [cutoffs.closedCases.description])
            counts.closedCases = expiredCases.count
            counts.accessLogEntries = try Int.fetchOne(
                db, sql: "SELECT count(*) FROM access_log WHERE day < ?", arguments: [cutoffs.accessLog.description]) ?? 0
            let handled = "status = 'handled' AND handledOn < ?"
            counts.handledComplaints = try Int.fetchOne(
                db, sql: "SELECT count(*) FROM complaint WHERE \(handled)", arguments: [cutoffs.closedCases.description]) ?? 0
            // A course names no one; it goes once its last meeting ended before the closed-case cutoff and
            // every place in it is held by a case this purge removes (or none is held).
            let endedCourses = try String.fetchAll(db, sql: """
                SELECT id FROM group_course
                WHERE (SELECT max(endsAt) FROM group_meeting m WHERE m.courseId = group_course.id) < ?
                AND NOT EXISTS (SELECT 1 FROM group_seat s JOIN anonymous_case c ON c.code = s.caseCode
                                WHERE s.courseId = group_course.id AND NOT (c.status = 'closed' AND c.closedOn < ?))
                """, arguments: [cutoffs.closedCases.description + "T00:00:00Z", cutoffs.closedCases.description])
            counts.endedCourses = endedCourses.count
            guard !dryRun else { return counts }

            try db.execute(sql: "DELETE FROM booking WHERE \(cancelled)", arguments: [cancelledBefore])
            try db.execute(sql: "DELETE FROM booking WHERE \(unattended)", arguments: [unattendedBefore])
            for code in expiredCases { try Self.deleteCase(db, code: code) }
            try db.execute(sql: "DELETE FROM complaint WHERE \(handled)", arguments: [cutoffs.closedCases.description])
            for course in endedCourses {
                try db.execute(sql: "DELETE FROM group_meeting WHERE courseId = ?", arguments: [course])
                try db.execute(sql: "DELETE FROM group_course WHERE id = ?", arguments: [course])
            }
            // The trigger lets DELETE through only for entries older than the cutoff declared here,
            // and only inside this transaction (the declaration is removed before it commits).
            // The chain then starts after the last purged entry: the anchor (MACed) says where.
            if let last = try Row.fetchOne(
                db, sql: "SELECT seq, chainMac FROM access_log WHERE day < ? ORDER BY seq DESC LIMIT 1", arguments: [cutoffs.accessLog.description]) {
                let seq: Int64 = last["seq"], chainMAC: Data = last["chainMac"]
                try db.execute(sql: "INSERT OR REPLACE INTO access_log_anchor (one, seq, chainMac, mac) VALUES (1, ?, ?, ?)",
                               arguments: [seq, chainMAC, self.auditChain.anchorMAC(seq: seq, chain: chainMAC)])
                try db.execute(sql: "DELETE FROM access_log_checkpoint WHERE seq <= ?", arguments: [seq])
            }
            try db.execute(sql: "INSERT INTO access_log_purge (cutoff) VALUES (?)", arguments: [cutoffs.accessLog.description])
            try db.execute(sql: "DELETE FROM access_log WHERE day < ?", arguments: [cutoffs.accessLog.description])
            try db.execute(sql: "DELETE FROM access_log_purge")
            return counts
        }
        if !dryRun && counts.total > 0 { await compact() }
        return counts
    }

    /// Forgets now what a citizen's live token holds: the booking, and — when it belongs to an
    /// anonymous case, or is the case's follow-up token — the whole case with its notes. What stays
    /// is one access-log entry `forgotten` for the case, without content. Answers whether a case was
    /// forgotten. A token that is not live (used, cancelled, unknown) forgets nothing.
    public func forget(tokenHash: Data, today: CalendarDay) async throws(BookingStoreError) -> Bool {
        let chain = auditChain
        let forgotten = try await write(BookingStoreError.self) { db -> Bool? in
            if let row = try Row.fetchOne(db, sql: "SELECT id, status, caseCode FROM booking WHERE tokenHash = ?", arguments: [tokenHash]) {
                let status = try row.decoded("status", as: BookingStatus.self)
                guard status == .booked else { throw BookingStoreError.noLongerValid(status) }
                guard let code = row["caseCode"] as String? else {
                    try db.execute(sql: "DELETE FROM booking WHERE id = ?", arguments: [row["id"] as String])
                    // The conversation a follow-up token booked: forgetting it forgets the earlier case too.
                    if let earlier = try String.fetchOne(db, sql: "SELECT caseCode FROM follow_up WHERE tokenHash = ?", arguments: [tokenHash]) {
                        try Self.forgetCase(db, chain: chain, code: earlier, today: today)
                        return true
                    }
                    return false
                }
                try Self.forgetCase(db, chain: chain, code: code, today: today)
                return true
            }
            guard let code = try String.fetchOne(db, sql: """
                SELECT caseCode FROM case_live_token WHERE tokenHash = ? UNION ALL SELECT caseCode FROM follow_up WHERE tokenHash = ?
                """, arguments: [tokenHash, tokenHash]) else {
                return nil
            }
            try Self.forgetCase(db, chain: chain, code: code, today: today)
            return true
        }
        guard let forgotten else { throw .notFound }
        // No VACUUM here (seconds on a large store, blocking bookings): `secure_delete` zeroed the
        // pages, and the WAL is truncated now — best effort, the periodic checkpoint follows anyway.
        do { try await access.truncateWAL() } catch { return forgotten }
        return forgotten
    }

    /// After a purge has committed: `VACUUM`, then a truncating WAL checkpoint. Best effort on
    /// purpose — the deletions stand either way (`secure_delete` zeroed the pages), so a busy reader
    /// must not turn a done deletion into a reported failure; the periodic checkpoint of
    /// `StoreMaintenance` truncates the WAL within its interval anyway (SECURITY.md, "Time windows").
    func compact() async {
        do {
            try await access.writer.writeWithoutTransaction { db in try db.execute(sql: "VACUUM") }
            try await access.truncateWAL()
        } catch {
            return
        }
    }

    /// The access log keeps that a case was forgotten (by the citizen, on which day), nothing else.
    static func forgetCase(_ db: Database, chain: AuditChain, code: String, today: CalendarDay) throws {
        guard let provider = try String.fetchOne(db, sql: "SELECT providerId FROM anonymous_case WHERE code = ?", arguments: [code]) else {
            throw UndecodableRow()
        }
        try appendAccessLog(db, chain: chain, day: today, actor: AccessLogEntry.citizen, provider: provider, action: "forgotten", caseCode: code)
        try deleteCase(db, code: code)
    }

    /// Crypto-shredding first (the wrapped key and sealed decision reason are erased), then every row
    /// of the case. With `secure_delete` the freed pages are zeroed.
    static func deleteCase(_ db: Database, code: String) throws {
        try db.execute(sql: "UPDATE anonymous_case SET caseKeyWrapped = NULL, decisionReasonSealed = NULL, interpreterLanguageSealed = NULL WHERE code = ?",
                       arguments: [code])
        for table in ["case_note", "case_session", "case_live_token", "follow_up", "group_attendance", "group_seat", "booking"] {
            try db.execute(sql: "DELETE FROM \(table) WHERE caseCode = ?", arguments: [code])
        }
        try db.execute(sql: "DELETE FROM anonymous_case WHERE code = ?", arguments: [code])
    }
}
