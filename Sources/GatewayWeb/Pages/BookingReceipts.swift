import Foundation
import GatewayCore
import GatewayCrypto
import Synchronization

/// Post/redirect/get for the citizen's booking, without cookies and without the reference in a URL.
///
/// The confirmation form carries a single-use nonce (`FormTokenSigner`, purpose `citizen-booking`).
/// `POST /book` spends it before booking — a form sent again (Back, then resubmit on a shared phone)
/// finds it spent and books nothing — and answers `303` to `GET /book/receipt?id=…`, where the
/// receipt waits in memory, under a random id, to be shown once. Nothing here is written to disk.
final class BookingReceipts: Sendable {
    static let purpose = "citizen-booking"
    static let formLifetime: TimeInterval = 3600
    static let receiptLifetime: TimeInterval = 600
    static let maximumHeld = 10_000

    struct Receipt: Sendable {
        let token: OneTimeToken
        let booking: Booking
        let language: Language
        let expires: Date
    }

    private let signer: FormTokenSigner
    private let clock: any GatewayClock
    private let random: any RandomSource
    private let spent = Mutex<[String: Date]>([:])
    private let waiting = Mutex<[String: Receipt]>([:])

    init(clock: any GatewayClock, random: any RandomSource) {
        self.signer = FormTokenSigner(random: random)
        self.clock = clock; self.random = random
    }

    func issueNonce() -> String { signer.issue(purpose: Self.purpose, at: clock.now) }

    enum Spending { case fresh, alreadySpent, invalid }

    /// Spends a confirmation form's nonce: `.fresh` exactly once per genuine nonce.
    func spend(_ nonce: String?) -> Spending {
        let now = clock.now
        guard let id = signer.verify(nonce, purpose: Self.purpose, at: now, lifetime: Self.formLifetime) else { return .invalid }
        return spent.withLock { spent in
            if spent[id] != nil { return .alreadySpent }
            if spent.count >= Self.maximumHeld {
                // A nonce older than the form lifetime can no longer verify: forgetting it is safe.
                spent = spent.filter { now.timeIntervalSince($0.value) <= Self.formLifetime + 120 }
            }
            spent[id] = now
            return .fresh
        }
    }

    /// Holds a receipt to be shown once; answers its random id.
    func hold(_ token: OneTimeToken, _ booking: Booking, _ language: Language) -> String {
        let now = clock.now
        let id = random.bytes(16).hexString
        waiting.withLock { waiting in
            if waiting.count >= Self.maximumHeld { waiting = waiting.filter { $0.value.expires > now } }
            waiting[id] = Receipt(token: token, booking: booking, language: language, expires: now.addingTimeInterval(Self.receiptLifetime))
        }
        return id
    }

    /// The receipt, once; nil when unknown, already shown or expired.
    func take(_ id: String?) -> Receipt? {
        guard let id, id.count == 32 else { return nil }
        let now = clock.now
        return waiting.withLock { waiting in
            guard let receipt = waiting.removeValue(forKey: id), receipt.expires > now else { return nil }
            return receipt
        }
    }
}
