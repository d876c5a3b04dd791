import Foundation
import GatewayCore
import GatewayCrypto
@_spi(Testing) import GatewayStore
import GatewayTestSupport
import GRDB
import Testing

/// Threat: a lost key "replaced" by a new one. The store must stop, not open weakened.
@Suite("Threat: a wrong key")
struct WrongKeyTests {
    let random = SeededRandom(seed: 77)

    func folder() -> (data: String, keys: String) {
        let root = NSTemporaryDirectory() + "anongate-keys-\(UUID().uuidString)"
        return (root + "/data", root + "/Keys")
    }

    @Test func aNewKeyBesideAnExistingIdentifiedStoreIsRefusedAndSignInWithoutTheSecondFactorCannotHappen() async throws {
        let (data, keys) = folder()
        let files = StoreFiles(data: data, keys: keys)
        #expect(try files.prepareKeys(for: [.identified], random: random).count == 1)
        do {
            let store = try files.openIdentified()
            try await store.addStaff(id: "s1", username: "anna", providerId: ProviderID("uturn"), role: .counsellor,
                                     passwordHash: "x", createdOn: CalendarDay(iso: "2026-11-01")!)
            try await store.setTOTPSecret(username: "anna", Array(repeating: 3, count: 20))
        }
        // The key is lost. `keys init` (prepareKeys) must not make a new one beside the database.
        try FileManager.default.removeItem(atPath: files.keys.filePath(.identifiedStore))
        #expect(throws: StoreOpenError.self) { try files.prepareKeys(for: StoreFiles.Store.allCases, random: random) }
        #expect(!FileManager.default.fileExists(atPath: files.keys.filePath(.identifiedStore)))
        // Someone makes one by hand anyway: opening stops with the key check, naming both files.
        try files.keys.create([.identifiedStore], random: random)
        do {
            _ = try files.openIdentified()
            Issue.record("a store opened under a key that did not seal it")
        } catch let error {
            guard case .wrongKey(let key, let database) = error else { Issue.record("\(error)"); return }
            #expect(key.hasSuffix("identified-store.key"))
            #expect(database.hasSuffix("identified.sqlite"))
            #expect(error.isKeyProblem)
            #expect(error.description.contains("this key did not seal this database; restore the key from your backup"))
        }
    }

    @Test func anAnonymousStoreRefusesAnotherStoreKeyAndAnotherPepper() throws {
        let path = NSTemporaryDirectory() + "anongate-keys-\(UUID().uuidString)/anonymous.sqlite"
        let key = KeyMaterial.random(random), pepper = KeyMaterial.random(random)
        _ = try AnonymousStore.open(path: path, storeKey: key, tokenPepper: pepper)
        #expect(throws: WrongStoreKey(role: "anonymous-store")) { try AnonymousStore.open(path: path, storeKey: .random(random), tokenPepper: pepper) }
        #expect(throws: WrongStoreKey(role: "token-pepper")) { try AnonymousStore.open(path: path, storeKey: key, tokenPepper: .random(random)) }
        _ = try AnonymousStore.open(path: path, storeKey: key, tokenPepper: pepper)
    }

    @Test func aStoreFromBeforeKeyChecksIsAdoptedOnlyByTheKeyThatOpensItsSealedValues() async throws {
        let path = NSTemporaryDirectory() + "anongate-keys-\(UUID().uuidString)/identified.sqlite"
        let key = KeyMaterial.random(random)
        do {
            let store = try IdentifiedStore.open(path: path, storeKey: key)
            try await store.addStaff(id: "s1", username: "anna", providerId: ProviderID("uturn"), role: .counsellor,
                                     passwordHash: "x", createdOn: CalendarDay(iso: "2026-11-01")!)
            try await store.setTOTPSecret(username: "anna", Array(repeating: 3, count: 20))
            // As a store made before key checks existed: no recorded check.
            try await store.testingWriter.write { db in try db.execute(sql: "DELETE FROM key_check") }
        }
        #expect(throws: WrongStoreKey(role: "identified-store")) { try IdentifiedStore.open(path: path, storeKey: .random(random)) }
        let adopted = try IdentifiedStore.open(path: path, storeKey: key)
        #expect(try await adopted.reader.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM key_check") } == 1)
    }

    @Test func aNewInstallGetsTheKeysOfTheStoresItOpensAndSaysWhichItMade() throws {
        let (data, keys) = folder()
        let files = StoreFiles(data: data, keys: keys)
        let identified = try files.prepareKeys(for: [.identified], random: random)
        #expect(identified.map { ($0 as NSString).lastPathComponent } == ["identified-store.key"])
        _ = try files.openIdentified()
        let rest = try files.prepareKeys(for: StoreFiles.Store.allCases, random: random)
        #expect(Set(rest.map { ($0 as NSString).lastPathComponent }) == ["anonymous-store.key", "token-pepper.key"])
        _ = try files.openAnonymous()
        #expect(try files.prepareKeys(for: StoreFiles.Store.allCases, random: random).isEmpty)
    }

    @Test func aMissingKeyOfAnExistingDatabaseCreatesNothingAtAll() throws {
        let (data, keys) = folder()
        let files = StoreFiles(data: data, keys: keys)
        _ = try files.prepareKeys(for: StoreFiles.Store.allCases, random: random)
        _ = try files.openAnonymous()
        for role in KeyRole.allCases { try FileManager.default.removeItem(atPath: files.keys.filePath(role)) }
        // identified.sqlite does not exist, anonymous.sqlite does: nothing is created, not even the identified key.
        #expect(throws: StoreOpenError.self) { try files.prepareKeys(for: StoreFiles.Store.allCases, random: random) }
        #expect(files.keys.existingRoles().isEmpty)
    }
}
