import Foundation

/// A bookable appointment time at one provider for one service.
public struct Slot: Hashable, Sendable {
    public let id: SlotID
    public let start: Date
    public let end: Date
    public let capacity: Int

    public init(id: SlotID, start: Date, end: Date, capacity: Int) {
        self.id = id; self.start = start; self.end = end; self.capacity = capacity
    }

    /// No conversation is longer (the configuration refuses more): a booking that overlaps a slot
    /// started at most this long before it.
    public static let longestConversationMinutes = 240

    public var serviceId: ServiceID { id.service }
    public var providerId: ProviderID { id.provider }
}

/// `kk-pas.pas.20261123T0800`: provider, service and local start time. Readable by staff,
/// derived from the public schedule only — it says nothing about who booked it.
public struct SlotID: Hashable, Sendable, CustomStringConvertible, Comparable {
    public let provider: ProviderID
    public let service: ServiceID
    public let day: CalendarDay
    public let time: TimeOfDay

    public init(provider: ProviderID, service: ServiceID, day: CalendarDay, time: TimeOfDay) {
        self.provider = provider; self.service = service; self.day = day; self.time = time
    }

    public init?(_ text: String) {
        guard text.count <= 80 else { return nil }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let service = ServiceID(rawValue: String(parts[1])) else { return nil }
        let stamp = parts[2]
        guard stamp.count == 13, stamp.dropFirst(8).first == "T",
              stamp.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "T") }) else { return nil }
        let digits = Array(stamp)
        func number(_ range: Range<Int>) -> Int? { Int(String(digits[range])) }
        guard let y = number(0..<4), let m = number(4..<6), let d = number(6..<8),
              let hh = number(9..<11), let mm = number(11..<13),
              let day = CalendarDay(year: y, month: m, day: d), let time = TimeOfDay(hour: hh, minute: mm),
              !parts[0].isEmpty else { return nil }
        self.init(provider: ProviderID(String(parts[0])), service: service, day: day, time: time)
    }

    public var description: String {
        let date = String(format4: day.year) + String(format2: day.month) + String(format2: day.day)
        return "\(provider.rawValue).\(service.rawValue).\(date)T\(String(format2: time.hour))\(String(format2: time.minute))"
    }

    /// By time, then provider: cheap field comparisons (sorting by `description` built strings per comparison).
    public static func < (a: SlotID, b: SlotID) -> Bool {
        (a.day.daysSinceEpoch, a.time.minutesFromMidnight, a.provider.rawValue, a.service.rawValue)
            < (b.day.daysSinceEpoch, b.time.minutesFromMidnight, b.provider.rawValue, b.service.rawValue)
    }
}

/// Turns opening hours, closures and conversation lengths into bookable slots.
public struct SlotCalculator: Sendable {
    public let configuration: GatewayConfiguration

    public init(configuration: GatewayConfiguration) { self.configuration = configuration }

    var wallClock: WallClock { WallClock(timeZone: configuration.timeZone) }

    /// The day on the service's wall calendar at `instant`.
    public func day(of instant: Date) -> CalendarDay { local(instant).day }

