import Foundation
import GatewayCore
import GatewayCrypto
@_spi(Testing) import GatewayStore
import GatewayTestSupport
import GRDB
import Testing

/// Backups are consistent online copies sealed under a monthly key; restore brings back everything;
/// a destroyed monthly key makes its backups unreadable (forgetting reaches the backups).
@Suite("Backup and restore")
struct BackupTests {
    let random = SeededRandom(seed: 4242)
    let actor = StaffActor(pseudonym: "p-uturn", providerId: ProviderID("uturn"))
    let today = CalendarDay(iso: "2026-11-23")!

    func context() -> CaseContext { CaseContext(actor: actor, today: today, now: TestFixtures.instant(2026, 11, 23, 9)) }

    func workFolder() throws -> String {
        let work = NSTemporaryDirectory() + "anongate-backup-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        return work
    }

    /// A data folder with a booking (with a sealed message), a case with a note, a staff account and an enrolment.
    func populated(_ work: String) async throws -> (files: StoreFiles, token: Data, code: CaseCode) {
        let files = StoreFiles(data: work + "/data", keys: work + "/Keys")
        _ = try files.prepareKeys(for: StoreFiles.Store.allCases, random: random)
        let anonymous = try files.openAnonymous(), identified = try files.openIdentified()
        let slot = try #require(SlotCalculator(configuration: try TestFixtures.configuration()).slot(SlotID("kk-pas.pas.20261210T0900")!))
        let token = Data(random.bytes(32))
        _ = try await anonymous.book(id: "b1", tokenHash: token, slot: slot, ageBand: .from25, substances: [.cocaine],
                                     requests: BookingRequests(message: "ring ikke"), bookedOn: today)
        let opened = try await anonymous.walkIn(service: .uturn, ageBand: .from18To24, context(), limit: .conversations(5), random: random)
        try await anonymous.addNote(code: opened.anonymousCase.code, text: "første samtale gik godt", noteId: "n1", context())
        try await identified.addStaff(id: "s1", username: "mette", providerId: ProviderID("uturn"), role: .counsellor,
                                      passwordHash: "$argon2id$x", createdOn: today)
        try await identified.insert(Enrolment(id: "e1", providerId: ProviderID("uturn"), startedIn: CalendarMonth(today),
                                              carried: ["goal": "videre"], parentalConsent: true, caseworkerApproval: true))
        return (files, token, opened.anonymousCase.code)
    }

    func backup(_ files: StoreFiles, to destination: String, on day: CalendarDay? = nil) async throws -> String {
        let result = try await StoreBackup.create(
            anonymous: try files.openAnonymous(), identified: try files.openIdentified(), files: files, into: destination,
            keyring: BackupKeyring(keys: files.keys), today: day ?? today, random: random)
        return result.folder
    }

