import Foundation
import GatewayConfig
import GatewayCore
import GatewayTestSupport
import Testing

@Suite("Configuration file")
struct ConfigurationTests {
    var yaml: String { try! String(contentsOfFile: TestFixtures.configurationPath, encoding: .utf8) }

    func error(_ text: String) -> ConfigurationError? {
        do { _ = try ConfigurationLoader.parse(yaml: text); return nil } catch { return error }
    }

    @Test func theCopenhagenDeploymentLoads() throws {
        let configuration = try TestFixtures.configuration()
        #expect(configuration.services.map(\.id) == [.pas, .uturn, .uturnParents, .relatives])
        #expect(configuration.providers.map(\.id.rawValue) == ["kk-pas", "frb-pas", "uturn", "rbk"])
        let pas = try #require(configuration.provider(ProviderID("kk-pas")))
        #expect(pas.place.address.first == "Oehlenschlägersgade 17")
        #expect(pas.place.phone == "33 66 20 02")
        #expect(configuration.provider(ProviderID("uturn"))?.place.phone == "82 56 23 00")
        #expect(configuration.referrals[.opioidUnits]?.places.count == 3)
        #expect(configuration.referrals[.alcoholDrugUnits]?.places.count == 3)
        #expect(configuration.timeZone.identifier == "Europe/Copenhagen")
    }

    /// Issue 10: a place citizens book on the web must say where it is; Frederiksberg, whose address
    /// the sources do not give, is booked by phone through PAS's number instead.
    @Test func aWebBookableProviderWithoutAnAddressIsRefusedNamingTheKey() throws {
        let configuration = try TestFixtures.configuration()
        let frb = try #require(configuration.provider(ProviderID("frb-pas")))
        #expect(frb.bookedThrough == ProviderID("kk-pas"))
        #expect(frb.place.address.isEmpty)
        #expect(!frb.isBookableOnTheWeb)
        #expect(configuration.webProviders(offering: .pas).map(\.id.rawValue) == ["kk-pas"])
        #expect(configuration.providersBookedByPhone(at: ProviderID("kk-pas")) == [ProviderID("kk-pas"), ProviderID("frb-pas")])

        let withoutWay = yaml.replacingOccurrences(of: "    bookedThrough: kk-pas\n", with: "")
        let problem = try #require(error(withoutWay))
        #expect(problem.keyPath == "providers[1].address")
        #expect(problem.message.contains("bookedThrough"))
        let emptyAddress = yaml.replacingOccurrences(of: "address: [\"Studiestræde 47\", \"1455 København K\"]", with: "address: []")
        #expect(try #require(error(emptyAddress)).keyPath == "providers[2].address")
        let unknown = yaml.replacingOccurrences(of: "bookedThrough: kk-pas", with: "bookedThrough: nowhere")
        #expect(try #require(error(unknown)).keyPath == "providers[1].bookedThrough")
        let otherService = yaml.replacingOccurrences(of: "bookedThrough: kk-pas", with: "bookedThrough: rbk")
        #expect(try #require(error(otherService)).message.contains("same services"))
        let withWayIn = yaml.replacingOccurrences(of: "    phone: \"82 56 23 00\"\n", with: "    phone: \"82 56 23 00\"\n    wayIn: { da: \"Gården\", en: \"The courtyard\" }\n")
        #expect(try ConfigurationLoader.parse(yaml: withWayIn).provider(ProviderID("uturn"))?.wayIn?.en == "The courtyard")
    }

