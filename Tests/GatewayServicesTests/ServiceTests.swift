import Foundation
import GatewayCore
import GatewayCrypto
import GatewayServices
@_spi(Testing) import GatewayStore
import GatewayTestSupport
import GRDB
import Synchronization
import Testing

/// The services over real in-memory stores, a fixed clock and seeded randomness.
struct World {
    let clock = TestClock(TestFixtures.instant(2026, 11, 22, 12))
    let random = SeededRandom(seed: 7)
    let anonymous: AnonymousStore
    let identified: IdentifiedStore
    let bookings: BookingService
    let cases: CaseService

    init() throws {
        let configuration = try TestFixtures.configuration()
        anonymous = try AnonymousStore.inMemory(storeKey: .random(random))
        identified = try IdentifiedStore.inMemory(storeKey: .random(random))
        bookings = BookingService(configuration: configuration, clock: clock, random: random, store: anonymous,
                                  tokenHasher: TokenHasher(pepper: .random(random)))
        cases = CaseService(booking: bookings, store: anonymous, identified: identified)
    }

    func staff(_ provider: String, _ role: StaffRole = .counsellor) -> StaffIdentity {
        StaffIdentity(member: StaffMember(id: "s-\(provider)", username: "u", providerId: ProviderID(provider), role: role, disabled: false, totpEnabled: false),
                      actor: StaffActor(pseudonym: "p-\(provider)", providerId: ProviderID(provider)))
    }
}

@Suite("Booking and case services")
struct ServiceTests {
    @Test func aListingIsServedFromMemoryUntilTheStoreChanges() async throws {
        let world = try World()
        let pas = try world.bookings.service("pas")
        let builds = Mutex(0)
        func listing() async throws -> Int {
            try await world.bookings.cachedListing(for: pas, from: nil, days: 2) { offered in
                builds.withLock { $0 += 1 }
                return offered.reduce(0) { $0 + $1.remaining }
            }
        }
        let before = try await listing()
        #expect(try await listing() == before)
        #expect(builds.withLock { $0 } == 1)
        _ = try await world.bookings.book(BookingApplication(serviceId: "pas", slotId: "kk-pas.pas.20261123T0900", ageBand: "25-plus",
                                                             substances: ["cocaine"], receivesOtherSocialSupport: false), client: nil)
        #expect(try await listing() == before - 1)
        #expect(builds.withLock { $0 } == 2)
    }

    @Test func aFailedInsertIsAStorageFailureNotAFullSlot() async throws {
        let world = try World()
        try await world.anonymous.testingWriter.write { db in
            try db.execute(sql: "CREATE TRIGGER fail BEFORE INSERT ON booking BEGIN SELECT RAISE(ABORT, 'disk trouble'); END")
        }
        await #expect(throws: ServiceError.storageFailure) {
            try await world.bookings.book(BookingApplication(serviceId: "uturn", slotId: "uturn.uturn.20261123T0845", ageBand: "14-17"), client: "v4:192.0.2.1")
        }
    }

    /// If the anonymous case cannot be closed, the enrolment just created in the identified store is removed again.
    @Test func aHandoverThatCannotCloseTheCaseLeavesNoEnrolment() async throws {
        let world = try World()
        let staff = world.staff("uturn")
        let opened = try await world.cases.walkIn(service: "uturn", ageBand: "18-24", token: nil, by: staff)
        try await world.anonymous.testingWriter.write { db in
            try db.execute(sql: "CREATE TRIGGER fail BEFORE UPDATE OF status ON anonymous_case BEGIN SELECT RAISE(ABORT, 'disk trouble'); END")
        }
        await #expect(throws: ServiceError.storageFailure) {
            try await world.cases.handover(opened.anonymousCase.code, carry: ["goal": "x"], parentalConsent: false, caseworkerApproval: false, by: staff)
        }
        let enrolments = try await world.identified.reader.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM enrolment") }
        #expect(enrolments == 0)
    }

    @Test func caseRefusalsAreDomainValuesNotText() async throws {
        let world = try World()
        let staff = world.staff("uturn")
        let opened = try await world.cases.walkIn(service: "uturn", ageBand: "18-24", token: nil, by: staff)
        await #expect(throws: ServiceError.refused(.decisionOnlyForPAS)) {
            try await world.cases.decide(opened.anonymousCase.code, outcome: "granted", reason: "x", referral: "kk-pas", shareNotes: false, by: staff)
        }
        await #expect(throws: ServiceError.invalidField("reason", .dischargeReason)) {
            try await world.cases.close(opened.anonymousCase.code, reason: "transferred", by: staff)
        }
        await #expect(throws: ServiceError.refused(.serviceNotOfferedHere)) {
            try await world.cases.walkIn(service: "pas", ageBand: "25-plus", token: nil, by: staff)
        }
    }
}

