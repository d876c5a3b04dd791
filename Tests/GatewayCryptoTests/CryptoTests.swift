import Foundation
import GatewayCrypto
import GatewayTestSupport
import Testing

@Suite("Sealed fields and token hashes")
struct SealTests {
    let random = SeededRandom(seed: 3)

    @Test func sealedTextOpensOnlyInItsOwnPlace() throws {
        let sealer = FieldSealer(storeKey: .random(random), domain: "test/fields")
        let sealed = try sealer.seal("jeg er bekymret", table: "booking", column: "message", row: "a1")
        #expect(try sealer.openText(sealed, table: "booking", column: "message", row: "a1") == "jeg er bekymret")
        #expect(!String(decoding: sealed, as: UTF8.self).contains("bekymret"))
        #expect(throws: SealError.cannotOpen) { try sealer.open(sealed, table: "booking", column: "message", row: "a2") }
        #expect(throws: SealError.cannotOpen) { try sealer.open(sealed, table: "booking", column: "interpreterLanguage", row: "a1") }
        #expect(throws: SealError.cannotOpen) { try sealer.open(sealed, table: "note", column: "message", row: "a1") }
        var tampered = sealed
        tampered[tampered.count - 1] ^= 1
        #expect(throws: SealError.cannotOpen) { try sealer.open(tampered, table: "booking", column: "message", row: "a1") }
        #expect(throws: SealError.cannotOpen) { try sealer.open(Data(), table: "booking", column: "message", row: "a1") }
    }

    @Test func eachStoreAndDomainHasItsOwnKey() throws {
        let key = KeyMaterial.random(random)
        let anonymous = FieldSealer(storeKey: key, domain: "anongate/v1/anonymous-store/fields")
        let other = FieldSealer(storeKey: key, domain: "anongate/v1/identified-store/fields")
        let otherKey = FieldSealer(storeKey: .random(random), domain: "anongate/v1/anonymous-store/fields")
        let sealed = try anonymous.seal("x", table: "t", column: "c", row: "r")
        #expect(throws: SealError.cannotOpen) { try other.open(sealed, table: "t", column: "c", row: "r") }
        #expect(throws: SealError.cannotOpen) { try otherKey.open(sealed, table: "t", column: "c", row: "r") }
    }

    @Test func sealingTheSameTextTwiceGivesDifferentBytes() throws {
        let sealer = FieldSealer(storeKey: .random(random), domain: "d")
        #expect(try sealer.seal("same", table: "t", column: "c", row: "r") != sealer.seal("same", table: "t", column: "c", row: "r"))
    }

    @Test func tokenHashesAreKeyedAndStable() {
        let pepper = KeyMaterial.random(random)
        let hasher = TokenHasher(pepper: pepper)
        #expect(hasher.hash("ABCD") == hasher.hash("ABCD"))
        #expect(hasher.hash("ABCD") != hasher.hash("ABCE"))
        #expect(hasher.hash("ABCD") != TokenHasher(pepper: .random(random)).hash("ABCD"))
        #expect(hasher.hash("ABCD").count == 32)
    }
}

@Suite("Key files")
struct KeyFileTests {
    let random = SeededRandom(seed: 11)

    func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "anongate-keys-\(UUID().uuidString)"
        return path
    }

    func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! NSNumber).intValue
    }

    @Test func initCreatesEveryKeyWithMode0600() throws {
        let directory = KeyDirectory(path: temporaryDirectory())
        let created = try directory.createMissing(random: random)
        #expect(created.count == KeyRole.allCases.count)
        for role in KeyRole.allCases {
            #expect(try mode(directory.filePath(role)) == 0o600)
            _ = try directory.load(role)
        }
        #expect(try mode(directory.path) == 0o700)
    }

    @Test func initNeverOverwritesAnExistingKey() throws {
        let directory = KeyDirectory(path: temporaryDirectory())
        try directory.createMissing(random: random)
        let before = try Data(contentsOf: URL(fileURLWithPath: directory.filePath(.tokenPepper)))
        try FileManager.default.removeItem(atPath: directory.filePath(.anonymousStore))
        let created = try directory.createMissing(random: random)
        #expect(created == [directory.filePath(.anonymousStore)])
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory.filePath(.tokenPepper))) == before)
    }

    @Test func missingMalformedAndOpenKeysAreRefused() throws {
        let directory = KeyDirectory(path: temporaryDirectory())
        #expect(throws: KeyFileError.missing(path: directory.filePath(.tokenPepper))) { try directory.load(.tokenPepper) }
        try directory.createMissing(random: random)

        let pepper = directory.filePath(.tokenPepper)
        chmod(pepper, 0o644)
        #expect(throws: KeyFileError.tooOpen(path: pepper, mode: "644")) { try directory.load(.tokenPepper) }
        chmod(pepper, 0o640)
        #expect(throws: KeyFileError.tooOpen(path: pepper, mode: "640")) { try directory.load(.tokenPepper) }

        let store = directory.filePath(.anonymousStore)
        try Data("not a key\n".utf8).write(to: URL(fileURLWithPath: store))
        chmod(store, 0o600)
        #expect(throws: KeyFileError.malformed(path: store, reason: "not 32 bytes of base64")) { try directory.load(.anonymousStore) }
        try Data((Data(count: 16).base64EncodedString() + "\n").utf8).write(to: URL(fileURLWithPath: store))
        #expect(throws: KeyFileError.malformed(path: store, reason: "not 32 bytes of base64")) { try directory.load(.anonymousStore) }
    }

    @Test func errorMessagesSayWhatToDo() {
        #expect(KeyFileError.tooOpen(path: "Keys/x.key", mode: "644").description.contains("chmod 600 Keys/x.key"))
        #expect(KeyFileError.missing(path: "Keys/x.key").description.contains("backup"))
    }
}
