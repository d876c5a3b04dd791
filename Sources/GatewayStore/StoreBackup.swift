import Foundation
import GatewayCore
import GatewayCrypto
import GRDB

public enum BackupError: Error, CustomStringConvertible, Sendable {
    case destination(String)
    case notABackup(String)
    case periodKeyGone(period: String, file: String)
    case keyVersionGone(file: String)
    case cannotOpen(String)
    case dataFolderNotEmpty(String, [String])
    case store(StoreOpenError)
    case integrity(String)
    case io(String)

    public var isKeyProblem: Bool {
        switch self {
        case .periodKeyGone, .cannotOpen, .keyVersionGone: true
        case .store(let error): error.isKeyProblem
        default: false
        }
    }

    public var description: String {
        switch self {
        case .destination(let reason): "cannot write the backup: \(reason)"
        case .notABackup(let path): "\(path) is not an anongate backup (no manifest.json)"
        case .periodKeyGone(let period, let file):
            "the backup key of \(period) (\(file)) is gone: it was destroyed when that month's retention ended (or was never restored), so this backup can no longer be opened — by design"
        case .keyVersionGone(let file):
            "the backup holds values sealed under a key version retired since it was taken: put \(file) back from your key backup, then restore again"
        case .cannotOpen(let file): "\(file) does not open under its period's key: the file was damaged, cut short or changed, or the key is not the one that sealed it"
        case .dataFolderNotEmpty(let path, let names): "\(path) is not empty (\(names.joined(separator: ", "))): restore only into an empty data folder"
        case .store(let error): error.description
        case .integrity(let reason): "the restored database failed its integrity check: \(reason)"
        case .io(let reason): reason
        }
    }
}

/// What a backup or a restore holds, in counts.
public struct BackupContents: Sendable, Equatable, Codable {
    public var bookings = 0, cases = 0, notes = 0, accessLogEntries = 0, staffAccounts = 0, enrolments = 0
    public init() {}
}

/// `manifest.json` beside the sealed files: nothing in it is personal.
public struct BackupManifest: Codable, Sendable, Equatable {
    public var format: Int
    public var period: String
    public var createdOn: String
    public var keyFile: String
    public var files: [String]
}

/// Online, consistent, encrypted backups of both stores (`anongate backup`, `anongate restore`).
///
/// SQLite's backup API copies each store while the service runs, into a private folder inside the
/// data folder (where the same plaintext already is); the copy is sealed as a whole under the
/// backup key of the current month (`BackupKeyring`, `SealedStream`) into the destination and
/// then deleted. Nothing unsealed is ever written to the backup destination.
public enum StoreBackup {
    static let sealedSuffix = ".sealed"

    /// Answers the folder it wrote (`DIR/anongate-backup-YYYY-MM-DD[-N]`) and what it holds.
    public static func create(
        anonymous: AnonymousStore, identified: IdentifiedStore, files: StoreFiles, into destination: String,
        keyring: BackupKeyring, today: CalendarDay, random: any RandomSource
    ) async throws(BackupError) -> (folder: String, contents: BackupContents) {
        let period = CalendarMonth(today)
        let key: KeyMaterial
        do { key = try keyring.key(for: period, random: random) } catch { throw .store(.keyFile(error)) }
        let folder: String
        do { folder = try makeFolder(in: destination, today: today) } catch { throw .destination("\(error)") }
        // A backup that crashed left its plaintext copies here: they would escape the purge.
        removeScratch(in: files.data)
        let scratch = (files.data as NSString).appendingPathComponent(".backup-\(Base64URL.encode(random.bytes(9)))")
        defer { try? FileManager.default.removeItem(atPath: scratch) }   // plaintext copies; removing them is best effort by nature
        do {
            try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch { throw .io("cannot create \(scratch): \(error)") }

        var contents = BackupContents()
        for (store, reader) in [(StoreFiles.Store.anonymous, anonymous.reader), (.identified, identified.reader)] {
            let copy = (scratch as NSString).appendingPathComponent(store.fileName)
            do {
                FileManager.default.createFile(atPath: copy, contents: nil, attributes: [.posixPermissions: 0o600])
                let target = try DatabaseQueue(path: copy)
                try reader.backup(to: target)
                try await count(target, store, into: &contents)
                try target.close()
            } catch {
                throw .io("cannot copy \(files.databasePath(store)): \(error)")
            }
            let sealed = (folder as NSString).appendingPathComponent(store.fileName + sealedSuffix)
            do { try SealedStream.seal(file: copy, to: sealed, key: key, purpose: purpose(period, store)) } catch {
                throw .destination("\(error)")
            }
        }
        let manifest = BackupManifest(
            format: 1, period: period.description, createdOn: today.description, keyFile: BackupKeyring.fileName(period),
            files: StoreFiles.Store.allCases.map { $0.fileName + sealedSuffix })
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            let path = (folder as NSString).appendingPathComponent("manifest.json")
            guard FileManager.default.createFile(atPath: path, contents: try encoder.encode(manifest), attributes: [.posixPermissions: 0o600]) else {
                throw BackupError.destination("cannot write \(path)")
            }
        } catch let error as BackupError { throw error } catch { throw .destination("\(error)") }
        return (folder, contents)
    }

    public static func manifest(in folder: String) throws(BackupError) -> BackupManifest {
        let path = (folder as NSString).appendingPathComponent("manifest.json")
        guard let data = FileManager.default.contents(atPath: path) else { throw .notABackup(folder) }
        do { return try JSONDecoder().decode(BackupManifest.self, from: data) } catch { throw .notABackup(folder) }
    }

