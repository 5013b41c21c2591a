import Foundation
import HTTPTypes
import Logging
import Hummingbird
import RidaAnalytics
import RidaCore
import RidaReports
import Synchronization

/// `GET /api/v1/reports/{period}/{file}` (roles `analyst`, `board`): a month's report files —
/// `review.ar.html`, `review.en.html`, `board.ar.html`, `board.en.html`, `aggregates.csv`,
/// `responses.csv`, `manifest.json`. `?calendar=hijri` names a Hijri month. A period's report is
/// written once into the reports directory, then served from it: a frozen snapshot.
struct ReportsController {
    let writer: ReportWriter
    let directory: URL
    let timeZone: TimeZone
    let keys: any APIKeyStore
    let generation = ReportGeneration()

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.add(middleware: BearerAuthMiddleware(keys: keys, allowed: [.analyst, .board, .admin]))
        routes.get("api/v1/reports/:period/:file", use: file)
        return routes
    }

    static let languages = ["ar", "en"]

    @Sendable func file(_ request: Request, context: AppRequestContext) async throws -> Response {
        let calendar = request.uri.queryParameters.get("calendar") ?? "gregorian"
        guard calendar == "gregorian" || calendar == "hijri" else {
            return APIError.response(.unprocessableContent, code: "invalid_calendar", message: "calendar: gregorian or hijri")
        }
        let period = context.parameters.get("period") ?? ""
        let name = context.parameters.get("file") ?? ""
        // Only YYYY-MM: the label also names a directory.
        guard period.utf8.count == 7, period.utf8.enumerated().allSatisfy({ $0.offset == 4 ? $0.element == UInt8(ascii: "-") : (48...57).contains($0.element) }),
            (try? PeriodCalendar(calendar == "hijri" ? .hijriMonth : .month).firstDay(of: period)) != nil
        else {
            return APIError.response(.unprocessableContent, code: "invalid_period", message: "period: a month YYYY-MM")
        }
        guard ReportWriter.files(languages: Self.languages).contains(name) else {
            return APIError.response(.notFound, code: "unknown_file", message: "files: \(ReportWriter.files(languages: Self.languages).joined(separator: ", "))")
        }
        // Only closed periods: a report is a frozen snapshot, so it is written once the month is over.
        let kind: PeriodKind = calendar == "hijri" ? .hijriMonth : .month
        let calendarOfPeriods = PeriodCalendar(kind)
        guard let lastDay = try? calendarOfPeriods.period(containing: calendarOfPeriods.firstDay(of: period)).last,
            lastDay < CalendarDay(Date(), in: timeZone)
        else {
            return APIError.response(.conflict, code: "period_not_closed", message: "the report of \(period) is written once the period is over")
        }
        // The board sees the board pack only; the review, comments and record-level files stay with the quality team.
        if context.role == .board, !(name.hasPrefix("board.") || name == "manifest.json") {
            return APIError.response(.forbidden, code: "forbidden", message: "the board receives the board pack")
        }
        let folder = directory.appendingPathComponent("\(calendar)-\(period)")
        do {
            try await generation.ensure(folder) {
                // Written beside, then moved into place: a reader never sees a half-written report.
                let staging = directory.appendingPathComponent(".\(calendar)-\(period)-\(UUID().uuidString)")
                defer { try? FileManager.default.removeItem(at: staging) }
                _ = try await writer.write(period: period, hijri: calendar == "hijri", languages: Self.languages, to: staging)
                try FileManager.default.moveItem(at: staging, to: folder)
            }
        } catch {
            context.logger.error("report not written", metadata: ["error": "\(String(describing: type(of: error)))"])
            return APIError.response(.serviceUnavailable, code: "unavailable", message: "the report could not be written")
        }
        let data: Data
        do {
            data = try Data(contentsOf: folder.appendingPathComponent(name), options: .mappedIfSafe)
        } catch {
            return APIError.response(.serviceUnavailable, code: "unavailable", message: "the report could not be read")
        }
        var headers: HTTPFields = [.cacheControl: "no-store"]
        switch (name as NSString).pathExtension {
        case "html": headers[.contentType] = "text/html; charset=utf-8"
        case "csv":
            headers[.contentType] = "text/csv; charset=utf-8"
            headers[.contentDisposition] = "attachment; filename=\"\(calendar)-\(period)-\(name)\""
        default: headers[.contentType] = "application/json; charset=utf-8"
        }
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Writes each period's report once, even when several requests ask for it at the same time.
final class ReportGeneration: Sendable {
    private let running = Mutex<[String: Task<Void, any Error>]>([:])

    func ensure(_ folder: URL, write: @escaping @Sendable () async throws -> Void) async throws {
        if FileManager.default.fileExists(atPath: folder.appendingPathComponent("manifest.json").path) { return }
        let task = running.withLock { tasks -> Task<Void, any Error> in
            if let task = tasks[folder.path] { return task }
            let task = Task { try await write() }
            tasks[folder.path] = task
            return task
        }
        defer { running.withLock { _ = $0.removeValue(forKey: folder.path) } }
        try await task.value
    }
}

extension HTTPField.Name {
    static let contentDisposition = Self("Content-Disposition")!
}
