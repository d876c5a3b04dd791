import Foundation
import GatewayCore
import GatewayCrypto

/// Limits how many bookings one client address can make, so nobody can hoard the slots.
///
/// The address is never stored: only an HMAC of it under a key that lives in memory and is
/// replaced (with all counters) when the day changes, so yesterday's entries cannot be linked
/// to today's, and nothing survives a restart.
public actor BookingRateLimiter {
    private let policy: RateLimitPolicy
    private let clock: any GatewayClock
    private let random: any RandomSource
    private var hasher: EphemeralKeyedHasher
    private var keyDay: Int
    private var bookings: [Data: [Date]] = [:]

    public init(policy: RateLimitPolicy, clock: any GatewayClock, random: any RandomSource) {
        self.policy = policy; self.clock = clock; self.random = random
        self.hasher = EphemeralKeyedHasher(keyBytes: random.bytes(32))
        self.keyDay = Self.day(clock.now)
    }

    public enum Decision: Equatable, Sendable {
        case admitted(Reservation)
        case limited(retryAfterSeconds: Int)
    }

    public struct Reservation: Equatable, Sendable {
        let key: Data
        let at: Date
    }

    /// Reserves a booking for this client, or says how long to wait. Release the reservation if the booking fails.
    public func reserve(client: String) -> Decision {
        let now = clock.now
        rotateIfNeeded(now)
        let key = hasher.hash(client)
        let hourAgo = now.addingTimeInterval(-3600)
        var times = bookings[key] ?? []
        if times.count >= policy.bookingsPerClientPerDay {
            let nextDay = TimeInterval((keyDay + 1) * 86_400)
            return .limited(retryAfterSeconds: max(1, Int(nextDay - now.timeIntervalSince1970)))
        }
        let lastHour = times.filter { $0 > hourAgo }
        if lastHour.count >= policy.bookingsPerClientPerHour, let oldest = lastHour.min() {
            return .limited(retryAfterSeconds: max(1, Int(oldest.addingTimeInterval(3600).timeIntervalSince(now).rounded(.up))))
        }
        times.append(now)
        bookings[key] = times
        return .admitted(Reservation(key: key, at: now))
    }

    public func release(_ reservation: Reservation) {
        guard var times = bookings[reservation.key], let index = times.firstIndex(of: reservation.at) else { return }
        times.remove(at: index)
        bookings[reservation.key] = times.isEmpty ? nil : times
    }

    /// How many client keys are held (for tests and the operations page: a count, never the keys).
    public var trackedClients: Int { bookings.count }

    private func rotateIfNeeded(_ now: Date) {
        let day = Self.day(now)
        guard day != keyDay else { return }
        keyDay = day
        hasher = EphemeralKeyedHasher(keyBytes: random.bytes(32))
        bookings.removeAll()
    }

    private static func day(_ date: Date) -> Int { Int(floor(date.timeIntervalSince1970 / 86_400)) }
}
