extension Sequence where Element == UInt8 {
    /// Lower-case hexadecimal, two digits a byte. (`String(format:)` per byte cost more than the
    /// HMAC it printed on the staff request path.)
    public var hexString: String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
