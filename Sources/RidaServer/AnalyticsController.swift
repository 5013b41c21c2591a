import Foundation
import HTTPTypes
import Logging
import Hummingbird
import RidaAnalytics
import RidaCore
import RidaStats

/// `GET /api/v1/analytics` (role `analyst`): the same JSON as `rida analyze --format json`.
/// Query: `from`, `to` (required), `by`, `period`, `metric`, `audience=external` (display
/// threshold 10).
///
/// Every analysis given out is recorded in the audit log (who, and the query), before it is
/// given: differences between analyses of overlapping ranges or breakdowns are the one way left
/// to narrow down a hidden cell (see the README's "Small numbers"), and the log shows who asked.
struct AnalyticsController {
    let engine: AnalysisEngine
    let cells: any CellReader
    let keys: any APIKeyStore
    let audit: any OperationsStore

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.add(middleware: BearerAuthMiddleware(keys: keys, allowed: [.analyst, .admin]))
        routes.get("api/v1/analytics", use: analyse)
        return routes
    }

    @Sendable func analyse(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        guard let from = query.get("from"), let to = query.get("to") else {
            return APIError.response(.badRequest, code: "missing_range", message: "from and to are required (e.g. from=2025-01&to=2026-12)")
        }
        var analysis: AnalysisRequest
        do {
            let kind = query.get("period") ?? PeriodKind.month.rawValue
            guard let period = PeriodKind(rawValue: kind) else { throw AnalysisError.unknownPeriodKind(kind) }
            let audience = query.get("audience") ?? "quality"
            guard ["quality", "external"].contains(audience) else {
                return APIError.response(.unprocessableContent, code: "invalid_audience", message: "audience: quality or external")
            }
            analysis = AnalysisRequest(
                from: from, to: to, period: period, by: try AnalysisRequest.dimensions(query.get("by") ?? "department"),
                metrics: try AnalysisRequest.metrics(query.get("metric")), policy: audience == "external" ? .external : .quality)
            let provisional = query.get("provisional") ?? "exclude"
            guard ["include", "exclude"].contains(provisional) else {
                return APIError.response(.unprocessableContent, code: "invalid_provisional", message: "provisional: include or exclude")
            }
            analysis.today = CalendarDay(Date(), in: engine.timeZone)
            analysis.includeProvisional = provisional == "include"
            let result = try await engine.analyse(analysis, cells: cells)
            let asked = [
                "from=\(from)", "to=\(to)", "by=\(analysis.by.map(\.rawValue).joined(separator: ","))", "period=\(analysis.period.rawValue)",
                "metric=\(analysis.metrics.map(\.rawValue).joined(separator: ","))", "audience=\(audience)",
                "provisional=\(analysis.includeProvisional ? "include" : "exclude")",
            ].joined(separator: "&")
            do {
                try await audit.audit(
                    AuditEntry(at: Date(), actor: context.keyName ?? "unknown", action: "analytics.requested", detail: asked))
            } catch {
                // An analysis that cannot be recorded is not given out.
                context.logger.error("analysis request not recorded", metadata: ["error": "\(String(describing: type(of: error)))"])
                return APIError.response(.serviceUnavailable, code: "unavailable", message: "the analysis could not be recorded just now; try again")
            }
            return Response(
                status: .ok, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: try AnalysisJSON.encode(result, pretty: false))))
        } catch let error as AnalysisError {
            return APIError.response(.unprocessableContent, code: "invalid_\(error.parameter)", message: error.description)
        } catch {
            context.logger.error("analysis failed", metadata: ["error": "\(String(describing: type(of: error)))"])
            return APIError.response(.serviceUnavailable, code: "unavailable", message: "the analysis could not be read just now; try again")
        }
    }
}
