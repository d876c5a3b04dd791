import Foundation
import GatewayCore
import GatewayTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Threat: the citizen's phone is shared. Back and resubmit must not book twice or show the
/// reference again; the calendar file must not date the booking or name the gateway.
@Suite("Threat: a shared phone")
struct SharedPhoneTests {
    static let uturn: [(String, String)] = [("lang", "da"), ("service", "uturn"), ("ageBand", "14-17"), ("slot", "uturn.uturn.20261123T0845")]

    @Test func theSameConfirmationPostedTwiceMakesOneBookingAndShowsTheReferenceOnce() async throws {
        let gateway = try TestGateway()
        try await gateway.test { client in
            let confirm = try await client.form("/book/confirm", Self.uturn)
            let nonce = try #require(CitizenPageTests.hidden("nonce", in: confirm.text))
            let first = try await client.form("/book", Self.uturn + [("nonce", nonce)])
            #expect(first.status == .seeOther)
            let location = try #require(first.headers[.location])
            #expect(location.hasPrefix("/book/receipt?id="))
            let receipt = try await client.execute(uri: location, method: .get)
            let token = try #require(CitizenPageTests.token(in: receipt.text))
            #expect(!location.contains(token) && !location.contains(token.replacingOccurrences(of: "-", with: "")))
            #expect(receipt.headers[.cacheControl] == "no-store")

            // Back, then the confirmation is sent again: nothing is booked, no reference is shown.
            let again = try await client.form("/book", Self.uturn + [("nonce", nonce)])
            #expect(again.status == .ok)
            #expect(again.text.contains("Denne booking er allerede lavet"))
            #expect(CitizenPageTests.token(in: again.text) == nil)
            // The receipt page reloaded: the reference is not shown a second time.
            let reloaded = try await client.execute(uri: location, method: .get)
            #expect(reloaded.text.contains("Denne booking er allerede lavet"))
            #expect(!reloaded.text.contains(token))

            // Without a genuine nonce nothing is booked.
            let forged = try await client.form("/book", Self.uturn + [("nonce", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")])
            #expect(forged.status == .badRequest)
            let none = try await client.form("/book", Self.uturn)
            #expect(none.status == .badRequest)
        }
        let bookings = try await gateway.dependencies.anonymousStore.reader.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM booking") }
        #expect(bookings == 1)
    }

    @Test func theCalendarFileCarriesNothingAboutTheGatewayOrTheMomentOfBooking() async throws {
        let gateway = try TestGateway()
        try await gateway.test { client in
            let file = try await client.form("/booking/calendar.ics", [("slot", "uturn.uturn.20261123T0845")])
            #expect(file.status == .ok)
            let text = file.text
            #expect(!text.lowercased().contains("anongate"))
            #expect(!text.contains("Kommune"))
            #expect(text.contains("PRODID:-//calendar//event//EN"))
            let uid = try #require(text.split(separator: "\r\n").first { $0.hasPrefix("UID:") })
            #expect(!uid.contains("@"))
            #expect(uid.count == 4 + 32)
            // DTSTAMP is the appointment day's start (UTC), not the sunday-noon moment the file was made.
            #expect(text.contains("DTSTAMP:20261123T000000Z"))
            #expect(!text.contains("20261122T"))
            let second = try await client.form("/booking/calendar.ics", [("slot", "uturn.uturn.20261123T0845")])
            #expect(second.text.split(separator: "\r\n").first { $0.hasPrefix("UID:") } != uid)
        }
    }
}
