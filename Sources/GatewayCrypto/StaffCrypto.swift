import Crypto
import CryptoExtras
import Foundation
import GatewayCore

/// Staff passwords: scrypt (RFC 7914) with a 16-byte random salt.
///
/// Defaults N = 2¹⁵, r = 8, p = 1: 32 MiB and roughly 0.1 s per check on one core — slow for
/// an attacker holding a stolen database, tolerable for a sign-in (SECURITY.md gives the figures).
public struct PasswordHasher: Sendable {
    public let logRounds: Int
    public let blockSize: Int
    public let parallelism: Int

    public init(logRounds: Int = 15, blockSize: Int = 8, parallelism: Int = 1) {
        self.logRounds = logRounds; self.blockSize = blockSize; self.parallelism = parallelism
    }

    /// `scrypt$<log2 N>$<r>$<p>$<salt>$<hash>`, base64.
    public func hash(_ password: String, random: any RandomSource) throws -> String {
        let salt = Data(random.bytes(16))
        let derived = try derive(password, salt: salt, logRounds: logRounds, blockSize: blockSize, parallelism: parallelism)
        return "scrypt$\(logRounds)$\(blockSize)$\(parallelism)$\(salt.base64EncodedString())$\(derived.base64EncodedString())"
    }

    /// Constant-time comparison; a malformed stored hash never matches. A derivation that fails
    /// (parameters the library refuses) is a mismatch: the answer fails closed, as a refused sign-in.
    public func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$").map(String.init)
        guard parts.count == 6, parts[0] == "scrypt", let n = Int(parts[1]), let r = Int(parts[2]), let p = Int(parts[3]),
              (10...20).contains(n), (1...16).contains(r), (1...4).contains(p),
              let salt = Data(base64Encoded: parts[4]), let expected = Data(base64Encoded: parts[5]),
              let actual = try? derive(password, salt: salt, logRounds: n, blockSize: r, parallelism: p) else { return false }
        guard actual.count == expected.count else { return false }
        return zip(actual, expected).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// A hash to check against when the user does not exist, so both answers take as long. Should
    /// hashing ever fail, the fallback never matches anything: unknown users stay refused.
    public func decoy(random: any RandomSource) -> String {
        (try? hash(String(decoding: random.bytes(12), as: UTF8.self), random: random)) ?? "scrypt$15$8$1$AA==$AA=="
    }

    private func derive(_ password: String, salt: Data, logRounds: Int, blockSize: Int, parallelism: Int) throws -> Data {
        let key = try KDF.Scrypt.deriveKey(
            from: Data(password.utf8), salt: salt, outputByteCount: 32, rounds: 1 << logRounds,
            blockSize: blockSize, parallelism: parallelism)
        return key.withUnsafeBytes { Data($0) }
    }
}

/// RFC 6238 time-based one-time passwords (HMAC-SHA1, 30 s, 6 digits), as authenticator apps expect.
public enum TOTP {
    public static func code(secret: [UInt8], at date: Date, step: TimeInterval = 30) -> String {
        var counter = UInt64(floor(date.timeIntervalSince1970 / step)).bigEndian
        let message = Data(bytes: &counter, count: 8)
        let mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: message, using: SymmetricKey(data: secret)))
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary = (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16)
            | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        let value = binary % 1_000_000
        let text = String(value)
        return String(repeating: "0", count: 6 - text.count) + text
    }

    /// Accepts the current code and one step either side (clock drift).
    public static func verify(_ code: String, secret: [UInt8], at date: Date) -> Bool {
        matchingStep(code, secret: secret, at: date) != nil
    }

    /// The time step (Unix time / 30) whose code this is, trying the current step and one either
    /// side; nil when none matches. Sign-in remembers the step so a code works once.
    public static func matchingStep(_ code: String, secret: [UInt8], at date: Date, step: TimeInterval = 30) -> Int64? {
        let typed = code.filter { !$0.isWhitespace }
        guard typed.count == 6, typed.allSatisfy(\.isASCII), typed.allSatisfy(\.isNumber) else { return nil }
        let current = Int64(floor(date.timeIntervalSince1970 / step))
        for candidate in [current - 1, current, current + 1] where self.code(secret: secret, at: Date(timeIntervalSince1970: Double(candidate) * step)) == typed {
            return candidate
        }
        return nil
    }

    /// RFC 4648 base32 (no padding), the form authenticator apps take.
    public static func base32(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var result = "", buffer = 0, bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte); bits += 8
            while bits >= 5 { result.append(alphabet[(buffer >> (bits - 5)) & 31]); bits -= 5 }
        }
        if bits > 0 { result.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return result
    }
}

/// Per-case data keys, wrapped by the anonymous store's key. Destroying the wrapped key makes the
/// case's notes unreadable in the live database; a backup taken earlier still holds the wrapped key.
public struct CaseKeyWrapper: Sendable {
    private let wrapping: FieldSealer

    public init(storeKey: KeyMaterial) { self.init(ring: KeyRing(single: storeKey)) }

    public init(ring: KeyRing) {
        wrapping = FieldSealer(ring: ring, domain: "anongate/v1/anonymous-store/case-keys")
    }

    /// Re-wraps a case key under the current store-key version (rotation); the case key itself,
    /// and so every note sealed under it, stays the same.
    public func rewrap(_ wrapped: Data, for caseCode: String) throws -> Data {
        let key = try unwrap(wrapped, for: caseCode)
        return try wrapping.seal(key.key.withUnsafeBytes { Data($0) }, table: "anonymous_case", column: "caseKey", row: caseCode)
    }

    public var currentVersion: Int { wrapping.currentVersion }

    /// A fresh case key and its wrapped form (to store).
    public func newCaseKey(for caseCode: String, random: any RandomSource) throws -> (key: KeyMaterial, wrapped: Data) {
        let bytes = random.bytes(32)
        return (KeyMaterial(bytes: bytes), try wrapping.seal(Data(bytes), table: "anonymous_case", column: "caseKey", row: caseCode))
    }

    public func unwrap(_ wrapped: Data, for caseCode: String) throws(SealError) -> KeyMaterial {
        let bytes = try wrapping.open(wrapped, table: "anonymous_case", column: "caseKey", row: caseCode)
        guard bytes.count == 32 else { throw .cannotOpen }
        return KeyMaterial(bytes: Array(bytes))
    }
}

/// Who on the staff touched a case, recorded in the anonymous store without naming the staff
/// account there: an auditor recomputes the pseudonym for each account to read the log.
public struct StaffPseudonymizer: Sendable {
    private let key: SymmetricKey

    public init(storeKey: KeyMaterial) {
        key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: storeKey.key, salt: Data("anongate-hkdf-salt-v1".utf8),
            info: Data("anongate/v1/anonymous-store/staff-pseudonyms".utf8), outputByteCount: 32)
    }

    public func pseudonym(forStaffId id: String) -> String {
        HMAC<SHA256>.authenticationCode(for: Data(id.utf8), using: key).prefix(12).hexString
    }
}

/// Staff session tokens are 256 random bits, so a plain SHA-256 is enough to keep them out of memory dumps' plain sight.
public enum SessionTokenDigest {
    public static func digest(_ token: String) -> Data { Data(SHA256.hash(data: Data(token.utf8))) }
}
