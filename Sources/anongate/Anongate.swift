import ArgumentParser
import Foundation
import GatewayConfig
import GatewayCore
import GatewayCrypto
import GatewayStore
import GatewayWeb
import Hummingbird
import Logging

@main
struct Anongate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anongate",
        abstract: "Anonymous-access gateway for Copenhagen's anonymous drug-treatment services.",
        subcommands: [Serve.self, Keys.self, Staff.self])
}

/// Exit codes from sysexits.h, so scripts can tell a bad config from a bad key.
enum Exit {
    static let configuration = ExitCode(78)   // EX_CONFIG
    static let keys = ExitCode(77)            // EX_NOPERM
    static let storage = ExitCode(74)         // EX_IOERR
}

func fail(_ message: String, _ code: ExitCode) -> ExitCode {
    FileHandle.standardError.write(Data("anongate: \(message)\n".utf8))
    return code
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the gateway.")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Option(help: "The gateway's configuration file.") var config = "Config/gateway.yaml"
    @Option(help: "Folder for anonymous.sqlite and identified.sqlite.") var data = "./data"
    @Option(help: "Folder holding the key files.") var keys = "./Keys"

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
            return handler
        }
        let logger = Logger(label: "anongate")

        let configuration: GatewayConfiguration
        do { configuration = try ConfigurationLoader.load(file: config) } catch {
            throw fail(error.description, Exit.configuration)
        }

        let directory = KeyDirectory(path: keys)
        let anonymousPath = (data as NSString).appendingPathComponent("anonymous.sqlite")
        let identifiedPath = (data as NSString).appendingPathComponent("identified.sqlite")
        if directory.existingRoles().isEmpty {
            // A fresh install gets keys; existing data without keys must never be "fixed" with new ones.
            let existingData = [anonymousPath, identifiedPath].filter { FileManager.default.fileExists(atPath: $0) }
            guard existingData.isEmpty else {
                throw fail("\(keys) holds no keys, but \(existingData.joined(separator: " and ")) exist. Restore the keys from your backup; new keys could not read that data.", Exit.keys)
            }
            do {
                let created = try directory.createMissing(random: SystemRandomSource())
                FileHandle.standardError.write(Data("anongate: first run — created keys (mode 0600): \(created.joined(separator: ", ")). Back them up now; see Keys/README.md.\n".utf8))
            } catch {
                throw fail(error.description, Exit.keys)
            }
        }
        let anonymousKey: KeyMaterial, identifiedKey: KeyMaterial, pepper: KeyMaterial
        do {
            anonymousKey = try directory.load(.anonymousStore)
            identifiedKey = try directory.load(.identifiedStore)
            pepper = try directory.load(.tokenPepper)
        } catch {
            throw fail(error.description, Exit.keys)
        }

        let anonymousStore: AnonymousStore, identifiedStore: IdentifiedStore
        do {
            anonymousStore = try AnonymousStore.open(path: anonymousPath, storeKey: anonymousKey)
            identifiedStore = try IdentifiedStore.open(path: identifiedPath, storeKey: identifiedKey)
        } catch {
            throw fail("cannot open the databases in \(data): \(error)", Exit.storage)
        }

        let dependencies = GatewayDependencies(
            configuration: configuration, clock: SystemClock(), random: SystemRandomSource(),
            anonymousStore: anonymousStore, identifiedStore: identifiedStore, tokenHasher: TokenHasher(pepper: pepper),
            staffPseudonymizer: StaffPseudonymizer(storeKey: anonymousKey), logger: logger)
        logger.info("anongate starting", metadata: ["config": "\(config)", "data": "\(data)"])
        let app = try buildApplication(dependencies, host: host, port: port)
        try await app.runService()
    }
}

struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage key files.", subcommands: [Init.self])

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create every missing key file (mode 0600). Never overwrites one.")

        @Option(help: "Folder holding the key files.") var keys = "./Keys"

        func run() async throws {
            let directory = KeyDirectory(path: keys)
            let existing = directory.existingRoles()
            let created: [String]
            do { created = try directory.createMissing(random: SystemRandomSource()) } catch {
                throw fail(error.description, Exit.keys)
            }
            for role in existing { print("kept    \(directory.filePath(role)) (exists; never overwritten)") }
            for file in created { print("created \(file)") }
            if !created.isEmpty { print("Back up the new keys now (Keys/README.md): losing one makes its data unreadable.") }
        }
    }
}
