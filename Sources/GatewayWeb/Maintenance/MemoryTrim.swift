#if canImport(Glibc)
import Glibc
#endif
import ServiceLifecycle

/// Gives memory that glibc's malloc holds free back to the system. Memory freed by the many threads of
/// the event loops and the database pool stays in malloc's per-thread arenas until trimmed: on a
/// soaked server a trim took the resident size from 101 to 83 MiB (docs/performance.md, "Soak").
/// `malloc_trim` is not in Swift's Glibc module, so it is looked up once by name.
enum MemoryTrim {
    #if canImport(Glibc)
    private nonisolated(unsafe) static let trim: (@convention(c) (Int) -> Int32)? = {
        guard let symbol = dlsym(nil, "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
    }()
    #endif

    /// Whether this platform's malloc can be trimmed (glibc).
    static var isAvailable: Bool {
        #if canImport(Glibc)
        return trim != nil
        #else
        return false
        #endif
    }

    /// Returns free pages to the system: a few milliseconds at most.
    static func run() {
        #if canImport(Glibc)
        _ = trim?(0)
        #endif
    }
}

/// Runs `MemoryTrim` on its own short timer beside the HTTP server. At the end of the store
/// maintenance it waited behind checkpoints and the purge: under load it was not seen to run in 70 s.
struct MemoryTrimming: Service {
    let interval: Duration
    let trim: @Sendable () -> Void

    init(interval: Duration = .seconds(10), trim: @escaping @Sendable () -> Void = MemoryTrim.run) {
        self.interval = interval; self.trim = trim
    }

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown {
                while !Task.isCancelled {
                    try await Task.sleep(for: interval)
                    trim()
                }
            }
        } catch is CancellationError {
            // Shutting down: nothing is half done.
        }
    }
}
