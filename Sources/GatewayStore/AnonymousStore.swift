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
    /// Keys the access log's MAC chain and signs its checkpoints.
    let auditChain: AuditChain
    /// Chooses a booking's seat among the free ones (the lowest would reveal booking order).
    let random: any RandomSource

    public static let fieldDomain = "anongate/v1/anonymous-store/fields"
    static let noteDomain = "anongate/v1/case-notes"

    /// Migrates, then compares the key checks of the store key and (when given) the token pepper:
    /// a key that did not seal this database throws `WrongStoreKey` before anything is read or written.
    public init(
        writer: any DatabaseWriter, storeKey: KeyMaterial, tokenPepper: KeyMaterial? = nil, random: any RandomSource = SystemRandomSource()
    ) throws {
        self.access = StoreAccess(writer)
        self.random = random
        let sealer = FieldSealer(storeKey: storeKey, domain: Self.fieldDomain)
        let caseKeys = CaseKeyWrapper(storeKey: storeKey)
        self.sealer = sealer
        self.caseKeys = caseKeys
        let auditChain = AuditChain(storeKey: storeKey)
        self.auditChain = auditChain
        var keys: [(role: String, key: KeyMaterial)] = [(KeyRole.anonymousStore.rawValue, storeKey)]
        if let tokenPepper { keys.append((KeyRole.tokenPepper.rawValue, tokenPepper)) }
        try StoreKeyCheck.verifyRecorded(writer, keys: keys)
        try AnonymousMigrations.migrator(chain: auditChain).migrate(writer)
        try StoreKeyCheck.verifyOrRecord(writer, keys: keys) { db in
            // A store from before key checks: one wrapped case key, or one sealed booking answer, must open.
            // `try?` here means "did not open", which answers false and stops the open (fail closed).
            if let row = try Row.fetchOne(db, sql: "SELECT code, caseKeyWrapped FROM anonymous_case WHERE caseKeyWrapped IS NOT NULL LIMIT 1") {
                return (try? caseKeys.unwrap(row["caseKeyWrapped"], for: row["code"])) != nil
            }
            if let row = try Row.fetchOne(db, sql: "SELECT id, messageSealed FROM booking WHERE messageSealed IS NOT NULL LIMIT 1") {
                return (try? sealer.open(row["messageSealed"], table: "booking", column: "message", row: row["id"])) != nil
            }
            return true
        }
    }

    public static func open(
        path: String, storeKey: KeyMaterial, tokenPepper: KeyMaterial? = nil, random: any RandomSource = SystemRandomSource()
    ) throws -> AnonymousStore {
        try AnonymousStore(writer: StoreDatabase.openFile(at: path, label: "anonymous"), storeKey: storeKey, tokenPepper: tokenPepper, random: random)
    }

    public static func inMemory(
        storeKey: KeyMaterial, tokenPepper: KeyMaterial? = nil, random: any RandomSource = SystemRandomSource()
    ) throws -> AnonymousStore {
        try AnonymousStore(writer: StoreDatabase.inMemory(label: "anonymous"), storeKey: storeKey, tokenPepper: tokenPepper, random: random)
    }

    /// A random number for choosing a seat among the free ones.
    func seatDraw() -> Int64 {
        Int64(random.bytes(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
    }

    /// Counts committed write transactions. Anything cached from this store (the slot listing) is
    /// valid only while this number is unchanged.
    public var changeGeneration: UInt64 { access.changeGeneration }

    /// Read-only access for checks over raw rows (tests that prove what is and is not stored).
    public var reader: any DatabaseReader { access.writer }

    /// The writer itself, for tests that inject storage faults. Not for product code.
    @_spi(Testing) public var testingWriter: any DatabaseWriter { access.writer }

    /// Readiness: the store answers a read (its key check is there).
    public func isReady() async -> Bool { await access.answers() }

    /// Truncating WAL checkpoint (`StoreAccess.truncateWAL`); a storage failure when it cannot finish.
    public func truncateWAL() async throws(BookingStoreError) {
        do { try await access.truncateWAL() } catch { throw .storageFailure }
    }

    /// At shutdown, once nothing uses the store any more (`StoreAccess.close`).
    public func close() async throws(BookingStoreError) {
        do { try await access.close() } catch { throw .storageFailure }
    }

    /// The migration list, for tests that build a store as an older version left it.
    @_spi(Testing) public static func migrator(storeKey: KeyMaterial) -> DatabaseMigrator {
        AnonymousMigrations.migrator(chain: AuditChain(storeKey: storeKey))
    }

}
