import Foundation
import GatewayCore
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
            guard !dryRun else { return counts }

            try db.execute(sql: "DELETE FROM booking WHERE \(cancelled)", arguments: [cancelledBefore])
            try db.execute(sql: "DELETE FROM booking WHERE \(unattended)", arguments: [unattendedBefore])
            for code in expiredCases {
                // Crypto-shredding first: without its key the notes could not be opened even if a page survived.
                try db.execute(sql: "UPDATE anonymous_case SET caseKeyWrapped = NULL, decisionReasonSealed = NULL WHERE code = ?", arguments: [code])
                for table in ["case_note", "case_session", "case_live_token", "booking"] {
                    try db.execute(sql: "DELETE FROM \(table) WHERE caseCode = ?", arguments: [code])
                }
                try db.execute(sql: "DELETE FROM anonymous_case WHERE code = ?", arguments: [code])
            }
            // The trigger lets DELETE through only for entries older than the cutoff declared here,
            // and only inside this transaction (the declaration is removed before it commits).
            try db.execute(sql: "INSERT INTO access_log_purge (cutoff) VALUES (?)", arguments: [cutoffs.accessLog.description])
            try db.execute(sql: "DELETE FROM access_log WHERE day < ?", arguments: [cutoffs.accessLog.description])
            try db.execute(sql: "DELETE FROM access_log_purge")
            return counts
        }
        if !dryRun && counts.total > 0 {
            do {
                try await access.writer.writeWithoutTransaction { db in try db.execute(sql: "VACUUM") }
                try await access.truncateWAL()
            } catch {
                throw .storageFailure
            }
        }
        return counts
    }
}
