import Foundation
import GatewayCore
import GatewayCrypto
@_spi(Testing) import GatewayStore
import GatewayTestSupport
import GRDB
import Testing

/// Less data, for less time: what is past its retention period leaves the database file and its WAL.
@Suite("Retention and purge")
struct RetentionTests {
    let random = SeededRandom(seed: 808)
    let actor = StaffActor(pseudonym: "p-uturn", providerId: ProviderID("uturn"))

    func context(_ day: String) -> CaseContext {
        CaseContext(actor: actor, today: CalendarDay(iso: day)!, now: TestFixtures.instant(2026, 11, 23, 9))
    }

    static func fileBytes(_ path: String) -> Data {
        ["", "-wal", "-shm"].reduce(into: Data()) { $0.append((try? Data(contentsOf: URL(fileURLWithPath: path + $1))) ?? Data()) }
    }

    @Test func aPurgeRemovesExpiredBookingsCasesAndLogEntriesFromTheRawFiles() async throws {
        let path = NSTemporaryDirectory() + "anongate-retention-\(UUID().uuidString)/anonymous.sqlite"
        let store = try AnonymousStore.open(path: path, storeKey: .random(random), random: random)
        let calculator = SlotCalculator(configuration: try TestFixtures.configuration())
        let past = try #require(calculator.slot(SlotID("kk-pas.pas.20261123T0900")!))
        let future = try #require(calculator.slot(SlotID("kk-pas.pas.20261210T0900")!))
        let day = CalendarDay(iso: "2026-11-20")!
        let unattended = Data(random.bytes(32)), cancelled = Data(random.bytes(32)), live = Data(random.bytes(32))
        _ = try await store.book(id: "unattended", tokenHash: unattended, slot: past, ageBand: .from25, substances: [.cocaine],
                                 requests: BookingRequests(message: "kom ikke"), bookedOn: day)
        _ = try await store.book(id: "cancelled", tokenHash: cancelled, slot: past, ageBand: .from25, substances: [],
                                 requests: BookingRequests(), bookedOn: day)
        try await store.cancel(tokenHash: cancelled)
        _ = try await store.book(id: "live", tokenHash: live, slot: future, ageBand: .from25, substances: [],
                                 requests: BookingRequests(message: "stadig aktuel"), bookedOn: day)
        // A case closed on the 23rd, with a note; another still open, touched on the 25th.
        let closed = try await store.walkIn(service: .uturn, ageBand: .from18To24, context("2026-11-23"), limit: .conversations(5), random: random)
        try await store.addNote(code: closed.anonymousCase.code, text: "lukket sag", noteId: "n1", context("2026-11-23"))
        _ = try await store.close(code: closed.anonymousCase.code, reason: .completed, context("2026-11-23"))
        let open = try await store.walkIn(service: .uturn, ageBand: .from18To24, context("2026-11-25"), limit: .conversations(5), random: random)

        let secrets = try await store.reader.read { db in
            [try Data.fetchOne(db, sql: "SELECT messageSealed FROM booking WHERE id = 'unattended'")!,
             try Data.fetchOne(db, sql: "SELECT substancesSealed FROM booking WHERE id = 'unattended'")!,
             try Data.fetchOne(db, sql: "SELECT bodySealed FROM case_note WHERE id = 'n1'")!,
             try Data.fetchOne(db, sql: "SELECT caseKeyWrapped FROM anonymous_case WHERE code = ?", arguments: [closed.anonymousCase.code.value])!]
        }
        let cutoffs = RetentionCutoffs(cancelledBookings: CalendarDay(iso: "2026-11-24")!, unattendedBookings: CalendarDay(iso: "2026-11-24")!,
                                       closedCases: CalendarDay(iso: "2026-11-24")!, accessLog: CalendarDay(iso: "2026-11-24")!)
        let planned = try await store.purge(cutoffs, dryRun: true)
        #expect(planned.cancelledBookings == 1 && planned.unattendedBookings == 1 && planned.closedCases == 1)
        #expect(planned.accessLogEntries == 3)   // walk-in, write-note, close on the 23rd
        #expect(try await store.reader.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM booking") } == 3)

        let done = try await store.purge(cutoffs, dryRun: false)
        #expect(done == planned)
        let left = try await store.reader.read { db in
            (try String.fetchAll(db, sql: "SELECT id FROM booking"), try String.fetchAll(db, sql: "SELECT code FROM anonymous_case"),
             try Int.fetchOne(db, sql: "SELECT count(*) FROM access_log")!, try Int.fetchOne(db, sql: "SELECT count(*) FROM case_note")!)
        }
        #expect(left.0 == ["live"])
        #expect(left.1 == [open.anonymousCase.code.value])
        #expect(left.2 == 1)
        #expect(left.3 == 0)
        // Nothing of the purged values is left in the database file, its WAL or shared memory.
        let bytes = Self.fileBytes(path)
        for secret in secrets { #expect(bytes.range(of: secret) == nil) }
        #expect(try await store.booking(tokenHash: live).requests.message == "stadig aktuel")
        // Outside a purge the access log still refuses every DELETE.
        await #expect(throws: (any Error).self) {
            try await store.testingWriter.write { db in try db.execute(sql: "DELETE FROM access_log") }
        }
    }

