import Foundation
import GatewayCore
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Issue 10: PAS group treatment as a course (§101a stk. 8, QS 3.5): a provider's admin defines it,
/// a granted case is given a seat, attendance per meeting counts against the course, and the citizen
/// reads the dates with their reference.
@Suite("Group courses")
struct GroupCourseTests {
    nonisolated(unsafe) static let meetings: [[String: Any]] = [
        ["date": "2026-11-24", "start": "16:00", "minutes": 150],
        ["date": "2026-11-26", "start": "16:00", "minutes": 150],
        ["date": "2026-12-01", "start": "16:00", "minutes": 150],
    ]

    @Test func anAdminDefinesACourseAGrantedCaseTakesASeatAndAttendanceCounts() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            gateway.clock.set(TestGateway.mondayMorning)
            let eva = try await client.signIn("eva")     // kk-pas provider-admin
            var carl = try await client.signIn("carl")   // kk-pas counsellor
            #expect(try await client.json(.post, "/api/v1/staff/groups", ["serviceId": "pas", "seats": 6, "meetings": Self.meetings], headers: carl).status == .forbidden)
            let created = try await client.json(.post, "/api/v1/staff/groups", ["serviceId": "pas", "seats": 6, "meetings": Self.meetings], headers: eva)
            #expect(created.status == .created)
            let course = try #require(created.object?["course"] as? [String: Any])
            let courseId = try #require(course["courseId"] as? String)
            let meetings = try #require(course["meetings"] as? [[String: Any]])
            #expect(meetings.first?["start"] as? String == "2026-11-24T16:00:00+01:00")
            #expect(meetings.first?["end"] as? String == "2026-11-24T18:30:00+01:00")
            #expect(course["seats"] as? Int == 6 && course["seated"] as? Int == 0)
            // Bad input: each a clear 4xx naming the field.
            let tooMany = try await client.json(.post, "/api/v1/staff/groups", ["serviceId": "pas", "seats": 6, "meetings": Array(repeating: Self.meetings[0], count: 9)], headers: eva)
            #expect(tooMany.status == .badRequest && tooMany.object?["field"] as? String == "meetings")
            let badTime = try await client.json(.post, "/api/v1/staff/groups", ["serviceId": "pas", "seats": 6, "meetings": [["date": "2026-11-24", "start": "4pm", "minutes": 150]]], headers: eva)
            #expect(badTime.status == .badRequest && badTime.object?["field"] as? String == "meetings")
            let noSeats = try await client.json(.post, "/api/v1/staff/groups", ["serviceId": "pas", "meetings": Self.meetings], headers: eva)
            #expect(noSeats.status == .badRequest && noSeats.object?["field"] as? String == "seats")
            let notHere = try await client.json(.post, "/api/v1/staff/groups", ["serviceId": "uturn-parents", "seats": 6, "meetings": Self.meetings], headers: eva)
            #expect(notHere.status == .unprocessableContent && notHere.object?["type"] as? String == "urn:anongate:problem:service-not-offered")
            let listed = try await client.json(.get, "/api/v1/staff/groups", headers: carl)
            #expect((listed.object?["courses"] as? [[String: Any]])?.compactMap { $0["courseId"] as? String } == [courseId])
            // Another provider sees none of it.
            let hans = try await client.signIn("hans")
            #expect((try await client.json(.get, "/api/v1/staff/groups", headers: hans).object?["courses"] as? [[String: Any]])?.isEmpty == true)

