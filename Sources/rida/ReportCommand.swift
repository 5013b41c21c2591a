import ArgumentParser
import Crypto
import Foundation
import RidaAnalytics
import RidaCore
import RidaReports
import RidaStats
import RidaStore

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a month's review, board pack, CSV files and manifest: a frozen, re-checkable snapshot.",
        discussion: """
            Writes review.<lang>.html (the continuous-improvement review), board.<lang>.html (one printable \
            page), aggregates.csv, comments.csv (each distinct comment once, masked), responses.csv \
            (anonymised, comments masked) and manifest.json (with the SHA-256 of every file) to --out \
            (default Reports/<period>/). A frozen report is never rewritten: \
            when the month's data has changed since (a late import), an amended set is written beside it \
            (<out>-amended-1, -amended-2, …) whose manifest names the set it replaces; when nothing changed, \
            nothing is written.
            """)

    enum CalendarKind: String, ExpressibleByArgument, CaseIterable { case gregorian, hijri }

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var seeds: SeedOptions
    @Option(help: "The month: YYYY-MM (a Hijri year and month with --calendar hijri).") var period: String
    @Option(help: "gregorian or hijri (Umm al-Qura).") var calendar: CalendarKind = .gregorian
    @Option(help: "ar, en or all.") var lang: String = "all"
    @Option(help: "Output directory (default Reports/<period>/).") var out: String?
    @Option(name: .customLong("templates"), help: "Template directory (default: $RIDA_TEMPLATES, else ./Templates).") var templates: String?
    @Flag(help: "Write a provisional report of a month that is not frozen yet (every page says so); it is never the month's frozen report.")
    var provisional = false
    @Option(
        name: .customLong("report-grace-days"),
        help: ArgumentHelp("Days after a month ends before its report is frozen, for late paper and phone imports (setting report-grace-days; default 5).", valueName: "days"))
    var graceDays: Int?

    func run() async throws {
        let languages = lang == "all" ? ["ar", "en"] : [lang]
        guard languages.allSatisfy({ ["ar", "en"].contains($0) }) else { throw ValidationError("--lang: ar, en or all") }
        let settings = try await database.settings()
        let grace = try settings.resolve(graceDays, "report-grace-days", default: ReportSchedule.defaultGraceDays)
        guard (0...90).contains(grace) else { throw CLIError("--report-grace-days must be between 0 and 90") }
        let (store, configuration, _) = try await openInitialised(database, seeds, settings: settings)
        // The same rules as the server's: no month that has not begun or ends before the data;
        // an open month only as a provisional report, asked for.
        let kind: PeriodKind = calendar == .hijri ? .hijriMonth : .month
        let periods = PeriodCalendar(kind)
        let month: Period
        do { month = periods.period(containing: try periods.firstDay(of: period)) } catch { throw CLIError("\(error)") }
        let status = ReportSchedule(graceDays: grace).status(
            of: month, today: CalendarDay(Date(), in: store.settings.timeZone), firstDataDay: try await store.firstDataDay())
        switch status {
        case .future:
            throw CLIError("\(period) has not begun: there is nothing to report yet")
        case .beforeData(let first):
            throw CLIError("there is no data for \(period)" + (first.map { " (the first is of \($0))" } ?? " (the database holds none)"))
        case .open(let freezesOn):
            guard provisional else {
                throw CLIError(
                    "\(period) is not frozen yet: its report is frozen on \(freezesOn), \(grace) day(s) after the month ends, for late paper and phone imports. Give --provisional for a provisional report now.")
            }
        case .due:
            if provisional { printError("\(period) is frozen: --provisional is not needed, the report is final.") }
        }
        let isProvisional = if case .open = status { true } else { false }
        let library = try await TemplateLibrary(
            directory: templates.map { URL(fileURLWithPath: $0) } ?? TemplateLibrary.defaultDirectory(), required: ReportWriter.templates)
        let writer = ReportWriter(store: store, timeZone: store.settings.timeZone, configuration: configuration, templates: library, actions: store)
        var directory = URL(fileURLWithPath: out ?? (isProvisional ? "Reports/\(period)-provisional" : "Reports/\(period)"))
        // A frozen set is kept as written: a change of the month's data since gives an amended set
        // beside it, no change gives nothing. (A provisional set is rewritten: it is never frozen.)
        var amendment: ReportAmendment?
        if !isProvisional {
            let sets = ReportSets(base: directory)
            switch sets.need(try await ReportManifest.Source.of(first: month.first, last: month.last, cells: store)) {
            case .frozen: break
            case .current(let set):
                say("The frozen report set of \(period) in \(set.folder.path) is current: its month's data has not changed since. Nothing was written.")
                return
            case .amended(let replaced, let number):
                amendment = ReportAmendment(replaces: replaced.name, number: number)
                directory = sets.folder(amendment: number)
            }
        }
        let manifest: ReportManifest
        do {
            manifest = try await writer.write(
                period: period, hijri: calendar == .hijri, languages: languages, to: directory, provisional: isProvisional, amendment: amendment)
        } catch let error as AnalysisError {
            throw CLIError(error.description)
        }
        for file in manifest.files { say("\(directory.appendingPathComponent(file.name).path)  \(file.bytes) bytes  sha256 \(file.sha256)") }
        let label = isProvisional ? "Provisional report" : amendment.map { "Amended report \($0.number)" } ?? "Report"
        say("\(label) for \(manifest.period) (\(manifest.first) – \(manifest.last)) written to \(directory.path)")
        if let amendment {
            say("It replaces the report set \(amendment.replaces), kept unchanged: the month's data changed after that set was written.")
        }
    }
}