    /// Issue 10: every text the configuration shows citizens is written in all six page languages.
    @Test func everyCitizenTextOfTheShippedFileIsInEveryLanguage() throws {
        let configuration = try TestFixtures.configuration()
        var texts: [(String, LocalizedText)] = []
        for service in configuration.services {
            texts += [("\(service.id).name", service.name), ("\(service.id).summary", service.summary), ("\(service.id).firstConversation", service.firstConversation)]
        }
        for (id, referral) in configuration.referrals {
            texts += [("\(id).title", referral.title), ("\(id).explanation", referral.explanation), ("\(id).hours", referral.hours)]
        }
        texts.append(("complaints", configuration.complaints.treatmentComplaints))
        texts += configuration.providers.compactMap { provider in provider.wayIn.map { ("\(provider.id).wayIn", $0) } }
        #expect(texts.count >= 30)
        for (name, text) in texts {
            #expect(text.languages == Set(Language.allCases), "\(name) lacks \(Set(Language.allCases).subtracting(text.languages))")
        }
        // A language left out of a text shows its English, never nothing.
        let partial = try ConfigurationLoader.parse(yaml: yaml.replacingOccurrences(of: "      ar: \"مركز علاج المواد الأفيونية والعلاج البديل\"\n", with: ""))
        #expect(partial.referrals[.opioidUnits]?.title.text(.ar) == "Centre for opioids and substitution treatment")
        #expect(try #require(error(yaml.replacingOccurrences(of: "      so: \"Center for Opioider", with: "      fr: \"Center for Opioider"))).message.contains("unknown key"))
    }

    @Test func theAccessibilityStatementIsAnHTTPSAddress() throws {
        #expect(try TestFixtures.configuration().accessibilityStatement == "https://www.was.digst.dk/kk-dk")
        let plain = try #require(error(yaml.replacingOccurrences(of: "accessibilityStatement: \"https://", with: "accessibilityStatement: \"http://")))
        #expect(plain.keyPath == "site.accessibilityStatement")
        #expect(try #require(error(yaml.replacingOccurrences(of: "  accessibilityStatement: \"https://www.was.digst.dk/kk-dk\"\n", with: "  {}\n"))).keyPath.hasPrefix("site"))
    }

    @Test func brokenYAMLIsRefused() {
        let problem = error("services: [pas\n  - : :")
        #expect(problem?.message.contains("not valid YAML") == true)
    }

    @Test func anUnknownServiceNamesTheKey() throws {
        let broken = yaml.replacingOccurrences(of: "  - id: relatives", with: "  - id: sauna")
        let problem = try #require(error(broken))
        #expect(problem.keyPath == "services[3].id")
        #expect(problem.message.contains("unknown service sauna"))
    }

    @Test func impossibleOpeningHoursNameTheKey() throws {
        let broken = yaml.replacingOccurrences(of: "tuesday: [\"08:00-12:00\"]", with: "tuesday: [\"12:00-08:00\"]")
        let problem = try #require(error(broken))
        #expect(problem.keyPath == "providers[0].openingHours.tuesday[0]")
        #expect(problem.message.contains("impossible opening hours"))
    }

    @Test func overlappingHoursAreRefused() throws {
        let broken = yaml.replacingOccurrences(of: "tuesday: [\"08:00-12:00\"]", with: "tuesday: [\"08:00-12:00\", \"11:00-13:00\"]")
        #expect(try #require(error(broken)).message.contains("overlap"))
    }

    @Test func unknownKeysAreTyposNotSilence() throws {
        let broken = yaml.replacingOccurrences(of: "capacityPerSlot: 2", with: "capacityPerSlott: 2")
        let problem = try #require(error(broken))
        #expect(problem.keyPath == "providers[0].capacityPerSlott")
    }

    @Test func pasCannotBeOpenedToMinors() throws {
        let broken = yaml.replacingOccurrences(of: "ageBands: [18-24, 25-plus]\n    firstConversation:\n      da: \"Afklarende samtale\"",
                                               with: "ageBands: [14-17, 18-24, 25-plus]\n    firstConversation:\n      da: \"Afklarende samtale\"")
        let problem = try #require(error(broken))
        #expect(problem.keyPath == "services[0].ageBands")
        #expect(problem.message.contains("§101a"))
    }

