import GatewayServices
import Hummingbird
import NIOCore

/// Request context: bodies are bounded at 64 KiB, and the peer address is kept only for
/// the in-memory rate limiter. On staff routes the session middleware fills in `staffSession`.
public struct GatewayRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let peerAddress: String?
    public var staffSession: StaffSession?

    public static let maximumBodyBytes = 64 * 1024

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.peerAddress = source.channel.remoteAddress?.ipAddress
        self.staffSession = nil
        // Hummingbird's request id is a per-process prefix plus a counter: it orders requests. A
        // random id still ties one request's lines together and says nothing about order.
        self.logger[metadataKey: "hb.request.id"] = .string(String(UInt64.random(in: .min ... .max), radix: 16))
    }

    public var maxUploadSize: Int { Self.maximumBodyBytes }
}

/// The context of every route that needs a signed-in member of staff: handlers receive the
/// session here and never check sign-in themselves. Creating it without a session is refused.
public struct StaffRequestContext: ChildRequestContext {
    public typealias ParentContext = GatewayRequestContext
    public var coreContext: CoreRequestContextStorage
    public let session: StaffSession
    public let peerAddress: String?

    public init(context: GatewayRequestContext) throws {
        guard let session = context.staffSession else { throw GatewayProblem.signInRequired }
        self.coreContext = context.coreContext
        self.session = session
        self.peerAddress = context.peerAddress
    }

    public var staff: StaffIdentity { session.staff }
    public var maxUploadSize: Int { GatewayRequestContext.maximumBodyBytes }
}
