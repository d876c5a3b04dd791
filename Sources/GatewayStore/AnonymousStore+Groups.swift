import Foundation
import GatewayCore
import GRDB

/// Group courses (issue 10; §101a stk. 8, QS 3.5, 4.4.4): their meetings and places, the cases that
/// hold a seat, and attendance per meeting, which counts as one of the case's sessions. A course
/// names no one; a seat and an attendance link a course to a case code only, and go with the case.
extension AnonymousStore {
    /// Creates a course with its meetings (already checked by `GroupCourses.validate`).
    public func createCourse(id: String, provider: ProviderID, service: ServiceID, seats: Int, meetings: [GroupMeeting],
                             instant: @escaping @Sendable (CalendarDay, TimeOfDay) -> Date, today: CalendarDay) async throws(CaseStoreError) -> GroupCourse {
        try await write(CaseStoreError.self) { db in
            try db.cachedStatement(sql: "INSERT INTO group_course (id, providerId, serviceId, seats, createdOn) VALUES (?, ?, ?, ?, ?)")
                .execute(arguments: [id, provider.rawValue, service.rawValue, seats, today.description])
            for meeting in meetings {
                try db.cachedStatement(sql: "INSERT INTO group_meeting (courseId, number, startsAt, endsAt) VALUES (?, ?, ?, ?)").execute(arguments: [
                    id, meeting.number, StoredTime.text(instant(meeting.day, meeting.start)), StoredTime.text(instant(meeting.day, meeting.end)),
                ])
            }
            return GroupCourse(id: id, providerId: provider, serviceId: service, seats: seats, meetings: meetings, seated: 0)
        }
    }

    /// A provider's courses whose last meeting is on or after `from`, first meeting first.
    public func courses(provider: ProviderID, from: CalendarDay, local: @escaping @Sendable (Date) -> (CalendarDay, TimeOfDay)) async throws(CaseStoreError) -> [GroupCourse] {
        try await read(CaseStoreError.self) { db in
            let ids = try String.fetchAll(db.cachedStatement(sql: "SELECT id FROM group_course WHERE providerId = ?"), arguments: [provider.rawValue])
            return try ids.compactMap { try Self.fetchCourse(db, id: $0, local: local) }
                .filter { ($0.lastDay ?? from) >= from }
                .sorted { ($0.firstDay ?? from, $0.id) < ($1.firstDay ?? from, $1.id) }
        }
    }

    /// The course a case holds a seat in, with the meetings it attended (for the citizen and the case page).
    public func courseOfCase(_ code: String, local: @escaping @Sendable (Date) -> (CalendarDay, TimeOfDay)) async throws(CaseStoreError) -> (GroupCourse, Set<Int>)? {
        try await read(CaseStoreError.self) { db in try Self.courseOfCase(db, code, local: local) }
    }

    /// The case a token belongs to (its booking's, or its live token's) and the group course it holds
    /// a seat in: what the citizen sees beside the booking, in one read.
    public func caseView(tokenHash: Data, local: @escaping @Sendable (Date) -> (CalendarDay, TimeOfDay))
        async throws(CaseStoreError) -> (AnonymousCase, (GroupCourse, Set<Int>)?)? {
        try await read(CaseStoreError.self) { db in
            guard let code = try String.fetchOne(db.cachedStatement(sql: """
                SELECT caseCode FROM booking WHERE tokenHash = ? AND caseCode IS NOT NULL
                UNION ALL SELECT caseCode FROM case_live_token WHERE tokenHash = ? LIMIT 1
                """), arguments: [tokenHash, tokenHash]) else { return nil }
            // A case code on a booking whose case is gone is a damaged store: stop (fail closed).
            guard let found = try self.fetchCase(db, code) else { throw CaseStoreError.storageFailure }
            return (found, try Self.courseOfCase(db, code, local: local))
        }
    }

    static func courseOfCase(_ db: Database, _ code: String, local: (Date) -> (CalendarDay, TimeOfDay)) throws -> (GroupCourse, Set<Int>)? {
        guard let id = try String.fetchOne(db.cachedStatement(sql: "SELECT courseId FROM group_seat WHERE caseCode = ?"), arguments: [code]),
              let course = try fetchCourse(db, id: id, local: local) else { return nil }
        let attended = try Int.fetchAll(db.cachedStatement(sql: "SELECT number FROM group_attendance WHERE courseId = ? AND caseCode = ?"),
                                        arguments: [id, code])
        return (course, Set(attended))
    }

