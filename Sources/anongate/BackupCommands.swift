import ArgumentParser
import Foundation
import GatewayCore
import GatewayCrypto
import GatewayStore

/// `anongate backup DIR`: a consistent online copy of both stores, sealed under this month's backup key.
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy both stores while the service runs, sealed under this month's backup key (Keys/backup-YYYY-MM.key).")

    @Argument(help: "Folder for backups (a new subfolder per backup). Never the Keys folder, never beside the keys.") var destination: String
    @OptionGroup var location: StoreOptions

    func run() async throws {
        let configuration = try location.loadConfiguration()
        let files = location.files
        let keysFolder = URL(fileURLWithPath: files.keys.path).standardizedFileURL.path
        let target = URL(fileURLWithPath: destination).standardizedFileURL.path
        guard !(target == keysFolder || target.hasPrefix(keysFolder + "/")) else {
            throw fail("\(destination) is inside the keys folder: a backup beside its key protects nothing (Keys/README.md)", ExitCode(64))
        }
        for store in StoreFiles.Store.allCases where !files.databaseExists(store) {
            throw fail("there is no \(files.databasePath(store)); nothing to back up", Exit.storage)
        }
        let anonymous: AnonymousStore, identified: IdentifiedStore
        do {
            anonymous = try files.openAnonymous()
            identified = try files.openIdentified()
        } catch {
            throw fail(error.description, error.isKeyProblem ? Exit.keys : Exit.storage)
        }
        let today = SlotCalculator(configuration: configuration).day(of: Date())
        let keyring = BackupKeyring(keys: files.keys)
        let result: (folder: String, contents: BackupContents)
        do {
            result = try await StoreBackup.create(
                anonymous: anonymous, identified: identified, files: files, into: destination, keyring: keyring, today: today,
                random: SystemRandomSource())
        } catch {
            throw fail(error.description, error.isKeyProblem ? Exit.keys : Exit.storage)
        }
        print("backup written: \(result.folder)")
        print("  sealed under \(keyring.filePath(CalendarMonth(today))) (mode 0600; keep it away from the backups)")
        printContents(result.contents)
    }
}

/// `anongate restore DIR`: a backup back into an empty data folder.
struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Bring a backup back into an empty data folder; checks integrity, key checks and the access log, and says what it restored.")

    @Argument(help: "The backup's folder (the one holding manifest.json).") var backup: String
    @OptionGroup var location: StoreOptions

    func run() async throws {
        _ = try location.loadConfiguration()
        let files = location.files
        let restored: (manifest: BackupManifest, contents: BackupContents, auditLog: AuditVerdict)
        do {
            restored = try await StoreBackup.restore(from: backup, into: files, keyring: BackupKeyring(keys: files.keys))
        } catch {
            if case .notABackup = error { throw fail(error.description, ExitCode(66)) }   // EX_NOINPUT
            throw fail(error.description, error.isKeyProblem ? Exit.keys : Exit.storage)
        }
        print("restored the backup of \(restored.manifest.createdOn) into \(files.data):")
        print("  integrity_check ok, key checks ok (\(files.keys.path))")
        printContents(restored.contents)
        switch restored.auditLog {
        case .intact: print("  access log: intact")
        case .tampered(let finding): print("  access log: TAMPERED — \(finding) (run `anongate audit verify`)")
        }
    }
}

func printContents(_ contents: BackupContents) {
    print("  bookings             \(contents.bookings)")
    print("  anonymous cases      \(contents.cases)")
    print("  case notes           \(contents.notes)")
    print("  access-log entries   \(contents.accessLogEntries)")
    print("  staff accounts       \(contents.staffAccounts)")
    print("  enrolments           \(contents.enrolments)")
}
