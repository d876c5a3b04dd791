import ArgumentParser
import Foundation
import GatewayConfig
import GatewayCore
import GatewayCrypto
import GatewayServices
import GatewayStore
#if canImport(Glibc)
import Glibc
#endif

/// `anongate doctor`: one line per check, `ok`, `warn` or `FAIL`; exit 1 when anything failed.
/// Reads only: the stores are inspected read-only first, and opened (which migrates) only when no
/// migration is pending and every key check matched.
struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check config, keys, both stores, retention, the access log, separation, linkability and backups; exit 1 when anything is wrong.")

    @OptionGroup var location: StoreOptions
    @Option(help: "The backup folder (as given to `anongate backup`), to check the newest backup's age.") var backups: String?
    @Option(help: "The newest backup may be at most this many days old.") var backupMaxAgeDays = 2

    /// k of the linkability model (SECURITY.md, "The crossing").
    static let k = 5

    final class Report {
        var failures = 0
        func ok(_ check: String, _ detail: String) { line("ok  ", check, detail) }
        func warn(_ check: String, _ detail: String) { line("warn", check, detail) }
        func fail(_ check: String, _ detail: String) { failures += 1; line("FAIL", check, detail) }
        private func line(_ status: String, _ check: String, _ detail: String) {
            print("\(status)  \(check.padding(toLength: 26, withPad: " ", startingAt: 0)) \(detail)")
        }
    }

    func run() async throws {
        let report = Report()
        let files = location.files
        let configuration: GatewayConfiguration?
        do {
            configuration = try ConfigurationLoader.load(file: location.config)
            report.ok("config", location.config)
        } catch {
            configuration = nil
            report.fail("config", error.description)
        }
        let today = configuration.map { SlotCalculator(configuration: $0).day(of: Date()) }

        var keysSound = checkKeyFolder(files.keys.path, report)
        for role in KeyRole.allCases {
            do {
                let ring = try files.keys.loadRing(role)
                let names = ring.versions.map { files.keys.fileName(role, version: $0) }.joined(separator: ", ")
                report.ok("key \(role.rawValue)", "\(names) present, mode 0600; current v\(ring.current)")
            } catch {
                keysSound = false
                report.fail("key \(role.rawValue)", error.description)
            }
        }
        let keyring = BackupKeyring(keys: files.keys)
        for period in keyring.periods() {
            do { _ = try keyring.existingKey(for: period) } catch { report.fail("backup key \(period)", error.description); continue }
            if let configuration, let today, configuration.retention.backupKeyExpired(period, today: today) {
                report.fail("backup key \(period)", "its month is past the longest retention period: the purge should have destroyed it (is `serve` running its daily purge?)")
            }
        }

        var storesReady = keysSound
        for store in StoreFiles.Store.allCases {
            guard files.databaseExists(store) else {
                storesReady = false
                report.fail(store.fileName, "\(files.databasePath(store)) does not exist (a new install: `anongate serve` creates it)")
                continue
            }
            let inspection: StoreInspection
            do { inspection = try files.inspect(store) } catch {
                storesReady = false
                report.fail(store.fileName, "cannot be opened read-only: \(error)")
                continue
            }
            if inspection.integrity == ["ok"] { report.ok("\(store.rawValue) integrity", "PRAGMA integrity_check ok") } else {
                storesReady = false
                report.fail("\(store.rawValue) integrity", inspection.integrity.prefix(3).joined(separator: "; "))
            }
            if inspection.foreignKeyViolations == 0 { report.ok("\(store.rawValue) foreign keys", "no violation") } else {
                report.fail("\(store.rawValue) foreign keys", "\(inspection.foreignKeyViolations) rows break a foreign key")
            }
            if inspection.pendingMigrations.isEmpty { report.ok("\(store.rawValue) migrations", "none pending") } else {
                storesReady = false
                report.warn("\(store.rawValue) migrations", "pending: \(inspection.pendingMigrations.joined(separator: ", ")) — `serve` applies them when it starts")
            }
            let mismatched = inspection.keyChecks.filter { $0.matches == false }
            let versions = Dictionary(grouping: inspection.keyChecks, by: \.role).map { "\($0.key) v\($0.value.map { String($0.version) }.joined(separator: ",v"))" }.sorted()
            if let bad = mismatched.first {
                storesReady = false
                report.fail("\(store.rawValue) key check", "\(bad.role) v\(bad.version): this key did not seal this database; restore the key from your backup")
            } else if inspection.keyChecks.isEmpty {
                report.warn("\(store.rawValue) key check", "none recorded yet (recorded on the next open)")
            } else {
                report.ok("\(store.rawValue) key check", "matches; versions recorded: \(versions.joined(separator: "; "))")
            }
        }

        guard storesReady, let configuration else {
            report.warn("store audits", "skipped: fix the failures above first")
            return try finish(report)
        }
        let anonymous: AnonymousStore, identified: IdentifiedStore
        do {
            anonymous = try files.openAnonymous()
            identified = try files.openIdentified()
        } catch {
            report.fail("stores", error.description)
            return try finish(report)
        }
        await audit(anonymous: anonymous, identified: identified, configuration: configuration, keyring: keyring, today: today!, report)
        try finish(report)
    }

    func audit(anonymous: AnonymousStore, identified: IdentifiedStore, configuration: GatewayConfiguration,
               keyring: BackupKeyring, today: CalendarDay, _ report: Report) async {
        do {
            let overdue = try await DataRetention(store: anonymous, configuration: configuration, clock: SystemClock(), backupKeys: keyring)
                .purge(dryRun: true)
            if overdue.total + overdue.backupKeys == 0 { report.ok("retention", "nothing past its period") } else {
                report.fail("retention", "overdue: \(overdue.cancelledBookings) cancelled and \(overdue.unattendedBookings) unattended bookings, \(overdue.closedCases) closed cases, \(overdue.handledComplaints) handled complaints, \(overdue.accessLogEntries) access-log entries, \(overdue.backupKeys) backup keys (is the daily purge running? `anongate purge` removes them now)")
            }
        } catch {
            report.fail("retention", "the anonymous store could not be read")
        }
        do {
            switch try await anonymous.verifyAccessLog() {
            case .intact(let entries, _, _, let checkpoints): report.ok("access log", "intact: \(entries) entries, \(checkpoints) signed checkpoint(s)")
            case .tampered(let finding): report.fail("access log", "tampered: \(finding)")
            }
        } catch {
            report.fail("access log", "could not be read")
        }
        let providers = Set(configuration.providers.map(\.id.rawValue))
        do {
            let leaks = try await CrossStoreAudit.separation(anonymous: anonymous.reader, identified: identified.reader, providers: providers)
            if leaks.isEmpty { report.ok("separation", "no value of one store appears in the other") } else {
                report.fail("separation", "\(leaks.count) shared value(s): \(leaks.prefix(3).map(\.description).joined(separator: "; "))")
            }
            let link = try await CrossStoreAudit.linkability(anonymous: anonymous.reader, identified: identified.reader)
            let needed = min(Self.k, link.transferredCases)
            if let smallest = link.smallestMatch, smallest < needed {
                report.fail("linkability", "an enrolment matches only \(smallest) of \(link.transferredCases) transferred cases (needed \(needed))")
            } else {
                report.ok("linkability", "\(link.enrolments) enrolment(s), each matching at least min(\(Self.k), \(link.transferredCases)) transferred cases")
            }
        } catch {
            report.fail("separation", "the stores could not be read")
        }
        await checkKeyVersions(anonymous: anonymous, identified: identified, report)
        checkBackups(keyring: keyring, today: today, report)
    }

    /// Which key versions the stores' values still use, and which old versions could be retired.
    func checkKeyVersions(anonymous: AnonymousStore, identified: IdentifiedStore, _ report: Report) async {
        let keys = location.files.keys
        do {
            let anonymousUse = try await anonymous.keyVersionUse(), identifiedUse = try await identified.keyVersionUse()
            for (role, counts, unit) in [(KeyRole.anonymousStore, anonymousUse.sealed, "sealed values"), (.identifiedStore, identifiedUse.sealed, "sealed values"),
                                         (.tokenPepper, anonymousUse.liveTokens, "live tokens")] {
                let versions = keys.versions(role)
                guard let current = versions.last else { continue }
                let missing = counts.keys.filter { !versions.contains($0) && $0 != 0 }.sorted()
                let spread = counts.sorted { $0.key < $1.key }.map { "v\($0.key): \($0.value)" }.joined(separator: ", ")
                if !missing.isEmpty {
                    report.fail("versions \(role.rawValue)", "\(unit) under v\(missing.map(String.init).joined(separator: ", v")) whose key file is gone: they cannot be read")
                    continue
                }
                let retirable = versions.filter { $0 != current && counts[$0, default: 0] == 0 && !(role == .anonymousStore && $0 == 1) }
                if retirable.isEmpty {
                    report.ok("versions \(role.rawValue)", "\(unit): \(spread.isEmpty ? "none" : spread); current v\(current)")
                } else {
                    report.warn("versions \(role.rawValue)", "v\(retirable.map(String.init).joined(separator: ", v")) no longer used: `anongate keys retire`")
                }
            }
        } catch {
            report.fail("key versions", "the stores could not be read")
        }
    }

    func checkBackups(keyring: BackupKeyring, today: CalendarDay, _ report: Report) {
        let leftovers = StoreBackup.leftoverScratch(in: location.data)
        if !leftovers.isEmpty {
            report.fail("backup scratch", "\(leftovers.joined(separator: ", ")) in \(location.data): plaintext copies a crashed backup left; the next backup removes them, or delete them now")
        }
        guard let backups else {
            if keyring.periods().contains(CalendarMonth(today)) {
                report.ok("backup", "a backup key exists for \(CalendarMonth(today)); pass --backups DIR to check the newest backup's age")
            } else {
                report.warn("backup", "no backup this month (no \(keyring.filePath(CalendarMonth(today)))); pass --backups DIR to check")
            }
            return
        }
        let folders = ((try? FileManager.default.contentsOfDirectory(atPath: backups)) ?? []).filter { $0.hasPrefix("anongate-backup-") }
        let newest = folders.compactMap { try? StoreBackup.manifest(in: (backups as NSString).appendingPathComponent($0)) }
            .compactMap { CalendarDay(iso: $0.createdOn) }.max()
        guard let newest else { return report.fail("backup", "no backup in \(backups)") }
        let age = newest.days(until: today)
        if age <= backupMaxAgeDays { report.ok("backup", "newest \(newest) (\(age) day(s) old)") } else {
            report.fail("backup", "newest \(newest) is \(age) days old (more than \(backupMaxAgeDays))")
        }
    }

    func checkKeyFolder(_ path: String, _ report: Report) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else {
            report.fail("keys folder", "\(path) does not exist")
            return false
        }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            report.fail("keys folder", "\(path) is open to group or others (mode \(String(mode, radix: 8))); run `chmod 700 \(path)`")
            return false
        }
        report.ok("keys folder", "\(path) mode \(String(mode, radix: 8))")
        return true
    }

    func finish(_ report: Report) throws {
        if report.failures > 0 {
            print("\(report.failures) check(s) failed")
            throw ExitCode.failure
        }
        print("all checks passed")
    }
}
