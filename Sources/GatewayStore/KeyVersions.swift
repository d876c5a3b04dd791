import Foundation
import GatewayCore
import GatewayCrypto
import GRDB

/// Key versions inside a store: which versions are recorded (key checks), which one the running
/// server has adopted for new values (`key_adoption`), which versions sealed values still use, and
/// re-sealing in batches under the current version (`anongate keys rotate`).
enum KeyVersions {
    static func createAdoptionTable(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE key_adoption (
                keyRole TEXT NOT NULL,
                keyVersion INTEGER NOT NULL,
                PRIMARY KEY (keyRole, keyVersion)
            ) WITHOUT ROWID
            """)
    }

    /// Every version of each ring must have its key check recorded and matching.
    static func requireRecorded(_ db: Database, _ keys: [(role: String, ring: KeyRing)]) throws {
        for (role, ring) in keys {
            for (version, key) in ring.keys {
                guard let stored = try Data.fetchOne(
                    db, sql: "SELECT mac FROM key_check WHERE keyRole = ? AND keyVersion = ?", arguments: [role, version]),
                    KeyCheck.matches(stored, key, role: role, version: version) else { throw WrongStoreKey(role: role) }
            }
        }
    }

    static func markAdopted(_ db: Database, role: String, version: Int) throws {
        try db.execute(sql: "INSERT OR IGNORE INTO key_adoption (keyRole, keyVersion) VALUES (?, ?)", arguments: [role, version])
    }

    static func isAdopted(_ db: Database, role: String, version: Int) throws -> Bool {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM key_adoption WHERE keyRole = ? AND keyVersion = ?", arguments: [role, version]) ?? 0 > 0
    }

    /// One sealed column: its table, the row id column that is also the associated data's row, and
    /// the name the associated data gives it.
    struct SealedColumn: Sendable {
        let table: String
        let idColumn: String
        let column: String
        let name: String
        /// Wrapped case keys are re-wrapped by the case-key wrapper, not the field sealer.
        var isCaseKey = false
    }

    /// SQL that is true for a value not sealed under `version` (format 2 carries it in bytes 2–3).
    static func notUnder(_ column: String) -> String {
        "\(column) IS NOT NULL AND NOT (substr(\(column), 1, 1) = X'02' AND substr(\(column), 2, 2) = ?)"
    }

    static func versionBytes(_ version: Int) -> Data { Data([UInt8(version >> 8), UInt8(version & 0xFF)]) }

    /// Re-seals up to `limit` values not under the current version, in one transaction; answers
    /// how many. Run until it answers 0: a crash between batches leaves every value readable.
    static func resealBatch(
        _ db: Database, columns: [SealedColumn], version: Int, limit: Int, reseal: (SealedColumn, String, Data) throws -> Data
    ) throws -> Int {
        var done = 0
        for column in columns where done < limit {
            let rows = try Row.fetchAll(
                db, sql: "SELECT \(column.idColumn) AS id, \(column.column) AS sealed FROM \(column.table) WHERE \(notUnder(column.column)) LIMIT ?",
                arguments: [versionBytes(version), limit - done])
            for row in rows {
                let id: String = row["id"]
                let resealed = try reseal(column, id, row["sealed"])
                try db.execute(sql: "UPDATE \(column.table) SET \(column.column) = ? WHERE \(column.idColumn) = ?", arguments: [resealed, id])
                done += 1
            }
        }
        return done
    }

    /// How many sealed values each key version seals.
    static func versionsInUse(_ db: Database, columns: [SealedColumn]) throws -> [Int: Int] {
        var counts: [Int: Int] = [:]
        for column in columns {
            for prefix in try Data.fetchAll(db, sql: "SELECT substr(\(column.column), 1, 3) FROM \(column.table) WHERE \(column.column) IS NOT NULL") {
                counts[FieldSealer.keyVersion(of: prefix + Data(repeating: 0, count: 1)) ?? 0, default: 0] += 1
            }
        }
        return counts
    }
}

/// How a store's values are spread over key versions (`keys rotate`, `doctor`).
public struct KeyVersionUse: Sendable, Equatable {
    /// Sealed values per store-key version.
    public var sealed: [Int: Int]
    /// Live tokens per pepper version (anonymous store only).
    public var liveTokens: [Int: Int]
    public init(sealed: [Int: Int], liveTokens: [Int: Int]) { self.sealed = sealed; self.liveTokens = liveTokens }
}

extension AnonymousStore {
    static let sealedColumns: [KeyVersions.SealedColumn] = [
        .init(table: "booking", idColumn: "id", column: "substancesSealed", name: "substances"),
        .init(table: "booking", idColumn: "id", column: "interpreterLanguageSealed", name: "interpreterLanguage"),
        .init(table: "booking", idColumn: "id", column: "messageSealed", name: "message"),
        .init(table: "anonymous_case", idColumn: "code", column: "decisionReasonSealed", name: "decisionReason"),
        .init(table: "anonymous_case", idColumn: "code", column: "caseKeyWrapped", name: "caseKey", isCaseKey: true),
        .init(table: "complaint", idColumn: "id", column: "textSealed", name: "text"),
        .init(table: "anonymous_case", idColumn: "code", column: "interpreterLanguageSealed", name: "interpreterLanguage"),
    ]

    /// Of the candidate hashes of one token (one per live pepper version), the one this store holds.
    public func storedTokenHash(among candidates: [Data]) async throws(BookingStoreError) -> Data? {
        try await read(BookingStoreError.self) { db in
            let marks = Array(repeating: "?", count: candidates.count).joined(separator: ", ")
            let arguments = StatementArguments(candidates + candidates + candidates)
            return try Data.fetchOne(db, sql: """
                SELECT tokenHash FROM booking WHERE tokenHash IN (\(marks))
                UNION ALL SELECT tokenHash FROM case_live_token WHERE tokenHash IN (\(marks))
                UNION ALL SELECT tokenHash FROM follow_up WHERE tokenHash IN (\(marks)) LIMIT 1
                """, arguments: arguments)
        }
    }

    /// Records the key check of a new version (before anything is sealed under it).
    public func introduce(_ role: KeyRole, version: Int, key: KeyMaterial) async throws(BookingStoreError) {
        try await write(BookingStoreError.self) { db in try StoreKeyCheck.record(db, role: role.rawValue, version: version, key: key) }
    }

    public func isAdopted(_ role: KeyRole, version: Int) async throws(BookingStoreError) -> Bool {
        try await read(BookingStoreError.self) { db in try KeyVersions.isAdopted(db, role: role.rawValue, version: version) }
    }

    /// Re-seals up to `limit` values under the current store-key version; answers how many.
    public func resealBatch(limit: Int) async throws(BookingStoreError) -> Int {
        let sealer = self.sealer, caseKeys = self.caseKeys
        return try await write(BookingStoreError.self) { db in
            try KeyVersions.resealBatch(db, columns: Self.sealedColumns, version: sealer.currentVersion, limit: limit) { column, id, sealed in
                if column.isCaseKey { return try caseKeys.rewrap(sealed, for: id) }
                let plain = try sealer.open(sealed, table: column.table, column: column.name, row: id)
                return try sealer.seal(plain, table: column.table, column: column.name, row: id)
            }
        }
    }

    public func keyVersionUse() async throws(BookingStoreError) -> KeyVersionUse {
        try await read(BookingStoreError.self) { db in
            var tokens: [Int: Int] = [:]
            let hashes = try Data.fetchAll(db, sql: """
                SELECT tokenHash FROM booking WHERE status = 'booked'
                UNION ALL SELECT tokenHash FROM case_live_token
                UNION ALL SELECT tokenHash FROM follow_up WHERE answeredIn IS NULL
                    OR (wantsConversation = 1 AND tokenHash NOT IN (SELECT tokenHash FROM booking))
                """)
            for hash in hashes { tokens[TokenHasher.version(of: hash), default: 0] += 1 }
            return KeyVersionUse(sealed: try KeyVersions.versionsInUse(db, columns: Self.sealedColumns), liveTokens: tokens)
        }
    }
}

extension IdentifiedStore {
    static let sealedColumns: [KeyVersions.SealedColumn] = [
        .init(table: "staff_account", idColumn: "id", column: "totpSecretSealed", name: "totpSecret"),
        .init(table: "enrolment", idColumn: "id", column: "recordSealed", name: "record"),
    ]

    public func introduce(version: Int, key: KeyMaterial) async throws(IdentifiedStoreError) {
        try await write(IdentifiedStoreError.self) { db in
            try StoreKeyCheck.record(db, role: KeyRole.identifiedStore.rawValue, version: version, key: key)
        }
    }

    public func isAdopted(version: Int) async throws(IdentifiedStoreError) -> Bool {
        try await read(IdentifiedStoreError.self) { db in try KeyVersions.isAdopted(db, role: KeyRole.identifiedStore.rawValue, version: version) }
    }

    public func resealBatch(limit: Int) async throws(IdentifiedStoreError) -> Int {
        let sealer = self.sealer
        return try await write(IdentifiedStoreError.self) { db in
            try KeyVersions.resealBatch(db, columns: Self.sealedColumns, version: sealer.currentVersion, limit: limit) { column, id, sealed in
                try sealer.seal(try sealer.open(sealed, table: column.table, column: column.name, row: id), table: column.table, column: column.name, row: id)
            }
        }
    }

    public func keyVersionUse() async throws(IdentifiedStoreError) -> KeyVersionUse {
        try await read(IdentifiedStoreError.self) { db in
            KeyVersionUse(sealed: try KeyVersions.versionsInUse(db, columns: Self.sealedColumns), liveTokens: [:])
        }
    }
}
