import ArgumentParser
import Foundation
import GatewayCore
import GatewayCrypto
import GatewayStore

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check the staff access log.", subcommands: [Verify.self])

    /// `anongate audit verify`: exit 0 on an intact log; otherwise names the first entry that was
    /// changed, removed, inserted or reordered and exits 65.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify the access log's MAC chain and signed checkpoints (exit 0 intact, 65 tampered).")

        @OptionGroup var location: StoreOptions
        @Option(name: .customLong("checkpoint"),
                help: "A checkpoint kept outside the database (SEQ.CHAIN.SIGNATURE, from the daily `access-log checkpoint` log line); repeatable.")
        var checkpoints: [String] = []

        static let tampered = ExitCode(65)   // EX_DATAERR

        func validate() throws {
            for text in checkpoints where AuditCheckpoint(text: text) == nil {
                throw ValidationError("--checkpoint \(text) is not SEQ.CHAIN.SIGNATURE as the log line prints it")
            }
        }

        func run() async throws {
            _ = try location.loadConfiguration()
            let store = try location.openExistingAnonymous()
            let verdict: AuditVerdict
            do { verdict = try await store.verifyAccessLog(external: checkpoints.compactMap(AuditCheckpoint.init(text:))) } catch {
                throw fail("the access log in \(location.files.databasePath(.anonymous)) could not be read", Exit.storage)
            }
            let publicKey = Base64URL.encode(Array(store.checkpointPublicKey))
            switch verdict {
            case .intact(let entries, let first, let last, let checked):
                let range = first.map { "entries \($0)–\(last ?? $0)" } ?? "no entries"
                print("access log intact: \(entries) entries (\(range)), \(checked) signed checkpoint(s) verified")
                print("checkpoint public key: \(publicKey)")
            case .tampered(let finding):
                print("access log TAMPERED: \(finding)")
                print("checkpoint public key: \(publicKey)")
                throw Self.tampered
            }
        }
    }
}
