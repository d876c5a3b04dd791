import Foundation
import GatewayCore
import GatewayCrypto
import GRDB

/// `anonymous.sqlite`: bookings, anonymous cases, their notes and the access log. Owns its
/// writer and its migrator (GRDB's AppDatabase pattern); every change is one intent-named
/// transaction. Nothing in it names a person; free text is sealed.
public final class AnonymousStore: Sendable, StoreAccessing {
    let access: StoreAccess
    let sealer: FieldSealer
    let caseKeys: CaseKeyWrapper

    public static let fieldDomain = "anongate/v1/anonymous-store/fields"
    static let noteDomain = "anongate/v1/case-notes"

    public init(writer: any DatabaseWriter, storeKey: KeyMaterial) throws {
        self.access = StoreAccess(writer)
        self.sealer = FieldSealer(storeKey: storeKey, domain: Self.fieldDomain)
        self.caseKeys = CaseKeyWrapper(storeKey: storeKey)
        try AnonymousMigrations.migrator.migrate(writer)
    }

    public static func open(path: String, storeKey: KeyMaterial) throws -> AnonymousStore {
        try AnonymousStore(writer: StoreDatabase.openFile(at: path, label: "anonymous"), storeKey: storeKey)
    }

    public static func inMemory(storeKey: KeyMaterial) throws -> AnonymousStore {
        try AnonymousStore(writer: StoreDatabase.inMemory(label: "anonymous"), storeKey: storeKey)
    }

    /// Counts committed write transactions. Anything cached from this store (the slot listing) is
    /// valid only while this number is unchanged.
    public var changeGeneration: UInt64 { access.changeGeneration }

    /// Read-only access for checks over raw rows (tests that prove what is and is not stored).
    public var reader: any DatabaseReader { access.writer }

    /// The writer itself, for tests that inject storage faults. Not for product code.
    @_spi(Testing) public var testingWriter: any DatabaseWriter { access.writer }

}
