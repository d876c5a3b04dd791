import GatewayStore
import Logging
import ServiceLifecycle

/// Runs beside the HTTP server: every `interval` both stores' WAL files are checkpointed and
/// truncated, which bounds how long old page images (write order, the ciphertext of cancelled or
/// deleted values) stay in `*.sqlite-wal` (SECURITY.md, "Time windows"). A round that cannot
/// finish (a long reader) is logged and retried at the next tick; it loses no data.
struct StoreMaintenance: Service {
    let anonymous: AnonymousStore
    let identified: IdentifiedStore
    let interval: Duration
    let logger: Logger

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    try await Task.sleep(for: interval)
                    await runOnce()
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
