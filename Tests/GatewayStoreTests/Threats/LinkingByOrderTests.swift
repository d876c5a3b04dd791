import Foundation
import GatewayCore
import GatewayCrypto
@_spi(Testing) import GatewayStore
import GatewayTestSupport
import GRDB
import Testing

/// Threat: a thief with the files orders the bookings (and so links them to other logs) by what
/// the store leaks about order: seat numbers and the write-ahead log.
@Suite("Threat: linking by order")
struct LinkingByOrderTests {
    let random = SeededRandom(seed: 91)
    let day = CalendarDay(iso: "2026-11-23")!

    func slot(capacity: Int) throws -> Slot {
        let calculator = SlotCalculator(configuration: try TestFixtures.configuration())
        let id = SlotID("kk-pas.pas.20261123T0900")!
        let real = try #require(calculator.slot(id))
        return Slot(id: id, start: real.start, end: real.end, capacity: capacity)
    }

    @Test func aSeatIsDrawnAmongTheFreeSeatsNotTheLowest() async throws {
        let store = try AnonymousStore.inMemory(storeKey: .random(random), random: random)
        let slot = try slot(capacity: 12)
        var seats: [Int] = []
        for index in 0..<12 {
            _ = try await store.book(id: "b\(index)", tokenHash: Data(random.bytes(32)), slot: slot, ageBand: .from25, substances: [],
                                     requests: BookingRequests(), bookedOn: day)
            let seat = try await store.reader.read { db in try Int.fetchOne(db, sql: "SELECT seat FROM booking WHERE id = ?", arguments: ["b\(index)"]) }
            seats.append(try #require(seat))
        }
        // Every seat used once, but not in booking order (the old statement gave 0, 1, 2, …).
        #expect(Set(seats) == Set(0..<12))
        #expect(seats != Array(0..<12))
        #expect(Array(seats.prefix(6)) != Array(0..<6))
        await #expect(throws: BookingStoreError.slotFull) {
            try await store.book(id: "b-full", tokenHash: Data(random.bytes(32)), slot: slot, ageBand: .from25, substances: [],
                                 requests: BookingRequests(), bookedOn: day)
        }
    }

    @Test func theWALKeepsNoCancelledCiphertextOnceItIsCheckpointed() async throws {
        let directory = NSTemporaryDirectory() + "anongate-wal-\(UUID().uuidString)"
        let path = directory + "/anonymous.sqlite"
        let store = try AnonymousStore.open(path: path, storeKey: .random(random), random: random)
        let hash = Data(random.bytes(32))
        _ = try await store.book(id: "b1", tokenHash: hash, slot: try slot(capacity: 4), ageBand: .from25, substances: [],
                                 requests: BookingRequests(message: "ring ikke til mig på arbejdet"), bookedOn: day)
        let sealed = try #require(try await store.reader.read { db in try Data.fetchOne(db, sql: "SELECT messageSealed FROM booking") })
        try await store.cancel(tokenHash: hash)
        let wal = try Data(contentsOf: URL(fileURLWithPath: path + "-wal"))
        // Before the checkpoint the WAL still holds the cancelled message's ciphertext …
        #expect(wal.range(of: sealed) != nil)
        try await store.truncateWAL()
        // … after it, neither the WAL nor the database file does (secure_delete zeroed the old row).
        let walAfter = (try? Data(contentsOf: URL(fileURLWithPath: path + "-wal"))) ?? Data()
        #expect(walAfter.isEmpty)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)).range(of: sealed) == nil)
        let limit = try await store.reader.read { db in try Int.fetchOne(db, sql: "PRAGMA journal_size_limit") }
        #expect(limit == 1_048_576)
    }
}
