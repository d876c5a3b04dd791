/// What a member of staff may do. Every role is bound to one provider.
public enum StaffRole: String, Codable, CaseIterable, Sendable, Hashable {
    case counsellor
    case phone
    case providerAdmin = "provider-admin"
    case manager
    case auditor
}

/// A member of staff as the gateway knows them (identified store).
public struct StaffMember: Sendable, Hashable {
    public var id: String
    public var username: String
    public var providerId: ProviderID
    public var role: StaffRole
    public var disabled: Bool
    public var totpEnabled: Bool

    public init(id: String, username: String, providerId: ProviderID, role: StaffRole, disabled: Bool, totpEnabled: Bool) {
        self.id = id; self.username = username; self.providerId = providerId; self.role = role
        self.disabled = disabled; self.totpEnabled = totpEnabled
    }

    /// Usernames: 3–40 of a–z, 0–9, `.`, `-`, `_`.
    public static func isValidUsername(_ name: String) -> Bool {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789.-_")
        return (3...40).contains(name.count) && name.allSatisfy { allowed.contains($0) }
    }
}

/// Spells a token for reading aloud over the phone, e.g. `7K3M` → "7 – K som Kaj – 3 – M som Mads".
public enum TokenSpelling {
    static let danish: [Character: String] = [
        "A": "Anna", "B": "Bernhard", "C": "Cecilie", "D": "David", "E": "Erik", "F": "Frederik", "G": "Georg",
        "H": "Hans", "J": "Johan", "K": "Karen", "M": "Mari", "N": "Nikolaj", "P": "Peter", "Q": "Quintus",
        "R": "Rasmus", "S": "Søren", "T": "Theodor", "V": "Viggo", "W": "William", "X": "Xerxes", "Y": "Yrsa", "Z": "Zackarias",
    ]

    /// One entry per group of four, each symbol spelled with the Danish spelling alphabet.
    public static func groups(_ token: OneTimeToken) -> [String] {
        token.formatted.split(separator: "-").map { group in
            group.map { symbol in
                if let word = danish[symbol] { return "\(symbol) som \(word)" }
                return "\(symbol)"
            }.joined(separator: " – ")
        }
    }
}
