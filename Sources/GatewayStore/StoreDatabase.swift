import Foundation
import GRDB

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

/// UTC timestamps as ISO 8601 text, exact to the second (appointments only).
enum StoredTime {
    static func text(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}

extension DatabaseError {
    /// A UNIQUE or PRIMARY KEY conflict (a seat or name already taken) — not any other refusal,
    /// such as a trigger's abort, which must surface as a storage failure.
    var isUniquenessViolation: Bool {
        extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE || extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY
    }
}
