import ArgumentParser
import Foundation
import GatewayCore
import GatewayCrypto
import GatewayStore

extension Keys {
    /// `anongate keys rotate [--store anonymous|identified|pepper]`: a new key version, taken up by the
    /// running server, then every sealed value re-sealed under it in batches; versions nothing uses
    /// are retired. Run it again after a crash: it goes on where it stopped.
    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Introduce a new key version and re-seal under it while the service runs; retire versions nothing uses.")

        enum Target: String, ExpressibleByArgument, CaseIterable {
            case anonymous, identified, pepper
            var role: KeyRole {
                switch self {
                case .anonymous: .anonymousStore
                case .identified: .identifiedStore
                case .pepper: .tokenPepper
                }
            }
        }

        @Option(help: "Which key: anonymous, identified or pepper.") var store: Target
        @Option(help: "Values re-sealed per transaction.") var batch = 500
        @Option(help: "Seconds to wait for a running server to take up the new version (it looks at every maintenance tick).")
        var wait = 120
        @OptionGroup var location: StoreOptions

        static let notTakenUp = ExitCode(75)   // EX_TEMPFAIL

        func validate() throws {
            guard (1...100_000).contains(batch) else { throw ValidationError("--batch must be 1–100000") }
            guard (0...3600).contains(wait) else { throw ValidationError("--wait must be 0–3600 seconds") }
        }

        func run() async throws {
            _ = try location.loadConfiguration()
            let files = location.files
            let role = store.role
            let database: StoreFiles.Store = store == .identified ? .identified : .anonymous
            guard files.databaseExists(database) else { throw fail("there is no \(files.databasePath(database)); nothing to rotate", Exit.storage) }

            // A rotation that stopped half-way is finished first; otherwise a new version is made.
            let version: Int
            let resuming = try await unfinished(files)
            if let resuming {
                version = resuming
                print("resuming the rotation to \(role.rawValue) v\(version)")
            } else {
                do { version = try files.keys.createNextVersion(role, random: SystemRandomSource()) } catch {
                    throw fail(error.description, Exit.keys)
                }
                print("created \(files.keys.filePath(role, version: version)) (mode 0600; back it up now, Keys/README.md)")
            }
            let key: KeyMaterial
            do { key = try files.keys.load(file: files.keys.filePath(role, version: version)) } catch { throw fail(error.description, Exit.keys) }

            // Record its key check while opened with the older versions only, then wait until a running server uses it.
            try await storage {
                if database == .anonymous {
                    let old = try files.openAnonymous(without: [role: version])
                    try await old.introduce(role, version: version, key: key)
                    try await waitForServer { try await old.isAdopted(role, version: version) }
                } else {
                    let old = try files.openIdentified(without: version)
                    try await old.introduce(version: version, key: key)
                    try await waitForServer { try await old.isAdopted(version: version) }
                }
            }

            var resealed = 0
            let use: KeyVersionUse
            if database == .anonymous {
                let current = try await storage { try files.openAnonymous() }
                if store == .anonymous {
                    while true {
                        let done = try await storage { try await current.resealBatch(limit: batch) }
                        if done == 0 { break }
                        resealed += done
                    }
                }
                use = try await storage { try await current.keyVersionUse() }
            } else {
                let current = try await storage { try files.openIdentified() }
                while true {
                    let done = try await storage { try await current.resealBatch(limit: batch) }
                    if done == 0 { break }
                    resealed += done
                }
                use = try await storage { try await current.keyVersionUse() }
            }
            if store != .pepper { print("re-sealed \(resealed) value(s) under \(role.rawValue) v\(version)") }
            try retireUnused(files, role: role, current: version, use: use)
        }

        /// The newest version when values still sit under an older one (a rotation that stopped).
        func unfinished(_ files: StoreFiles) async throws -> Int? {
            guard store != .pepper else { return nil }
            let versions = files.keys.versions(store.role)
            guard let newest = versions.last, versions.count > 1 else { return nil }
            // Opened without the newest version: counting reads version bytes only, and opening with
            // it would record it as taken up by this process rather than by the server.
            let use = try await storage {
                store == .anonymous ? try await files.openAnonymous(without: [.anonymousStore: newest]).keyVersionUse()
                    : try await files.openIdentified(without: newest).keyVersionUse()
            }
            return use.sealed.keys.contains { $0 < newest } ? newest : nil
        }

        func retireUnused(_ files: StoreFiles, role: KeyRole, current: Int, use: KeyVersionUse) throws {
            for old in files.keys.versions(role) where old != current {
                let users = role == .tokenPepper ? use.liveTokens[old, default: 0] : use.sealed[old, default: 0]
                if role == .anonymousStore && old == 1 {
                    print("kept    \(files.keys.filePath(role, version: old)): it keys the access log's pseudonyms and MAC chain")
                } else if users > 0 {
                    print("kept    \(files.keys.filePath(role, version: old)): still used by \(users) \(role == .tokenPepper ? "live token(s)" : "value(s)"); run `anongate keys retire` later")
                } else {
                    do { try files.keys.retire(role, version: old) } catch { throw fail(error.description, Exit.keys) }
                    print("retired \(files.keys.filePath(role, version: old)) (nothing uses it)")
                }
            }
        }

        /// Waits while a server holds the data folder's lock and has not taken the version up yet.
        func waitForServer(_ adopted: () async throws -> Bool) async throws {
            let serving: Bool
            do { _ = try InstanceLock.acquire(data: location.data); serving = false } catch { serving = true }
            guard serving else { return }
            print("a server is running: waiting for it to take up the new version …")
            for _ in 0..<max(wait, 1) {
                if try await adopted() { return }
                try await Task.sleep(for: .seconds(1))
            }
            if try await adopted() { return }
            throw fail("the running server did not take up the new version within \(wait) s; nothing is sealed under it yet. Run `anongate keys rotate` again.", Self.notTakenUp)
        }

        func storage<T>(_ body: () async throws -> T) async throws -> T {
            do { return try await body() } catch let error as StoreOpenError {
                throw fail(error.description, error.isKeyProblem ? Exit.keys : Exit.storage)
            } catch let error as ExitCode {
                throw error
            } catch {
                throw fail("the store failed during the rotation (\(type(of: error))); run `anongate keys rotate` again to continue", Exit.storage)
            }
        }
    }

    /// `anongate keys retire`: retires every old version nothing uses any more (the pepper once its
    /// last live token has expired).
    struct Retire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Retire key versions nothing uses any more (never the current one).")
        @OptionGroup var location: StoreOptions

        func run() async throws {
            _ = try location.loadConfiguration()
            let files = location.files
            let rotate = try Rotate.parse(["--store", "anonymous"] + ["--config", location.config, "--data", location.data, "--keys", location.keys])
            for target in Rotate.Target.allCases {
                let role = target.role
                let versions = files.keys.versions(role)
                guard let current = versions.last, versions.count > 1 else {
                    print("\(role.rawValue): one version, nothing to retire")
                    continue
                }
                let use = try await rotate.storage {
                    target == .identified ? try await files.openIdentified().keyVersionUse() : try await files.openAnonymous().keyVersionUse()
                }
                try rotate.retireUnused(files, role: role, current: current, use: use)
            }
        }
    }
}
