import Foundation
import GatewayCore
import Yams

/// Reads and validates `Config/gateway.yaml`. Every error names the file and the key.
public enum ConfigurationLoader {
    public static func load(file path: String) throws(ConfigurationError) -> GatewayConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(file: path, keyPath: "", message: "cannot read the file (\(error.localizedDescription))")
        }
        do {
            return try parse(yaml: text)
        } catch {
            var error = error
            error.file = path
            throw error
        }
    }

    public static func parse(yaml text: String) throws(ConfigurationError) -> GatewayConfiguration {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw ConfigurationError(keyPath: "", message: "the file is empty")
            }
            root = node
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError(keyPath: "", message: "not valid YAML: \(error)")
        }
        return try GatewayConfigurationBuilder.build(YAMLReader(node: root, path: ""))
    }
}

enum GatewayConfigurationBuilder {
    static let topKeys: Set<String> = ["timeZone", "booking", "rateLimit", "storage", "retention", "statistics", "closures", "services", "providers", "referrals", "complaints", "site"]

    static func build(_ root: YAMLReader) throws(ConfigurationError) -> GatewayConfiguration {
        let top = try root.mapping(allowed: topKeys, required: topKeys)

        let zoneName = try top["timeZone"]!.string()
        guard let timeZone = TimeZone(identifier: zoneName) else { throw top["timeZone"]!.fail("unknown time zone \(zoneName)") }

        let bookingKeys: Set<String> = ["horizonDays", "minimumNoticeMinutes", "maximumDaysPerListing"]
        let booking = try top["booking"]!.mapping(allowed: bookingKeys, required: bookingKeys)
        let horizon = try booking["horizonDays"]!.int(in: 1...366)
        let policy = BookingPolicy(
            horizonDays: horizon,
            minimumNoticeMinutes: try booking["minimumNoticeMinutes"]!.int(in: 0...(7 * 24 * 60)),
            maximumDaysPerListing: try booking["maximumDaysPerListing"]!.int(in: 1...horizon))

        let rateKeys: Set<String> = ["bookingsPerClientPerHour", "bookingsPerClientPerDay", "liveBookingsPerClientPerService", "trustedProxies"]
        if let old = try top["rateLimit"]!.entries().first(where: { $0.0 == "trustForwardedFor" })?.1 {
            throw old.fail("was replaced by rateLimit.trustedProxies: [CIDR …] — the addresses of the reverse proxies you run (empty: X-Forwarded-For is ignored)")
        }
        let rate = try top["rateLimit"]!.mapping(allowed: rateKeys, required: rateKeys)
        let perHour = try rate["bookingsPerClientPerHour"]!.int(in: 1...10_000)
        let perDay = try rate["bookingsPerClientPerDay"]!.int(in: 1...100_000)
        guard perDay >= perHour else { throw rate["bookingsPerClientPerDay"]!.fail("must be at least bookingsPerClientPerHour (\(perHour))") }
        var proxies: [IPNetwork] = []
        for entry in try rate["trustedProxies"]!.list() {
            let text = try entry.string()
            guard let network = IPNetwork(text) else { throw entry.fail("not an address or CIDR block: \(text)") }
            proxies.append(network)
        }
        let rateLimit = RateLimitPolicy(
            bookingsPerClientPerHour: perHour, bookingsPerClientPerDay: perDay,
            liveBookingsPerClientPerService: try rate["liveBookingsPerClientPerService"]!.int(in: 1...10_000), trustedProxies: proxies)

        let storage = try top["storage"]!.mapping(allowed: ["walCheckpointSeconds"], required: ["walCheckpointSeconds"])
        let storagePolicy = StoragePolicy(walCheckpointSeconds: try storage["walCheckpointSeconds"]!.int(in: 5...3600))

        let retentionKeys: Set<String> = ["cancelledBookingsDays", "unattendedBookingsDays", "closedCasesDays", "accessLogDays"]
        let kept = try top["retention"]!.mapping(allowed: retentionKeys, required: retentionKeys)
        let retention = RetentionPolicy(
            cancelledBookingsDays: try kept["cancelledBookingsDays"]!.int(in: 1...3650),
            unattendedBookingsDays: try kept["unattendedBookingsDays"]!.int(in: 1...3650),
            closedCasesDays: try kept["closedCasesDays"]!.int(in: 1...3650),
            accessLogDays: try kept["accessLogDays"]!.int(in: 1...3650))

        let statistics = try top["statistics"]!.mapping(allowed: ["minimumCellSize"], required: ["minimumCellSize"])
        // Below 3 a published count would single out one or two people.
        let statisticsPolicy = StatisticsPolicy(minimumCellSize: try statistics["minimumCellSize"]!.int(in: 3...100))

        let closures = try buildClosures(top["closures"]!)
        let services = try buildServices(top["services"]!)
        let providers = try buildProviders(top["providers"]!, services: services)
        let referrals = try buildReferrals(top["referrals"]!)
        let complaints = try buildComplaints(top["complaints"]!)
        let site = try top["site"]!.mapping(allowed: ["accessibilityStatement"], required: ["accessibilityStatement"])
        let statement = try site["accessibilityStatement"]!.string()
        // The web accessibility law asks for a public https address (Digitaliseringsstyrelsen's WAS-Tool).
        guard let url = URL(string: statement), url.scheme == "https", url.host != nil, !statement.contains(where: \.isWhitespace) else {
            throw site["accessibilityStatement"]!.fail("must be the https address of the site's accessibility statement, e.g. https://www.was.digst.dk/<site>")
        }

        var configuration = GatewayConfiguration(
            timeZone: timeZone, booking: policy, rateLimit: rateLimit, storage: storagePolicy, retention: retention, closures: closures,
            services: services, providers: providers, referrals: referrals, complaints: complaints, statistics: statisticsPolicy)
        configuration.accessibilityStatement = statement
        return configuration
    }