    /// The instant of a local wall-clock time. The zone's offset is looked up for the wall time and
    /// checked once more, so summer-time changes are handled. A skipped or repeated wall time gives
    /// one of the instants near it: slots are only made where `WallClock.happensOnce` holds.
    public func instant(_ day: CalendarDay, _ time: TimeOfDay) -> Date {
        let wall = TimeInterval(day.daysSinceEpoch * 86_400 + time.minutesFromMidnight * 60)
        let firstGuess = configuration.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: wall))
        let candidate = wall - TimeInterval(firstGuess)
        let offset = configuration.timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: candidate))
        return Date(timeIntervalSince1970: wall - TimeInterval(offset))
    }

    /// Wall-clock day, seconds since local midnight, and the offset, by plain arithmetic on the zone's
    /// offset (checked against Foundation's Calendar for every half hour of two years in WallClockTests).
    private func local(_ instant: Date) -> (day: CalendarDay, seconds: Int, offset: Int) {
        let offset = configuration.timeZone.secondsFromGMT(for: instant)
        let localSeconds = Int(floor(instant.timeIntervalSince1970)) + offset
        let days = Int(floor(Double(localSeconds) / 86_400))
        return (CalendarDay(daysSinceEpoch: days), localSeconds - days * 86_400, offset)
    }

    /// Every slot for `service` on `days` days from `from`, starting no earlier than `notBefore`, earliest first.
    public func slots(for service: ServiceID, from: CalendarDay, days: Int, notBefore: Date) -> [Slot] {
        guard let definition = configuration.service(service), days > 0 else { return [] }
        var result: [Slot] = []
        for offset in 0..<days {
            let day = from.adding(days: offset)
            if configuration.closures.isClosed(day) { continue }
            for provider in configuration.providers(offering: service) {
                for interval in provider.openingHours.intervals(on: day.weekday) {
                    var start = interval.start.minutesFromMidnight
                    while start + definition.conversationMinutes <= interval.end.minutesFromMidnight {
                        let time = TimeOfDay(hour: start / 60, minute: start % 60)!
                        start += definition.conversationMinutes
                        guard wallClock.happensOnce(day, from: time, minutes: definition.conversationMinutes) else { continue }
                        let slot = makeSlot(SlotID(provider: provider.id, service: service, day: day, time: time),
                                            minutes: definition.conversationMinutes, capacity: provider.capacityPerSlot)
                        if slot.start >= notBefore { result.append(slot) }
                    }
                }
            }
        }
        return result.sorted { ($0.start, $0.id) < ($1.start, $1.id) }
    }

    /// The slot an id names, if the schedule really has it (provider offers the service, open that day, on the grid).
    public func slot(_ id: SlotID) -> Slot? {
        guard let definition = configuration.service(id.service),
              let provider = configuration.provider(id.provider), provider.services.contains(id.service),
              !configuration.closures.isClosed(id.day) else { return nil }
        let onGrid = provider.openingHours.intervals(on: id.day.weekday).contains { interval in
            let offset = id.time.minutesFromMidnight - interval.start.minutesFromMidnight
            return offset >= 0 && offset % definition.conversationMinutes == 0
                && id.time.minutesFromMidnight + definition.conversationMinutes <= interval.end.minutesFromMidnight
        }
        // A conversation at a time the clocks skip or repeat, or across their change, does not exist.
        guard onGrid, wallClock.happensOnce(id.day, from: id.time, minutes: definition.conversationMinutes) else { return nil }
        return makeSlot(id, minutes: definition.conversationMinutes, capacity: provider.capacityPerSlot)
    }

    private func makeSlot(_ id: SlotID, minutes: Int, capacity: Int) -> Slot {
        let start = instant(id.day, id.time)
        return Slot(id: id, start: start, end: start.addingTimeInterval(TimeInterval(minutes * 60)), capacity: capacity)
    }

    /// ISO 8601 with the zone's offset at that instant, e.g. `2026-11-23T08:00:00+01:00`.
    public func iso8601(_ instant: Date) -> String {
        let (day, seconds, offset) = local(instant)
        let sign = offset < 0 ? "-" : "+"
        let hours = abs(offset) / 3600, minutes = (abs(offset) % 3600) / 60
        return day.description + "T" + String(format2: seconds / 3600) + ":" + String(format2: (seconds % 3600) / 60)
            + ":" + String(format2: seconds % 60) + sign + String(format2: hours) + ":" + String(format2: minutes)
    }

    /// The local wall-clock time of an instant.
    public func timeOfDay(_ instant: Date) -> TimeOfDay {
        let seconds = local(instant).seconds
        return TimeOfDay(hour: seconds / 3600, minute: (seconds % 3600) / 60)!
    }
}

extension SlotID: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = SlotID(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a slot id"))
        }
        self = id
    }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
