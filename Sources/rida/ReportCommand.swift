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
            page), aggregates.csv, responses.csv (anonymised, comments masked) and manifest.json (with the \
            SHA-256 of every file) to --out (default Reports/<period>/).
            """)

    enum CalendarKind: String, ExpressibleByArgument, CaseIterable { case gregorian, hijri }

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var seeds: SeedOptions
    @Option(help: "The month: YYYY-MM (a Hijri year and month with --calendar hijri).") var period: String
    @Option(help: "gregorian or hijri (Umm al-Qura).") var calendar: CalendarKind = .gregorian
    @Option(help: "ar, en or all.") var lang: String = "all"
    @Option(help: "Output directory (default Reports/<period>/).") var out: String?
    @Option(name: .customLong("templates"), help: "Template directory (default: $RIDA_TEMPLATES, else ./Templates).") var templates: String?

    func run() async throws {
        let languages = lang == "all" ? ["ar", "en"] : [lang]
        guard languages.allSatisfy({ ["ar", "en"].contains($0) }) else { throw ValidationError("--lang: ar, en or all") }
        let (store, configuration, _) = try await openInitialised(database, seeds)
        let library = try await TemplateLibrary(
            directory: templates.map { URL(fileURLWithPath: $0) } ?? TemplateLibrary.defaultDirectory(), required: ReportWriter.templates)
        let writer = ReportWriter(store: store, timeZone: store.settings.timeZone, configuration: configuration, templates: library, actions: store)
        let directory = URL(fileURLWithPath: out ?? "Reports/\(period)")
        let manifest: ReportManifest
        do {
            manifest = try await writer.write(period: period, hijri: calendar == .hijri, languages: languages, to: directory)
        } catch let error as AnalysisError {
            throw CLIError(error.description)
        }
        for file in manifest.files { say("\(directory.appendingPathComponent(file.name).path)  \(file.bytes) bytes  sha256 \(file.sha256)") }
        say("Report for \(manifest.period) (\(manifest.first) – \(manifest.last)) written to \(directory.path)")
    }
}

