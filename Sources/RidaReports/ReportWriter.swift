import Crypto
import Foundation
import RidaAnalytics
import RidaCore
import RidaStats

/// Builds and writes one period's report files.
public struct ReportWriter: Sendable {
    public let store: any CellReader & ResponseExporter
    let timeZone: TimeZone
    let configuration: SeedConfiguration
    let templates: TemplateLibrary
    /// The improvement-action register, whose effects the reports show.
    let actions: (any OperationsStore)?

    public init(
        store: any CellReader & ResponseExporter, timeZone: TimeZone, configuration: SeedConfiguration, templates: TemplateLibrary,
        actions: (any OperationsStore)? = nil
    ) {
        self.actions = actions
        self.store = store
        self.timeZone = timeZone
        self.configuration = configuration
        self.templates = templates
    }

    /// The files a report directory holds for these languages.
    public static func files(languages: [String]) -> [String] {
        (["aggregates.csv", "comments.csv", "manifest.json", "responses.csv"] + languages.flatMap { ["review.\($0).html", "board.\($0).html"] }).sorted()
    }

    public static let templates = ["reports/review", "reports/unit", "reports/board", "reports/style", "charts/control", "charts/funnel", "charts/sparkline", "charts/profile", "charts/trend"]

    /// Writes the report of `period` into `directory`; an amended set says on every page which set
    /// it replaces. `today` (default: today in the organisation's time zone) decides which
    /// response rates are still provisional — their invitations may still be answered — and so
    /// left out of signals, trends and comparisons, and labelled.
    public func write(
        period: String, hijri: Bool, languages: [String], to directory: URL, provisional: Bool = false, amendment: ReportAmendment? = nil,
        today: CalendarDay? = nil
    ) async throws -> ReportManifest {
        let today = today ?? CalendarDay(Date(), in: timeZone)
        let kind: PeriodKind = hijri ? .hijriMonth : .month
        let calendar = PeriodCalendar(kind)
        let last: Period
        do { last = calendar.period(containing: try calendar.firstDay(of: period)) } catch let error as PeriodError { throw AnalysisError.period(error) }
        // 24 periods ending with the report's.
        var first = last
        for _ in 1..<24 { first = calendar.period(containing: CalendarDay(daysSinceEpoch: first.first.daysSinceEpoch - 1)) }
        // Read before the analyses: data that arrives while they run makes the set look older
        // than it is (and amended later), never newer.
        let source = try await ReportManifest.Source.of(first: last.first, last: last.last, cells: store)
        let engine = AnalysisEngine(configuration: configuration, timeZone: timeZone)
        func analyse(_ by: [AnalysisDimension], _ metrics: [MetricKind], policy: SmallNumbersPolicy = .quality) async throws -> AnalysisResult {
            var request = AnalysisRequest(from: first.label, to: last.label, period: kind, by: by, metrics: metrics, policy: policy)
            request.today = today
            return try await engine.analyse(request, cells: store)
        }
        let byDepartment = try await analyse([.department], [.csat, .bottom2, .nps, .ces, .responseRate, .mean])
        let byChannel = try await analyse([.channel], [.csat, .nps, .ces, .responseRate])
        // Every metric at the department × channel grain the others are sums of, so that all of
        // them can be checked against it, and so that responses are published only where every
        // metric shows the cell.
        let byDepartmentChannel = try await analyse([.department, .channel], [.csat, .bottom2, .nps, .ces, .responseRate, .mean])
        // The board pack leaves the quality team: the display threshold is 10.
        let board = try await analyse([.department], [.csat, .nps, .ces, .responseRate], policy: .external)
        let threshold = byDepartment.suppressBelow

        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // Responses and comments of the period, from one read transaction. Only department ×
        // channel cells shown by every response metric of the period contribute (the rows of a
        // cell give each of its metrics' n exactly, so a cell hidden in any would be revealed); a
        // cell the analysis did not see (its responses arrived since) is left out too.
        var shown = Set<String>()
        var hiddenSomewhere = Set<String>()
        for metric in byDepartmentChannel.metrics where metric.metric != .responseRate {
            for series in metric.units {
                guard let point = series.series.last, let department = series.unit["department"] ?? nil,
                    let channel = series.unit["channel"] ?? nil
                else { continue }
                let key = "\(department)\u{1F}\(channel)"
                if point.suppressed { hiddenSomewhere.insert(key) } else if (point.n ?? 0) > 0 { shown.insert(key) }
            }
        }
        shown.subtract(hiddenSomewhere)
        let questionnaires = Array(try await store.questionnaireVersions().values)
        let responsesURL = directory.appendingPathComponent("responses.csv")
        _ = FileManager.default.createFile(atPath: responsesURL.path, contents: nil)  // a failure shows when it is opened
        let handle = try FileHandle(forWritingTo: responsesURL)
        let output = BufferedOutput(handle)
        let collector = ReportCollector(
            csv: try ResponsesCSV(questionnaires: questionnaires, period: last.label, sink: output.write), shown: shown,
            satisfactionItems: ReportCollector.satisfactionItems(questionnaires))
        // Two passes, each one read transaction: the first counts which details rows share, the
        // second writes. A response that arrived in between is written only where it joins a
        // group the first pass counted (a report is a snapshot; its analyses were taken before).
        try await store.exportResponses(from: last.first, to: last.last) { response in collector.count(response) }
        collector.settle(threshold: threshold)
        try await store.exportResponses(from: last.first, to: last.last) { response in try collector.add(response) }
        try output.flush()
        try handle.close()

        // Comments in organisational order, masked, each distinct text once.
        var comments: [CommentGroup] = []
        for department in configuration.departments {
            for channel in configuration.channels {
                let found = collector.comments.comments(of: "\(department.id)\u{1F}\(channel.id)")
                if !found.isEmpty { comments.append(CommentGroup(department: department.id, channel: channel.id, comments: found)) }
            }
        }
        var commentsCSV = ""
        try CommentsCSV.write(comments, period: last.label, to: CSVWriter { commentsCSV += $0 })
        try Data(commentsCSV.utf8).write(to: directory.appendingPathComponent("comments.csv"))
        var input = ReportInput(
            configuration: configuration, period: last.label, hijri: hijri, first: last.first, last: last.last, byDepartment: byDepartment,
            byChannel: byChannel, byDepartmentChannel: byDepartmentChannel, board: board, comments: comments,
            followUps: try await store.followUpCount(from: last.first, to: last.last))
        input.provisional = provisional
        input.amendment = amendment
        if let actions {
            input.actionEffects = try await ActionEffect.compute(
                try await actions.actions(), last: last.last, cells: store, calendar: calendar, suppressBelow: threshold)
        }

        var names = ["responses.csv", "comments.csv"]
        for language in languages {
            let builder = ReportBuilder(input, language: language)
            try Data(templates.render(builder.review(), template: "reports/review").utf8).write(to: directory.appendingPathComponent("review.\(language).html"))
            try Data(templates.render(builder.board(), template: "reports/board").utf8).write(to: directory.appendingPathComponent("board.\(language).html"))
            names += ["review.\(language).html", "board.\(language).html"]
        }
        var aggregates = ""
        try AggregatesCSV.write([byDepartment, byChannel, byDepartmentChannel], calendar: hijri ? "hijri" : "gregorian", to: CSVWriter { aggregates += $0 })
        try Data(aggregates.utf8).write(to: directory.appendingPathComponent("aggregates.csv"))
        names.append("aggregates.csv")

        let files = try names.sorted().map { name -> ReportManifest.File in
            let data = try Data(contentsOf: directory.appendingPathComponent(name), options: .mappedIfSafe)
            return ReportManifest.File(name: name, bytes: data.count, sha256: SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined())
        }
        var manifest = ReportManifest(
            period: last.label, calendar: hijri ? "hijri" : "gregorian", first: last.first.description, last: last.last.description,
            timeZone: timeZone.identifier, methodsVersion: AnalysisEngine.methodsVersion,
            questionnaireVersions: questionnaires.map { "\($0.key) v\($0.version)" }.sorted(),
            generatedAt: ISO8601DateFormatter().string(from: Date()),
            suppression: .init(
                threshold: threshold, flagFrom: byDepartment.flagFrom, primaryCells: ReportManifest.hiddenCells([byDepartmentChannel]),
                withheldCells: collector.withheldCells.count),
            files: files)
        if provisional { manifest.provisional = true }
        manifest.computedFrom = source
        manifest.replaces = amendment?.replaces
        manifest.amendment = amendment?.number
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try encoder.encode(manifest).write(to: directory.appendingPathComponent("manifest.json"))
        return manifest
    }
}

