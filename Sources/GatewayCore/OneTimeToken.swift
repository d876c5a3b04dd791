/// A one-time pseudonymous reference, e.g. `7K3M-Q9TX-2B8R-WZ4N-HJ6Q`.
///
/// 19 Crockford base32 data symbols (95 bits from the CSPRNG) and one check symbol, in
/// groups of four so it can be read over the phone. The check symbol is a weighted sum over
/// GF(32) with distinct weights αⁱ: every single wrong symbol and every swap of two
/// neighbours changes the sum, so both are always detected — and, unlike Crockford's
/// mod-37 check, it never needs one of `*~$=U`, which are hard to say aloud.
public struct OneTimeToken: Hashable, Sendable, CustomStringConvertible {
    public static let dataSymbols = 19
    public static let length = dataSymbols + 1
    public static let randomBits = dataSymbols * 5

    /// Crockford's alphabet: no I, L, O or U.
    public static let alphabet: [Character] = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    /// The 20 symbols, upper case, no separators. This is what gets hashed.
    public let canonical: String

    private init(canonical: String) { self.canonical = canonical }

    /// Builds a token from at least 12 random bytes (only the first 95 bits are used).
    public init(randomBytes: [UInt8]) {
        precondition(randomBytes.count * 8 >= Self.randomBits, "a token needs \(Self.randomBits) random bits")
        var values: [UInt8] = []
        values.reserveCapacity(Self.length)
        for index in 0..<Self.dataSymbols {
            values.append(Self.fiveBits(randomBytes, at: index * 5))
        }
        values.append(GF32.checkSymbol(for: values))
        self.canonical = String(values.map { Self.alphabet[Int($0)] })
    }

    public init(generatingWith random: any RandomSource) {
        self.init(randomBytes: random.bytes(12))
    }

    /// Reads what a person typed: case, spaces and hyphens are ignored; O reads as 0, I and L as 1.
    public static func parse(_ input: String) throws(TokenFormatError) -> OneTimeToken {
        var values: [UInt8] = []
        for character in input {
            if character == "-" || character == " " || character == "\u{00A0}" || character == "\t" { continue }
            guard let value = symbolValue(character) else {
                throw .invalidCharacter
            }
            values.append(value)
            if values.count > length { throw .wrongLength }
        }
        guard values.count == length else { throw .wrongLength }
        guard GF32.weightedSum(values) == 0 else { throw .checkFailed }
        return OneTimeToken(canonical: String(values.map { alphabet[Int($0)] }))
    }

    /// Grouped for display and reading aloud: `XXXX-XXXX-XXXX-XXXX-XXXX`.
    public var formatted: String {
        var groups: [String] = []
        var current = ""
        for character in canonical {
            current.append(character)
            if current.count == 4 { groups.append(current); current = "" }
        }
        if !current.isEmpty { groups.append(current) }
        return groups.joined(separator: "-")
    }

    /// Never print a token by accident (logs, string interpolation in errors).
    public var description: String { "OneTimeToken(redacted)" }

    static func symbolValue(_ character: Character) -> UInt8? {
        // ASCII through a table (every valid symbol is ASCII); the table maps O to 0, I and L to 1, either case.
        guard let ascii = character.asciiValue else { return nil }
        let value = asciiSymbols[Int(ascii)]
        return value == 0xFF ? nil : value
    }

    private static let asciiSymbols: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 128)
        for (index, symbol) in alphabet.enumerated() {
            table[Int(symbol.asciiValue!)] = UInt8(index)
            table[Int(Character(symbol.lowercased()).asciiValue!)] = UInt8(index)
        }
        for (letter, value) in [("O", 0), ("o", 0), ("I", 1), ("i", 1), ("L", 1), ("l", 1)] as [(Character, UInt8)] {
            table[Int(letter.asciiValue!)] = value
        }
        return table
    }()

    private static func fiveBits(_ bytes: [UInt8], at bitOffset: Int) -> UInt8 {
        var value: UInt8 = 0
        for bit in 0..<5 {
            let position = bitOffset + bit
            let byte = bytes[position / 8]
            let isSet = (byte >> (7 - UInt8(position % 8))) & 1
            value = (value << 1) | isSet
        }
        return value
    }
}

public enum TokenFormatError: Error, Equatable, Sendable {
    case wrongLength
    case invalidCharacter
    case checkFailed
}

/// Arithmetic in GF(2⁵) with the primitive polynomial x⁵ + x² + 1; α = x generates all 31 non-zero elements.
enum GF32 {
    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        var a = a, b = b, product: UInt8 = 0
        while b != 0 {
            if b & 1 != 0 { product ^= a }
            b >>= 1
            a <<= 1
            if a & 0b10_0000 != 0 { a ^= 0b10_0101 }
        }
        return product
    }

    static func power(_ exponent: Int) -> UInt8 {
        var result: UInt8 = 1
        for _ in 0..<(exponent % 31) { result = multiply(result, 2) }
        return result
    }

    static func inverse(_ a: UInt8) -> UInt8 {
        // a³¹ = 1, so a⁻¹ = a³⁰.
        var result: UInt8 = 1
        for _ in 0..<30 { result = multiply(result, a) }
        return result
    }

    /// Σ αⁱ·dᵢ over all positions; zero for a valid token.
    static func weightedSum(_ values: [UInt8]) -> UInt8 {
        var sum: UInt8 = 0
        for (index, value) in values.enumerated() { sum ^= multiply(power(index), value) }
        return sum
    }

    /// The symbol for position `data.count` that makes the weighted sum zero.
    static func checkSymbol(for data: [UInt8]) -> UInt8 {
        multiply(inverse(power(data.count)), weightedSum(data))
    }
}
