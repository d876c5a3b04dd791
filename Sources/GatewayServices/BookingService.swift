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

/// The citizen's booking service: validation, eligibility, slots and bookings. Shared by the
/// web form, the JSON API and phone staff, so all follow exactly the same rules.
public struct BookingService: Sendable {
    public let configuration: GatewayConfiguration
    public let calculator: SlotCalculator
    public let clock: any GatewayClock
    public let random: any RandomSource
    let store: AnonymousStore
    let tokenHasher: TokenHasher
    let listings: SlotListingCache
    /// Limits citizens' bookings per client; phone staff book without it.
    public let rateLimiter: BookingRateLimiter

    public init(configuration: GatewayConfiguration, clock: any GatewayClock, random: any RandomSource,
                store: AnonymousStore, tokenHasher: TokenHasher) {
        self.configuration = configuration
        self.calculator = SlotCalculator(configuration: configuration)
        self.clock = clock; self.random = random; self.store = store; self.tokenHasher = tokenHasher
        self.listings = SlotListingCache(capacity: 512)
        self.rateLimiter = BookingRateLimiter(policy: configuration.rateLimit, timeZone: configuration.timeZone, clock: clock, random: random)
    }

    public var today: CalendarDay { calculator.day(of: clock.now) }

    // MARK: Validation

    public func service(_ raw: String?) throws(ServiceError) -> ServiceDefinition {
        guard let raw, !raw.isEmpty else { throw .missingField("serviceId") }
        guard let id = ServiceID(rawValue: raw), let service = configuration.service(id) else { throw .unknownService }
        return service
    }

    public func ageBand(_ raw: String?) throws(ServiceError) -> AgeBand {
        guard let raw, !raw.isEmpty else { throw .missingField("ageBand") }
        guard let band = AgeBand(rawValue: raw) else { throw .invalidField("ageBand", .oneOf(AgeBand.allCases.map(\.rawValue))) }
        return band
    }

    public func substances(_ raw: [String]?) throws(ServiceError) -> Set<Substance> {
        var result: Set<Substance> = []
        for item in raw ?? [] {
            guard let substance = Substance(rawValue: item) else { throw .invalidField("substances", .oneOf(Substance.allCases.map(\.rawValue))) }
            result.insert(substance)
        }
        return result
    }

    public func answers(_ application: BookingApplication) throws(ServiceError) -> EnquiryAnswers {
        EnquiryAnswers(
            ageBand: try ageBand(application.ageBand), substances: try substances(application.substances),
            receivesOtherSocialSupport: application.receivesOtherSocialSupport,
            personIsEnrolledInTreatment: application.personIsEnrolledInTreatment)
    }

    /// Decides eligibility; a missing answer is bad input, not being eligible names where to go.
    public func assess(_ answers: EnquiryAnswers, for service: ServiceDefinition) throws(ServiceError) {
        let outcome: EligibilityOutcome
        do { outcome = try Eligibility.assess(answers, for: service) } catch { throw .missingAnswer(error) }
        if case .notEligible(let reason, let referrals) = outcome { throw .notEligible(reason, referTo: referrals) }
    }

    public func requests(_ application: BookingApplication) throws(ServiceError) -> BookingRequests {
        func clean(_ text: String?) -> String? {
            guard let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
            return trimmed
        }
        let language = clean(application.interpreterLanguage)
        if let language, language.count > BookingRequests.maximumLanguageLength || language.contains(where: \.isNewline) {
            throw .invalidField("interpreterLanguage", .shortLine(maxLength: BookingRequests.maximumLanguageLength))
        }
        let message = clean(application.message)
        if let message, message.count > BookingRequests.maximumMessageLength {
            throw .invalidField("message", .maxLength(BookingRequests.maximumMessageLength))
        }
        return BookingRequests(interpreterLanguage: language, companion: application.companion ?? false, message: message)
    }

    // MARK: Slots

