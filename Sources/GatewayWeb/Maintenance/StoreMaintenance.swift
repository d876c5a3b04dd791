import GatewayCore
import GatewayServices
import GatewayStore
import Logging
import ServiceLifecycle
import Synchronization

/// Runs beside the HTTP server: every `interval` both stores' WAL files are checkpointed and
/// truncated, which bounds how long old page images (write order, the ciphertext of cancelled or
/// deleted values) stay in `*.sqlite-wal` (SECURITY.md, "Time windows"). Once per Copenhagen
/// day, the first tick also purges what is past its retention period (counts only in the log)
/// and logs a signed checkpoint of the access log.
/// A round that cannot finish (a long reader) is logged and retried at the next tick; it loses no data.
final class StoreMaintenance: Service, Sendable {
    let anonymous: AnonymousStore
    let identified: IdentifiedStore
    let interval: Duration
    let logger: Logger
    /// Nil in tests that only checkpoint.
    let retention: DataRetention?
    /// Takes up key versions `keys rotate` introduced (nil in tests without key files).
    let refreshKeys: (@Sendable () async throws -> Void)?
    private let lastPurge = Mutex<CalendarDay?>(nil)

    init(anonymous: AnonymousStore, identified: IdentifiedStore, interval: Duration, logger: Logger, retention: DataRetention? = nil,
         refreshKeys: (@Sendable () async throws -> Void)? = nil) {
        self.anonymous = anonymous; self.identified = identified; self.interval = interval; self.logger = logger
        self.retention = retention; self.refreshKeys = refreshKeys
    }

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    try await Task.sleep(for: self.interval)
                    await self.runOnce()
                }
            }
        } catch is CancellationError {
            // Shutting down: the sleep was cancelled; nothing is half done. Not an error of the service.
        }
    }

    /// One round; answers whether both checkpoints completed.
    @discardableResult
    func runOnce() async -> Bool {
        var complete = true
        if let refreshKeys {
            do { try await refreshKeys() } catch {
                complete = false
                logger.warning("new key versions on disk were not taken up: a key file does not match its key check (run `anongate doctor`)")
            }
        }
        if let retention, lastPurge.withLock({ $0 }) != retention.today {
            do {
                let counts = try await retention.purge(dryRun: false)
                logger.info("daily purge", metadata: [
                    "purged.cancelled_bookings": "\(counts.cancelledBookings)", "purged.unattended_bookings": "\(counts.unattendedBookings)",
                    "purged.closed_cases": "\(counts.closedCases)", "purged.handled_complaints": "\(counts.handledComplaints)", "purged.ended_courses": "\(counts.endedCourses)", "purged.access_log_entries": "\(counts.accessLogEntries)",
                    "purged.backup_keys": "\(counts.backupKeys)", "retired.pepper_versions": "\(counts.pepperVersions)",
                ])
                // A copy of the log's state outside the database: `anongate audit verify --checkpoint`
                // checks it later, which a rollback of the whole file cannot undo.
                if let checkpoint = try await anonymous.checkpointAccessLog(today: retention.today) {
                    logger.info("access-log checkpoint", metadata: ["checkpoint": "\(checkpoint.text)"])
                }
                lastPurge.withLock { $0 = retention.today }
            } catch {
                complete = false
                logger.warning("daily purge did not finish; retried at the next interval")
            }
        }
        do { try await anonymous.truncateWAL() } catch {
            complete = false
            logger.warning("WAL checkpoint of the anonymous store did not finish; retried at the next interval")
        }
        do { try await identified.truncateWAL() } catch {
            complete = false
            logger.warning("WAL checkpoint of the identified store did not finish; retried at the next interval")
        }
        return complete
    }
}
