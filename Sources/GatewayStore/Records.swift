import Foundation
import GatewayCore
import GRDB

/// A row of `access_log`: who (pseudonym) did what to which case, on which day. Append-only by trigger.
struct AccessLogRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "access_log"
    var id: Int64?
    var day: String
    var staffPseudonym: String
    var providerId: String
    var action: String
    var caseCode: String
    /// The place in the MAC chain and the MACs (`AuditChain`); nil only on a row the gateway did not write.
    var seq: Int64?
    var entryMac: Data?
    var chainMac: Data?

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let providerId = Column(CodingKeys.providerId)
        static let caseCode = Column(CodingKeys.caseCode)
    }

    func entry() throws -> AccessLogEntry {
        guard let day = CalendarDay(iso: day) else { throw UndecodableRow() }
        return AccessLogEntry(day: day, staffPseudonym: staffPseudonym, providerId: ProviderID(providerId),
                       action: action, caseCode: caseCode)
    }
}

/// A row of `staff_account` (identified store). The TOTP secret stays sealed here.
struct StaffAccountRecord: Codable, FetchableRecord, PersistableRecord, Sendable {
    static let databaseTableName = "staff_account"
    var id: String
    var username: String
    var providerId: String
    var role: String
    var passwordHash: String
    var totpSecretSealed: Data?
    var disabled: Bool
    var createdOn: String

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let username = Column(CodingKeys.username)
        static let providerId = Column(CodingKeys.providerId)
        static let disabled = Column(CodingKeys.disabled)
        static let totpSecretSealed = Column(CodingKeys.totpSecretSealed)
    }

    func member() throws -> StaffMember {
        guard let role = StaffRole(rawValue: role) else { throw UndecodableRow() }
        return StaffMember(id: id, username: username, providerId: ProviderID(providerId), role: role, disabled: disabled,
                           totpEnabled: totpSecretSealed != nil)
    }
}
