import HTTPTypes
import Hummingbird
import Logging

/// Counts and times every request by route template, method and status, and logs it at debug
/// level — with the route template, never the path, which for survey pages holds the token.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            record(request, context, status: status, duration: ContinuousClock.now - start)
            throw error
        }
        // Timed until the body is written, as the client experiences it.
        var timed = response
        let body = response.body
        timed.body = ResponseBody(contentLength: body.contentLength) { writer in
            do {
                try await body.write(writer)
            } catch {
                record(request, context, status: response.status, duration: ContinuousClock.now - start)
                throw error
            }
            record(request, context, status: response.status, duration: ContinuousClock.now - start)
        }
        return timed
    }

    private func record(_ request: Request, _ context: Context, status: HTTPResponse.Status, duration: Duration) {
        // The router names the matched route only once it has resolved it.
        let route = ServerMetrics.routeLabel(context.endpointPath)
        metrics.recordRequest(route: route, method: request.method.rawValue, status: status.code, duration: duration)
        context.logger.debug(
            "request",
            metadata: [
                "route": "\(route)", "method": "\(request.method.rawValue)", "status": "\(status.code)",
                "duration_ms": "\(Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15)",
            ])
    }
}
