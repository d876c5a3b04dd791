import Crypto
import Foundation
import GatewayCore
#if canImport(Glibc)
import Glibc
#endif

/// Every version of one key role that is on disk: version 1 is `<role>.key`, later versions are
/// `<role>.v<N>.key`. New values are sealed under the highest (current) version; a value carries
/// the version it was sealed under, so older versions stay readable until rotation re-seals them.
public struct KeyRing: Sendable {
    public let keys: [Int: KeyMaterial]
    public let current: Int

    public init(_ keys: [Int: KeyMaterial]) {
        precondition(!keys.isEmpty, "a key ring holds at least one version")
        self.keys = keys
        self.current = keys.keys.max()!
    }

    /// One key as version 1 (tests, and stores that never rotated).
    public init(single key: KeyMaterial) { self.init([1: key]) }

    public var versions: [Int] { keys.keys.sorted() }
    public var currentKey: KeyMaterial { keys[current]! }
}

extension KeyDirectory {
    public func fileName(_ role: KeyRole, version: Int) -> String { version == 1 ? role.fileName : "\(role.rawValue).v\(version).key" }

    public func filePath(_ role: KeyRole, version: Int) -> String { (path as NSString).appendingPathComponent(fileName(role, version: version)) }

    /// The versions of a role whose files exist, oldest first.
    public func versions(_ role: KeyRole) -> [Int] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []   // no folder: no versions
        var found: [Int] = []
        for name in names {
            if name == role.fileName { found.append(1); continue }
            let prefix = role.rawValue + ".v"
            guard name.hasPrefix(prefix), name.hasSuffix(".key"),
                  let version = Int(name.dropFirst(prefix.count).dropLast(".key".count)), version >= 2 else { continue }
            found.append(version)
        }
        return found.sorted()
    }

    /// Every version of a role, with the same checks as `load`. No version at all is `.missing` for version 1.
    public func loadRing(_ role: KeyRole) throws(KeyFileError) -> KeyRing {
        let versions = versions(role)
        guard !versions.isEmpty else { throw .missing(path: filePath(role)) }
        var keys: [Int: KeyMaterial] = [:]
        for version in versions { keys[version] = try load(file: filePath(role, version: version)) }
        return KeyRing(keys)
    }

    /// Creates the file of the version after the highest one (mode 0600, never overwriting); answers it.
    public func createNextVersion(_ role: KeyRole, random: any RandomSource) throws(KeyFileError) -> Int {
        let next = (versions(role).max() ?? 0) + 1
        try createFile(at: filePath(role, version: next), random: random)
        return next
    }

    /// Retires a version nothing uses any more (`shred`).
    public func retire(_ role: KeyRole, version: Int) throws(KeyFileError) { try shred(file: filePath(role, version: version)) }

    /// Overwrites a key file with zeros, syncs, and removes it; a file already gone is fine. (On a
    /// journaling or copy-on-write file system the old blocks may survive on the device: SECURITY.md.)
    public func shred(file: String) throws(KeyFileError) {
        let descriptor = open(file, O_WRONLY)
        if descriptor >= 0 {
            let zeros = [UInt8](repeating: 0, count: 64)
            _ = zeros.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            fsync(descriptor)
            close(descriptor)
        }
        guard unlink(file) == 0 || errno == ENOENT else { throw .cannotCreate(path: file, reason: String(cString: strerror(errno))) }
    }
}
