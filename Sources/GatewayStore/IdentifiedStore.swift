import Foundation
import GatewayCore
import GatewayCrypto
import GRDB
import Synchronization

/// An enrolment in identified care, created when a citizen chooses to leave anonymity.
///
/// It keeps what identified care needs and nothing the anonymous store could be joined on: which
/// unit received the person, the month (never the day), the two consent flags, and what the citizen
/// agreed to carry. All of it is sealed; in the clear the row is a random id and ciphertext only
/// (SECURITY.md, "The crossing").
public struct Enrolment: Sendable, Hashable, Codable {
    public var id: String
    /// The unit of identified care the person was handed to.
    public var providerId: ProviderID
    public var startedIn: CalendarMonth
    /// What the citizen explicitly agreed to carry over, field by field.
    public var carried: [String: String]
    public var parentalConsent: Bool
    public var caseworkerApproval: Bool

    public init(
        id: String, providerId: ProviderID, startedIn: CalendarMonth, carried: [String: String],
        parentalConsent: Bool, caseworkerApproval: Bool
    ) {
        self.id = id; self.providerId = providerId; self.startedIn = startedIn
        self.carried = carried; self.parentalConsent = parentalConsent; self.caseworkerApproval = caseworkerApproval
    }

    /// The sealed part: everything but the id.
    struct Sealed: Codable {
        var providerId: String
        var startedIn: CalendarMonth
        var carried: [String: String]
        var parentalConsent: Bool
        var caseworkerApproval: Bool
    }
}

public enum IdentifiedStoreError: Error, Equatable, Sendable, StoreFailureConvertible {
    /// The database failed, or a stored value could not be read or opened; nothing was changed.
    case storageFailure
    case conflict

    static func uniquenessConflict(_ error: DatabaseError) -> IdentifiedStoreError { .conflict }
}

/// `identified.sqlite`: everything that names a person. Its own file, its own key, its own
/// migrations; nothing in it refers to `anonymous.sqlite`.
public final class IdentifiedStore: Sendable, StoreAccessing {
    let access: StoreAccess
    /// Replaced when the running server adopts a version `keys rotate` introduced (`adopt`).
    private let keys: Mutex<FieldSealer>
    var sealer: FieldSealer { keys.withLock { $0 } }

    public static let fieldDomain = "anongate/v1/identified-store/fields"

    public convenience init(writer: any DatabaseWriter, storeKey: KeyMaterial) throws {
        try self.init(writer: writer, storeRing: KeyRing(single: storeKey))
    }

    /// Migrates, then compares the key check of every version of the store key: a key that did
    /// not seal this database throws `WrongStoreKey` before anything is read or written.
    public init(writer: any DatabaseWriter, storeRing: KeyRing) throws {
        self.access = StoreAccess(writer)
        let sealer = FieldSealer(ring: storeRing, domain: Self.fieldDomain)
        self.keys = Mutex(sealer)
        let keys: [(role: String, ring: KeyRing)] = [(KeyRole.identifiedStore.rawValue, storeRing)]
        try StoreKeyCheck.verifyRecorded(writer, keys: keys)
        try IdentifiedMigrations.migrator(sealer: sealer).migrate(writer)
        try StoreKeyCheck.verifyOrRecord(writer, keys: keys) { db in
            // A store from before key checks: one sealed TOTP secret must open under this key.
            // `try?` here means "did not open", which answers false and stops the open (fail closed).
            if let row = try Row.fetchOne(db, sql: "SELECT id, totpSecretSealed FROM staff_account WHERE totpSecretSealed IS NOT NULL LIMIT 1") {
                return (try? sealer.open(row["totpSecretSealed"], table: "staff_account", column: "totpSecret", row: row["id"])) != nil
            }
            return true
        }
        try writer.write { db in try KeyVersions.markAdopted(db, role: KeyRole.identifiedStore.rawValue, version: storeRing.current) }
    }

    public static func open(path: String, storeKey: KeyMaterial) throws -> IdentifiedStore {
        try IdentifiedStore(writer: StoreDatabase.openFile(at: path, label: "identified"), storeKey: storeKey)
    }

    public static func open(path: String, storeRing: KeyRing) throws -> IdentifiedStore {
        try IdentifiedStore(writer: StoreDatabase.openFile(at: path, label: "identified"), storeRing: storeRing)
    }

    public static func inMemory(storeKey: KeyMaterial) throws -> IdentifiedStore {
        try IdentifiedStore(writer: StoreDatabase.inMemory(label: "identified"), storeKey: storeKey)
    }

    /// Takes up the key versions now on disk (after `keys rotate`); see `AnonymousStore.adopt`.
    public func adopt(storeRing: KeyRing) async throws {
        try await access.writer.write { db in
            try KeyVersions.requireRecorded(db, [(KeyRole.identifiedStore.rawValue, storeRing)])
            try KeyVersions.markAdopted(db, role: KeyRole.identifiedStore.rawValue, version: storeRing.current)
        }
        keys.withLock { $0 = FieldSealer(ring: storeRing, domain: Self.fieldDomain) }
    }

    /// Read-only access for checks over raw rows (tests that prove what is and is not stored).
    public var reader: any DatabaseReader { access.writer }

    /// The writer itself, for tests that inject storage faults. Not for product code.
    @_spi(Testing) public var testingWriter: any DatabaseWriter { access.writer }

    /// Readiness: the store answers a read (its key check is there).
    public func isReady() async -> Bool { await access.answers() }

    /// Truncating WAL checkpoint (`StoreAccess.truncateWAL`); a storage failure when it cannot finish.
    public func truncateWAL() async throws(IdentifiedStoreError) {
        do { try await access.truncateWAL() } catch { throw .storageFailure }
    }

