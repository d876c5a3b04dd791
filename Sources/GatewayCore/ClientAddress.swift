import Foundation

/// An IPv4 or IPv6 address as bytes (4 or 16). Parsed by hand: GatewayCore has no system or NIO
/// dependency, and the two textual forms (RFC 4291 §2.2, including `::` and an embedded IPv4 tail)
/// are small enough to parse exactly and test exhaustively.
public struct IPAddress: Hashable, Sendable, CustomStringConvertible {
    public let bytes: [UInt8]

    public init?(_ text: some StringProtocol) {
        let text = String(text)
        if let v4 = Self.parseV4(Substring(text)) { bytes = v4; return }
        guard let v6 = Self.parseV6(text) else { return nil }
        // An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is that IPv4 client.
        if v6.prefix(12) == [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF] { bytes = Array(v6.suffix(4)) } else { bytes = v6 }
    }

    public var isV4: Bool { bytes.count == 4 }

    public var description: String {
        if isV4 { return bytes.map(String.init).joined(separator: ".") }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }.joined(separator: ":")
    }

    static func parseV4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var result: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  part.count == 1 || part.first != "0", let value = UInt8(part) else { return nil }
            result.append(value)
        }
        return result
    }

    static func parseV6(_ text: String) -> [UInt8]? {
        guard text.count <= 45, text.contains(":") else { return nil }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt8]? {
            if part.isEmpty { return [] }
            var result: [UInt8] = []
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if index == pieces.count - 1, piece.contains(".") {
                    guard let v4 = parseV4(piece) else { return nil }
                    result += v4
                    continue
                }
                guard (1...4).contains(piece.count), let value = UInt16(piece, radix: 16) else { return nil }
                result += [UInt8(value >> 8), UInt8(value & 0xFF)]
            }
            return result
        }
        guard let head = groups(halves[0]) else { return nil }
        if halves.count == 1 { return head.count == 16 ? head : nil }
        guard let tail = groups(halves[1]), head.count + tail.count <= 14 else { return nil }
        return head + Array(repeating: 0, count: 16 - head.count - tail.count) + tail
    }
}

/// An address block in CIDR notation, e.g. `10.0.0.0/8` or `fd00::/8`; a bare address is a /32 or /128.
public struct IPNetwork: Hashable, Sendable, CustomStringConvertible {
    public let address: IPAddress
    public let prefixLength: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let address = IPAddress(parts[0]) else { return nil }
        let bits = address.bytes.count * 8
        if parts.count == 2 {
            guard (1...3).contains(parts[1].count), parts[1].allSatisfy({ $0.isASCII && $0.isNumber }),
                  let length = Int(parts[1]), (0...bits).contains(length) else { return nil }
            prefixLength = length
        } else {
            prefixLength = bits
        }
        self.address = address
    }

    public var description: String { "\(address)/\(prefixLength)" }

    public func contains(_ other: IPAddress) -> Bool {
        guard other.bytes.count == address.bytes.count else { return false }
        var remaining = prefixLength
        for (mine, theirs) in zip(address.bytes, other.bytes) where remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
            guard mine & mask == theirs & mask else { return false }
            remaining -= 8
        }
        return true
    }
}

/// Who the client is, for the rate limiter: never the first `X-Forwarded-For` entry (the client
/// writes it), but the right-most address that is not one of the trusted proxies — starting from
/// the connection's own peer. Without trusted proxies the header is ignored.
public enum ClientAddress {
    /// Longer header values are cut: the right-most entries are the ones that matter.
    static let maximumForwardedEntries = 32

    /// The rate-limit bucket: an IPv4 address, an IPv6 client's /64 (one household or phone gets a
    /// whole /64, so counting single IPv6 addresses would count nothing), or the raw entry when it
    /// is not an address at all.
    public static func bucket(peer: String?, forwardedFor: String?, trustedProxies: [IPNetwork]) -> String {
        var chain: [String] = []
        if !trustedProxies.isEmpty, let forwardedFor {
            chain = forwardedFor.split(separator: ",").suffix(maximumForwardedEntries).map { $0.trimmingCharacters(in: .whitespaces) }
        }
        // No peer is known only in in-process tests; a real connection always has one.
        if let peer { chain.append(peer) }
        for entry in chain.reversed() {
            guard let address = IPAddress(entry) else { return "other:" + String(entry.prefix(64)) }
            if trustedProxies.contains(where: { $0.contains(address) }) { continue }
            return key(address)
        }
        return chain.first.flatMap(IPAddress.init).map(key) ?? "unknown"
    }

    static func key(_ address: IPAddress) -> String {
        if address.isV4 { return "v4:" + address.description }
        let prefix = stride(from: 0, to: 8, by: 2).map { String(UInt16(address.bytes[$0]) << 8 | UInt16(address.bytes[$0 + 1]), radix: 16) }
        return "v6:" + prefix.joined(separator: ":") + "::/64"
    }
}