    @Test func aRestoredBackupHoldsEveryBookingCaseNoteStaffAccountAndEnrolment() async throws {
        let work = try workFolder()
        let (files, token, code) = try await populated(work)
        let folder = try await backup(files, to: work + "/backups")
        #expect(folder == work + "/backups/anongate-backup-2026-11-23")
        #expect(FileManager.default.fileExists(atPath: work + "/Keys/backup-2026-11.key"))

        // Nothing readable in the backup folder: no SQLite header, no message, no note, no username.
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + name))
            let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/" + name)
            #expect((attributes[.posixPermissions] as? Int) == 0o600, "\(name)")
            for clear in ["SQLite format 3", "ring ikke", "første samtale", "mette", "videre"] {
                #expect(bytes.range(of: Data(clear.utf8)) == nil, "\(name) holds \(clear)")
            }
        }

        let restoredFiles = StoreFiles(data: work + "/restored", keys: work + "/Keys")
        let restored = try await StoreBackup.restore(from: folder, into: restoredFiles, keyring: BackupKeyring(keys: restoredFiles.keys))
        var expected = BackupContents()
        expected.bookings = 1; expected.cases = 1; expected.notes = 1; expected.accessLogEntries = 2
        expected.staffAccounts = 1; expected.enrolments = 1
        #expect(restored.contents == expected)
        #expect(restored.auditLog == .intact(entries: 2, first: 1, last: 2, checkpoints: 0))

        let anonymous = try restoredFiles.openAnonymous(), identified = try restoredFiles.openIdentified()
        let booking = try await anonymous.liveBooking(tokenHash: token)
        #expect(booking.requests.message == "ring ikke")
        #expect(booking.substances == [.cocaine])
        #expect(try await anonymous.notes(code: code, context()).map(\.text) == ["første samtale gik godt"])
        #expect(try await identified.staffMembers().map(\.username) == ["mette"])
        #expect(try await identified.enrolment(id: "e1")?.carried == ["goal": "videre"])
    }

    /// Once the purge destroys a month's key, that month's backups cannot be opened — and restore
    /// says so, leaving the data folder empty.
    @Test func aBackupWhosePeriodKeyWasDestroyedCannotBeOpened() async throws {
        let work = try workFolder()
        let (files, _, _) = try await populated(work)
        let folder = try await backup(files, to: work + "/backups")
        let keyring = BackupKeyring(keys: files.keys)
        #expect(keyring.periods() == [CalendarMonth(iso: "2026-11")!])
        try keyring.destroy(CalendarMonth(iso: "2026-11")!)
        #expect(keyring.periods().isEmpty)

        let target = StoreFiles(data: work + "/restored", keys: work + "/Keys")
        await #expect {
            try await StoreBackup.restore(from: folder, into: target, keyring: keyring)
        } throws: { error in
            guard let error = error as? BackupError, case .periodKeyGone(let period, _) = error else { return false }
            return period == "2026-11" && error.isKeyProblem
        }
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: work + "/restored")) ?? []).isEmpty)
        // Another month's key does not open it either: the sealed files name their month.
        let other = CalendarMonth(iso: "2026-12")!
        _ = try keyring.key(for: other, random: random)
        try FileManager.default.moveItem(atPath: keyring.filePath(other), toPath: keyring.filePath(CalendarMonth(iso: "2026-11")!))
        await #expect {
            try await StoreBackup.restore(from: folder, into: target, keyring: keyring)
        } throws: { error in
            guard let error = error as? BackupError, case .cannotOpen = error else { return false }
            return true
        }
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: work + "/restored")) ?? []).isEmpty)
    }

    @Test func aDamagedOrCutBackupIsRefusedAndLeavesNothing() async throws {
        let work = try workFolder()
        let (files, _, _) = try await populated(work)
        let folder = try await backup(files, to: work + "/backups")
        let sealed = folder + "/anonymous.sqlite.sealed"
        let original = try Data(contentsOf: URL(fileURLWithPath: sealed))
        let target = StoreFiles(data: work + "/restored", keys: work + "/Keys")
        for damaged in [original.prefix(original.count - 100), { var copy = original; copy[copy.count / 2] ^= 0x01; return copy }()] {
            try damaged.write(to: URL(fileURLWithPath: sealed))
            await #expect {
                try await StoreBackup.restore(from: folder, into: target, keyring: BackupKeyring(keys: files.keys))
            } throws: { error in
                guard let error = error as? BackupError, case .cannotOpen = error else { return false }
                return true
            }
            #expect(((try? FileManager.default.contentsOfDirectory(atPath: work + "/restored")) ?? []).isEmpty)
        }
    }

    @Test func restoreRefusesADataFolderThatIsNotEmpty() async throws {
        let work = try workFolder()
        let (files, _, _) = try await populated(work)
        let folder = try await backup(files, to: work + "/backups")
        await #expect {
            try await StoreBackup.restore(from: folder, into: files, keyring: BackupKeyring(keys: files.keys))
        } throws: { error in
            guard let error = error as? BackupError, case .dataFolderNotEmpty(_, let names) = error else { return false }
            return names.contains("anonymous.sqlite")
        }
    }

    /// A month's backup key lives until the longest retention period has passed since the month's
    /// last day (Copenhagen: 730 days, the access log's).
    @Test func aBackupKeyExpiresWhenItsMonthIsPastTheLongestRetention() throws {
        let policy = try TestFixtures.configuration().retention
        #expect(policy.longestDays == 730)
        let november = CalendarMonth(iso: "2026-11")!
        // 2026-11-30 + 730 days = 2028-11-29 (2028 is a leap year): the key lives through that day.
        #expect(!policy.backupKeyExpired(november, today: CalendarDay(iso: "2028-11-29")!))
        #expect(policy.backupKeyExpired(november, today: CalendarDay(iso: "2028-11-30")!))
        // 2026-12-31 + 730 days = 2028-12-30.
        #expect(!policy.backupKeyExpired(CalendarMonth(iso: "2026-12")!, today: CalendarDay(iso: "2028-12-30")!))
        #expect(policy.backupKeyExpired(CalendarMonth(iso: "2026-12")!, today: CalendarDay(iso: "2028-12-31")!))
    }

    /// Two backups on one day get two folders; the second does not overwrite the first.
    @Test func twoBackupsOnOneDayGetTwoFolders() async throws {
        let work = try workFolder()
        let (files, _, _) = try await populated(work)
        let first = try await backup(files, to: work + "/backups")
        let second = try await backup(files, to: work + "/backups")
        #expect(first != second)
        #expect(second.hasSuffix("anongate-backup-2026-11-23-2"))
        // No plaintext copy stays in the data folder.
        #expect(try FileManager.default.contentsOfDirectory(atPath: work + "/data").filter { $0.hasPrefix(".backup-") }.isEmpty)
    }
}
