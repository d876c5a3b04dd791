import Foundation
import GatewayCore
import GatewayCrypto
import GRDB

/// An enrolment in identified care, created when a citizen chooses to leave anonymity.
/// It carries only what the citizen agreed to carry, and nothing that points back to an anonymous case.
public struct Enrolment: Sendable, Hashable {
    public var id: String
    public var serviceId: ServiceID
    public var providerId: ProviderID
    public var startedOn: CalendarDay
    /// What the citizen explicitly agreed to carry over, field by field.
    public var carried: [String: String]
    public var parentalConsent: Bool
    public var caseworkerApproval: Bool

    public init(
        id: String, serviceId: ServiceID, providerId: ProviderID, startedOn: CalendarDay, carried: [String: String],
        parentalConsent: Bool, caseworkerApproval: Bool
    ) {
        self.id = id; self.serviceId = serviceId; self.providerId = providerId; self.startedOn = startedOn
        self.carried = carried; self.parentalConsent = parentalConsent; self.caseworkerApproval = caseworkerApproval
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
    let sealer: FieldSealer

    public static let fieldDomain = "anongate/v1/identified-store/fields"

    /// Migrates, then compares the store key's key check: a key that did not seal this database
    /// throws `WrongStoreKey` before anything is read or written.
    public init(writer: any DatabaseWriter, storeKey: KeyMaterial) throws {
        self.access = StoreAccess(writer)
        let sealer = FieldSealer(storeKey: storeKey, domain: Self.fieldDomain)
        self.sealer = sealer
        let keys: [(role: String, key: KeyMaterial)] = [(KeyRole.identifiedStore.rawValue, storeKey)]
        try StoreKeyCheck.verifyRecorded(writer, keys: keys)
        try IdentifiedMigrations.migrator.migrate(writer)
        try StoreKeyCheck.verifyOrRecord(writer, keys: keys) { db in
            // A store from before key checks: one sealed TOTP secret must open under this key.
            // `try?` here means "did not open", which answers false and stops the open (fail closed).
            if let row = try Row.fetchOne(db, sql: "SELECT id, totpSecretSealed FROM staff_account WHERE totpSecretSealed IS NOT NULL LIMIT 1") {
                return (try? sealer.open(row["totpSecretSealed"], table: "staff_account", column: "totpSecret", row: row["id"])) != nil
            }
            return true
        }
    }

    public static func open(path: String, storeKey: KeyMaterial) throws -> IdentifiedStore {
        try IdentifiedStore(writer: StoreDatabase.openFile(at: path, label: "identified"), storeKey: storeKey)
    }

    public static func inMemory(storeKey: KeyMaterial) throws -> IdentifiedStore {
        try IdentifiedStore(writer: StoreDatabase.inMemory(label: "identified"), storeKey: storeKey)
    }

    /// Read-only access for checks over raw rows (tests that prove what is and is not stored).
    public var reader: any DatabaseReader { access.writer }

    /// The writer itself, for tests that inject storage faults. Not for product code.
    @_spi(Testing) public var testingWriter: any DatabaseWriter { access.writer }


    // MARK: Enrolments

    public func insert(_ enrolment: Enrolment) async throws(IdentifiedStoreError) {
        let sealed: Data
        do {
            let json = try JSONEncoder().encode(enrolment.carried)
            sealed = try sealer.seal(json, table: "enrolment", column: "carried", row: enrolment.id)
        } catch {
            throw .storageFailure
        }
        try await write(IdentifiedStoreError.self) { db in
            try db.execute(sql: """
                INSERT INTO enrolment (id, serviceId, providerId, startedOn, carriedSealed, parentalConsent, caseworkerApproval)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [
                    enrolment.id, enrolment.serviceId.rawValue, enrolment.providerId.rawValue, enrolment.startedOn.description,
                    sealed, enrolment.parentalConsent, enrolment.caseworkerApproval,
                ])
        }
    }

    /// Undoes an enrolment whose handover could not be completed.
    public func delete(enrolmentId: String) async throws(IdentifiedStoreError) {
        try await write(IdentifiedStoreError.self) { db in try db.execute(sql: "DELETE FROM enrolment WHERE id = ?", arguments: [enrolmentId]) }
    }

    /// An enrolment by id; nil when there is none. A row that does not decode or open is a failure.
    public func enrolment(id: String) async throws(IdentifiedStoreError) -> Enrolment? {
        try await read(IdentifiedStoreError.self) { db -> Enrolment? in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM enrolment WHERE id = ?", arguments: [id]) else { return nil }
            let opened = try self.sealer.open(row["carriedSealed"], table: "enrolment", column: "carried", row: id)
            return Enrolment(
                id: id, serviceId: try row.decoded("serviceId", as: ServiceID.self), providerId: ProviderID(row["providerId"] as String),
                startedOn: try row.day("startedOn"), carried: try JSONDecoder().decode([String: String].self, from: opened),
                parentalConsent: row["parentalConsent"], caseworkerApproval: row["caseworkerApproval"])
        }
    }
}

/// The identified store's one migration list. Shipped migrations are never edited; add new ones at the end.
enum IdentifiedMigrations {
    static var migrator: DatabaseMigrator {
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
        return migrator
    }
}
