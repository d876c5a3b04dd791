import GatewayCore
import Testing

@Suite("Client addresses for the rate limiter")
struct ClientAddressTests {
    let proxies = [IPNetwork("10.0.0.0/8")!, IPNetwork("::1")!, IPNetwork("127.0.0.1/32")!]

    @Test func addressesParseStrictly() {
        #expect(IPAddress("192.0.2.7")?.bytes == [192, 0, 2, 7])
        #expect(IPAddress("2001:db8::1")?.bytes == [0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [1])
        #expect(IPAddress("::ffff:192.0.2.7")?.bytes == [192, 0, 2, 7])
        #expect(IPAddress("::")?.bytes == Array(repeating: 0, count: 16))
        for bad in ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1:2:3:4:5:6:7:8:9", "1::2::3", "g::1", "12345::", "unknown", " 1.2.3.4"] {
            #expect(IPAddress(bad) == nil, "\(bad)")
        }
        #expect(IPNetwork("10.0.0.0/33") == nil)
        #expect(IPNetwork("fd00::/129") == nil)
        #expect(IPNetwork("10.1.0.0/16")!.contains(IPAddress("10.1.255.3")!))
        #expect(!IPNetwork("10.1.0.0/16")!.contains(IPAddress("10.2.0.1")!))
        #expect(!IPNetwork("10.0.0.0/8")!.contains(IPAddress("::ffff:11.0.0.1")!))
        #expect(IPNetwork("0.0.0.0/0")!.contains(IPAddress("203.0.113.9")!))
    }

    /// The first X-Forwarded-For entry is whatever the client wrote; the proxy appends the real one.
    @Test func behindTrustedProxiesTheClientIsTheRightMostUntrustedAddressNeverTheFirst() {
        let bucket = ClientAddress.bucket(peer: "127.0.0.1", forwardedFor: "6.6.6.6, 198.51.100.4, 10.0.0.3", trustedProxies: proxies)
        #expect(bucket == "v4:198.51.100.4")
        // A client that forges the header cannot choose its bucket.
        let forged = ClientAddress.bucket(peer: "127.0.0.1", forwardedFor: "1.1.1.\(7), 198.51.100.4", trustedProxies: proxies)
        #expect(forged == bucket)
    }

    @Test func withoutTrustedProxiesTheHeaderIsIgnored() {
        #expect(ClientAddress.bucket(peer: "203.0.113.9", forwardedFor: "198.51.100.4", trustedProxies: []) == "v4:203.0.113.9")
        // A peer that is not a trusted proxy is the client, whatever it forwards.
        #expect(ClientAddress.bucket(peer: "203.0.113.9", forwardedFor: "198.51.100.4", trustedProxies: proxies) == "v4:203.0.113.9")
    }

    @Test func ipv6ClientsAreCountedPerSlash64() {
        let one = ClientAddress.bucket(peer: "2001:db8:1:2:aaaa::1", forwardedFor: nil, trustedProxies: [])
        let sameNetwork = ClientAddress.bucket(peer: "2001:db8:1:2:ffff:1:2:3", forwardedFor: nil, trustedProxies: [])
        let otherNetwork = ClientAddress.bucket(peer: "2001:db8:1:3::1", forwardedFor: nil, trustedProxies: [])
        #expect(one == "v6:2001:db8:1:2::/64")
        #expect(one == sameNetwork)
        #expect(one != otherNetwork)
        #expect(ClientAddress.bucket(peer: "::ffff:192.0.2.7", forwardedFor: nil, trustedProxies: []) == "v4:192.0.2.7")
    }

    @Test func garbageInTheHeaderIsItsOwnBucketNotAnotherClients() {
        #expect(ClientAddress.bucket(peer: "10.0.0.2", forwardedFor: "not-an-address", trustedProxies: proxies) == "other:not-an-address")
        #expect(ClientAddress.bucket(peer: nil, forwardedFor: nil, trustedProxies: proxies) == "unknown")
    }
}
