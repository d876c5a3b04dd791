import Foundation
import GatewayCore
import GatewayCrypto
import GatewayStore
import GRDB
import Testing

/// `anongate doctor` on a healthy installation, and on broken ones: each break is named on its own
/// `FAIL` line and the exit status is 1.
@Suite("anongate doctor")
struct DoctorTests {
    let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    /// A fresh installation with a staff account, three access-log entries and today's backup.
    func healthy() async throws -> (work: String, location: [String]) {
        let work = NSTemporaryDirectory() + "anongate-doctor-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        let location = ["--config", repository + "/Config/gateway.yaml", "--data", work + "/data", "--keys", work + "/Keys"]
        #expect(try Anongate.run(["keys", "init", "--keys", work + "/Keys", "--data", work + "/data"], in: work).status == 0)
        let added = try Anongate.run(["staff", "add", "--username", "mette", "--provider", "uturn", "--role", "counsellor"] + location,
                                     input: "a long enough password 42\n", in: work)
        #expect(added.status == 0, "\(added.err)")
        do {
            let store = try StoreFiles(data: work + "/data", keys: work + "/Keys").openAnonymous()
            for byte in UInt8(0)..<3 {
                try await store.logRefusal(code: CaseCode(randomBytes: [byte, 3, 3, 3, 3]), CaseContext(
                    actor: StaffActor(pseudonym: "p1", providerId: ProviderID("uturn")), today: CalendarDay(iso: "2026-11-23")!, now: Date()))
            }
        }
        #expect(try Anongate.run(["backup", work + "/backups"] + location, in: work).status == 0)
        return (work, location + ["--backups", work + "/backups"])
    }

    func doctor(_ location: [String], in work: String) throws -> (status: Int32, out: String) {
        let result = try Anongate.run(["doctor"] + location, in: work)
        return (result.status, result.out)
    }

    func failures(_ out: String) -> [String] { out.split(separator: "\n").filter { $0.hasPrefix("FAIL") }.map(String.init) }

    @Test func aHealthyInstallationPassesEveryCheck() async throws {
        let (work, location) = try await healthy()
        let result = try doctor(location, in: work)
        #expect(result.status == 0, "\(result.out)")
        for check in ["config", "keys folder", "key anonymous-store", "anonymous integrity", "identified foreign keys", "anonymous migrations",
                      "anonymous key check", "retention", "access log", "separation", "linkability", "backup"] {
            #expect(result.out.contains("ok    \(check)"), "\(check) in \(result.out)")
        }
        #expect(result.out.contains("intact: 3 entries"))
        #expect(result.out.contains("versions recorded: anonymous-store v1; token-pepper v1"))
        #expect(result.out.hasSuffix("all checks passed\n"))
    }

    @Test func aKeyFileOpenToOthersFails() async throws {
        let (work, location) = try await healthy()
        chmod(work + "/Keys/token-pepper.key", 0o644)
        let result = try doctor(location, in: work)
        #expect(result.status == 1)
        #expect(failures(result.out).contains { $0.contains("key token-pepper") && $0.contains("chmod 600") })
    }

    @Test func aKeysFolderOpenToOthersFails() async throws {
        let (work, location) = try await healthy()
        chmod(work + "/Keys", 0o755)
        let result = try doctor(location, in: work)
        #expect(result.status == 1)
        #expect(failures(result.out).contains { $0.contains("keys folder") && $0.contains("mode 755") })
    }

    @Test func aKeyThatDidNotSealTheDatabaseFails() async throws {
        let (work, location) = try await healthy()
        let other = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString() + "\n"
        try other.write(toFile: work + "/Keys/token-pepper.key", atomically: true, encoding: .utf8)
        chmod(work + "/Keys/token-pepper.key", 0o600)
        let result = try doctor(location, in: work)
        #expect(result.status == 1)
        #expect(failures(result.out).contains { $0.contains("anonymous key check") && $0.contains("token-pepper v1") })
        #expect(result.out.contains("skipped: fix the failures above first"))
    }

    @Test func aDamagedDatabaseFails() async throws {
        let (work, location) = try await healthy()
        let path = work + "/data/identified.sqlite"
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(bytes.count >= 8192)
        for index in 4096..<bytes.count { bytes[index] = 0xA5 }   // every page but the first
        try bytes.write(to: URL(fileURLWithPath: path))
        let result = try doctor(location, in: work)
        #expect(result.status == 1)
        #expect(failures(result.out).contains { $0.contains("identified") })
    }

