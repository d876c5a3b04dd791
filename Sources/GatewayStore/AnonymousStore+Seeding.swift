import Foundation
import GatewayCore
import GRDB

/// A booking to seed for a benchmark: real sealing and the real seat-taking statement, many per
/// transaction. Not used by the gateway itself; `anongate-seed` (scripts/bench) calls it.
@_spi(Benchmark) public struct SeedBooking: Sendable {
    public let id: String
    public let tokenHash: Data
    public let slot: Slot
    public let ageBand: AgeBand
    public let message: String?
    public let status: BookingStatus
    public let bookedOn: CalendarDay

    public init(id: String, tokenHash: Data, slot: Slot, ageBand: AgeBand, message: String?, status: BookingStatus, bookedOn: CalendarDay) {
        self.id = id; self.tokenHash = tokenHash; self.slot = slot; self.ageBand = ageBand; self.message = message
        self.status = status; self.bookedOn = bookedOn
    }
}

extension AnonymousStore {
    /// Inserts the bookings in one transaction; a full slot or any other refusal aborts it.
    @_spi(Benchmark) public func seed(_ bookings: [SeedBooking]) async throws(BookingStoreError) {
        var sealed: [Data?] = []
        do {
            sealed = try bookings.map { booking in try booking.message.map { try sealer.seal($0, table: "booking", column: "message", row: booking.id) } }
        } catch {
            throw .storageFailure
        }
        let rows = Array(zip(bookings, sealed))
        try await write(BookingStoreError.self) { db in
            for (booking, message) in rows {
                guard try Self.insertIntoFreeSeat(db, draw: self.seatDraw(), id: booking.id, tokenHash: booking.tokenHash, slot: booking.slot, ageBand: booking.ageBand,
                                                  bookedOn: booking.bookedOn, caseCode: nil, messageSealed: message) else {
                    throw BookingStoreError.slotFull
                }
                switch booking.status {
                case .booked: break
                case .checkedIn:
                    try db.execute(sql: "UPDATE booking SET status = 'checked-in' WHERE id = ?", arguments: [booking.id])
                case .cancelled:
                    try db.execute(sql: "UPDATE booking SET status = 'cancelled', seat = NULL, messageSealed = NULL WHERE id = ?", arguments: [booking.id])
                }
            }
        }
    }
}