    /// Handled complaints go with the closed-case period (from the day handled), open ones stay; a
    /// closed case's follow-up tokens go with the case.
    @Test func handledComplaintsAndFollowUpsOfPurgedCasesAreRemoved() async throws {
        let path = NSTemporaryDirectory() + "anongate-retention-\(UUID().uuidString)/anonymous.sqlite"
        let store = try AnonymousStore.open(path: path, storeKey: .random(random), random: random)
        let day = CalendarDay(iso: "2026-11-23")!
        let handled = try await store.receiveComplaint(id: "c1", provider: ProviderID("uturn"), service: .uturn, about: .staff,
                                                       text: "KLAGE-behandlet", receivedOn: day, random: random)
        _ = try await store.receiveComplaint(id: "c2", provider: ProviderID("uturn"), service: nil, about: .service,
                                             text: "KLAGE-åben", receivedOn: day, random: random)
        _ = try await store.markComplaintHandled(handled, provider: ProviderID("uturn"), context("2026-11-23"))
        let closed = try await store.walkIn(service: .uturn, ageBand: .from18To24, context("2026-11-23"), limit: .conversations(5), random: random)
        let followUpHash = Data(random.bytes(32))
        _ = try await store.close(code: closed.anonymousCase.code, reason: .completed, outcome: .drugFree, followUpTokenHash: followUpHash, context("2026-11-23"))
        let sealed = try await store.reader.read { db in try Data.fetchOne(db, sql: "SELECT textSealed FROM complaint WHERE id = 'c1'")! }

        let cutoffs = RetentionCutoffs(cancelledBookings: CalendarDay(iso: "2026-11-24")!, unattendedBookings: CalendarDay(iso: "2026-11-24")!,
                                       closedCases: CalendarDay(iso: "2026-11-24")!, accessLog: CalendarDay(iso: "2026-11-01")!)
        let planned = try await store.purge(cutoffs, dryRun: true)
        #expect(planned.handledComplaints == 1 && planned.closedCases == 1)
        #expect(try await store.purge(cutoffs, dryRun: false) == planned)
        let left = try await store.reader.read { db in
            (try String.fetchAll(db, sql: "SELECT id FROM complaint"), try Int.fetchOne(db, sql: "SELECT count(*) FROM follow_up")!)
        }
        #expect(left.0 == ["c2"])
        #expect(left.1 == 0)
        #expect(Self.fileBytes(path).range(of: sealed) == nil)
        await #expect(throws: BookingStoreError.notFound) { try await store.holding(tokenHash: followUpHash) }
    }

