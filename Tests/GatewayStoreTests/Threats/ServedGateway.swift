import Foundation
import GRDB
import Testing

/// `anongate serve` as a child process on a fresh data and keys folder, its log in a file: the
/// binary as an operator runs it (built beside the tests, see `Anongate.executable`).
final class ServedGateway {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    let work: String
    let process = Process()
    var log: String { (try? String(contentsOfFile: work + "/serve.log", encoding: .utf8)) ?? "" }
    var data: String { work + "/data" }

    /// Starts `serve --port 0` plus `arguments`; call `waitUntilListening` before talking to it.
    init(_ arguments: [String] = [], work: String? = nil) throws {
        self.work = work ?? NSTemporaryDirectory() + "anongate-serve-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: self.work, withIntermediateDirectories: true)
        process.executableURL = URL(fileURLWithPath: Anongate.executable)
        process.arguments = ["serve", "--port", "0", "--config", Self.repository + "/Config/gateway.yaml",
                             "--data", self.work + "/data", "--keys", self.work + "/Keys"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: self.work)
        FileManager.default.createFile(atPath: self.work + "/serve.log", contents: nil)
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: self.work + "/serve.log"))
        try process.run()
    }

    deinit { if process.isRunning { process.terminate(); process.waitUntilExit() } }

    /// The `Server started and listening on HOST:PORT` lines, once `count` of them were logged.
    func waitUntilListening(count: Int = 1) async throws -> [(line: String, host: String, port: Int)] {
        for _ in 0..<300 {
            let lines = log.split(separator: "\n").map(String.init).filter { $0.contains("listening on ") }
            if lines.count >= count {
                return lines.compactMap { line in
                    guard let address = line.components(separatedBy: "listening on ").last?.split(separator: " ").first,
                          let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else { return nil }
                    return (line, String(address[..<colon]), port)
                }
            }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("serve did not start listening:\n\(log)")
        throw CancellationError()
    }

    /// SIGTERM, then the exit status once the process has ended.
    func terminate() -> Int32 {
        process.terminate()
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// curl as a client: the status code and the whole answer (headers included with `-i`).
enum Curl {
    static func run(_ arguments: [String]) throws -> (exit: Int32, status: Int, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        // The last line is the status; 000 when no answer came.
        process.arguments = ["-s", "-S", "--max-time", "20", "-w", "\n%{http_code}"] + arguments
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        let out = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let status = Int(out.split(separator: "\n").last ?? "") ?? 0
        return (process.terminationStatus, status, out)
    }
}
