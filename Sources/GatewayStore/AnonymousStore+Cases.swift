import Foundation
import GatewayCore
import GatewayCrypto
import GRDB

public enum CaseStoreError: Error, Equatable, Sendable {
    /// Unknown — or belonging to another provider, which must look exactly the same.
    case notFound
    /// Cancelled, or its day has passed.
    case tokenGone
    /// Already checked in.
    case tokenUsed
    /// A booking can be checked in on its own day only.
    case notToday(CalendarDay)
    case limitReached(AgeBand)
    case caseClosed
    case slotFull
    case slotNotOfferedHere
    case notAllowed(String)
    /// The database refused the write; the transaction was rolled back and nothing changed.
    case storageFailure
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
}

extension AnonymousStore {
    static func registerCaseMigrations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2-cases") { db in
            try db.execute(sql: """
                CREATE TABLE anonymous_case (
                    code TEXT PRIMARY KEY NOT NULL,
                    serviceId TEXT NOT NULL,
                    providerId TEXT NOT NULL,
                    ageBand TEXT NOT NULL,
                    openedOn TEXT NOT NULL CHECK (length(openedOn) = 10),
                    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
                    dischargeReason TEXT CHECK (dischargeReason IN ('completed', 'other-offer', 'hospital', 'other', 'transferred')),
                    caseKeyWrapped BLOB,
                    decision TEXT CHECK (decision IN ('granted', 'refused')),
                    decisionReasonSealed BLOB,
                    referralProviderId TEXT,
                    notesShared INTEGER NOT NULL DEFAULT 0
                ) WITHOUT ROWID;
                ALTER TABLE booking ADD COLUMN caseCode TEXT REFERENCES anonymous_case(code);
                CREATE TABLE case_session (
                    caseCode TEXT NOT NULL REFERENCES anonymous_case(code),
                    number INTEGER NOT NULL CHECK (number >= 1),
                    heldOn TEXT NOT NULL CHECK (length(heldOn) = 10),
                    kind TEXT NOT NULL CHECK (kind IN ('booked', 'walk-in', 'no-show')),
                    PRIMARY KEY (caseCode, number)
                ) WITHOUT ROWID;
                -- At most one live token per case: the primary key says so.
                CREATE TABLE case_live_token (
                    caseCode TEXT PRIMARY KEY NOT NULL REFERENCES anonymous_case(code),
                    tokenHash BLOB NOT NULL UNIQUE,
                    kind TEXT NOT NULL CHECK (kind IN ('booking', 'follow-up'))
                ) WITHOUT ROWID;
                CREATE TABLE case_note (
                    id TEXT PRIMARY KEY NOT NULL,
                    caseCode TEXT NOT NULL REFERENCES anonymous_case(code),
                    providerId TEXT NOT NULL,
                    writtenOn TEXT NOT NULL CHECK (length(writtenOn) = 10),
                    bodySealed BLOB NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE access_log (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at TEXT NOT NULL,
                    staffPseudonym TEXT NOT NULL,
                    providerId TEXT NOT NULL,
                    action TEXT NOT NULL,
                    caseCode TEXT NOT NULL
                );
                -- Staff cannot edit the access log through the product or plain SQL on this file.
                CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
                CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
                """)
        }
    }

    // MARK: Check-in and walk-ins

    /// Consumes a booking's token exactly once and counts the session; opens the case on the first visit.
    public func checkIn(
        tokenHash: Data, actor: StaffActor, today: CalendarDay, dayOf: @Sendable (Date) -> CalendarDay,
        limits: [ServiceID: SessionLimit], random: any RandomSource, now: Date
    ) throws(CaseStoreError) -> CheckInResult {
        try caseWrite { db in
            let booking = try bookableRow(db, tokenHash: tokenHash, actor: actor)
            guard let start = StoredTime.date(booking["startsAt"]) else { throw CaseStoreError.notFound }
            let day = dayOf(start)
            if day < today { throw CaseStoreError.tokenGone }
            if day > today { throw CaseStoreError.notToday(day) }
            guard let service = ServiceID(rawValue: booking["serviceId"]), let band = AgeBand(rawValue: booking["ageBand"]),
                  let limit = limits[service] else { throw CaseStoreError.notFound }
            try db.execute(sql: "UPDATE booking SET status = 'checked-in' WHERE tokenHash = ? AND status = 'booked'", arguments: [tokenHash])
            guard db.changesCount == 1 else { throw CaseStoreError.tokenUsed }

            let code: String
            if let existing = booking["caseCode"] as String? {
                code = existing
                try db.execute(sql: "DELETE FROM case_live_token WHERE caseCode = ?", arguments: [code])
            } else {
                code = try openCase(db, service: service, provider: actor.providerId, ageBand: band, today: today, random: random)
                try db.execute(sql: "UPDATE booking SET caseCode = ? WHERE tokenHash = ?", arguments: [code, tokenHash])
            }
            let number = try recordSession(db, code: code, kind: "booked", limit: limit, ageBand: band, today: today)
            try logAccess(db, actor: actor, action: "check-in", code: code, now: now)
            return CheckInResult(anonymousCase: try fetchCase(db, code)!, sessionNumber: number)
        }
    }

    /// A walk-in without a booking: a new case and its first session.
    public func walkIn(
        service: ServiceID, ageBand: AgeBand, actor: StaffActor, today: CalendarDay, limit: SessionLimit,
        random: any RandomSource, now: Date
    ) throws(CaseStoreError) -> CheckInResult {
        try caseWrite { db in
            let code = try openCase(db, service: service, provider: actor.providerId, ageBand: ageBand, today: today, random: random)
            let number = try recordSession(db, code: code, kind: "walk-in", limit: limit, ageBand: ageBand, today: today)
            try logAccess(db, actor: actor, action: "walk-in", code: code, now: now)
            return CheckInResult(anonymousCase: try fetchCase(db, code)!, sessionNumber: number)
        }
    }

    /// A walk-in by someone holding their case's live token (a booking on another day, or a follow-up token).
    public func walkIn(
        tokenHash: Data, actor: StaffActor, today: CalendarDay, limits: [ServiceID: SessionLimit], random: any RandomSource, now: Date
    ) throws(CaseStoreError) -> CheckInResult {
        try caseWrite { db in
            if let live = try Row.fetchOne(db, sql: "SELECT * FROM case_live_token WHERE tokenHash = ?", arguments: [tokenHash]) {
                let code: String = live["caseCode"]
                guard let existing = try fetchCase(db, code), existing.isVisible(to: actor.providerId), let limit = limits[existing.serviceId] else {
                    throw CaseStoreError.notFound
                }
                try releaseLiveToken(db, code: code)
                let number = try recordSession(db, code: code, kind: "walk-in", limit: limit, ageBand: existing.ageBand, today: today)
                try logAccess(db, actor: actor, action: "walk-in", code: code, now: now)
                return CheckInResult(anonymousCase: try fetchCase(db, code)!, sessionNumber: number)
            }
            // A first booking (no case yet) for another day: the person came now instead.
            let booking = try bookableRow(db, tokenHash: tokenHash, actor: actor)
            guard let service = ServiceID(rawValue: booking["serviceId"]), let band = AgeBand(rawValue: booking["ageBand"]),
                  let limit = limits[service] else { throw CaseStoreError.notFound }
            let code = try openCase(db, service: service, provider: actor.providerId, ageBand: band, today: today, random: random)
            try db.execute(sql: "UPDATE booking SET status = 'checked-in', caseCode = ? WHERE tokenHash = ? AND status = 'booked'", arguments: [code, tokenHash])
            guard db.changesCount == 1 else { throw CaseStoreError.tokenUsed }
            let number = try recordSession(db, code: code, kind: "walk-in", limit: limit, ageBand: band, today: today)
            try logAccess(db, actor: actor, action: "walk-in", code: code, now: now)
            return CheckInResult(anonymousCase: try fetchCase(db, code)!, sessionNumber: number)
        }
    }

    // MARK: The token chain

    /// Books the case's next session and makes its token the case's one live token (revoking any other).
    public func bookNext(
        code: CaseCode, slot: Slot, tokenHash: Data, bookingId: String, actor: StaffActor, limit: SessionLimit,
        today: CalendarDay, now: Date
    ) throws(CaseStoreError) -> (AnonymousCase, Booking) {
        try caseWrite { db in
            let existing = try visibleCase(db, code, actor)
            guard existing.status == .open else { throw CaseStoreError.caseClosed }
            guard slot.serviceId == existing.serviceId, slot.providerId == actor.providerId else { throw CaseStoreError.slotNotOfferedHere }
            guard SessionProgress(used: existing.sessionsUsed, limit: limit).canContinue else { throw CaseStoreError.limitReached(existing.ageBand) }
            try releaseLiveToken(db, code: code.value)
            guard try Self.insertIntoFreeSeat(db, id: bookingId, tokenHash: tokenHash, slot: slot, ageBand: existing.ageBand,
                                              bookedOn: today, caseCode: code.value) else { throw CaseStoreError.slotFull }
            try db.execute(sql: "INSERT INTO case_live_token (caseCode, tokenHash, kind) VALUES (?, ?, 'booking')", arguments: [code.value, tokenHash])
            try logAccess(db, actor: actor, action: "book-next", code: code.value, now: now)
            let booking = Booking(
                id: bookingId, slotId: slot.id, start: slot.start, end: slot.end, status: .booked, ageBand: existing.ageBand,
                substances: [], requests: BookingRequests(), bookedOn: today)
            return (try fetchCase(db, code.value)!, booking)
        }
    }

    /// The citizen did not come to the case's booked session: the booking is released and, when the
    /// service counts no-shows, a session is used.
    public func markNoShow(code: CaseCode, actor: StaffActor, counts: Bool, limit: SessionLimit, today: CalendarDay, now: Date) throws(CaseStoreError) -> AnonymousCase {
        try caseWrite { db in
            let existing = try visibleCase(db, code, actor)
            guard existing.status == .open else { throw CaseStoreError.caseClosed }
            guard let live = try Row.fetchOne(db, sql: "SELECT * FROM case_live_token WHERE caseCode = ? AND kind = 'booking'", arguments: [code.value]) else {
                throw CaseStoreError.notAllowed("The case has no booked session to mark as missed.")
            }
            let hash: Data = live["tokenHash"]
            guard let startsAt = try String.fetchOne(db, sql: "SELECT startsAt FROM booking WHERE tokenHash = ?", arguments: [hash]),
                  let start = StoredTime.date(startsAt), start <= now else {
                throw CaseStoreError.notAllowed("The booked session has not started yet.")
            }
            try releaseLiveToken(db, code: code.value)
            if counts {
                _ = try recordSession(db, code: code.value, kind: "no-show", limit: limit, ageBand: existing.ageBand, today: today)
            }
            try logAccess(db, actor: actor, action: "no-show", code: code.value, now: now)
            return try fetchCase(db, code.value)!
        }
    }

    /// A one-time follow-up token with which the citizen chooses the next time on the web form.
    public func issueFollowUp(code: CaseCode, tokenHash: Data, actor: StaffActor, limit: SessionLimit, now: Date) throws(CaseStoreError) {
        try caseWrite { db in
            let existing = try visibleCase(db, code, actor)
            guard existing.status == .open else { throw CaseStoreError.caseClosed }
            guard SessionProgress(used: existing.sessionsUsed, limit: limit).canContinue else { throw CaseStoreError.limitReached(existing.ageBand) }
            try releaseLiveToken(db, code: code.value)
            try db.execute(sql: "INSERT INTO case_live_token (caseCode, tokenHash, kind) VALUES (?, ?, 'follow-up')", arguments: [code.value, tokenHash])
            try logAccess(db, actor: actor, action: "follow-up-token", code: code.value, now: now)
        }
    }

    /// The case a follow-up token belongs to, if it is one.
    public func followUpCase(tokenHash: Data) throws -> AnonymousCase? {
        try writer.read { db in
            guard let code = try String.fetchOne(db, sql: "SELECT caseCode FROM case_live_token WHERE tokenHash = ? AND kind = 'follow-up'", arguments: [tokenHash]) else { return nil }
            return try fetchCase(db, code)
        }
    }

    /// The citizen redeems a follow-up token by choosing a time: the same token now holds the booking.
    public func redeemFollowUp(tokenHash: Data, slot: Slot, bookingId: String, limit: SessionLimit, today: CalendarDay) throws(CaseStoreError) -> Booking {
        try caseWrite { db in
            guard let code = try String.fetchOne(db, sql: "SELECT caseCode FROM case_live_token WHERE tokenHash = ? AND kind = 'follow-up'", arguments: [tokenHash]),
                  let existing = try fetchCase(db, code) else { throw CaseStoreError.notFound }
            guard existing.status == .open else { throw CaseStoreError.caseClosed }
            guard slot.serviceId == existing.serviceId, existing.isVisible(to: slot.providerId) else { throw CaseStoreError.slotNotOfferedHere }
            guard SessionProgress(used: existing.sessionsUsed, limit: limit).canContinue else { throw CaseStoreError.limitReached(existing.ageBand) }
            guard try Self.insertIntoFreeSeat(db, id: bookingId, tokenHash: tokenHash, slot: slot, ageBand: existing.ageBand,
                                              bookedOn: today, caseCode: code) else { throw CaseStoreError.slotFull }
            try db.execute(sql: "UPDATE case_live_token SET kind = 'booking' WHERE caseCode = ?", arguments: [code])
            return Booking(
                id: bookingId, slotId: slot.id, start: slot.start, end: slot.end, status: .booked, ageBand: existing.ageBand,
                substances: [], requests: BookingRequests(), bookedOn: today)
        }
    }

    // MARK: Reading cases

    public func anonymousCase(_ code: CaseCode, actor: StaffActor, now: Date) throws(CaseStoreError) -> AnonymousCase {
        try caseWrite { db in
            let found = try visibleCase(db, code, actor)
            try logAccess(db, actor: actor, action: "read-case", code: code.value, now: now)
            return found
        }
    }

    /// Open cases a provider may see: its own, and those referred to it (so a receiving provider finds its referrals).
    public func openCases(visibleTo provider: ProviderID) throws -> [AnonymousCase] {
        try writer.read { db in
            try String.fetchAll(db, sql: """
                SELECT code FROM anonymous_case WHERE status = 'open' AND (providerId = ? OR referralProviderId = ?) ORDER BY openedOn, code
                """, arguments: [provider.rawValue, provider.rawValue]).compactMap { try fetchCase(db, $0) }
        }
    }

    /// A provider's bookings on one day, for the schedule. Never a token.
    public func schedule(provider: ProviderID, from: Date, to: Date) throws -> [(Booking, CaseCode?)] {
        try writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM booking WHERE providerId = ? AND startsAt >= ? AND startsAt < ? AND status != 'cancelled'
                ORDER BY startsAt, slotId
                """, arguments: [provider.rawValue, StoredTime.text(from), StoredTime.text(to)]).compactMap { row in
                guard let booking = decode(row) else { return nil }
                return (booking, (row["caseCode"] as String?).flatMap(CaseCode.init))
            }
        }
    }

    // MARK: Notes

    public func addNote(code: CaseCode, text: String, noteId: String, actor: StaffActor, today: CalendarDay, now: Date) throws(CaseStoreError) {
        try caseWrite { db in
            _ = try visibleCase(db, code, actor)
            guard let wrapped = try Data.fetchOne(db, sql: "SELECT caseKeyWrapped FROM anonymous_case WHERE code = ?", arguments: [code.value]),
                  let key = try? caseKeys.unwrap(wrapped, for: code.value) else {
                throw CaseStoreError.notAllowed("The notes of this case were destroyed; no new notes can be added.")
            }
            let sealed = try FieldSealer(storeKey: key, domain: "anongate/v1/case-notes").seal(text, table: "case_note", column: "body", row: noteId)
            try db.execute(sql: "INSERT INTO case_note (id, caseCode, providerId, writtenOn, bodySealed) VALUES (?, ?, ?, ?, ?)",
                           arguments: [noteId, code.value, actor.providerId.rawValue, today.description, sealed])
            try logAccess(db, actor: actor, action: "write-note", code: code.value, now: now)
        }
    }

    /// The notes this actor may read: their own provider's, and the sender's only if the citizen agreed to share them.
    public func notes(code: CaseCode, actor: StaffActor, now: Date) throws(CaseStoreError) -> [CaseNote] {
        try caseWrite { db in
            let found = try visibleCase(db, code, actor)
            try logAccess(db, actor: actor, action: "read-notes", code: code.value, now: now)
            guard let wrapped = try Data.fetchOne(db, sql: "SELECT caseKeyWrapped FROM anonymous_case WHERE code = ?", arguments: [code.value]),
                  let key = try? caseKeys.unwrap(wrapped, for: code.value) else { return [] }
            let sealer = FieldSealer(storeKey: key, domain: "anongate/v1/case-notes")
            return try Row.fetchAll(db, sql: "SELECT * FROM case_note WHERE caseCode = ? ORDER BY writtenOn, id", arguments: [code.value]).compactMap { row in
                let author = ProviderID(row["providerId"] as String)
                guard author == actor.providerId || found.notesShared,
                      let day = CalendarDay(iso: row["writtenOn"]),
                      let text = try? sealer.openText(row["bodySealed"], table: "case_note", column: "body", row: row["id"]) else { return nil }
                return CaseNote(id: row["id"], writtenOn: day, providerId: author, text: text)
            }
        }
    }

    /// Destroys the case's data key: its notes can never be read again, backups included.
    public func destroyNotes(code: CaseCode, actor: StaffActor, now: Date) throws(CaseStoreError) {
        try caseWrite { db in
            let found = try visibleCase(db, code, actor)
            guard found.providerId == actor.providerId else { throw CaseStoreError.notFound }
            try db.execute(sql: "UPDATE anonymous_case SET caseKeyWrapped = NULL WHERE code = ?", arguments: [code.value])
            try db.execute(sql: "DELETE FROM case_note WHERE caseCode = ?", arguments: [code.value])
            try logAccess(db, actor: actor, action: "destroy-notes", code: code.value, now: now)
        }
    }

    // MARK: Decisions, closing

    public func decide(
        code: CaseCode, outcome: DecisionOutcome, reason: String, referral: ProviderID?, shareNotes: Bool, actor: StaffActor, now: Date
    ) throws(CaseStoreError) -> AnonymousCase {
        try caseWrite { db in
            let found = try visibleCase(db, code, actor)
            guard found.providerId == actor.providerId else { throw CaseStoreError.notFound }
            guard found.status == .open else { throw CaseStoreError.caseClosed }
            guard found.serviceId == .pas else { throw CaseStoreError.notAllowed("Only PAS cases have a decision (§101a stk. 4–5).") }
            guard found.sessionsUsed >= 1 else { throw CaseStoreError.notAllowed("The decision follows the clarifying conversation, which has not been held.") }
            guard found.decision == nil else { throw CaseStoreError.notAllowed("This case already has a decision.") }
            let sealed = try sealer.seal(reason, table: "anonymous_case", column: "decisionReason", row: code.value)
            try db.execute(sql: """
                UPDATE anonymous_case SET decision = ?, decisionReasonSealed = ?, referralProviderId = ?, notesShared = ? WHERE code = ?
                """, arguments: [outcome.rawValue, sealed, referral?.rawValue, shareNotes, code.value])
            try logAccess(db, actor: actor, action: "decision-\(outcome.rawValue)", code: code.value, now: now)
            return try fetchCase(db, code.value)!
        }
    }

    public func close(code: CaseCode, reason: DischargeReason, actor: StaffActor, now: Date) throws(CaseStoreError) -> AnonymousCase {
        try caseWrite { db in
            let found = try visibleCase(db, code, actor)
            guard found.status == .open else { throw CaseStoreError.caseClosed }
            try releaseLiveToken(db, code: code.value)
            try db.execute(sql: "UPDATE anonymous_case SET status = 'closed', dischargeReason = ? WHERE code = ?", arguments: [reason.rawValue, code.value])
            try logAccess(db, actor: actor, action: "close-\(reason.rawValue)", code: code.value, now: now)
            return try fetchCase(db, code.value)!
        }
    }

    public func accessLog(code: CaseCode?, provider: ProviderID) throws -> [AccessLogEntry] {
        try writer.read { db in
            var sql = "SELECT * FROM access_log WHERE providerId = ?"
            var arguments: StatementArguments = [provider.rawValue]
            if let code {
                sql += " AND caseCode = ?"
                arguments += [code.value]
            }
            return try Row.fetchAll(db, sql: sql + " ORDER BY id", arguments: arguments).compactMap { row in
                guard let at = StoredTime.date(row["at"]) else { return nil }
                return AccessLogEntry(at: at, staffPseudonym: row["staffPseudonym"], providerId: ProviderID(row["providerId"] as String),
                                      action: row["action"], caseCode: row["caseCode"])
            }
        }
    }

    // MARK: Helpers (inside a write transaction)

    func caseWrite<T>(_ body: (Database) throws -> T) throws(CaseStoreError) -> T {
        do {
            return try writer.write(body)
        } catch let error as CaseStoreError {
            throw error
        } catch let error as DatabaseError where error.isUniquenessViolation {
            throw .slotFull
        } catch {
            throw .storageFailure
        }
    }

    private func openCase(_ db: Database, service: ServiceID, provider: ProviderID, ageBand: AgeBand, today: CalendarDay, random: any RandomSource) throws -> String {
        for _ in 0..<10 {
            let code = CaseCode(generatingWith: random).value
            guard try Int.fetchOne(db, sql: "SELECT count(*) FROM anonymous_case WHERE code = ?", arguments: [code]) == 0 else { continue }
            let wrapped = try caseKeys.newCaseKey(for: code, random: random).wrapped
            try db.execute(sql: """
                INSERT INTO anonymous_case (code, serviceId, providerId, ageBand, openedOn, status, caseKeyWrapped)
                VALUES (?, ?, ?, ?, ?, 'open', ?)
                """, arguments: [code, service.rawValue, provider.rawValue, ageBand.rawValue, today.description, wrapped])
            return code
        }
        throw CaseStoreError.notAllowed("No free case code could be found.")
    }

    private func recordSession(_ db: Database, code: String, kind: String, limit: SessionLimit, ageBand: AgeBand, today: CalendarDay) throws -> Int {
        let used = try Int.fetchOne(db, sql: "SELECT count(*) FROM case_session WHERE caseCode = ?", arguments: [code]) ?? 0
        guard let status = try String.fetchOne(db, sql: "SELECT status FROM anonymous_case WHERE code = ?", arguments: [code]), status == "open" else {
            throw CaseStoreError.caseClosed
        }
        guard SessionProgress(used: used, limit: limit).canContinue else { throw CaseStoreError.limitReached(ageBand) }
        try db.execute(sql: "INSERT INTO case_session (caseCode, number, heldOn, kind) VALUES (?, ?, ?, ?)",
                       arguments: [code, used + 1, today.description, kind])
        return used + 1
    }

    /// Revokes the case's live token: cancels its booking (freeing the seat) or drops the follow-up.
    private func releaseLiveToken(_ db: Database, code: String) throws {
        guard let live = try Row.fetchOne(db, sql: "SELECT * FROM case_live_token WHERE caseCode = ?", arguments: [code]) else { return }
        let hash: Data = live["tokenHash"]
        try db.execute(sql: """
            UPDATE booking SET status = 'cancelled', seat = NULL, messageSealed = NULL, interpreterLanguageSealed = NULL, substancesSealed = NULL
            WHERE tokenHash = ? AND status = 'booked'
            """, arguments: [hash])
        try db.execute(sql: "DELETE FROM case_live_token WHERE caseCode = ?", arguments: [code])
    }

    /// A booking row this provider may check in: another provider's answers exactly like an unknown token.
    private func bookableRow(_ db: Database, tokenHash: Data, actor: StaffActor) throws -> Row {
        guard let booking = try Row.fetchOne(db, sql: "SELECT * FROM booking WHERE tokenHash = ?", arguments: [tokenHash]),
              ProviderID(booking["providerId"] as String) == actor.providerId else { throw CaseStoreError.notFound }
        switch booking["status"] as String {
        case "cancelled": throw CaseStoreError.tokenGone
        case "checked-in": throw CaseStoreError.tokenUsed
        default: return booking
        }
    }

    private func visibleCase(_ db: Database, _ code: CaseCode, _ actor: StaffActor) throws -> AnonymousCase {
        guard let found = try fetchCase(db, code.value), found.isVisible(to: actor.providerId) else { throw CaseStoreError.notFound }
        return found
    }

    func fetchCase(_ db: Database, _ code: String) throws -> AnonymousCase? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM anonymous_case WHERE code = ?", arguments: [code]),
              let caseCode = CaseCode(code), let service = ServiceID(rawValue: row["serviceId"]),
              let band = AgeBand(rawValue: row["ageBand"]), let opened = CalendarDay(iso: row["openedOn"]),
              let status = CaseStatus(rawValue: row["status"]) else { return nil }
        let used = try Int.fetchOne(db, sql: "SELECT count(*) FROM case_session WHERE caseCode = ?", arguments: [code]) ?? 0
        let live = try Int.fetchOne(db, sql: "SELECT count(*) FROM case_live_token WHERE caseCode = ?", arguments: [code]) ?? 0
        let reason = (row["decisionReasonSealed"] as Data?).flatMap {
            try? sealer.openText($0, table: "anonymous_case", column: "decisionReason", row: code)
        }
        return AnonymousCase(
            code: caseCode, serviceId: service, providerId: ProviderID(row["providerId"] as String), ageBand: band, openedOn: opened,
            status: status, dischargeReason: (row["dischargeReason"] as String?).flatMap(DischargeReason.init(rawValue:)),
            sessionsUsed: used, decision: (row["decision"] as String?).flatMap(DecisionOutcome.init(rawValue:)),
            decisionReason: reason, referralProviderId: (row["referralProviderId"] as String?).map { ProviderID($0) },
            notesShared: row["notesShared"], notesDestroyed: row["caseKeyWrapped"] == nil, hasLiveToken: live > 0)
    }

    private func logAccess(_ db: Database, actor: StaffActor, action: String, code: String, now: Date) throws {
        // To the minute: enough to audit, too coarse to join with other logs.
        let minute = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / 60).rounded(.down) * 60)
        try db.execute(sql: "INSERT INTO access_log (at, staffPseudonym, providerId, action, caseCode) VALUES (?, ?, ?, ?, ?)",
                       arguments: [StoredTime.text(minute), actor.pseudonym, actor.providerId.rawValue, action, code])
    }
}
