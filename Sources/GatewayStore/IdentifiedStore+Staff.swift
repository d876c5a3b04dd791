import Foundation
import GatewayCore
import GatewayCrypto
import GRDB

public enum StaffStoreError: Error, Equatable, Sendable {
    case usernameTaken
    case unknownUser
    /// The database refused the write; nothing was changed.
    case storageFailure
}

/// A staff account row as sign-in needs it.
public struct StaffCredentials: Sendable {
    public let member: StaffMember
    public let passwordHash: String
    public let totpSecret: [UInt8]?
}

extension IdentifiedStore {
    static func registerStaffMigrations(_ migrator: inout DatabaseMigrator) {
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
    }

    public func addStaff(
        id: String, username: String, providerId: ProviderID, role: StaffRole, passwordHash: String, createdOn: CalendarDay
    ) throws(StaffStoreError) {
        do {
            try writer.write { db in
                try db.execute(sql: """
                    INSERT INTO staff_account (id, username, providerId, role, passwordHash, createdOn) VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [id, username, providerId.rawValue, role.rawValue, passwordHash, createdOn.description])
            }
        } catch let error as DatabaseError where error.isUniquenessViolation {
            throw .usernameTaken
        } catch {
            throw .storageFailure
        }
    }

    public func staffMembers() throws -> [StaffMember] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM staff_account ORDER BY providerId, username").compactMap(Self.member)
        }
    }

    public func member(id: String) throws -> StaffMember? {
        try writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM staff_account WHERE id = ?", arguments: [id]).flatMap(Self.member)
        }
    }

    public func credentials(username: String) throws -> StaffCredentials? {
        guard let row = try writer.read({ db in
            try Row.fetchOne(db, sql: "SELECT * FROM staff_account WHERE username = ?", arguments: [username])
        }), let member = Self.member(row) else { return nil }
        let secret = (row["totpSecretSealed"] as Data?).flatMap {
            try? sealer.open($0, table: "staff_account", column: "totpSecret", row: member.id)
        }
        return StaffCredentials(member: member, passwordHash: row["passwordHash"], totpSecret: secret.map(Array.init))
    }

    public func setDisabled(username: String, _ disabled: Bool) throws(StaffStoreError) {
        let changed: Int
        do {
            changed = try writer.write { db -> Int in
                try db.execute(sql: "UPDATE staff_account SET disabled = ? WHERE username = ?", arguments: [disabled, username])
                return db.changesCount
            }
        } catch {
            throw .storageFailure
        }
        guard changed == 1 else { throw .unknownUser }
    }

    /// Turns the second factor on (a secret) or off (nil). A failure is reported, never half-done.
    public func setTOTPSecret(username: String, _ secret: [UInt8]?) throws(StaffStoreError) {
        guard let credentials = try? credentials(username: username) else { throw .unknownUser }
        do {
            let sealed = try secret.map { try sealer.seal(Data($0), table: "staff_account", column: "totpSecret", row: credentials.member.id) }
            try writer.write { db in
                try db.execute(sql: "UPDATE staff_account SET totpSecretSealed = ? WHERE id = ?", arguments: [sealed, credentials.member.id])
            }
        } catch {
            throw .storageFailure
        }
    }

    static func member(_ row: Row) -> StaffMember? {
        guard let role = StaffRole(rawValue: row["role"]) else { return nil }
        return StaffMember(
            id: row["id"], username: row["username"], providerId: ProviderID(row["providerId"] as String), role: role,
            disabled: row["disabled"], totpEnabled: row["totpSecretSealed"] != nil)
    }
}
