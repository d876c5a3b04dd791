import Foundation
@testable import GatewayWeb
import GatewayCore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// What the hostile-input corpus (Tests/Outside/hostile.py) found, each pinned here: a bad request
/// gets the exact 4xx and a sentence that says what was wrong, in the page's language.
@Suite("Hostile input")
struct HostileInputTests {
    /// Every citizen form that needs the reference.
    static let tokenForms = ["/book/done", "/booking", "/booking/cancel", "/booking/requests", "/booking/move", "/booking/move/confirm",
                             "/booking/forget", "/booking/forget/confirm", "/follow-up"]

    @Test func aCitizenFormWithoutItsReferenceAsksForItInThePagesLanguage() async throws {
        try await TestGateway().test { client in
            for path in Self.tokenForms {
                for (fields, sentence) in [([(String, String)](), "Skriv din reference."), ([("lang", "ar"), ("token", "")], "اكتب رمزك المرجعي."),
                                           ([("lang", "en"), ("token", "  ")], "Enter your reference.")] {
                    let page = try await client.form(path, fields)
                    #expect(page.status == .badRequest, "\(path) \(fields)")
                    #expect(page.text.contains("role=\"alert\"") && page.text.contains(sentence), "\(path) \(fields)")
                    #expect(!page.text.contains("Authorization"), "\(path)")
                }
            }
            // Where the page has the field, the summary links to it.
            let manage = try await client.form("/booking", [("lang", "tr")])
            #expect(manage.text.contains("<li><a href=\"#token\">Referans kodunuzu yazın.</a></li>"))
        }
    }

    @Test func aCheckInWithoutTheReferenceIsAMissingField() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            let anna = try await client.signIn("anna")
            for body in [[:], ["token": ""]] as [[String: Any]] {
                let answer = try await client.json(.post, "/api/v1/staff/checkins", body, headers: anna)
                #expect(answer.status == .badRequest)
                #expect(answer.object?["type"] as? String == "urn:anongate:problem:missing-field")
                #expect(answer.object?["field"] as? String == "token")
                #expect(answer.object?["detail"] as? String == "Enter the citizen's reference.")
            }
            let page = StaffPageTests()
            let browser = try await page.signIn(client, "anna")
            let checkIn = try await client.form("/staff/checkin", [("csrf", browser.csrf)], headers: browser.headers)
            #expect(checkIn.status == .badRequest)
            #expect(checkIn.text.contains("Skriv borgerens reference."))
        }
    }
}