    @Test func everyReferralTargetMustExist() throws {
        let start = try #require(yaml.range(of: "  opioid-units:"))
        let end = try #require(yaml.range(of: "  uturn:                             # QS 4.4.2"))
        var broken = yaml
        broken.removeSubrange(start.lowerBound..<end.lowerBound)
        let problem = try #require(error(broken))
        #expect(problem.keyPath == "referrals.opioid-units")
    }

    @Test func theConcludingConversationIsAtMostOne() throws {
        let broken = yaml.replacingOccurrences(of: "concludingConversations: 1", with: "concludingConversations: 2")
        #expect(try #require(error(broken)).keyPath == "services[0].sessionLimit.boundedCourse.concludingConversations")
    }

    @Test func aMissingFileIsNamed() {
        do {
            _ = try ConfigurationLoader.load(file: "/nonexistent/gateway.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("/nonexistent/gateway.yaml:"))
        }
    }
}

@Suite("Configuration: rate limit and storage")
struct RateLimitConfigurationTests {
    var yaml: String { try! String(contentsOfFile: TestFixtures.configurationPath, encoding: .utf8) }

    func error(_ text: String) -> ConfigurationError? {
        do { _ = try ConfigurationLoader.parse(yaml: text); return nil } catch { return error }
    }

    @Test func theOldTrustForwardedForKeyIsRefusedNamingItsReplacement() throws {
        let old = yaml.replacingOccurrences(of: "  trustedProxies: []", with: "  trustForwardedFor: true")
        let problem = try #require(error(old))
        #expect(problem.keyPath == "rateLimit.trustForwardedFor")
        #expect(problem.message.contains("rateLimit.trustedProxies"))
    }

    @Test func trustedProxiesAreAddressesOrCIDRBlocks() throws {
        let good = yaml.replacingOccurrences(of: "  trustedProxies: []", with: "  trustedProxies: [127.0.0.1/32, \"::1\", 10.0.0.0/8]")
        let configuration = try ConfigurationLoader.parse(yaml: good)
        #expect(configuration.rateLimit.trustedProxies.map(\.description) == ["127.0.0.1/32", "0:0:0:0:0:0:0:1/128", "10.0.0.0/8"])
        let bad = try #require(error(yaml.replacingOccurrences(of: "  trustedProxies: []", with: "  trustedProxies: [nginx.local]")))
        #expect(bad.keyPath == "rateLimit.trustedProxies[0]")
        #expect(try TestFixtures.configuration().rateLimit.trustedProxies.isEmpty)
        #expect(try TestFixtures.configuration().rateLimit.liveBookingsPerClientPerService == 2)
    }

    @Test func theCheckpointIntervalIsBounded() throws {
        let problem = try #require(error(yaml.replacingOccurrences(of: "walCheckpointSeconds: 60", with: "walCheckpointSeconds: 86400")))
        #expect(problem.keyPath == "storage.walCheckpointSeconds")
        #expect(try TestFixtures.configuration().storage.walCheckpointSeconds == 60)
    }

    /// statistics.minimumCellSize below 3 would publish counts of one or two people: refused, naming the key.
    @Test func theMinimumCellSizeIsAtLeastThree() throws {
        #expect(try TestFixtures.configuration().statistics.minimumCellSize == 5)
        let problem = try #require(error(yaml.replacingOccurrences(of: "minimumCellSize: 5", with: "minimumCellSize: 2")))
        #expect(problem.keyPath == "statistics.minimumCellSize")
        #expect(try ConfigurationLoader.parse(yaml: yaml.replacingOccurrences(of: "minimumCellSize: 5", with: "minimumCellSize: 3")).statistics.minimumCellSize == 3)
        let missing = try #require(error(yaml.replacingOccurrences(of: "statistics:\n  minimumCellSize: 5\n", with: "")))
        #expect(missing.keyPath.contains("statistics") || "\(missing)".contains("statistics"))
    }
}
