import Foundation
import GatewayCore
import GatewayCrypto
import GRDB
import Synchronization

/// `anonymous.sqlite`: bookings, anonymous cases, their notes and the access log. Owns its
/// writer and its migrator (GRDB's AppDatabase pattern); every change is one intent-named
/// transaction. Nothing in it names a person; free text is sealed.
public final class AnonymousStore: Sendable, StoreAccessing {
    let access: StoreAccess
    /// The field sealer and case-key wrapper under the store key's versions; replaced when the
    /// running server adopts a version `keys rotate` introduced (`adopt`).
    private let keys: Mutex<(sealer: FieldSealer, caseKeys: CaseKeyWrapper)>
    var sealer: FieldSealer { keys.withLock { $0.sealer } }
    var caseKeys: CaseKeyWrapper { keys.withLock { $0.caseKeys } }
    /// Keys the access log's MAC chain and signs its checkpoints: derived from store-key version 1,
    /// which therefore keys the log for its whole life (rewriting a tamper-evident log would launder it).
    let auditChain: AuditChain
    /// Chooses a booking's seat among the free ones (the lowest would reveal booking order).
    let random: any RandomSource

    public static let fieldDomain = "anongate/v1/anonymous-store/fields"
    static let noteDomain = "anongate/v1/case-notes"

    public convenience init(
        writer: any DatabaseWriter, storeKey: KeyMaterial, tokenPepper: KeyMaterial? = nil, random: any RandomSource = SystemRandomSource()
    ) throws {
        try self.init(writer: writer, storeRing: KeyRing(single: storeKey), pepperRing: tokenPepper.map(KeyRing.init(single:)), random: random)
    }

    /// Migrates, then compares the key checks of every version of the store key and (when given)
    /// the token pepper: a key that did not seal this database throws `WrongStoreKey` before
    /// anything is read or written.
    public init(
        writer: any DatabaseWriter, storeRing: KeyRing, pepperRing: KeyRing?, random: any RandomSource = SystemRandomSource()
    ) throws {
        self.access = StoreAccess(writer)
        self.random = random
        let sealer = FieldSealer(ring: storeRing, domain: Self.fieldDomain)
        let caseKeys = CaseKeyWrapper(ring: storeRing)
        self.keys = Mutex((sealer, caseKeys))
        let auditChain = AuditChain(storeKey: storeRing.keys[1] ?? storeRing.keys[storeRing.versions[0]]!)
        self.auditChain = auditChain
        var keys: [(role: String, ring: KeyRing)] = [(KeyRole.anonymousStore.rawValue, storeRing)]
        if let pepperRing { keys.append((KeyRole.tokenPepper.rawValue, pepperRing)) }
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
        try writer.write { db in
            for (role, ring) in keys { try KeyVersions.markAdopted(db, role: role, version: ring.current) }
        }
    }

    public static func open(
        path: String, storeKey: KeyMaterial, tokenPepper: KeyMaterial? = nil, random: any RandomSource = SystemRandomSource()
    ) throws -> AnonymousStore {
        try AnonymousStore(writer: StoreDatabase.openFile(at: path, label: "anonymous"), storeKey: storeKey, tokenPepper: tokenPepper, random: random)
    }

    public static func open(path: String, storeRing: KeyRing, pepperRing: KeyRing?, random: any RandomSource = SystemRandomSource()) throws -> AnonymousStore {
        try AnonymousStore(writer: StoreDatabase.openFile(at: path, label: "anonymous"), storeRing: storeRing, pepperRing: pepperRing, random: random)
    }

    public static func inMemory(
        storeKey: KeyMaterial, tokenPepper: KeyMaterial? = nil, random: any RandomSource = SystemRandomSource()
    ) throws -> AnonymousStore {
        try AnonymousStore(writer: StoreDatabase.inMemory(label: "anonymous"), storeKey: storeKey, tokenPepper: tokenPepper, random: random)
    }

    /// Takes up the key versions now on disk (after `keys rotate`): each must have its key check
    /// recorded and matching, else nothing changes and `WrongStoreKey` is thrown. Records that this
    /// store now seals under the current versions (`key_adoption`), which `keys rotate` waits for.
    public func adopt(storeRing: KeyRing, pepperRing: KeyRing) async throws {
        let checks: [(role: String, ring: KeyRing)] = [(KeyRole.anonymousStore.rawValue, storeRing), (KeyRole.tokenPepper.rawValue, pepperRing)]
        try await access.writer.write { db in
            try KeyVersions.requireRecorded(db, checks)
            for (role, ring) in checks { try KeyVersions.markAdopted(db, role: role, version: ring.current) }
        }
        keys.withLock { $0 = (FieldSealer(ring: storeRing, domain: Self.fieldDomain), CaseKeyWrapper(ring: storeRing)) }
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
