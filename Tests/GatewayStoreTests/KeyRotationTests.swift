import Foundation
import GatewayCore
import GatewayCrypto
@_spi(Testing) import GatewayStore
import GatewayTestSupport
import GRDB
import Testing

/// Keys that can change: a new version, taken up while the store keeps being written, every value
/// re-sealed in batches — with a crash in the middle — and nothing lost; old versions retired.
@Suite("Key rotation")
struct KeyRotationTests {
    let random = SeededRandom(seed: 6006)
    let actor = StaffActor(pseudonym: "p-uturn", providerId: ProviderID("uturn"))
    let today = CalendarDay(iso: "2026-11-23")!

    func context() -> CaseContext { CaseContext(actor: actor, today: today, now: TestFixtures.instant(2026, 11, 23, 9)) }

    func folder() throws -> StoreFiles {
        let work = NSTemporaryDirectory() + "anongate-rotate-\(UUID().uuidString)"
        let files = StoreFiles(data: work + "/data", keys: work + "/Keys")
        _ = try files.prepareKeys(for: StoreFiles.Store.allCases, random: random)
        return files
    }

    func book(_ store: AnonymousStore, _ index: Int, slot: Slot) async throws {
        _ = try await store.book(id: "b\(index)", tokenHash: Data(random.bytes(32)), slot: slot, ageBand: .from25, substances: [.cocaine],
                                 requests: BookingRequests(interpreterLanguage: index % 2 == 0 ? "arabisk" : nil, message: "besked \(index)"),
                                 bookedOn: today)
    }

    @Test func anAnonymousRotationUnderLoadWithACrashInTheMiddleLosesNothing() async throws {
        let files = try folder()
        let calculator = SlotCalculator(configuration: try TestFixtures.configuration())
        // Two seats per U-turn slot: booking i takes a seat in slot i / 2.
        let slots = calculator.slots(for: .uturn, from: CalendarDay(iso: "2026-11-24")!, days: 28, notBefore: TestFixtures.instant(2026, 11, 23, 9))
        try #require(slots.count >= 90)
        var codes: [CaseCode] = []
        do {
            let server = try files.openAnonymous()
            for index in 0..<120 { try await book(server, index, slot: slots[index / 2]) }
            for index in 0..<6 {
                let opened = try await server.walkIn(service: .pas, ageBand: .from25, context(), limit: .conversations(5), random: random)
                try await server.addNote(code: opened.anonymousCase.code, text: "note \(index)", noteId: "n\(index)", context())
                _ = try await server.decide(code: opened.anonymousCase.code, outcome: .granted, reason: "grund \(index)", referral: nil,
                                            shareNotes: false, context())
                codes.append(opened.anonymousCase.code)
            }
        }
        // keys rotate: a new version, its key check recorded by a store opened with the old one.
        let version = try files.keys.createNextVersion(.anonymousStore, random: random)
        #expect(version == 2)
        let newKey = try files.keys.load(file: files.keys.filePath(.anonymousStore, version: 2))
        try await files.openAnonymous(without: [.anonymousStore: 2]).introduce(.anonymousStore, version: 2, key: newKey)

        // The server takes it up and keeps booking while the rotation re-seals; the rotation stops
        // ("crashes") after two batches.
        let server = try files.openAnonymous()
        #expect(try await server.isAdopted(.anonymousStore, version: 2))
        let load = Task {
            for index in 120..<180 { try await book(server, index, slot: slots[index / 2]) }
        }
        do {
            let rotator = try files.openAnonymous()
            #expect(try await rotator.resealBatch(limit: 40) == 40)
            #expect(try await rotator.resealBatch(limit: 40) == 40)
        }
        // Mid-way, every value is readable: some under v1, some under v2.
        let midway = try await files.openAnonymous().keyVersionUse()
        #expect(midway.sealed[1, default: 0] > 0 && midway.sealed[2, default: 0] >= 80)
        #expect(try await files.openAnonymous().liveBooking(tokenHash: try await firstToken(files)).requests.message != nil)

        // The next run goes on where it stopped.
        let rotator = try files.openAnonymous()
        var batches = 0
        while try await rotator.resealBatch(limit: 50) > 0 { batches += 1 }
        try await load.value
        while try await rotator.resealBatch(limit: 50) > 0 { batches += 1 }
        #expect(batches >= 2)
        let after = try await rotator.keyVersionUse()
        #expect(after.sealed.keys.sorted() == [2])

        // Nothing lost: every booking's words, every note, every decision reason, under a fresh store.
        let reopened = try files.openAnonymous()
        let rows = try await reopened.reader.read { db in try Row.fetchAll(db, sql: "SELECT id, tokenHash FROM booking") }
        #expect(rows.count == 180)
        for row in rows {
            let booking = try await reopened.booking(tokenHash: row["tokenHash"])
            let id: String = row["id"]
            #expect(booking.requests.message == "besked \(id.dropFirst())")
            #expect(booking.substances == [.cocaine])
        }
        for (index, code) in codes.enumerated() {
            #expect(try await reopened.notes(code: code, context()).map(\.text) == ["note \(index)"])
            #expect(try await reopened.anonymousCase(code, context()).decisionReason == "grund \(index)")
        }
        // The access log is keyed by v1 for its whole life, and still verifies.
        guard case .intact = try await reopened.verifyAccessLog() else { Issue.record("the access log no longer verifies"); return }
    }

