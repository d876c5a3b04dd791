import Foundation
import GatewayCore
import GatewayTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Complaints (QS 6): anyone sends one, with or without a reference; the provider's admin and the
/// manager read them, and every read is in the access log; the text is sealed; they are counted.
@Suite("Complaints")
struct ComplaintTests {
    static let text = "KLAGE-5d1c: ventetiden var for lang"

    @Test func aComplaintWithoutAReferenceGoesToTheChosenProviderAndBadInputIsSaidClearly() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            let sent = try await client.json(.post, "/api/v1/complaints", ["providerId": "kk-pas", "about": "staff", "text": "  \(Self.text)  "])
            #expect(sent.status == .created)
            let body = sent.object?["complaint"] as? [String: Any]
            #expect(body?["providerId"] as? String == "kk-pas" && body?["about"] as? String == "staff")
            #expect(body?["serviceId"] as? String == "pas")   // kk-pas offers PAS only
            #expect(body?["receivedOn"] as? String == "2026-11-22")

            func problem(_ object: [String: Any], headers: HTTPFields = [:]) async throws -> (HTTPResponse.Status, String?, String?) {
                let answer = try await client.json(.post, "/api/v1/complaints", object, headers: headers)
                return (answer.status, answer.object?["field"] as? String, answer.object?["detail"] as? String)
            }
            #expect(try await problem(["about": "staff", "text": "x"]).1 == "providerId")
            #expect(try await problem(["providerId": "nowhere", "about": "staff", "text": "x"]).1 == "providerId")
            #expect(try await problem(["providerId": "kk-pas", "about": "weather", "text": "x"]).1 == "about")
            #expect(try await problem(["providerId": "kk-pas", "text": "x"]).1 == "about")
            #expect(try await problem(["providerId": "kk-pas", "about": "staff", "text": "   "]).1 == "text")
            #expect(try await problem(["providerId": "kk-pas", "about": "staff", "text": String(repeating: "å", count: 5001)]).1 == "text")
            #expect(try await problem(["providerId": "uturn", "serviceId": "pas", "about": "staff", "text": "x"]).1 == "serviceId")
            let wrongType = try await problem(["providerId": "kk-pas", "about": "staff", "text": 7])
            #expect(wrongType.0 == .badRequest && wrongType.1 == "text")
            // A reference that was never issued is not silently ignored.
            let unknown = try await problem(["about": "staff", "text": "x"], headers: client.bearer("0000-0000-0000-0000-0000"))
            #expect(unknown.0 == .notFound)
            let typo = try await problem(["about": "staff", "text": "x"], headers: client.bearer("0000-0000"))
            #expect(typo.0 == .badRequest)
        }
    }

    @Test func aReferenceUsedAtTheConversationStillChoosesTheProviderAndIsNotStored() async throws {
        let directory = NSTemporaryDirectory() + "anongate-complaints-\(UUID().uuidString)"
        let gateway = try await TestGateway.withStaff(dataDirectory: directory)
        let token = try await gateway.app.test(.router) { client -> String in
            let token = try await client.bookUturn()
            gateway.clock.set(TestGateway.mondayMorning)
            let anna = try await client.signIn("anna")
            #expect(try await client.json(.post, "/api/v1/staff/checkins", ["token": token], headers: anna).status == .ok)
            // The token is used now; a complaint with it still reaches U-turn.
            let sent = try await client.json(.post, "/api/v1/complaints", ["about": "treatment", "text": Self.text], headers: client.bearer(token))
            #expect(sent.status == .created)
            let body = sent.object?["complaint"] as? [String: Any]
            #expect(body?["providerId"] as? String == "uturn" && body?["serviceId"] as? String == "uturn")
            let mismatch = try await client.json(.post, "/api/v1/complaints", ["providerId": "kk-pas", "about": "treatment", "text": "x"],
                                                 headers: client.bearer(token))
            #expect(mismatch.status == .badRequest && mismatch.object?["field"] as? String == "providerId")

            // U-turn's admin reads it; the complaint names no case and no booking.
            let ida = try await client.signIn("ida")
            let listed = try await client.json(.get, "/api/v1/staff/complaints", headers: ida)
            let complaints = try #require(listed.object?["complaints"] as? [[String: Any]])
            #expect(complaints.count == 1)
            #expect(complaints.first?["text"] as? String == Self.text)
            #expect(Set(complaints.first?.keys.map { $0 } ?? []) == ["complaintCode", "providerId", "serviceId", "about", "receivedOn", "text", "status"])
            return token
        }
        // Sealed in the store, and neither the reference nor the text in any file.
        for file in try FileManager.default.contentsOfDirectory(atPath: directory) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + file))
            for needle in [Self.text, "ventetiden", token, token.replacingOccurrences(of: "-", with: "")] {
                #expect(bytes.range(of: Data(needle.utf8)) == nil, "\(file) contains \(needle)")
            }
        }
    }

    @Test func providerAdminsReadTheirOwnTheManagerAllOthersNoneAndEveryReadIsLogged() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            for (provider, about) in [("kk-pas", "staff"), ("kk-pas", "decision"), ("uturn", "service")] {
                #expect(try await client.json(.post, "/api/v1/complaints", ["providerId": provider, "about": about, "text": "\(provider) \(about)"]).status == .created)
            }
            let eva = try await client.signIn("eva"), ida = try await client.signIn("ida"), gry = try await client.signIn("gry")
            func codes(_ headers: HTTPFields, _ query: String = "") async throws -> [String] {
                let answer = try await client.json(.get, "/api/v1/staff/complaints\(query)", headers: headers)
                #expect(answer.status == .ok, "\(answer.text)")
                #expect(answer.headers[.cacheControl] == "no-store")
                return ((answer.object?["complaints"] as? [[String: Any]]) ?? []).compactMap { $0["complaintCode"] as? String }
            }
            #expect(try await codes(eva).count == 2)
            #expect(try await codes(ida).count == 1)
            #expect(try await codes(gry).count == 3)
            for name in ["anna", "carl", "dora", "finn", "hans"] {
                #expect(try await client.json(.get, "/api/v1/staff/complaints", headers: try await client.signIn(name)).status == .forbidden, "\(name)")
            }
            #expect(try await client.json(.get, "/api/v1/staff/complaints").status == .unauthorized)
            #expect(try await client.json(.get, "/api/v1/staff/complaints?status=lost", headers: eva).status == .badRequest)

            // Handling: eva may handle her provider's, not U-turn's (that is "not found").
            let uturnCode = try #require(try await codes(ida).first)
            let evaCodes = try await codes(eva)
            let foreign = try await client.json(.post, "/api/v1/staff/complaints/\(uturnCode)/handled", headers: eva)
            #expect(foreign.status == .notFound && foreign.object?["type"] as? String == "urn:anongate:problem:unknown-complaint")
            #expect(try await client.json(.post, "/api/v1/staff/complaints/NOT-A-CODE/handled", headers: eva).status == .notFound)
            let handled = try await client.json(.post, "/api/v1/staff/complaints/\(evaCodes[0])/handled", headers: eva)
            #expect(handled.status == .ok)
            let complaint = handled.object?["complaint"] as? [String: Any]
            #expect(complaint?["status"] as? String == "handled" && complaint?["handledOn"] as? String == "2026-11-22")
            #expect(try await codes(eva, "?status=open") == [evaCodes[1]])
            #expect(try await codes(eva, "?status=handled") == [evaCodes[0]])
            #expect(try await client.json(.post, "/api/v1/staff/complaints/\(uturnCode)/handled", headers: gry).status == .ok)

            // The auditor of kk-pas sees who read kk-pas's complaints — the manager's reads included.
            let log = try await client.json(.get, "/api/v1/staff/access-log", headers: try await client.signIn("finn"))
            let entries = ((log.object?["entries"] as? [[String: Any]]) ?? [])
            let reads = entries.filter { $0["action"] as? String == "read-complaint" }
            #expect(Set(reads.compactMap { $0["caseCode"] as? String }) == Set(evaCodes))
            #expect(Set(reads.compactMap { $0["staff"] as? String }) == ["eva", "gry"])
            #expect(entries.contains { $0["action"] as? String == "complaint-handled" && $0["caseCode"] as? String == evaCodes[0] })
            #expect(!entries.contains { $0["caseCode"] as? String == uturnCode })

            // Counted per provider and topic, suppressed like every figure.
            let stats = try await client.json(.get, "/api/v1/stats?from=2026-11&to=2026-11", headers: gry)
            let cells = (stats.object?["cells"] as? [[String: Any]]) ?? []
            func value(_ provider: String, _ figure: String) -> String? {
                cells.first { $0["service"] as? String == "*" && $0["provider"] as? String == provider && $0["figure"] as? String == figure }?["value"] as? String
            }
            #expect(value("kk-pas", "complaints") == "<5" && value("kk-pas", "complaints.treatment") == "0")
            #expect(value("*", "complaints") == "<5")
            #expect(!cells.contains { $0["service"] as? String == "pas" && ($0["figure"] as? String ?? "").hasPrefix("complaints") })
        }
    }

    @Test func thePageExplainsTheRoutesKeepsWhatWasTypedAndSetsNoCookie() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            let page = try await client.execute(uri: "/complaints", method: .get)
            #expect(page.status == .ok)
            #expect(page.headers[.setCookie] == nil)
            for needle in ["id=\"complaint-routes\"", "Borgerrådgiver", "Vester Voldgade 2A", "centerledelsen", "§ 101 a",
                           "id=\"complaint-provider\" name=\"providerId\"", "name=\"about\" value=\"decision\"", "id=\"complaint-text\" name=\"text\"",
                           "id=\"complaint-token\" name=\"token\"", "action=\"/complaints\""] {
                #expect(page.text.contains(needle), "\(needle)")
            }
            let english = try await client.execute(uri: "/complaints?lang=en", method: .get)
            #expect(english.text.contains("<html lang=\"en\" dir=\"ltr\">") && english.text.contains("cannot be appealed to another administrative authority"))
            // Every citizen page links to it.
            #expect(try await client.execute(uri: "/", method: .get).text.contains("href=\"/complaints\""))

            let missing = try await client.form("/complaints", [("lang", "da"), ("providerId", "uturn"), ("text", "Mit ord & \"citat\"")])
            #expect(missing.status == .badRequest)
            #expect(missing.text.contains("Der mangler et svar: Emnet."))
            #expect(missing.text.contains("Mit ord &amp; &quot;citat&quot;</textarea>"))
            #expect(missing.text.contains("<option value=\"uturn\" selected>"))

            let sent = try await client.form("/complaints", [("lang", "da"), ("providerId", "uturn"), ("about", "service"), ("text", Self.text), ("token", "")])
            #expect(sent.status == .ok)
            #expect(sent.text.contains("id=\"complaint-sent\""))
            #expect(sent.text.contains("U-turn"))
            #expect(sent.headers[.setCookie] == nil)
            let typo = try await client.form("/complaints", [("lang", "da"), ("about", "service"), ("text", "x"), ("token", "1234")])
            #expect(typo.status == .badRequest && typo.text.contains("value=\"1234\""))

            // The admin's page lists it and marks it handled with the form's CSRF token.
            let signedIn = try await client.signInForm([("username", "ida"), ("password", TestGateway.password)])
            let cookie: HTTPFields = [.cookie: String(try #require(signedIn.headers[.setCookie]).prefix { $0 != ";" })]
            let list = try await client.execute(uri: "/staff/complaints", method: .get, headers: cookie)
            #expect(list.status == .ok)
            #expect(list.text.contains(Self.text) && list.text.contains("href=\"/staff/complaints\""))
            let csrf = try #require(StaffPageTests.csrf(in: list.text))
            let code = try #require(list.text.range(of: "action=\"/staff/complaints/").map { String(list.text[$0.upperBound...].prefix(9)) })
            let handled = try await client.form("/staff/complaints/\(code)/handled", [("csrf", csrf)], headers: cookie)
            #expect(handled.status == .seeOther)
            #expect(!(try await client.execute(uri: "/staff/complaints", method: .get, headers: cookie).text.contains(Self.text)))
            #expect(try await client.execute(uri: "/staff/complaints?status=handled", method: .get, headers: cookie).text.contains(Self.text))
            #expect(try await client.form("/staff/complaints/\(code)/handled", [("csrf", "forged")], headers: cookie).status == .forbidden)
        }
    }
}
