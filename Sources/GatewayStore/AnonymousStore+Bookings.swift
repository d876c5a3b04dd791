import Foundation
import GatewayCore
import GatewayCrypto
import GRDB

public enum BookingStoreError: Error, Equatable, Sendable, StoreFailureConvertible {
    case slotFull
    case notFound
    /// The token was used (checked in) or the booking cancelled.
    case noLongerValid(BookingStatus)
    case differentService
    /// A session of an anonymous case stays with the provider that holds the case.
    case otherProvider
    case tokenCollision
    /// The database failed, or a stored value could not be read or opened; nothing was changed.
    case storageFailure

    static func uniquenessConflict(_ error: DatabaseError) -> BookingStoreError {
        // A token-hash collision (2⁻⁹⁵) or a seat taken by another process between statements.
        error.message?.contains("tokenHash") == true ? .tokenCollision : .slotFull
    }
}

/// What a one-time token currently holds: a booking, or a follow-up token still waiting for a time.
public enum TokenHolding: Sendable {
    case booking(Booking)
    case followUp(AnonymousCase)
    /// A follow-up token after discharge (QS 3.2): to answer, or, after an answer that asked for
    /// another conversation, to book it.
    case dischargeFollowUp(DischargeFollowUp)
}

extension AnonymousStore {
    // MARK: Booking

    /// Books a free seat in `slot` in one statement; answers `.slotFull` when every seat is taken.
    public func book(
        id: String, tokenHash: Data, slot: Slot, ageBand: AgeBand, substances: Set<Substance>,
        requests: BookingRequests, bookedOn: CalendarDay, channel: BookingChannel = .web
    ) async throws(BookingStoreError) -> Booking {
        let sealedSubstances: Data?, sealedLanguage: Data?, sealedMessage: Data?
        do {
            // If sealing failed, the booking must fail rather than lose what was written.
            sealedSubstances = substances.isEmpty ? nil
                : try sealer.seal(substances.map(\.rawValue).sorted().joined(separator: ","), table: "booking", column: "substances", row: id)
            sealedLanguage = try requests.interpreterLanguage.map { try sealer.seal($0, table: "booking", column: "interpreterLanguage", row: id) }
            sealedMessage = try requests.message.map { try sealer.seal($0, table: "booking", column: "message", row: id) }
        } catch {
            throw .storageFailure
        }
        let draw = seatDraw()
        let inserted = try await write(BookingStoreError.self) { db in
            try Self.insertIntoFreeSeat(
                db, draw: draw, id: id, tokenHash: tokenHash, slot: slot, ageBand: ageBand, bookedOn: bookedOn, caseCode: nil,
                substancesSealed: sealedSubstances, interpreterLanguageSealed: sealedLanguage,
                companion: requests.companion, messageSealed: sealedMessage, channel: channel)
        }
        guard inserted else { throw .slotFull }
        return Booking(
            id: id, slotId: slot.id, start: slot.start, end: slot.end, status: .booked, ageBand: ageBand,
            substances: substances, requests: requests, bookedOn: bookedOn)
    }

    /// Takes a free seat of `slot` in one statement, so two bookers can never hold the same seat or
    /// exceed the capacity (the UNIQUE (slotId, seat) constraint backs this up). False when full.
    /// A seat is one of the provider's counsellors, shared by all its services (issue 10): it is free
    /// when no live booking at the provider holds it at any moment of the slot, whatever the service
    /// or the length of the conversation. The seat is the `draw`-th free one (modulo their number),
    /// not the lowest: seat numbers then say nothing about the order in which bookings were made.
    static func insertIntoFreeSeat(
        _ db: Database, draw: Int64, id: String, tokenHash: Data, slot: Slot, ageBand: AgeBand, bookedOn: CalendarDay, caseCode: String?,
        substancesSealed: Data? = nil, interpreterLanguageSealed: Data? = nil, companion: Bool = false, messageSealed: Data? = nil,
        channel: BookingChannel = .web
    ) throws -> Bool {
        try db.cachedStatement(sql: """
            WITH RECURSIVE seats(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seats WHERE n + 1 < ?),
            free(n) AS (SELECT n FROM seats WHERE n NOT IN (\(busySeats)))
            INSERT INTO booking (id, tokenHash, serviceId, providerId, slotId, startsAt, endsAt, seat, status, ageBand,
                                 substancesSealed, interpreterLanguageSealed, companion, messageSealed, bookedOn, caseCode, channel)
            SELECT ?, ?, ?, ?, ?, ?, ?, n, 'booked', ?, ?, ?, ?, ?, ?, ?, ?
            FROM free
            ORDER BY n LIMIT 1 OFFSET (? % max(1, (SELECT count(*) FROM free)))
            """).execute(arguments: [slot.capacity] + busySeatArguments(slot) + [
                id, tokenHash, slot.serviceId.rawValue, slot.providerId.rawValue, slot.id.description,
                StoredTime.text(slot.start), StoredTime.text(slot.end), ageBand.rawValue,
                substancesSealed, interpreterLanguageSealed, companion, messageSealed, bookedOn.description, caseCode, channel.rawValue,
                draw,
            ])
        return db.changesCount == 1
    }

