import GatewayCrypto
import GatewayStore
import Synchronization

/// Reads the key versions on disk at each maintenance tick and, when they changed (a rotation
/// introduced one, or retired one), has the stores and the token hasher take them up.
final class KeyRefresh: Sendable {
    let files: StoreFiles
    let anonymous: AnonymousStore
    let identified: IdentifiedStore
    let tokenHasher: TokenHasher
    private let known = Mutex<[KeyRole: [Int]]>([:])

    init(files: StoreFiles, anonymous: AnonymousStore, identified: IdentifiedStore, tokenHasher: TokenHasher) {
        self.files = files; self.anonymous = anonymous; self.identified = identified; self.tokenHasher = tokenHasher
        known.withLock { known in for role in KeyRole.allCases { known[role] = files.keys.versions(role) } }
    }

    func run() async throws {
        let now = Dictionary(uniqueKeysWithValues: KeyRole.allCases.map { ($0, files.keys.versions($0)) })
        guard now != known.withLock({ $0 }) else { return }
        let storeRing = try files.ring(.anonymousStore), pepperRing = try files.ring(.tokenPepper)
        let identifiedRing = try files.ring(.identifiedStore)
        try await anonymous.adopt(storeRing: storeRing, pepperRing: pepperRing)
        try await identified.adopt(storeRing: identifiedRing)
        tokenHasher.adopt(pepperRing)
        known.withLock { $0 = now }
    }
}
