import ArgumentParser
import Foundation
import GatewayConfig
import GatewayCore
import GatewayCrypto
@_spi(Benchmark) import GatewayStore

/// Seeds an anonymous store for `scripts/bench`, through the store itself (real sealing, the real
/// seat-taking statement): past bookings in bulk, plus live bookings whose tokens the benchmark
/// uses for lookups and check-ins. Never run against a real deployment's data.
@main
struct Seed: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "anongate-seed", abstract: "Seed a benchmark store (scripts/bench).")

    @Option(help: "The gateway's configuration file.") var config = "Config/gateway.yaml"
    @Option(help: "Folder for anonymous.sqlite.") var data: String
    @Option(help: "Folder holding the key files.") var keys: String
    @Option(help: "Past bookings to add (spread over the last two years).") var past = 0
    @Option(help: "Live bookings today at --provider (for check-in), tokens written to --today-tokens.") var today = 0
    @Option(help: "Live bookings in the coming days (for lookups), tokens written to --live-tokens.") var live = 0
    @Option(help: "Provider of today's bookings.") var provider = "uturn"
    @Option(help: "File for today's tokens.") var todayTokens = "today-tokens.txt"
    @Option(help: "File for the live tokens.") var liveTokens = "live-tokens.txt"

    func run() async throws {
        let configuration = try ConfigurationLoader.load(file: config)
        let files = StoreFiles(data: data, keys: keys)
        let store = try files.openAnonymous()
        let hasher = TokenHasher(pepper: try files.load(.tokenPepper))
        let calculator = SlotCalculator(configuration: configuration)
        let random = SystemRandomSource()
        let now = Date()
        let day = calculator.day(of: now)
        func id() -> String { random.bytes(16).hexString }

        // A synthetic slot: the real id format, with room for as many seats as the seed needs. One
        // minute long, so that slots a minute apart hold their seats independently (a seat is held
        // for the whole of a conversation, across the provider's services).
        func slot(_ provider: ProviderID, _ service: ServiceID, _ day: CalendarDay, minute: Int, capacity: Int) -> Slot {
            let time = TimeOfDay(hour: minute / 60, minute: minute % 60)!
            let start = calculator.instant(day, time)
            return Slot(id: SlotID(provider: provider, service: service, day: day, time: time), start: start,
                        end: start.addingTimeInterval(60), capacity: capacity)
        }

        let providers = configuration.providers.flatMap { provider in provider.services.map { (provider.id, $0) } }
        var batch: [SeedBooking] = []
        func flush() async throws {
            try await store.seed(batch)
            batch.removeAll(keepingCapacity: true)
        }
        // Past bookings: 730 days back, every provider's services, 16 half-hour grid times a day.
        let statuses: [BookingStatus] = [.checkedIn, .checkedIn, .checkedIn, .cancelled, .booked]
        let perSlot = max(1, past / (730 * providers.count * 16) + 1)
        var made = 0
        seeding: for back in 1...730 {
            let past = day.adding(days: -back)
            for (provider, service) in providers {
                for grid in 0..<16 {
                    for _ in 0..<perSlot {
                        guard made < self.past else { break seeding }
                        batch.append(SeedBooking(
                            id: id(), tokenHash: Data(random.bytes(32)), slot: slot(provider, service, past, minute: 8 * 60 + grid * 30, capacity: perSlot * (configuration.provider(provider)?.services.count ?? 1)),
                            ageBand: .from18To24, message: made % 4 == 0 ? "seeded message \(made)" : nil,
                            status: statuses[made % statuses.count], bookedOn: past.adding(days: -2)))
                        made += 1
                        if batch.count == 5000 { try await flush() }
                    }
                }
            }
        }
        try await flush()

        // Tokens the benchmark uses: today at --provider (check-in), and the next days (lookup).
        func seedLive(_ count: Int, file: String, _ makeSlot: (Int) -> Slot) async throws {
            var lines: [String] = []
            for index in 0..<count {
                let token = OneTimeToken(generatingWith: random)
                batch.append(SeedBooking(id: id(), tokenHash: hasher.hash(token.canonical), slot: makeSlot(index), ageBand: .from18To24,
                                         message: nil, status: .booked, bookedOn: day))
                lines.append(token.formatted)
                if batch.count == 5000 { try await flush() }
            }
            try await flush()
            try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        }
        let own = ProviderID(provider)
        guard let services = configuration.provider(own)?.services, !services.isEmpty else { throw ValidationError("unknown provider \(provider)") }
        // Spread over the day's minutes and the provider's services, a few seats each: the seat-taking
        // statement looks at one slot's seats, so one huge slot would make seeding quadratic.
        let seats = max(8, max(today, live) / (1440 * services.count) + 1)
        func spread(_ index: Int, _ day: CalendarDay, from firstMinute: Int) -> Slot {
            let position = index / seats
            // The provider's services share its seats at a minute: room for each service's share.
            return slot(own, services[position % services.count], day, minute: firstMinute + (position / services.count) % (1440 - firstMinute),
                        capacity: seats * services.count)
        }
        // Check-in takes a booking on its own day at any hour, so today's may be spread over the whole day.
        try await seedLive(today, file: todayTokens) { index in spread(index, day, from: 0) }
        try await seedLive(live, file: liveTokens) { index in spread(index % (live / 10 + 1), day.adding(days: 1 + index / (live / 10 + 1)), from: 0) }
        print("seeded \(made) past bookings, \(today) for today at \(provider), \(live) live")
    }
}