    /// At shutdown, once nothing uses the store any more (`StoreAccess.close`).
    public func close() async throws(IdentifiedStoreError) {
        do { try await access.close() } catch { throw .storageFailure }
    }

    /// The migration list, for tests that build a store as an older version left it.
    @_spi(Testing) public static func migrator(sealer: FieldSealer) -> DatabaseMigrator { IdentifiedMigrations.migrator(sealer: sealer) }


    // MARK: Enrolments

    public func insert(_ enrolment: Enrolment) async throws(IdentifiedStoreError) {
        let sealed: Data
        do {
            sealed = try Self.seal(enrolment, sealer)
        } catch {
            throw .storageFailure
        }
        try await write(IdentifiedStoreError.self) { db in
            try db.execute(sql: "INSERT INTO enrolment (id, recordSealed) VALUES (?, ?)", arguments: [enrolment.id, sealed])
        }
    }

    /// Undoes an enrolment whose handover could not be completed.
    public func delete(enrolmentId: String) async throws(IdentifiedStoreError) {
        try await write(IdentifiedStoreError.self) { db in try db.execute(sql: "DELETE FROM enrolment WHERE id = ?", arguments: [enrolmentId]) }
    }

    /// An enrolment by id; nil when there is none. A row that does not decode or open is a failure.
    public func enrolment(id: String) async throws(IdentifiedStoreError) -> Enrolment? {
        try await read(IdentifiedStoreError.self) { db -> Enrolment? in
            guard let sealed = try Data.fetchOne(db, sql: "SELECT recordSealed FROM enrolment WHERE id = ?", arguments: [id]) else { return nil }
            let record = try JSONDecoder().decode(
                Enrolment.Sealed.self, from: try self.sealer.open(sealed, table: "enrolment", column: "record", row: id))
            return Enrolment(id: id, providerId: ProviderID(record.providerId), startedIn: record.startedIn, carried: record.carried,
                             parentalConsent: record.parentalConsent, caseworkerApproval: record.caseworkerApproval)
        }
    }

    static func seal(_ enrolment: Enrolment, _ sealer: FieldSealer) throws -> Data {
        let record = Enrolment.Sealed(
            providerId: enrolment.providerId.rawValue, startedIn: enrolment.startedIn, carried: enrolment.carried,
            parentalConsent: enrolment.parentalConsent, caseworkerApproval: enrolment.caseworkerApproval)
        return try sealer.seal(try JSONEncoder().encode(record), table: "enrolment", column: "record", row: enrolment.id)
    }
}

/// The identified store's one migration list. Shipped migrations are never edited; add new ones at the end.
enum IdentifiedMigrations {
    /// `sealer` is the store's field sealer: a migration that moves values into sealed form needs it.
    static func migrator(sealer: FieldSealer) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-enrolments") { db in
            try db.execute(sql: """
                CREATE TABLE enrolment (
                    id TEXT PRIMARY KEY NOT NULL,
                    serviceId TEXT NOT NULL,
                    providerId TEXT NOT NULL,
                    startedOn TEXT NOT NULL CHECK (length(startedOn) = 10),
                    carriedSealed BLOB NOT NULL,
                    parentalConsent INTEGER NOT NULL,
                    caseworkerApproval INTEGER NOT NULL
                ) WITHOUT ROWID
                """)
        }
        migrator.registerMigration("v2-staff") { db in
            try db.execute(sql: """
                CREATE TABLE staff_account (
                    id TEXT PRIMARY KEY NOT NULL,
                    username TEXT NOT NULL UNIQUE,
                    providerId TEXT NOT NULL,
                    role TEXT NOT NULL CHECK (role IN ('counsellor', 'phone', 'provider-admin', 'manager', 'auditor')),
                    passwordHash TEXT NOT NULL,
                    totpSecretSealed BLOB,
                    disabled INTEGER NOT NULL DEFAULT 0,
                    createdOn TEXT NOT NULL CHECK (length(createdOn) = 10)
                ) WITHOUT ROWID;
                """)
        }
        migrator.registerMigration("v3-key-check") { db in try StoreKeyCheck.createTable(db) }
        // An enrolment kept service, provider and day in the clear: with both files, a rare handover
        // matched its anonymous case. Now the row is an id and one sealed record (provider, month,
        // consent, carried); the anonymous service is dropped (identified care does not need it).
        migrator.registerMigration("v4-enrolment-sealed") { db in
            try db.execute(sql: "CREATE TABLE enrolment_sealed (id TEXT PRIMARY KEY NOT NULL, recordSealed BLOB NOT NULL) WITHOUT ROWID")
            for row in try Row.fetchAll(db, sql: "SELECT * FROM enrolment") {
                let id: String = row["id"]
                guard let started = CalendarDay(iso: row["startedOn"]) else { throw UndecodableRow() }
                // A carried value that does not open stops the migration (and the store): fail closed.
                let carried = try JSONDecoder().decode(
                    [String: String].self, from: try sealer.open(row["carriedSealed"], table: "enrolment", column: "carried", row: id))
                let enrolment = Enrolment(id: id, providerId: ProviderID(row["providerId"] as String), startedIn: CalendarMonth(started),
                                          carried: carried, parentalConsent: row["parentalConsent"], caseworkerApproval: row["caseworkerApproval"])
                try db.execute(sql: "INSERT INTO enrolment_sealed (id, recordSealed) VALUES (?, ?)",
                               arguments: [id, try IdentifiedStore.seal(enrolment, sealer)])
            }
            try db.execute(sql: "DROP TABLE enrolment; ALTER TABLE enrolment_sealed RENAME TO enrolment")
        }
        // Key rotation: the versions the running server has taken up for new values.
        migrator.registerMigration("v5-key-adoption") { db in try KeyVersions.createAdoptionTable(db) }
        return migrator
    }
}
