import Foundation
import GatewayCore
import GatewayCrypto
import GRDB

public enum CaseStoreError: Error, Equatable, Sendable, StoreFailureConvertible {
    /// Unknown — or belonging to another provider, which must look exactly the same.
    case notFound
    /// Cancelled, or its day has passed.
    case tokenGone
    /// Already checked in.
    case tokenUsed
    /// A booking can be checked in on its own day only.
    case notToday(CalendarDay)
    /// A case rule refused the step (`CasePolicy`); nothing changed.
    case refused(CaseRefusal)
    case slotFull
    /// A group course's rule refused the step (`GroupCourses`); nothing changed.
    case group(GroupCourseRefusal)
    /// The database failed, or a stored value could not be read or opened; the transaction was rolled back.
    case storageFailure

    static func uniquenessConflict(_ error: DatabaseError) -> CaseStoreError { .slotFull }
}

/// Who is acting, as the anonymous store may record it: a pseudonym, never the account.
public struct StaffActor: Sendable {
    public let pseudonym: String
    public let providerId: ProviderID
    public init(pseudonym: String, providerId: ProviderID) { self.pseudonym = pseudonym; self.providerId = providerId }
}

public struct CheckInResult: Sendable {
    public let anonymousCase: AnonymousCase
    public let sessionNumber: Int
    /// A group meeting attended (not a conversation).
    public var isGroup: Bool = false
}

/// What a case step needs to know about the day and the rules, passed in by the caller.
public struct CaseContext: Sendable {
    public let actor: StaffActor
    public let today: CalendarDay
    public let now: Date
    public init(actor: StaffActor, today: CalendarDay, now: Date) { self.actor = actor; self.today = today; self.now = now }
}

extension AnonymousStore {
    // MARK: Check-in and walk-ins

    /// Consumes a booking's token exactly once and counts the session; opens the case on the first visit.
    public func checkIn(
        tokenHash: Data, _ context: CaseContext, dayOf: @escaping @Sendable (Date) -> CalendarDay,
        limits: [ServiceID: SessionLimit], random: any RandomSource
    ) async throws(CaseStoreError) -> CheckInResult {
        try await write(CaseStoreError.self) { db in
            let booking = try self.bookableRow(db, tokenHash: tokenHash, actor: context.actor)
            let day = dayOf(try booking.time("startsAt"))
            if day < context.today { throw CaseStoreError.tokenGone }
            if day > context.today { throw CaseStoreError.notToday(day) }
            let service = try booking.decoded("serviceId", as: ServiceID.self), band = try booking.decoded("ageBand", as: AgeBand.self)
            guard let limit = limits[service] else { throw CaseStoreError.notFound }
            try db.cachedStatement(sql: "UPDATE booking SET status = 'checked-in' WHERE tokenHash = ? AND status = 'booked'").execute(arguments: [tokenHash])
            guard db.changesCount == 1 else { throw CaseStoreError.tokenUsed }

            let code: String
            if let existing = booking["caseCode"] as String? {
                code = existing
                try db.cachedStatement(sql: "DELETE FROM case_live_token WHERE caseCode = ?").execute(arguments: [code])
            } else {
                code = try self.openCase(db, service: service, provider: context.actor.providerId, ageBand: band, today: context.today, random: random)
                try db.cachedStatement(sql: "UPDATE booking SET caseCode = ? WHERE tokenHash = ?").execute(arguments: [code, tokenHash])
                try self.recordReturn(db, tokenHash: tokenHash, today: context.today)
                try self.keepRequests(db, from: booking, onCase: code)
            }
            let number = try self.recordSession(db, code: code, kind: "booked", limit: limit, today: context.today)
            try self.logAccess(db, context, action: "check-in", code: code)
            return CheckInResult(anonymousCase: try self.existingCase(db, code), sessionNumber: number)
        }
    }

    /// A walk-in without a booking: a new case and its first session.
    public func walkIn(
        service: ServiceID, ageBand: AgeBand, _ context: CaseContext, limit: SessionLimit, random: any RandomSource
    ) async throws(CaseStoreError) -> CheckInResult {
        try await write(CaseStoreError.self) { db in
            let code = try self.openCase(db, service: service, provider: context.actor.providerId, ageBand: ageBand, today: context.today, random: random)
            let number = try self.recordSession(db, code: code, kind: "walk-in", limit: limit, today: context.today)
            try self.logAccess(db, context, action: "walk-in", code: code)
            return CheckInResult(anonymousCase: try self.existingCase(db, code), sessionNumber: number)
        }
    }

