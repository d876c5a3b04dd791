import Foundation
import GatewayCore
import GatewayTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// The auditor reads who touched which case, doing what, on which day — by API and on a page —
/// filtered by staff member, case and period; never notes or messages; and its own reads are logged.
@Suite("The auditor")
struct AuditorTests {
    /// carl checks a PAS citizen in on Monday, reads the case and writes a note; eva reads the notes
    /// on Tuesday. Answers the case code.
    func aCaseTouchedOnTwoDays(_ gateway: TestGateway, _ client: any TestClientProtocol) async throws -> String {
        let token = try await client.book(CaseTests.pasBooking)
        gateway.clock.set(TestGateway.mondayMorning)
        let carl = try await client.signIn("carl")
        let code = try #require(try await client.json(.post, "/api/v1/staff/checkins", ["token": token], headers: carl).object?["caseCode"] as? String)
        _ = try await client.json(.get, "/api/v1/staff/cases/\(code)", headers: carl)
        _ = try await client.json(.post, "/api/v1/staff/cases/\(code)/notes", ["text": "hemmelig note om forløbet"], headers: carl)
        gateway.clock.set(TestGateway.mondayMorning.addingTimeInterval(86_400))
        _ = try await client.json(.get, "/api/v1/staff/cases/\(code)/notes", headers: try await client.signIn("eva"))
        return code
    }

    func entries(_ response: TestResponse) -> [[String: String]] {
        ((response.object?["entries"] as? [[String: Any]]) ?? []).map { $0.compactMapValues { $0 as? String } }
    }

    @Test func theAuditorFiltersByStaffCaseAndPeriodAndSeesNames() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            let code = try await aCaseTouchedOnTwoDays(gateway, client)
            let finn = try await client.signIn("finn")
            let byCarl = try await client.json(.get, "/api/v1/staff/access-log?staff=carl", headers: finn)
            #expect(byCarl.status == .ok)
            #expect(entries(byCarl).map { $0["action"]! } == ["check-in", "read-case", "write-note"])
            #expect(Set(entries(byCarl).map { $0["staff"]! }) == ["carl"])
            let tuesday = try await client.json(.get, "/api/v1/staff/access-log?caseCode=\(code)&from=2026-11-24&to=2026-11-24", headers: finn)
            #expect(entries(tuesday).map { "\($0["staff"]!) \($0["action"]!) \($0["at"]!)" } == ["eva read-notes 2026-11-24"])
            let monday = try await client.json(.get, "/api/v1/staff/access-log?to=2026-11-23", headers: finn)
            #expect(entries(monday).allSatisfy { $0["at"] == "2026-11-23" } && entries(monday).count == 3)
            #expect(entries(try await client.json(.get, "/api/v1/staff/access-log?staff=nobody", headers: finn)).isEmpty)
            // Never a note's words.
            #expect(!byCarl.text.contains("hemmelig"))

            // Its own reads are logged, after the entries they answered, and resolved to the auditor.
            let reads = try await client.json(.get, "/api/v1/staff/access-log?staff=finn", headers: finn)
            #expect(entries(reads).map { $0["action"]! } == Array(repeating: "read-access-log", count: 4))
            #expect(entries(reads).map { $0["caseCode"]! } == ["*", code, "*", "*"])
        }
    }

    @Test func badFiltersGetClearErrors() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            let finn = try await client.signIn("finn")
            for query in ["from=2026-02-30", "to=23-11-2026", "from=2026-11-24&to=2026-11-23", "staff=" + String(repeating: "x", count: 101)] {
                let answer = try await client.json(.get, "/api/v1/staff/access-log?\(query)", headers: finn)
                #expect(answer.status == .badRequest, "\(query)")
                #expect(answer.text.contains("invalid-field"), "\(answer.text)")
            }
            #expect(try await client.json(.get, "/api/v1/staff/access-log?caseCode=nope", headers: finn).status == .notFound)
        }
    }

    /// A provider-admin reads the log too, but sees pseudonyms: names are resolved for the auditor only.
    @Test func aProviderAdminSeesPseudonymsNotNames() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            _ = try await aCaseTouchedOnTwoDays(gateway, client)
            let eva = try await client.signIn("eva")
            let log = try await client.json(.get, "/api/v1/staff/access-log", headers: eva)
            #expect(log.status == .ok)
            let staff = Set(entries(log).map { $0["staff"]! })
            #expect(!staff.contains("carl") && !staff.contains("eva"))
            #expect(staff.allSatisfy { $0.count == 24 && $0.allSatisfy(\.isHexDigit) }, "\(staff)")
            let carlsPseudonym = try #require(entries(log).first { $0["action"] == "check-in" }?["staff"])
            let filtered = try await client.json(.get, "/api/v1/staff/access-log?staff=\(carlsPseudonym)", headers: eva)
            #expect(entries(filtered).map { $0["action"]! } == ["check-in", "read-case", "write-note"])
        }
    }

    /// The page: an auditor lands on it after signing in, sees only its link, filters with a GET
    /// form (no JavaScript), reads names, days and actions — and never a note.
    @Test func theAuditorsPageFiltersWithoutJavaScript() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            let code = try await aCaseTouchedOnTwoDays(gateway, client)
            let signedIn = try await client.signInForm([("username", "finn"), ("password", TestGateway.password)])
            #expect(signedIn.status == .seeOther)
            #expect(signedIn.headers[.location] == "/staff/access-log")
            let cookie = String(try #require(signedIn.headers[.setCookie]).prefix { $0 != ";" })
            let page = try await client.execute(uri: "/staff/access-log", method: .get, headers: [.cookie: cookie])
            #expect(page.status == .ok)
            for id in ["id=\"log-staff\" name=\"staff\"", "id=\"log-case\" name=\"caseCode\"", "id=\"log-from\" name=\"from\"",
                       "id=\"log-to\" name=\"to\"", "id=\"access-log\""] {
                #expect(page.text.contains(id), "\(id)")
            }
            #expect(page.text.contains("<td>carl</td><td>write-note</td>"))
            #expect(!page.text.contains("hemmelig"))
            #expect(page.text.contains("href=\"/staff/access-log\""))
            #expect(!page.text.contains("href=\"/staff/schedule\"") && !page.text.contains("href=\"/staff/phone\""))

            let filtered = try await client.execute(uri: "/staff/access-log?staff=eva&caseCode=\(code)&from=&to=", method: .get, headers: [.cookie: cookie])
            #expect(filtered.text.contains("<td>eva</td><td>read-notes</td>"))
            #expect(!filtered.text.contains("<td>carl</td>"))
            #expect(filtered.text.contains("value=\"eva\""))

            let bad = try await client.execute(uri: "/staff/access-log?from=2026-13-01", method: .get, headers: [.cookie: cookie])
            #expect(bad.status == .badRequest)
            #expect(bad.text.contains("ÅÅÅÅ-MM-DD") || bad.text.contains("YYYY-MM-DD"))
            // The date field cannot hold what is not a date (the validator refuses it): it is left empty.
            #expect(!bad.text.contains("2026-13-01") && bad.text.contains("id=\"log-from\" name=\"from\" value=\"\""))
        }
    }
}
