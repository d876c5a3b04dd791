import Foundation
import GatewayCrypto
import GRDB

/// A store was asked to open with a key that did not seal it. Nothing was read or written.
public struct WrongStoreKey: Error, Equatable, Sendable {
    /// The key role (`anonymous-store`, `token-pepper`, `identified-store`) whose check failed.
    public let role: String
    public init(role: String) { self.role = role }
}

/// Each store keeps, per key role and key version, a MAC of a fixed label under that key
/// (`KeyCheck`). It is recorded when the store is created and compared on every open, before
/// any request can read or write: a restored database with a freshly made key stops here instead
/// of turning unopenable values into "absent" and sealing new data under the wrong key.
enum StoreKeyCheck {
    static func createTable(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE key_check (
                keyRole TEXT NOT NULL,
                keyVersion INTEGER NOT NULL,
                mac BLOB NOT NULL,
                PRIMARY KEY (keyRole, keyVersion)
            ) WITHOUT ROWID
            """)
    }

    /// Before migrating: compares the checks already recorded for every version on disk, so a
    /// wrong key changes nothing, not even the schema.
    /// Runs on the writer connection: a reader opened before migrating would keep the old schema cached.
    static func verifyRecorded(_ writer: any DatabaseWriter, keys: [(role: String, ring: KeyRing)]) throws {
        try writer.writeWithoutTransaction { db in
            guard try db.tableExists("key_check") else { return }
            for (role, ring) in keys {
                for (version, key) in ring.keys {
                    if let stored = try Data.fetchOne(
                        db, sql: "SELECT mac FROM key_check WHERE keyRole = ? AND keyVersion = ?", arguments: [role, version]),
                       !KeyCheck.matches(stored, key, role: role, version: version) {
                        throw WrongStoreKey(role: role)
                    }
                }
            }
        }
    }

    /// After migrating: compares the recorded check of every version; records the ones not there
    /// yet. A store made before key checks existed has no row for version 1: then `probe` must
    /// first open one of its sealed values with the key (when it has any), so an old store is not
    /// "adopted" by a wrong key. A later version without a row is one `keys rotate` created and had
    /// not recorded yet (it records before sealing anything under it): nothing is sealed under it.
    static func verifyOrRecord(
        _ writer: any DatabaseWriter, keys: [(role: String, ring: KeyRing)], probe: @escaping @Sendable (Database) throws -> Bool
    ) throws {
        try writer.write { db in
            for (role, ring) in keys {
                for (version, key) in ring.keys.sorted(by: { $0.key < $1.key }) {
                    let stored = try Data.fetchOne(
                        db, sql: "SELECT mac FROM key_check WHERE keyRole = ? AND keyVersion = ?", arguments: [role, version])
                    if let stored {
                        guard KeyCheck.matches(stored, key, role: role, version: version) else { throw WrongStoreKey(role: role) }
                    } else {
                        if version == 1 { guard try probe(db) else { throw WrongStoreKey(role: role) } }
                        try record(db, role: role, version: version, key: key)
                    }
                }
            }
        }
    }

    static func record(_ db: Database, role: String, version: Int, key: KeyMaterial) throws {
        try db.execute(sql: "INSERT OR IGNORE INTO key_check (keyRole, keyVersion, mac) VALUES (?, ?, ?)",
                       arguments: [role, version, KeyCheck.mac(key, role: role, version: version)])
    }
}