/// Threat: one client hoarding places, or the limiter's day not being Copenhagen's.
@Suite("Threat: hoarding places")
struct RateLimiterTests {
    let random = SeededRandom(seed: 5)
    let policy = RateLimitPolicy(bookingsPerClientPerHour: 10, bookingsPerClientPerDay: 20, liveBookingsPerClientPerService: 2, trustedProxies: [])
    let copenhagen = TestFixtures.copenhagen

    @Test func aClientHoldsAtMostTheLiveCapPerServiceAndOthersAreUnaffected() async {
        let clock = TestClock(TestFixtures.instant(2026, 11, 23, 9))
        let limiter = BookingRateLimiter(policy: policy, timeZone: copenhagen, clock: clock, random: random)
        let tomorrow = TestFixtures.instant(2026, 11, 24, 10), friday = TestFixtures.instant(2026, 11, 27, 10)
        guard case .admitted = await limiter.reserve(client: "v4:198.51.100.4", service: .uturn, starts: tomorrow),
              case .admitted = await limiter.reserve(client: "v4:198.51.100.4", service: .uturn, starts: friday) else {
            Issue.record("the first two bookings were refused"); return
        }
        // The third live U-turn booking waits until the first appointment has begun.
        #expect(await limiter.reserve(client: "v4:198.51.100.4", service: .uturn, starts: friday)
                == .limited(retryAfterSeconds: Int(TestFixtures.instant(2026, 11, 24, 0).timeIntervalSince(clock.now))))
        // Another service, and another client, are not held back.
        guard case .admitted = await limiter.reserve(client: "v4:198.51.100.4", service: .relatives, starts: friday),
              case .admitted = await limiter.reserve(client: "v4:203.0.113.9", service: .uturn, starts: friday) else {
            Issue.record("an unrelated booking was refused"); return
        }
    }

    @Test func theDailyWindowEndsAtCopenhagensMidnightNotUTCs() async {
        let daily = RateLimitPolicy(bookingsPerClientPerHour: 1, bookingsPerClientPerDay: 1, liveBookingsPerClientPerService: 10, trustedProxies: [])
        // 23:30 in Copenhagen is 22:30 UTC: the UTC day has 1.5 hours left, Copenhagen's half an hour.
        let clock = TestClock(TestFixtures.instant(2026, 11, 23, 23, 30))
        let limiter = BookingRateLimiter(policy: daily, timeZone: copenhagen, clock: clock, random: random)
        let later = TestFixtures.instant(2026, 11, 30, 10)
        guard case .admitted = await limiter.reserve(client: "v4:198.51.100.4", service: .uturn, starts: later) else {
            Issue.record("refused"); return
        }
        #expect(await limiter.reserve(client: "v4:198.51.100.4", service: .uturn, starts: later) == .limited(retryAfterSeconds: 1800))
        clock.advance(by: 1801)
        guard case .admitted = await limiter.reserve(client: "v4:198.51.100.4", service: .uturn, starts: later) else {
            Issue.record("still refused after Copenhagen's midnight"); return
        }
    }
}