    /// The seats held at the provider at some moment of a slot: live bookings that overlap it. No
    /// conversation is longer than `Slot.longestConversationMinutes`, so the (providerId, startsAt)
    /// index is read that far back only.
    static let busySeats = """
        SELECT seat FROM booking WHERE providerId = ? AND startsAt > ? AND startsAt < ? AND endsAt > ? AND seat IS NOT NULL
        """

    static func busySeatArguments(_ slot: Slot) -> StatementArguments {
        [slot.providerId.rawValue, StoredTime.text(slot.start.addingTimeInterval(-Self.lookback)), StoredTime.text(slot.end), StoredTime.text(slot.start)]
    }

    static var lookback: TimeInterval { TimeInterval(Slot.longestConversationMinutes * 60 + 1)
    }

    // MARK: Looking up

    /// The booking a token hash belongs to, whatever its status.
    public func booking(tokenHash: Data) async throws(BookingStoreError) -> Booking {
        let booking = try await read(BookingStoreError.self) { db -> Booking? in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM booking WHERE tokenHash = ?"), arguments: [tokenHash]).map(self.decodeBooking)
        }
        guard let booking else { throw .notFound }
        return booking
    }

    /// A booking that can still be used: booked, not cancelled or checked in.
    public func liveBooking(tokenHash: Data) async throws(BookingStoreError) -> Booking {
        let booking = try await booking(tokenHash: tokenHash)
        guard booking.status == .booked else { throw .noLongerValid(booking.status) }
        return booking
    }