    /// Bookable slots with free places, earliest first (so *straks* comes first). Citizens are offered
    /// only the providers they may book themselves; phone staff (`byPhone`) see every provider.
    public func offeredSlots(for service: ServiceDefinition, from: CalendarDay?, days: Int?, byPhone: Bool = false) async throws(ServiceError) -> [OfferedSlot] {
        let policy = configuration.booking
        let today = today
        let start = from ?? today
        let span = days ?? policy.maximumDaysPerListing
        guard (1...policy.maximumDaysPerListing).contains(span) else { throw .invalidField("days", .range(1...policy.maximumDaysPerListing)) }
        let lastBookable = today.adding(days: policy.horizonDays - 1)
        guard start <= lastBookable else { throw .invalidField("from", .withinHorizon(days: policy.horizonDays)) }
        let effectiveStart = max(start, today)
        let effectiveDays = min(start.adding(days: span - 1), lastBookable).daysSinceEpoch - effectiveStart.daysSinceEpoch + 1
        guard effectiveDays > 0 else { return [] }
        let slots = calculator.slots(for: service.id, from: effectiveStart, days: effectiveDays, notBefore: earliestStart)
            .filter { byPhone || configuration.provider($0.providerId)?.isBookableOnTheWeb == true }
        let taken: [SlotID: Int]
        do { taken = try await store.takenSeats(in: slots) } catch { throw .storageFailure }
        return slots.compactMap { slot in
            let remaining = slot.capacity - (taken[slot.id] ?? 0)
            return remaining > 0 ? OfferedSlot(slot: slot, remaining: remaining) : nil
        }
    }

    /// A listing answered from memory while the anonymous store has not changed since it was
    /// built: every committed write (a booking, move, cancellation, check-in…) starts a new generation.
    public func cachedListing<Value: Sendable>(
        for service: ServiceDefinition, from: CalendarDay?, days: Int?, build: @Sendable ([OfferedSlot]) -> Value
    ) async throws(ServiceError) -> Value {
        let key = SlotListingCache.Key(
            service: service.id, from: from, days: days, today: today,
            notBeforeMinute: Int((earliestStart.timeIntervalSince1970 / 60).rounded(.up)))
        let generation = store.changeGeneration
        if let cached = listings.value(for: key, generation: generation, as: Value.self) { return cached }
        let value = build(try await offeredSlots(for: service, from: from, days: days))
        listings.store(value, for: key, generation: generation)
        return value
    }

    var earliestStart: Date { clock.now.addingTimeInterval(TimeInterval(configuration.booking.minimumNoticeMinutes * 60)) }

    /// A slot that exists in the schedule and can still be booked. A citizen booking on the web is
    /// told to call when the provider's times are booked by phone only.
    public func bookableSlot(_ raw: String?, for service: ServiceDefinition, byPhone: Bool = false) throws(ServiceError) -> Slot {
        guard let raw, !raw.isEmpty else { throw .missingField("slotId") }
        guard let id = SlotID(raw), let slot = calculator.slot(id), let provider = configuration.provider(id.provider) else { throw .unknownSlot }
        guard slot.serviceId == service.id else { throw .slotServiceMismatch }
        if !byPhone, let through = provider.bookedThrough.flatMap(configuration.provider) {
            throw .bookedByPhone(name: through.place.name, phone: through.place.phone ?? "")
        }
        let lastBookable = today.adding(days: configuration.booking.horizonDays - 1)
        guard slot.start >= earliestStart, id.day <= lastBookable else { throw .unknownSlot }
        return slot
    }

    // MARK: Bookings

    /// Books for a citizen. `client` is the rate-limit bucket of a citizen's request
    /// (`ClientAddress.bucket`); nil for phone staff booking on a caller's behalf.
    public func book(_ application: BookingApplication, client: String?) async throws(ServiceError) -> (OneTimeToken, Booking) {
        let service = try service(application.serviceId)
        let answers = try answers(application)
        try assess(answers, for: service)
        let requests = try requests(application)
        let slot = try bookableSlot(application.slotId, for: service, byPhone: client == nil)
        var reservation: BookingRateLimiter.Reservation?
        if let client {
            switch await rateLimiter.reserve(client: client, service: service.id, starts: slot.start) {
            case .limited(let seconds): throw .rateLimited(retryAfterSeconds: seconds)
            case .admitted(let granted): reservation = granted
            }
        }
        do {
            return try await store(slot, answers: answers, requests: requests, for: service, channel: client == nil ? .phone : .web)
        } catch {
            if let reservation { await rateLimiter.release(reservation) }
            throw error
        }
    }

