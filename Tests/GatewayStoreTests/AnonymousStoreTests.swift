import Foundation
import GatewayCore
import GatewayCrypto
@_spi(Testing) import GatewayStore
import GatewayTestSupport
import GRDB
import Testing

@Suite("Anonymous store")
struct AnonymousStoreTests {
    let random = SeededRandom(seed: 5)
    let configuration = try! TestFixtures.configuration()
    var calculator: SlotCalculator { SlotCalculator(configuration: configuration) }
    let day = CalendarDay(iso: "2026-11-23")!

    func slot(_ id: String) -> Slot { calculator.slot(SlotID(id)!)! }

    func book(_ store: AnonymousStore, _ slot: Slot, hash: Data? = nil, message: String? = nil) async throws(BookingStoreError) -> Booking {
        try await store.book(
            id: UUID().uuidString, tokenHash: hash ?? Data(random.bytes(32)), slot: slot, ageBand: .from25,
            substances: [.cocaine], requests: BookingRequests(interpreterLanguage: "arabisk", companion: true, message: message),
            bookedOn: day)
    }

    @Test func aBookingIsFoundByItsTokenHashWithItsSealedAnswers() async throws {
        let store = try AnonymousStore.inMemory(storeKey: .random(random))
        let hash = Data(random.bytes(32))
        _ = try await book(store, slot("kk-pas.pas.20261123T0900"), hash: hash, message: "hej")
        let found = try await store.booking(tokenHash: hash)
        #expect(found.status == .booked)
        #expect(found.substances == [.cocaine])
        #expect(found.requests == BookingRequests(interpreterLanguage: "arabisk", companion: true, message: "hej"))
        await #expect(throws: BookingStoreError.notFound) { try await store.booking(tokenHash: Data(random.bytes(32))) }
    }

    @Test func aSlotTakesNoMoreThanItsCapacity() async throws {
        let store = try AnonymousStore.inMemory(storeKey: .random(random))
        let pas = slot("kk-pas.pas.20261123T0900")   // capacity 2
        _ = try await book(store, pas)
        _ = try await book(store, pas)
        await #expect(throws: BookingStoreError.slotFull) { try await book(store, pas) }
        #expect(try await store.takenSeats(in: [pas]) == [pas.id: 2])
    }

    @Test func cancellingFreesTheSeatAndWipesWhatWasWritten() async throws {
        let store = try AnonymousStore.inMemory(storeKey: .random(random))
        let frb = slot("frb-pas.pas.20261123T0900")   // capacity 1
        let hash = Data(random.bytes(32))
        _ = try await book(store, frb, hash: hash, message: "privat")
        await #expect(throws: BookingStoreError.slotFull) { try await book(store, frb) }
        try await store.cancel(tokenHash: hash)
        #expect(try await store.booking(tokenHash: hash).status == .cancelled)
        #expect(try await store.booking(tokenHash: hash).requests == BookingRequests())
        await #expect(throws: BookingStoreError.noLongerValid(.cancelled)) { try await store.cancel(tokenHash: hash) }
        await #expect(throws: BookingStoreError.noLongerValid(.cancelled)) { try await store.liveBooking(tokenHash: hash) }
        _ = try await book(store, frb)
        let raw = try await store.reader.read { db in try Row.fetchOne(db, sql: "SELECT * FROM booking WHERE tokenHash = ?", arguments: [hash])! }
        #expect(raw["messageSealed"] as Data? == nil)
        #expect(raw["seat"] as Int? == nil)
    }

    @Test func reschedulingKeepsTheOldSeatUntilANewOneIsWon() async throws {
        let store = try AnonymousStore.inMemory(storeKey: .random(random))
        let from = slot("frb-pas.pas.20261123T0900"), full = slot("frb-pas.pas.20261123T1000"), free = slot("kk-pas.pas.20261124T0800")
        let hash = Data(random.bytes(32))
        _ = try await book(store, from, hash: hash)
        _ = try await book(store, full)
        await #expect(throws: BookingStoreError.slotFull) { try await store.reschedule(tokenHash: hash, to: full) }
        #expect(try await store.booking(tokenHash: hash).slotId == from.id)
        let moved = try await store.reschedule(tokenHash: hash, to: free)
        #expect(moved.slotId == free.id)
        #expect(try await store.booking(tokenHash: hash).providerId == ProviderID("kk-pas"))
        #expect(try await store.takenSeats(in: [from, free]) == [free.id: 1])
        await #expect(throws: BookingStoreError.differentService) { try await store.reschedule(tokenHash: hash, to: slot("uturn.uturn.20261124T0800")) }
    }