    @Test func aTamperedAccessLogFails() async throws {
        let (work, location) = try await healthy()
        let queue = try DatabaseQueue(path: work + "/data/anonymous.sqlite")
        try await queue.write { db in
            try db.execute(sql: "DROP TRIGGER access_log_no_delete; DELETE FROM access_log WHERE seq = 2")
        }
        try queue.close()
        let result = try doctor(location, in: work)
        #expect(result.status == 1)
        #expect(failures(result.out).contains { $0.contains("access log") && $0.contains("entry 2 was removed") })
    }

    @Test func aStaffIdInTheAnonymousStoreFailsTheSeparationAudit() async throws {
        let (work, location) = try await healthy()
        let staffId = try await DatabaseQueue(path: work + "/data/identified.sqlite").read { db in
            try String.fetchOne(db, sql: "SELECT id FROM staff_account")!
        }
        let queue = try DatabaseQueue(path: work + "/data/anonymous.sqlite")
        try await queue.write { db in
            try db.execute(sql: """
                INSERT INTO anonymous_case (code, serviceId, providerId, ageBand, openedOn, status, referralProviderId)
                VALUES ('ZZZZ-ZZZZ', 'uturn', 'uturn', '18-24', '2026-11-23', 'open', ?)
                """, arguments: [staffId])
        }
        try queue.close()
        let result = try doctor(location, in: work)
        #expect(result.status == 1)
        #expect(failures(result.out).contains { $0.contains("separation") && $0.contains("anonymous_case.referralProviderId") })
    }

    @Test func aBackupKeyPastItsPeriodAndAStaleBackupFail() async throws {
        let (work, location) = try await healthy()
        let stale = Data(repeating: 7, count: 32).base64EncodedString() + "\n"
        FileManager.default.createFile(atPath: work + "/Keys/backup-2020-01.key", contents: Data(stale.utf8), attributes: [.posixPermissions: 0o600])
        let result = try doctor(location + ["--backup-max-age-days=-1"], in: work)
        #expect(result.status == 1)
        let failed = failures(result.out)
        #expect(failed.contains { $0.contains("backup key 2020-01") })
        #expect(failed.contains { $0.contains("retention") && $0.contains("1 backup keys") })
        #expect(failed.contains { $0.contains("backup") && $0.contains("days old") })
    }

    /// A pending migration is reported, and doctor does not apply it (it only reads).
    @Test func aPendingMigrationIsReportedAndNotApplied() async throws {
        let (work, location) = try await healthy()
        let queue = try DatabaseQueue(path: work + "/data/identified.sqlite")
        let last = try await queue.read { db in try String.fetchOne(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid DESC LIMIT 1")! }
        try await queue.write { db in try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = ?", arguments: [last]) }
        try queue.close()
        let result = try doctor(location, in: work)
        #expect(result.out.split(separator: "\n").contains { $0.hasPrefix("warn  identified migrations") && $0.contains("pending: \(last)") })
        let still = try await DatabaseQueue(path: work + "/data/identified.sqlite").read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM grdb_migrations WHERE identifier = ?", arguments: [last])
        }
        #expect(still == 0)
    }

    /// A backup that crashed mid-way leaves plaintext copies in the data folder: doctor fails on
    /// them, and the next backup removes them.
    @Test func plaintextLeftByACrashedBackupFailsAndTheNextBackupRemovesIt() async throws {
        let (work, location) = try await healthy()
        try FileManager.default.createDirectory(atPath: work + "/data/.backup-crashed", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: work + "/data/.backup-crashed/anonymous.sqlite", contents: Data("plain".utf8))
        let result = try doctor(location, in: work)
        #expect(result.status == 1)
        #expect(failures(result.out).contains { $0.contains("backup scratch") && $0.contains(".backup-crashed") })
        #expect(try Anongate.run(["backup", work + "/backups"] + location.prefix(6), in: work).status == 0)
        #expect(!FileManager.default.fileExists(atPath: work + "/data/.backup-crashed"))
        #expect(try doctor(location, in: work).status == 0)
    }
}
