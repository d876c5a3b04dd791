import GatewayCore
import Synchronization

/// Slot listings kept in memory, each tagged with the store generation it was read at. A listing
/// is served only while the store is still at that generation, so the next listing after any
/// booking, move or cancellation is read afresh.
final class SlotListingCache: Sendable {
    struct Key: Hashable, Sendable {
        let service: ServiceID
        let from: CalendarDay?
        let days: Int?
        let today: CalendarDay
        /// Slots start on whole minutes, so the notice window only matters to the minute.
        let notBeforeMinute: Int
    }

    private struct Entry: @unchecked Sendable {
        let generation: UInt64
        // Only values that are Sendable are stored (see `store`).
        let value: Any
    }

    private let entries = Mutex<[Key: Entry]>([:])
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func value<Value: Sendable>(for key: Key, generation: UInt64, as type: Value.Type) -> Value? {
        entries.withLock { entries in
            guard let entry = entries[key], entry.generation == generation else { return nil }
            return entry.value as? Value
        }
    }

    func store<Value: Sendable>(_ value: Value, for key: Key, generation: UInt64) {
        entries.withLock { entries in
            // Bounded: a stale or unusual key must not grow memory without end.
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(generation: generation, value: value)
        }
    }
}