    /// Issue 10: U-turn's two counsellors are shared by its young people and its parents, and a seat
    /// is held for the whole conversation (45 minutes for young people, 60 for parents).
    @Test func aProvidersSeatsAreSharedAcrossItsServicesForTheWholeConversation() async throws {
        let store = try AnonymousStore.inMemory(storeKey: .random(random))
        let young = slot("uturn.uturn.20261123T0800"), parents = slot("uturn.uturn-parents.20261123T0800")
        let youngLater = slot("uturn.uturn.20261123T0845"), youngAfter = slot("uturn.uturn.20261123T0930")
        let first = Data(random.bytes(32))
        _ = try await book(store, young, hash: first)
        _ = try await book(store, parents)   // 08:00–09:00
        // Both counsellors are busy at 08:00: nobody else, whichever the service.
        await #expect(throws: BookingStoreError.slotFull) { try await book(store, young) }
        await #expect(throws: BookingStoreError.slotFull) { try await book(store, parents) }
        // 08:45–09:30 overlaps the parents' conversation only: one counsellor is free.
        #expect(try await store.takenSeats(in: [young, parents, youngLater, youngAfter]) == [young.id: 2, parents.id: 2, youngLater.id: 1])
        _ = try await book(store, youngLater)
        await #expect(throws: BookingStoreError.slotFull) { try await book(store, youngLater) }
        // Moving the 08:00 booking to 08:45 needs a counsellor free then; its own seat does not count against it.
        await #expect(throws: BookingStoreError.slotFull) { try await store.reschedule(tokenHash: first, to: youngLater) }
        _ = try await store.reschedule(tokenHash: first, to: youngAfter)
        #expect(try await store.takenSeats(in: [young, parents]) == [young.id: 1, parents.id: 2])
        // Another provider's seats are its own.
        _ = try await book(store, slot("kk-pas.pas.20261123T0800"))
        #expect(try await store.takenSeats(in: [young, slot("kk-pas.pas.20261123T0800")]) == [young.id: 1, SlotID("kk-pas.pas.20261123T0800")!: 1])
    }

    @Test func concurrentBookersNeverOverfillASlot() async throws {
        let store = try AnonymousStore.inMemory(storeKey: .random(random))
        let pas = slot("kk-pas.pas.20261123T1000")   // capacity 2
        let outcomes = await withTaskGroup(of: Bool.self) { group in
            for _ in 0..<40 {
                group.addTask { (try? await book(store, pas)) != nil }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 }.count == 2)
        #expect(try await store.takenSeats(in: [pas]) == [pas.id: 2])
    }

    @Test func sensitiveColumnsAreSealedAndBookingDayIsDayOnly() async throws {
        let store = try AnonymousStore.inMemory(storeKey: .random(random))
        let hash = Data(random.bytes(32))
        _ = try await book(store, slot("kk-pas.pas.20261123T0900"), hash: hash, message: "MIN-HEMMELIGE-BESKED")
        let row = try await store.reader.read { db in try Row.fetchOne(db, sql: "SELECT * FROM booking")! }
        let everything = row.columnNames.map { "\(row[$0] ?? "")" }.joined(separator: "|")
        #expect(!everything.contains("MIN-HEMMELIGE-BESKED"))
        #expect(!everything.contains("arabisk"))
        #expect(!everything.contains("cocaine"))
        #expect(row["bookedOn"] as String == "2026-11-23")
        #expect(Set(row.columnNames).isDisjoint(with: ["createdAt", "ip", "name", "email", "phone", "cpr"]))
    }

    @Test func fileDatabasesUseWALForeignKeysAndSecureDelete() async throws {
        let directory = NSTemporaryDirectory() + "anongate-store-\(UUID().uuidString)"
        let store = try AnonymousStore.open(path: directory + "/anonymous.sqlite", storeKey: .random(random))
        let pragmas = try await store.reader.read { db in
            (try String.fetchOne(db, sql: "PRAGMA journal_mode"), try Int.fetchOne(db, sql: "PRAGMA foreign_keys"),
             try Int.fetchOne(db, sql: "PRAGMA secure_delete"))
        }
        #expect(pragmas.0 == "wal")
        #expect(pragmas.1 == 1)
        #expect(pragmas.2 == 1)
        let mode = (try FileManager.default.attributesOfItem(atPath: directory + "/anonymous.sqlite")[.posixPermissions] as! NSNumber).intValue
        #expect(mode == 0o600)
    }

