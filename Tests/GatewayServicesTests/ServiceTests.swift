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
                                                             substances: ["cocaine"], receivesOtherSocialSupport: false))
        #expect(try await listing() == before - 1)
        #expect(builds.withLock { $0 } == 2)
    }

    @Test func aFailedInsertIsAStorageFailureNotAFullSlot() async throws {
        let world = try World()
        try await world.anonymous.testingWriter.write { db in
            try db.execute(sql: "CREATE TRIGGER fail BEFORE INSERT ON booking BEGIN SELECT RAISE(ABORT, 'disk trouble'); END")
        }
        await #expect(throws: ServiceError.storageFailure) {
            try await world.bookings.book(BookingApplication(serviceId: "uturn", slotId: "uturn.uturn.20261123T0845", ageBand: "14-17"))
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
