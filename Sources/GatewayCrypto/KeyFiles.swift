import Crypto
import Foundation
import GatewayCore
#if canImport(Glibc)
import Glibc
#endif

/// The key files in `Keys/`. Each process path loads only the keys it needs.
public enum KeyRole: String, CaseIterable, Sendable {
    /// Seals sensitive columns of `anonymous.sqlite` (and, later, wraps per-case keys).
    case anonymousStore = "anonymous-store"
    /// Seals sensitive columns of `identified.sqlite`.
    case identifiedStore = "identified-store"
    /// HMAC key under which one-time tokens are stored; without it no token can be looked up.
    case tokenPepper = "token-pepper"

    public var fileName: String { "\(rawValue).key" }
}

public enum KeyFileError: Error, CustomStringConvertible, Equatable {
    case missing(path: String)
    case malformed(path: String, reason: String)
    case tooOpen(path: String, mode: String)
    case unreadable(path: String, reason: String)
    case cannotCreate(path: String, reason: String)

    public var description: String {
        switch self {
        case .missing(let path):
            return "\(path) is missing. If its database exists, restore the key from your key backup; on a new install `anongate keys init --data DIR` creates it."
        case .malformed(let path, let reason):
            return "\(path) is malformed: \(reason). A key file holds 32 random bytes in base64 on one line."
        case .tooOpen(let path, let mode):
            return "\(path) is readable by group or others (mode \(mode)). Run `chmod 600 \(path)`."
        case .unreadable(let path, let reason):
            return "\(path) cannot be read: \(reason)"
        case .cannotCreate(let path, let reason):
            return "\(path) cannot be created: \(reason)"
        }
    }
}

/// A folder of key files: 32 random bytes each, base64 on one line, mode 0600.
public struct KeyDirectory: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    public func filePath(_ role: KeyRole) -> String { (path as NSString).appendingPathComponent(role.fileName) }

    /// Which roles have a key file (of any version).
    public func existingRoles() -> [KeyRole] {
        KeyRole.allCases.filter { !versions($0).isEmpty }
    }

    /// Loads one key, refusing files that are missing, malformed or readable by group/others.
    public func load(_ role: KeyRole) throws(KeyFileError) -> KeyMaterial { try load(file: filePath(role)) }

    /// Loads a key file by path (the roles' files and the monthly backup keys), with the same checks.
    public func load(file: String) throws(KeyFileError) -> KeyMaterial {
        var info = stat()
        guard stat(file, &info) == 0 else {
            if errno == ENOENT { throw .missing(path: file) }
            throw .unreadable(path: file, reason: String(cString: strerror(errno)))
        }
        let permissions = info.st_mode & 0o777
        guard permissions & 0o077 == 0 else { throw .tooOpen(path: file, mode: String(permissions, radix: 8)) }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw .unreadable(path: file, reason: "permission denied")
        }
        guard data.count < 200, var text = String(data: data, encoding: .utf8) else {
            throw .malformed(path: file, reason: "not a short text file")
        }
        if text.hasSuffix("\n") { text.removeLast() }
        guard let bytes = Data(base64Encoded: text), bytes.count == 32 else {
            throw .malformed(path: file, reason: "not 32 bytes of base64")
        }
        return KeyMaterial(SymmetricKey(data: bytes))
    }

    /// Creates every missing key file (mode 0600); never overwrites one. Returns the files it created.
    @discardableResult
    public func createMissing(random: any RandomSource) throws(KeyFileError) -> [String] {
        try create(KeyRole.allCases, random: random)
    }

    /// Creates the given key files that do not exist yet (mode 0600); never overwrites one.
    @discardableResult
    public func create(_ roles: [KeyRole], random: any RandomSource) throws(KeyFileError) -> [String] {
        var created: [String] = []
        for role in roles {
            if try createFile(at: filePath(role), random: random) { created.append(filePath(role)) }
        }
        return created
    }

    /// Creates one key file (mode 0600) unless it exists; answers whether it created it.
    @discardableResult
    func createFile(at file: String, random: any RandomSource) throws(KeyFileError) -> Bool {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .cannotCreate(path: path, reason: error.localizedDescription)
        }
        // O_EXCL: if the file appeared meanwhile, it is kept, never replaced.
        let descriptor = open(file, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        if descriptor < 0 {
            if errno == EEXIST { return false }
            throw .cannotCreate(path: file, reason: String(cString: strerror(errno)))
        }
        let line = Array((Data(random.bytes(32)).base64EncodedString() + "\n").utf8)
        let written = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        fsync(descriptor)
        close(descriptor)
        guard written == line.count else {
            unlink(file)
            throw .cannotCreate(path: file, reason: "short write")
        }
        return true
    }
}

/// 256 bits of key material from a key file (or a test). Opaque outside this module.
public struct KeyMaterial: Sendable {
    let key: SymmetricKey
    init(_ key: SymmetricKey) { self.key = key }
    public init(bytes: [UInt8]) {
        precondition(bytes.count == 32, "keys are 32 bytes")
        self.key = SymmetricKey(data: bytes)
    }
    public static func random(_ source: any RandomSource) -> KeyMaterial { KeyMaterial(bytes: source.bytes(32)) }
}