    @Test func aStoreOpenedWithAnotherKeyCannotReadTheSealedAnswers() async throws {
        let directory = NSTemporaryDirectory() + "anongate-store-\(UUID().uuidString)"
        let path = directory + "/anonymous.sqlite"
        let hash = Data(random.bytes(32))
        do {
            let store = try AnonymousStore.open(path: path, storeKey: .random(random))
            _ = try await book(store, slot("kk-pas.pas.20261123T0900"), hash: hash, message: "hemmelig")
        }
        // Another key does not even open the store (its key check differs) …
        #expect(throws: WrongStoreKey.self) { try AnonymousStore.open(path: path, storeKey: .random(random)) }
        // … and with the check removed, a value that does not open still stops the read: never "no answer".
        try await DatabasePool(path: path).write { db in try db.execute(sql: "DELETE FROM key_check") }
        try await DatabasePool(path: path).write { db in try db.execute(sql: "UPDATE booking SET messageSealed = NULL") }
        let thief = try AnonymousStore.open(path: path, storeKey: .random(random))
        await #expect(throws: BookingStoreError.storageFailure) { try await thief.booking(tokenHash: hash) }
        await #expect(throws: BookingStoreError.storageFailure) { try await thief.holding(tokenHash: hash) }
    }
}

@Suite("Identified store")
struct IdentifiedStoreTests {
    let random = SeededRandom(seed: 9)

    @Test func anEnrolmentCarriesOnlyWhatWasAgreedSealed() async throws {
        let store = try IdentifiedStore.inMemory(storeKey: .random(random))
        let enrolment = Enrolment(
            id: "e1", providerId: ProviderID("uturn"), startedIn: CalendarMonth(CalendarDay(iso: "2026-11-23")!),
            carried: ["goal": "stoppe med hash"], parentalConsent: true, caseworkerApproval: true)
        try await store.insert(enrolment)
        #expect(try await store.enrolment(id: "e1") == enrolment)
        let raw = try await store.reader.read { db in try Row.fetchOne(db, sql: "SELECT * FROM enrolment")! }
        // In the clear: the random id and ciphertext, nothing else — no provider, no month, no consent flags.
        #expect(Array(raw.columnNames) == ["id", "recordSealed"])
        for clear in ["stoppe med hash", "uturn", "2026-11", "true"] { #expect(!"\(raw)".contains(clear)) }
        #expect(try await store.enrolment(id: "nope") == nil)
    }
}

@Suite("Storage failures are reported, never swallowed")
struct StorageFailureTests {
    let random = SeededRandom(seed: 21)

    @Test func aFailedCancelIsNotReportedAsCancelled() async throws {
        let store = try AnonymousStore.inMemory(storeKey: .random(random))
        let calculator = SlotCalculator(configuration: try TestFixtures.configuration())
        let hash = Data(random.bytes(32))
        _ = try await store.book(id: "b1", tokenHash: hash, slot: calculator.slot(SlotID("kk-pas.pas.20261123T0900")!)!, ageBand: .from25,
                           substances: [.cannabis], requests: BookingRequests(message: "behold mig"), bookedOn: CalendarDay(iso: "2026-11-22")!)
        try await store.testingWriter.write { db in
            try db.execute(sql: "CREATE TRIGGER fail_updates BEFORE UPDATE ON booking BEGIN SELECT RAISE(ABORT, 'disk trouble'); END")
        }
        await #expect(throws: BookingStoreError.storageFailure) { try await store.cancel(tokenHash: hash) }
        let kept = try await store.booking(tokenHash: hash)
        #expect(kept.status == .booked)
        #expect(kept.requests.message == "behold mig")
    }

