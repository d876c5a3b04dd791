import Foundation

/// A short, readable case code, e.g. `K7MQ-9TX4`: 7 random Crockford symbols and a check symbol.
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

/// Where a case stands against its service's limit: "conversation 3 of 5".
public struct SessionProgress: Sendable, Hashable {
    public let used: Int
    public let limit: SessionLimit

    public init(used: Int, limit: SessionLimit) { self.used = used; self.limit = limit }

    public var total: Int { limit.totalSessions }
    public var remaining: Int { max(0, total - used) }
    /// Another session may be booked or held.
    public var canContinue: Bool { used < total }
    /// One session left: warn the counsellor.
    public var isLastSession: Bool { remaining == 1 }

    /// What the next session is in a PAS course (§101a stk. 8).
    public enum CoursePhase: String, Sendable { case clarifying, group, concluding, counselling }

    public func phase(ofSession number: Int) -> CoursePhase {
        guard case .boundedCourse(let group, _) = limit else { return .counselling }
        if number == 1 { return .clarifying }
        if number <= 1 + group { return .group }
        return .concluding
    }
}

/// What to do when the anonymous limit is reached (QS 4.4.2; Barnets Lov §32 for under-18s).
public enum BeyondTheLimit {
    public static func guidance(ageBand: AgeBand) -> LocalizedText {
        if ageBand == .under14 || ageBand == .from14To17 {
            return LocalizedText(
                da: "Grænsen for anonyme samtaler er nået. Et længere forløb kræver indskrivning med navn – og for unge under 18 samtykke fra forældremyndighedsindehaveren og godkendelse fra myndighedssagsbehandleren.",
                en: "The limit of anonymous sessions is reached. A longer course requires identified enrolment – and for young people under 18, consent from the holder of parental authority and approval by the municipal caseworker.")
        }
        return LocalizedText(
            da: "Grænsen for anonyme samtaler er nået. Et længere forløb kræver indskrivning med navn i et identificeret behandlingsforløb.",
            en: "The limit of anonymous sessions is reached. A longer course requires identified enrolment in a treatment course.")
    }
}
