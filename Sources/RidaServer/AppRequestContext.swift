import Hummingbird
import RidaCore
import NIOCore

/// The request context: Hummingbird's core storage plus the client's address (for throttling
/// failed lookups).
public struct AppRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?
    /// The role of the API key that authenticated the request, if any.
    public var role: Role?
    /// Its name, as the audit log records who did what.
    public var keyName: String?
    /// The departments it may issue for; empty: every department.
    public var departments: [String] = []

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress
    }
}
