import Foundation
import GatewayCore
@_spi(Testing) import GatewayStore
import GatewayTestSupport
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@Suite("The two stores share nothing")
struct SeparationTests {
    /// Values both stores may legitimately hold: the public vocabulary and calendar days.
    static func isSharedVocabulary(_ text: String) -> Bool {
        let vocabulary = Set(ServiceID.allCases.map(\.rawValue) + AgeBand.allCases.map(\.rawValue) + StaffRole.allCases.map(\.rawValue)
                             + ["kk-pas", "frb-pas", "uturn", "rbk", "open", "closed", "booked", "cancelled", "checked-in", "transferred"])
        return vocabulary.contains(text) || CalendarDay(iso: text) != nil || text.count < 6
    }

    static func values(of writer: any DatabaseWriter, tables: [String]) async throws -> [(String, Data)] {
        try await writer.read { db in
            var result: [(String, Data)] = []
            for table in tables {
                for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table)") {
                    for column in row.columnNames {
                        switch row[column] as DatabaseValue? {
                        case .some(let value):
                            if let text = String.fromDatabaseValue(value), !isSharedVocabulary(text) {
                                result.append(("\(table).\(column)", Data(text.utf8)))
                            } else if let blob = Data.fromDatabaseValue(value), String.fromDatabaseValue(value) == nil, blob.count >= 8 {
                                result.append(("\(table).\(column)", blob))
                            }
                        case .none: break
                        }
                    }
                }
            }
            return result
        }
    }

    static func fileBytes(_ directory: String, prefix: String) throws -> Data {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix(prefix) }.reduce(into: Data()) {
            $0.append(try Data(contentsOf: URL(fileURLWithPath: directory + "/" + $1)))
        }
    }

    @Test func aFullCourseAndTwoHandoversLeaveNoValueOfOneStoreInTheOther() async throws {
        let directory = NSTemporaryDirectory() + "anongate-separation-\(UUID().uuidString)"
        let gateway = try await TestGateway.withStaff(dataDirectory: directory)
        try await gateway.test { client in
            // A PAS citizen: booking, check-in, notes, decision, referral, course, handover.
            let token = try await client.book(CaseTests.pasBooking)
            let young = try await client.bookUturn()
            gateway.clock.set(TestGateway.mondayMorning)
            let carl = try await client.signIn("carl"), anna = try await client.signIn("anna")
            let pas = try #require(try await client.json(.post, "/api/v1/staff/checkins", ["token": token], headers: carl).object?["caseCode"] as? String)
            _ = try await client.json(.post, "/api/v1/staff/cases/\(pas)/notes", ["text": "Afklaring gennemført"], headers: carl)
            _ = try await client.json(.post, "/api/v1/staff/cases/\(pas)/decision", ["outcome": "granted", "reason": "Kokain", "referralProviderId": "kk-pas"], headers: carl)
            _ = try await client.json(.post, "/api/v1/staff/cases/\(pas)/bookings", ["slotId": "kk-pas.pas.20261124T0800"], headers: carl)
            let linking = try await client.json(.post, "/api/v1/staff/cases/\(pas)/handover", ["carry": ["ref": "sag \(pas.lowercased())"]], headers: carl)
            #expect(linking.status == .unprocessableContent)
            let adult = try await client.json(.post, "/api/v1/staff/cases/\(pas)/handover", [
                "carry": ["goal": "Længere forløb"], "parentalConsent": false, "caseworkerApproval": false,
            ], headers: carl)
            #expect(adult.status == .created)
            // A 16-year-old at U-turn.
            let uturn = try #require(try await client.json(.post, "/api/v1/staff/checkins", ["token": young], headers: anna).object?["caseCode"] as? String)
            _ = try await client.json(.post, "/api/v1/staff/cases/\(uturn)/follow-up", headers: anna)
            let minor = try await client.json(.post, "/api/v1/staff/cases/\(uturn)/handover", [
                "carry": [:], "parentalConsent": true, "caseworkerApproval": true,
            ], headers: anna)
            #expect(minor.status == .created)

            // Nothing of it reached the log: not the references, case codes, notes, carried text or passwords.
            let logs = gateway.logs.text
            for secret in [token, young, pas, uturn, "Afklaring gennemført", "Længere forløb", TestGateway.password, "Kokain"] {
                #expect(!logs.contains(secret), "the log contains \(secret)")
            }
            #expect(logs.contains("/api/v1/staff/cases/{caseCode}") || logs.contains("/api/v1/staff/cases/:caseCode"))
        }

        let anonymous = gateway.dependencies.anonymousStore.testingWriter, identified = gateway.dependencies.identifiedStore.testingWriter
        try await anonymous.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        try await identified.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        let anonymousBytes = try Self.fileBytes(directory, prefix: "anonymous.sqlite")
        let identifiedBytes = try Self.fileBytes(directory, prefix: "identified.sqlite")

        let identifiedValues = try await Self.values(of: identified, tables: ["enrolment", "staff_account"])
        let anonymousValues = try await Self.values(of: anonymous, tables: ["booking", "anonymous_case", "case_session", "case_live_token", "case_note", "access_log"])
        #expect(identifiedValues.count >= 10)
        #expect(anonymousValues.count >= 20)
        #expect(anonymousValues.contains { $0.0 == "anonymous_case.code" })
        // The audit `anongate doctor` runs agrees: nothing of one store in the other.
        let providers = Set(try TestFixtures.configuration().providers.map(\.id.rawValue))
        #expect(try await CrossStoreAudit.separation(anonymous: anonymous, identified: identified, providers: providers).isEmpty)
        #expect(anonymousValues.contains { $0.0 == "booking.tokenHash" })
        for (place, value) in identifiedValues {
            #expect(anonymousBytes.range(of: value) == nil, "identified \(place) appears in anonymous.sqlite")
        }
        for (place, value) in anonymousValues {
            #expect(identifiedBytes.range(of: value) == nil, "anonymous \(place) appears in identified.sqlite")
        }
        // Sealed values too: what an enrolment carries, decrypted, holds nothing of the anonymous store.
        let enrolmentIds = try await identified.read { db in try String.fetchAll(db, sql: "SELECT id FROM enrolment") }
        #expect(enrolmentIds.count == 2)
        for id in enrolmentIds {
            let enrolment = try #require(try await gateway.dependencies.identifiedStore.enrolment(id: id))
            for (key, value) in enrolment.carried {
                for (place, anonymousValue) in anonymousValues {
                    if let text = String(data: anonymousValue, encoding: .utf8), text.count >= 6 {
                        #expect(!value.contains(text), "carried \(key) holds \(place)")
                    }
                }
            }
        }
        // No column in either store is named after the other's keys.
        let identifiedColumns = try await identified.read { db in try Row.fetchAll(db, sql: "SELECT name FROM pragma_table_info('enrolment')").map { $0["name"] as String } }
        #expect(Set(identifiedColumns).isDisjoint(with: ["caseCode", "tokenHash", "slotId", "bookingId"]))
    }
}