    /// A walk-in by someone holding a token: a follow-up token of their case, or a booking for
    /// today (at another time). Like check-in, a booking of a past day is gone — a missed booking
    /// must not open a session weeks later — and one of a later day is not today's.
    public func walkIn(
        tokenHash: Data, _ context: CaseContext, dayOf: @escaping @Sendable (Date) -> CalendarDay,
        limits: [ServiceID: SessionLimit], random: any RandomSource
    ) async throws(CaseStoreError) -> CheckInResult {
        try await write(CaseStoreError.self) { db in
            let starts = try String.fetchOne(db.cachedStatement(sql: "SELECT startsAt FROM booking WHERE tokenHash = ?"), arguments: [tokenHash])
            if let starts {
                let day = dayOf(try StoredTime.date(starts))
                if day < context.today { throw CaseStoreError.tokenGone }
                if day > context.today { throw CaseStoreError.notToday(day) }
            } else if let (followUp, _) = try self.fetchFollowUp(db, tokenHash: tokenHash) {
                // A follow-up token shown in person (QS 3.2): a new first conversation at the case's
                // provider, counted as a return — once, and within twelve months of the discharge.
                guard followUp.providerId == context.actor.providerId, let limit = limits[followUp.serviceId] else { throw CaseStoreError.notFound }
                guard FollowUpRules.countsAsReturn(closedOn: followUp.closedOn, heldOn: context.today) else { throw CaseStoreError.tokenGone }
                guard try Int.fetchOne(db, sql: "SELECT count(*) FROM follow_up WHERE tokenHash = ? AND returnedIn IS NULL", arguments: [tokenHash]) == 1 else {
                    throw CaseStoreError.tokenUsed
                }
                let code = try self.openCase(db, service: followUp.serviceId, provider: context.actor.providerId, ageBand: followUp.ageBand,
                                             today: context.today, random: random)
                try self.recordReturn(db, tokenHash: tokenHash, today: context.today)
                let number = try self.recordSession(db, code: code, kind: "walk-in", limit: limit, today: context.today)
                try self.logAccess(db, context, action: "walk-in", code: code)
                return CheckInResult(anonymousCase: try self.existingCase(db, code), sessionNumber: number)
            }
            if let code = try String.fetchOne(db.cachedStatement(sql: "SELECT caseCode FROM case_live_token WHERE tokenHash = ?"), arguments: [tokenHash]) {
                guard let existing = try self.fetchCase(db, code), existing.isVisible(to: context.actor.providerId),
                      let limit = limits[existing.serviceId] else { throw CaseStoreError.notFound }
                try self.releaseLiveToken(db, code: code)
                let number = try self.recordSession(db, code: code, kind: "walk-in", limit: limit, today: context.today)
                try self.logAccess(db, context, action: "walk-in", code: code)
                return CheckInResult(anonymousCase: try self.existingCase(db, code), sessionNumber: number)
            }
            // A first booking (no case yet) for another day: the person came now instead.
            let booking = try self.bookableRow(db, tokenHash: tokenHash, actor: context.actor)
            let service = try booking.decoded("serviceId", as: ServiceID.self), band = try booking.decoded("ageBand", as: AgeBand.self)
            guard let limit = limits[service] else { throw CaseStoreError.notFound }
            let code = try self.openCase(db, service: service, provider: context.actor.providerId, ageBand: band, today: context.today, random: random)
            try db.cachedStatement(sql: "UPDATE booking SET status = 'checked-in', caseCode = ? WHERE tokenHash = ? AND status = 'booked'").execute(arguments: [code, tokenHash])
            guard db.changesCount == 1 else { throw CaseStoreError.tokenUsed }
            try self.recordReturn(db, tokenHash: tokenHash, today: context.today)
            try self.keepRequests(db, from: booking, onCase: code)
            let number = try self.recordSession(db, code: code, kind: "walk-in", limit: limit, today: context.today)
            try self.logAccess(db, context, action: "walk-in", code: code)
            return CheckInResult(anonymousCase: try self.existingCase(db, code), sessionNumber: number)
        }
    }

    // MARK: The token chain

