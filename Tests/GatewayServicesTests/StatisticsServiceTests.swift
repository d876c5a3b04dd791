import Foundation
import GatewayCore
import GatewayCrypto
import GatewayServices
import GatewayStore
import GatewayTestSupport
import Testing

/// The figures from a store seeded through the services, with answers known in advance.
@Suite("Statistics from the store")
struct StatisticsServiceTests {
    let random = SeededRandom(seed: 4343)

    @Test func seededActivityGivesTheKnownFigures() async throws {
        let clock = TestClock(TestFixtures.instant(2026, 11, 22, 12))   // Sunday
        var configuration = try TestFixtures.configuration()
        configuration.statistics = StatisticsPolicy(minimumCellSize: 3)
        let anonymous = try AnonymousStore.inMemory(storeKey: .random(random))
        let bookings = BookingService(configuration: configuration, clock: clock, random: random, store: anonymous,
                                      tokenHasher: TokenHasher(pepper: .random(random)))
        let cases = CaseService(booking: bookings, store: anonymous, identified: try IdentifiedStore.inMemory(storeKey: .random(random)))
        func staff(_ provider: String) -> StaffIdentity {
            StaffIdentity(member: StaffMember(id: "s-\(provider)", username: "u", providerId: ProviderID(provider), role: .counsellor, disabled: false, totpEnabled: false),
                          actor: StaffActor(pseudonym: "p-\(provider)", providerId: ProviderID(provider)))
        }
        // Four PAS bookings made on Sunday for Monday; three come, one is cancelled.
        var tokens: [OneTimeToken] = []
        for time in ["0800", "0900", "1000", "1100"] {
            let (token, _) = try await bookings.book(BookingApplication(serviceId: "pas", slotId: "kk-pas.pas.20261123T\(time)", ageBand: "25-plus",
                                                                        substances: ["cocaine"], receivesOtherSocialSupport: false), client: nil)
            tokens.append(token)
        }
        try await bookings.cancel(tokens[3])
        clock.set(TestFixtures.instant(2026, 11, 23, 7, 55))
        for token in tokens.prefix(3) { _ = try await cases.checkIn(token.canonical, by: staff("kk-pas")) }
        // Three U-turn walk-ins, closed as completed: drug-free, reduced, reduced.
        for outcome in ["drug-free", "reduced", "reduced"] {
            let opened = try await cases.walkIn(service: "uturn", ageBand: "18-24", token: nil, by: staff("uturn"))
            _ = try await cases.close(opened.anonymousCase.code, reason: "completed", outcome: outcome, by: staff("uturn"))
        }

        let service = StatisticsService(store: anonymous, configuration: configuration)
        let grid = try await service.grid(months: try service.months(from: "2026-11", to: "2026-11"))
        let november = CalendarMonth(iso: "2026-11")!
        func value(_ figure: StatFigure, _ serviceId: ServiceID?, _ provider: String?) -> String {
            grid.value(StatCell(month: november, service: serviceId, provider: provider.map { ProviderID($0) }, figure: figure))?.description ?? "absent"
        }
        #expect(value(.bookings, .pas, "kk-pas") == "4")
        #expect(value(.bookingsPhone, .pas, "kk-pas") == "4")   // booked without a client: by phone staff
        #expect(value(.bookingsWeb, .pas, "kk-pas") == "0")
        #expect(value(.bookings, .pas, "frb-pas") == "0")
        #expect(value(.bookings, nil, nil) == "4")
        #expect(value(.bookingsCancelled, .pas, "kk-pas") == "<3")
        #expect(value(.casesOpened, .pas, "kk-pas") == "3")
        #expect(value(.sessionsHeld, .uturn, "uturn") == "3")
        #expect(value(.firstConversationsStraks, .pas, "kk-pas") == "3")   // booked Sunday, held Monday: the next weekday
        #expect(value(.firstConversationsBooked, .pas, "kk-pas") == "3")
        #expect(value(.dischargesCompleted, .uturn, "uturn") == "3")
        #expect(value(.outcomesDrugFree, .uturn, "uturn") == "<3")
        #expect(value(.outcomesReduced, .uturn, "uturn") == "<3")
        #expect(value(.outcomesDrugFreeOrReduced, .uturn, "uturn") == "3")
        let report = StatisticsReport(grid: grid, provider: ProviderID("uturn"))
        #expect(report.cells.allSatisfy { $0.provider == "uturn" })
        let share = report.shares.first { $0.service == "uturn" && $0.provider == "uturn" && $0.name == "outcomes.drug-free-or-reduced" }
        #expect(share?.percent == 100 && share?.target == 50)
        #expect(report.csv().hasPrefix("month,service,provider,figure,value\r\n2026-11,uturn,uturn,"))
        #expect(report.csv().contains("2026-11,uturn,uturn,outcomes.drug-free,<3\r\n"))
    }

    @Test func periodsAreWholeMonthsInOrderAndBounded() throws {
        let service = StatisticsService(store: try AnonymousStore.inMemory(storeKey: .random(random)), configuration: try TestFixtures.configuration())
        #expect(try service.months(from: "2026-11", to: "2027-02").map(\.description) == ["2026-11", "2026-12", "2027-01", "2027-02"])
        #expect(throws: ServiceError.invalidField("to", .notBefore("from"))) { try service.months(from: "2026-11", to: "2026-10") }
        #expect(throws: ServiceError.invalidField("from", .isoMonth)) { try service.months(from: "2026-13", to: "2026-12") }
        #expect(throws: ServiceError.missingField("to")) { try service.months(from: "2026-01", to: nil) }
        #expect(throws: ServiceError.self) { try service.months(from: "2020-01", to: "2026-01") }
    }
}
