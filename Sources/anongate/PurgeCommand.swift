import ArgumentParser
import Foundation
import GatewayConfig
import GatewayCore
import GatewayCrypto
import GatewayServices
import GatewayStore

/// `anongate purge [--dry-run]`: what the daily job does, by hand. Prints counts only.
struct Purge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove what is past its retention period (config `retention`); prints counts only.")

    @Flag(help: "Count what would be removed; change nothing.") var dryRun = false
    @Option(help: "The gateway's configuration file.") var config = "Config/gateway.yaml"
    @Option(help: "Folder for the databases.") var data = "./data"
    @Option(help: "Folder holding the key files.") var keys = "./Keys"

    func run() async throws {
        let configuration: GatewayConfiguration
        do { configuration = try ConfigurationLoader.load(file: config) } catch { throw fail(error.description, Exit.configuration) }
        let files = StoreFiles(data: data, keys: keys)
        let store: AnonymousStore
        do {
            announce(try files.prepareKeys(for: [.anonymous], random: SystemRandomSource()))
            store = try files.openAnonymous()
        } catch {
            throw fail(error.description, error.isKeyProblem ? Exit.keys : Exit.storage)
        }
        let retention = DataRetention(store: store, configuration: configuration, clock: SystemClock(), backupKeys: BackupKeyring(keys: files.keys))
        let counts: PurgeCounts
        do { counts = try await retention.purge(dryRun: dryRun) } catch {
            throw fail("the anonymous store in \(data) could not be purged; nothing was changed", Exit.storage)
        }
        print(dryRun ? "would remove (dry run, nothing changed):" : "removed:")
        print("  cancelled bookings   \(counts.cancelledBookings)")
        print("  unattended bookings  \(counts.unattendedBookings)")
        print("  closed cases         \(counts.closedCases)   (keys destroyed, notes and sessions deleted)")
        print("  handled complaints   \(counts.handledComplaints)")
        print("  ended group courses  \(counts.endedCourses)")
        print("  access-log entries   \(counts.accessLogEntries)")
        print("  backup keys          \(counts.backupKeys)   (months past the longest retention period: their backups can no longer be opened)")
        print("  token-pepper versions \(counts.pepperVersions)   (old versions no live token uses)")
    }
}