    private func store(_ slot: Slot, answers: EnquiryAnswers, requests: BookingRequests, for service: ServiceDefinition, channel: BookingChannel)
        async throws(ServiceError) -> (OneTimeToken, Booking) {
        // Substances are kept only where they are asked (PAS): nothing more than the service needs.
        let substances = service.id == .pas ? answers.substances : []
        for _ in 0..<3 {
            let token = OneTimeToken(generatingWith: random)
            do {
                let booking = try await store.book(
                    id: newId(), tokenHash: hash(token), slot: slot, ageBand: answers.ageBand,
                    substances: substances, requests: requests, bookedOn: today, channel: channel)
                return (token, booking)
            } catch .tokenCollision {
                continue
            } catch {
                throw Self.error(error)
            }
        }
        throw .storageFailure
    }

    /// 128 random bits as hex: row ids that say nothing.
    public func newId() -> String { random.bytes(16).hexString }

    /// The hash a new token is stored under (the current pepper version).
    func hash(_ token: OneTimeToken) -> Data { tokenHasher.hash(token.canonical) }

    /// The hash an existing token was stored under: while an older pepper version is still live
    /// (after `keys rotate --store pepper`), the store says which of the candidates it holds.
    func lookupHash(_ token: OneTimeToken) async throws(ServiceError) -> Data {
        let candidates = tokenHasher.candidates(token.canonical)
        guard candidates.count > 1 else { return candidates[0] }
        do { return try await store.storedTokenHash(among: candidates) ?? candidates[0] } catch { throw .storageFailure }
    }

    public func parseToken(_ text: String?) throws(ServiceError) -> OneTimeToken {
        guard let text, !text.isEmpty else { throw .tokenMissing }
        do { return try OneTimeToken.parse(text) } catch { throw .tokenTypo }
    }

    /// A booking that is still live; cancelled or used tokens are gone.
    public func liveBooking(_ token: OneTimeToken) async throws(ServiceError) -> Booking {
        let tokenHash = try await lookupHash(token)
        do { return try await store.liveBooking(tokenHash: tokenHash) } catch { throw Self.error(error) }
    }

    /// What the token holds now: a live booking, or a follow-up token waiting for the citizen's choice of time.
    public func holding(_ token: OneTimeToken) async throws(ServiceError) -> TokenHolding {
        let tokenHash = try await lookupHash(token)
        do { return try await store.holding(tokenHash: tokenHash) } catch { throw Self.error(error) }
    }

    /// Changes the interpreter and companion of the token's live booking (and its case's, for later sessions).
    public func changeRequests(_ token: OneTimeToken, interpreterLanguage: String?, companion: Bool?) async throws(ServiceError) -> Booking {
        let checked = try requests(BookingApplication(interpreterLanguage: interpreterLanguage, companion: companion))
        let tokenHash = try await lookupHash(token)
        do {
            return try await store.changeRequests(tokenHash: tokenHash, interpreterLanguage: checked.interpreterLanguage, companion: checked.companion)
        } catch {
            throw Self.error(error)
        }
    }

    /// The PAS decision the citizen's live token can read (QS 3.1: in writing): the decided case, or nil.
    public func decidedCase(_ token: OneTimeToken) async throws(ServiceError) -> AnonymousCase? {
        let tokenHash = try await lookupHash(token)
        do { return try await store.decidedCase(tokenHash: tokenHash) } catch { throw Self.error(error) }
    }

    /// What the citizen sees beside a booking of their case: the PAS decision, when there is one, and
    /// the group course the case holds a seat in, with the meetings it came to (issue 10).
    public func caseView(_ token: OneTimeToken) async throws(ServiceError) -> (decided: AnonymousCase?, course: (GroupCourse, Set<Int>)?) {
        let tokenHash = try await lookupHash(token)
        let calculator = calculator
        let view: (AnonymousCase, (GroupCourse, Set<Int>)?)?
        do { view = try await store.caseView(tokenHash: tokenHash, local: { (calculator.day(of: $0), calculator.timeOfDay($0)) }) } catch {
            throw .storageFailure
        }
        guard let (found, course) = view else { return (nil, nil) }
        return (found.decision == nil ? nil : found, course)
    }

