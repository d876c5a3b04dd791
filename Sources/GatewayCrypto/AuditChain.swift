import Crypto
import Foundation

/// One access-log entry as the chain sees it: its place in the chain (`seq`, 1, 2, 3, … across
/// purges) and every field an auditor reads.
public struct AuditFields: Sendable, Equatable {
    public var seq: Int64
    public var day: String
    public var actor: String
    public var provider: String
    public var action: String
    public var caseCode: String

    public init(seq: Int64, day: String, actor: String, provider: String, action: String, caseCode: String) {
        self.seq = seq; self.day = day; self.actor = actor; self.provider = provider; self.action = action; self.caseCode = caseCode
    }
}

/// The keys of the tamper-evident access log, derived from the anonymous store's key.
///
/// Each entry carries `entryMAC` (its own fields and place) and `chainMAC` (its entry MAC chained
/// to the previous entry's chain MAC), so a changed entry fails its own MAC, a removed, inserted or
/// reordered one breaks the places or the chain. Checkpoints are signed with an Ed25519 key
/// derived from the same key: anyone holding only the public key can check a checkpoint copied
/// out of the database (the daily log line), which a rollback of the whole file cannot undo.
public struct AuditChain: Sendable {
    private let macKey: SymmetricKey
    private let signingKey: Curve25519.Signing.PrivateKey

    /// The chain value before the first entry ever written.
    public static let genesis = Data(repeating: 0, count: 32)

    public init(storeKey: KeyMaterial) {
        let salt = Data("anongate-hkdf-salt-v1".utf8)
        self.macKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: storeKey.key, salt: salt, info: Data("anongate/v1/access-log-chain".utf8), outputByteCount: 32)
        let seed = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: storeKey.key, salt: salt, info: Data("anongate/v1/access-log-checkpoint".utf8), outputByteCount: 32)
        // 32 bytes of HKDF output are a valid Ed25519 seed; this cannot fail.
        self.signingKey = seed.withUnsafeBytes { try! Curve25519.Signing.PrivateKey(rawRepresentation: Data($0)) }
    }

    public func entryMAC(_ fields: AuditFields) -> Data {
        mac("entry", "\(fields.seq)", fields.day, fields.actor, fields.provider, fields.action, fields.caseCode)
    }

    public func chainMAC(previous: Data, entryMAC: Data) -> Data {
        var message = Data("anongate/audit/chain".utf8)
        message.append(previous)
        message.append(entryMAC)
        return Data(HMAC<SHA256>.authenticationCode(for: message, using: macKey))
    }

    /// The head row (the last entry's place and chain value), so removing entries from the end shows.
    public func headMAC(seq: Int64, chain: Data) -> Data { mac("head", "\(seq)", chain.base64EncodedString()) }

    /// The anchor row a purge leaves: where the remaining chain starts.
    public func anchorMAC(seq: Int64, chain: Data) -> Data { mac("anchor", "\(seq)", chain.base64EncodedString()) }

    public func signCheckpoint(seq: Int64, chain: Data) -> Data {
        // Ed25519 signing only fails on a malformed key, which a derived key never is.
        try! signingKey.signature(for: Self.checkpointMessage(seq: seq, chain: chain))
    }

    /// The public half of the checkpoint key, raw (32 bytes).
    public var checkpointPublicKey: Data { signingKey.publicKey.rawRepresentation }

    public static func checkpointIsValid(seq: Int64, chain: Data, signature: Data, publicKey: Data) -> Bool {
        // `try?`: a public key that does not parse verifies nothing — the checkpoint is refused (fail closed).
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: checkpointMessage(seq: seq, chain: chain))
    }

    static func checkpointMessage(seq: Int64, chain: Data) -> Data {
        Data("anongate/audit/checkpoint|\(seq)|\(chain.base64EncodedString())".utf8)
    }

    private func mac(_ parts: String...) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: FieldSealer.lengthPrefixed("anongate/audit/v1", parts), using: macKey))
    }

    /// Constant-time comparison.
    public static func same(_ a: Data, _ b: Data) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