/// Threat: a thief with both files joins a named enrolment to its anonymous case on what the two
/// stores share (service, provider, day, month …). Handovers are rare, so any shared attribute
/// could single a person out.
@Suite("Threat: linking the crossing")
struct LinkabilityTests {
    static let k = 5

    /// Every value the anonymous store holds about a case, in the clear: its columns, the days (and
    /// months) of its sessions, notes and access-log entries, and its bookings' columns.
    static func anonymousAttributes(_ db: Database, code: String) throws -> Set<String> {
        var values: Set<String> = []
        func add(_ rows: [Row]) {
            for row in rows {
                for column in row.columnNames {
                    guard let text = String.fromDatabaseValue(row[column] as DatabaseValue? ?? .null) else { continue }
                    values.insert(text)
                    if CalendarDay(iso: String(text.prefix(10))) != nil { values.insert(String(text.prefix(7))); values.insert(String(text.prefix(10))) }
                }
            }
        }
        add(try Row.fetchAll(db, sql: "SELECT * FROM anonymous_case WHERE code = ?", arguments: [code]))
        add(try Row.fetchAll(db, sql: "SELECT * FROM case_session WHERE caseCode = ?", arguments: [code]))
        add(try Row.fetchAll(db, sql: "SELECT * FROM case_note WHERE caseCode = ?", arguments: [code]))
        add(try Row.fetchAll(db, sql: "SELECT * FROM access_log WHERE caseCode = ?", arguments: [code]))
        add(try Row.fetchAll(db, sql: "SELECT * FROM booking WHERE caseCode = ?", arguments: [code]))
        return values
    }

