import Foundation
import GatewayCore
import GatewayCrypto
import GatewayStore

/// A booking request as it arrives from the form or the API, before validation.
public struct BookingApplication: Sendable {
    public var serviceId: String?
    public var slotId: String?
    public var ageBand: String?
    public var substances: [String]?
    public var receivesOtherSocialSupport: Bool?
    public var personIsEnrolledInTreatment: Bool?
    public var interpreterLanguage: String?
    public var companion: Bool?
    public var message: String?

    public init(
        serviceId: String? = nil, slotId: String? = nil, ageBand: String? = nil, substances: [String]? = nil,
        receivesOtherSocialSupport: Bool? = nil, personIsEnrolledInTreatment: Bool? = nil,
        interpreterLanguage: String? = nil, companion: Bool? = nil, message: String? = nil
    ) {
        self.serviceId = serviceId; self.slotId = slotId; self.ageBand = ageBand; self.substances = substances
        self.receivesOtherSocialSupport = receivesOtherSocialSupport
        self.personIsEnrolledInTreatment = personIsEnrolledInTreatment
        self.interpreterLanguage = interpreterLanguage; self.companion = companion; self.message = message
    }
}

public struct OfferedSlot: Sendable, Hashable {
    public let slot: Slot
    public let remaining: Int
}

/// The citizen's booking desk: validation, eligibility, slots and bookings. Shared by the
/// web form and the JSON API, so both follow exactly the same rules.
public struct BookingDesk: Sendable {
    public let configuration: GatewayConfiguration
    public let calculator: SlotCalculator
    let clock: any GatewayClock
    let random: any RandomSource
    let store: AnonymousStore
    let tokenHasher: TokenHasher

    public init(configuration: GatewayConfiguration, clock: any GatewayClock, random: any RandomSource,
                store: AnonymousStore, tokenHasher: TokenHasher) {
        self.configuration = configuration
        self.calculator = SlotCalculator(configuration: configuration)
        self.clock = clock; self.random = random; self.store = store; self.tokenHasher = tokenHasher
    }

    public var today: CalendarDay { calculator.day(of: clock.now) }

    // MARK: Validation

    public func service(_ raw: String?) throws(GatewayProblem) -> ServiceDefinition {
        guard let raw, !raw.isEmpty else { throw .missingField("serviceId") }
        guard let id = ServiceID(rawValue: raw), let service = configuration.service(id) else { throw .unknownService }
        return service
    }

    public func ageBand(_ raw: String?) throws(GatewayProblem) -> AgeBand {
        guard let raw, !raw.isEmpty else { throw .missingField("ageBand") }
        guard let band = AgeBand(rawValue: raw) else {
            let known = AgeBand.allCases.map(\.rawValue).joined(separator: ", ")
            throw .invalidField("ageBand", da: "Aldersgruppen skal være en af: \(known).", en: "ageBand must be one of: \(known).")
        }
        return band
    }

    public func substances(_ raw: [String]?) throws(GatewayProblem) -> Set<Substance> {
        var result: Set<Substance> = []
        for item in raw ?? [] {
            guard let substance = Substance(rawValue: item) else {
                let known = Substance.allCases.map(\.rawValue).joined(separator: ", ")
                throw .invalidField("substances", da: "Stofferne skal være blandt: \(known).", en: "substances must be among: \(known).")
            }
            result.insert(substance)
        }
        return result
    }

    public func answers(_ application: BookingApplication) throws(GatewayProblem) -> EnquiryAnswers {
        EnquiryAnswers(
            ageBand: try ageBand(application.ageBand), substances: try substances(application.substances),
            receivesOtherSocialSupport: application.receivesOtherSocialSupport,
            personIsEnrolledInTreatment: application.personIsEnrolledInTreatment)
    }

