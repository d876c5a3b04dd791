import Foundation
import GatewayCore
import GatewayCrypto
import GatewayStore

/// The staff side's rules over both stores: check-in, the token chain, notes, decisions and the
/// crossing to identified care. Handlers call it after authentication and role checks.
public struct CaseDesk: Sendable {
    let booking: BookingDesk
    let store: AnonymousStore
    let identified: IdentifiedStore

    var configuration: GatewayConfiguration { booking.configuration }
    var now: Date { booking.clock.now }
    var today: CalendarDay { booking.today }
    var limits: [ServiceID: SessionLimit] {
        Dictionary(uniqueKeysWithValues: configuration.services.map { ($0.id, $0.sessionLimit) })
    }

    func limit(_ service: ServiceID) throws(GatewayProblem) -> SessionLimit {
        guard let limit = configuration.service(service)?.sessionLimit else { throw .unknownService }
        return limit
    }

    public func caseCode(_ raw: String?) throws(GatewayProblem) -> CaseCode {
        guard let raw, let code = CaseCode(raw) else { throw .unknownCase }
        return code
    }

    public func checkIn(_ rawToken: String?, by staff: SignedInStaff) throws(GatewayProblem) -> CheckInResult {
        let token = try booking.parseToken(rawToken)
        let calculator = booking.calculator
        do {
            return try store.checkIn(
                tokenHash: booking.tokenHasher.hash(token.canonical), actor: staff.actor, today: today,
                dayOf: { calculator.day(of: $0) }, limits: limits, random: booking.random, now: now)
        } catch {
            throw Self.problem(error, tokenContext: true)
        }
    }

    public func walkIn(service rawService: String?, ageBand rawBand: String?, token rawToken: String?, by staff: SignedInStaff) throws(GatewayProblem) -> CheckInResult {
        if let rawToken, !rawToken.isEmpty {
            let token = try booking.parseToken(rawToken)
            do {
                return try store.walkIn(tokenHash: booking.tokenHasher.hash(token.canonical), actor: staff.actor, today: today,
                                        limits: limits, random: booking.random, now: now)
            } catch {
                throw Self.problem(error, tokenContext: true)
            }
        }
        let service = try booking.service(rawService)
        guard configuration.provider(staff.member.providerId)?.services.contains(service.id) == true else {
            throw GatewayProblem(.unprocessableContent, "service-not-offered", title: "Service not offered here",
                                 da: "Jeres sted tilbyder ikke den tjeneste.", en: "Your provider does not offer that service.", field: "serviceId")
        }
        let band = try booking.ageBand(rawBand)
        if !service.eligibleAgeBands.contains(band) {
            throw GatewayProblem(.unprocessableContent, "not-eligible", title: "Not eligible for this service",
                                 da: "Aldersgruppen passer ikke til tjenesten.", en: "The age band does not fit the service.", field: "ageBand")
        }
        do {
            return try store.walkIn(service: service.id, ageBand: band, actor: staff.actor, today: today,
                                    limit: service.sessionLimit, random: booking.random, now: now)
        } catch {
            throw Self.problem(error, tokenContext: false)
        }
    }

    public func readCase(_ code: CaseCode, by staff: SignedInStaff) throws(GatewayProblem) -> AnonymousCase {
        do { return try store.anonymousCase(code, actor: staff.actor, now: now) } catch { throw Self.problem(error, tokenContext: false) }
    }

    /// Books the next session: a new one-time token for the citizen to take home.
    public func bookNext(_ code: CaseCode, slot rawSlot: String?, by staff: SignedInStaff) throws(GatewayProblem) -> (OneTimeToken, Booking) {
        let current = try readCase(code, by: staff)
        guard let service = configuration.service(current.serviceId) else { throw .unknownService }
        let slot = try booking.bookableSlot(rawSlot, for: service)
        let token = OneTimeToken(generatingWith: booking.random)
        do {
            let (_, booked) = try store.bookNext(
                code: code, slot: slot, tokenHash: booking.tokenHasher.hash(token.canonical), bookingId: booking.newId(),
                actor: staff.actor, limit: service.sessionLimit, today: today, now: now)
            return (token, booked)
        } catch {
            throw Self.problem(error, tokenContext: false)
        }
    }

    public func followUp(_ code: CaseCode, by staff: SignedInStaff) throws(GatewayProblem) -> OneTimeToken {
        let current = try readCase(code, by: staff)
        let token = OneTimeToken(generatingWith: booking.random)
        do {
            try store.issueFollowUp(code: code, tokenHash: booking.tokenHasher.hash(token.canonical), actor: staff.actor,
                                    limit: try limit(current.serviceId), now: now)
        } catch let problem as GatewayProblem {
            throw problem
        } catch let error as CaseStoreError {
            throw Self.problem(error, tokenContext: false)
        } catch {
            throw .internalFailure
        }
        return token
    }