    @Test func staffChangesThatFailSaySo() async throws {
        let store = try IdentifiedStore.inMemory(storeKey: .random(random))
        try await store.addStaff(id: "s1", username: "anna", providerId: ProviderID("uturn"), role: .counsellor, passwordHash: "x",
                           createdOn: CalendarDay(iso: "2026-11-01")!)
        await #expect(throws: StaffStoreError.usernameTaken) {
            try await store.addStaff(id: "s2", username: "anna", providerId: ProviderID("uturn"), role: .counsellor, passwordHash: "x",
                               createdOn: CalendarDay(iso: "2026-11-01")!)
        }
        await #expect(throws: StaffStoreError.unknownUser) { try await store.setDisabled(username: "nobody", true) }
        try await store.testingWriter.write { db in
            try db.execute(sql: "CREATE TRIGGER fail_updates BEFORE UPDATE ON staff_account BEGIN SELECT RAISE(ABORT, 'disk trouble'); END")
            try db.execute(sql: "CREATE TRIGGER fail_inserts BEFORE INSERT ON staff_account BEGIN SELECT RAISE(ABORT, 'disk trouble'); END")
        }
        await #expect(throws: StaffStoreError.storageFailure) { try await store.setTOTPSecret(username: "anna", Array(repeating: 7, count: 20)) }
        await #expect(throws: StaffStoreError.storageFailure) { try await store.setDisabled(username: "anna", true) }
        await #expect(throws: StaffStoreError.storageFailure) {
            try await store.addStaff(id: "s3", username: "bo-b", providerId: ProviderID("uturn"), role: .counsellor, passwordHash: "x",
                               createdOn: CalendarDay(iso: "2026-11-01")!)
        }
        #expect(try await store.credentials(username: "anna")?.totpSecret == nil)
        #expect(try await store.credentials(username: "anna")?.member.disabled == false)
    }
}

extension StorageFailureTests {
    @Test func aFailedCaseWriteIsAStorageFailureNotARuleOrAFullSlot() async throws {
        let store = try AnonymousStore.inMemory(storeKey: .random(random))
        try await store.testingWriter.write { db in
            try db.execute(sql: "CREATE TRIGGER fail_cases BEFORE INSERT ON anonymous_case BEGIN SELECT RAISE(ABORT, 'disk trouble'); END")
        }
        await #expect(throws: CaseStoreError.storageFailure) {
            try await store.walkIn(service: .uturn, ageBand: .from18To24,
                                   CaseContext(actor: StaffActor(pseudonym: "p", providerId: ProviderID("uturn")), today: CalendarDay(iso: "2026-11-23")!, now: Date()),
                                   limit: .conversations(5), random: random)
        }
        #expect(try await store.openCases(CaseContext(actor: StaffActor(pseudonym: "p", providerId: ProviderID("uturn")), today: CalendarDay(iso: "2026-11-23")!, now: Date())).isEmpty)
    }

    @Test func aFailedBookingInsertIsNotAFullSlot() async throws {
        let store = try AnonymousStore.inMemory(storeKey: .random(random))
        let calculator = SlotCalculator(configuration: try TestFixtures.configuration())
        try await store.testingWriter.write { db in
            try db.execute(sql: "CREATE TRIGGER fail_bookings BEFORE INSERT ON booking BEGIN SELECT RAISE(ABORT, 'disk trouble'); END")
        }
        await #expect(throws: BookingStoreError.storageFailure) {
            try await store.book(id: "b1", tokenHash: Data(random.bytes(32)), slot: calculator.slot(SlotID("kk-pas.pas.20261123T0900")!)!,
                           ageBand: .from25, substances: [], requests: BookingRequests(), bookedOn: CalendarDay(iso: "2026-11-22")!)
        }
    }
}

@Suite("What the schemas can hold: no identity, faith or ethnicity (administration's letter of May 2021)")
struct SchemaTests {
    let random = SeededRandom(seed: 33)

    static func columns(_ writer: any DatabaseReader) throws -> [String: [String]] {
        try writer.read { db in
            var result: [String: [String]] = [:]
            for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'grdb_migrations'") {
                result[table] = try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?)", arguments: [table])
            }
            return result
        }
    }

    /// No column for identity, faith or ethnicity exists anywhere; the anonymous store has none for a staff account either.
    @Test func neitherStoreHasAColumnForIdentityFaithOrEthnicity() async throws {
        let forbidden = ["name", "firstname", "lastname", "cpr", "cprnumber", "address", "email", "phone", "phonenumber", "ip",
                         "ipaddress", "useragent", "faith", "religion", "ethnicity", "nationality", "birthdate", "createdat", "timestamp"]
        let anonymous = try Self.columns(AnonymousStore.inMemory(storeKey: .random(random)).reader)
        let identified = try Self.columns(IdentifiedStore.inMemory(storeKey: .random(random)).reader)
        #expect(Set(anonymous.keys) == ["booking", "anonymous_case", "case_session", "case_live_token", "case_note", "access_log", "key_check", "access_log_purge", "access_log_head", "access_log_anchor", "access_log_checkpoint", "key_adoption", "complaint", "follow_up", "group_course", "group_meeting", "group_seat", "group_attendance"])
        #expect(Set(identified.keys) == ["enrolment", "staff_account", "key_check", "key_adoption"])
        for (table, names) in anonymous.merging(identified, uniquingKeysWith: { $0 + $1 }) {
            for name in names {
                #expect(!forbidden.contains(name.lowercased()), "\(table).\(name)")
            }
        }
        #expect(anonymous.values.joined().allSatisfy { !$0.lowercased().contains("username") && !$0.lowercased().contains("staffid") })
    }
}