    /// Decides eligibility; a missing answer is a 400, not being eligible a 422 naming where to go.
    public func assess(_ answers: EnquiryAnswers, for service: ServiceDefinition) throws(GatewayProblem) {
        let outcome: EligibilityOutcome
        do {
            outcome = try Eligibility.assess(answers, for: service)
        } catch .substancesRequired {
            throw GatewayProblem(.badRequest, "missing-field", title: "Missing field",
                                 da: "Fortæl, hvilke stoffer det drejer sig om.", en: "Say which substances it is about (substances).",
                                 field: "substances")
        } catch {
            throw GatewayProblem(.badRequest, "missing-field", title: "Missing field",
                                 da: "Svar på, om kommunen allerede hjælper dig med andre sociale problemer.",
                                 en: "Answer whether the municipality already helps you with other social problems (receivesOtherSocialSupport).",
                                 field: "receivesOtherSocialSupport")
        }
        if case .notEligible(let reason, let referrals) = outcome {
            throw .notEligible(reason, referrals: referrals)
        }
    }

    public func requests(_ application: BookingApplication) throws(GatewayProblem) -> BookingRequests {
        func clean(_ text: String?) -> String? {
            guard let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
            return trimmed
        }
        let language = clean(application.interpreterLanguage)
        if let language {
            guard language.count <= BookingRequests.maximumLanguageLength, !language.contains(where: \.isNewline) else {
                throw .invalidField("interpreterLanguage", da: "Skriv sproget kort (højst \(BookingRequests.maximumLanguageLength) tegn).",
                                    en: "Name the language briefly (at most \(BookingRequests.maximumLanguageLength) characters).")
            }
        }
        let message = clean(application.message)
        if let message, message.count > BookingRequests.maximumMessageLength {
            throw .invalidField("message", da: "Beskeden må højst være \(BookingRequests.maximumMessageLength) tegn.",
                                en: "The message may be at most \(BookingRequests.maximumMessageLength) characters.")
        }
        return BookingRequests(interpreterLanguage: language, companion: application.companion ?? false, message: message)
    }

    // MARK: Slots

    /// Bookable slots with free places, earliest first (so *straks* comes first).
    public func offeredSlots(for service: ServiceDefinition, from: CalendarDay?, days: Int?) throws(GatewayProblem) -> [OfferedSlot] {
        let policy = configuration.booking
        let start = from ?? today
        let span = days ?? policy.maximumDaysPerListing
        guard (1...policy.maximumDaysPerListing).contains(span) else {
            throw .invalidField("days", da: "days skal være mellem 1 og \(policy.maximumDaysPerListing).",
                                en: "days must be between 1 and \(policy.maximumDaysPerListing).")
        }
        let lastBookable = today.adding(days: policy.horizonDays - 1)
        guard start <= lastBookable else {
            throw .invalidField("from", da: "Der kan bestilles højst \(policy.horizonDays) dage frem.",
                                en: "Times can be booked at most \(policy.horizonDays) days ahead.")
        }
        let effectiveStart = max(start, today)
        let effectiveDays = min(start.adding(days: span - 1), lastBookable).daysSinceEpoch - effectiveStart.daysSinceEpoch + 1
        guard effectiveDays > 0 else { return [] }
        let slots = calculator.slots(for: service.id, from: effectiveStart, days: effectiveDays, notBefore: earliestStart)
        let taken: [SlotID: Int]
        do { taken = try store.takenSeats(in: slots.map(\.id)) } catch { throw .internalFailure }
        return slots.compactMap { slot in
            let remaining = slot.capacity - (taken[slot.id] ?? 0)
            return remaining > 0 ? OfferedSlot(slot: slot, remaining: remaining) : nil
        }
    }

    var earliestStart: Date { clock.now.addingTimeInterval(TimeInterval(configuration.booking.minimumNoticeMinutes * 60)) }

    /// A slot that exists in the schedule and can still be booked.
    public func bookableSlot(_ raw: String?, for service: ServiceDefinition) throws(GatewayProblem) -> Slot {
        guard let raw, !raw.isEmpty else { throw .missingField("slotId") }
        guard let id = SlotID(raw), let slot = calculator.slot(id) else { throw .unknownSlot }
        guard slot.serviceId == service.id else { throw .slotServiceMismatch }
        let lastBookable = today.adding(days: configuration.booking.horizonDays - 1)
        guard slot.start >= earliestStart, id.day <= lastBookable else { throw .unknownSlot }
        return slot
    }

    // MARK: Bookings

