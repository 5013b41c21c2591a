import Hummingbird
import Logging
import RidaCore

/// `GET /healthz`: 200 when the database answers, 503 otherwise.
struct HealthController<Context: RequestContext> {
    let status: any StoreStatusReader

    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.get("healthz", use: health)
        return routes
    }

    @Sendable func health(_ request: Request, context: Context) async throws -> Response {
        let healthy: Bool
        do {
            try await status.ping()
            healthy = true
        } catch {
            context.logger.error("health check failed", metadata: ["error": "\(String(describing: type(of: error)))"])
            healthy = false
        }
        let body = healthy ? #"{"status":"ok"}"# : #"{"status":"unavailable"}"#
        return Response(
            status: healthy ? .ok : .serviceUnavailable,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
