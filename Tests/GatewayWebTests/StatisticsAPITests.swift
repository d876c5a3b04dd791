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
            func value(_ figure: String) -> String? {
                cells.first { $0["service"] as? String == "pas" && $0["provider"] as? String == "kk-pas" && $0["figure"] as? String == figure }?["value"] as? String
            }
            #expect(value("bookings.web") == "<5" && value("bookings.phone") == "0")   // booked through the citizen API

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

/// The figures page: a manager lands on it, sees four charts each with a table of the same figures,
/// changes the period with a GET form (no JavaScript), and a wrong month is said on the page.
@Suite("Figures page")
struct FiguresPageTests {
    @Test func theManagerSeesChartsWithTablesAndChoosesThePeriod() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            _ = try await client.book(CaseTests.pasBooking)
            let signedIn = try await client.signInForm([("username", "gry"), ("password", TestGateway.password)])
            #expect(signedIn.headers[.location] == "/staff/figures")
            let cookie: HTTPFields = [.cookie: String(try #require(signedIn.headers[.setCookie]).prefix { $0 != ";" })]
            let page = try await client.execute(uri: "/staff/figures?from=2026-10&to=2026-11", method: .get, headers: cookie)
            #expect(page.status == .ok)
            for id in ["id=\"figures-from\" name=\"from\" value=\"2026-10\"", "id=\"figures-to\" name=\"to\" value=\"2026-11\"",
                       "id=\"chart-activity\"", "id=\"chart-guarantee\"", "id=\"chart-outcomes\"", "id=\"chart-discharges\""] {
                #expect(page.text.contains(id), "\(id)")
            }
            #expect(page.text.components(separatedBy: "<svg ").count - 1 == 6)
            for id in ["id=\"chart-follow-up\"", "id=\"chart-complaints\"", "mål højst 33 %"] {
                #expect(page.text.contains(id), "\(id)")
            }
            #expect(page.text.contains("Tilbagevenden tælles kun, når borgeren selv har vist sit opfølgningsnummer"))
            // The download link gives the same figures as the API's CSV, with the page's cookie.
            #expect(page.text.contains("id=\"figures-csv\" href=\"/staff/figures.csv?from=2026-10&amp;to=2026-11\""))
            let csv = try await client.execute(uri: "/staff/figures.csv?from=2026-10&to=2026-11", method: .get, headers: cookie)
            #expect(csv.status == .ok && csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.text.hasPrefix("month,service,provider,figure,value\r\n") && csv.text.contains("2026-11,pas,kk-pas,bookings,<5\r\n"))
            #expect(try await client.execute(uri: "/staff/figures.csv?from=2026-13&to=2026-11", method: .get, headers: cookie).status == .badRequest)
            #expect(page.text.contains("<th scope=\"row\">2026-11</th><td>&lt;5</td>"))   // one booking: <5, never 1
            #expect(page.text.contains("href=\"/staff/figures\"") && !page.text.contains("href=\"/staff/schedule\""))
            let wrong = try await client.execute(uri: "/staff/figures?from=2026-13&to=2026-11", method: .get, headers: cookie)
            #expect(wrong.status == .badRequest)
            #expect(wrong.text.contains("ÅÅÅÅ-MM"))
            #expect(!wrong.text.contains("2026-13"))
        }
    }
}
