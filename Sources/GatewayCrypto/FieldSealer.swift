import Crypto
import Foundation
import Synchronization

public enum SealError: Error, Equatable {
    /// Wrong key, tampered bytes, or a ciphertext moved to another table, column or row.
    case cannotOpen
}

/// Seals sensitive column values with AES-256-GCM under a key derived from a store's key.
///
/// The associated data names the table, column and row, so a ciphertext copied to another
/// place fails to open rather than showing up as someone else's answer. A sealed value starts
/// with its format: `1` (sealed under key version 1, before versions were written) or `2`
/// followed by the key version (two bytes), so a rotated store can hold both while it re-seals.
public struct FieldSealer: Sendable {
    static let legacyFormat: UInt8 = 1
    static let versionedFormat: UInt8 = 2
    private let keys: [Int: SymmetricKey]
    /// The version new values are sealed under.
    public let currentVersion: Int

    /// `domain` separates uses of one store key, e.g. `"anongate/v1/anonymous-store/fields"`.
    public init(storeKey: KeyMaterial, domain: String) { self.init(ring: KeyRing(single: storeKey), domain: domain) }

    public init(ring: KeyRing, domain: String) {
        self.keys = ring.keys.mapValues { key in
            HKDF<SHA256>.deriveKey(
                inputKeyMaterial: key.key, salt: Data("anongate-hkdf-salt-v1".utf8), info: Data(domain.utf8), outputByteCount: 32)
        }
        self.currentVersion = ring.current
    }

    public func seal(_ plaintext: Data, table: String, column: String, row: String) throws -> Data {
        let box = try AES.GCM.seal(plaintext, using: keys[currentVersion]!, authenticating: Self.associatedData(table, column, row))
        return Data([Self.versionedFormat, UInt8(currentVersion >> 8), UInt8(currentVersion & 0xFF)]) + box.combined!
    }

    /// The key version a sealed value was sealed under; nil when it is not a sealed value.
    public static func keyVersion(of sealed: Data) -> Int? {
        switch sealed.first {
        case legacyFormat: return 1
        case versionedFormat where sealed.count > 3:
            return Int(sealed[sealed.startIndex + 1]) << 8 | Int(sealed[sealed.startIndex + 2])
        default: return nil
        }
    }

    public func open(_ sealed: Data, table: String, column: String, row: String) throws(SealError) -> Data {
        guard let version = Self.keyVersion(of: sealed), let key = keys[version] else { throw .cannotOpen }
        do {
            let box = try AES.GCM.SealedBox(combined: sealed.dropFirst(sealed.first == Self.legacyFormat ? 1 : 3))
            return try AES.GCM.open(box, using: key, authenticating: Self.associatedData(table, column, row))
        } catch {
            throw .cannotOpen
        }
    }

    public func seal(_ text: String, table: String, column: String, row: String) throws -> Data {
        try seal(Data(text.utf8), table: table, column: column, row: row)
    }

    public func openText(_ sealed: Data, table: String, column: String, row: String) throws(SealError) -> String {
        let data = try open(sealed, table: table, column: column, row: row)
        guard let text = String(data: data, encoding: .utf8) else { throw .cannotOpen }
        return text
    }

    static func associatedData(_ parts: String...) -> Data { lengthPrefixed("anongate/aad/v1", parts) }

    /// A label, then each part with its length in front, so ("ab","c") and ("a","bc") differ.
    static func lengthPrefixed(_ label: String, _ parts: [String]) -> Data {
        var data = Data(label.utf8)
        for part in parts {
            let bytes = Data(part.utf8)
            var length = UInt32(bytes.count).bigEndian
            data.append(Data(bytes: &length, count: 4))
            data.append(bytes)
        }
        return data
    }
}

/// Stores tokens as HMAC-SHA256 under the pepper key: a stolen database alone cannot test guesses.
/// A hash under pepper version 1 is the bare 32-byte MAC (as before versions existed); under a later
/// version it is the version byte followed by the MAC, so the store can tell which version a live
/// token still needs. Lookups try every live version (`candidates`) until the old one is retired.
public final class TokenHasher: Sendable {
    private let ring: Mutex<[Int: SymmetricKey]>

    public convenience init(pepper: KeyMaterial) { self.init(ring: KeyRing(single: pepper)) }

    public init(ring: KeyRing) { self.ring = Mutex(ring.keys.mapValues(\.key)) }

    /// After `keys rotate --store pepper`: new tokens are hashed under the new version.
    public func adopt(_ ring: KeyRing) { self.ring.withLock { $0 = ring.keys.mapValues(\.key) } }

    public var versions: [Int] { ring.withLock { $0.keys.sorted() } }

    /// The hash a new token is stored under (the current version).
    public func hash(_ canonicalToken: String) -> Data {
        let (version, key) = ring.withLock { keys in let version = keys.keys.max()!; return (version, keys[version]!) }
        return Self.hash(canonicalToken, version: version, key: key)
    }

    /// The hash under every live version, current first: a token stored before a rotation is found too.
    public func candidates(_ canonicalToken: String) -> [Data] {
        ring.withLock { keys in keys.keys.sorted(by: >).map { Self.hash(canonicalToken, version: $0, key: keys[$0]!) } }
    }

    public static func version(of hash: Data) -> Int { hash.count == 33 ? Int(hash[hash.startIndex]) : 1 }

    static func hash(_ token: String, version: Int, key: SymmetricKey) -> Data {
        let mac = Data(HMAC<SHA256>.authenticationCode(for: Data("anongate/token/v1|\(token)".utf8), using: key))
        return version == 1 ? mac : Data([UInt8(version)]) + mac
    }
}

/// A keyed hash for in-memory counters (rate limiting). The key lives only in memory.
public struct EphemeralKeyedHasher: Sendable {
    private let key: SymmetricKey

    public init(keyBytes: [UInt8]) { self.key = SymmetricKey(data: keyBytes) }

    public func hash(_ value: String) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: Data(value.utf8), using: key))
    }
}

/// A key check: a MAC of a fixed label under one key. A store records it when it is created and
/// compares it whenever it is opened, so a database is never opened — and never written to — with
/// a key that did not seal it. The MAC reveals nothing about the key.
public enum KeyCheck {
    public static func mac(_ key: KeyMaterial, role: String, version: Int) -> Data {
        let derived = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: key.key, salt: Data("anongate-hkdf-salt-v1".utf8),
            info: Data("anongate/v1/key-check".utf8), outputByteCount: 32)
        return Data(HMAC<SHA256>.authenticationCode(for: Data("anongate key check|\(role)|v\(version)".utf8), using: derived))
    }

    /// Constant-time comparison.
    public static func matches(_ stored: Data, _ key: KeyMaterial, role: String, version: Int) -> Bool {
        let expected = mac(key, role: role, version: version)
        guard stored.count == expected.count else { return false }
        return zip(stored, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
