import ArgumentParser
import CSV
import Crypto
import Foundation
import RidaAnalytics
import RidaCore
import RidaReports
import RidaStore

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import responses collected on paper, by phone or at a kiosk (CSV): all rows or none.",
        discussion: """
            Columns: date (YYYY-MM-DD), department, channel, then optionally segment, service, locale, and \
            the questionnaire's item ids (a rating, or na for "not applicable"; free text for suggestion). \
            A missing column or a blank cell means "not answered". Every error is listed by line and column, \
            and nothing is imported from a file with errors.
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var seeds: SeedOptions

    @Argument(help: ArgumentHelp("The CSV file (UTF-8, with or without a byte-order mark).", valueName: "file.csv"))
    var file: String

    @Flag(help: "Import the file even if the same content was imported before (its responses are then counted twice).")
    var again = false

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("cannot read \(file)") }
        guard var text = String(data: data, encoding: .utf8) else { throw CLIError("\(file) is not UTF-8 text") }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var header: [String] = []
        var rows: [[String]] = []
        do {
            let reader = try CSVReader(string: text, hasHeaderRow: true)
            header = reader.headerRow ?? []
            while let row = reader.next() { rows.append(row) }
            if let error = reader.error { throw error }
        } catch {
            throw CLIError("\(file) is not a readable CSV file: \(error)")
        }
        let settings = try await database.settings()
        let grace = try settings.resolve(nil as Int?, "report-grace-days", default: ReportSchedule.defaultGraceDays)
        let (store, configuration, _) = try await openInitialised(database, seeds, settings: settings)
        // The same content, whatever the file's name, line endings or byte-order mark.
        let digest = Data(SHA256.hash(data: Data(text.replacingOccurrences(of: "\r\n", with: "\n").utf8)))
        guard let importer = ResponseImporter(configuration: configuration, timeZone: store.settings.timeZone) else {
            throw CLIError("no questionnaire is configured")
        }
        switch importer.read(header: header, rows: rows) {
        case .failure(let errors):
            let issues = errors.issues
            for issue in issues { printError("\(file): \(issue)") }
            printError("\(issues.count) error\(issues.count == 1 ? "" : "s"); nothing was imported.")
            throw ExitCode.failure
        case .success(let responses):
            if let earlier = try await store.importResponses(responses, fileDigest: digest, again: again, at: Date()) {
                let hour = ISO8601DateFormatter().string(from: earlier.hour)
                throw CLIError(
                    "\(file) was already imported (the same content, \(earlier.responses) response\(earlier.responses == 1 ? "" : "s"), in the hour from \(hour)); nothing was imported. Give --again to import it once more.")
            }
            say("Imported \(responses.count) response\(responses.count == 1 ? "" : "s") from \(file).")
            for (month, count) in try await Self.frozenMonths(of: responses, graceDays: grace, store: store) {
                printError(
                    "warning: \(count) imported response\(count == 1 ? "" : "s") fall\(count == 1 ? "s" : "") in \(month), whose report is frozen: the server (or rida report --period \(month)) writes an amended report set that replaces the frozen one, which is kept unchanged.")
            }
        }
    }

    /// The Gregorian months of these responses whose reports are frozen (due, per the schedule), with
    /// how many of the responses fall in each, in order.
    static func frozenMonths(of responses: [SurveyResponse], graceDays: Int, store: AppDatabase) async throws -> [(String, Int)] {
        let calendar = PeriodCalendar(.month)
        let schedule = ReportSchedule(graceDays: graceDays)
        let today = CalendarDay(Date(), in: store.settings.timeZone)
        let first = try await store.firstDataDay()
        var counts: [String: Int] = [:]
        for response in responses {
            let month = calendar.period(containing: response.day)
            if schedule.status(of: month, today: today, firstDataDay: first) == .due { counts[month.label, default: 0] += 1 }
        }
        return counts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
