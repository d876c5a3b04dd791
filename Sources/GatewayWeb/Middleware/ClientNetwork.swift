import Foundation
import GatewayCore
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// What the gateway believes about where a request came from: the rate-limit bucket (behind
/// `rateLimit.trustedProxies` only) and whether it came over TLS (the gateway's own TLS listener,
/// or a trusted proxy's `X-Forwarded-Proto`). Nothing here is ever logged or stored.
struct ClientNetwork: Sendable {
    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
    static let forwardedProto = HTTPField.Name("X-Forwarded-Proto")!

    let trustedProxies: [IPNetwork]
    /// `serve --tls-cert`: the only listener speaks TLS, so every request arrived over it.
    let nativeTLS: Bool
    let warning: SingleAddressWarning

    init(trustedProxies: [IPNetwork], nativeTLS: Bool = false, logger: Logger) {
        self.trustedProxies = trustedProxies
        self.nativeTLS = nativeTLS
        self.warning = SingleAddressWarning(logger: logger)
    }

    func bucket(_ request: Request, _ context: GatewayRequestContext) -> String {
        let forwarded = request.headers[Self.forwardedFor]
        warning.observe(peer: context.peerAddress, forwarded: forwarded != nil, trusted: fromTrustedProxy(context.peerAddress))
        return ClientAddress.bucket(peer: context.peerAddress, forwardedFor: forwarded, trustedProxies: trustedProxies)
    }

    func fromTrustedProxy(_ peerAddress: String?) -> Bool {
        guard let peer = peerAddress.flatMap(IPAddress.init) else { return false }
        return trustedProxies.contains { $0.contains(peer) }
    }

    /// Hummingbird's HTTP/1 channel names every request `http`, TLS or not: native TLS counts by the flag.
    func overTLS(_ request: Request, peerAddress: String?) -> Bool {
        nativeTLS || request.head.scheme == "https" || (fromTrustedProxy(peerAddress) && request.headers[Self.forwardedProto]?.lowercased() == "https")
    }
}

/// The symptom of a forgotten `trustedProxies` behind nginx: every request comes from one address
/// that is not a trusted proxy and carries `X-Forwarded-For`. Then every citizen shares one bucket,
/// and a few bookings lock out the whole city. Said once in the log — without the address.
final class SingleAddressWarning: Sendable {
    static let threshold = 20
    private let logger: Logger
    private let state = Mutex<(peer: String?, count: Int, said: Bool)>((nil, 0, false))

    init(logger: Logger) { self.logger = logger }

    func observe(peer: String?, forwarded: Bool, trusted: Bool) {
        let say = state.withLock { state -> Bool in
            guard !state.said else { return false }
            guard let peer, forwarded, !trusted, state.peer == nil || state.peer == peer else {
                state = (nil, 0, true)   // Another address, or no proxy header: not the symptom. Stop watching.
                return false
            }
            state.peer = peer
            state.count += 1
            guard state.count >= Self.threshold else { return false }
            state = (nil, 0, true)
            return true
        }
        if say {
            logger.warning("""
                every request so far came from one address that is not in rateLimit.trustedProxies and carries X-Forwarded-For: \
                behind a reverse proxy, all citizens then share one rate-limit bucket. Add the proxy's address to \
                rateLimit.trustedProxies (README, Deployment).
                """)
        }
    }
}
