import Foundation

public enum BookingStatus: String, Codable, Sendable, Hashable {
    case booked
    case cancelled
    case checkedIn = "checked-in"
}

/// What the citizen asked for beside the time. Stored sealed; never logged.
public struct BookingRequests: Sendable, Hashable {
    public static let maximumMessageLength = 1000
    public static let maximumLanguageLength = 60

    public var interpreterLanguage: String?
    public var companion: Bool
    public var message: String?

    public init(interpreterLanguage: String? = nil, companion: Bool = false, message: String? = nil) {
        self.interpreterLanguage = interpreterLanguage; self.companion = companion; self.message = message
    }
}

/// A booked conversation. Identified only by a random id; the token is kept as a keyed hash elsewhere.
public struct Booking: Sendable, Hashable {
    public var id: String
    public var slotId: SlotID
    public var start: Date
    public var end: Date
    public var status: BookingStatus
    public var ageBand: AgeBand
    public var substances: Set<Substance>
    public var requests: BookingRequests
    /// Only the day the booking was made: a timestamp could be joined with logs kept elsewhere.
    public var bookedOn: CalendarDay

    public var serviceId: ServiceID { slotId.service }
    public var providerId: ProviderID { slotId.provider }

    public init(
        id: String, slotId: SlotID, start: Date, end: Date, status: BookingStatus, ageBand: AgeBand,
        substances: Set<Substance>, requests: BookingRequests, bookedOn: CalendarDay
    ) {
        self.id = id; self.slotId = slotId; self.start = start; self.end = end; self.status = status
        self.ageBand = ageBand; self.substances = substances; self.requests = requests; self.bookedOn = bookedOn
    }
}

/// How a booking was made, for the figures (QS 4.3: bookings by web and by phone): `case` is the
/// next session a counsellor booked for a case.
public enum BookingChannel: String, Sendable, CaseIterable {
    case web, phone, `case`
}

/// The interpreter languages offered as a list on the pages (seed 000: "en tolk til stede, hvis der
/// er sprogbarrierer"), with "other" for anything else. Values are the Danish names the staff read.
public enum InterpreterLanguages {
    public static let listed = ["arabisk", "urdu", "tyrkisk", "somali", "farsi", "kurdisk", "tigrinya", "polsk", "engelsk", "tegnsprog"]
    /// The form value that asks for the typed field `interpreterLanguageOther`.
    public static let other = "other"
}
