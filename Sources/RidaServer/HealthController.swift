import Foundation
import Hummingbird
import Logging
import RidaCore

/// `GET /healthz`: liveness, from the process alone (a load balancer or systemd restarts a
/// process that stops answering it). `GET /readyz`: readiness, 200 only when a write to the
/// database succeeds and free disk space is above the minimum; 503 with the reasons otherwise.
struct HealthController<Context: RequestContext> {
    let status: any StoreStatusReader
    let minimumFreeBytes: Int64

    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        routes.get("healthz", use: health)
        routes.get("readyz", use: ready)
        return routes
    }

    @Sendable func health(_ request: Request, context: Context) async throws -> Response {
        Self.json(.ok, #"{"status":"ok"}"#)
    }

    struct Readiness: Encodable {
        var status: String
        var reason: String?
        var problems: [String]
        var freeDiskMegabytes: Int64?
    }

    @Sendable func ready(_ request: Request, context: Context) async throws -> Response {
        let readiness = await status.readiness(minimumFreeBytes: minimumFreeBytes)
        let ready = readiness.problems.isEmpty
        if !ready { context.logger.warning("not ready", metadata: ["problems": "\(readiness.problems.joined(separator: "; "))"]) }
        let body = Readiness(
            status: ready ? "ready" : "unavailable", reason: ready ? nil : readiness.problems.joined(separator: "; "), problems: readiness.problems,
            freeDiskMegabytes: readiness.freeBytes.map { $0 / 1_048_576 })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Self.json(ready ? .ok : .serviceUnavailable, String(decoding: try encoder.encode(body), as: UTF8.self))
    }

    static func json(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}
