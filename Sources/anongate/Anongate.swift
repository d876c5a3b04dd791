import ArgumentParser
import Foundation
import GatewayConfig
import GatewayCore
import GatewayCrypto
import GatewayStore
import GatewayWeb
import Hummingbird
import HummingbirdTLS
import Logging
import Metrics

@main
struct Anongate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anongate",
        abstract: "Anonymous-access gateway for Copenhagen's anonymous drug-treatment services.",
        subcommands: [Serve.self, Keys.self, Staff.self, Purge.self, Audit.self, Backup.self, Restore.self, Doctor.self, Stats.self])
}

/// Exit codes from sysexits.h, so scripts can tell a bad config from a bad key.
enum Exit {
    static let configuration = ExitCode(78)   // EX_CONFIG
    static let keys = ExitCode(77)            // EX_NOPERM
    static let storage = ExitCode(74)         // EX_IOERR
}

/// Says which keys a command created because their database did not exist yet.
func announce(_ created: [String]) {
    guard !created.isEmpty else { return }
    FileHandle.standardError.write(Data("anongate: new install — created keys (mode 0600) for databases that do not exist yet: \(created.joined(separator: ", ")). Back them up now, never beside the data; see Keys/README.md.\n".utf8))
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
    @Option(help: "Serve Prometheus metrics on 127.0.0.1:N/metrics (always loopback, whatever --host says). Off unless given.")
    var metricsPort: Int?
    @Option(help: "PEM certificate chain: serve HTTPS directly (TLS 1.2 or later). Needs --tls-key.") var tlsCert: String?
    @Option(help: "PEM private key of --tls-cert (not readable by others). Needs --tls-cert.") var tlsKey: String?

    func validate() throws {
        guard (tlsCert == nil) == (tlsKey == nil) else {
            throw ValidationError("--tls-cert and --tls-key go together: give both, or neither for plain HTTP.")
        }
        for (name, value) in [("--port", port), ("--metrics-port", metricsPort)] {
            if let value, !(0...65535).contains(value) { throw ValidationError("\(name) must be between 0 and 65535.") }
        }
        if let metricsPort, metricsPort != 0, metricsPort == port {
            throw ValidationError("--metrics-port must differ from --port: metrics have their own loopback listener.")
        }
    }

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
        // Certificate and key are read and tried before anything else starts (validate() made them a pair).
        var tls: TLSConfiguration?
        if let tlsCert, let tlsKey {
            do { tls = try NativeTLS.configuration(certificate: tlsCert, key: tlsKey) } catch {
                throw fail(error.description, Exit.configuration)
            }
        }

        // One instance per data folder, held until this process ends.
        let lock: InstanceLock
        do { lock = try InstanceLock.acquire(data: data) } catch { throw fail(error.description, Exit.storage) }
        defer { withExtendedLifetime(lock) {} }

        let files = StoreFiles(data: data, keys: keys)
        let anonymousStore: AnonymousStore, identifiedStore: IdentifiedStore, anonymousKey: KeyMaterial, pepper: KeyRing
        do {
            try announce(files.prepareKeys(for: StoreFiles.Store.allCases, random: SystemRandomSource()))
            anonymousStore = try files.openAnonymous()
            identifiedStore = try files.openIdentified()
            anonymousKey = try files.load(.anonymousStore)
            pepper = try files.ring(.tokenPepper)
        } catch {
            throw fail(error.description, error.isKeyProblem ? Exit.keys : Exit.storage)
        }
        let tokenHasher = TokenHasher(ring: pepper)
        let keyRefresh = KeyRefresh(files: files, anonymous: anonymousStore, identified: identifiedStore, tokenHasher: tokenHasher)

        // One registry for the process; the gateway is handed the same factory explicitly.
        let metrics = metricsPort.map { _ in GatewayMetrics() }
        if let metrics { MetricsSystem.bootstrap(metrics.factory) }

        let dependencies = GatewayDependencies(
            configuration: configuration, clock: SystemClock(), random: SystemRandomSource(),
            anonymousStore: anonymousStore, identifiedStore: identifiedStore, tokenHasher: tokenHasher,
            staffPseudonymizer: StaffPseudonymizer(storeKey: anonymousKey), logger: logger, backupKeys: BackupKeyring(keys: files.keys),
            refreshKeys: { try await keyRefresh.run() }, metrics: metrics)
        logger.info("anongate starting", metadata: ["config": "\(config)", "data": "\(data)", "tls": "\(tls != nil ? "native" : "off")"])
        let app = try buildApplication(dependencies, host: host, port: port, tls: tls, metricsPort: metricsPort)
        var stopped: (any Error)?
        do { try await app.runService() } catch { stopped = error }
        // The server has finished its last request and every service has ended: nothing uses the
        // stores any more. Closing them leaves no WAL behind (a booking answered 201 is in the file).
        do {
            try await anonymousStore.close()
            try await identifiedStore.close()
        } catch {
            throw fail("the stores did not close cleanly; SQLite replays their WAL at the next start", Exit.storage)
        }
        if let stopped { throw stopped }
        logger.info("anongate stopped; stores closed")
    }
}

struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage key files.", subcommands: [Init.self, Rotate.self, Retire.self])

    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create the missing key files (mode 0600) of databases that do not exist yet. Never overwrites a key; refuses (exit 77) to make a key for an existing database.")

        @Option(help: "Folder holding the key files.") var keys = "./Keys"
        @Option(help: "Folder for the databases: a store whose database exists never gets a new key.") var data = "./data"

        func run() async throws {
            let files = StoreFiles(data: data, keys: keys)
            let existing = files.keys.existingRoles()
            let created: [String]
            do { created = try files.prepareKeys(for: StoreFiles.Store.allCases, random: SystemRandomSource()) } catch {
                throw fail(error.description, Exit.keys)
            }
            for role in existing { print("kept    \(files.keys.filePath(role)) (exists; never overwritten)") }
            for file in created { print("created \(file)") }
            if !created.isEmpty { print("Back up the new keys now (Keys/README.md): losing one makes its data unreadable.") }
        }
    }
}
