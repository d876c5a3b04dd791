import Foundation

/// The deployment's settings: services, providers, referrals, booking policy. Built and
/// validated by `GatewayConfig`; everything here is already known to be consistent.
public struct GatewayConfiguration: Sendable {
    public var timeZone: TimeZone
    public var booking: BookingPolicy
    public var rateLimit: RateLimitPolicy
    public var storage: StoragePolicy
    public var retention: RetentionPolicy
    /// The published figures' smallest shown count (`statistics.minimumCellSize`).
    public var statistics: StatisticsPolicy
    public var closures: Closures
    public var services: [ServiceDefinition]
    public var providers: [ProviderDefinition]
    public var referrals: [ReferralID: Referral]
    public var complaints: ComplaintsInformation
    /// The web accessibility law's statement for this site (`site.accessibilityStatement`), linked
    /// from every citizen page's footer.
    public var accessibilityStatement: String = "https://www.was.digst.dk/kk-dk"

    public init(
        timeZone: TimeZone, booking: BookingPolicy, rateLimit: RateLimitPolicy, storage: StoragePolicy, retention: RetentionPolicy,
        closures: Closures, services: [ServiceDefinition], providers: [ProviderDefinition], referrals: [ReferralID: Referral],
        complaints: ComplaintsInformation, statistics: StatisticsPolicy = StatisticsPolicy(minimumCellSize: 5)
    ) {
        self.timeZone = timeZone; self.booking = booking; self.rateLimit = rateLimit; self.storage = storage; self.retention = retention
        self.statistics = statistics
        self.closures = closures
        self.services = services; self.providers = providers; self.referrals = referrals; self.complaints = complaints
    }

    public func service(_ id: ServiceID) -> ServiceDefinition? { services.first { $0.id == id } }
    public func provider(_ id: ProviderID) -> ProviderDefinition? { providers.first { $0.id == id } }
    public func providers(offering service: ServiceID) -> [ProviderDefinition] {
        providers.filter { $0.services.contains(service) }
    }
    /// The providers whose times a provider's phone staff book: its own, and those booked through
    /// its number until their address is known (issue 10).
    public func providersBookedByPhone(at provider: ProviderID) -> Set<ProviderID> {
        Set(providers.filter { $0.id == provider || $0.bookedThrough == provider }.map(\.id))
    }
    /// The providers whose times citizens book themselves.
    public func webProviders(offering service: ServiceID) -> [ProviderDefinition] {
        providers.filter { $0.services.contains(service) && $0.isBookableOnTheWeb }
    }
}

public struct BookingPolicy: Sendable, Hashable {
    /// How far ahead a citizen can book (the treatment guarantee is 14 days, §101 stk. 4).
    public var horizonDays: Int
    /// Slots starting sooner than this are no longer offered.
    public var minimumNoticeMinutes: Int
    /// The most days one slot listing may span.
    public var maximumDaysPerListing: Int
    public init(horizonDays: Int, minimumNoticeMinutes: Int, maximumDaysPerListing: Int) {
        self.horizonDays = horizonDays; self.minimumNoticeMinutes = minimumNoticeMinutes
        self.maximumDaysPerListing = maximumDaysPerListing
    }
}

public struct RateLimitPolicy: Sendable, Hashable {
    public var bookingsPerClientPerHour: Int
    /// Per Copenhagen day (the counters and their key are replaced at local midnight).
    public var bookingsPerClientPerDay: Int
    /// Live (future) bookings one client may hold per service, so nobody hoards a week of places.
    public var liveBookingsPerClientPerService: Int
    /// Reverse proxies whose `X-Forwarded-For` is believed. Empty: the header is ignored.
    public var trustedProxies: [IPNetwork]
    public init(bookingsPerClientPerHour: Int, bookingsPerClientPerDay: Int, liveBookingsPerClientPerService: Int, trustedProxies: [IPNetwork]) {
        self.bookingsPerClientPerHour = bookingsPerClientPerHour
        self.bookingsPerClientPerDay = bookingsPerClientPerDay
        self.liveBookingsPerClientPerService = liveBookingsPerClientPerService
        self.trustedProxies = trustedProxies
    }
}

/// How the databases are kept.
public struct StoragePolicy: Sendable, Hashable {
    /// Every this many seconds both WAL files are checkpointed and truncated: the longest time the
    /// WAL keeps old page images (write order, ciphertext of cancelled values).
    public var walCheckpointSeconds: Int
    public init(walCheckpointSeconds: Int) { self.walCheckpointSeconds = walCheckpointSeconds }
}

/// Days on which nothing is open.
public struct Closures: Sendable, Hashable {
    public var danishPublicHolidays: Bool
    /// Yearly closed days (month, day), e.g. Grundlovsdag, juleaftensdag.
    public var everyYear: [MonthDay]
    public var extraDates: Set<CalendarDay>

