import Foundation
import GatewayCore
import GatewayCrypto
import GRDB

/// The two database files in a data folder, the keys each needs, and the one way every command
/// opens them: create the keys of a store whose database does not exist yet (and say so), refuse
/// a store whose database exists without its key, and refuse a key that did not seal its database.
public struct StoreFiles: Sendable {
    public enum Store: String, CaseIterable, Sendable {
        case anonymous, identified

        public var fileName: String { "\(rawValue).sqlite" }

        /// The token pepper belongs to the anonymous store: the token hashes live there.
        public var keyRoles: [KeyRole] {
            switch self {
            case .anonymous: [.anonymousStore, .tokenPepper]
            case .identified: [.identifiedStore]
            }
        }
    }

    public let data: String
    public let keys: KeyDirectory

    public init(data: String, keys: String) {
        self.data = data
        self.keys = KeyDirectory(path: keys)
    }

    public func databasePath(_ store: Store) -> String { (data as NSString).appendingPathComponent(store.fileName) }

    public func databaseExists(_ store: Store) -> Bool { FileManager.default.fileExists(atPath: databasePath(store)) }

    /// Creates the missing keys of the given stores whose databases do not exist yet, and returns
    /// the files created. A missing key of an existing database is refused, and nothing is created:
    /// a new key could never read that data, and would seal new data beside it.
    public func prepareKeys(for stores: [Store], random: any RandomSource) throws(StoreOpenError) -> [String] {
        let existingKeys = Set(keys.existingRoles())
        var refused: [(key: String, database: String)] = []
        var toCreate: [KeyRole] = []
        for store in stores {
            for role in store.keyRoles where !existingKeys.contains(role) {
                if databaseExists(store) {
                    refused.append((keys.filePath(role), databasePath(store)))
                } else {
                    toCreate.append(role)
                }
            }
        }
        if let first = refused.first { throw .keyMissingForExistingDatabase(key: first.key, database: first.database) }
        do {
            return try keys.create(toCreate, random: random)
        } catch {
            throw .keyFile(error)
        }
    }

    /// Opens the anonymous store with every version of its keys on disk; `without` leaves out
    /// versions (`keys rotate` opens with the old ones until the server has taken up the new one).
    public func openAnonymous(without: [KeyRole: Int] = [:]) throws(StoreOpenError) -> AnonymousStore {
        let storeRing = try ring(.anonymousStore, without: without[.anonymousStore])
        let pepperRing = try ring(.tokenPepper, without: without[.tokenPepper])
        let path = databasePath(.anonymous)
        return try open(path, .anonymous) { try AnonymousStore.open(path: path, storeRing: storeRing, pepperRing: pepperRing) }
    }

    public func openIdentified(without: Int? = nil) throws(StoreOpenError) -> IdentifiedStore {
        let storeRing = try ring(.identifiedStore, without: without)
        let path = databasePath(.identified)
        return try open(path, .identified) { try IdentifiedStore.open(path: path, storeRing: storeRing) }
    }

    /// Version 1 of a key (the access log's pseudonym key derives from the anonymous store's).
    public func load(_ role: KeyRole) throws(StoreOpenError) -> KeyMaterial {
        let ring = try ring(role)
        return ring.keys[1] ?? ring.keys[ring.versions[0]]!
    }

    public func ring(_ role: KeyRole, without version: Int? = nil) throws(StoreOpenError) -> KeyRing {
        let ring: KeyRing
        do { ring = try keys.loadRing(role) } catch { throw .keyFile(error) }
        guard let version, ring.keys.count > 1 else { return ring }
        return KeyRing(ring.keys.filter { $0.key != version })
    }

    private func open<T>(_ path: String, _ store: Store, _ body: () throws -> T) throws(StoreOpenError) -> T {
        do {
            return try body()
        } catch let error as WrongStoreKey {
            let role = KeyRole(rawValue: error.role) ?? store.keyRoles[0]
            throw .wrongKey(key: keys.filePath(role), database: path)
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }
}

/// Why a store could not be opened. `isKeyProblem` decides the exit code (77 for keys, 74 for storage).
public enum StoreOpenError: Error, CustomStringConvertible, Sendable {
    case keyMissingForExistingDatabase(key: String, database: String)
    case wrongKey(key: String, database: String)
    case keyFile(KeyFileError)
    case database(path: String, reason: String)

    public var isKeyProblem: Bool {
        if case .database = self { return false }
        return true
    }

    public var description: String {
        switch self {
        case .keyMissingForExistingDatabase(let key, let database):
            "\(key) is missing, but \(database) exists. Restore the key from your key backup: a new key could not read that database, so none is created."
        case .wrongKey(let key, let database):
            "\(key) did not seal \(database): this key did not seal this database; restore the key from your backup. Nothing was read or written."
        case .keyFile(let error):
            error.description
        case .database(let path, let reason):
            "cannot open \(path): \(reason)"
        }
    }
}

/// What `anongate doctor` reads from a store file without changing it: read-only, before any
/// migration or key check has a chance to write.
public struct StoreInspection: Sendable {
    public var pendingMigrations: [String]
    /// `PRAGMA integrity_check`: `["ok"]` when sound.
    public var integrity: [String]
    public var foreignKeyViolations: Int
    /// Per key role and version recorded in `key_check`: whether the key file matches.
    public var keyChecks: [(role: String, version: Int, matches: Bool?)]
}

extension StoreFiles {
    /// Opens the database read-only and reports; throws when it cannot be opened at all.
    public func inspect(_ store: Store) throws -> StoreInspection {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: databasePath(store), configuration: configuration)
        defer { try? queue.close() }   // read-only: closing cannot lose anything
        let dummy = KeyMaterial(bytes: [UInt8](repeating: 0, count: 32))   // migration identifiers only; nothing is sealed
        let known = store == .anonymous
            ? AnonymousMigrations.migrator(chain: AuditChain(storeKey: dummy)).migrations
            : IdentifiedMigrations.migrator(sealer: FieldSealer(storeKey: dummy, domain: "inspect")).migrations
        var keyFiles: [String: KeyRing] = [:]
        for role in store.keyRoles { keyFiles[role.rawValue] = try? keys.loadRing(role) }   // a missing or bad file is reported by the key-file check
        return try queue.read { db in
            let applied = try db.tableExists("grdb_migrations") ? Set(try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")) : []
            let checks = try db.tableExists("key_check")
                ? try Row.fetchAll(db, sql: "SELECT keyRole, keyVersion, mac FROM key_check ORDER BY keyRole, keyVersion").map { row -> (role: String, version: Int, matches: Bool?) in
                    let role: String = row["keyRole"], version: Int = row["keyVersion"]
                    // A version whose file is gone (retired) has nothing to compare: nil.
                    return (role, version, keyFiles[role]?.keys[version].map { KeyCheck.matches(row["mac"], $0, role: role, version: version) })
                } : []
            return StoreInspection(
                pendingMigrations: known.filter { !applied.contains($0) },
                integrity: try String.fetchAll(db, sql: "PRAGMA integrity_check"),
                foreignKeyViolations: try Row.fetchAll(db, sql: "PRAGMA foreign_key_check").count,
                keyChecks: checks)
        }
    }
}