    static func localized(_ reader: YAMLReader) throws(ConfigurationError) -> LocalizedText {
        // Danish and English always; the other page languages where translated (English is shown otherwise).
        let map = try reader.mapping(allowed: Set(Language.allCases.map(\.rawValue)), required: ["da", "en"])
        var other: [Language: String] = [:]
        for language in Language.allCases where !language.coversStaffPages {
            if let value = map[language.rawValue] { other[language] = try value.string() }
        }
        return LocalizedText(da: try map["da"]!.string(), en: try map["en"]!.string(),
                             ar: other[.ar], ur: other[.ur], tr: other[.tr], so: other[.so])
    }

    static func buildClosures(_ reader: YAMLReader) throws(ConfigurationError) -> Closures {
        let keys: Set<String> = ["danishPublicHolidays", "everyYear", "extraDates"]
        let map = try reader.mapping(allowed: keys, required: ["danishPublicHolidays"])
        var everyYear: [MonthDay] = []
        for item in try map["everyYear"]?.list() ?? [] {
            guard let monthDay = MonthDay(try item.string()) else { throw item.fail("expected a day as MM-DD, e.g. 12-24") }
            everyYear.append(monthDay)
        }
        var extra: Set<CalendarDay> = []
        for item in try map["extraDates"]?.list() ?? [] {
            guard let day = CalendarDay(iso: try item.string()) else { throw item.fail("expected a date as YYYY-MM-DD") }
            extra.insert(day)
        }
        return Closures(danishPublicHolidays: try map["danishPublicHolidays"]!.bool(), everyYear: everyYear, extraDates: extra)
    }

