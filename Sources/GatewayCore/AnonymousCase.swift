import Foundation

/// A short, readable case code, e.g. `K7MQ-9TXT`: 7 random Crockford symbols and a check symbol.
/// Not derived from anything about the person; only meaningful inside one provider's case list.
public struct CaseCode: Hashable, Sendable, CustomStringConvertible, Comparable {
    public let value: String

    public init(randomBytes: [UInt8]) {
        precondition(randomBytes.count >= 5)
        var symbols: [UInt8] = []
        var bits: UInt64 = 0
        for byte in randomBytes.prefix(5) { bits = (bits << 8) | UInt64(byte) }
        for index in 0..<7 { symbols.append(UInt8((bits >> UInt64(35 - 5 * (index + 1))) & 0x1F)) }
        symbols.append(GF32.checkSymbol(for: symbols))
        let text = String(symbols.map { OneTimeToken.alphabet[Int($0)] })
        value = String(text.prefix(4)) + "-" + String(text.suffix(4))
    }

    public init(generatingWith random: any RandomSource) { self.init(randomBytes: random.bytes(5)) }

    /// Reads a typed case code with the same leniency as tokens.
    public init?(_ text: String) {
        var symbols: [UInt8] = []
        for character in text where character != "-" && character != " " {
            guard let value = OneTimeToken.symbolValue(character), symbols.count < 8 else { return nil }
            symbols.append(value)
        }
        guard symbols.count == 8, GF32.weightedSum(symbols) == 0 else { return nil }
        let canonical = String(symbols.map { OneTimeToken.alphabet[Int($0)] })
        value = String(canonical.prefix(4)) + "-" + String(canonical.suffix(4))
    }

    public var description: String { value }
    public static func < (a: CaseCode, b: CaseCode) -> Bool { a.value < b.value }
}

/// The citizen's use at discharge, against QS 2.2's target (at least 50 % leave drug-free or with
/// reduced use). `unknown` when the counsellor cannot say.
public enum DischargeOutcome: String, Codable, CaseIterable, Sendable {
    case drugFree = "drug-free"
    case reduced
    case unchanged
    case unknown
}

/// Why a case was closed (QS 3.2), plus `transferred` for the crossing to identified care.
public enum DischargeReason: String, Codable, CaseIterable, Sendable {
    case completed
    case otherOffer = "other-offer"
    case hospital
    case other
    case transferred
}

public enum CaseStatus: String, Codable, Sendable {
    case open
    case closed
}

public enum DecisionOutcome: String, Codable, Sendable {
    case granted
    case refused
}
