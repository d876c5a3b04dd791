import Foundation

/// The anonymous services the gateway fronts: PAS (§101a, QS 4.4.3), U-turn and U-turn for parents
/// (QS 4.4.2, 4.4.4), counselling for relatives (QS 4.4.4).
public enum ServiceID: String, Codable, CaseIterable, Sendable, Hashable {
    case pas
    case uturn
    case uturnParents = "uturn-parents"
    case relatives
}

/// Coarse age bands: fine enough for eligibility, too coarse to identify anyone.
public enum AgeBand: String, Codable, CaseIterable, Sendable, Hashable {
    case under14 = "under-14"
    case from14To17 = "14-17"
    case from18To24 = "18-24"
    case from25 = "25-plus"

    public var isAdult: Bool { self == .from18To24 || self == .from25 }
}

/// The substance answers on the PAS enquiry (§101a stk. 1, QS 4.4.3, QS 9.1–9.2).
public enum Substance: String, Codable, CaseIterable, Sendable, Hashable {
    case cannabis
    case cocaine
    case partyDrugs = "party-drugs"
    case opioids
    case alcohol
    case other
}

/// A provider of anonymous services, e.g. `kk-pas`, `frb-pas`, `uturn`, `rbk`.
public struct ProviderID: RawRepresentable, Codable, Hashable, Sendable, Comparable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(from decoder: any Decoder) throws {
        self.rawValue = try decoder.singleValueContainer().decode(String.self)
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
    public var description: String { rawValue }
    public static func < (lhs: ProviderID, rhs: ProviderID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Where someone who is not eligible is sent instead (QS 9.1, 9.2, 4.4.2).
public enum ReferralID: String, Codable, CaseIterable, Sendable, Hashable {
    case alcoholDrugUnits = "alcohol-drug-units"
    case opioidUnits = "opioid-units"
    case uturn
    case pas
    case relativesLine = "relatives-line"
    /// Groups for relatives of someone in treatment, at some of the units (seed 000; QS 4.4.4).
    case relativesGroups = "relatives-groups"
    /// Help for children and young people in families with drug problems (QS 2.5: "Barndom i Balance").
    case childrenInFamilies = "children-in-families"
}

/// Text shown to citizens, in Danish and English and, where given, the other page languages; a
/// language without its own text shows the English one (staff and the API read Danish and English).
public struct LocalizedText: Codable, Sendable, Hashable {
    public var da: String
    public var en: String
    public var ar: String?
    public var ur: String?
    public var tr: String?
    public var so: String?

    public init(da: String, en: String, ar: String? = nil, ur: String? = nil, tr: String? = nil, so: String? = nil) {
        self.da = da; self.en = en; self.ar = ar; self.ur = ur; self.tr = tr; self.so = so
    }

    public func text(_ language: Language) -> String {
        switch language {
        case .da: da
        case .en: en
        case .ar: ar ?? en
        case .ur: ur ?? en
        case .tr: tr ?? en
        case .so: so ?? en
        }
    }

    /// The languages this text is written in itself.
    public var languages: Set<Language> {
        Set(Language.allCases.filter { language in
            switch language {
            case .da, .en: true
            case .ar: ar != nil
            case .ur: ur != nil
            case .tr: tr != nil
            case .so: so != nil
            }
        })
    }
}

/// The languages citizen pages are offered in (issue 10: the languages families in Copenhagen speak).
/// Staff pages and the API's texts are Danish and English.
public enum Language: String, Sendable, CaseIterable {
    case da, en, ar, ur, tr, so

    /// Arabic and Urdu are written right to left.
    public var isRightToLeft: Bool { self == .ar || self == .ur }
    /// The `dir` attribute of a page in this language.
    public var direction: String { isRightToLeft ? "rtl" : "ltr" }
    /// Whether every sentence of the catalog (staff pages included) is in this language.
    public var coversStaffPages: Bool { self == .da || self == .en }
    /// The language's name in itself, for the language choice.
    public var nativeName: String {
        switch self {
        case .da: "Dansk"
        case .en: "English"
        case .ar: "العربية"
        case .ur: "اردو"
        case .tr: "Türkçe"
        case .so: "Soomaali"
        }
    }
}

/// The world, injected: the current instant.
public protocol GatewayClock: Sendable {
    var now: Date { get }
}

public struct SystemClock: GatewayClock {
    public init() {}
    public var now: Date { Date() }
}

/// The world, injected: random bytes. Production uses the system CSPRNG.
public protocol RandomSource: Sendable {
    func bytes(_ count: Int) -> [UInt8]
}

/// `SystemRandomNumberGenerator` reads the kernel CSPRNG (getrandom on Linux).
public struct SystemRandomSource: RandomSource {
    public init() {}
    public func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }
}