    /// Marks the case's booked session as missed; it counts against the limit only if the config says so.
    public func markNoShow(_ code: CaseCode, by staff: SignedInStaff) throws(GatewayProblem) -> AnonymousCase {
        let current = try readCase(code, by: staff)
        guard let service = configuration.service(current.serviceId) else { throw .unknownService }
        do {
            return try store.markNoShow(code: code, actor: staff.actor, counts: service.noShowCounts, limit: service.sessionLimit,
                                        today: today, now: now)
        } catch {
            throw Self.problem(error, tokenContext: false)
        }
    }

    public func addNote(_ code: CaseCode, text rawText: String?, by staff: SignedInStaff) throws(GatewayProblem) -> String {
        guard let text = rawText?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { throw .missingField("text") }
        guard text.count <= 10_000 else {
            throw .invalidField("text", da: "En note må højst være 10.000 tegn.", en: "A note may be at most 10,000 characters.")
        }
        let id = booking.newId()
        do { try store.addNote(code: code, text: text, noteId: id, actor: staff.actor, today: today, now: now) } catch {
            throw Self.problem(error, tokenContext: false)
        }
        return id
    }

    public func notes(_ code: CaseCode, by staff: SignedInStaff) throws(GatewayProblem) -> [CaseNote] {
        do { return try store.notes(code: code, actor: staff.actor, now: now) } catch { throw Self.problem(error, tokenContext: false) }
    }

    public func destroyNotes(_ code: CaseCode, by staff: SignedInStaff) throws(GatewayProblem) {
        do { try store.destroyNotes(code: code, actor: staff.actor, now: now) } catch { throw Self.problem(error, tokenContext: false) }
    }

    public func decide(_ code: CaseCode, outcome rawOutcome: String?, reason rawReason: String?, referral rawReferral: String?,
                       shareNotes: Bool, by staff: SignedInStaff) throws(GatewayProblem) -> AnonymousCase {
        guard let rawOutcome else { throw .missingField("outcome") }
        guard let outcome = DecisionOutcome(rawValue: rawOutcome) else {
            throw .invalidField("outcome", da: "outcome skal være granted eller refused.", en: "outcome must be granted or refused.")
        }
        guard let reason = rawReason?.trimmingCharacters(in: .whitespacesAndNewlines), !reason.isEmpty else { throw .missingField("reason") }
        guard reason.count <= 4000 else {
            throw .invalidField("reason", da: "Begrundelsen må højst være 4000 tegn.", en: "The reason may be at most 4000 characters.")
        }
        var referral: ProviderID?
        if outcome == .granted {
            guard let raw = rawReferral, !raw.isEmpty else { throw .missingField("referralProviderId") }
            let provider = ProviderID(raw)
            guard configuration.provider(provider)?.services.contains(.pas) == true else {
                throw .invalidField("referralProviderId", da: "Henvis til en udbyder af anonym behandling (kk-pas eller frb-pas).",
                                    en: "Refer to a provider of anonymous treatment (kk-pas or frb-pas).")
            }
            referral = provider
        }
        do {
            return try store.decide(code: code, outcome: outcome, reason: reason, referral: referral, shareNotes: shareNotes,
                                    actor: staff.actor, now: now)
        } catch {
            throw Self.problem(error, tokenContext: false)
        }
    }

    public func close(_ code: CaseCode, reason rawReason: String?, by staff: SignedInStaff) throws(GatewayProblem) -> AnonymousCase {
        guard let rawReason else { throw .missingField("reason") }
        guard let reason = DischargeReason(rawValue: rawReason), reason != .transferred else {
            throw .invalidField("reason", da: "reason skal være completed, other-offer, hospital eller other (transferred sker ved overdragelse).",
                                en: "reason must be completed, other-offer, hospital or other (transferred happens through a handover).")
        }
        do { return try store.close(code: code, reason: reason, actor: staff.actor, now: now) } catch {
            throw Self.problem(error, tokenContext: false)
        }
    }

