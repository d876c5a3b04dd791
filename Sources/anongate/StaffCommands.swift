import ArgumentParser
import Foundation
import GatewayConfig
import GatewayCore
import GatewayCrypto
import GatewayStore
#if canImport(Glibc)
import Glibc
#endif

/// Staff accounts live in the identified store; these commands load only its key.
struct Staff: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage staff accounts (identified store).", subcommands: [Add.self, List.self, Disable.self, Enable.self, TOTPSetup.self])

    static func failure(_ error: StaffStoreError, _ username: String) -> ExitCode {
        error == .unknownUser ? fail("no such account: \(username)", ExitCode.failure)
            : fail("the identified store refused the change; nothing was changed", Exit.storage)
    }

    struct Location: ParsableArguments {
        @Option(help: "The gateway's configuration file.") var config = "Config/gateway.yaml"
        @Option(help: "Folder for the databases.") var data = "./data"
        @Option(help: "Folder holding the key files.") var keys = "./Keys"

        func openStore() throws -> (GatewayConfiguration, IdentifiedStore) {
            let configuration: GatewayConfiguration
            do { configuration = try ConfigurationLoader.load(file: config) } catch { throw fail(error.description, Exit.configuration) }
            let files = StoreFiles(data: data, keys: keys)
            do {
                announce(try files.prepareKeys(for: [.identified], random: SystemRandomSource()))
                return (configuration, try files.openIdentified())
            } catch {
                throw fail(error.description, error.isKeyProblem ? Exit.keys : Exit.storage)
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a staff account. The password is read from standard input.")
        @Option(help: "a–z, 0–9, '.', '-', '_'; 3–40 characters.") var username: String
        @Option(help: "The provider the account belongs to, e.g. uturn.") var provider: String
        @Option(help: "counsellor, phone, provider-admin, manager or auditor.") var role: String
        @OptionGroup var location: Location

        func run() async throws {
            guard StaffMember.isValidUsername(username) else {
                throw fail("--username: use 3–40 of a–z, 0–9, '.', '-', '_'", ExitCode.validationFailure)
            }
            guard let staffRole = StaffRole(rawValue: role) else {
                throw fail("--role: one of \(StaffRole.allCases.map(\.rawValue).joined(separator: ", "))", ExitCode.validationFailure)
            }
            let (configuration, store) = try location.openStore()
            guard configuration.provider(ProviderID(provider)) != nil else {
                throw fail("--provider: unknown provider \(provider) (known: \(configuration.providers.map(\.id.rawValue).joined(separator: ", ")))", ExitCode.validationFailure)
            }
            let password = readPassword()
            guard password.count >= 12 else { throw fail("the password must have at least 12 characters", ExitCode.validationFailure) }
            let random = SystemRandomSource()
            let hash = try PasswordHasher().hash(password, random: random)
            let today = SlotCalculator(configuration: configuration).day(of: Date())
            do {
                try await store.addStaff(id: random.bytes(16).hexString, username: username,
                                   providerId: ProviderID(provider), role: staffRole, passwordHash: hash, createdOn: today)
            } catch .usernameTaken {
                throw fail("the username \(username) is taken", ExitCode.failure)
            } catch {
                throw fail("the account could not be saved in \(location.data); nothing was changed", Exit.storage)
            }
            print("added \(username) (\(staffRole.rawValue) at \(provider))")
        }

        func readPassword() -> String {
            if isatty(STDIN_FILENO) == 1, let typed = getpass("Password for \(username): ") { return String(cString: typed) }
            return readLine(strippingNewline: true) ?? ""
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List staff accounts.")
        @OptionGroup var location: Location

        func run() async throws {
            let (_, store) = try location.openStore()
            print("username\tprovider\trole\tstate\tsecond factor")
            let members: [StaffMember]
            do { members = try await store.staffMembers() } catch {
                throw fail("the identified store in \(location.data) could not be read", Exit.storage)
            }
            for member in members {
                print("\(member.username)\t\(member.providerId)\t\(member.role.rawValue)\t\(member.disabled ? "disabled" : "active")\t\(member.totpEnabled ? "totp" : "-")")
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account; its sessions stop working at once.")
        @Argument var username: String
        @OptionGroup var location: Location

        func run() async throws {
            let (_, store) = try location.openStore()
            do { try await store.setDisabled(username: username, true) } catch { throw Staff.failure(error, username) }
            print("disabled \(username)")
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled account.")
        @Argument var username: String
        @OptionGroup var location: Location

        func run() async throws {
            let (_, store) = try location.openStore()
            do { try await store.setDisabled(username: username, false) } catch { throw Staff.failure(error, username) }
            print("enabled \(username)")
        }
    }

    struct TOTPSetup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "totp", abstract: "Turn on a TOTP second factor (RFC 6238) and print its otpauth URI.")
        @Argument var username: String
        @OptionGroup var location: Location

        func run() async throws {
            let (_, store) = try location.openStore()
            let secret = SystemRandomSource().bytes(20)
            do { try await store.setTOTPSecret(username: username, secret) } catch { throw Staff.failure(error, username) }
            print("otpauth://totp/anongate:\(username)?secret=\(TOTP.base32(secret))&issuer=anongate&algorithm=SHA1&digits=6&period=30")
            print("Add it to the authenticator app now; it is not shown again.")
        }
    }
}
