import Foundation
import GRDB
import GatewayCore
import GatewayTestSupport
import Hummingbird
import HummingbirdTesting
import Testing
@testable import GatewayWeb

/// Many people at once: every request is its own task through the whole router, as the server
/// runs them, so the store's transactions, not luck, decide who wins (issue 11, "Races and
/// crashes"; Tests/Model/lifecycle.pml models the same transitions). Not `testLive`: its client
/// sends every request down one keep-alive connection, one after another.
@Suite("Races")
struct RaceTests {
    static func statuses(_ count: Int, _ request: @escaping @Sendable (Int) async throws -> HTTPResponse.Status) async throws -> [HTTPResponse.Status] {
        try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
            for index in 0..<count { group.addTask { try await request(index) } }
            return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
        }
    }

    @Test func twoHundredCheckInsWithOneTokenCheckInExactlyOnce() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            let token = try await client.bookUturn()
            gateway.clock.set(TestGateway.mondayMorning)
            let anna = try await client.signIn("anna")
            let statuses = try await Self.statuses(200) { _ in
                try await client.json(.post, "/api/v1/staff/checkins", ["token": token], headers: anna).status
            }
            #expect(statuses.filter { $0 == .ok }.count == 1)
            #expect(statuses.filter { $0 == .conflict }.count == 199)
            let sessions = try await gateway.dependencies.anonymousStore.reader.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM case_session")! }
            #expect(sessions == 1)
        }
    }

    @Test func twoHundredBookingsForTwoPlacesGiveExactlyTwoAndRemainingNeverGoesNegative() async throws {
        let slot = "kk-pas.pas.20261124T1100"  // capacity 2
        try await TestGateway().test { client in
            // Readers list the slot while the bookers race; every `remaining` they see is 0, 1 or 2.
            let seen = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        var remaining: [Int] = []
                        for _ in 0..<5 {
                            let listing = try await client.json(.get, "/api/v1/services/pas/slots?from=2026-11-24&days=1")
                            let slots = listing.object?["slots"] as? [[String: Any]] ?? []
                            remaining += slots.filter { $0["id"] as? String == slot }.compactMap { $0["remaining"] as? Int }
                        }
                        return remaining
                    }
                }
                let statuses = try await Self.statuses(200) { index in
                    try await client.bookPAS(slot: slot, headers: [.xForwardedFor: "198.51.100.\(index % 250)"]).response.status
                }
                #expect(statuses.filter { $0 == .created }.count == 2)
                #expect(statuses.filter { $0 == .conflict }.count == 198)
                return try await group.reduce(into: [Int]()) { $0 += $1 }
            }
            #expect(seen.allSatisfy { (0...2).contains($0) }, "remaining seen: \(Set(seen).sorted())")
            // A full slot is no longer offered.
            let after = try await client.json(.get, "/api/v1/services/pas/slots?from=2026-11-24&days=1")
            #expect(!((after.object?["slots"] as? [[String: Any]]) ?? []).contains { $0["id"] as? String == slot })
        }
    }

    /// Forget-me and check-in race for one live booking: exactly one of them wins, and the store
    /// afterwards holds either a checked-in case with one session or nothing at all.
    @Test func fiftyForgetMeAndCheckInsOnOneCaseEndInOneConsistentState() async throws {
        for round in 0..<4 {
            let gateway = try await TestGateway.withStaff()
            try await gateway.test { client in
                let token = try await client.bookUturn()
                gateway.clock.set(TestGateway.mondayMorning)
                let anna = try await client.signIn("anna")
                let statuses = try await Self.statuses(50) { index in
                    // Alternate the two kinds; which comes first each round is up to the scheduler.
                    if (index + round) % 2 == 0 {
                        return try await client.json(.post, "/api/v1/staff/checkins", ["token": token], headers: anna).status
                    }
                    // In odd rounds the forgets start a moment later, so both outcomes are raced for.
                    if round % 2 == 1 { try await Task.sleep(for: .milliseconds(20)) }
                    return try await client.execute(uri: "/api/v1/bookings/current?forget=true", method: .delete, headers: client.bearer(token)).status
                }
                let won = statuses.filter { $0 == .ok || $0 == .noContent }
                #expect(won.count == 1, "round \(round): \(statuses.map(\.code).sorted())")
                #expect(statuses.allSatisfy { [.ok, .noContent, .conflict, .gone, .notFound].contains($0) }, "round \(round): \(statuses.map(\.code))")
                let (bookings, cases, sessions) = try await gateway.dependencies.anonymousStore.reader.read { db in
                    (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM booking")!, try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM anonymous_case")!,
                     try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM case_session")!)
                }
                if won.first == .ok {
                    #expect(cases == 1 && sessions == 1 && bookings == 1, "checked in: \(bookings) bookings, \(cases) cases, \(sessions) sessions")
                } else {
                    #expect(cases == 0 && sessions == 0 && bookings == 0, "forgotten: \(bookings) bookings, \(cases) cases, \(sessions) sessions")
                }
            }
        }
    }
}
