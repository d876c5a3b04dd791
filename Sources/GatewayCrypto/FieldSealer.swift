import Crypto
import Foundation

public enum SealError: Error, Equatable {
    /// Wrong key, tampered bytes, or a ciphertext moved to another table, column or row.
    case cannotOpen
}

/// Seals sensitive column values with AES-256-GCM under a key derived from a store's key.
///
/// The associated data names the table, column and row, so a ciphertext copied to another
/// place fails to open rather than showing up as someone else's answer.
public struct FieldSealer: Sendable {
    static let formatVersion: UInt8 = 1
    private let key: SymmetricKey

    /// `domain` separates uses of one store key, e.g. `"anongate/v1/anonymous-store/fields"`.
    public init(storeKey: KeyMaterial, domain: String) {
        self.key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: storeKey.key, salt: Data("anongate-hkdf-salt-v1".utf8),
            info: Data(domain.utf8), outputByteCount: 32)
    }

    public func seal(_ plaintext: Data, table: String, column: String, row: String) throws -> Data {
        let box = try AES.GCM.seal(plaintext, using: key, authenticating: Self.associatedData(table, column, row))
        return Data([Self.formatVersion]) + box.combined!
    }

    public func open(_ sealed: Data, table: String, column: String, row: String) throws(SealError) -> Data {
        guard sealed.first == Self.formatVersion else { throw .cannotOpen }
        do {
            let box = try AES.GCM.SealedBox(combined: sealed.dropFirst())
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

    /// Length-prefixed, so ("ab","c") and ("a","bc") differ.
    static func associatedData(_ parts: String...) -> Data {
        var data = Data("anongate/aad/v1".utf8)
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
public struct TokenHasher: Sendable {
    private let key: SymmetricKey

    public init(pepper: KeyMaterial) { self.key = pepper.key }

    public func hash(_ canonicalToken: String) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: Data("anongate/token/v1|\(canonicalToken)".utf8), using: key))
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
