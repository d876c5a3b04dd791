import Foundation

/// What a complaint is about (QS 6: "Der er ingen formkrav til klager" — the citizen only says
/// roughly what it concerns, so it reaches the right person and can be counted, QS 4.3).
public enum ComplaintTopic: String, Codable, CaseIterable, Sendable {
    /// The social treatment itself (QS 6.2).
    case treatment
    /// A member of staff or their conduct (QS 6.3: the unit's leader, then the centre management).
    case staff
    /// How the service is run: times, booking, reaching it.
    case service
    /// A §101a decision: it cannot be appealed to another authority (§101a stk. 6), but it can be complained about here.
    case decision
}

public enum ComplaintStatus: String, Codable, Sendable {
    case open
    case handled
}

/// A complaint as the provider's admin reads it. It names no booking, case or token: a token only
/// chooses where it goes, so reading a complaint never tells anyone which case complained.
public struct Complaint: Sendable, Hashable {
    /// The complaint's reference on the staff list and in the access log (the case-code format,
    /// drawn at random, so it says nothing).
    public var code: CaseCode
    public var providerId: ProviderID
    public var serviceId: ServiceID?
    public var about: ComplaintTopic
    public var receivedOn: CalendarDay
    public var text: String
    public var status: ComplaintStatus
    public var handledOn: CalendarDay?

    public init(code: CaseCode, providerId: ProviderID, serviceId: ServiceID?, about: ComplaintTopic, receivedOn: CalendarDay,
                text: String, status: ComplaintStatus, handledOn: CalendarDay?) {
        self.code = code; self.providerId = providerId; self.serviceId = serviceId; self.about = about
        self.receivedOn = receivedOn; self.text = text; self.status = status; self.handledOn = handledOn
    }
}

public enum ComplaintRules {
    /// Long enough for anything a person writes in one go; bounded so one request cannot fill the store.
    public static let maximumTextLength = 5000

    /// Which complaints a member of staff may read: the manager every provider's (nil), a
    /// provider-admin its own provider's.
    public static func readableProvider(for member: StaffMember) -> ProviderID? {
        member.role == .manager ? nil : member.providerId
    }
}
