import GatewayCore
import GatewayStore
import GRDB
import Foundation
import Testing

/// The `anongate` executable, built beside this test bundle by README's test command.
enum Anongate {
    static var executable: String {
        let bundleFolder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundleFolder, bundleFolder.deletingLastPathComponent(), bundleFolder.deletingLastPathComponent().deletingLastPathComponent()] {
            let path = candidate.appendingPathComponent("anongate").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return bundleFolder.appendingPathComponent("anongate").path
    }

    /// Starts `anongate serve --port 0` with its log in `work/serve.log` and waits (up to 15 s) until it listens.
    static func serve(_ location: [String], in work: String) async throws -> Process {
        let server = Process()
        server.executableURL = URL(fileURLWithPath: executable)
        server.arguments = ["serve", "--port", "0"] + location
        server.currentDirectoryURL = URL(fileURLWithPath: work)
        FileManager.default.createFile(atPath: work + "/serve.log", contents: nil)
        server.standardOutput = FileHandle.nullDevice
        server.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: work + "/serve.log"))
        try server.run()
        for _ in 0..<150 {
            // `try?`: the log may not exist for the first few milliseconds; the loop looks again.
            if ((try? String(contentsOfFile: work + "/serve.log", encoding: .utf8)) ?? "").contains("listening") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        return server
    }

    /// Runs `anongate` with arguments and standard input; answers the exit status and both outputs.
    static func run(_ arguments: [String], input: String = "", in folder: String) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin; process.standardOutput = stdout; process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let out = stdout.fileHandleForReading.readDataToEndOfFile(), err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }
}

@Suite("Threat: a wrong key, from the command line")
struct CommandLineKeyTests {
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    @Test func keysInitAndStaffCommandsRefuseAKeyThatDidNotSealTheDatabaseWithExit77() throws {
        let work = NSTemporaryDirectory() + "anongate-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let location = ["--config", repository + "/Config/gateway.yaml", "--data", work + "/data", "--keys", work + "/Keys"]

        // A brand-new install: `staff add` makes the identified store's key and says so — not "restore it".
        let added = try Anongate.run(["staff", "add", "--username", "anna", "--provider", "uturn", "--role", "counsellor"] + location,
                                     input: "a long enough password\n", in: work)
        #expect(added.status == 0, "\(added.err)")
        #expect(added.err.contains("created keys") && added.err.contains("identified-store.key"))
        #expect(!added.err.contains("restore"))
        #expect(try Anongate.run(["staff", "totp", "anna"] + location, in: work).status == 0)

        // The key is lost; `keys init --data` refuses to make a new one beside identified.sqlite.
        try FileManager.default.removeItem(atPath: work + "/Keys/identified-store.key")
        let initialised = try Anongate.run(["keys", "init", "--keys", work + "/Keys", "--data", work + "/data"], in: work)
        #expect(initialised.status == 77)
        #expect(initialised.err.contains("identified.sqlite exists"))
        #expect(!FileManager.default.fileExists(atPath: work + "/Keys/identified-store.key"))

        // A new key made another way: every command stops with 77, naming the file, saying what happened.
        #expect(try Anongate.run(["keys", "init", "--keys", work + "/Keys", "--data", work + "/elsewhere"], in: work).status == 0)
        let listed = try Anongate.run(["staff", "list"] + location, in: work)
        #expect(listed.status == 77)
        #expect(listed.err.contains("identified.sqlite"))
        #expect(listed.err.contains("this key did not seal this database; restore the key from your backup"))
        #expect(!listed.out.contains("anna"))
    }

    @Test func purgeDryRunPrintsCountsOnlyAndChangesNothing() throws {
        let work = NSTemporaryDirectory() + "anongate-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let location = ["--config", repository + "/Config/gateway.yaml", "--data", work + "/data", "--keys", work + "/Keys"]
        let dry = try Anongate.run(["purge", "--dry-run"] + location, in: work)
        #expect(dry.status == 0, "\(dry.err)")
        #expect(dry.out.contains("would remove (dry run, nothing changed):"))
        #expect(dry.out.contains("closed cases         0"))
        let real = try Anongate.run(["purge"] + location, in: work)
        #expect(real.status == 0)
        #expect(real.out.hasPrefix("removed:"))
        let broken = try Anongate.run(["purge", "--config", work + "/missing.yaml", "--data", work + "/data", "--keys", work + "/Keys"], in: work)
        #expect(broken.status == 78)
    }

