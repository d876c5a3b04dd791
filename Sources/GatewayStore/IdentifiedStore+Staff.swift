import Foundation
import GatewayCore
import GatewayCrypto
import GRDB

public enum StaffStoreError: Error, Equatable, Sendable, StoreFailureConvertible {
    case usernameTaken
    case unknownUser
    /// The database failed, or a stored value could not be read or opened; nothing was changed.
    case storageFailure

    static func uniquenessConflict(_ error: DatabaseError) -> StaffStoreError { .usernameTaken }
}

/// A staff account row as sign-in needs it.
public struct StaffCredentials: Sendable {
    public let member: StaffMember
    public let passwordHash: String
    public let totpSecret: [UInt8]?
}

extension IdentifiedStore {
    public func addStaff(
        id: String, username: String, providerId: ProviderID, role: StaffRole, passwordHash: String, createdOn: CalendarDay
    ) async throws(StaffStoreError) {
        try await write(StaffStoreError.self) { db in
            try db.execute(sql: """
                INSERT INTO staff_account (id, username, providerId, role, passwordHash, createdOn) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [id, username, providerId.rawValue, role.rawValue, passwordHash, createdOn.description])
        }
    }

    public func staffMembers() async throws(StaffStoreError) -> [StaffMember] {
        try await read(StaffStoreError.self) { db in
            try Row.fetchAll(db, sql: "SELECT * FROM staff_account ORDER BY providerId, username").map(Self.member)
        }
    }

    /// The member with this id; nil when there is none (a deleted account's session ends).
    public func member(id: String) async throws(StaffStoreError) -> StaffMember? {
        try await read(StaffStoreError.self) { db in
            try Row.fetchOne(db, sql: "SELECT * FROM staff_account WHERE id = ?", arguments: [id]).map(Self.member)
        }
    }

    /// Sign-in data for a username; nil when there is no such account. A second-factor secret that
    /// cannot be opened is a storage failure — never "no second factor".
    public func credentials(username: String) async throws(StaffStoreError) -> StaffCredentials? {
        try await read(StaffStoreError.self) { db -> StaffCredentials? in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM staff_account WHERE username = ?", arguments: [username]) else { return nil }
            let member = try Self.member(row)
            let secret = try (row["totpSecretSealed"] as Data?).map {
                try self.sealer.open($0, table: "staff_account", column: "totpSecret", row: member.id)
            }
            return StaffCredentials(member: member, passwordHash: row["passwordHash"], totpSecret: secret.map(Array.init))
        }
    }

    public func setDisabled(username: String, _ disabled: Bool) async throws(StaffStoreError) {
        let changed = try await write(StaffStoreError.self) { db -> Int in
            try db.execute(sql: "UPDATE staff_account SET disabled = ? WHERE username = ?", arguments: [disabled, username])
            return db.changesCount
        }
        guard changed == 1 else { throw .unknownUser }
    }

    /// Turns the second factor on (a secret) or off (nil). A failure is reported, never half-done.
    public func setTOTPSecret(username: String, _ secret: [UInt8]?) async throws(StaffStoreError) {
        let id = try await read(StaffStoreError.self) { db in
            try String.fetchOne(db, sql: "SELECT id FROM staff_account WHERE username = ?", arguments: [username])
        }
        guard let id else { throw .unknownUser }
        let sealed: Data?
        do { sealed = try secret.map { try sealer.seal(Data($0), table: "staff_account", column: "totpSecret", row: id) } } catch {
            throw .storageFailure
        }
        try await write(StaffStoreError.self) { db in
            try db.execute(sql: "UPDATE staff_account SET totpSecretSealed = ? WHERE id = ?", arguments: [sealed, id])
        }
    }

    static func member(_ row: Row) throws -> StaffMember {
        StaffMember(
            id: row["id"], username: row["username"], providerId: ProviderID(row["providerId"] as String),
            role: try row.decoded("role", as: StaffRole.self), disabled: row["disabled"], totpEnabled: row["totpSecretSealed"] != nil)
    }
}
