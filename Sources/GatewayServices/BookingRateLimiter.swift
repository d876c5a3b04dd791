import Foundation
import GatewayCore
import GatewayCrypto

/// Limits the bookings one client can make — per hour, per Copenhagen day, and live (future)
/// bookings per service — so nobody can hoard the places.
///
/// The client is a bucket (`ClientAddress.bucket`: an IPv4 address or an IPv6 /64), never stored:
/// only an HMAC of it under a key that lives in memory and is replaced, with all counters, at
/// Copenhagen's midnight, so yesterday's entries cannot be linked to today's, and nothing survives
/// a restart. The live cap therefore holds within one day (SECURITY.md says what that stops).
public actor BookingRateLimiter {
    /// More clients than this in one day: the one idle longest is forgotten (memory stays bounded).
    public static let maximumTrackedClients = 100_000

    private let policy: RateLimitPolicy
    private let clock: any GatewayClock
    private let random: any RandomSource
    private let calendar: Calendar
    private var hasher: EphemeralKeyedHasher
    private var dayEnds: Date
    private var clients: [Data: ClientRecord] = [:]

    struct ClientRecord {
        var madeAt: [Date] = []
        /// Per service, the start of each live booking made today.
        var live: [ServiceID: [Date]] = [:]
        var lastSeen: Date
    }

    public init(policy: RateLimitPolicy, timeZone: TimeZone, clock: any GatewayClock, random: any RandomSource) {
        self.policy = policy; self.clock = clock; self.random = random
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
        self.hasher = EphemeralKeyedHasher(keyBytes: random.bytes(32))
        self.dayEnds = Self.nextMidnight(after: clock.now, calendar)
    }

    public enum Decision: Equatable, Sendable {
        case admitted(Reservation)
        case limited(retryAfterSeconds: Int)
    }

    public struct Reservation: Equatable, Sendable {
        let key: Data
        let at: Date
        let service: ServiceID
        let starts: Date
    }

    /// Reserves a booking of `service` at `starts` for this client, or says how long to wait.
    /// Release the reservation if the booking fails.
    public func reserve(client: String, service: ServiceID, starts: Date) -> Decision {
        let now = clock.now
        rotateIfNeeded(now)
        let key = hasher.hash(client)
        var record = clients[key] ?? ClientRecord(lastSeen: now)
        if record.madeAt.count >= policy.bookingsPerClientPerDay {
            return .limited(retryAfterSeconds: seconds(until: dayEnds, from: now))
        }
        let lastHour = record.madeAt.filter { $0 > now.addingTimeInterval(-3600) }
        if lastHour.count >= policy.bookingsPerClientPerHour, let oldest = lastHour.min() {
            return .limited(retryAfterSeconds: seconds(until: oldest.addingTimeInterval(3600), from: now))
        }
        let live = (record.live[service] ?? []).filter { $0 > now }
        if live.count >= policy.liveBookingsPerClientPerService, let soonest = live.min() {
            return .limited(retryAfterSeconds: seconds(until: min(soonest, dayEnds), from: now))
        }
        record.madeAt.append(now)
        record.live[service] = live + [starts]
        record.lastSeen = now
        clients[key] = record
        if clients.count > Self.maximumTrackedClients, let idle = clients.min(by: { $0.value.lastSeen < $1.value.lastSeen })?.key {
            clients[idle] = nil
        }
        return .admitted(Reservation(key: key, at: now, service: service, starts: starts))
    }

    public func release(_ reservation: Reservation) {
        guard var record = clients[reservation.key] else { return }
        if let index = record.madeAt.firstIndex(of: reservation.at) { record.madeAt.remove(at: index) }
        if let index = record.live[reservation.service]?.firstIndex(of: reservation.starts) { record.live[reservation.service]?.remove(at: index) }
        clients[reservation.key] = record.madeAt.isEmpty ? nil : record
    }

    /// How many client keys are held (for tests and operations: a count, never the keys).
    public var trackedClients: Int { clients.count }

    private func seconds(until date: Date, from now: Date) -> Int {
        max(1, Int(date.timeIntervalSince(now).rounded(.up)))
    }

    private func rotateIfNeeded(_ now: Date) {
        guard now >= dayEnds else { return }
        dayEnds = Self.nextMidnight(after: now, calendar)
        hasher = EphemeralKeyedHasher(keyBytes: random.bytes(32))
        clients.removeAll()
    }

    /// The next local midnight (a 23- or 25-hour day when the clocks change).
    static func nextMidnight(after date: Date, _ calendar: Calendar) -> Date {
        calendar.date(byAdding: .day, value: 1, to: calendar.startOfDay(for: date))!
    }
}