    /// Books the case's next session and makes its token the case's one live token (revoking any other).
    public func bookNext(
        code: CaseCode, slot: Slot, tokenHash: Data, bookingId: String, _ context: CaseContext, limit: SessionLimit
    ) async throws(CaseStoreError) -> (AnonymousCase, Booking) {
        try await write(CaseStoreError.self) { db in
            let existing = try self.visibleCase(db, code, context.actor)
            try Self.policy { () throws(CaseRefusal) in
                guard existing.status == .open else { throw .closed }
                try CasePolicy.checkSlot(slot.id, for: existing, bookedBy: context.actor.providerId)
                try CasePolicy.checkAnotherSession(existing, limit: limit)
            }
            try self.releaseLiveToken(db, code: code.value)
            guard try Self.insertIntoFreeSeat(db, draw: self.seatDraw(), id: bookingId, tokenHash: tokenHash, slot: slot, ageBand: existing.ageBand,
                                              bookedOn: context.today, caseCode: code.value,
                                              interpreterLanguageSealed: try self.sealedForBooking(existing.interpreterLanguage, bookingId),
                                              companion: existing.companion, channel: .case) else { throw CaseStoreError.slotFull }
            try db.cachedStatement(sql: "INSERT INTO case_live_token (caseCode, tokenHash, kind) VALUES (?, ?, 'booking')").execute(arguments: [code.value, tokenHash])
            try self.logAccess(db, context, action: "book-next", code: code.value)
            let booking = Booking(
                id: bookingId, slotId: slot.id, start: slot.start, end: slot.end, status: .booked, ageBand: existing.ageBand,
                substances: [], requests: BookingRequests(interpreterLanguage: existing.interpreterLanguage, companion: existing.companion),
                bookedOn: context.today)
            return (try self.existingCase(db, code.value), booking)
        }
    }

    /// The citizen did not come to the case's booked session: the booking is released and, when the
    /// service counts no-shows, a session is used.
    public func markNoShow(code: CaseCode, _ context: CaseContext, counts: Bool, limit: SessionLimit) async throws(CaseStoreError) -> AnonymousCase {
        try await write(CaseStoreError.self) { db in
            let existing = try self.visibleCase(db, code, context.actor)
            let start = try String.fetchOne(db.cachedStatement(sql: """
                SELECT b.startsAt FROM case_live_token t JOIN booking b ON b.tokenHash = t.tokenHash
                WHERE t.caseCode = ? AND t.kind = 'booking'
                """), arguments: [code.value]).map { try StoredTime.date($0) }
            try Self.policy { () throws(CaseRefusal) in try CasePolicy.checkNoShow(existing, bookedStart: start, now: context.now) }
            try self.releaseLiveToken(db, code: code.value)
            if counts {
                _ = try self.recordSession(db, code: code.value, kind: "no-show", limit: limit, today: context.today)
            }
            try self.logAccess(db, context, action: "no-show", code: code.value)
            return try self.existingCase(db, code.value)
        }
    }

    /// A one-time follow-up token with which the citizen chooses the next time on the web form.
    public func issueFollowUp(code: CaseCode, tokenHash: Data, _ context: CaseContext, limit: SessionLimit) async throws(CaseStoreError) {
        try await write(CaseStoreError.self) { db in
            let existing = try self.visibleCase(db, code, context.actor)
            try Self.policy { () throws(CaseRefusal) in try CasePolicy.checkAnotherSession(existing, limit: limit) }
            try self.releaseLiveToken(db, code: code.value)
            try db.cachedStatement(sql: "INSERT INTO case_live_token (caseCode, tokenHash, kind) VALUES (?, ?, 'follow-up')").execute(arguments: [code.value, tokenHash])
            try self.logAccess(db, context, action: "follow-up-token", code: code.value)
        }
    }

    /// The citizen redeems a follow-up token by choosing a time: the same token now holds the booking.
    public func redeemFollowUp(tokenHash: Data, slot: Slot, bookingId: String, limit: SessionLimit, today: CalendarDay) async throws(CaseStoreError) -> Booking {
        try await write(CaseStoreError.self) { db in
            guard let code = try String.fetchOne(db.cachedStatement(sql: "SELECT caseCode FROM case_live_token WHERE tokenHash = ? AND kind = 'follow-up'"), arguments: [tokenHash]),
                  let existing = try self.fetchCase(db, code) else { throw CaseStoreError.notFound }
            try Self.policy { () throws(CaseRefusal) in
                guard existing.status == .open else { throw .closed }
                try CasePolicy.checkSlot(slot.id, for: existing, bookedBy: nil)
                try CasePolicy.checkAnotherSession(existing, limit: limit)
            }
            guard try Self.insertIntoFreeSeat(db, draw: self.seatDraw(), id: bookingId, tokenHash: tokenHash, slot: slot, ageBand: existing.ageBand,
                                              bookedOn: today, caseCode: code,
                                              interpreterLanguageSealed: try self.sealedForBooking(existing.interpreterLanguage, bookingId),
                                              companion: existing.companion) else { throw CaseStoreError.slotFull }
            try db.cachedStatement(sql: "UPDATE case_live_token SET kind = 'booking' WHERE caseCode = ?").execute(arguments: [code])
            return Booking(
                id: bookingId, slotId: slot.id, start: slot.start, end: slot.end, status: .booked, ageBand: existing.ageBand,
                substances: [], requests: BookingRequests(interpreterLanguage: existing.interpreterLanguage, companion: existing.companion),
                bookedOn: today)
        }
    }

