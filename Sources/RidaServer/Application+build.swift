import Foundation
import Hummingbird
import Logging
import NIOCore
import RidaCore

/// Where the server listens and how it names itself in links.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int
    /// The public address links are built from — never from request headers.
    public var baseURL: URL

    public init(host: String = "127.0.0.1", port: Int = 8080, baseURL: URL? = nil) {
        self.host = host
        self.port = port
        self.baseURL = baseURL ?? URL(string: "http://\(host == "0.0.0.0" ? "localhost" : host):\(port)")!
    }
}

/// What the server needs from the layers below, injected so tests can supply their own.
public struct ServerDependencies: Sendable {
    public var status: any StoreStatusReader

    public init(status: any StoreStatusReader) {
        self.status = status
    }
}

public typealias AppRequestContext = BasicRequestContext

/// Builds the whole HTTP application: router, middleware, controllers.
public func buildApplication(
    settings: ServerSettings,
    dependencies: ServerDependencies,
    logger: Logger = Logger(label: "rida"),
    onServerRunning: @escaping @Sendable (any NIOCore.Channel) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let router = buildRouter(dependencies: dependencies)
    return Application(
        router: router,
        configuration: ApplicationConfiguration(address: .hostname(settings.host, port: settings.port), serverName: "rida"),
        onServerRunning: onServerRunning,
        logger: logger)
}

func buildRouter(dependencies: ServerDependencies) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: SecurityHeadersMiddleware())
    router.addRoutes(HealthController(status: dependencies.status).routes)
    return router
}
