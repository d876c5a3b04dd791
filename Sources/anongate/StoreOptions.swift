import ArgumentParser
import Foundation
import GatewayConfig
import GatewayCore
import GatewayStore

/// The options every operations command shares, with the same defaults as `serve`.
struct StoreOptions: ParsableArguments {
    @Option(help: "The gateway's configuration file.") var config = "Config/gateway.yaml"
    @Option(help: "Folder for anonymous.sqlite and identified.sqlite.") var data = "./data"
    @Option(help: "Folder holding the key files.") var keys = "./Keys"

    var files: StoreFiles { StoreFiles(data: data, keys: keys) }

    /// The configuration, or exit 78 naming what is wrong.
    func loadConfiguration() throws -> GatewayConfiguration {
        do { return try ConfigurationLoader.load(file: config) } catch { throw fail(error.description, Exit.configuration) }
    }

    /// Opens an existing anonymous store; never creates a database or a key (exit 74 when there is
    /// none, 77 for a key problem).
    func openExistingAnonymous() throws -> AnonymousStore {
        guard files.databaseExists(.anonymous) else {
            throw fail("there is no \(files.databasePath(.anonymous)); nothing to check", Exit.storage)
        }
        do { return try files.openAnonymous() } catch { throw fail(error.description, error.isKeyProblem ? Exit.keys : Exit.storage) }
    }
}
