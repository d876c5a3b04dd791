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

/// `identified.sqlite`: everything that names a person. Its own file, its own key, its own
/// migrations; nothing in it refers to `anonymous.sqlite`.
public final class IdentifiedStore: Sendable {
    public let writer: any DatabaseWriter
    let sealer: FieldSealer

    public static let fieldDomain = "anongate/v1/identified-store/fields"

    public init(writer: any DatabaseWriter, storeKey: KeyMaterial) throws {
        self.writer = writer
        self.sealer = FieldSealer(storeKey: storeKey, domain: Self.fieldDomain)
        try Self.migrator.migrate(writer)
    }

    public static func open(path: String, storeKey: KeyMaterial) throws -> IdentifiedStore {
        try IdentifiedStore(writer: StoreDatabase.openFile(at: path, label: "identified"), storeKey: storeKey)
    }

    public static func inMemory(storeKey: KeyMaterial) throws -> IdentifiedStore {
        try IdentifiedStore(writer: StoreDatabase.inMemory(label: "identified"), storeKey: storeKey)
    }

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
        registerStaffMigrations(&migrator)
        return migrator
    }

    public func insert(_ enrolment: Enrolment) throws {
        let json = try JSONEncoder().encode(enrolment.carried)
        let sealed = try sealer.seal(json, table: "enrolment", column: "carried", row: enrolment.id)
        try writer.write { db in
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
    public func delete(enrolmentId: String) throws {
        try writer.write { db in try db.execute(sql: "DELETE FROM enrolment WHERE id = ?", arguments: [enrolmentId]) }
    }

    public func enrolment(id: String) throws -> Enrolment? {
        guard let row = try writer.read({ db in try Row.fetchOne(db, sql: "SELECT * FROM enrolment WHERE id = ?", arguments: [id]) }) else {
            return nil
        }
        let sealed: Data = row["carriedSealed"]
        let carried = try JSONDecoder().decode([String: String].self, from: try sealer.open(sealed, table: "enrolment", column: "carried", row: id))
        guard let service = ServiceID(rawValue: row["serviceId"]), let day = CalendarDay(iso: row["startedOn"]) else { return nil }
        return Enrolment(
            id: id, serviceId: service, providerId: ProviderID(row["providerId"] as String), startedOn: day, carried: carried,
            parentalConsent: row["parentalConsent"], caseworkerApproval: row["caseworkerApproval"])
    }
}
