import Foundation
import HTTPTypes
import Logging
import Hummingbird
import RidaAnalytics
import RidaCore
import RidaReports

/// `GET /api/v1/reports/{period}/{file}` (roles `analyst`, `board`): a month's report files —
/// `review.ar.html`, `review.en.html`, `board.ar.html`, `board.en.html`, `aggregates.csv`,
/// `responses.csv`, `manifest.json`. `?calendar=hijri` names a Hijri month. The server writes each
/// month's report set itself once the month is frozen (`ReportFreezer`); requests only read it.
struct ReportsController {
    let files: ReportFiles
    let keys: any APIKeyStore

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.add(middleware: BearerAuthMiddleware(keys: keys, allowed: [.analyst, .board, .admin]))
        routes.get("api/v1/reports/:period/:file", use: file)
        return routes
    }

    @Sendable func file(_ request: Request, context: AppRequestContext) async throws -> Response {
        let outcome = await files.file(
            period: context.parameters.get("period") ?? "", name: context.parameters.get("file") ?? "",
            calendar: request.uri.queryParameters.get("calendar") ?? "gregorian", role: context.role, actor: context.keyName ?? "unknown",
            logger: context.logger)
        switch outcome {
        case .file(let response): return response
        case .invalidCalendar: return APIError.response(.unprocessableContent, code: "invalid_calendar", message: "calendar: gregorian or hijri")
        case .invalidPeriod: return APIError.response(.unprocessableContent, code: "invalid_period", message: "period: a month YYYY-MM")
        case .unknownFile:
            return APIError.response(.notFound, code: "unknown_file", message: "files: \(ReportFiles.names.joined(separator: ", "))")
        case .notClosed(let period, let freezesOn):
            return APIError.response(
                .conflict, code: "period_not_closed",
                message: freezesOn.map { "the report of \(period) is frozen on \($0), once the month and its grace period for late imports are over" }
                    ?? "the report of \(period) is written once the period is over")
        case .noData(let period, let first):
            return APIError.response(
                .notFound, code: "no_data",
                message: "there is no data for \(period)" + (first.map { " (the first is of \($0))" } ?? ""))
        case .pending(let period):
            var response = APIError.response(
                .serviceUnavailable, code: "report_pending",
                message: "the report of \(period) is frozen but not written yet; the server writes it shortly")
            response.headers[.retryAfter] = String(ReportFiles.retryAfterSeconds)
            return response
        case .forbidden: return APIError.response(.forbidden, code: "forbidden", message: "the board receives the board pack")
        case .notRead: return APIError.response(.serviceUnavailable, code: "unavailable", message: "the report could not be read")
        case .notRecorded:
            return APIError.response(.serviceUnavailable, code: "unavailable", message: "the download could not be recorded; try again")
        }
    }
}

/// The report files of frozen months, with the rules of who may have which: one function for
/// the API and the admin area. It only reads: the server's `ReportFreezer` writes each month's
/// set once the month is frozen (and an amended set beside it when its data changes), so no
/// request, whatever its key, makes a file appear. Every download is recorded in the audit log.
struct ReportFiles: Sendable {
    /// Where the first data is, which no report comes before.
    let cells: any CellReader
    let directory: URL
    let timeZone: TimeZone
    /// Every download is recorded in the audit log, under the key's name.
    let audit: any OperationsStore
    /// When a month's report may be frozen.
    var schedule = ReportSchedule()

    /// What a client is told to wait when a frozen month's set is not written yet.
    static let retryAfterSeconds = 300
    static let languages = ["ar", "en"]
    static let names = ReportWriter.files(languages: languages)

    enum Outcome {
        /// The file, with its content type (and, for CSV, a download name).
        case file(Response)
        case invalidCalendar, invalidPeriod, unknownFile
        /// The period has not begun, or is not frozen yet (its day of freezing, when it has begun).
        case notClosed(String, freezesOn: CalendarDay?)
        /// The period ends before the first data (the first day with data, if any).
        case noData(String, first: CalendarDay?)
        /// The period is frozen, but the server has not written its set yet.
        case pending(String)
        /// This role may not have this file.
        case forbidden
        case notRead, notRecorded
    }

    /// The board sees the board pack only; the review, comments and record-level files stay with the quality team.
    static func allows(_ role: Role?, _ name: String) -> Bool {
        role != .board || name.hasPrefix("board.") || name == "manifest.json"
    }

    /// The file `name` of the report of `period` (`YYYY-MM`, Gregorian or Hijri) for a caller of
    /// `role`, the download recorded under `actor`: from the month's latest set (an amended
    /// set, once there is one).
    func file(period: String, name: String, calendar: String, role: Role?, actor: String, logger: Logger) async -> Outcome {
        guard calendar == "gregorian" || calendar == "hijri" else { return .invalidCalendar }
        // Only YYYY-MM: the label also names a directory.
        guard period.utf8.count == 7, period.utf8.enumerated().allSatisfy({ $0.offset == 4 ? $0.element == UInt8(ascii: "-") : (48...57).contains($0.element) }),
            (try? PeriodCalendar(calendar == "hijri" ? .hijriMonth : .month).firstDay(of: period)) != nil
        else { return .invalidPeriod }
        guard Self.names.contains(name) else { return .unknownFile }
        // Only frozen periods: a report is a snapshot, written once the month and its grace period
        // for late imports are over; never for a month that has not begun or ends before the data.
        let kind: PeriodKind = calendar == "hijri" ? .hijriMonth : .month
        let calendarOfPeriods = PeriodCalendar(kind)
        guard let month = try? calendarOfPeriods.period(containing: calendarOfPeriods.firstDay(of: period)) else { return .invalidPeriod }
        let first: CalendarDay?
        do {
            first = try await cells.firstDataDay()
        } catch {
            return .notRead
        }
        switch schedule.status(of: month, today: CalendarDay(Date(), in: timeZone), firstDataDay: first) {
        case .future: return .notClosed(period, freezesOn: nil)
        case .beforeData(let first): return .noData(period, first: first)
        case .open(let freezesOn): return .notClosed(period, freezesOn: freezesOn)
        case .due: break
        }
        guard Self.allows(role, name) else { return .forbidden }
        guard let set = ReportSets(directory: directory, calendar: calendar, period: period).latest else { return .pending(period) }
        let data: Data
        do {
            data = try Data(contentsOf: set.folder.appendingPathComponent(name), options: .mappedIfSafe)
        } catch {
            return .notRead
        }
        do {
            try await audit.audit(AuditEntry(at: Date(), actor: actor, action: "report.downloaded", subject: "\(set.name)/\(name)"))
        } catch {
            // A download that cannot be recorded is not given out.
            logger.error("report download not recorded", metadata: ["error": "\(String(describing: type(of: error)))"])
            return .notRecorded
        }
        var headers: HTTPFields = [.cacheControl: "no-store"]
        switch (name as NSString).pathExtension {
        case "html": headers[.contentType] = "text/html; charset=utf-8"
        case "csv":
            headers[.contentType] = "text/csv; charset=utf-8"
            headers[.contentDisposition] = "attachment; filename=\"\(calendar)-\(period)-\(name)\""
        default: headers[.contentType] = "application/json; charset=utf-8"
        }
        return .file(Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))))
    }
}

extension HTTPField.Name {
    static let contentDisposition = Self("Content-Disposition")!
}