extension HostileInputTests {
    @Test func aJSONBodyThatIsNotUTF8IsMalformed() async throws {
        try await TestGateway().test { client in
            let (token, _) = try await client.bookPAS()
            for bytes in [[0xFF, 0xFE], [0xC0, 0xAF], [0xED, 0xA0, 0x80]] as [[UInt8]] {   // not UTF-8, overlong '/', a surrogate
                var body = ByteBuffer(string: #"{"companion":true,"x":""#)
                body.writeBytes(bytes)
                body.writeString(#""}"#)
                var headers = client.bearer(token)
                headers[.contentType] = "application/json"
                let answer = try await client.execute(uri: "/api/v1/bookings/current/requests", method: .post, headers: headers, body: body)
                #expect(answer.status == .badRequest, "\(bytes)")
                #expect(answer.object?["type"] as? String == "urn:anongate:problem:malformed-json")
            }
            // Nothing was changed.
            let current = try await client.json(.get, "/api/v1/bookings/current", headers: client.bearer(token))
            #expect((current.object?["booking"] as? [String: Any])?["companion"] as? Bool == false)
        }
    }

    @Test func theDecoderRefusesInvalidUTF8Itself() {
        struct Body: Decodable { var a: String? }
        #expect(throws: GatewayProblem.malformedJSON) { try JSONBody.decode(Body.self, from: Data([0x7B, 0x22, 0x78, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D])) }
        #expect(throws: Never.self) { try JSONBody.decode(Body.self, from: Data(#"{"a":"æøå 😀"}"#.utf8)) }
    }
}

extension HostileInputTests {
    @Test func aPercentEncodedValueThatIsNotUTF8IsRefusedNotDropped() async throws {
        try await TestGateway().test { client in
            var headers = HTTPFields()
            headers[.contentType] = "application/x-www-form-urlencoded"
            for body in ["lang=en&service=%FF%FE", "lang=en&service=uturn&ageBand=%C0%AF", "lang=en&%FF=1&service=uturn"] {
                let page = try await client.execute(uri: "/book/questions", method: .post, headers: headers, body: ByteBuffer(string: body))
                #expect(page.status == .badRequest, "\(body)")
                #expect(page.text.contains("Formularen er ikke gyldig UTF-8."), "\(body)")   // the form was not read: Danish
            }
        }
        #expect(throws: GatewayProblem.invalidEncoding) { try FormBody(encoded: "message=%E2%82") }
        // What browsers send still reads, and a stray `%` stays as typed (as WHATWG's parser does).
        let form = try FormBody(encoded: "message=%C3%A6+%F0%9F%98%80+100%25+50%+%zz&a+b=c%2Bd")
        #expect(form["message"] == "æ 😀 100% 50% %zz")
        #expect(form["a b"] == "c+d")
    }
}

extension HostileInputTests {
    @Test func aCitizenFormThatIsNotAFormIs415InThePagesLanguage() async throws {
        try await TestGateway().test { client in
            let body = "lang=en&service=uturn&slot=uturn.uturn.20261123T0800"
            for type in ["text/plain", "application/json", "multipart/form-data; boundary=x", "application/x-www-form-urlencodedx", nil] as [String?] {
                var headers = HTTPFields()
                if let type { headers[.contentType] = type }
                for path in ["/book/questions", "/booking/calendar.ics", "/booking", "/complaints"] {
                    let page = try await client.execute(uri: path, method: .post, headers: headers, body: ByteBuffer(string: body))
                    #expect(page.status == .unsupportedMediaType, "\(path) \(type ?? "none")")
                    #expect(page.headers[.contentType] == "text/html; charset=utf-8")
                    #expect(page.text.contains("The form was not sent as a web form"), "\(path) \(type ?? "none")")
                }
            }
            // Not a form at all: said in Danish.
            let json = try await client.execute(uri: "/book/questions", method: .post, headers: [.contentType: "application/json"],
                                                body: ByteBuffer(string: #"{"service":"uturn"}"#))
            #expect(json.status == .unsupportedMediaType && json.text.contains("Formularen blev ikke sendt som en webformular"))
            // Parameters and case are fine.
            for type in ["application/x-www-form-urlencoded; charset=UTF-8", "Application/X-WWW-Form-Urlencoded"] {
                let page = try await client.execute(uri: "/book/questions", method: .post, headers: [.contentType: type], body: ByteBuffer(string: body))
                #expect(page.status == .ok, "\(type)")
            }
        }
    }
}

extension HostileInputTests {
    @Test func twoDifferentValuesOfOneFieldAreRefusedAndNothingIsStored() async throws {
        let gateway = try TestGateway()
        try await gateway.test { client in
            let (token, _) = try await client.bookPAS()
            let refused: [(String, [(String, String)])] = [
                ("/book/questions", [("lang", "en"), ("service", "uturn"), ("service", "pas")]),
                ("/book/times", [("lang", "en"), ("service", "uturn"), ("ageBand", "18-24"), ("ageBand", "14-17")]),
                ("/book/details", [("lang", "en"), ("service", "uturn"), ("ageBand", "18-24"), ("slot", "uturn.uturn.20261123T0800"),
                                   ("slot", "uturn.uturn.20261123T0845")]),
                ("/booking", [("lang", "en"), ("token", token), ("token", "0000-0000-0000-0000-0000")]),
                ("/book/questions", [("lang", "en"), ("lang", "ar"), ("service", "uturn")]),
                ("/complaints", [("lang", "en"), ("providerId", "uturn"), ("providerId", "kk-pas"), ("about", "service"), ("text", "hej")]),
            ]
            for (path, fields) in refused {
                let page = try await client.form(path, fields)
                #expect(page.status == .badRequest, "\(path) \(fields)")
                let sentence = fields.filter({ $0.0 == "lang" }).count > 1 ? "Formularen har to forskellige svar" : "The form has two different answers"
                #expect(page.text.contains("role=\"alert\"") && page.text.contains(sentence), "\(path) \(fields)")
            }
            let complaints = try await gateway.dependencies.anonymousStore.reader.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM complaint")! }
            #expect(complaints == 0)
            // The same value twice, and several substances, are what a page may send.
            #expect(try await client.form("/book/questions", [("lang", "en"), ("service", "uturn"), ("service", "uturn")]).status == .ok)
            let pas = try await client.form("/book/times", [("lang", "en"), ("service", "pas"), ("ageBand", "25-plus"), ("substances", "cocaine"),
                                                            ("substances", "cannabis"), ("otherSupport", "no")])
            #expect(pas.status == .ok)
        }
    }

    /// Every form on the booking pages sends each single-valued name once: the hidden fields never
    /// repeat a name with another value, and the language switch's hidden fields never carry `lang`
    /// beside its buttons.
    @Test func noPageSendsOneFieldTwice() async throws {
        try await TestGateway().test { client in
            let (token, _) = try await client.bookPAS()
            let answers = [("lang", "ar"), ("service", "pas"), ("ageBand", "25-plus"), ("substances", "cocaine"), ("substances", "cannabis"),
                           ("otherSupport", "no")]
            let pages = [
                try await client.form("/book/questions", [("lang", "ar"), ("service", "pas")]),
                try await client.form("/book/times", answers),
                try await client.form("/book/details", answers + [("slot", "kk-pas.pas.20261123T1000")]),
                try await client.form("/book/confirm", answers + [("slot", "kk-pas.pas.20261123T1000"), ("interpreterLanguage", "arabisk")]),
                try await client.form("/booking", [("lang", "ar"), ("token", token)]),
                try await client.form("/booking/move", [("lang", "ar"), ("token", token)]),
                try await client.form("/booking/forget", [("lang", "ar"), ("token", token)]),
                try await client.form("/complaints/language", [("lang", "ar"), ("providerId", "uturn"), ("text", "x")]),
            ]
            var forms = 0
            for page in pages {
                #expect(page.status == .ok)
                for form in page.text.components(separatedBy: "<form").dropFirst() {
                    let body = form.components(separatedBy: "</form>")[0]
                    var hidden: [String: Set<String>] = [:]
                    for input in body.components(separatedBy: "<input type=\"hidden\" name=\"").dropFirst() {
                        let name = String(input.prefix { $0 != "\"" })
                        let value = input.range(of: "value=\"").map { String(input[$0.upperBound...].prefix { $0 != "\"" }) } ?? ""
                        hidden[name, default: []].insert(value)
                    }
                    for (name, values) in hidden where name != "substances" { #expect(values.count == 1, "\(name): \(values)") }
                    if body.contains("type=\"submit\" name=\"lang\"") { #expect(hidden["lang"] == nil) }
                    forms += 1
                }
            }
            #expect(forms > 10)
        }
    }
}

extension HostileInputTests {
    @Test func aSeatOrAttendanceWithoutACaseCodeIsAMissingField() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            gateway.clock.set(TestGateway.mondayMorning)
            let eva = try await client.signIn("eva")
            let created = try await client.json(.post, "/api/v1/staff/groups", ["serviceId": "pas", "seats": 6, "meetings": GroupCourseTests.meetings], headers: eva)
            let courseId = try #require((created.object?["course"] as? [String: Any])?["courseId"] as? String)
            for path in ["/api/v1/staff/groups/\(courseId)/seats", "/api/v1/staff/groups/\(courseId)/meetings/1/attendance"] {
                for body in [[:], ["caseCode": ""]] as [[String: Any]] {
                    let answer = try await client.json(.post, path, body, headers: eva)
                    #expect(answer.status == .badRequest, "\(path)")
                    #expect(answer.object?["type"] as? String == "urn:anongate:problem:missing-field")
                    #expect(answer.object?["field"] as? String == "caseCode")
                    #expect(answer.object?["detail"] as? String == "An answer is missing: The case code.")
                }
                #expect(try await client.json(.post, path, ["caseCode": "NOPE-NOPE"], headers: eva).status == .notFound)
            }
            let browser = try await StaffPageTests().signIn(client, "eva")
            for path in ["/staff/groups/\(courseId)/seats", "/staff/groups/\(courseId)/attendance"] {
                let page = try await client.form(path, [("csrf", browser.csrf), ("meeting", "1")], headers: browser.headers)
                #expect(page.status == .badRequest, "\(path)")
                #expect(page.text.contains("Der mangler et svar: Sagskoden."), "\(path)")
            }
        }
    }

    /// Relatives' counselling is for relatives of someone not in treatment (QS 4.4.4): the answer decides
    /// the offer, so a missing one is asked for, not taken as "not in treatment".
    @Test func relativesMustSayWhetherThePersonIsInTreatment() async throws {
        try await TestGateway().test { client in
            let api = try await client.json(.post, "/api/v1/bookings", ["serviceId": "relatives", "slotId": "rbk.relatives.20261123T0800", "ageBand": "25-plus"])
            #expect(api.status == .badRequest && api.object?["field"] as? String == "personIsEnrolledInTreatment", "\(api.text)")
            for answer in [nil, "<script>"] as [String?] {
                var fields = [("lang", "da"), ("service", "relatives"), ("ageBand", "25-plus")]
                if let answer { fields.append(("enrolled", answer)) }
                let page = try await client.form("/book/times", fields)
                #expect(page.status == .badRequest)
                #expect(page.text.contains("Svar på, om den, du er bekymret for, er i behandling nu."))
                #expect(page.text.contains("href=\"#field-personIsEnrolledInTreatment\""))
            }
            #expect(try await client.form("/book/times", [("lang", "da"), ("service", "relatives"), ("ageBand", "25-plus"), ("enrolled", "no")]).status == .ok)
        }
    }

    @Test func aFieldInAListIsNamedAsTheRequestSpellsIt() async throws {
        try await TestGateway().test { client in
            let answer = try await client.json(.post, "/api/v1/bookings", ["serviceId": "pas", "slotId": "kk-pas.pas.20261123T0900", "ageBand": "25-plus", "substances": [1]])
            #expect(answer.status == .badRequest && answer.object?["field"] as? String == "substances[0]", "\(answer.text)")
        }
    }

    @Test func aDayThatDoesNotExistIsSaidOnTheProgramme() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            let browser = try await StaffPageTests().signIn(client, "anna")
            for day in ["2027-02-30", "2027-13-01"] {
                let page = try await client.execute(uri: "/staff/schedule?date=\(day)", method: .get, headers: browser.headers)
                #expect(page.status == .badRequest, "\(day)")
                #expect(page.text.contains("role=\"alert\""), "\(day)")
            }
            #expect(try await client.execute(uri: "/staff/schedule?date=2026-11-24", method: .get, headers: browser.headers).status == .ok)
        }
    }

    @Test func anOversizedSignInIs413() async throws {
        try await TestGateway.withStaff().test { client in
            let big = "username=" + String(repeating: "a", count: GatewayRequestContext.maximumBodyBytes)
            let answer = try await client.execute(uri: "/staff/sign-in", method: .post,
                                                  headers: [.contentType: "application/x-www-form-urlencoded", .origin: "http://localhost"],
                                                  body: ByteBuffer(string: big))
            #expect(answer.status == .contentTooLarge)
        }
    }
}
