import Foundation
import GatewayCore
import GatewayCrypto
import GatewayStore
import HTTPTypes
import Hummingbird

/// A signed-in member of staff, as handlers see them.
public struct SignedInStaff: Sendable {
    public let member: StaffMember
    public let csrfToken: String
    public let actor: StaffActor
}

/// Staff sign-in and sessions. Sessions live in memory only: nothing about when staff were
/// active is written to disk, and a restart signs everyone out.
public actor StaffAuthenticator {
    public static let idleTimeout: TimeInterval = 30 * 60
    public static let absoluteLifetime: TimeInterval = 12 * 3600
    public static let cookieName = "anongate_staff"

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

    static let wrongCredentials = GatewayProblem(
        .unauthorized, "sign-in-failed", title: "Sign-in failed",
        da: "Brugernavn, adgangskode eller kode er forkert.", en: "The username, password or code is not right.")

    /// Same answer, same work, for an unknown user, a disabled one, a wrong password or a wrong code.
    /// After three failures for a username, each further attempt waits twice as long (up to 5 minutes).
    public func signIn(username: String, password: String, totp: String?) throws(GatewayProblem) -> (token: String, session: SignedInStaff, expiresAt: Date) {
        let now = clock.now
        let key = username.lowercased()
        if let failure = failures[key], failure.count >= 3 {
            let wait = min(300, pow(2, Double(failure.count - 3)))
            let until = failure.last.addingTimeInterval(wait)
            if now < until {
                throw GatewayProblem(.tooManyRequests, "sign-in-delayed", title: "Wait before trying again",
                                     da: "For mange forsøg. Vent lidt, og prøv igen.", en: "Too many attempts. Wait a little and try again.",
                                     retryAfterSeconds: max(1, Int(until.timeIntervalSince(now).rounded(.up))))
            }
        }
        let credentials = try? store.credentials(username: key)
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
            throw Self.wrongCredentials
        }
        failures[key] = nil
        let token = Self.base64url(random.bytes(32))
        let csrf = Self.base64url(random.bytes(24))
        let expires = now.addingTimeInterval(Self.absoluteLifetime)
        sessions[Self.hash(token)] = Session(staffId: member.id, csrfToken: csrf, lastSeen: now, expiresAt: expires)
        return (token, SignedInStaff(member: member, csrfToken: csrf, actor: actor(for: member)), expires)
    }

    /// The staff member behind a session token; nil when unknown, expired, idle too long or disabled.
    public func staff(sessionToken: String) -> SignedInStaff? {
        let key = Self.hash(sessionToken)
        let now = clock.now
        guard var session = sessions[key] else { return nil }
        guard session.expiresAt > now, now.timeIntervalSince(session.lastSeen) <= Self.idleTimeout,
              let member = try? store.member(id: session.staffId), !member.disabled else {
            sessions[key] = nil
            return nil
        }
        session.lastSeen = now
        sessions[key] = session
        return SignedInStaff(member: member, csrfToken: session.csrfToken, actor: actor(for: member))
    }

    public func signOut(sessionToken: String) {
        sessions[Self.hash(sessionToken)] = nil
    }

    nonisolated func actor(for member: StaffMember) -> StaffActor {
        StaffActor(pseudonym: pseudonymizer.pseudonym(forStaffId: member.id), providerId: member.providerId)
    }

    static func hash(_ token: String) -> Data { SessionTokenDigest.digest(token) }

    static func base64url(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
