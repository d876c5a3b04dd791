import Foundation
import GatewayConfig
import GatewayCore
import Logging
import Synchronization

/// A clock the test moves by hand.
public final class TestClock: GatewayClock, Sendable {
    private let current: Mutex<Date>
    public init(_ date: Date) { current = Mutex(date) }
    public var now: Date { current.withLock { $0 } }
    public func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
    public func set(_ date: Date) { current.withLock { $0 = date } }
}

/// SplitMix64: the same bytes for the same seed, so tokens and ids are reproducible.
public final class SeededRandom: RandomSource, Sendable {
    private let state: Mutex<UInt64>
    public init(seed: UInt64) { state = Mutex(seed) }
    public func bytes(_ count: Int) -> [UInt8] {
        state.withLock { state in
            var result: [UInt8] = []
            while result.count < count {
                state &+= 0x9E37_79B9_7F4A_7C15
                var z = state
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                z ^= z >> 31
                withUnsafeBytes(of: z.littleEndian) { result.append(contentsOf: $0) }
            }
            return Array(result.prefix(count))
        }
    }
}

/// Captures every log line, message and metadata, so tests can prove what was never logged.
public final class LogCapture: Sendable {
    private let lines = Mutex<[String]>([])
    public init() {}
    public var all: [String] { lines.withLock { $0 } }
    public var text: String { all.joined(separator: "\n") }
    func append(_ line: String) { lines.withLock { $0.append(line) } }

    public func logger(label: String = "test") -> Logger {
        Logger(label: label) { label in CapturingHandler(capture: self, label: label) }
    }
}

struct CapturingHandler: LogHandler {
    let capture: LogCapture
    let label: String
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
        let merged = self.metadata.merging(metadata ?? [:]) { $1 }
        capture.append("\(level) \(label) \(message) \(merged.map { "\($0)=\($1)" }.sorted().joined(separator: " "))")
    }
}

public enum TestFixtures {
    /// The repository's own Config/gateway.yaml: tests run against the real Copenhagen deployment.
    public static var configurationPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Config/gateway.yaml").path
    }

    public static func configuration() throws -> GatewayConfiguration {
        try ConfigurationLoader.load(file: configurationPath)
    }

    public static var copenhagen: TimeZone { TimeZone(identifier: "Europe/Copenhagen")! }

    /// A local Copenhagen wall-clock time as an instant.
    public static func instant(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int = 0) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = copenhagen
        return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute))!
    }
}

/// A throw-away self-signed certificate (P-256, CN and SAN localhost/127.0.0.1, valid two days),
/// made with `openssl` in a temporary folder at test time. Test material only; never deployed.
public enum TestCertificate {
    public static func make(in folder: String, name: String = "test") throws -> (certificate: String, key: String) {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let certificate = folder + "/\(name)-cert.pem", key = folder + "/\(name)-key.pem"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
                             "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                             "-keyout", key, "-out", certificate]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CertificateNotMade(status: process.terminationStatus) }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: key)
        return (certificate, key)
    }

    public struct CertificateNotMade: Error { public let status: Int32 }
}