@Suite("Migrations keep every value")
struct MigrationTests {
    let random = SeededRandom(seed: 41)

    /// An enrolment and access-log entries written under the shipped schema survive the migrations
    /// that coarsen them: the enrolment sealed with its month, the log entries with their day and order.
    @Test func enrolmentsAndAccessLogEntriesFromTheOldSchemaAreKeptCoarsened() async throws {
        let directory = NSTemporaryDirectory() + "anongate-migrate-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let key = KeyMaterial.random(random)
        let sealer = FieldSealer(storeKey: key, domain: IdentifiedStore.fieldDomain)
        let identifiedPath = directory + "/identified.sqlite", anonymousPath = directory + "/anonymous.sqlite"
        do {
            let pool = try DatabasePool(path: identifiedPath)
            try IdentifiedStore.migrator(sealer: sealer).migrate(pool, upTo: "v3-key-check")
            let carried = try sealer.seal(Data(#"{"goal":"videre"}"#.utf8), table: "enrolment", column: "carried", row: "e-old")
            try await pool.write { db in
                try db.execute(sql: """
                    INSERT INTO enrolment (id, serviceId, providerId, startedOn, carriedSealed, parentalConsent, caseworkerApproval)
                    VALUES ('e-old', 'uturn', 'uturn', '2026-10-14', ?, 1, 1)
                    """, arguments: [carried])
            }
            let anonymous = try DatabasePool(path: anonymousPath)
            try AnonymousStore.migrator(storeKey: key).migrate(anonymous, upTo: "v3-key-check")
            try await anonymous.write { db in
                try db.execute(sql: """
                    INSERT INTO anonymous_case (code, serviceId, providerId, ageBand, openedOn, status) VALUES ('K7MQ-9TXT', 'uturn', 'uturn', '14-17', '2026-10-01', 'open');
                    INSERT INTO access_log (at, staffPseudonym, providerId, action, caseCode) VALUES ('2026-10-14T09:31:00Z', 'p1', 'uturn', 'read-case', 'K7MQ-9TXT');
                    INSERT INTO access_log (at, staffPseudonym, providerId, action, caseCode) VALUES ('2026-10-14T08:02:00Z', 'p2', 'uturn', 'close-transferred', 'K7MQ-9TXT');
                    """)
            }
        }
        let identified = try IdentifiedStore.open(path: identifiedPath, storeKey: key)
        let migrated = try await identified.enrolment(id: "e-old")
        #expect(migrated == Enrolment(
            id: "e-old", providerId: ProviderID("uturn"), startedIn: CalendarMonth(iso: "2026-10")!, carried: ["goal": "videre"],
            parentalConsent: true, caseworkerApproval: true))
        let anonymous = try AnonymousStore.open(path: anonymousPath, storeKey: .random(random))
        let log: [AccessLogEntry]
        let auditor = CaseContext(actor: StaffActor(pseudonym: "p-audit", providerId: ProviderID("uturn")),
                                  today: CalendarDay(iso: "2026-11-23")!, now: TestFixtures.instant(2026, 11, 23, 9))
        do { log = try await anonymous.accessLog(AccessLogFilter(), auditor) } catch { Issue.record("access log: \(error)"); return }
        #expect(log.map(\.action) == ["read-case", "close-transferred"])
        #expect(log.map(\.day.description) == ["2026-10-14", "2026-10-14"])
        // v6 chained the entries written before it, in their order; the read above came after them.
        #expect(try await anonymous.verifyAccessLog() == .intact(entries: 3, first: 1, last: 3, checkpoints: 0))
        let columns = try await anonymous.reader.read { db in try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info('access_log')") }
        #expect(!columns.contains("at"))
        await #expect(throws: (any Error).self) {
            try await anonymous.testingWriter.write { db in try db.execute(sql: "DELETE FROM access_log") }
        }
    }
}