    // MARK: Reading cases

    /// A case this actor may see; the read is written to the access log.
    public func anonymousCase(_ code: CaseCode, _ context: CaseContext) async throws(CaseStoreError) -> AnonymousCase {
        try await write(CaseStoreError.self) { db in
            let found = try self.visibleCase(db, code, context.actor)
            try self.logAccess(db, context, action: "read-case", code: code.value)
            return found
        }
    }

    /// Open cases a provider may see: its own, and those referred to it (so a receiving provider finds
    /// its referrals). Listing shows case codes: each listed case is logged (`list-cases`).
    public func openCases(_ context: CaseContext) async throws(CaseStoreError) -> [AnonymousCase] {
        let provider = context.actor.providerId
        return try await write(CaseStoreError.self) { db in
            let found = try Row.fetchAll(
                db.cachedStatement(sql: Self.caseSelect + " WHERE c.status = 'open' AND (c.providerId = ? OR c.referralProviderId = ?) ORDER BY c.openedOn, c.code"),
                arguments: [provider.rawValue, provider.rawValue]).map(self.decodeCase)
            for item in found { try self.logAccess(db, context, action: "list-cases", code: item.code.value) }
            return found
        }
    }

    /// A refused attempt on a case this provider may not see (or that does not exist), logged on its own.
    public func logRefusal(code: CaseCode, _ context: CaseContext) async throws(CaseStoreError) {
        try await write(CaseStoreError.self) { db in try self.logAccess(db, context, action: "refused", code: code.value) }
    }

    /// A provider's bookings between two instants, for the schedule. Never a token. The programme
    /// shows case codes and messages: every case on it is logged (`read-schedule`).
    public func schedule(provider: ProviderID, from: Date, to: Date, _ context: CaseContext) async throws(CaseStoreError) -> [(Booking, CaseCode?)] {
        let rows = try await write(CaseStoreError.self) { db -> [ScheduleEntry] in
            let entries = try Row.fetchAll(db.cachedStatement(sql: """
                SELECT * FROM booking WHERE providerId = ? AND startsAt >= ? AND startsAt < ? AND status != 'cancelled'
                ORDER BY startsAt, slotId
                """), arguments: [provider.rawValue, StoredTime.text(from), StoredTime.text(to)]).map { row in
                let code = try (row["caseCode"] as String?).map { text -> CaseCode in
                    guard let code = CaseCode(text) else { throw UndecodableRow() }
                    return code
                }
                return ScheduleEntry(booking: try self.decodeBooking(row), code: code)
            }
            for code in Set(entries.compactMap(\.code?.value)).sorted() { try self.logAccess(db, context, action: "read-schedule", code: code) }
            return entries
        }
        return rows.map { ($0.booking, $0.code) }
    }

    // MARK: Decisions, closing

    /// A PAS decision (§101a stk. 4–5) by the provider holding the case.
    public func decide(
        code: CaseCode, outcome: DecisionOutcome, reason: String, referral: ProviderID?, shareNotes: Bool, _ context: CaseContext
    ) async throws(CaseStoreError) -> AnonymousCase {
        let sealed: Data
        do { sealed = try sealer.seal(reason, table: "anonymous_case", column: "decisionReason", row: code.value) } catch { throw .storageFailure }
        return try await write(CaseStoreError.self) { db in
            let found = try self.visibleCase(db, code, context.actor)
            guard found.providerId == context.actor.providerId else { throw CaseStoreError.notFound }
            try Self.policy { () throws(CaseRefusal) in try CasePolicy.checkDecision(found) }
            try db.cachedStatement(sql: """
                UPDATE anonymous_case SET decision = ?, decisionReasonSealed = ?, referralProviderId = ?, notesShared = ? WHERE code = ?
                """).execute(arguments: [outcome.rawValue, sealed, referral?.rawValue, shareNotes, code.value])
            try self.logAccess(db, context, action: "decision-\(outcome.rawValue)", code: code.value)
            return try self.existingCase(db, code.value)
        }
    }

