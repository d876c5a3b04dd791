import Foundation
import GatewayCore
import GatewayCrypto
import GRDB
import Synchronization

/// `anonymous.sqlite`: bookings, anonymous cases, their notes and the access log. Owns its
/// writer and its migrator (GRDB's AppDatabase pattern); every change is one intent-named
/// transaction. Nothing in it names a person; free text is sealed.
public final class AnonymousStore: Sendable {
    private let writer: any DatabaseWriter
    let sealer: FieldSealer
    let caseKeys: CaseKeyWrapper
    private let generation = Atomic<UInt64>(0)

    public static let fieldDomain = "anongate/v1/anonymous-store/fields"
    static let noteDomain = "anongate/v1/case-notes"

    public init(writer: any DatabaseWriter, storeKey: KeyMaterial) throws {
        self.writer = writer
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
    public var changeGeneration: UInt64 { generation.load(ordering: .acquiring) }

    /// Read-only access for checks over raw rows (tests that prove what is and is not stored).
    public var reader: any DatabaseReader { writer }

    /// The writer itself, for tests that inject storage faults. Not for product code.
    @_spi(Testing) public var testingWriter: any DatabaseWriter { writer }

    /// One read from the reader pool; any database error is a storage failure.
    func read<T: Sendable, Failure: StoreFailureConvertible>(
        _ failure: Failure.Type, _ body: @Sendable @escaping (Database) throws -> T
    ) async throws(Failure) -> T {
        do {
            return try await writer.read(body)
        } catch let error as Failure {
            throw error
        } catch {
            throw Failure.storageFailure
        }
    }

    /// One write transaction. A domain error thrown inside rolls it back and is passed on; a
    /// UNIQUE conflict is the seat (or token) race it guards against; anything else is a storage failure.
    func write<T: Sendable, Failure: StoreFailureConvertible>(
        _ failure: Failure.Type, _ body: @Sendable @escaping (Database) throws -> T
    ) async throws(Failure) -> T {
        // Counted on every exit: a failed transaction changed nothing, but counting it costs one extra cache miss at most.
        defer { generation.add(1, ordering: .releasing) }
        do {
            return try await writer.write(body)
        } catch let error as Failure {
            throw error
        } catch let error as DatabaseError where error.isUniquenessViolation {
            throw Failure.uniquenessConflict(error)
        } catch {
            throw Failure.storageFailure
        }
    }
}

/// Store errors that can say "the database failed" and "a UNIQUE constraint refused it".
protocol StoreFailureConvertible: Error {
    static var storageFailure: Self { get }
    static func uniquenessConflict(_ error: DatabaseError) -> Self
}
