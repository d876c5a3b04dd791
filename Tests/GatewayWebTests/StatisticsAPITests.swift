import Foundation
import GatewayCore
import GatewayTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// `/api/v1/stats` and `/api/v1/stats.csv`: the manager sees every provider, a provider-admin its
/// own, everyone else 403; a period is whole months.
@Suite("Statistics API")
struct StatisticsAPITests {
    @Test func theManagerSeesEveryProviderAProviderAdminItsOwnOthersAreRefused() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            _ = try await client.book(CaseTests.pasBooking)
            let gry = try await client.signIn("gry"), eva = try await client.signIn("eva")
            let all = try await client.json(.get, "/api/v1/stats?from=2026-11&to=2026-11", headers: gry)
            #expect(all.status == .ok)
            let cells = (all.object?["cells"] as? [[String: Any]]) ?? []
            #expect(Set(cells.compactMap { $0["provider"] as? String }) == ["kk-pas", "frb-pas", "uturn", "rbk", "*"])
            #expect(all.object?["minimumCellSize"] as? Int == 5)
            // One booking: shown as <5, never as 1.
            let booked = cells.first { $0["service"] as? String == "pas" && $0["provider"] as? String == "kk-pas" && $0["figure"] as? String == "bookings" }
            #expect(booked?["value"] as? String == "<5")

            let own = try await client.json(.get, "/api/v1/stats?from=2026-11&to=2026-11", headers: eva)
            #expect(Set(((own.object?["cells"] as? [[String: Any]]) ?? []).compactMap { $0["provider"] as? String }) == ["kk-pas"])

            let csv = try await client.execute(uri: "/api/v1/stats.csv?from=2026-10&to=2026-11", method: .get, headers: gry)
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.text.hasPrefix("month,service,provider,figure,value\r\n2026-10,"))
            #expect(csv.text.contains("2026-11,pas,kk-pas,bookings,<5\r\n"))

            for query in ["from=2026-11", "from=2026-13&to=2026-12", "from=2026-11&to=2026-10", "from=2020-01&to=2026-11"] {
                #expect(try await client.json(.get, "/api/v1/stats?\(query)", headers: gry).status == .badRequest, "\(query)")
            }
            for name in ["carl", "dora", "finn"] {
                #expect(try await client.json(.get, "/api/v1/stats?from=2026-11&to=2026-11", headers: try await client.signIn(name)).status == .forbidden)
            }
            #expect(try await client.json(.get, "/api/v1/stats?from=2026-11&to=2026-11").status == .unauthorized)
        }
    }
}