    /// Closes a case with a discharge reason (QS 3.2); its live token, if any, stops working.
    /// Closes a case. `followUpTokenHash`: the hash of the follow-up token the counsellor hands the
    /// citizen (QS 3.2), stored for the one-month round in the same transaction.
    public func close(
        code: CaseCode, reason: DischargeReason, outcome: DischargeOutcome? = nil, followUpTokenHash: Data? = nil, _ context: CaseContext,
        throughHandover: Bool = false
    ) async throws(CaseStoreError) -> AnonymousCase {
        try await write(CaseStoreError.self) { db in
            let found = try self.visibleCase(db, code, context.actor)
            try Self.policy { () throws(CaseRefusal) in try CasePolicy.checkClose(found, reason: reason, throughHandover: throughHandover) }
            try self.releaseLiveToken(db, code: code.value)
            try db.cachedStatement(sql: "UPDATE anonymous_case SET status = 'closed', dischargeReason = ?, outcome = ?, closedOn = ? WHERE code = ?")
                .execute(arguments: [reason.rawValue, outcome?.rawValue, context.today.description, code.value])
            try self.logAccess(db, context, action: "close-\(reason.rawValue)", code: code.value)
            if let followUpTokenHash {
                try db.execute(sql: "INSERT INTO follow_up (tokenHash, caseCode, round) VALUES (?, ?, '1-month')",
                               arguments: [followUpTokenHash, code.value])
                try self.logAccess(db, context, action: "discharge-follow-up-token", code: code.value)
            }
            return try self.existingCase(db, code.value)
        }
    }

    // MARK: Helpers (inside a transaction)

    /// The first booking's interpreter and companion become the case's (the language re-sealed
    /// under the case's row), so every later session carries them.
    func keepRequests(_ db: Database, from booking: Row, onCase code: String) throws {
        let id: String = booking["id"]
        let language = try (booking["interpreterLanguageSealed"] as Data?).map {
            try sealer.openText($0, table: "booking", column: "interpreterLanguage", row: id)
        }
        try db.cachedStatement(sql: "UPDATE anonymous_case SET interpreterLanguageSealed = ?, companion = ? WHERE code = ?").execute(arguments: [
            try language.map { try sealer.seal($0, table: "anonymous_case", column: "interpreterLanguage", row: code) },
            (booking["companion"] as Bool?) ?? false, code,
        ])
    }

    func sealedForBooking(_ language: String?, _ bookingId: String) throws -> Data? {
        try language.map { try sealer.seal($0, table: "booking", column: "interpreterLanguage", row: bookingId) }
    }

    /// Runs a `CasePolicy` check, turning its refusal into the store's error.
    static func policy(_ check: () throws(CaseRefusal) -> Void) throws(CaseStoreError) {
        do { try check() } catch { throw .refused(error) }
    }

    private func openCase(_ db: Database, service: ServiceID, provider: ProviderID, ageBand: AgeBand, today: CalendarDay, random: any RandomSource) throws -> String {
        for _ in 0..<10 {
            let code = CaseCode(generatingWith: random).value
            guard try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM anonymous_case WHERE code = ?"), arguments: [code]) == 0 else { continue }
            let wrapped = try caseKeys.newCaseKey(for: code, random: random).wrapped
            try db.cachedStatement(sql: """
                INSERT INTO anonymous_case (code, serviceId, providerId, ageBand, openedOn, status, caseKeyWrapped)
                VALUES (?, ?, ?, ?, ?, 'open', ?)
                """).execute(arguments: [code, service.rawValue, provider.rawValue, ageBand.rawValue, today.description, wrapped])
            return code
        }
        // Ten collisions of 35 random bits means the random source is broken: stop.
        throw CaseStoreError.storageFailure
    }

    func recordSession(_ db: Database, code: String, kind: String, limit: SessionLimit, today: CalendarDay) throws -> Int {
        let existing = try existingCase(db, code)
        try Self.policy { () throws(CaseRefusal) in try CasePolicy.checkAnotherSession(existing, limit: limit, group: kind == "group") }
        try db.cachedStatement(sql: "INSERT INTO case_session (caseCode, number, heldOn, kind) VALUES (?, ?, ?, ?)").execute(arguments: [code, existing.sessionsUsed + 1, today.description, kind])
        return existing.sessionsUsed + 1
    }

