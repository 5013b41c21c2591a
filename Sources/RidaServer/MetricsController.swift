import Hummingbird
import NIOCore
import RidaCore

/// `GET /metrics` (role `admin`): the server's metrics in Prometheus's text format.
struct MetricsController {
    let metrics: ServerMetrics
    let keys: any APIKeyStore

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.add(middleware: BearerAuthMiddleware(keys: keys, allowed: [.admin]))
        routes.get("metrics", use: export)
        return routes
    }

    @Sendable func export(_ request: Request, context: AppRequestContext) async throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: metrics.exposition())))
    }
}