    /// `audit verify` exits 0 on an intact log and 65 naming the first changed entry, with the
    /// triggers dropped; a malformed `--checkpoint` is a usage error (64).
    @Test func auditVerifyNamesTheFirstChangedEntryAndExits65() async throws {
        let work = NSTemporaryDirectory() + "anongate-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let location = ["--config", repository + "/Config/gateway.yaml", "--data", work + "/data", "--keys", work + "/Keys"]
        let missing = try Anongate.run(["audit", "verify"] + location, in: work)
        #expect(missing.status == 74)
        #expect(!FileManager.default.fileExists(atPath: work + "/Keys"))
        #expect(try Anongate.run(["keys", "init", "--keys", work + "/Keys", "--data", work + "/data"], in: work).status == 0)
        do {
            let files = StoreFiles(data: work + "/data", keys: work + "/Keys")
            let store = try files.openAnonymous()
            let actor = StaffActor(pseudonym: "p1", providerId: ProviderID("uturn"))
            for byte in UInt8(0)..<4 {
                try await store.logRefusal(code: CaseCode(randomBytes: [byte, 2, 2, 2, 2]),
                                           CaseContext(actor: actor, today: CalendarDay(iso: "2026-11-23")!, now: Date()))
            }
        }
        let intact = try Anongate.run(["audit", "verify"] + location, in: work)
        #expect(intact.status == 0, "\(intact.err)")
        #expect(intact.out.contains("access log intact: 4 entries (entries 1–4)"))
        let queue = try DatabaseQueue(path: work + "/data/anonymous.sqlite")
        try await queue.write { db in
            try db.execute(sql: "DROP TRIGGER access_log_no_update; UPDATE access_log SET action = 'check-in' WHERE seq = 2")
        }
        let bent = try Anongate.run(["audit", "verify"] + location, in: work)
        #expect(bent.status == 65)
        #expect(bent.out.contains("entry 2 (row 2) was changed"))
        #expect(try Anongate.run(["audit", "verify", "--checkpoint", "7.x.y"] + location, in: work).status == 64)
    }

