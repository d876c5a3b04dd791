import Foundation
import GatewayCore
import GRDB

/// The two audits `anongate doctor` runs over both stores (and the tests run after a full course).
///
/// **Separation**: no value stored in one store appears in the other — apart from the public
/// vocabulary (services, providers, roles, age bands, statuses) and calendar days, which both
/// legitimately hold. **Linkability**: on every attribute both stores hold in the clear, each
/// enrolment matches at least min(k, transferred cases) anonymous cases (SECURITY.md, "The crossing").
public enum CrossStoreAudit {
    public struct Leak: Sendable, Equatable, CustomStringConvertible {
        /// Where the value sits in each store (`table.column`), never the value itself.
        public var anonymous: String
        public var identified: String
        public var description: String { "\(identified) appears in \(anonymous)" }
    }

    /// Values both stores may hold: the public vocabulary, calendar days, and short codes.
    static func isSharedVocabulary(_ text: String, providers: Set<String>) -> Bool {
        let vocabulary = Set(ServiceID.allCases.map(\.rawValue) + AgeBand.allCases.map(\.rawValue) + StaffRole.allCases.map(\.rawValue)
                             + ["open", "closed", "booked", "cancelled", "checked-in", "transferred"])
        return vocabulary.contains(text) || providers.contains(text) || CalendarDay(iso: text) != nil || text.count < 6
    }

    /// Every value of the given tables with where it sits: texts outside the vocabulary, blobs of 8 bytes or more.
    static func values(_ db: Database, tables: [String], providers: Set<String>) throws -> [(place: String, value: Data)] {
        var result: [(String, Data)] = []
        for table in tables where try db.tableExists(table) {
            for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table)") {
                for column in row.columnNames {
                    guard let value = row[column] as DatabaseValue? else { continue }
                    if let text = String.fromDatabaseValue(value) {
                        if !isSharedVocabulary(text, providers: providers) { result.append(("\(table).\(column)", Data(text.utf8))) }
                    } else if let blob = Data.fromDatabaseValue(value), blob.count >= 8 {
                        result.append(("\(table).\(column)", blob))
                    }
                }
            }
        }
        return result
    }

    static let anonymousTables = ["booking", "anonymous_case", "case_session", "case_live_token", "case_note", "complaint", "follow_up", "group_course",
                                  "group_meeting", "group_seat", "group_attendance", "access_log",
                                  "access_log_head", "access_log_anchor", "access_log_checkpoint"]
    static let identifiedTables = ["staff_account", "enrolment"]

    /// The first values of the identified store found in the anonymous one (exact values, and staff
    /// usernames and ids inside any anonymous text).
    public static func separation(
        anonymous: any DatabaseReader, identified: any DatabaseReader, providers: Set<String>
    ) async throws -> [Leak] {
        let identifiedValues = try await identified.read { db in try values(db, tables: identifiedTables, providers: providers) }
        let names = try await identified.read { db in
            try Row.fetchAll(db, sql: "SELECT id, username FROM staff_account").flatMap { [$0["id"] as String, $0["username"] as String] }
        }.filter { $0.count >= 4 }
        let anonymousValues = try await anonymous.read { db in try values(db, tables: anonymousTables, providers: providers) }
        var byValue: [Data: String] = [:]
        for (place, value) in identifiedValues { byValue[value] = place }
        var leaks: [Leak] = []
        for (place, value) in anonymousValues {
            if let other = byValue[value] { leaks.append(Leak(anonymous: place, identified: other)) }
            if let text = String(data: value, encoding: .utf8) {
                for name in names where text.contains(name) { leaks.append(Leak(anonymous: place, identified: "staff_account.username/id")) }
            }
        }
        return leaks
    }

    /// Every value the anonymous store holds about a case in the clear, with the month of every day.
    static func caseAttributes(_ db: Database, code: String) throws -> Set<String> {
        var values: Set<String> = []
        for (table, column) in [("anonymous_case", "code"), ("case_session", "caseCode"), ("case_note", "caseCode"),
                                ("access_log", "caseCode"), ("booking", "caseCode")] {
            for row in try Row.fetchAll(db, sql: "SELECT * FROM \(table) WHERE \(column) = ?", arguments: [code]) {
                for name in row.columnNames {
                    guard let text = String.fromDatabaseValue(row[name] as DatabaseValue? ?? .null) else { continue }
                    values.insert(text)
                    if CalendarDay(iso: String(text.prefix(10))) != nil { values.insert(String(text.prefix(7))); values.insert(String(text.prefix(10))) }
                }
            }
        }
        return values
    }

    /// For each enrolment, how many transferred cases hold every value the enrolment row holds in
    /// the clear. Answers the smallest such count, the number of transferred cases and of enrolments.
    public static func linkability(
        anonymous: any DatabaseReader, identified: any DatabaseReader
    ) async throws -> (smallestMatch: Int?, transferredCases: Int, enrolments: Int) {
        let cases = try await anonymous.read { db in
            try String.fetchAll(db, sql: "SELECT code FROM anonymous_case WHERE dischargeReason = 'transferred'").map { try caseAttributes(db, code: $0) }
        }
        let enrolments = try await identified.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM enrolment").map { row -> Set<String> in
                var values: Set<String> = []
                for column in row.columnNames where column != "id" {
                    guard let text = String.fromDatabaseValue(row[column] as DatabaseValue? ?? .null) else { continue }
                    values.insert(text)
                    if CalendarDay(iso: String(text.prefix(10))) != nil { values.insert(String(text.prefix(7))) }
                }
                return values
            }
        }
        let smallest = enrolments.map { clear in cases.filter { clear.isSubset(of: $0) }.count }.min()
        return (smallest, cases.count, enrolments.count)
    }
}
