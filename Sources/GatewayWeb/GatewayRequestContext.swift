import Hummingbird
import NIOCore

/// Request context: bodies are bounded at 64 KiB, and the peer address is kept only for
/// the in-memory rate limiter.
public struct GatewayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let peerAddress: String?

    public static let maximumBodyBytes = 64 * 1024

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.peerAddress = source.channel.remoteAddress?.ipAddress
    }

    public var maxUploadSize: Int { Self.maximumBodyBytes }
}
