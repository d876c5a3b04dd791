import Foundation
import GRDB
import Testing

/// SIGTERM (systemd's stop) lets requests in flight finish and closes both stores: a booking
/// answered 201 is in the store, one not answered is not, and no WAL is left behind.
@Suite("Graceful shutdown of the real binary")
struct GracefulShutdownTests {
    /// The body of a PAS booking for the first free slot the running gateway offers.
    static func bookingBody(port: Int) throws -> String {
        let listing = try Curl.run(["http://127.0.0.1:\(port)/api/v1/services/pas/slots"])
        #expect(listing.status == 200)
        let json = listing.output.split(separator: "\n").dropLast().joined(separator: "\n")
        let slots = try #require((try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["slots"] as? [[String: Any]])
        let slot = try #require(slots.first?["id"] as? String)
        return #"{"serviceId":"pas","slotId":"\#(slot)","ageBand":"25-plus","substances":["cocaine"],"receivesOtherSocialSupport":false}"#
    }

    /// After exit: both WAL files absent or empty, both files pass `integrity_check`; answers the number of bookings.
    static func bookingsInClosedStores(_ data: String, _ label: String = "") throws -> Int {
        for name in ["anonymous", "identified"] {
            let wal = data + "/\(name).sqlite-wal"
            let size = ((try? FileManager.default.attributesOfItem(atPath: wal))?[.size] as? Int) ?? 0
            #expect(size == 0, "\(label)\(name).sqlite-wal holds \(size) bytes after exit: the store was not closed")
            let check = try DatabaseQueue(path: data + "/\(name).sqlite").read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
            #expect(check == "ok")
        }
        return try DatabaseQueue(path: data + "/anonymous.sqlite").read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM booking") ?? -1 }
    }

    /// The booking's body is still arriving when SIGTERM comes: serve waits for it, answers 201,
    /// stores it, refuses new connections meanwhile, and exits 0 with the stores closed.
    @Test func aBookingInFlightAtSIGTERMIsFinishedAnsweredAndStored() async throws {
        let gateway = try ServedGateway()
        let port = try await gateway.waitUntilListening()[0].port
        let body = Data(try Self.bookingBody(port: port).utf8)

        // curl streams its standard input as a chunked body: half now, the rest after the signal.
        let upload = try StreamingPost(url: "http://127.0.0.1:\(port)/api/v1/bookings")
        upload.write(body.prefix(20))
        try await Task.sleep(for: .milliseconds(300))   // the head is read: a request in progress
        gateway.process.terminate()
        try await Task.sleep(for: .milliseconds(500))
        #expect(gateway.process.isRunning, "serve ended with a request in flight")
        #expect(try Curl.run(["http://127.0.0.1:\(port)/healthz"]).status == 0, "a new connection was accepted after SIGTERM")
        upload.write(body.dropFirst(20))
        let answer = upload.finish()
        #expect(answer.status == 201, "\(answer.output)")
        #expect(answer.output.contains(#""token""#))

        gateway.process.waitUntilExit()
        #expect(gateway.process.terminationStatus == 0, "\(gateway.log)")
        #expect(gateway.log.contains("stores closed"))
        #expect(try Self.bookingsInClosedStores(gateway.data) == 1)
    }

    /// SIGTERM at varied moments around a booking: whatever the moment, an answered 201 is stored
    /// and an unanswered booking is not; the process exits 0 and leaves no WAL.
    @Test func sigtermRacingABookingNeverLosesAnAnsweredOne() async throws {
        var outcomes: [Int] = []
        for delay in [0, 2, 8, 20, 60, 150] {
            let gateway = try ServedGateway()
            let port = try await gateway.waitUntilListening()[0].port
            let body = try Self.bookingBody(port: port)
            let answer = Task.detached {
                try Curl.run(["-X", "POST", "-H", "Content-Type: application/json", "--data-binary", body, "http://127.0.0.1:\(port)/api/v1/bookings"])
            }
            try await Task.sleep(for: .milliseconds(delay))
            gateway.process.terminate()
            let status = try await answer.value.status
            gateway.process.waitUntilExit()
            #expect(gateway.process.terminationStatus == 0, "delay \(delay) ms:\n\(gateway.log)")
            let stored = try Self.bookingsInClosedStores(gateway.data, "delay \(delay) ms: ")
            // 201 and stored, or no answer (connection refused or closed) and not stored; a 503 is refused and not stored.
            #expect([201, 0, 503].contains(status), "delay \(delay) ms: status \(status)")
            #expect(stored == (status == 201 ? 1 : 0), "delay \(delay) ms: status \(status) but \(stored) booking(s) stored")
            outcomes.append(status)
        }
        print("GracefulShutdownTests race outcomes by delay [0, 2, 8, 20, 60, 150] ms: \(outcomes)")
        // The longest delay leaves time to book before the signal.
        #expect(outcomes.last == 201)
    }
}

/// A POST whose body arrives in parts: curl uploads its standard input with chunked encoding.
final class StreamingPost {
    let process = Process()
    let input = Pipe(), output = Pipe()

    init(url: String) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-s", "-S", "--max-time", "20", "-w", "\n%{http_code}", "-X", "POST", "-T", "-",
                             "-H", "Content-Type: application/json", "-H", "Expect:", url]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    func write(_ data: Data) { input.fileHandleForWriting.write(data) }

    func finish() -> (status: Int, output: String) {
        try? input.fileHandleForWriting.close()
        let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (Int(out.split(separator: "\n").last ?? "") ?? 0, out)
    }
}