    public func book(_ application: BookingApplication) throws(GatewayProblem) -> (OneTimeToken, Booking) {
        let service = try service(application.serviceId)
        let answers = try answers(application)
        try assess(answers, for: service)
        let requests = try requests(application)
        let slot = try bookableSlot(application.slotId, for: service)
        // Substances are kept only where they are asked (PAS): nothing more than the service needs.
        let substances = service.id == .pas ? answers.substances : []
        for _ in 0..<3 {
            let token = OneTimeToken(generatingWith: random)
            let id = newId()
            do {
                let booking = try store.book(
                    id: id, tokenHash: tokenHasher.hash(token.canonical), slot: slot, ageBand: answers.ageBand,
                    substances: substances, requests: requests, bookedOn: today)
                return (token, booking)
            } catch BookingStoreError.slotFull {
                throw .slotFull
            } catch BookingStoreError.tokenCollision {
                continue
            } catch {
                throw .internalFailure
            }
        }
        throw .internalFailure
    }

    /// 128 random bits as hex: row ids that say nothing.
    func newId() -> String { random.bytes(16).map { String($0, radix: 16).leftPadded(2) }.joined() }

    public func parseToken(_ text: String?) throws(GatewayProblem) -> OneTimeToken {
        guard let text, !text.isEmpty else { throw .tokenMissing }
        do { return try OneTimeToken.parse(text) } catch { throw .tokenTypo }
    }

    /// A booking that is still live; cancelled or used tokens answer 410.
    public func liveBooking(_ token: OneTimeToken) throws(GatewayProblem) -> Booking {
        do {
            return try store.liveBooking(tokenHash: tokenHasher.hash(token.canonical))
        } catch {
            throw Self.problem(error)
        }
    }

    public func cancel(_ token: OneTimeToken) throws(GatewayProblem) {
        do { try store.cancel(tokenHash: tokenHasher.hash(token.canonical)) } catch { throw Self.problem(error) }
    }

    /// The case a follow-up token opens the next booking for, if the token is one.
    public func followUpCase(_ token: OneTimeToken) -> AnonymousCase? {
        try? store.followUpCase(tokenHash: tokenHasher.hash(token.canonical))
    }

    /// Chooses the time for a follow-up token: the same token then holds the booking.
    public func redeemFollowUp(_ token: OneTimeToken, for followUp: AnonymousCase, slot rawSlot: String?) throws(GatewayProblem) -> Booking {
        guard let service = configuration.service(followUp.serviceId) else { throw .unknownService }
        let slot = try bookableSlot(rawSlot, for: service)
        do {
            return try store.redeemFollowUp(tokenHash: tokenHasher.hash(token.canonical), slot: slot, bookingId: newId(),
                                            limit: service.sessionLimit, today: today)
        } catch {
            throw CaseDesk.problem(error, tokenContext: true)
        }
    }

    public func reschedule(_ token: OneTimeToken, to rawSlot: String?) throws(GatewayProblem) -> Booking {
        if let followUp = followUpCase(token) { return try redeemFollowUp(token, for: followUp, slot: rawSlot) }
        let current = try liveBooking(token)
        guard let service = configuration.service(current.serviceId) else { throw .unknownService }
        let slot = try bookableSlot(rawSlot, for: service)
        do {
            return try store.reschedule(tokenHash: tokenHasher.hash(token.canonical), to: slot)
        } catch {
            throw Self.problem(error)
        }
    }

    static func problem(_ error: BookingStoreError) -> GatewayProblem {
        switch error {
        case .notFound: return .tokenUnknown
        case .noLongerValid(let status): return .tokenGone(status)
        case .slotFull: return .slotFull
        case .differentService: return .slotServiceMismatch
        case .otherProvider:
            return GatewayProblem(.unprocessableContent, "slot-other-provider", title: "Time at another place",
                                  da: "Dit forløb fortsætter samme sted. Vælg en tid dér, eller ring til stedet.",
                                  en: "Your course continues at the same place. Choose a time there, or call the place.", field: "slotId")
        case .tokenCollision, .storageFailure: return .internalFailure
        }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: Swift.max(0, width - count)) + self }
}
