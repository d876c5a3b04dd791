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
        let record = StaffAccountRecord(id: id, username: username, providerId: providerId.rawValue, role: role.rawValue,
                                        passwordHash: passwordHash, totpSecretSealed: nil, disabled: false, createdOn: createdOn.description)
        try await write(StaffStoreError.self) { db in try record.insert(db) }
    }

    public func staffMembers() async throws(StaffStoreError) -> [StaffMember] {
        try await read(StaffStoreError.self) { db in
            try StaffAccountRecord.order(StaffAccountRecord.Columns.providerId, StaffAccountRecord.Columns.username).fetchAll(db).map { try $0.member() }
        }
    }

    /// The member with this id; nil when there is none (a deleted account's session ends).
    public func member(id: String) async throws(StaffStoreError) -> StaffMember? {
        try await read(StaffStoreError.self) { db in
            try StaffAccountRecord.fetchOne(db, key: id).map { try $0.member() }
        }
    }

    /// Sign-in data for a username; nil when there is no such account. A second-factor secret that
    /// cannot be opened is a storage failure — never "no second factor".
    public func credentials(username: String) async throws(StaffStoreError) -> StaffCredentials? {
        try await read(StaffStoreError.self) { db -> StaffCredentials? in
            guard let record = try StaffAccountRecord.filter(StaffAccountRecord.Columns.username == username).fetchOne(db) else { return nil }
            let secret = try record.totpSecretSealed.map {
                try self.sealer.open($0, table: "staff_account", column: "totpSecret", row: record.id)
            }
            return StaffCredentials(member: try record.member(), passwordHash: record.passwordHash, totpSecret: secret.map(Array.init))
        }
    }

    public func setDisabled(username: String, _ disabled: Bool) async throws(StaffStoreError) {
        let changed = try await write(StaffStoreError.self) { db -> Int in
            try StaffAccountRecord.filter(StaffAccountRecord.Columns.username == username)
                .updateAll(db, StaffAccountRecord.Columns.disabled.set(to: disabled))
        }
        guard changed == 1 else { throw .unknownUser }
    }

    /// Turns the second factor on (a secret) or off (nil). A failure is reported, never half-done.
    public func setTOTPSecret(username: String, _ secret: [UInt8]?) async throws(StaffStoreError) {
        let id = try await read(StaffStoreError.self) { db in
            try StaffAccountRecord.filter(StaffAccountRecord.Columns.username == username).fetchOne(db)?.id
        }
        guard let id else { throw .unknownUser }
        let sealed: Data?
        do { sealed = try secret.map { try sealer.seal(Data($0), table: "staff_account", column: "totpSecret", row: id) } } catch {
            throw .storageFailure
        }
        try await write(StaffStoreError.self) { db in
            _ = try StaffAccountRecord.filter(key: id).updateAll(db, StaffAccountRecord.Columns.totpSecretSealed.set(to: sealed))
        }
    }
}