            // A PAS case: the clarifying conversation, then the decision, then a seat.
            let walkIn = try await client.json(.post, "/api/v1/staff/walkins", ["serviceId": "pas", "ageBand": "25-plus"], headers: carl)
            let code = try #require(walkIn.object?["caseCode"] as? String)
            let early = try await client.json(.post, "/api/v1/staff/groups/\(courseId)/seats", ["caseCode": code], headers: carl)
            #expect(early.status == .unprocessableContent && early.object?["type"] as? String == "urn:anongate:problem:decision-required")
            #expect(try await client.json(.post, "/api/v1/staff/cases/\(code)/decision",
                                          ["outcome": "granted", "reason": "Kokain", "referralProviderId": "kk-pas"], headers: carl).status == .ok)
            let seated = try await client.json(.post, "/api/v1/staff/groups/\(courseId)/seats", ["caseCode": code], headers: carl)
            #expect(seated.status == .created)
            #expect((seated.object?["course"] as? [String: Any])?["seated"] as? Int == 1)
            #expect(try await client.json(.post, "/api/v1/staff/groups/\(courseId)/seats", ["caseCode": code], headers: carl).status == .conflict)
            #expect(try await client.json(.post, "/api/v1/staff/groups/nope/seats", ["caseCode": code], headers: carl).status == .notFound)
            #expect(try await client.json(.post, "/api/v1/staff/groups/\(courseId)/seats", ["caseCode": code], headers: hans).status == .notFound)

            // Attendance: not before the meeting's day, once, and it is the case's second session (a group session).
            let attendance = "/api/v1/staff/groups/\(courseId)/meetings/1/attendance"
            let tooEarly = try await client.json(.post, attendance, ["caseCode": code], headers: carl)
            #expect(tooEarly.status == .conflict && tooEarly.object?["type"] as? String == "urn:anongate:problem:meeting-not-yet")
            gateway.clock.set(TestGateway.mondayMorning.addingTimeInterval(86_400 + 9 * 3600))
            carl = try await client.signIn("carl")   // a new day, a new session
            let came = try await client.json(.post, attendance, ["caseCode": code], headers: carl)
            #expect(came.status == .ok)
            #expect(came.object?["sessionNumber"] as? Int == 2)
            #expect((came.object?["progress"] as? [String: String])?["en"]?.contains("group") == true)
            #expect(try await client.json(.post, attendance, ["caseCode": code], headers: carl).status == .conflict)
            #expect(try await client.json(.post, "/api/v1/staff/groups/\(courseId)/meetings/9/attendance", ["caseCode": code], headers: carl).status == .notFound)
            #expect(try await client.json(.post, "/api/v1/staff/groups/\(courseId)/meetings/x/attendance", ["caseCode": code], headers: carl).status == .notFound)

            // The citizen: the concluding conversation is booked like today, and with its reference the course's dates are read.
            let next = try await client.json(.post, "/api/v1/staff/cases/\(code)/bookings", ["slotId": "kk-pas.pas.20261208T0900"], headers: carl)
            let token = try #require(next.object?["token"] as? String)
            let current = try await client.json(.get, "/api/v1/bookings/current", headers: client.bearer(token))
            let seen = try #require(current.object?["course"] as? [String: Any])
            #expect((seen["meetings"] as? [[String: Any]])?.compactMap { $0["attended"] as? Bool } == [true, false, false])
            let page = try await client.form("/booking", [("lang", "da"), ("token", token)])
            #expect(page.text.contains("id=\"group-course\""))
            #expect(page.text.contains("tirsdag 24. november kl. 16:00–18:30 (mødt)"))
            // The access log has both steps, under the case.
            let finn = try await client.signIn("finn")
            let log = try await client.json(.get, "/api/v1/staff/access-log?caseCode=\(code)", headers: finn)
            let actions = (log.object?["entries"] as? [[String: Any]])?.compactMap { $0["action"] as? String } ?? []
            #expect(actions.contains("seat-in-course") && actions.contains("attend-meeting"))
        }
    }

    @Test func thePageCreatesACourseGivesAPlaceAndRecordsAttendanceWithoutJavaScript() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            gateway.clock.set(TestGateway.mondayMorning)
            let pages = StaffPageTests()
            let eva = try await pages.signIn(client, "eva")
            let carl = try await pages.signIn(client, "carl")
            let empty = try await client.execute(uri: "/staff/groups", method: .get, headers: carl.headers)
            #expect(empty.status == .ok && empty.text.contains("href=\"/staff/groups\""))
            #expect(!empty.text.contains("id=\"group-create\""))   // counsellors do not define courses
            let adminView = try await client.execute(uri: "/staff/groups", method: .get, headers: eva.headers)
            #expect(adminView.text.contains("id=\"group-meetings\""))
            let bad = try await client.form("/staff/groups", [("csrf", eva.csrf), ("serviceId", "pas"), ("seats", "6"), ("meetings", "tirsdag kl. 16")], headers: eva.headers)
            #expect(bad.status == .badRequest)
            #expect(bad.text.contains("tirsdag kl. 16"))   // what was typed comes back
            let created = try await client.form("/staff/groups", [("csrf", eva.csrf), ("serviceId", "pas"), ("seats", "6"),
                                                                  ("meetings", "2026-11-23 16:00 150\r\n2026-11-26 16:00 150\r\n")], headers: eva.headers)
            #expect(created.status == .created)
            #expect(created.text.contains("0 af 6 pladser taget"))
            #expect(created.text.contains("mandag 23. november kl. 16:00–18:30"))
            let forbidden = try await client.form("/staff/groups", [("csrf", carl.csrf), ("serviceId", "pas"), ("seats", "6"),
                                                                    ("meetings", "2026-11-24 16:00 150")], headers: carl.headers)
            #expect(forbidden.status == .forbidden)
            let courseId = try #require(created.text.range(of: "action=\"/staff/groups/").map { created.text[$0.upperBound...].prefix { $0 != "/" } })

            let api = try await client.signIn("carl")
            let code = try #require(try await client.json(.post, "/api/v1/staff/walkins", ["serviceId": "pas", "ageBand": "25-plus"], headers: api).object?["caseCode"] as? String)
            _ = try await client.json(.post, "/api/v1/staff/cases/\(code)/decision", ["outcome": "granted", "reason": "Kokain", "referralProviderId": "kk-pas"], headers: api)
            let seated = try await client.form("/staff/groups/\(courseId)/seats", [("csrf", carl.csrf), ("caseCode", code)], headers: carl.headers)
            #expect(seated.status == .ok && seated.text.contains("1 af 6 pladser taget"))
            let attended = try await client.form("/staff/groups/\(courseId)/attendance", [("csrf", carl.csrf), ("caseCode", code), ("meeting", "1")], headers: carl.headers)
            #expect(attended.status == .ok)
            #expect(attended.text.contains("Fremmøde registreret: session 2 af"))
            let again = try await client.form("/staff/groups/\(courseId)/attendance", [("csrf", carl.csrf), ("caseCode", code), ("meeting", "1")], headers: carl.headers)
            #expect(again.status == .conflict && again.text.contains("allerede registreret"))
        }
    }

    /// Hostile input: a meeting at a wall time the clocks skip (the gap one was stored with zero
    /// length) or repeat is a 400 naming `meetings`, on the API and on the staff page.
    @Test func aMeetingWhenTheClocksChangeIsRefusedOnTheAPIAndThePage() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            gateway.clock.set(TestGateway.mondayMorning)
            let eva = try await client.signIn("eva")
            for (date, start) in [("2027-03-28", "02:30"), ("2027-10-31", "02:30"), ("2026-10-25", "02:30"), ("2027-03-28", "01:30")] {
                let meetings: [[String: Any]] = [["date": date, "start": start, "minutes": 60]]
                let refused = try await client.json(.post, "/api/v1/staff/groups", ["serviceId": "pas", "seats": 6, "meetings": meetings], headers: eva)
                let wanted = date == "2026-10-25" ? "before the one before it, in the past" : "when the clocks change"   // 2026-10-25 is past
                #expect(refused.status == .badRequest, "\(date) \(start)")
                #expect(refused.object?["type"] as? String == "urn:anongate:problem:invalid-field")
                #expect(refused.object?["field"] as? String == "meetings")
                #expect((refused.object?["detail"] as? String)?.contains(wanted) == true, "\(refused.object?["detail"] ?? "")")
            }
            #expect((try await client.json(.get, "/api/v1/staff/groups", headers: eva).object?["courses"] as? [[String: Any]])?.isEmpty == true)
            let pages = StaffPageTests()
            let admin = try await pages.signIn(client, "eva")
            let page = try await client.form("/staff/groups", [("csrf", admin.csrf), ("serviceId", "pas"), ("seats", "6"),
                                                               ("meetings", "2027-03-27 16:00 150\r\n2027-03-28 02:30 60")], headers: admin.headers)
            #expect(page.status == .badRequest)
            #expect(page.text.contains("role=\"alert\""))
            #expect(page.text.contains("Gang 2 ligger, når uret stilles om til sommer- eller vintertid"))
        }
    }

    /// U-turn's parents (QS 4.4.4): conversations or a group of 5 meetings, each with its own limit.
    @Test func aParentTalksAndJoinsTheParentsGroupEachCountedOnItsOwn() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            gateway.clock.set(TestGateway.mondayMorning)
            let ida = try await client.signIn("ida")     // U-turn provider-admin
            let meetings = ["2026-11-23", "2026-11-30", "2026-12-07", "2026-12-14", "2027-01-04"].map { ["date": $0, "start": "17:00", "minutes": 120] as [String: Any] }
            let created = try await client.json(.post, "/api/v1/staff/groups", ["serviceId": "uturn-parents", "seats": 10, "meetings": meetings], headers: ida)
            #expect(created.status == .created)
            let courseId = try #require((created.object?["course"] as? [String: Any])?["courseId"] as? String)
            let six = meetings + [["date": "2027-01-11", "start": "17:00", "minutes": 120]]
            #expect(try await client.json(.post, "/api/v1/staff/groups", ["serviceId": "uturn-parents", "seats": 10, "meetings": six], headers: ida).status == .badRequest)

            let walkIn = try await client.json(.post, "/api/v1/staff/walkins", ["serviceId": "uturn-parents", "ageBand": "25-plus"], headers: ida)
            #expect((walkIn.object?["progress"] as? [String: String])?["en"] == "conversation 1 of 5")
            let code = try #require(walkIn.object?["caseCode"] as? String)
            #expect(try await client.json(.post, "/api/v1/staff/groups/\(courseId)/seats", ["caseCode": code], headers: ida).status == .created)
            let came = try await client.json(.post, "/api/v1/staff/groups/\(courseId)/meetings/1/attendance", ["caseCode": code], headers: ida)
            #expect((came.object?["progress"] as? [String: String])?["en"] == "meeting 1 of 5")
            #expect(came.object?["remaining"] as? Int == 4)
            let found = try await client.json(.get, "/api/v1/staff/cases/\(code)", headers: ida)
            #expect(((found.object?["case"] as? [String: Any])?["progress"] as? [String: String])?["en"] == "conversation 1 of 5 · meeting 1 of 5")
            let services = try await client.json(.get, "/api/v1/services")
            let parents = (services.object?["services"] as? [[String: Any]])?.first { $0["id"] as? String == "uturn-parents" }
            #expect((parents?["sessionLimit"] as? [String: Any])?["kind"] as? String == "conversations-or-group")
        }
    }
}
