import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One `serve` per data folder: sessions and rate-limit buckets live in one process's memory, so a
/// second instance would let a citizen past the limits and sign staff in twice. The lock is an
/// exclusive `flock` on `data/anongate.lock`, held while the process lives (the kernel releases it
/// when the process ends, even on a crash); the file holds the holder's PID for the message.
public final class InstanceLock: Sendable {
    let descriptor: Int32
    public let path: String

    public enum Failure: Error, CustomStringConvertible, Sendable {
        case heldBy(pid: String, path: String)
        case cannotOpen(path: String, reason: String)

        public var description: String {
            switch self {
            case .heldBy(let pid, let path):
                "another anongate serve (PID \(pid)) already serves this data folder (\(path)); one instance per deployment"
            case .cannotOpen(let path, let reason):
                "cannot open the instance lock \(path): \(reason)"
            }
        }
    }

    /// Takes the lock, or says who holds it.
    public static func acquire(data: String) throws(Failure) -> InstanceLock {
        do {
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw .cannotOpen(path: data, reason: error.localizedDescription)
        }
        let path = (data as NSString).appendingPathComponent("anongate.lock")
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            // `try?`: the holder's PID is for the message only; an unreadable file still refuses to start.
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            close(descriptor)
            throw .heldBy(pid: holder.flatMap { $0.isEmpty ? nil : $0 } ?? "unknown", path: path)
        }
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
        return InstanceLock(descriptor: descriptor, path: path)
    }

    private init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit { close(descriptor) }
}