    /// Every clear value of an enrolment row that is not its own random id or ciphertext.
    static func enrolmentAttributes(_ row: Row) -> Set<String> {
        var values: Set<String> = []
        for column in row.columnNames where column != "id" {
            guard let value = row[column] as DatabaseValue?, let text = String.fromDatabaseValue(value) else { continue }
            values.insert(text)
            if CalendarDay(iso: String(text.prefix(10))) != nil { values.insert(String(text.prefix(7))) }
        }
        return values
    }

    @Test func everyEnrolmentMatchesAtLeastKTransferredCasesOnEverythingBothStoresHold() async throws {
        let gateway = try await TestGateway.withStaff()
        // Handovers over providers, services, days and months; adults, so no consent is needed.
        let handovers: [(String, String, String, Date)] = [
            ("anna", "uturn", "18-24", TestFixtures.instant(2026, 11, 23, 10)),
            ("anna", "uturn-parents", "25-plus", TestFixtures.instant(2026, 11, 24, 11)),
            ("carl", "pas", "25-plus", TestFixtures.instant(2026, 11, 26, 9)),
            ("bent", "pas", "18-24", TestFixtures.instant(2026, 12, 2, 13)),
            ("hans", "relatives", "25-plus", TestFixtures.instant(2026, 12, 9, 10)),
            ("anna", "uturn", "18-24", TestFixtures.instant(2027, 1, 6, 14)),
            ("carl", "pas", "25-plus", TestFixtures.instant(2027, 1, 13, 9)),
        ]
        try await gateway.test { client in
            for (staff, service, ageBand, when) in handovers {
                gateway.clock.set(when)
                let headers = try await client.signIn(staff)
                let walkIn = try await client.json(.post, "/api/v1/staff/walkins", ["serviceId": service, "ageBand": ageBand], headers: headers)
                let code = try #require(walkIn.object?["caseCode"] as? String, "\(walkIn.status) \(walkIn.text)")
                _ = try await client.json(.post, "/api/v1/staff/cases/\(code)/notes", ["text": "samtale"], headers: headers)
                let handover = try await client.json(.post, "/api/v1/staff/cases/\(code)/handover", [
                    "carry": ["goal": "længere forløb"], "parentalConsent": false, "caseworkerApproval": false,
                ], headers: headers)
                #expect(handover.status == .created, "\(handover.text)")
            }
        }
        let anonymous = gateway.dependencies.anonymousStore.reader, identified = gateway.dependencies.identifiedStore.reader
        let transferred = try await anonymous.read { db in
            try String.fetchAll(db, sql: "SELECT code FROM anonymous_case WHERE dischargeReason = 'transferred'")
        }
        #expect(transferred.count == handovers.count)
        let cases = try await anonymous.read { db in try transferred.map { (code: $0, attributes: try Self.anonymousAttributes(db, code: $0)) } }
        let enrolments = try await identified.read { db in try Row.fetchAll(db, sql: "SELECT * FROM enrolment") }
        #expect(enrolments.count == handovers.count)
        let needed = min(Self.k, transferred.count)
        for enrolment in enrolments {
            let clear = Self.enrolmentAttributes(enrolment)
            // A case is a candidate when it holds every clear value of the enrolment.
            let candidates = cases.filter { clear.isSubset(of: $0.attributes) }
            #expect(candidates.count >= needed, "an enrolment narrows to \(candidates.count) cases on \(clear.sorted())")
        }
        // The audit `anongate doctor` runs comes to the same answer.
        let audit = try await CrossStoreAudit.linkability(anonymous: anonymous, identified: identified)
        #expect(audit.transferredCases == handovers.count && audit.enrolments == handovers.count)
        #expect((audit.smallestMatch ?? 0) >= needed)
    }
}