/// Receives the period's responses, twice: `count` learns which details the rows of each shown
/// department × channel share, `add` writes the anonymised CSV and keeps masked comments. Called
/// from a read transaction, one response at a time; memory grows with the combinations of
/// details, not with the responses.
///
/// A report's rows carry the period, not the day, and of a unit's details (segment, service,
/// language, source, questionnaire version) only as many as keep every row among at least
/// `threshold` rows of its department × channel alike: someone who knows whom a desk served one
/// day cannot pick that person's row out. Rows go out in the store's order, by random id.
final class ReportCollector: @unchecked Sendable {
    let csv: ResponsesCSV
    let shown: Set<String>
    var comments = CommentBook()
    var withheldCells = Set<String>()
    /// The satisfaction item of each questionnaire version ("key\u{1F}version"), whose answer
    /// ranks the response's comments.
    let satisfactionItems: [String: String]
    private var combinations: [String: [[String]: Int]] = [:]
    private var levels: [String: (withheld: Set<ResponsesCSV.Detail>, shown: Set<[String]>)] = [:]

    init(csv: ResponsesCSV, shown: Set<String>, satisfactionItems: [String: String] = [:]) {
        self.csv = csv
        self.shown = shown
        self.satisfactionItems = satisfactionItems
    }

    static func satisfactionItems(_ questionnaires: [Questionnaire]) -> [String: String] {
        var items: [String: String] = [:]
        for questionnaire in questionnaires {
            if let item = questionnaire.items.first(where: { $0.measure == .csat }) { items["\(questionnaire.key)\u{1F}\(questionnaire.version)"] = item.id }
        }
        return items
    }