    /// What a token holds, in one read: a live booking or a follow-up token. Cancelled or used
    /// bookings answer `.noLongerValid`, unknown tokens `.notFound`.
    public func holding(tokenHash: Data) async throws(BookingStoreError) -> TokenHolding {
        let found = try await read(BookingStoreError.self) { db -> (Booking?, AnonymousCase?, DischargeFollowUp?) in
            if let code = try String.fetchOne(
                db, sql: "SELECT caseCode FROM case_live_token WHERE tokenHash = ? AND kind = 'follow-up'", arguments: [tokenHash]) {
                return (nil, try self.fetchCase(db, code), nil)
            }
            // A booking first: a discharge follow-up token that has booked its conversation holds that booking.
            if let booking = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM booking WHERE tokenHash = ?"), arguments: [tokenHash]).map(self.decodeBooking) {
                return (booking, nil, nil)
            }
            return (nil, nil, try self.fetchFollowUp(db, tokenHash: tokenHash)?.0)
        }
        if let followUp = found.1 { return .followUp(followUp) }
        if let discharge = found.2 { return .dischargeFollowUp(discharge) }
        guard let booking = found.0 else { throw .notFound }
        guard booking.status == .booked else { throw .noLongerValid(booking.status) }
        return .booking(booking)
    }

    /// The decided case a live token belongs to (its booking's case, or the case whose live token it
    /// is), for the decision letter the citizen reads; nil without a case or a decision.
    public func decidedCase(tokenHash: Data) async throws(BookingStoreError) -> AnonymousCase? {
        try await read(BookingStoreError.self) { db in
            guard let code = try String.fetchOne(db.cachedStatement(sql: """
                SELECT caseCode FROM booking WHERE tokenHash = ? AND caseCode IS NOT NULL
                UNION ALL SELECT caseCode FROM case_live_token WHERE tokenHash = ? LIMIT 1
                """), arguments: [tokenHash, tokenHash]) else { return nil }
            guard let found = try self.fetchCase(db, code), found.decision != nil else { return nil }
            return found
        }
    }

    /// Where a token belongs — the provider and service of its booking (whatever its status: a used
    /// token is what a citizen holds after the conversation) or of its case — for a complaint sent
    /// with it. Unknown tokens answer `.notFound`.
    public func tokenPlace(tokenHash: Data) async throws(BookingStoreError) -> (provider: ProviderID, service: ServiceID) {
        let found = try await read(BookingStoreError.self) { db -> (String, String)? in
            if let row = try Row.fetchOne(db, sql: "SELECT providerId, serviceId FROM booking WHERE tokenHash = ?", arguments: [tokenHash]) {
                return (row["providerId"], row["serviceId"])
            }
            if let row = try Row.fetchOne(db, sql: """
                SELECT c.providerId, c.serviceId FROM case_live_token t JOIN anonymous_case c ON c.code = t.caseCode WHERE t.tokenHash = ?
                UNION ALL
                SELECT c.providerId, c.serviceId FROM follow_up f JOIN anonymous_case c ON c.code = f.caseCode WHERE f.tokenHash = ?
                """, arguments: [tokenHash, tokenHash]) {
                return (row["providerId"], row["serviceId"])
            }
            return nil
        }
        guard let found else { throw .notFound }
        guard let service = ServiceID(rawValue: found.1) else { throw .storageFailure }
        return (ProviderID(found.0), service)
    }

    /// How many of the provider's seats are held at some moment of each slot, by any of its services
    /// (issue 10: one set of counsellors). One indexed range read per provider over the listing's span.
    public func takenSeats(in slots: [Slot]) async throws(BookingStoreError) -> [SlotID: Int] {
        guard let first = slots.map(\.start).min(), let last = slots.map(\.end).max() else { return [:] }
        let providers = Set(slots.map(\.providerId))
        let held = try await read(BookingStoreError.self) { db -> [ProviderID: [(start: String, end: String, seat: Int)]] in
            var held: [ProviderID: [(start: String, end: String, seat: Int)]] = [:]
            for provider in providers {
                let rows = try Row.fetchAll(db.cachedStatement(sql: """
                    SELECT startsAt, endsAt, seat FROM booking
                    WHERE providerId = ? AND startsAt > ? AND startsAt < ? AND seat IS NOT NULL ORDER BY startsAt
                    """), arguments: [provider.rawValue, StoredTime.text(first.addingTimeInterval(-Self.lookback)), StoredTime.text(last)])
                held[provider] = rows.map { ($0["startsAt"], $0["endsAt"], $0["seat"]) }
            }
            return held
        }
        var result: [SlotID: Int] = [:]
        for slot in slots {
            let start = StoredTime.text(slot.start), end = StoredTime.text(slot.end)
            // ISO 8601 UTC text of one width sorts as time does.
            let lowest = StoredTime.text(slot.start.addingTimeInterval(-Self.lookback))
            let bookings = held[slot.providerId] ?? []
            // Sorted by start: find the first that could overlap, then walk until past the slot's end.
            var low = 0, high = bookings.count
            while low < high { let mid = (low + high) / 2; if bookings[mid].start <= lowest { low = mid + 1 } else { high = mid } }
            var seats = Set<Int>()
            while low < bookings.count, bookings[low].start < end {
                if bookings[low].end > start { seats.insert(bookings[low].seat) }
                low += 1
            }
            if !seats.isEmpty { result[slot.id] = seats.count }
        }
        return result
    }

    // MARK: Changing

    /// Cancels a live booking: frees the seat and wipes what the citizen wrote.
    public func cancel(tokenHash: Data) async throws(BookingStoreError) {
        _ = try await liveBooking(tokenHash: tokenHash)
        let changed = try await write(BookingStoreError.self) { db -> Int in
            try db.cachedStatement(sql: """
                UPDATE booking SET status = 'cancelled', seat = NULL, substancesSealed = NULL,
                    interpreterLanguageSealed = NULL, messageSealed = NULL, companion = 0
                WHERE tokenHash = ? AND status = 'booked'
                """).execute(arguments: [tokenHash])
            let changed = db.changesCount
            // A cancelled session booking is no longer its case's live token.
            try db.cachedStatement(sql: "DELETE FROM case_live_token WHERE tokenHash = ?").execute(arguments: [tokenHash])
            return changed
        }
        guard changed == 1 else { throw .noLongerValid(.cancelled) }
    }

    /// The citizen changes the interpreter and companion of a live booking; when it belongs to a
    /// case, the case keeps the change for every later session (seed 000, QS 3).
    public func changeRequests(tokenHash: Data, interpreterLanguage: String?, companion: Bool) async throws(BookingStoreError) -> Booking {
        let sealer = self.sealer
        return try await write(BookingStoreError.self) { db in
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM booking WHERE tokenHash = ?"), arguments: [tokenHash]) else {
                throw BookingStoreError.notFound
            }
            let status = try row.decoded("status", as: BookingStatus.self)
            guard status == .booked else { throw BookingStoreError.noLongerValid(status) }
            let id: String = row["id"]
            try db.cachedStatement(sql: "UPDATE booking SET interpreterLanguageSealed = ?, companion = ? WHERE id = ?").execute(arguments: [
                try interpreterLanguage.map { try sealer.seal($0, table: "booking", column: "interpreterLanguage", row: id) }, companion, id,
            ])
            if let code = row["caseCode"] as String? {
                try db.cachedStatement(sql: "UPDATE anonymous_case SET interpreterLanguageSealed = ?, companion = ? WHERE code = ?").execute(arguments: [
                    try interpreterLanguage.map { try sealer.seal($0, table: "anonymous_case", column: "interpreterLanguage", row: code) },
                    companion, code,
                ])
            }
            guard let changed = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM booking WHERE id = ?"), arguments: [id]) else {
                throw BookingStoreError.storageFailure
            }
            return try self.decodeBooking(changed)
        }
    }

    /// Moves a live booking to another slot of the same service, atomically: the old seat is
    /// kept until a seat in the new slot is won.
    public func reschedule(tokenHash: Data, to slot: Slot) async throws(BookingStoreError) -> Booking {
        let current = try await liveBooking(tokenHash: tokenHash)
        guard current.serviceId == slot.serviceId else { throw .differentService }
        if current.slotId == slot.id { return current }
        let draw = seatDraw()
        let moved = try await write(BookingStoreError.self) { db -> Bool in
            if slot.providerId != current.providerId,
               try String.fetchOne(db.cachedStatement(sql: "SELECT caseCode FROM booking WHERE tokenHash = ?"), arguments: [tokenHash]) != nil {
                throw BookingStoreError.otherProvider
            }
            // The booking's own seat does not stand in its way: moving by a quarter of an hour keeps it free.
            try db.cachedStatement(sql: """
                WITH RECURSIVE seats(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seats WHERE n + 1 < ?),
                free(n) AS (SELECT n FROM seats WHERE n NOT IN (\(Self.busySeats) AND id <> ?))
                UPDATE booking SET slotId = ?, providerId = ?, startsAt = ?, endsAt = ?,
                    seat = (SELECT n FROM free ORDER BY n LIMIT 1 OFFSET (? % max(1, (SELECT count(*) FROM free))))
                WHERE id = ? AND status = 'booked' AND EXISTS (SELECT 1 FROM free)
                """).execute(arguments: [slot.capacity] + Self.busySeatArguments(slot) + [current.id,
                    slot.id.description, slot.providerId.rawValue,
                    StoredTime.text(slot.start), StoredTime.text(slot.end), draw, current.id,
                ])
            return db.changesCount == 1
        }
        guard moved else { throw .slotFull }
        var booking = current
        booking.slotId = slot.id
        booking.start = slot.start
        booking.end = slot.end
        return booking
    }

    // MARK: Rows

    /// A booking row with its sealed answers opened. A value that does not decode or open stops
    /// the read: a damaged or foreign row is never shown as "no answer".
    func decodeBooking(_ row: Row) throws -> Booking {
        let id: String = row["id"]
        guard let slotId = SlotID(row["slotId"] as String) else { throw UndecodableRow() }
        func open(_ column: String) throws -> String? {
            guard let sealed = row["\(column)Sealed"] as Data? else { return nil }
            return try sealer.openText(sealed, table: "booking", column: column, row: id)
        }
        var substances: Set<Substance> = []
        if let text = try open("substances") {
            for raw in text.split(separator: ",") {
                guard let substance = Substance(rawValue: String(raw)) else { throw UndecodableRow() }
                substances.insert(substance)
            }
        }
        return Booking(
            id: id, slotId: slotId, start: try row.time("startsAt"), end: try row.time("endsAt"),
            status: try row.decoded("status", as: BookingStatus.self), ageBand: try row.decoded("ageBand", as: AgeBand.self),
            substances: substances,
            requests: BookingRequests(interpreterLanguage: try open("interpreterLanguage"), companion: row["companion"], message: try open("message")),
            bookedOn: try row.day("bookedOn"))
    }
}