    /// Brings a backup into an empty data folder: unseals both stores, checks their integrity, opens
    /// them with the keys in `files.keys` (key checks, migrations) and counts what came back. On any
    /// failure nothing stays in the data folder.
    public static func restore(
        from folder: String, into files: StoreFiles, keyring: BackupKeyring
    ) async throws(BackupError) -> (manifest: BackupManifest, contents: BackupContents, auditLog: AuditVerdict) {
        let manifest = try manifest(in: folder)
        guard manifest.format == 1, let period = CalendarMonth(iso: manifest.period) else { throw .notABackup(folder) }
        let key: KeyMaterial
        do { key = try keyring.existingKey(for: period) } catch {
            if case .missing = error { throw .periodKeyGone(period: manifest.period, file: keyring.filePath(period)) }
            throw .store(.keyFile(error))
        }
        let existing = ((try? FileManager.default.contentsOfDirectory(atPath: files.data)) ?? [])   // no folder yet: empty
            .filter { $0 != ".DS_Store" }
        guard existing.isEmpty else { throw .dataFolderNotEmpty(files.data, existing.sorted()) }
        do {
            try FileManager.default.createDirectory(atPath: files.data, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch { throw .io("cannot create \(files.data): \(error)") }

        var restored: [String] = []
        func undo() { for path in restored { for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) } } }
        do {
            for store in StoreFiles.Store.allCases {
                let sealed = (folder as NSString).appendingPathComponent(store.fileName + sealedSuffix)
                guard FileManager.default.fileExists(atPath: sealed) else { throw BackupError.notABackup(folder) }
                let target = files.databasePath(store)
                restored.append(target)
                do { try SealedStream.open(file: sealed, to: target, key: key, purpose: purpose(period, store)) } catch {
                    if case .cannotOpen = error { throw BackupError.cannotOpen(sealed) }
                    throw BackupError.io("\(error)")
                }
                let check = try DatabaseQueue(path: target)
                let result = try await check.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
                try check.close()
                guard result == ["ok"] else { throw BackupError.integrity("\(store.fileName): \(result.prefix(3).joined(separator: "; "))") }
            }
            let anonymous: AnonymousStore, identified: IdentifiedStore
            do {
                anonymous = try files.openAnonymous()
                identified = try files.openIdentified()
            } catch { throw BackupError.store(error) }
            // A backup older than a rotation holds values under versions since retired: say which file is needed.
            let anonymousUse = try await anonymous.keyVersionUse(), identifiedUse = try await identified.keyVersionUse()
            for (role, versions) in [(KeyRole.anonymousStore, Array(anonymousUse.sealed.keys)), (.identifiedStore, Array(identifiedUse.sealed.keys)),
                                     (.tokenPepper, Array(anonymousUse.liveTokens.keys))] {
                let onDisk = files.keys.versions(role)
                if let gone = versions.sorted().first(where: { !onDisk.contains($0) }) {
                    throw BackupError.keyVersionGone(file: files.keys.filePath(role, version: gone))
                }
            }
            var contents = BackupContents()
            try await count(anonymous.reader, .anonymous, into: &contents)
            try await count(identified.reader, .identified, into: &contents)
            let verdict: AuditVerdict
            do { verdict = try await anonymous.verifyAccessLog() } catch { throw BackupError.io("the restored access log cannot be read") }
            return (manifest, contents, verdict)
        } catch let error as BackupError {
            undo()
            throw error
        } catch {
            undo()
            throw .io("\(error)")
        }
    }

    /// Removes the plaintext copies a crashed backup left in the data folder; answers how many folders.
    @discardableResult
    public static func removeScratch(in data: String) -> Int {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: data)) ?? []).filter { $0.hasPrefix(".backup-") }   // no folder: nothing left
        for name in names { try? FileManager.default.removeItem(atPath: (data as NSString).appendingPathComponent(name)) }   // best effort; doctor reports what stays
        return names.count
    }

    /// The plaintext copies a crashed backup left in the data folder (doctor fails on them).
    public static func leftoverScratch(in data: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: data)) ?? []).filter { $0.hasPrefix(".backup-") }   // no folder: nothing left
    }

    static func purpose(_ period: CalendarMonth, _ store: StoreFiles.Store) -> String { "backup|\(period)|\(store.rawValue)" }

    static func makeFolder(in destination: String, today: CalendarDay) throws -> String {
        try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var name = "anongate-backup-\(today)"
        var attempt = 1
        while FileManager.default.fileExists(atPath: (destination as NSString).appendingPathComponent(name)) {
            attempt += 1
            name = "anongate-backup-\(today)-\(attempt)"
        }
        let folder = (destination as NSString).appendingPathComponent(name)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        return folder
    }

    static func count(_ reader: any DatabaseReader, _ store: StoreFiles.Store, into contents: inout BackupContents) async throws {
        let counted = try await reader.read { db -> [Int] in
            let tables = store == .anonymous ? ["booking", "anonymous_case", "case_note", "access_log"] : ["staff_account", "enrolment"]
            return try tables.map { try Int.fetchOne(db, sql: "SELECT count(*) FROM \($0)") ?? 0 }
        }
        if store == .anonymous {
            contents.bookings = counted[0]; contents.cases = counted[1]; contents.notes = counted[2]; contents.accessLogEntries = counted[3]
        } else {
            contents.staffAccounts = counted[0]; contents.enrolments = counted[1]
        }
    }
}