    public init(danishPublicHolidays: Bool, everyYear: [MonthDay], extraDates: Set<CalendarDay>) {
        self.danishPublicHolidays = danishPublicHolidays; self.everyYear = everyYear; self.extraDates = extraDates
    }

    public func isClosed(_ day: CalendarDay) -> Bool {
        if danishPublicHolidays && DanishHolidays.isHoliday(day) { return true }
        if everyYear.contains(where: { $0.month == day.month && $0.day == day.day }) { return true }
        return extraDates.contains(day)
    }
}

public struct MonthDay: Hashable, Sendable {
    public let month: Int
    public let day: Int
    /// Parses `MM-DD`.
    public init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let m = Int(parts[0]), let d = Int(parts[1]),
              (1...12).contains(m), (1...CalendarDay.daysIn(month: m, year: 2024)).contains(d) else { return nil }
        month = m; day = d
    }
}

public struct ServiceDefinition: Sendable, Hashable {
    public var id: ServiceID
    public var name: LocalizedText
    public var summary: LocalizedText
    public var eligibleAgeBands: [AgeBand]
    public var sessionLimit: SessionLimit
    public var noShowCounts: Bool
    /// The first conversation a citizen books (clarifying conversation for PAS).
    public var firstConversation: LocalizedText
    public var conversationMinutes: Int

    public init(
        id: ServiceID, name: LocalizedText, summary: LocalizedText, eligibleAgeBands: [AgeBand],
        sessionLimit: SessionLimit, noShowCounts: Bool, firstConversation: LocalizedText, conversationMinutes: Int
    ) {
        self.id = id; self.name = name; self.summary = summary; self.eligibleAgeBands = eligibleAgeBands
        self.sessionLimit = sessionLimit; self.noShowCounts = noShowCounts
        self.firstConversation = firstConversation; self.conversationMinutes = conversationMinutes
    }
}

public struct ContactPlace: Sendable, Hashable {
    public var name: String
    public var address: [String]
    public var phone: String?
    public init(name: String, address: [String], phone: String?) {
        self.name = name; self.address = address; self.phone = phone
    }
}

public struct ProviderDefinition: Sendable, Hashable {
    public var id: ProviderID
    public var place: ContactPlace
    public var services: [ServiceID]
    public var openingHours: WeeklyHours
    /// Conversations at the same time across all of the provider's services: one set of counsellors
    /// (issue 10). Each booking holds one of these seats for its whole conversation.
    public var capacityPerSlot: Int
    /// How to find the door once there ("entrance from the courtyard"); only what the provider has said.
    public var wayIn: LocalizedText?
    /// Set when this provider's address and phone are not yet known: its times are then booked only
    /// by phone, through that provider's number, and never offered on the web (issue 10).
    public var bookedThrough: ProviderID?

    public init(id: ProviderID, place: ContactPlace, services: [ServiceID], openingHours: WeeklyHours, capacityPerSlot: Int,
                wayIn: LocalizedText? = nil, bookedThrough: ProviderID? = nil) {
        self.id = id; self.place = place; self.services = services
        self.openingHours = openingHours; self.capacityPerSlot = capacityPerSlot
        self.wayIn = wayIn; self.bookedThrough = bookedThrough
    }

    /// Whether citizens may book this provider's times themselves (on the page or through the API).
    public var isBookableOnTheWeb: Bool { bookedThrough == nil }
}

public struct Referral: Sendable, Hashable {
    public var id: ReferralID
    public var title: LocalizedText
    public var explanation: LocalizedText
    public var hours: LocalizedText
    public var places: [ContactPlace]
    public init(id: ReferralID, title: LocalizedText, explanation: LocalizedText, hours: LocalizedText, places: [ContactPlace]) {
        self.id = id; self.title = title; self.explanation = explanation; self.hours = hours; self.places = places
    }
}

/// What a decision letter must say about complaints (§101a stk. 6, QS 6.2, 6.6).
public struct ComplaintsInformation: Sendable, Hashable {
    public var treatmentComplaints: LocalizedText
    public var citizensAdvisor: ContactPlace
    public init(treatmentComplaints: LocalizedText, citizensAdvisor: ContactPlace) {
        self.treatmentComplaints = treatmentComplaints; self.citizensAdvisor = citizensAdvisor
    }
}

/// Counts from 1 to `minimumCellSize − 1` are published as "<k" (at least 3).
public struct StatisticsPolicy: Sendable, Hashable {
    public var minimumCellSize: Int
    public init(minimumCellSize: Int) { self.minimumCellSize = minimumCellSize }
}
