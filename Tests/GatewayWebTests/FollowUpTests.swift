import Foundation
import GRDB
import GatewayCore
import GatewayTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// QS 3.2 follow-up by one-time token: handed at discharge, answered from one month on, the
/// one-month answer giving the six-month token; a conversation asked for is booked with the same
/// token and, held within twelve months, counts as a return — in suppressed figures only.
@Suite("Follow-up after discharge")
struct FollowUpTests {
    /// A U-turn case opened on Monday 23 November and closed as completed the same day. Answers
    /// the case code and the follow-up token.
    func closedCase(_ gateway: TestGateway, _ client: any TestClientProtocol, outcome: String = "drug-free") async throws -> (String, String) {
        let token = try await client.bookUturn()
        gateway.clock.set(TestGateway.mondayMorning)
        let anna = try await client.signIn("anna")
        let code = try #require(try await client.json(.post, "/api/v1/staff/checkins", ["token": token], headers: anna).object?["caseCode"] as? String)
        let closed = try await client.json(.post, "/api/v1/staff/cases/\(code)/close", ["reason": "completed", "outcome": outcome, "followUp": true], headers: anna)
        #expect(closed.status == .ok)
        #expect(closed.headers[.cacheControl] == "no-store")
        let followUp = try #require(closed.object?["followUp"] as? [String: Any])
        #expect(followUp["opensOn"] as? String == "2026-12-23")
        #expect((followUp["spelling"] as? [String])?.count == 5)
        return (code, try #require(followUp["token"] as? String))
    }

    func firstSlot(_ client: any TestClientProtocol, from day: String) async throws -> String {
        let slots = try await client.json(.get, "/api/v1/services/uturn/slots?from=\(day)&days=7")
        return try #require(((slots.object?["slots"] as? [[String: Any]]) ?? []).first { $0["providerId"] as? String == "uturn" }?["id"] as? String)
    }

    @Test func theOneMonthAnswerGivesTheSixMonthTokenAndAConversationCountsAsAReturn() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            let (code, token) = try await closedCase(gateway, client)
            let answer: [String: Any] = ["use": "less", "wantsConversation": true]
            let early = try await client.json(.post, "/api/v1/follow-ups", answer, headers: client.bearer(token))
            #expect(early.status == .conflict && early.object?["type"] as? String == "urn:anongate:problem:follow-up-not-yet")
            #expect((early.object?["detail"] as? String)?.contains("2026-12-23") == true)

            gateway.clock.set(TestFixtures.instant(2026, 12, 23, 9))
            let current = try await client.json(.get, "/api/v1/bookings/current", headers: client.bearer(token))
            let shown = try #require(current.object?["dischargeFollowUp"] as? [String: Any])
            #expect(shown["round"] as? String == "1-month" && shown["answered"] as? Bool == false && shown["mayBook"] as? Bool == false)
            #expect(shown["closesOn"] as? String == "2027-05-22")

            for (body, field) in [(["wantsConversation": true] as [String: Any], "use"), (["use": "less"], "wantsConversation"),
                                  (["use": "sometimes", "wantsConversation": true], "use"), (["use": "less", "wantsConversation": "yes"], "wantsConversation")] {
                let bad = try await client.json(.post, "/api/v1/follow-ups", body, headers: client.bearer(token))
                #expect(bad.status == .badRequest && bad.object?["field"] as? String == field, "\(body)")
            }
            let answered = try await client.json(.post, "/api/v1/follow-ups", answer, headers: client.bearer(token))
            #expect(answered.status == .created)
            #expect(answered.headers[.cacheControl] == "no-store")
            #expect((answered.object?["followUp"] as? [String: Any])?["answeredIn"] as? String == "2026-12")
            let next = try #require(answered.object?["next"] as? [String: Any])
            #expect(next["opensOn"] as? String == "2027-05-23")
            let sixMonthToken = try #require(next["token"] as? String)
            #expect((answered.object?["conversation"] as? [String: Any])?["providerId"] as? String == "uturn")
            let again = try await client.json(.post, "/api/v1/follow-ups", answer, headers: client.bearer(token))
            #expect(again.status == .conflict && again.object?["type"] as? String == "urn:anongate:problem:follow-up-answered")

            // The same token books the conversation; checked in, it opens a new case and counts as a return.
            let slot = try await firstSlot(client, from: "2026-12-28")
            let booked = try await client.json(.post, "/api/v1/bookings/current/reschedule", ["slotId": slot], headers: client.bearer(token))
            #expect(booked.status == .ok, "\(booked.text)")
            // Booked, the token holds a booking like any other.
            #expect((try await client.json(.get, "/api/v1/bookings/current", headers: client.bearer(token))).object?["booking"] != nil)
            let day = String(slot.split(separator: ".")[2].prefix(8))
            gateway.clock.set(TestFixtures.instant(Int(day.prefix(4))!, Int(day.dropFirst(4).prefix(2))!, Int(day.suffix(2))!, 7))
            let anna = try await client.signIn("anna")
            let checkedIn = try await client.json(.post, "/api/v1/staff/checkins", ["token": token], headers: anna)
            #expect(checkedIn.status == .ok)
            #expect(checkedIn.object?["caseCode"] as? String != code)

            let gry = try await client.signIn("gry")
            let stats = try await client.json(.get, "/api/v1/stats?from=2026-11&to=2026-12", headers: gry)
            let cells = (stats.object?["cells"] as? [[String: Any]]) ?? []
            func value(_ month: String, _ figure: String) -> String? {
                cells.first { $0["month"] as? String == month && $0["service"] as? String == "uturn" && $0["provider"] as? String == "uturn"
                    && $0["figure"] as? String == figure }?["value"] as? String
            }
            #expect(value("2026-11", "returns") == "<5" && value("2026-11", "returns.after-drug-free") == "<5")
            #expect(value("2026-12", "returns") == "0")
            #expect(value("2026-12", "follow-ups.1-month.less") == "<5" && value("2026-12", "follow-ups.1-month.none") == "0")
            #expect(value("2026-12", "follow-ups.wants-conversation") == "<5")
            #expect(value("2026-11", "courses.started") == "0")
            let share = ((stats.object?["shares"] as? [[String: Any]]) ?? []).first { $0["name"] as? String == "returns.after-drug-free" }
            #expect(share?["target"] as? Double == 33 && share?["targetIs"] as? String == "at-most")

            // The six-month round: not before its day; an answer without a conversation cannot book.
            let sixEarly = try await client.json(.post, "/api/v1/follow-ups", ["use": "none", "wantsConversation": false], headers: client.bearer(sixMonthToken))
            #expect(sixEarly.status == .conflict)
            gateway.clock.set(TestFixtures.instant(2027, 5, 24, 9))
            let six = try await client.json(.post, "/api/v1/follow-ups", ["use": "none", "wantsConversation": false], headers: client.bearer(sixMonthToken))
            #expect(six.status == .created && six.object?["next"] == nil && six.object?["conversation"] == nil)
            let noBooking = try await client.json(.post, "/api/v1/bookings/current/reschedule", ["slotId": try await firstSlot(client, from: "2027-05-25")],
                                                  headers: client.bearer(sixMonthToken))
            #expect(noBooking.object?["type"] as? String == "urn:anongate:problem:follow-up-no-conversation")

            // A booking's token is not a follow-up token; an unknown one is unknown.
            let booking = try await client.bookUturn(slot: try await firstSlot(client, from: "2027-05-25"))
            #expect(try await client.json(.post, "/api/v1/follow-ups", ["use": "none", "wantsConversation": false], headers: client.bearer(booking))
                .object?["type"] as? String == "urn:anongate:problem:not-a-follow-up-token")
            #expect(try await client.json(.post, "/api/v1/follow-ups", ["use": "none", "wantsConversation": false],
                                          headers: client.bearer("0000-0000-0000-0000-0000")).status == .notFound)
        }
    }

    @Test func aFollowUpTokenShownInPersonOpensANewCaseOnceAndCountsAsAReturn() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            let (code, token) = try await closedCase(gateway, client)
            gateway.clock.set(TestFixtures.instant(2027, 2, 1, 9))
            let anna = try await client.signIn("anna")
            #expect(try await client.json(.post, "/api/v1/staff/walkins", ["token": token], headers: try await client.signIn("hans")).status == .notFound)
            let walkIn = try await client.json(.post, "/api/v1/staff/walkins", ["token": token], headers: anna)
            #expect(walkIn.status == .created)
            #expect(walkIn.object?["caseCode"] as? String != code && walkIn.object?["sessionNumber"] as? Int == 1)
            let again = try await client.json(.post, "/api/v1/staff/walkins", ["token": token], headers: anna)
            #expect(again.status == .conflict)
            let stats = try await client.json(.get, "/api/v1/stats?from=2026-11&to=2026-11", headers: try await client.signIn("gry"))
            let returns = ((stats.object?["cells"] as? [[String: Any]]) ?? []).first {
                $0["service"] as? String == "uturn" && $0["provider"] as? String == "uturn" && $0["figure"] as? String == "returns"
            }
            #expect(returns?["value"] as? String == "<5")

            // Past twelve months a follow-up token no longer opens anything.
            gateway.clock.set(TestGateway.sundayNoon)
            let (_, late) = try await closedCase(gateway, client)
            gateway.clock.set(TestFixtures.instant(2027, 11, 24, 9))
            #expect(try await client.json(.post, "/api/v1/staff/walkins", ["token": late], headers: try await client.signIn("anna")).status == .gone)
        }
    }

    /// Found by the lifecycle model (Tests/Model/lifecycle.pml, FINDING_DISCHARGE): a token shown in
    /// person has opened its new case; answering and booking with it must not open a second.
    @Test func aFollowUpTokenShownInPersonBooksNothingMore() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            let (_, token) = try await closedCase(gateway, client)
            gateway.clock.set(TestFixtures.instant(2026, 12, 23, 9))
            let anna = try await client.signIn("anna")
            #expect(try await client.json(.post, "/api/v1/staff/walkins", ["token": token], headers: anna).status == .created)
            let answered = try await client.json(.post, "/api/v1/follow-ups", ["use": "less", "wantsConversation": true], headers: client.bearer(token))
            #expect(answered.status == .created)
            let slot = try await firstSlot(client, from: "2026-12-28")
            let booked = try await client.json(.post, "/api/v1/bookings/current/reschedule", ["slotId": slot], headers: client.bearer(token))
            #expect(booked.status == .conflict, "\(booked.text)")
            let bookings = try await gateway.dependencies.anonymousStore.reader.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM booking WHERE caseCode IS NULL AND status = 'booked'")! }
            #expect(bookings == 0)
        }
    }

    @Test func theWindowEndsAndForgettingWithTheTokenForgetsTheCase() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            let (_, late) = try await closedCase(gateway, client)
            gateway.clock.set(TestFixtures.instant(2027, 5, 24, 9))   // past the one-month round's window
            let over = try await client.json(.post, "/api/v1/follow-ups", ["use": "same", "wantsConversation": false], headers: client.bearer(late))
            #expect(over.status == .gone && over.object?["type"] as? String == "urn:anongate:problem:follow-up-over")

            gateway.clock.set(TestGateway.sundayNoon)
            let (code, token) = try await closedCase(gateway, client, outcome: "reduced")
            #expect(try await client.json(.delete, "/api/v1/bookings/current?forget=true", headers: client.bearer(token)).status == .noContent)
            #expect(try await client.json(.get, "/api/v1/bookings/current", headers: client.bearer(token)).status == .notFound)
            #expect(try await client.json(.get, "/api/v1/staff/cases/\(code)", headers: try await client.signIn("anna")).status == .notFound)

            // Closing without asking for a token gives none.
            gateway.clock.set(TestGateway.sundayNoon)
            let plain = try await client.bookUturn(slot: "uturn.uturn.20261123T0800")
            gateway.clock.set(TestGateway.mondayMorning)
            let anna = try await client.signIn("anna")
            let other = try #require(try await client.json(.post, "/api/v1/staff/checkins", ["token": plain], headers: anna).object?["caseCode"] as? String)
            let closed = try await client.json(.post, "/api/v1/staff/cases/\(other)/close", ["reason": "other"], headers: anna)
            #expect(closed.status == .ok && closed.object?["followUp"] == nil)
        }
    }

    @Test func onThePagesTheCounsellorHandsTheTokenAndTheCitizenAnswers() async throws {
        let gateway = try await TestGateway.withStaff()
        try await gateway.test { client in
            let token = try await client.bookUturn()
            gateway.clock.set(TestGateway.mondayMorning)
            let anna = try await StaffPageTests().signIn(client, "anna")
            let code = try #require(try await client.json(.post, "/api/v1/staff/checkins", ["token": token], headers: try await client.signIn("anna"))
                .object?["caseCode"] as? String)
            let page = try await client.execute(uri: "/staff/cases/\(code)", method: .get, headers: anna.headers)
            #expect(page.text.contains("id=\"close-follow-up\" name=\"followUp\" value=\"yes\" checked"))
            let closed = try await client.form("/staff/cases/\(code)/close", [("csrf", anna.csrf), ("reason", "completed"), ("outcome", "reduced"),
                                                                             ("followUp", "yes")], headers: anna.headers)
            #expect(closed.status == .ok)
            #expect(closed.text.contains("23. december"))
            let followUp = try #require(closed.text.range(of: "<p class=\"token\">").map { String(closed.text[$0.upperBound...].prefix(24)) })

            gateway.clock.set(TestFixtures.instant(2026, 12, 1, 9))
            let early = try await client.form("/booking", [("lang", "da"), ("token", followUp)])
            #expect(early.status == .ok && early.text.contains("id=\"follow-up-not-yet\"") && !early.text.contains("id=\"follow-up-form\""))

            gateway.clock.set(TestFixtures.instant(2026, 12, 23, 9))
            let form = try await client.form("/booking", [("lang", "da"), ("token", followUp)])
            #expect(form.status == .ok)
            for needle in ["id=\"follow-up-form\"", "id=\"follow-up-use-none\" name=\"use\" value=\"none\"",
                           "id=\"follow-up-conversation-yes\" name=\"wantsConversation\" value=\"yes\""] {
                #expect(form.text.contains(needle), "\(needle)")
            }
            let missing = try await client.form("/follow-up", [("lang", "da"), ("token", followUp), ("wantsConversation", "no")])
            #expect(missing.status == .badRequest && missing.text.contains("Der mangler et svar: Dit forbrug nu."))
            #expect(missing.text.contains("id=\"follow-up-conversation-no\" name=\"wantsConversation\" value=\"no\" required checked"))
            let thanks = try await client.form("/follow-up", [("lang", "da"), ("token", followUp), ("use", "none"), ("wantsConversation", "yes")])
            #expect(thanks.status == .ok)
            #expect(thanks.text.contains("id=\"follow-up-next\"") && thanks.text.contains("id=\"follow-up-book\""))
            #expect(thanks.headers[.setCookie] == nil)
            // The lookup page now offers the times for the conversation.
            let times = try await client.form("/booking", [("lang", "da"), ("token", followUp)])
            #expect(times.status == .ok && times.text.contains("name=\"slot\""))
        }
    }
}
