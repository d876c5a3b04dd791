import Dispatch
import GatewayCrypto

/// Runs scrypt checks off the actor that every signed-in request waits on, and off Swift's
/// cooperative threads (each check blocks a thread for ~0.1 s), with at most `maximumRunning` at
/// once and at most `maximumWaiting` queued. A flood of sign-ins then costs sign-ins, not the
/// staff's work: it cannot stall session checks or page handlers.
actor PasswordGate {
    let maximumRunning: Int
    let maximumWaiting: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []
    private let queue = DispatchQueue(label: "anongate.password-checks", attributes: .concurrent)

    init(maximumRunning: Int, maximumWaiting: Int) {
        self.maximumRunning = max(1, maximumRunning)
        self.maximumWaiting = maximumWaiting
    }

    /// Nil when the queue is full: the caller answers "try again shortly" without doing the work.
    func verify(_ password: String, against hash: String, with hasher: PasswordHasher) async -> Bool? {
        guard await enter() else { return nil }
        let matches = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            queue.async { continuation.resume(returning: hasher.verify(password, against: hash)) }
        }
        leave()
        return matches
    }

    private func enter() async -> Bool {
        if running < maximumRunning {
            running += 1
            return true
        }
        guard waiting.count < maximumWaiting else { return false }
        // The slot is handed over by `leave`, so `running` stays counted.
        await withCheckedContinuation { waiting.append($0) }
        return true
    }

    private func leave() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
