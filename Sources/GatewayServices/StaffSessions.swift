import Foundation
import GatewayCore
import GatewayCrypto
import GatewayStore

/// A staff session as the web layer holds it: who, and the form token of this session.
public struct StaffSession: Sendable {
    public let staff: StaffIdentity
    public let csrfToken: String
    public let expiresAt: Date
}

/// Staff sign-in and sessions. Sessions live in memory only: nothing about when staff were
/// active is written to disk, and a restart signs everyone out.
public actor StaffSessions {
    public static let idleTimeout: TimeInterval = 30 * 60
    public static let absoluteLifetime: TimeInterval = 12 * 3600
    /// After this many failures for a username, each further attempt waits twice as long (up to 5 minutes).
    public static let freeAttempts = 3

    struct Session {
        let staffId: String
        let csrfToken: String
        var lastSeen: Date
        let expiresAt: Date
    }

    private let store: IdentifiedStore
    private let passwords: PasswordHasher
    private let clock: any GatewayClock
    private let random: any RandomSource
    private let pseudonymizer: StaffPseudonymizer
    private var sessions: [Data: Session] = [:]
    private var failures: [String: (count: Int, last: Date)] = [:]
    private let decoy: String

    public init(store: IdentifiedStore, passwords: PasswordHasher, clock: any GatewayClock, random: any RandomSource, pseudonymizer: StaffPseudonymizer) {
        self.store = store; self.passwords = passwords; self.clock = clock; self.random = random
        self.pseudonymizer = pseudonymizer
        self.decoy = passwords.decoy(random: random)
    }

    /// Same answer, same work, for an unknown user, a disabled one, a wrong password or a wrong code.
    public func signIn(username: String, password: String, totp: String?) async throws(ServiceError) -> (token: String, session: StaffSession) {
        let now = clock.now
        let key = username.lowercased()
        if let failure = failures[key], failure.count >= Self.freeAttempts {
            let wait = min(300, pow(2, Double(failure.count - Self.freeAttempts)))
            let until = failure.last.addingTimeInterval(wait)
            if now < until { throw .signInDelayed(retryAfterSeconds: max(1, Int(until.timeIntervalSince(now).rounded(.up)))) }
        }
        let credentials: StaffCredentials?
        do { credentials = try await store.credentials(username: key) } catch { throw .storageFailure }
        let passwordMatches = passwords.verify(password, against: credentials?.passwordHash ?? decoy)
        var accepted = passwordMatches && credentials != nil && credentials?.member.disabled == false
        if let secret = credentials?.totpSecret {
            accepted = accepted && TOTP.verify(totp ?? "", secret: secret, at: now)
        }
        guard accepted, let member = credentials?.member else {
            let previous = failures[key]?.count ?? 0
            failures[key] = (previous + 1, now)
            // Bounded: guessing many usernames must not grow this without end.
            if failures.count > 10_000, let oldest = failures.min(by: { $0.value.last < $1.value.last })?.key {
                failures[oldest] = nil
            }
            throw .signInFailed
        }
        failures[key] = nil
        let token = Self.base64url(random.bytes(32))
        let csrf = Self.base64url(random.bytes(24))
        let expires = now.addingTimeInterval(Self.absoluteLifetime)
        sessions[Self.hash(token)] = Session(staffId: member.id, csrfToken: csrf, lastSeen: now, expiresAt: expires)
        return (token, StaffSession(staff: identity(member), csrfToken: csrf, expiresAt: expires))
    }

    /// The session behind a token; nil when unknown, expired, idle too long, or the account was
    /// disabled or removed. A failed read of the account is a storage failure, not a signed-out user.
    public func session(token: String) async throws(ServiceError) -> StaffSession? {
        let key = Self.hash(token)
        let now = clock.now
        guard let session = sessions[key] else { return nil }
        guard session.expiresAt > now, now.timeIntervalSince(session.lastSeen) <= Self.idleTimeout else {
            sessions[key] = nil
            return nil
        }
        let member: StaffMember?
        do { member = try await store.member(id: session.staffId) } catch { throw .storageFailure }
        guard let member, !member.disabled else {
            sessions[key] = nil
            return nil
        }
        // Re-read after the await: a sign-out may have happened meanwhile.
        guard var current = sessions[key] else { return nil }
        current.lastSeen = now
        sessions[key] = current
        return StaffSession(staff: identity(member), csrfToken: current.csrfToken, expiresAt: current.expiresAt)
    }

    public func signOut(token: String) {
        sessions[Self.hash(token)] = nil
    }

    /// The staff member and the pseudonym the anonymous store knows them by.
    public nonisolated func identity(_ member: StaffMember) -> StaffIdentity {
        StaffIdentity(member: member, actor: StaffActor(pseudonym: pseudonymizer.pseudonym(forStaffId: member.id), providerId: member.providerId))
    }

    /// Usernames for the pseudonyms in the access log; the anonymous store never holds usernames.
    public func usernamesByPseudonym() async throws(ServiceError) -> [String: String] {
        let members: [StaffMember]
        do { members = try await store.staffMembers() } catch { throw .storageFailure }
        var names: [String: String] = [:]
        for member in members { names[identity(member).actor.pseudonym] = member.username }
        return names
    }

    static func hash(_ token: String) -> Data { SessionTokenDigest.digest(token) }

    static func base64url(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
