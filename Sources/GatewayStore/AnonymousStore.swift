import Foundation
import GatewayCore
import GatewayCrypto
import GRDB

public enum BookingStoreError: Error, Equatable, Sendable {
    case slotFull
    case notFound
    /// The token was used (checked in) or the booking cancelled.
    case noLongerValid(BookingStatus)
    case differentService
    /// A session of an anonymous case stays with the provider that holds the case.
    case otherProvider
    case tokenCollision
    case storageFailure
}

/// `anonymous.sqlite`: bookings and (later) anonymous cases. Owns its writer and its migrator
/// (GRDB's AppDatabase pattern). Nothing in it names a person; free text is sealed.
public final class AnonymousStore: Sendable {
    public let writer: any DatabaseWriter
    let sealer: FieldSealer
    let caseKeys: CaseKeyWrapper

    public static let fieldDomain = "anongate/v1/anonymous-store/fields"

    public init(writer: any DatabaseWriter, storeKey: KeyMaterial) throws {
        self.writer = writer
        self.sealer = FieldSealer(storeKey: storeKey, domain: Self.fieldDomain)
        self.caseKeys = CaseKeyWrapper(storeKey: storeKey)
        try Self.migrator.migrate(writer)
    }

    public static func open(path: String, storeKey: KeyMaterial) throws -> AnonymousStore {
        try AnonymousStore(writer: StoreDatabase.openFile(at: path, label: "anonymous"), storeKey: storeKey)
    }

    public static func inMemory(storeKey: KeyMaterial) throws -> AnonymousStore {
        try AnonymousStore(writer: StoreDatabase.inMemory(label: "anonymous"), storeKey: storeKey)
    }

