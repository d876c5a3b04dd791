import Foundation
import GatewayTestSupport
import Testing

/// `serve --tls-cert --tls-key` and `serve --metrics-port`, with the real binary and curl.
@Suite("serve: native TLS and the metrics listener")
struct ServeOptionsTests {
    static func header(_ name: String, in output: String) -> String? {
        let prefix = name.lowercased() + ":"
        let lines: [String] = output.replacingOccurrences(of: "\r", with: "").components(separatedBy: "\n")
        guard let line = lines.first(where: { $0.lowercased().hasPrefix(prefix) }) else { return nil }
        return String(line.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
    }

    /// HTTPS on the gateway's own port: `ok` with HSTS, the staff cookie `__Host-` and Secure,
    /// plain HTTP and TLS 1.1 refused.
    @Test func serveSpeaksTLSItselfWithHSTSAndTheSecureStaffCookie() async throws {
        let work = NSTemporaryDirectory() + "anongate-serve-\(UUID().uuidString)"
        let (certificate, key) = try TestCertificate.make(in: work + "/tls")
        let location = ["--config", ServedGateway.repository + "/Config/gateway.yaml", "--data", work + "/data", "--keys", work + "/Keys"]
        let password = "a long enough password 42"
        let added = try Anongate.run(["staff", "add", "--username", "anna", "--provider", "uturn", "--role", "counsellor"] + location,
                                     input: password + "\n", in: work)
        #expect(added.status == 0, "\(added.err)")

        let gateway = try ServedGateway(["--tls-cert", certificate, "--tls-key", key], work: work)
        let port = try await gateway.waitUntilListening()[0].port
        let health = try Curl.run(["-k", "-i", "https://127.0.0.1:\(port)/healthz"])
        print("ServeOptionsTests curl -k -i https://127.0.0.1:\(port)/healthz →\n\(health.output)")
        #expect(health.status == 200)
        #expect(health.output.contains("\nok\n"))
        #expect(Self.header("Strict-Transport-Security", in: health.output) == "max-age=31536000; includeSubDomains")

        // The staff sign-in page's own form, as a browser sends it: the cookie is __Host- and Secure.
        let page = try Curl.run(["-k", "https://127.0.0.1:\(port)/staff"])
        let csrf = try #require(page.output.components(separatedBy: #"name="csrf" value=""#).dropFirst().first?.split(separator: "\"").first)
        let signIn = try Curl.run(["-k", "-i", "https://127.0.0.1:\(port)/staff/sign-in", "--data-urlencode", "username=anna",
                                   "--data-urlencode", "password=\(password)", "--data-urlencode", "csrf=\(csrf)"])
        #expect(signIn.status == 303, "\(signIn.output)")
        let cookie = try #require(Self.header("Set-Cookie", in: signIn.output))
        #expect(cookie.hasPrefix("__Host-anongate_staff="))
        #expect(cookie.contains("Secure"))

        // No plain HTTP on the TLS port, and nothing older than TLS 1.2 (the client is allowed 1.1 here).
        #expect(try Curl.run(["http://127.0.0.1:\(port)/healthz"]).status != 200)
        #expect(try Curl.run(["-k", "--tls-max", "1.2", "--tlsv1.2", "https://127.0.0.1:\(port)/healthz"]).status == 200)
        let old = try Curl.run(["-k", "--tlsv1.1", "--tls-max", "1.1", "--ciphers", "DEFAULT@SECLEVEL=0", "https://127.0.0.1:\(port)/healthz"])
        #expect(old.status == 0 && old.exit != 0, "TLS 1.1 was accepted")

        #expect(gateway.terminate() == 0, "\(gateway.log)")
    }

    /// One without the other is a usage error (64); a file that cannot be used is a configuration error (78).
    @Test func tlsOptionsThatCannotWorkAreRefusedBeforeStarting() throws {
        let work = NSTemporaryDirectory() + "anongate-serve-\(UUID().uuidString)"
        let (certificate, key) = try TestCertificate.make(in: work + "/tls")
        let location = ["--config", ServedGateway.repository + "/Config/gateway.yaml", "--data", work + "/data", "--keys", work + "/Keys"]
        let serve = ["serve", "--port", "0"] + location

        let onlyCertificate = try Anongate.run(serve + ["--tls-cert", certificate], in: work)
        #expect(onlyCertificate.status == 64)
        #expect(onlyCertificate.err.contains("--tls-cert and --tls-key go together"))
        #expect(try Anongate.run(serve + ["--tls-key", key], in: work).status == 64)

        let missing = try Anongate.run(serve + ["--tls-cert", work + "/nowhere.pem", "--tls-key", key], in: work)
        #expect(missing.status == 78)
        #expect(missing.err.contains("cannot read the TLS certificate \(work)/nowhere.pem"))
        let swapped = try Anongate.run(serve + ["--tls-cert", key, "--tls-key", certificate], in: work)
        #expect(swapped.status == 78, "\(swapped.err)")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key)
        let open = try Anongate.run(serve + ["--tls-cert", certificate, "--tls-key", key], in: work)
        #expect(open.status == 78)
        #expect(open.err.contains("accessible to every user"))
        // Refused before the stores: nothing was created.
        #expect(!FileManager.default.fileExists(atPath: work + "/data/anonymous.sqlite"))

        #expect(try Anongate.run(serve + ["--metrics-port", "70000"], in: work).status == 64)
        #expect(try Anongate.run(["serve", "--port", "9464", "--metrics-port", "9464"] + location, in: work).status == 64)
    }

    /// `--host 0.0.0.0 --metrics-port 0`: the gateway listens on every address, the metrics only on
    /// 127.0.0.1, and they count what the gateway answered.
    @Test func theMetricsListenerIsLoopbackWhateverTheHost() async throws {
        let gateway = try ServedGateway(["--host", "0.0.0.0", "--metrics-port", "0"])
        let listeners = try await gateway.waitUntilListening(count: 2)
        let metrics = try #require(listeners.first { $0.line.contains("listener=metrics") })
        let main = try #require(listeners.first { !$0.line.contains("listener=metrics") })
        #expect(metrics.host == "127.0.0.1")
        #expect(main.host == "0.0.0.0")

        #expect(try Curl.run(["http://127.0.0.1:\(main.port)/healthz"]).status == 200)
        #expect(try Curl.run(["http://127.0.0.1:\(main.port)/api/v1/staff/cases/K7MQ-9TXT"]).status == 401)
        let scrape = try Curl.run(["-i", "http://127.0.0.1:\(metrics.port)/metrics"])
        print("ServeOptionsTests metrics scrape (excerpt):\n" + scrape.output.split(separator: "\n").filter { !$0.contains("_bucket") }.joined(separator: "\n"))
        #expect(scrape.status == 200)
        #expect(scrape.output.contains(#"anongate_http_requests_total{route="/healthz",method="GET",status="2xx"} 1"#))
        #expect(scrape.output.contains(#"anongate_http_requests_total{route="/api/v1/staff/cases/{caseCode}",method="GET",status="4xx"} 1"#))
        #expect(!scrape.output.contains("K7MQ"))
        // The gateway's port does not serve the metrics.
        #expect(try Curl.run(["http://127.0.0.1:\(main.port)/metrics"]).status == 404)
        // Not reachable on another address of this machine (when it has one).
        if let other = Self.nonLoopbackAddress() {
            #expect(try Curl.run(["--max-time", "3", "http://\(other):\(metrics.port)/metrics"]).status == 0)
            #expect(try Curl.run(["--max-time", "3", "http://\(other):\(main.port)/healthz"]).status == 200)
        }
        #expect(gateway.terminate() == 0, "\(gateway.log)")
    }

    /// The first IPv4 address of this machine that is not loopback, from `hostname -I`.
    static func nonLoopbackAddress() -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/hostname")
        process.arguments = ["-I"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text.split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .first { $0.contains(".") && !$0.hasPrefix("127.") }
    }
}
