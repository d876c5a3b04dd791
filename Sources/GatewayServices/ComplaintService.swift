import Foundation
import GatewayCore
import GatewayStore

/// A complaint as it arrives from the page or the API, before validation.
public struct ComplaintApplication: Sendable {
    public var providerId: String?
    public var serviceId: String?
    public var about: String?
    public var text: String?
    public init(providerId: String? = nil, serviceId: String? = nil, about: String? = nil, text: String? = nil) {
        self.providerId = providerId; self.serviceId = serviceId; self.about = about; self.text = text
    }
}

/// What the citizen is told back: where it went and when it came. No reference to look it up by —
/// there is nothing a citizen could look up without it becoming a key to them.
public struct ReceivedComplaint: Sendable {
    public let providerId: ProviderID
    public let serviceId: ServiceID?
    public let about: ComplaintTopic
    public let receivedOn: CalendarDay
}

/// Complaints (QS 6): received from anyone, with or without a token, read and handled by the
/// provider's admin and the manager. A token only chooses the provider; it is never stored with
/// the complaint.
public struct ComplaintService: Sendable {
    let booking: BookingService
    let store: AnonymousStore
    /// Complaints are limited per client like bookings (per hour, per day), in their own counters.
    let rateLimiter: BookingRateLimiter

    public init(booking: BookingService, store: AnonymousStore) {
        self.booking = booking; self.store = store
        let configuration = booking.configuration
        rateLimiter = BookingRateLimiter(policy: configuration.rateLimit, timeZone: configuration.timeZone, clock: booking.clock, random: booking.random)
    }

    var configuration: GatewayConfiguration { booking.configuration }

    /// Checks and stores a complaint. `token`: the citizen's token, if they sent one (then the
    /// complaint goes to its provider); `client`: the rate-limit bucket.
    public func receive(_ application: ComplaintApplication, token: OneTimeToken?, client: String?) async throws(ServiceError) -> ReceivedComplaint {
        guard let rawAbout = application.about, !rawAbout.isEmpty else { throw .missingField("about") }
        guard let about = ComplaintTopic(rawValue: rawAbout) else { throw .invalidField("about", .oneOf(ComplaintTopic.allCases.map(\.rawValue))) }
        guard let text = application.text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { throw .missingField("text") }
        guard text.count <= ComplaintRules.maximumTextLength else { throw .invalidField("text", .maxLength(ComplaintRules.maximumTextLength)) }
        let providerIds = configuration.providers.map(\.id.rawValue)
        let rawProvider = application.providerId.flatMap { $0.isEmpty ? nil : $0 }
        let rawService = application.serviceId.flatMap { $0.isEmpty ? nil : $0 }

        let provider: ProviderDefinition
        var service: ServiceID?
        if let token {
            let tokenHash = try await booking.lookupHash(token)
            let place: (provider: ProviderID, service: ServiceID)
            do { place = try await store.tokenPlace(tokenHash: tokenHash) } catch { throw BookingService.error(error) }
            guard let found = configuration.provider(place.provider) else { throw .storageFailure }
            // A token and a different provider: say so rather than choose one silently.
            if let rawProvider, rawProvider != place.provider.rawValue { throw .invalidField("providerId", .oneOf([place.provider.rawValue])) }
            provider = found
            service = place.service
        } else {
            guard let rawProvider else { throw .missingField("providerId") }
            guard let found = configuration.provider(ProviderID(rawProvider)) else { throw .invalidField("providerId", .oneOf(providerIds)) }
            provider = found
            if let rawService {
                guard let id = ServiceID(rawValue: rawService), found.services.contains(id) else {
                    throw .invalidField("serviceId", .oneOf(found.services.map(\.rawValue)))
                }
                service = id
            } else if found.services.count == 1 {
                service = found.services[0]
            }
        }

        var reservation: BookingRateLimiter.Reservation?
        if let client {
            // Keyed like a booking of the complaint's service starting now: the live-booking cap never
            // applies (nothing lies in the future), the hourly and daily caps do.
            switch await rateLimiter.reserve(client: client, service: service ?? provider.services[0], starts: booking.clock.now) {
            case .limited(let seconds): throw .rateLimited(retryAfterSeconds: seconds)
            case .admitted(let granted): reservation = granted
            }
        }
        let today = booking.today
        do {
            _ = try await store.receiveComplaint(id: booking.newId(), provider: provider.id, service: service, about: about, text: text,
                                                 receivedOn: today, random: booking.random)
        } catch {
            if let reservation { await rateLimiter.release(reservation) }
            throw .storageFailure
        }
        return ReceivedComplaint(providerId: provider.id, serviceId: service, about: about, receivedOn: today)
    }

    /// The complaints this member of staff may read (`ComplaintRules.readableProvider`); each read is logged.
    public func list(status rawStatus: String?, for staff: StaffIdentity) async throws(ServiceError) -> [Complaint] {
        var status: ComplaintStatus?
        if let rawStatus, !rawStatus.isEmpty, rawStatus != "all" {
            guard let parsed = ComplaintStatus(rawValue: rawStatus) else { throw .invalidField("status", .oneOf(["open", "handled", "all"])) }
            status = parsed
        }
        do {
            return try await store.complaints(provider: ComplaintRules.readableProvider(for: staff.member), status: status, context(staff))
        } catch {
            throw CaseService.error(error, tokenContext: false)
        }
    }

    public func markHandled(_ rawCode: String?, by staff: StaffIdentity) async throws(ServiceError) -> Complaint {
        guard let rawCode, let code = CaseCode(rawCode) else { throw .unknownComplaint }
        do {
            return try await store.markComplaintHandled(code, provider: ComplaintRules.readableProvider(for: staff.member), context(staff))
        } catch .notFound {
            throw .unknownComplaint
        } catch {
            throw CaseService.error(error, tokenContext: false)
        }
    }

    func context(_ staff: StaffIdentity) -> CaseContext { CaseContext(actor: staff.actor, today: booking.today, now: booking.clock.now) }
}