    func firstToken(_ files: StoreFiles) async throws -> Data {
        try await files.openAnonymous().reader.read { db in try Data.fetchOne(db, sql: "SELECT tokenHash FROM booking WHERE id = 'b0'")! }
    }

    @Test func anIdentifiedRotationRetiresTheOldVersionAndEverythingOpensWithTheNewOneAlone() async throws {
        let files = try folder()
        do {
            let store = try files.openIdentified()
            try await store.addStaff(id: "s1", username: "mette", providerId: ProviderID("uturn"), role: .counsellor,
                                     passwordHash: "x", createdOn: today)
            try await store.setTOTPSecret(username: "mette", Array(random.bytes(20)))
            try await store.insert(Enrolment(id: "e1", providerId: ProviderID("uturn"), startedIn: CalendarMonth(today),
                                             carried: ["goal": "videre"], parentalConsent: true, caseworkerApproval: true))
        }
        let secret = try #require(try await files.openIdentified().credentials(username: "mette")?.totpSecret)
        _ = try files.keys.createNextVersion(.identifiedStore, random: random)
        try await files.openIdentified(without: 2).introduce(version: 2, key: try files.keys.load(file: files.keys.filePath(.identifiedStore, version: 2)))
        let store = try files.openIdentified()
        while try await store.resealBatch(limit: 1) > 0 {}
        #expect(try await store.keyVersionUse().sealed == [2: 2])
        try files.keys.retire(.identifiedStore, version: 1)
        #expect(files.keys.versions(.identifiedStore) == [2])

        let alone = try files.openIdentified()
        #expect(try await alone.credentials(username: "mette")?.totpSecret == secret)
        #expect(try await alone.enrolment(id: "e1")?.carried == ["goal": "videre"])
    }

    /// A version whose key check was never recorded cannot be taken up by a running store, and a
    /// key file that is not the one recorded stops the open.
    @Test func aVersionThatDoesNotMatchItsKeyCheckIsRefused() async throws {
        let files = try folder()
        let store = try files.openIdentified()
        _ = try files.keys.createNextVersion(.identifiedStore, random: random)
        let ring = try files.keys.loadRing(.identifiedStore)
        await #expect(throws: WrongStoreKey.self) { try await store.adopt(storeRing: ring) }
        try await store.introduce(version: 2, key: KeyMaterial.random(random))   // a key check of some other key
        await #expect(throws: StoreOpenError.self) { _ = try files.openIdentified() }
    }

    @Test func sealedValuesCarryTheirVersionAndAMissingVersionFailsClosed() throws {
        let v1 = KeyMaterial.random(random), v2 = KeyMaterial.random(random)
        let old = FieldSealer(ring: KeyRing([1: v1]), domain: "d"), both = FieldSealer(ring: KeyRing([1: v1, 2: v2]), domain: "d")
        let sealedOld = try old.seal(Data("a".utf8), table: "t", column: "c", row: "r")
        let sealedNew = try both.seal(Data("b".utf8), table: "t", column: "c", row: "r")
        #expect(FieldSealer.keyVersion(of: sealedOld) == 1 && FieldSealer.keyVersion(of: sealedNew) == 2)
        #expect(try both.open(sealedOld, table: "t", column: "c", row: "r") == Data("a".utf8))
        #expect(throws: SealError.cannotOpen) { try old.open(sealedNew, table: "t", column: "c", row: "r") }
        // A value sealed before versions were written (format 1) still opens as version 1.
        var legacy = sealedOld
        legacy.replaceSubrange(legacy.startIndex..<legacy.startIndex + 3, with: [1])
        #expect(FieldSealer.keyVersion(of: legacy) == 1)
    }

    /// A backup taken before a rotation needs the retired version's key: restore says which file.
    @Test func restoringABackupOlderThanARotationNamesTheRetiredKeyItNeeds() async throws {
        let files = try folder()
        let work = (files.data as NSString).deletingLastPathComponent
        try await files.openIdentified().addStaff(id: "s1", username: "mette", providerId: ProviderID("uturn"), role: .counsellor,
                                                   passwordHash: "x", createdOn: today)
        try await files.openIdentified().setTOTPSecret(username: "mette", Array(random.bytes(20)))
        _ = try files.openAnonymous()
        let backup = try await StoreBackup.create(anonymous: try files.openAnonymous(), identified: try files.openIdentified(), files: files,
                                                  into: work + "/backups", keyring: BackupKeyring(keys: files.keys), today: today, random: random)
        _ = try files.keys.createNextVersion(.identifiedStore, random: random)
        try await files.openIdentified(without: 2).introduce(version: 2, key: try files.keys.load(file: files.keys.filePath(.identifiedStore, version: 2)))
        while try await files.openIdentified().resealBatch(limit: 10) > 0 {}
        try files.keys.retire(.identifiedStore, version: 1)

        let target = StoreFiles(data: work + "/restored", keys: files.keys.path)
        await #expect {
            try await StoreBackup.restore(from: backup.folder, into: target, keyring: BackupKeyring(keys: files.keys))
        } throws: { error in
            guard let error = error as? BackupError, case .keyVersionGone(let file) = error else { return false }
            return file.hasSuffix("identified-store.key") && error.isKeyProblem
        }
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: work + "/restored")) ?? []).isEmpty)
    }
}