    /// Issue 10: a group course goes once it has ended like a closed case and the cases holding its
    /// places are gone; one with a place still held by an open case stays.
    @Test func endedGroupCoursesGoWithTheirLastSeatedCase() async throws {
        let store = try AnonymousStore.inMemory(storeKey: .random(random))
        let calculator = SlotCalculator(configuration: try TestFixtures.configuration())
        let parents = ProviderID("uturn")
        let local: @Sendable (Date) -> (CalendarDay, TimeOfDay) = { (calculator.day(of: $0), calculator.timeOfDay($0)) }
        func course(_ id: String, _ day: String) async throws -> GroupCourse {
            let meeting = GroupMeeting(number: 1, day: CalendarDay(iso: day)!, start: TimeOfDay("17:00")!, end: TimeOfDay("19:00")!)
            return try await store.createCourse(id: id, provider: parents, service: .uturnParents, seats: 8, meetings: [meeting],
                                                instant: { calculator.instant($0, $1) }, today: CalendarDay(iso: day)!)
        }
        _ = try await course("empty", "2026-11-20")
        _ = try await course("closed-case", "2026-11-20")
        _ = try await course("open-case", "2026-11-20")
        _ = try await course("not-ended", "2026-11-30")
        let closedCase = try await store.walkIn(service: .uturnParents, ageBand: .from25, context("2026-11-20"), limit: .groupMeetings(5), random: random)
        let openCase = try await store.walkIn(service: .uturnParents, ageBand: .from25, context("2026-11-20"), limit: .groupMeetings(5), random: random)
        _ = try await store.seat(code: closedCase.anonymousCase.code, courseId: "closed-case", context("2026-11-20"), local: local)
        _ = try await store.seat(code: openCase.anonymousCase.code, courseId: "open-case", context("2026-11-20"), local: local)
        _ = try await store.close(code: closedCase.anonymousCase.code, reason: .completed, outcome: .unknown, followUpTokenHash: nil, context("2026-11-21"))

        let cutoffs = RetentionCutoffs(cancelledBookings: CalendarDay(iso: "2026-11-24")!, unattendedBookings: CalendarDay(iso: "2026-11-24")!,
                                       closedCases: CalendarDay(iso: "2026-11-24")!, accessLog: CalendarDay(iso: "2026-11-01")!)
        let planned = try await store.purge(cutoffs, dryRun: true)
        #expect(planned.endedCourses == 2 && planned.closedCases == 1)
        #expect(try await store.purge(cutoffs, dryRun: false) == planned)
        let left = try await store.reader.read { db in
            (try String.fetchAll(db, sql: "SELECT id FROM group_course ORDER BY id"), try Int.fetchOne(db, sql: "SELECT count(*) FROM group_meeting")!,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM group_seat")!)
        }
        #expect(left.0 == ["not-ended", "open-case"])
        #expect(left.1 == 2 && left.2 == 1)
    }

    /// A group meeting attended is a session held in the figures (QS 4.3), like a conversation.
    @Test func aGroupMeetingAttendedIsASessionHeld() async throws {
        let store = try AnonymousStore.inMemory(storeKey: .random(random))
        let calculator = SlotCalculator(configuration: try TestFixtures.configuration())
        let local: @Sendable (Date) -> (CalendarDay, TimeOfDay) = { (calculator.day(of: $0), calculator.timeOfDay($0)) }
        let day = CalendarDay(iso: "2026-11-23")!
        let meeting = GroupMeeting(number: 1, day: day, start: TimeOfDay("17:00")!, end: TimeOfDay("19:00")!)
        _ = try await store.createCourse(id: "p", provider: ProviderID("uturn"), service: .uturnParents, seats: 8, meetings: [meeting],
                                         instant: { calculator.instant($0, $1) }, today: day)
        let parent = try await store.walkIn(service: .uturnParents, ageBand: .from25, context("2026-11-23"), limit: .groupMeetings(5), random: random)
        _ = try await store.seat(code: parent.anonymousCase.code, courseId: "p", context("2026-11-23"), local: local)
        let attended = try await store.attend(code: parent.anonymousCase.code, courseId: "p", meeting: 1, context("2026-11-23"),
                                              limit: .conversationsOrGroup(conversations: 5, groupMeetings: 5), local: local)
        #expect(attended.isGroup && attended.sessionNumber == 2 && attended.anonymousCase.groupSessionsUsed == 1)
        let month = CalendarMonth(iso: "2026-11")!
        let counts = try await store.statisticsCounts(from: month, to: month, limits: [:]).counts
        #expect(counts[StatCell(month: month, service: .uturnParents, provider: ProviderID("uturn"), figure: .sessionsHeld)] == 2)
    }

    @Test func theCutoffsFollowTheConfiguredPeriods() throws {
        let policy = try TestFixtures.configuration().retention
        #expect(policy == RetentionPolicy(cancelledBookingsDays: 30, unattendedBookingsDays: 90, closedCasesDays: 365, accessLogDays: 730))
        let cutoffs = policy.cutoffs(today: CalendarDay(iso: "2026-11-23")!)
        #expect(cutoffs.cancelledBookings.description == "2026-10-24")
        #expect(cutoffs.closedCases.description == "2025-11-23")
        #expect(policy.longestDays == 730)
    }
}
