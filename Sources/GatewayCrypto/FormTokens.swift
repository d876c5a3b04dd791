import Crypto
import Foundation
import GatewayCore

/// Hidden-field tokens for forms that have no session to hang a CSRF token on (staff sign-in) or
/// must be submitted once (the citizen's booking confirmation): the minute issued and a random
/// nonce, MAC-signed under a key that lives only in memory, bound to a purpose. Another website
/// cannot mint one; a restart invalidates them all (the form is simply shown again).
public struct FormTokenSigner: Sendable {
    private let key: SymmetricKey
    private let random: any RandomSource

    public init(random: any RandomSource) {
        self.key = SymmetricKey(data: random.bytes(32))
        self.random = random
    }

    public func issue(purpose: String, at now: Date) -> String {
        let minute = UInt32(clamping: Int(now.timeIntervalSince1970 / 60))
        let payload = withUnsafeBytes(of: minute.bigEndian) { Array($0) } + random.bytes(12)
        return Base64URL.encode(payload + mac(payload, purpose))
    }

    /// The token's nonce (to remember it as used) when it is genuine, for this purpose, and younger
    /// than `lifetime`; nil otherwise.
    public func verify(_ token: String?, purpose: String, at now: Date, lifetime: TimeInterval) -> String? {
        guard let token, token.count <= 64, let bytes = Base64URL.decode(token), bytes.count == 32 else { return nil }
        let payload = Array(bytes.prefix(16)), sent = Array(bytes.suffix(16))
        guard zip(sent, mac(payload, purpose)).reduce(UInt8(0), { $0 | ($1.0 ^ $1.1) }) == 0 else { return nil }
        let minute = payload.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let age = now.timeIntervalSince1970 - TimeInterval(minute) * 60
        guard age >= -60, age <= lifetime + 60 else { return nil }
        return payload.hexString
    }

    private func mac(_ payload: [UInt8], _ purpose: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Data("anongate/form/v1|\(purpose)|".utf8) + payload, using: key).prefix(16))
    }
}