    /// Shipped migrations are never edited; add new ones at the end.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        // WITHOUT ROWID: rows are kept in order of their random id, so the file does not
        // record the order in which bookings were made.
        migrator.registerMigration("v1-bookings") { db in
            try db.execute(sql: """
                CREATE TABLE booking (
                    id TEXT PRIMARY KEY NOT NULL,
                    tokenHash BLOB NOT NULL UNIQUE,
                    serviceId TEXT NOT NULL,
                    providerId TEXT NOT NULL,
                    slotId TEXT NOT NULL,
                    startsAt TEXT NOT NULL,
                    endsAt TEXT NOT NULL,
                    seat INTEGER CHECK (seat IS NULL OR seat >= 0),
                    status TEXT NOT NULL CHECK (status IN ('booked', 'cancelled', 'checked-in')),
                    ageBand TEXT NOT NULL,
                    substancesSealed BLOB,
                    interpreterLanguageSealed BLOB,
                    companion INTEGER NOT NULL DEFAULT 0,
                    messageSealed BLOB,
                    bookedOn TEXT NOT NULL CHECK (length(bookedOn) = 10),
                    -- One seat can be held by one live booking only: this, not a prior check, stops double booking.
                    UNIQUE (slotId, seat),
                    -- A checked-in booking keeps its seat until the slot is over; only cancelling frees it.
                    CHECK ((status = 'cancelled') = (seat IS NULL))
                ) WITHOUT ROWID;
                CREATE INDEX booking_slot ON booking (slotId);
                CREATE INDEX booking_provider_start ON booking (providerId, startsAt);
                """)
        }
        registerCaseMigrations(&migrator)
        return migrator
    }

    // MARK: Bookings

    /// Books a free seat in `slot` in one statement; answers `.slotFull` when every seat is taken.
    public func book(
        id: String, tokenHash: Data, slot: Slot, ageBand: AgeBand, substances: Set<Substance>,
        requests: BookingRequests, bookedOn: CalendarDay
    ) throws(BookingStoreError) -> Booking {
        let sealedSubstances: Data?, sealedLanguage: Data?, sealedMessage: Data?
        do {
            // Sealing never fails in practice; if it did, the booking must fail rather than lose what was written.
            sealedSubstances = substances.isEmpty ? nil
                : try sealer.seal(substances.map(\.rawValue).sorted().joined(separator: ","), table: "booking", column: "substances", row: id)
            sealedLanguage = try requests.interpreterLanguage.map { try sealer.seal($0, table: "booking", column: "interpreterLanguage", row: id) }
            sealedMessage = try requests.message.map { try sealer.seal($0, table: "booking", column: "message", row: id) }
        } catch {
            throw .storageFailure
        }
        do {
            let inserted = try writer.write { db -> Bool in
                try Self.insertIntoFreeSeat(
                    db, id: id, tokenHash: tokenHash, slot: slot, ageBand: ageBand, bookedOn: bookedOn, caseCode: nil,
                    substancesSealed: sealedSubstances, interpreterLanguageSealed: sealedLanguage,
                    companion: requests.companion, messageSealed: sealedMessage)
            }
            guard inserted else { throw BookingStoreError.slotFull }
        } catch let error as BookingStoreError {
            throw error
        } catch let error as DatabaseError where error.isUniquenessViolation {
            // A token-hash collision (2⁻⁹⁵) or a seat taken by another process between statements.
            if error.message?.contains("tokenHash") == true { throw .tokenCollision }
            throw .slotFull
        } catch {
            throw .storageFailure
        }
        return Booking(
            id: id, slotId: slot.id, start: slot.start, end: slot.end, status: .booked, ageBand: ageBand,
            substances: substances, requests: requests, bookedOn: bookedOn)
    }

    /// Takes the lowest free seat of `slot` in one statement, so two bookers can never hold the same
    /// seat or exceed the capacity (the UNIQUE (slotId, seat) constraint backs this up). False when full.
    static func insertIntoFreeSeat(
        _ db: Database, id: String, tokenHash: Data, slot: Slot, ageBand: AgeBand, bookedOn: CalendarDay, caseCode: String?,
        substancesSealed: Data? = nil, interpreterLanguageSealed: Data? = nil, companion: Bool = false, messageSealed: Data? = nil
    ) throws -> Bool {
        try db.execute(sql: """
            WITH RECURSIVE seats(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seats WHERE n + 1 < ?)
            INSERT INTO booking (id, tokenHash, serviceId, providerId, slotId, startsAt, endsAt, seat, status, ageBand,
                                 substancesSealed, interpreterLanguageSealed, companion, messageSealed, bookedOn, caseCode)
            SELECT ?, ?, ?, ?, ?, ?, ?, n, 'booked', ?, ?, ?, ?, ?, ?, ?
            FROM seats
            WHERE n NOT IN (SELECT seat FROM booking WHERE slotId = ? AND seat IS NOT NULL)
            ORDER BY n LIMIT 1
            """,
            arguments: [
                slot.capacity,
                id, tokenHash, slot.serviceId.rawValue, slot.providerId.rawValue, slot.id.description,
                StoredTime.text(slot.start), StoredTime.text(slot.end), ageBand.rawValue,
                substancesSealed, interpreterLanguageSealed, companion, messageSealed, bookedOn.description, caseCode,
                slot.id.description,
            ])
        return db.changesCount == 1
    }

    /// The booking a token hash belongs to, whatever its status.
    public func booking(tokenHash: Data) throws(BookingStoreError) -> Booking {
        let row: Row?
        do {
            row = try writer.read { db in try Row.fetchOne(db, sql: "SELECT * FROM booking WHERE tokenHash = ?", arguments: [tokenHash]) }
        } catch {
            throw .notFound
        }
        guard let row, let booking = decode(row) else { throw .notFound }
        return booking
    }

    /// A booking that can still be used: booked, not cancelled or checked in.
    public func liveBooking(tokenHash: Data) throws(BookingStoreError) -> Booking {
        let booking = try booking(tokenHash: tokenHash)
        guard booking.status == .booked else { throw .noLongerValid(booking.status) }
        return booking
    }

    /// Cancels a live booking: frees the seat and wipes what the citizen wrote.
    public func cancel(tokenHash: Data) throws(BookingStoreError) {
        _ = try liveBooking(tokenHash: tokenHash)
        let changed: Int
        do {
            changed = try writer.write { db -> Int in
            try db.execute(sql: """
                UPDATE booking SET status = 'cancelled', seat = NULL, substancesSealed = NULL,
                    interpreterLanguageSealed = NULL, messageSealed = NULL, companion = 0
                WHERE tokenHash = ? AND status = 'booked'
                """, arguments: [tokenHash])
            let changed = db.changesCount
            // A cancelled session booking is no longer its case's live token.
            try db.execute(sql: "DELETE FROM case_live_token WHERE tokenHash = ?", arguments: [tokenHash])
            return changed
            }
        } catch {
            // A failed write is not a cancelled booking: say so, and keep the booking as it was.
            throw .storageFailure
        }
        guard changed == 1 else { throw .noLongerValid(.cancelled) }
    }

    /// Moves a live booking to another slot of the same service, atomically: the old seat is
    /// kept until a seat in the new slot is won.
    public func reschedule(tokenHash: Data, to slot: Slot) throws(BookingStoreError) -> Booking {
        let current = try liveBooking(tokenHash: tokenHash)
        guard current.serviceId == slot.serviceId else { throw .differentService }
        if current.slotId == slot.id { return current }
        if slot.providerId != current.providerId {
            let caseCode = try? writer.read { db in try String.fetchOne(db, sql: "SELECT caseCode FROM booking WHERE tokenHash = ?", arguments: [tokenHash]) }
            if caseCode != nil { throw .otherProvider }
        }
        let moved: Bool
        do {
            moved = try writer.write { db -> Bool in
                try db.execute(sql: """
                    WITH RECURSIVE seats(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM seats WHERE n + 1 < ?),
                    free(n) AS (SELECT n FROM seats WHERE n NOT IN (SELECT seat FROM booking WHERE slotId = ? AND seat IS NOT NULL))
                    UPDATE booking SET slotId = ?, providerId = ?, startsAt = ?, endsAt = ?,
                        seat = (SELECT min(n) FROM free)
                    WHERE id = ? AND status = 'booked' AND EXISTS (SELECT 1 FROM free)
                    """,
                    arguments: [
                        slot.capacity, slot.id.description, slot.id.description, slot.providerId.rawValue,
                        StoredTime.text(slot.start), StoredTime.text(slot.end), current.id,
                    ])
                return db.changesCount == 1
            }
        } catch {
            throw .slotFull
        }
        guard moved else { throw .slotFull }
        var booking = current
        booking.slotId = slot.id
        booking.start = slot.start
        booking.end = slot.end
        return booking
    }

    /// How many seats are taken in each of the given slots.
    public func takenSeats(in slots: [SlotID]) throws -> [SlotID: Int] {
        guard !slots.isEmpty else { return [:] }
        let ids = slots.map(\.description)
        return try writer.read { db in
            var counts: [SlotID: Int] = [:]
            // Chunked: SQLite limits the number of bound parameters.
            for start in stride(from: 0, to: ids.count, by: 500) {
                let chunk = Array(ids[start..<min(start + 500, ids.count)])
                let placeholders = databaseQuestionMarks(count: chunk.count)
                let rows = try Row.fetchAll(db, sql: """
                    SELECT slotId, count(*) AS taken FROM booking
                    WHERE status != 'cancelled' AND slotId IN (\(placeholders)) GROUP BY slotId
                    """, arguments: StatementArguments(chunk))
                for row in rows {
                    if let id = SlotID(row["slotId"] as String) { counts[id] = row["taken"] }
                }
            }
            return counts
        }
    }

    func decode(_ row: Row) -> Booking? {
        let id: String = row["id"]
        guard let slotId = SlotID(row["slotId"] as String),
              let start = StoredTime.date(row["startsAt"]), let end = StoredTime.date(row["endsAt"]),
              let status = BookingStatus(rawValue: row["status"]), let ageBand = AgeBand(rawValue: row["ageBand"]),
              let bookedOn = CalendarDay(iso: row["bookedOn"]) else { return nil }
        var substances: Set<Substance> = []
        if let sealed: Data = row["substancesSealed"],
           let text = try? sealer.openText(sealed, table: "booking", column: "substances", row: id) {
            substances = Set(text.split(separator: ",").compactMap { Substance(rawValue: String($0)) })
        }
        let language = (row["interpreterLanguageSealed"] as Data?).flatMap {
            try? sealer.openText($0, table: "booking", column: "interpreterLanguage", row: id)
        }
        let message = (row["messageSealed"] as Data?).flatMap { try? sealer.openText($0, table: "booking", column: "message", row: id) }
        return Booking(
            id: id, slotId: slotId, start: start, end: end, status: status, ageBand: ageBand, substances: substances,
            requests: BookingRequests(interpreterLanguage: language, companion: row["companion"], message: message),
            bookedOn: bookedOn)
    }
}