    public func cancel(_ token: OneTimeToken) async throws(ServiceError) {
        let tokenHash = try await lookupHash(token)
        do { try await store.cancel(tokenHash: tokenHash) } catch { throw Self.error(error) }
    }

    /// "Forget me": the booking, and its anonymous case with the notes if there is one, deleted now.
    /// Afterwards the token is unknown. Answers whether a case was forgotten.
    @discardableResult
    public func forget(_ token: OneTimeToken) async throws(ServiceError) -> Bool {
        let tokenHash = try await lookupHash(token)
        do { return try await store.forget(tokenHash: tokenHash, today: today) } catch { throw Self.error(error) }
    }

    /// Moves a booking, or chooses the time for a follow-up token (the same token then holds the
    /// booking), or books the conversation a discharge follow-up answer asked for.
    public func reschedule(_ token: OneTimeToken, to rawSlot: String?) async throws(ServiceError) -> Booking {
        let tokenHash = try await lookupHash(token)
        switch try await holding(token) {
        case .dischargeFollowUp(let followUp):
            guard let service = configuration.service(followUp.serviceId) else { throw .unknownService }
            let slot = try bookableSlot(rawSlot, for: service)
            do {
                return try await store.bookFollowUpConversation(tokenHash: tokenHash, slot: slot, bookingId: newId(), today: today)
            } catch {
                throw Self.error(error)
            }
        case .followUp(let followUp):
            guard let service = configuration.service(followUp.serviceId) else { throw .unknownService }
            let slot = try bookableSlot(rawSlot, for: service)
            do {
                return try await store.redeemFollowUp(tokenHash: tokenHash, slot: slot, bookingId: newId(),
                                                      limit: service.sessionLimit, today: today)
            } catch {
                throw CaseService.error(error, tokenContext: true)
            }
        case .booking(let current):
            guard let service = configuration.service(current.serviceId) else { throw .unknownService }
            let slot = try bookableSlot(rawSlot, for: service)
            do { return try await store.reschedule(tokenHash: tokenHash, to: slot) } catch { throw Self.error(error) }
        }
    }

    // MARK: Follow-up after discharge (QS 3.2)

    /// The citizen's follow-up answer. Answers the round answered and, after the one-month round,
    /// the new token for the six-month round.
    public func answerFollowUp(_ token: OneTimeToken, use rawUse: String?, wantsConversation: Bool?) async throws(ServiceError)
        -> (followUp: DischargeFollowUp, next: OneTimeToken?) {
        guard let rawUse, !rawUse.isEmpty else { throw .missingField("use") }
        guard let use = FollowUpUse(rawValue: rawUse) else { throw .invalidField("use", .oneOf(FollowUpUse.allCases.map(\.rawValue))) }
        guard let wantsConversation else { throw .missingField("wantsConversation") }
        let tokenHash = try await lookupHash(token)
        let next = OneTimeToken(generatingWith: random)
        do {
            let answered = try await store.answerFollowUp(tokenHash: tokenHash, use: use, wantsConversation: wantsConversation,
                                                          nextTokenHash: hash(next), today: today)
            return (answered, answered.round == .oneMonth ? next : nil)
        } catch .notFound {
            // Not a follow-up token: say what it is (a booking's, used, cancelled) or that it is unknown.
            switch try await holding(token) {
            case .booking, .followUp, .dischargeFollowUp: throw .followUp(.notAFollowUpToken)
            }
        } catch {
            throw Self.error(error)
        }
    }

    static func error(_ error: FollowUpStoreError) -> ServiceError {
        switch error {
        case .notFound: return .tokenUnknown
        case .refused(let refusal): return .followUp(refusal)
        case .slotFull: return .slotFull
        case .otherPlace: return .slotAtOtherProvider
        case .storageFailure: return .storageFailure
        }
    }

    static func error(_ error: BookingStoreError) -> ServiceError {
        switch error {
        case .notFound: return .tokenUnknown
        case .noLongerValid(let status): return .tokenGone(status)
        case .slotFull: return .slotFull
        case .differentService: return .slotServiceMismatch
        case .otherProvider: return .slotAtOtherProvider
        case .tokenCollision, .storageFailure: return .storageFailure
        }
    }
}