    static func buildServices(_ reader: YAMLReader) throws(ConfigurationError) -> [ServiceDefinition] {
        let keys: Set<String> = ["id", "name", "summary", "ageBands", "sessionLimit", "noShowCounts", "firstConversation", "conversationMinutes"]
        var services: [ServiceDefinition] = []
        let items = try reader.list()
        guard !items.isEmpty else { throw reader.fail("at least one service is needed") }
        for item in items {
            let map = try item.mapping(allowed: keys, required: keys)
            let idText = try map["id"]!.string()
            guard let id = ServiceID(rawValue: idText) else {
                throw map["id"]!.fail("unknown service \(idText) (known: \(ServiceID.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            guard !services.contains(where: { $0.id == id }) else { throw map["id"]!.fail("service \(idText) is defined twice") }
            var bands: [AgeBand] = []
            for band in try map["ageBands"]!.list() {
                let text = try band.string()
                guard let value = AgeBand(rawValue: text) else {
                    throw band.fail("unknown age band \(text) (known: \(AgeBand.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                bands.append(value)
            }
            guard !bands.isEmpty else { throw map["ageBands"]!.fail("at least one age band is needed") }
            if id == .pas, let minor = bands.first(where: { !$0.isAdult }) {
                throw map["ageBands"]!.fail("anonymous treatment under §101a is for adults only; \(minor.rawValue) is not allowed")
            }
            if id == .uturn, let band = bands.first(where: { $0 == .under14 || $0 == .from25 }) {
                throw map["ageBands"]!.fail("U-turn is for young people aged 14–24; \(band.rawValue) is not allowed")
            }
            services.append(ServiceDefinition(
                id: id,
                name: try localized(map["name"]!),
                summary: try localized(map["summary"]!),
                eligibleAgeBands: bands,
                sessionLimit: try sessionLimit(map["sessionLimit"]!, for: id),
                noShowCounts: try map["noShowCounts"]!.bool(),
                firstConversation: try localized(map["firstConversation"]!),
                conversationMinutes: try map["conversationMinutes"]!.int(in: 15...Slot.longestConversationMinutes)))
        }
        return services
    }

    static func sessionLimit(_ reader: YAMLReader, for service: ServiceID) throws(ConfigurationError) -> SessionLimit {
        let map = try reader.mapping(allowed: ["conversations", "groupMeetings", "boundedCourse"], required: [])
        // QS 4.4.4: U-turn's parents have single conversations *or* a parents' group, each with its own limit.
        if map.count == 2, let conversations = map["conversations"], let meetings = map["groupMeetings"] {
            return .conversationsOrGroup(conversations: try conversations.int(in: 1...50), groupMeetings: try meetings.int(in: 1...50))
        }
        guard map.count == 1, let (kind, value) = map.first else {
            throw reader.fail("give one of conversations, groupMeetings or boundedCourse, or conversations and groupMeetings together (two kinds, each with its own limit)")
        }
        switch kind {
        case "conversations":
            return .conversations(try value.int(in: 1...50))
        case "groupMeetings":
            return .groupMeetings(try value.int(in: 1...50))
        default:
            guard service == .pas else { throw value.fail("a bounded course (§101a stk. 8) applies to pas only") }
            let keys: Set<String> = ["groupSessions", "concludingConversations"]
            let course = try value.mapping(allowed: keys, required: keys)
            return .boundedCourse(
                groupSessions: try course["groupSessions"]!.int(in: 1...52),
                // §101a stk. 8: at most one individual concluding conversation.
                concludingConversations: try course["concludingConversations"]!.int(in: 0...1))
        }
    }

    static func buildProviders(_ reader: YAMLReader, services: [ServiceDefinition]) throws(ConfigurationError) -> [ProviderDefinition] {
        let keys: Set<String> = ["id", "name", "address", "phone", "wayIn", "bookedThrough", "services", "openingHours", "capacityPerSlot"]
        var providers: [ProviderDefinition] = []
        var throughReaders: [ProviderID: YAMLReader] = [:]
        for item in try reader.list() {
            let map = try item.mapping(allowed: keys, required: ["id", "name", "services", "openingHours", "capacityPerSlot"])
            let id = try map["id"]!.string()
            let allowedCharacters = Set("abcdefghijklmnopqrstuvwxyz0123456789-")
            guard id.count <= 32, id.allSatisfy({ allowedCharacters.contains($0) }) else {
                throw map["id"]!.fail("provider ids use a–z, 0–9 and - only, at most 32 characters")
            }
            guard !providers.contains(where: { $0.id.rawValue == id }) else { throw map["id"]!.fail("provider \(id) is defined twice") }
            var offered: [ServiceID] = []
            for entry in try map["services"]!.list() {
                let text = try entry.string()
                guard let service = ServiceID(rawValue: text), services.contains(where: { $0.id == service }) else {
                    throw entry.fail("unknown service \(text) (defined: \(services.map(\.id.rawValue).joined(separator: ", ")))")
                }
                offered.append(service)
            }
            guard !offered.isEmpty else { throw map["services"]!.fail("a provider must offer at least one service") }
            let hours = try openingHours(map["openingHours"]!)
            var bookedThrough: ProviderID?
            if let through = map["bookedThrough"] { bookedThrough = ProviderID(try through.string()) }
            var wayIn: LocalizedText?
            if let way = map["wayIn"] { wayIn = try localized(way) }
            let address = try map["address"]?.strings() ?? []
            // Issue 10: a place citizens book on the web must say where it is; one whose address is not
            // yet known is offered by phone through another provider's number until it is filled in.
            if bookedThrough == nil {
                guard let addressReader = map["address"], !address.isEmpty else {
                    throw YAMLReader(node: item.node, path: "\(item.path).address").fail(
                        "missing: citizens book this provider's times on the web, so its address must be given (or set bookedThrough: <provider> to offer its times by phone through that provider's number until the address is known)")
                }
                guard address.allSatisfy({ !$0.trimmingCharacters(in: .whitespaces).isEmpty }) else {
                    throw addressReader.fail("an address line is empty")
                }
            }
            if let through = map["bookedThrough"] { throughReaders[ProviderID(id)] = through }
            providers.append(ProviderDefinition(
                id: ProviderID(id),
                place: ContactPlace(name: try map["name"]!.string(), address: address, phone: try map["phone"]?.string()),
                services: offered, openingHours: hours,
                capacityPerSlot: try map["capacityPerSlot"]!.int(in: 1...100),
                wayIn: wayIn,
                bookedThrough: bookedThrough))
        }
        for provider in providers {
            guard let through = provider.bookedThrough, let throughReader = throughReaders[provider.id] else { continue }
            guard let target = providers.first(where: { $0.id == through }), target.id != provider.id else {
                throw throughReader.fail("unknown provider \(through.rawValue) (defined: \(providers.map(\.id.rawValue).joined(separator: ", ")))")
            }
            guard target.isBookableOnTheWeb, target.place.phone != nil else {
                throw throughReader.fail("\(through.rawValue) must have its own address and phone: citizens call it to book this provider's times")
            }
            guard provider.services.allSatisfy(target.services.contains) else {
                throw throughReader.fail("\(through.rawValue) must offer the same services, to book them by phone")
            }
        }
        for service in services where !providers.contains(where: { $0.services.contains(service.id) }) {
            throw reader.fail("no provider offers the service \(service.id.rawValue)")
        }
        return providers
    }

    static func openingHours(_ reader: YAMLReader) throws(ConfigurationError) -> WeeklyHours {
        var intervals: [Weekday: [OpeningInterval]] = [:]
        for (key, value) in try reader.entries() {
            guard let weekday = Weekday(rawValue: key) else {
                throw value.fail("unknown weekday (use monday … sunday)")
            }
            var list: [OpeningInterval] = []
            for entry in try value.list() {
                let text = try entry.string()
                guard let interval = OpeningInterval(text) else {
                    throw entry.fail("impossible opening hours \(text): expected HH:MM-HH:MM with the start before the end")
                }
                list.append(interval)
            }
            intervals[weekday] = list
        }
        guard let hours = WeeklyHours(intervals) else { throw reader.fail("opening hours overlap on the same day") }
        return hours
    }

    static func buildReferrals(_ reader: YAMLReader) throws(ConfigurationError) -> [ReferralID: Referral] {
        var referrals: [ReferralID: Referral] = [:]
        let keys: Set<String> = ["title", "explanation", "hours", "places"]
        for (key, value) in try reader.entries() {
            guard let id = ReferralID(rawValue: key) else {
                throw value.fail("unknown referral (known: \(ReferralID.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let map = try value.mapping(allowed: keys, required: keys)
            var places: [ContactPlace] = []
            for place in try map["places"]!.list() { places.append(try contactPlace(place)) }
            referrals[id] = Referral(
                id: id, title: try localized(map["title"]!), explanation: try localized(map["explanation"]!),
                hours: try localized(map["hours"]!), places: places)
        }
        // Eligibility can send people to each of these; each must say where to go.
        for needed in [ReferralID.alcoholDrugUnits, .opioidUnits, .uturn, .pas, .relativesLine, .relativesGroups, .childrenInFamilies]
        where referrals[needed] == nil {
            throw YAMLReader(node: reader.node, path: "\(reader.path).\(needed.rawValue)").fail("missing: people who are not eligible are sent here")
        }
        return referrals
    }

    static func contactPlace(_ reader: YAMLReader) throws(ConfigurationError) -> ContactPlace {
        let map = try reader.mapping(allowed: ["name", "address", "phone"], required: ["name", "address"])
        return ContactPlace(name: try map["name"]!.string(), address: try map["address"]!.strings(), phone: try map["phone"]?.string())
    }

    static func buildComplaints(_ reader: YAMLReader) throws(ConfigurationError) -> ComplaintsInformation {
        let keys: Set<String> = ["treatmentComplaints", "citizensAdvisor"]
        let map = try reader.mapping(allowed: keys, required: keys)
        return ComplaintsInformation(
            treatmentComplaints: try localized(map["treatmentComplaints"]!),
            citizensAdvisor: try contactPlace(map["citizensAdvisor"]!))
    }
}
