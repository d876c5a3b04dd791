import Foundation
import GatewayCore

/// One backup key per calendar month (`Keys/backup-YYYY-MM.key`, 32 random bytes, mode 0600):
/// every backup taken in that month is sealed under it. Destroying the key of an old month (the
/// purge job does, `RetentionPolicy.backupKeyExpired`) makes every backup of that month unreadable
/// — and so every case shredded since, wherever those backups are.
public struct BackupKeyring: Sendable {
    public let keys: KeyDirectory

    public init(keys: KeyDirectory) { self.keys = keys }

    public static func fileName(_ period: CalendarMonth) -> String { "backup-\(period).key" }

    public func filePath(_ period: CalendarMonth) -> String { (keys.path as NSString).appendingPathComponent(Self.fileName(period)) }

    /// The months that have a backup key, oldest first.
    public func periods() -> [CalendarMonth] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: keys.path)) ?? []   // no folder: no backup keys
        return names.compactMap { name -> CalendarMonth? in
            guard name.hasPrefix("backup-"), name.hasSuffix(".key") else { return nil }
            return CalendarMonth(iso: String(name.dropFirst("backup-".count).dropLast(".key".count)))
        }.sorted()
    }

    /// The key of a month, created (mode 0600) when it does not exist yet.
    public func key(for period: CalendarMonth, random: any RandomSource) throws(KeyFileError) -> KeyMaterial {
        try keys.createFile(at: filePath(period), random: random)
        return try keys.load(file: filePath(period))
    }

    /// The key of a month for reading a backup; `.missing` when it was destroyed (or never restored).
    public func existingKey(for period: CalendarMonth) throws(KeyFileError) -> KeyMaterial {
        try keys.load(file: filePath(period))
    }

    /// Overwrites the key file with zeros, syncs, and removes it. (On a journaling or copy-on-write
    /// file system the old blocks may survive on the disk itself: SECURITY.md says so.)
    public func destroy(_ period: CalendarMonth) throws(KeyFileError) { try keys.shred(file: filePath(period)) }
}
