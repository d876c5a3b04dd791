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
///
/// The actor holds only state (sessions, failures, used TOTP steps); the slow part of sign-in,
/// scrypt, runs outside it in a bounded `PasswordGate`, so failed sign-ins cannot delay the
/// session check every signed-in request makes. Every map is bounded and swept.
public actor StaffSessions {
    public static let idleTimeout: TimeInterval = 30 * 60
    public static let absoluteLifetime: TimeInterval = 12 * 3600
    /// After this many failures for a username from one client, each further attempt from that
    /// client waits twice as long (up to 5 minutes). Other clients are not held back: a guesser
    /// cannot lock a counsellor out.
    public static let freeAttempts = 3
    public static let maximumSessions = 10_000
    public static let maximumTrackedFailures = 10_000

    struct Session {
        let staffId: String
        let csrfToken: String
        var lastSeen: Date
        let expiresAt: Date
    }

    struct FailureKey: Hashable {
        let username: String
        let client: String
    }

    private let store: IdentifiedStore
    private let passwords: PasswordHasher
    private let clock: any GatewayClock
    private let random: any RandomSource
    private let pseudonymizer: StaffPseudonymizer
    private let gate: PasswordGate
    private var sessions: [Data: Session] = [:]
    private var failures: [FailureKey: (count: Int, last: Date)] = [:]
    /// Attempts being checked right now, per (username, client): beyond the free attempts, one at a time.
    private var pending: [FailureKey: Int] = [:]
    /// Per account, the last TOTP time step accepted: a code is good once.
    private var usedSteps: [String: Int64] = [:]
    private let decoy: String

    public init(
        store: IdentifiedStore, passwords: PasswordHasher, clock: any GatewayClock, random: any RandomSource, pseudonymizer: StaffPseudonymizer,
        concurrentPasswordChecks: Int = 2, queuedPasswordChecks: Int = 64
    ) {
        self.store = store; self.passwords = passwords; self.clock = clock; self.random = random
        self.pseudonymizer = pseudonymizer
        self.gate = PasswordGate(maximumRunning: concurrentPasswordChecks, maximumWaiting: queuedPasswordChecks)
        self.decoy = passwords.decoy(random: random)
    }

    /// Same answer, same work, for an unknown user, a disabled one, a wrong password or a wrong code.
    /// `client` is the rate-limit bucket of the request (failures are counted per username and client).
    public nonisolated func signIn(username: String, password: String, totp: String?, client: String) async throws(ServiceError) -> (token: String, session: StaffSession) {
        let key = FailureKey(username: username.lowercased(), client: client)
        try await begin(key)
        let credentials: StaffCredentials?
        do { credentials = try await store.credentials(username: key.username) } catch {
            await end(key)
            throw .storageFailure
        }
        guard let matches = await gate.verify(password, against: credentials?.passwordHash ?? decoy, with: passwords) else {
            await end(key)
            throw .signInDelayed(retryAfterSeconds: 1)
        }
        return try await complete(key, credentials: credentials, passwordMatches: matches, totp: totp)
    }

    /// The back-off check, and the attempt counted as in flight: since the password check runs
    /// outside the actor, parallel attempts must not all slip through one back-off window.
    private func begin(_ key: FailureKey) throws(ServiceError) {
        let now = clock.now
        let failed = failures[key]?.count ?? 0, inFlight = pending[key] ?? 0
        if let failure = failures[key], failure.count >= Self.freeAttempts {
            let wait = min(300, pow(2, Double(failure.count - Self.freeAttempts)))
            let until = failure.last.addingTimeInterval(wait)
            if now < until { throw .signInDelayed(retryAfterSeconds: max(1, Int(until.timeIntervalSince(now).rounded(.up)))) }
        }
        if inFlight > 0 && failed + inFlight >= Self.freeAttempts { throw .signInDelayed(retryAfterSeconds: 1) }
        pending[key] = inFlight + 1
    }

    private func end(_ key: FailureKey) {
        let remaining = (pending[key] ?? 1) - 1
        pending[key] = remaining > 0 ? remaining : nil
    }

    private func complete(
        _ key: FailureKey, credentials: StaffCredentials?, passwordMatches: Bool, totp: String?
    ) throws(ServiceError) -> (token: String, session: StaffSession) {
        end(key)
        let now = clock.now
        var accepted = passwordMatches && credentials != nil && credentials?.member.disabled == false
        var step: Int64?
        if let secret = credentials?.totpSecret, let member = credentials?.member {
            step = TOTP.matchingStep(totp ?? "", secret: secret, at: now)
            let used = usedSteps[member.id] ?? Int64.min
            accepted = accepted && (step.map { $0 > used } ?? false)
        }
        guard accepted, let member = credentials?.member else {
            let previous = failures[key]?.count ?? 0
            failures[key] = (previous + 1, now)
            if failures.count > Self.maximumTrackedFailures { sweepFailures(now) }
            throw .signInFailed
        }
        failures[key] = nil
        if let step { usedSteps[member.id] = step }
        if sessions.count >= Self.maximumSessions { sweepSessions(now) }
        let token = Base64URL.encode(random.bytes(32))
        let csrf = Base64URL.encode(random.bytes(24))
        let expires = now.addingTimeInterval(Self.absoluteLifetime)
        sessions[Self.hash(token)] = Session(staffId: member.id, csrfToken: csrf, lastSeen: now, expiresAt: expires)
        return (token, StaffSession(staff: identity(member), csrfToken: csrf, expiresAt: expires))
    }

    /// Forgets failures whose back-off is over; if still too many, the oldest ones.
    private func sweepFailures(_ now: Date) {
        failures = failures.filter { now.timeIntervalSince($0.value.last) < 300 }
        while failures.count > Self.maximumTrackedFailures, let oldest = failures.min(by: { $0.value.last < $1.value.last })?.key {
            failures[oldest] = nil
        }
    }

    /// Drops expired and idle sessions; if still full, the one unused longest.
    private func sweepSessions(_ now: Date) {
        sessions = sessions.filter { $0.value.expiresAt > now && now.timeIntervalSince($0.value.lastSeen) <= Self.idleTimeout }
        while sessions.count >= Self.maximumSessions, let idle = sessions.min(by: { $0.value.lastSeen < $1.value.lastSeen })?.key {
            sessions[idle] = nil
        }
    }

    /// Counts for tests and operations (never the contents).
    public var trackedFailures: Int { failures.count }
    public var liveSessions: Int { sessions.count }

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

}