    /// Revokes the case's live token: cancels its booking (freeing the seat) or drops the follow-up.
    private func releaseLiveToken(_ db: Database, code: String) throws {
        guard let hash = try Data.fetchOne(db.cachedStatement(sql: "SELECT tokenHash FROM case_live_token WHERE caseCode = ?"), arguments: [code]) else { return }
        try db.cachedStatement(sql: """
            UPDATE booking SET status = 'cancelled', seat = NULL, messageSealed = NULL, interpreterLanguageSealed = NULL, substancesSealed = NULL
            WHERE tokenHash = ? AND status = 'booked'
            """).execute(arguments: [hash])
        try db.cachedStatement(sql: "DELETE FROM case_live_token WHERE caseCode = ?").execute(arguments: [code])
    }

    /// A booking row this provider may check in: another provider's answers exactly like an unknown token.
    private func bookableRow(_ db: Database, tokenHash: Data, actor: StaffActor) throws -> Row {
        guard let booking = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM booking WHERE tokenHash = ?"), arguments: [tokenHash]),
              ProviderID(booking["providerId"] as String) == actor.providerId else { throw CaseStoreError.notFound }
        switch try booking.decoded("status", as: BookingStatus.self) {
        case .cancelled: throw CaseStoreError.tokenGone
        case .checkedIn: throw CaseStoreError.tokenUsed
        case .booked: return booking
        }
    }

    func visibleCase(_ db: Database, _ code: CaseCode, _ actor: StaffActor) throws -> AnonymousCase {
        guard let found = try fetchCase(db, code.value), found.isVisible(to: actor.providerId) else { throw CaseStoreError.notFound }
        return found
    }

    /// A case the transaction has just created or checked: its absence would be a broken store.
    func existingCase(_ db: Database, _ code: String) throws -> AnonymousCase {
        guard let found = try fetchCase(db, code) else { throw CaseStoreError.storageFailure }
        return found
    }

    /// One query per case: its row, its session count and whether it holds a live token.
    static let caseSelect = """
        SELECT c.*, (SELECT count(*) FROM case_session s WHERE s.caseCode = c.code) AS sessionsUsed,
               (SELECT count(*) FROM case_session s WHERE s.caseCode = c.code AND s.kind = 'group') AS groupSessionsUsed,
               EXISTS (SELECT 1 FROM case_live_token t WHERE t.caseCode = c.code) AS hasLiveToken
        FROM anonymous_case c
        """

    func fetchCase(_ db: Database, _ code: String) throws -> AnonymousCase? {
        try Row.fetchOne(db.cachedStatement(sql: Self.caseSelect + " WHERE c.code = ?"), arguments: [code]).map(decodeCase)
    }

    func decodeCase(_ row: Row) throws -> AnonymousCase {
        let text: String = row["code"]
        guard let code = CaseCode(text) else { throw UndecodableRow() }
        let reason = try (row["decisionReasonSealed"] as Data?).map {
            try sealer.openText($0, table: "anonymous_case", column: "decisionReason", row: text)
        }
        func optional<T: RawRepresentable>(_ column: String, _ type: T.Type) throws -> T? where T.RawValue == String {
            guard let raw = row[column] as String? else { return nil }
            guard let value = T(rawValue: raw) else { throw UndecodableRow() }
            return value
        }
        var found = AnonymousCase(
            code: code, serviceId: try row.decoded("serviceId", as: ServiceID.self), providerId: ProviderID(row["providerId"] as String),
            ageBand: try row.decoded("ageBand", as: AgeBand.self), openedOn: try row.day("openedOn"),
            status: try row.decoded("status", as: CaseStatus.self), dischargeReason: try optional("dischargeReason", DischargeReason.self),
            sessionsUsed: row["sessionsUsed"], decision: try optional("decision", DecisionOutcome.self),
            decisionReason: reason, referralProviderId: (row["referralProviderId"] as String?).map { ProviderID($0) },
            notesShared: row["notesShared"], notesDestroyed: row["caseKeyWrapped"] == nil, hasLiveToken: row["hasLiveToken"],
            outcome: try optional("outcome", DischargeOutcome.self),
            interpreterLanguage: try (row["interpreterLanguageSealed"] as Data?).map {
                try sealer.openText($0, table: "anonymous_case", column: "interpreterLanguage", row: text)
            },
            companion: row["companion"])
        found.groupSessionsUsed = row["groupSessionsUsed"]
        return found
    }
}

struct ScheduleEntry: Sendable {
    let booking: Booking
    let code: CaseCode?
}
