import ArgumentParser
import Foundation
import RidaAnalytics
import RidaCore
import RidaReports
import RidaStats
import RidaStore

extension PeriodKind: ExpressibleByArgument {}

struct AnalyzeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Metrics with intervals, trends, change points, control charts and a fair comparison of units.",
        discussion: """
            Reads the per-day cells kept at write time, never the raw responses. Periods are named as \
            YYYY-MM (month), YYYY-Qn (quarter), YYYY-Www (ISO week) or a Hijri YYYY-MM (hijri-month), or by \
            any date YYYY-MM-DD in them. Estimates from fewer than 5 responses are never shown.
            """,
        subcommands: [Run.self, Check.self], defaultSubcommand: Run.self)

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "run", abstract: "Analyse (the default).")

        enum Format: String, ExpressibleByArgument, CaseIterable { case json, text }

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var seeds: SeedOptions
        @Option(help: "First period.") var from: String
        @Option(help: "Last period.") var to: String
        @Option(help: "Dimensions, comma-separated: department, channel, segment, service, language, source.") var by: String = "department"
        @Option(help: "week, month, quarter or hijri-month.") var period: PeriodKind = .month
        @Option(help: "Metrics, comma-separated: csat, bottom-2, nps, ces, ces-agree, mean, response-rate (default: csat,nps,ces,response-rate).")
        var metric: String?
        @Option(help: "json or text.") var format: Format = .json
        @Option(help: "Language of the text format: ar or en.") var lang: String = "ar"
        @Flag(help: "Apply the display threshold for audiences outside the quality team (10 instead of 5).") var external = false
        @Flag(
            name: .customLong("include-provisional"),
            help: "Count the period not over yet (and response rates whose invitations may still be answered) in trends, control-chart limits and comparisons.")
        var includeProvisional = false

        func run() async throws {
            let dimensions: [AnalysisDimension], metrics: [MetricKind]
            do {
                dimensions = try AnalysisRequest.dimensions(by)
                metrics = try AnalysisRequest.metrics(metric)
            } catch let error as AnalysisError {
                throw ValidationError("--\(error.description)")
            }
            guard ["ar", "en"].contains(lang) else { throw ValidationError("--lang: ar or en") }
            let (store, configuration, _) = try await openInitialised(database, seeds)
            let engine = AnalysisEngine(configuration: configuration, timeZone: store.settings.timeZone)
            var request = AnalysisRequest(from: from, to: to, period: period, by: dimensions, metrics: metrics, policy: external ? .external : .quality)
            request.today = CalendarDay(Date(), in: store.settings.timeZone)
            request.includeProvisional = includeProvisional
            let result: AnalysisResult
            do {
                result = try await engine.analyse(request, cells: store)
            } catch let error as AnalysisError {
                throw CLIError(error.description)
            }
            switch format {
            case .json: say(String(decoding: try AnalysisJSON.encode(result), as: UTF8.self))
            case .text: say(AnalysisText(configuration: configuration, language: lang).render(result))
            }
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check", abstract: "Recompute every response cell from the raw responses, check the invitation cells against the invitations left: exit 1 on any difference.")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var seeds: SeedOptions

        func run() async throws {
            let (store, _, _) = try await openInitialised(database, seeds)
            let check = try await store.checkCells()
            guard check.isExact else {
                for difference in check.differences { printError(difference) }
                throw CLIError("the cells differ from the raw responses (\(check.differences.count) difference(s) shown)")
            }
            say(
                "Cells exact: \(check.responseCells) response cells match the raw rows; \(check.invitationCells) invitation cells agree with the "
                    + "invitations left (an answered or expired invitation keeps no unit, so per unit only issued − answered ≥ still open is checked; "
                    + "in total issued = open + spent, answered = used).")
        }
    }
}