    /// Gives a case a seat in one of this provider's courses. A case holds one seat at a time.
    public func seat(code: CaseCode, courseId: String, _ context: CaseContext,
                     local: @escaping @Sendable (Date) -> (CalendarDay, TimeOfDay)) async throws(CaseStoreError) -> GroupCourse {
        try await write(CaseStoreError.self) { db in
            let found = try self.visibleCase(db, code, context.actor)
            guard let course = try Self.fetchCourse(db, id: courseId, local: local), course.providerId == context.actor.providerId else {
                throw CaseStoreError.group(.unknownCourse)
            }
            guard found.status == .open else { throw CaseStoreError.refused(.closed) }
            let seated = try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM group_seat WHERE caseCode = ?"), arguments: [code.value]) ?? 0
            try Self.groupRule { () throws(GroupCourseRefusal) in try GroupCourses.checkSeat(found, in: course, alreadySeated: seated > 0) }
            try db.cachedStatement(sql: "INSERT INTO group_seat (courseId, caseCode) VALUES (?, ?)").execute(arguments: [courseId, code.value])
            try self.logAccess(db, context, action: "seat-in-course", code: code.value)
            return try Self.fetchCourse(db, id: courseId, local: local) ?? course
        }
    }

    /// Records that a seated case came to a meeting: one of its sessions, within its limit.
    public func attend(code: CaseCode, courseId: String, meeting number: Int, _ context: CaseContext, limit: SessionLimit,
                       local: @escaping @Sendable (Date) -> (CalendarDay, TimeOfDay)) async throws(CaseStoreError) -> CheckInResult {
        try await write(CaseStoreError.self) { db in
            _ = try self.visibleCase(db, code, context.actor)
            guard let course = try Self.fetchCourse(db, id: courseId, local: local), course.providerId == context.actor.providerId else {
                throw CaseStoreError.group(.unknownCourse)
            }
            let seated = try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM group_seat WHERE courseId = ? AND caseCode = ?"),
                                          arguments: [courseId, code.value]) ?? 0
            let attended = try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM group_attendance WHERE courseId = ? AND number = ? AND caseCode = ?"),
                                            arguments: [courseId, number, code.value]) ?? 0
            try Self.groupRule { () throws(GroupCourseRefusal) in
                try GroupCourses.checkAttendance(meeting: course.meetings.first { $0.number == number }, seated: seated > 0,
                                                 alreadyAttended: attended > 0, today: context.today)
            }
            let session = try self.recordSession(db, code: code.value, kind: "group", limit: limit, today: context.today)
            try db.cachedStatement(sql: "INSERT INTO group_attendance (courseId, number, caseCode) VALUES (?, ?, ?)").execute(arguments: [courseId, number, code.value])
            try self.logAccess(db, context, action: "attend-meeting", code: code.value)
            return CheckInResult(anonymousCase: try self.existingCase(db, code.value), sessionNumber: session, isGroup: true)
        }
    }

    static func groupRule(_ check: () throws(GroupCourseRefusal) -> Void) throws(CaseStoreError) {
        do { try check() } catch { throw .group(error) }
    }

    static func fetchCourse(_ db: Database, id: String, local: (Date) -> (CalendarDay, TimeOfDay)) throws -> GroupCourse? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: """
            SELECT providerId, serviceId, seats, (SELECT count(*) FROM group_seat s WHERE s.courseId = c.id) AS seated
            FROM group_course c WHERE id = ?
            """), arguments: [id]) else { return nil }
        guard let service = ServiceID(rawValue: row["serviceId"]) else { throw UndecodableRow() }
        let meetings = try Row.fetchAll(db.cachedStatement(sql: "SELECT number, startsAt, endsAt FROM group_meeting WHERE courseId = ? ORDER BY number"),
                                        arguments: [id]).map { meeting -> GroupMeeting in
            let (day, start) = local(try StoredTime.date(meeting["startsAt"]))
            let (_, end) = local(try StoredTime.date(meeting["endsAt"]))
            return GroupMeeting(number: meeting["number"], day: day, start: start, end: end)
        }
        return GroupCourse(id: id, providerId: ProviderID(row["providerId"]), serviceId: service, seats: row["seats"], meetings: meetings, seated: row["seated"])
    }
}