    /// `keys rotate` while `serve` runs: the rotation waits until the server has taken up the new
    /// version (its maintenance tick), re-seals, and retires what nothing uses; the server keeps
    /// working and stops cleanly.
    @Test func keysRotateWhileTheServerRuns() async throws {
        let work = NSTemporaryDirectory() + "anongate-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        // A tick every 5 s (the least the config allows), so the server looks at the key folder soon.
        let config = try String(contentsOfFile: repository + "/Config/gateway.yaml", encoding: .utf8)
            .replacingOccurrences(of: "walCheckpointSeconds: 60", with: "walCheckpointSeconds: 5")
        try config.write(toFile: work + "/gateway.yaml", atomically: true, encoding: .utf8)
        let location = ["--config", work + "/gateway.yaml", "--data", work + "/data", "--keys", work + "/Keys"]
        #expect(try Anongate.run(["keys", "init", "--keys", work + "/Keys", "--data", work + "/data"], in: work).status == 0)
        #expect(try Anongate.run(["staff", "add", "--username", "mette", "--provider", "uturn", "--role", "counsellor"] + location,
                                 input: "a long enough password 42\n", in: work).status == 0)
        _ = try Anongate.run(["staff", "totp", "mette"] + location, in: work)

        let server = try await Anongate.serve(location, in: work)
        defer { if server.isRunning { server.terminate() } }

        let identified = try Anongate.run(["keys", "rotate", "--store", "identified", "--wait", "30"] + location, in: work)
        #expect(identified.status == 0, "\(identified.out) \(identified.err)")
        #expect(identified.out.contains("a server is running: waiting for it to take up the new version"))
        #expect(identified.out.contains("re-sealed 1 value(s) under identified-store v2"))
        #expect(identified.out.contains("retired"))
        let pepper = try Anongate.run(["keys", "rotate", "--store", "pepper", "--wait", "30"] + location, in: work)
        #expect(pepper.status == 0, "\(pepper.out) \(pepper.err)")
        let files = try FileManager.default.contentsOfDirectory(atPath: work + "/Keys").sorted()
        #expect(files.contains("identified-store.v2.key") && !files.contains("identified-store.key"))
        #expect(files.contains("token-pepper.v2.key"))
        #expect(try Anongate.run(["staff", "list"] + location, in: work).out.contains("totp"))

        server.terminate()
        server.waitUntilExit()
        #expect(server.terminationStatus == 0)
        let log = (try? String(contentsOfFile: work + "/serve.log", encoding: .utf8)) ?? ""
        #expect(!log.contains("were not taken up"), "\(log)")
        #expect(try Anongate.run(["doctor"] + location, in: work).out.contains("ok    versions identified-store"))
    }

    /// `backup DIR` seals both stores under this month's key; `restore DIR` brings them back into an
    /// empty data folder and says what it restored; a destroyed month key is exit 77.
    @Test func backupAndRestoreFromTheCommandLine() throws {
        let work = NSTemporaryDirectory() + "anongate-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let config = ["--config", repository + "/Config/gateway.yaml"]
        let location = config + ["--data", work + "/data", "--keys", work + "/Keys"]
        let noData = try Anongate.run(["backup", work + "/backups"] + location, in: work)
        #expect(noData.status == 74)
        let added = try Anongate.run(["staff", "add", "--username", "mette", "--provider", "uturn", "--role", "counsellor"] + location,
                                     input: "a long enough password 42\n", in: work)
        #expect(added.status == 0, "\(added.err)")
        _ = try Anongate.run(["purge"] + location, in: work)   // creates the anonymous store
        #expect(try Anongate.run(["backup", work + "/Keys/inside"] + location, in: work).status == 64)
        let backup = try Anongate.run(["backup", work + "/backups"] + location, in: work)
        #expect(backup.status == 0, "\(backup.err)")
        let folder = try #require(backup.out.split(separator: "\n").first?.replacingOccurrences(of: "backup written: ", with: ""))
        #expect(backup.out.contains("staff accounts       1"))

        let refused = try Anongate.run(["restore", folder] + location, in: work)
        #expect(refused.status == 74)
        #expect(refused.err.contains("restore only into an empty data folder"))
        let restoredLocation = config + ["--data", work + "/restored", "--keys", work + "/Keys"]
        let restored = try Anongate.run(["restore", folder] + restoredLocation, in: work)
        #expect(restored.status == 0, "\(restored.err)")
        #expect(restored.out.contains("integrity_check ok, key checks ok"))
        #expect(restored.out.contains("staff accounts       1"))
        #expect(restored.out.contains("access log: intact"))
        #expect(try Anongate.run(["staff", "list"] + restoredLocation, in: work).out.contains("mette"))

        #expect(try Anongate.run(["restore", work] + config + ["--data", work + "/other", "--keys", work + "/Keys"], in: work).status == 66)
        for name in try FileManager.default.contentsOfDirectory(atPath: work + "/Keys") where name.hasPrefix("backup-") {
            try FileManager.default.removeItem(atPath: work + "/Keys/" + name)
        }
        let gone = try Anongate.run(["restore", folder] + config + ["--data", work + "/again", "--keys", work + "/Keys"], in: work)
        #expect(gone.status == 77)
        #expect(gone.err.contains("can no longer be opened"))
    }

    /// One instance per data folder: a second `serve` refuses to start, naming the first one's PID;
    /// the first stops cleanly (exit 0) on SIGTERM.
    @Test func aSecondServeOnTheSameDataFolderRefusesToStart() async throws {
        let work = NSTemporaryDirectory() + "anongate-cli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let location = ["--config", repository + "/Config/gateway.yaml", "--data", work + "/data", "--keys", work + "/Keys"]
        // Started once it listens (and so holds the lock and has its signal handlers).
        let first = try await Anongate.serve(location, in: work)
        defer { if first.isRunning { first.terminate() } }
        let held = ((try? String(contentsOfFile: work + "/data/anongate.lock", encoding: .utf8)) ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(held == "\(first.processIdentifier)")
        let second = try Anongate.run(["serve", "--port", "0"] + location, in: work)
        #expect(second.status == 74)
        #expect(second.err.contains("PID \(first.processIdentifier)"))
        first.terminate()
        first.waitUntilExit()
        #expect(first.terminationStatus == 0)
    }
}