    static func key(_ response: ExportedResponse) -> String { "\(response.department)\u{1F}\(response.channel)" }

    func count(_ response: ExportedResponse) {
        let key = Self.key(response)
        guard shown.contains(key) else {
            withheldCells.insert(key)
            return
        }
        combinations[key, default: [:]][ResponsesCSV.details(response), default: 0] += 1
    }

    func settle(threshold: Int) {
        levels = combinations.mapValues { ResponsesCSV.withheld($0, threshold: threshold) }
    }

    func add(_ response: ExportedResponse) throws {
        let key = Self.key(response)
        guard shown.contains(key), let level = levels[key] else { return }
        let kept = Set(ResponsesCSV.Detail.allCases).subtracting(level.withheld)
        guard level.shown.contains(ResponsesCSV.project(ResponsesCSV.details(response), kept)) else { return }
        try csv.write(response, withheld: level.withheld)
        var satisfaction: Int?
        if let item = satisfactionItems["\(response.questionnaire)\u{1F}\(response.version)"], case .value(let value) = response.answers[item] {
            satisfaction = value
        }
        for item in response.texts.keys.sorted() {
            guard let text = response.texts[item] else { continue }
            comments.add(Redaction.mask(text).text, satisfaction: satisfaction, to: key)
        }
    }
}
