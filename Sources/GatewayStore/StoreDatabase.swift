import Foundation
import GatewayCore
import GRDB
import Synchronization

/// Opens SQLite the same way for both stores: WAL, foreign keys, secure_delete.
enum StoreDatabase {
    static func configuration(label: String) -> Configuration {
        var configuration = Configuration()
        configuration.label = label
        configuration.foreignKeysEnabled = true
        // Statement arguments (token hashes, sealed fields) never appear in error messages.
        configuration.publicStatementArguments = false
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            // Deleted rows are overwritten with zeros, not left in free pages.
            try db.execute(sql: "PRAGMA secure_delete = ON")
            // After a checkpoint the WAL is cut back to at most 1 MiB instead of keeping old frames
            // (old page images: write order, cancelled ciphertext) in a file that only grows.
            try db.execute(sql: "PRAGMA journal_size_limit = 1048576")
        }
        return configuration
    }

    /// A file database in WAL mode (DatabasePool enables WAL), created with mode 0600.
    static func openFile(at path: String, label: String) throws -> DatabasePool {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        if !FileManager.default.fileExists(atPath: path) {
            FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        return try DatabasePool(path: path, configuration: configuration(label: label))
    }

    static func inMemory(label: String) throws -> DatabaseQueue {
        try DatabaseQueue(configuration: configuration(label: label))
    }
}

/// A row that does not decode is a damaged store: the operation stops (fail closed).
struct UndecodableRow: Error {}

/// UTC timestamps as ISO 8601 text exact to the second, e.g. `2026-11-23T07:00:00Z`.
/// Plain arithmetic: a Foundation formatter per call cost more than the query around it.
enum StoredTime {
    static func text(_ date: Date) -> String {
        let seconds = Int(floor(date.timeIntervalSince1970))
        let days = Int(floor(Double(seconds) / 86_400))
        let rest = seconds - days * 86_400
        return CalendarDay(daysSinceEpoch: days).description + "T" + two(rest / 3600) + ":" + two((rest % 3600) / 60)
            + ":" + two(rest % 60) + "Z"
    }

    static func date(_ text: String) throws -> Date {
        let utf8 = Array(text.utf8)
        guard utf8.count == 20, utf8[10] == UInt8(ascii: "T"), utf8[13] == UInt8(ascii: ":"), utf8[16] == UInt8(ascii: ":"),
              utf8[19] == UInt8(ascii: "Z"), let day = CalendarDay(iso: String(decoding: utf8[0..<10], as: UTF8.self)),
              let hour = number(utf8[11..<13]), let minute = number(utf8[14..<16]), let second = number(utf8[17..<19]),
              hour < 24, minute < 60, second < 60 else { throw UndecodableRow() }
        return Date(timeIntervalSince1970: TimeInterval(day.daysSinceEpoch * 86_400 + hour * 3600 + minute * 60 + second))
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for digit in digits {
            guard (48...57).contains(digit) else { return nil }
            value = value * 10 + Int(digit - 48)
        }
        return value
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}

extension DatabaseError {
    /// A UNIQUE or PRIMARY KEY conflict (a seat or name already taken) — not any other refusal,
    /// such as a trigger's abort, which must surface as a storage failure.
    var isUniquenessViolation: Bool {
        extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE || extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY
    }
}

extension Row {
    /// A text column that must hold a valid value of `T`; anything else is a damaged row.
    func decoded<T: RawRepresentable>(_ column: String, as type: T.Type) throws -> T where T.RawValue == String {
        guard let raw = self[column] as String?, let value = T(rawValue: raw) else { throw UndecodableRow() }
        return value
    }

    func day(_ column: String) throws -> CalendarDay {
        guard let raw = self[column] as String?, let day = CalendarDay(iso: raw) else { throw UndecodableRow() }
        return day
    }

    func time(_ column: String) throws -> Date {
        guard let raw = self[column] as String? else { throw UndecodableRow() }
        return try StoredTime.date(raw)
    }
}

/// One store's database: the private writer, reads from its reader pool, one transaction per
/// change, and the mapping of database errors to the store's own error type.
final class StoreAccess: Sendable {
    let writer: any DatabaseWriter
    private let generation = Atomic<UInt64>(0)

    init(_ writer: any DatabaseWriter) { self.writer = writer }

    /// Counts committed write transactions (and failed ones: counting those costs a cache miss at most).
    var changeGeneration: UInt64 { generation.load(ordering: .acquiring) }

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

    /// Whether the database answers a read of its key check (readiness). A failure is the answer
    /// "not ready", not an error to pass on.
    func answers() async -> Bool {
        do {
            return try await writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM key_check") ?? 0 } > 0
        } catch {
            return false
        }
    }

    /// Copies every WAL frame into the database and truncates the WAL to zero bytes, so the old
    /// page images it held (write order, ciphertext of cancelled or deleted values) are gone.
    /// Waits for readers (busy timeout); a checkpoint that cannot finish throws and is retried later.
    func truncateWAL() async throws {
        try await writer.writeWithoutTransaction { db in
            let result = try db.checkpoint(.truncate)
            guard result.walFrameCount == result.checkpointedFrameCount else { throw DatabaseError(resultCode: .SQLITE_BUSY) }
        }
    }

    /// Checkpoints and truncates the WAL, then closes every connection; SQLite removes `-wal` and
    /// `-shm` when the last one closes. Without it a stopped server could leave a WAL holding the
    /// last commits' page images on disk until the next start. The store cannot be used afterwards.
    func close() async throws {
        try? await truncateWAL()   // a busy checkpoint is retried by SQLite's own checkpoint on close
        try writer.close()
    }

    /// One write transaction. A domain error thrown inside rolls it back and is passed on; a UNIQUE
    /// conflict is the race it guards against (a seat, a token, a name); anything else is a storage failure.
    func write<T: Sendable, Failure: StoreFailureConvertible>(
        _ failure: Failure.Type, _ body: @Sendable @escaping (Database) throws -> T
    ) async throws(Failure) -> T {
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

/// A store that reads and writes through its `StoreAccess`.
protocol StoreAccessing {
    var access: StoreAccess { get }
}

extension StoreAccessing {
    func read<T: Sendable, Failure: StoreFailureConvertible>(
        _ failure: Failure.Type, _ body: @Sendable @escaping (Database) throws -> T
    ) async throws(Failure) -> T { try await access.read(failure, body) }

    func write<T: Sendable, Failure: StoreFailureConvertible>(
        _ failure: Failure.Type, _ body: @Sendable @escaping (Database) throws -> T
    ) async throws(Failure) -> T { try await access.write(failure, body) }
}