    /// The crossing to identified care. The enrolment gets a fresh random id and carries only what
    /// the citizen agreed to carry; nothing in it points back to the anonymous case.
    public func handover(_ code: CaseCode, carry: [String: String], parentalConsent: Bool, caseworkerApproval: Bool,
                         by staff: SignedInStaff) throws(GatewayProblem) -> String {
        let current = try readCase(code, by: staff)
        guard current.status == .open else { throw Self.problem(.caseClosed, tokenContext: false) }
        guard current.providerId == staff.member.providerId || current.referralProviderId == staff.member.providerId else {
            throw .unknownCase
        }
        if !current.ageBand.isAdult && !(parentalConsent && caseworkerApproval) {
            throw GatewayProblem(.unprocessableContent, "consent-required", title: "Consent and approval required",
                                 da: "For unge under 18 kræver indskrivning samtykke fra forældremyndighedsindehaveren og godkendelse fra myndighedssagsbehandleren (Barnets Lov §32).",
                                 en: "For young people under 18, enrolment requires consent from the holder of parental authority and approval by the municipal caseworker (Barnets Lov §32).",
                                 field: "parentalConsent")
        }
        // The crossing must not carry a way back: refuse the case code in any carried value.
        let plainCode = code.value.replacingOccurrences(of: "-", with: "")
        for (key, value) in carry {
            let normalized = value.uppercased().filter { $0.isLetter || $0.isNumber }
            if normalized.contains(plainCode) || value.uppercased().contains(code.value) {
                throw GatewayProblem(.unprocessableContent, "carry-links-back", title: "Carried data points back",
                                     da: "Feltet \(key) indeholder sagens kode. Det identificerede forløb må ikke kunne føres tilbage til den anonyme sag.",
                                     en: "The field \(key) contains the case code. The identified enrolment must not lead back to the anonymous case.",
                                     field: "carry")
            }
        }
        let enrolment = Enrolment(
            id: booking.newId(), serviceId: current.serviceId, providerId: staff.member.providerId, startedOn: today,
            carried: carry, parentalConsent: parentalConsent, caseworkerApproval: caseworkerApproval)
        do { try identified.insert(enrolment) } catch { throw .internalFailure }
        do {
            _ = try store.close(code: code, reason: .transferred, actor: staff.actor, now: now)
        } catch {
            try? identified.delete(enrolmentId: enrolment.id)
            throw Self.problem(error, tokenContext: false)
        }
        return enrolment.id
    }

    static func problem(_ error: CaseStoreError, tokenContext: Bool) -> GatewayProblem {
        switch error {
        case .notFound: return tokenContext ? .tokenUnknown : .unknownCase
        case .tokenGone:
            return GatewayProblem(.gone, "token-expired", title: "Reference no longer valid",
                                  da: "Aftalen er aflyst eller dens dag er gået.", en: "The booking was cancelled or its day has passed.")
        case .tokenUsed:
            return GatewayProblem(.conflict, "token-used", title: "Reference already used",
                                  da: "Referencen er allerede brugt til at tjekke ind.", en: "The reference has already been used to check in.")
        case .notToday(let day):
            return GatewayProblem(.unprocessableContent, "not-today", title: "Not today",
                                  da: "Aftalen er \(day). Der tjekkes ind på dagen.", en: "The booking is on \(day). Check-in happens on the day.")
        case .limitReached(let band):
            let guidance = BeyondTheLimit.guidance(ageBand: band)
            return GatewayProblem(.unprocessableContent, "limit-reached", title: "Session limit reached", da: guidance.da, en: guidance.en)
        case .caseClosed:
            return GatewayProblem(.conflict, "case-closed", title: "Case closed", da: "Sagen er afsluttet.", en: "The case is closed.")
        case .slotFull: return .slotFull
        case .slotNotOfferedHere:
            return GatewayProblem(.unprocessableContent, "slot-not-offered-here", title: "Time belongs elsewhere",
                                  da: "Tiden hører til en anden tjeneste eller et andet sted.", en: "That time belongs to another service or provider.",
                                  field: "slotId")
        case .storageFailure: return .internalFailure
        case .notAllowed(let message):
            return GatewayProblem(.unprocessableContent, "not-allowed", title: "Not possible", da: message, en: message)
        }
    }
}

extension GatewayProblem {
    static let unknownCase = GatewayProblem(.notFound, "unknown-case", title: "Case not found",
                                            da: "Sagen findes ikke.", en: "There is no such case.", field: "caseCode")
    static let signInRequired = GatewayProblem(.unauthorized, "sign-in-required", title: "Sign-in required",
                                               da: "Log ind først.", en: "Sign in first.")
    static let forbidden = GatewayProblem(.forbidden, "forbidden", title: "Not allowed for your role",
                                          da: "Din rolle giver ikke adgang til dette.", en: "Your role does not allow this.")
}
