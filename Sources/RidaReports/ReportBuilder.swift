import Foundation
import RidaAnalytics
import RidaCore

/// Everything a month's reports are made of.
public struct ReportInput: Sendable {
    public var configuration: SeedConfiguration
    /// The report's period label (a Gregorian or Hijri month) and its first and last day.
    public var period: String
    public var hijri: Bool
    public var first: CalendarDay
    public var last: CalendarDay
    /// Analyses over the 24 periods ending with the report's: by department, by channel, by department × channel.
    public var byDepartment: AnalysisResult
    public var byChannel: AnalysisResult
    public var byDepartmentChannel: AnalysisResult
    /// By department with the display threshold for audiences outside the quality team, for the board pack.
    public var board: AnalysisResult
    /// Masked comments per department × channel (cells below the threshold left out), in organisational order.
    public var comments: [(department: String, channel: String, texts: [String])]
    public var followUps: Int
    /// The improvement actions and their measured effects, as of the report's last day.
    public var actionEffects: [ActionEffect] = []
    /// Written before the month was frozen: every page says so.
    public var provisional = false

    public init(
        configuration: SeedConfiguration, period: String, hijri: Bool, first: CalendarDay, last: CalendarDay, byDepartment: AnalysisResult,
        byChannel: AnalysisResult, byDepartmentChannel: AnalysisResult, board: AnalysisResult,
        comments: [(department: String, channel: String, texts: [String])],
        followUps: Int
    ) {
        self.configuration = configuration
        self.period = period
        self.hijri = hijri
        self.first = first
        self.last = last
        self.byDepartment = byDepartment
        self.byChannel = byChannel
        self.byDepartmentChannel = byDepartmentChannel
        self.board = board
        self.comments = comments
        self.followUps = followUps
    }
}

/// Builds the template models of the monthly review and the board pack in one language.
public struct ReportBuilder {
    let input: ReportInput
    let language: String
    let text: ReportText
    let rtl: Bool

    public init(_ input: ReportInput, language: String) {
        self.input = input
        self.language = language
        text = ReportText(language: language)
        rtl = input.configuration.language(language)?.direction.rawValue == "rtl"
    }

    static let headlineMetrics: [MetricKind] = [.csat, .nps, .ces, .responseRate]

    // MARK: - Formatting

    func format(_ value: Double, _ kind: String) -> String { MetricNumber.text(value, kind: kind) }

    func chartFormat(_ kind: String) -> ChartValueFormat {
        kind == "proportion" ? .proportion : .number(decimals: kind == "nps" ? 0 : 2)
    }

    /// "72.4% (68.1%–76.3%), 412 responses", or why it is not shown.
    func describe(_ point: Point?, _ kind: String) -> String {
        guard let point else { return text("noData") }
        if point.suppressed { return text("suppressed", ["threshold": input.byDepartment.suppressBelow]) }
        guard let value = point.value, let n = point.n else { return text("noData") }
        // Numbers are isolated left-to-right, so an interval reads the same in Arabic text.
        var result = "\u{2066}\(format(value, kind)) (\(format(point.lower ?? value, kind)) – \(format(point.upper ?? value, kind)))\u{2069}, \(n) \(text("n"))"
        if point.lowNumbers { result += " — \(text("lowNumbers"))" }
        return result
    }

    /// One row per improvement action: where, what, who owns it, since when, and its effect on the
    /// targeted item's mean with an interval — or why there is none yet.
    func actionRows() -> [[String: Any]] {
        input.actionEffects.map { effect in
            let action = effect.action
            var unit = input.configuration.name(of: action.department, .department, in: language)
            if let channel = action.channel { unit += " — " + input.configuration.name(of: channel, .channel, in: language) }
            let item = input.configuration.questionnaires.lazy.flatMap(\.items).first { $0.id == action.item }
            func side(_ side: ActionEffect.Side?) -> String {
                guard let side else { return "\(0) \(text("n"))" }
                return "\u{2066}\(format(side.mean, "mean"))\u{2069}, \(side.n) \(text("n"))"
            }
            let effectText: String
            switch effect.outcome {
            case .notStarted: effectText = text("actionNotStarted")
            case .notYetMeasurable: effectText = text("actionNotMeasurable", ["minimum": ActionEffect.minimumPerSide])
            case .measured(let difference, let lower, let upper):
                effectText = "\u{2066}\(String(format: "%+.2f", difference)) (\(String(format: "%+.2f", lower)) – \(String(format: "%+.2f", upper)))\u{2069}"
            }
            return [
                "unit": unit, "item": item?.text.text(in: language) ?? action.item, "description": action.description, "owner": action.ownerRole,
                "start": action.startDay, "status": text("action-\(action.status.rawValue)"),
                "before": effect.outcome == .notStarted ? "—" : side(effect.before), "after": effect.outcome == .notStarted ? "—" : side(effect.after),
                "effect": effectText,
            ]
        }
    }

    func unitName(_ unit: [String: String?]) -> String {
        let parts = [AnalysisDimension.department, .channel].compactMap { dimension in
            (unit[dimension.rawValue] ?? nil).map { input.configuration.name(of: $0, dimension, in: language) }
        }
        return parts.isEmpty ? text("all") : parts.joined(separator: " — ")
    }

    func metricTitle(_ metric: MetricResult) -> String { text(metric.metric.rawValue) }

    func chartLabels(title: String, description: String, rowHeader: String? = nil, xAxis: String? = nil) -> ChartLabels {
        if language == "ar" {
            return ChartLabels.arabic(title: title, description: description, xAxis: xAxis ?? "الفترة", rowHeader: rowHeader ?? "الفترة")
        }
        return ChartLabels(language: language, rtl: rtl, title: title, description: description, xAxis: xAxis ?? "Period", rowHeader: rowHeader ?? "Period")
    }

    /// The period with both calendars: a Gregorian month names the Hijri months it overlaps.
    var periodLabel: String {
        let gregorian = "\u{2066}\(input.first.description) – \(input.last.description)\u{2069}"
        let label = "\u{2066}\(input.period)\u{2069}"
        if input.hijri { return "\(label) (\(text("hijri"))) · \(gregorian) (\(text("gregorian")))" }
        let hijri = PeriodCalendar(.hijriMonth)
        let months = [hijri.period(containing: input.first).label, hijri.period(containing: input.last).label]
        let overlap = months[0] == months[1] ? months[0] : "\(months[0]) – \(months[1])"
        return "\(label) (\(text("gregorian"))) · \(gregorian) · \u{2066}\(overlap)\u{2069} (\(text("hijri")))"
    }

    // MARK: - Sections

    func headline(chartPrefix: String) -> [[String: Any]] {
        Self.headlineMetrics.compactMap { kind -> [String: Any]? in
            guard let metric = input.byDepartment.metrics.first(where: { $0.metric == kind }) else { return nil }
            let latest = metric.total.series.last
            var model: [String: Any] = ["title": metricTitle(metric), "value": describe(latest, metric.kind)]
            if let chart = ControlChartInput(
                id: "\(chartPrefix)-\(kind.rawValue)", series: metric.total, higherIsBetter: true, format: chartFormat(metric.kind))
            {
                model["chart"] = Charts.controlChart(
                    chart, labels: chartLabels(title: text("controlChartOf") + metricTitle(metric), description: text("controlChartDescription")))
            }
            return model
        }
    }

    /// Signals of the report's period, in both directions, in neutral words, with questions.
    func changes() -> [[String: Any]] {
        var items: [[String: Any]] = []
        let period = input.byDepartment.to
        for analysis in [input.byDepartment, input.byChannel] {
            for metric in analysis.metrics where Self.headlineMetrics.contains(metric.metric) {
                for series in [metric.total] + metric.units {
                    var words: [String] = []
                    var good = false, concern = false
                    if let spc = series.spc, let value = series.series.last?.value, !(series.series.last?.suppressed ?? true) {
                        let signalled = Set(spc.signals.beyondLimits + spc.signals.runOf7 + spc.signals.twoOfThree).contains(period)
                        if signalled {
                            let high = value >= spc.mean
                            words.append(text(high ? "signalHigh" : "signalLow"))
                            if high { good = true } else { concern = true }
                        } else if spc.signals.trendOf7.contains(period) {
                            // Rule 3, a run of six moves the same way: its direction is the trend's.
                            let shown = series.series.compactMap { $0.suppressed ? nil : $0.value }
                            let rising = shown.count >= 7 && value >= shown[shown.count - 7]
                            words.append(text(rising ? "trendUp" : "trendDown"))
                            if rising { good = true } else { concern = true }
                        }
                    }
                    if let trend = series.trend, trend.significant {
                        words.append(text(trend.verdict == "increasing" ? "trendUp" : "trendDown"))
                        if trend.verdict == "increasing" { good = true } else { concern = true }
                    }
                    if !series.unit.isEmpty, let entry = metric.latest?.units.first(where: { $0.unit == series.unit }), let flag = entry.flag {
                        words.append(text(flag == "high" ? "flagHigh" : "flagLow"))
                        if flag == "high" { good = true } else { concern = true }
                    }
                    guard !words.isEmpty else { continue }
                    items.append([
                        "unit": unitName(series.unit), "metric": metricTitle(metric), "what": words.joined(separator: language == "ar" ? "؛ " : "; "),
                        "value": describe(series.series.last, metric.kind),
                        "questions": [good ? text("questionsGood") : nil, concern ? text("questionsConcern") : nil].compactMap { $0 },
                        "direction": good && !concern ? "improvement" : (concern && !good ? "concern" : "mixed"),
                    ])
                }
            }
        }
        return items
    }

    func funnel(_ analysis: AnalysisResult, id: String, title: String) -> [String: Any]? {
        guard let metric = analysis.metrics.first(where: { $0.metric == .csat }), let comparison = metric.latest else { return nil }
        let input = FunnelInput(
            id: id, comparison: comparison, name: { unitName($0) }, higherIsBetter: true, format: .proportion)
        var model: [String: Any] = ["chart": Charts.funnelPlot(input, labels: chartLabels(title: title, description: text("funnelDescription"), rowHeader: text("unit"), xAxis: text("responses")))]
        if comparison.exploratory { model["exploratory"] = text("exploratory") }
        return model
    }

    func trendRows(_ analysis: AnalysisResult, prefix: String) -> [[String: Any]] {
        guard let metric = analysis.metrics.first(where: { $0.metric == .csat }) else { return [] }
        return metric.units.enumerated().map { index, series in
            var row: [String: Any] = ["unit": unitName(series.unit), "verdict": text(series.trend.map { $0.significant ? $0.verdict : ($0.verdict == "insufficient data" ? $0.verdict : "no trend") } ?? "insufficient data")]
            if let trend = series.trend, let slope = trend.senSlope, let lower = trend.senLower, let upper = trend.senUpper {
                row["slope"] = String(format: "%+.2f (%+.2f – %+.2f)", slope * 100, lower * 100, upper * 100)
                row["p"] = String(format: "%.3f", trend.p)
                row["q"] = String(format: "%.3f", trend.pAdjusted)
                row["sparkline"] = Charts.sparkline(
                    SparklineInput(
                        id: "\(prefix)-\(index)", periods: series.series.map(\.period), values: series.series.map { $0.suppressed ? nil : $0.value },
                        slope: slope, format: .proportion),
                    labels: chartLabels(title: "\(unitName(series.unit)) — \(metricTitle(metric))", description: text("trendNote")))
            } else {
                row["slope"] = "—"
                row["p"] = "—"
                row["q"] = "—"
            }
            return row
        }
    }

    func profiles() -> [[String: Any]] {
        let means = input.byDepartment.metrics.filter { $0.metric == .mean }
        let questionnaire = input.configuration.currentQuestionnaire()
        let departments = means.first?.units.map(\.unit) ?? []
        return departments.enumerated().compactMap { index, unit -> [String: Any]? in
            let steps = means.compactMap { metric -> ItemProfileStep? in
                guard metric.scale == "agreement-5", let item = metric.item,
                    let point = metric.units.first(where: { $0.unit == unit })?.series.last
                else { return nil }
                let label = questionnaire?.items.first { $0.id == item }?.text.text(in: language) ?? item
                return ItemProfileStep(
                    label: label, n: point.n, mean: point.suppressed ? nil : point.value, lower: point.lower, upper: point.upper, suppressed: point.suppressed)
            }
            guard !steps.isEmpty else { return nil }
            let chart = Charts.itemProfile(
                ItemProfileInput(id: "profile-\(index)", steps: steps, scale: 1...5),
                labels: chartLabels(title: "\(text("profile")): \(unitName(unit))", description: text("profileDescription"), rowHeader: text("item")))
            return ["unit": unitName(unit), "chart": chart]
        }
    }

    func rates(_ analysis: AnalysisResult) -> [[String: Any]] {
        guard let metric = analysis.metrics.first(where: { $0.metric == .responseRate }) else { return [] }
        return metric.units.map { series in
            let point = series.series.last
            var rate = describe(point, "proportion")
            if let point, !point.suppressed, let value = point.value, let issued = point.n {
                // n of a response rate is the number of invitations issued.
                let answered = Int((value * Double(issued)).rounded())
                rate = "\u{2066}\(format(value, "proportion")) (\(format(point.lower ?? value, "proportion")) – \(format(point.upper ?? value, "proportion")))\u{2069} · \(text("answered")) \(answered) / \(text("issued")) \(issued)"
            }
            var row: [String: Any] = ["unit": unitName(series.unit), "rate": rate]
            if let value = point?.value, !(point?.suppressed ?? true), value < 0.2 { row["warning"] = text("lowRate") }
            return row
        }
    }

    func commentGroups() -> [[String: Any]] {
        input.comments.map { group in
            ["unit": unitName(["department": group.department, "channel": group.channel]), "texts": group.texts]
        }
    }

    // MARK: - Pages

    func common(_ title: String) -> [String: Any] {
        [
            "lang": language, "dir": rtl ? "rtl" : "ltr", "title": title, "period": periodLabel, "policy": text("policy"),
            "t": Dictionary(uniqueKeysWithValues: ReportText.words.keys.map { ($0, text($0)) }),
            "provisional": input.provisional,
        ]
    }

    public func review() -> [String: Any] {
        var model = common(text("reviewTitle"))
        let threshold = input.byDepartment.suppressBelow
        model["headline"] = headline(chartPrefix: "review")
        let changes = changes()
        model["changes"] = changes
        model["hasChanges"] = !changes.isEmpty
        model["funnels"] = [
            funnel(input.byDepartment, id: "funnel-departments", title: text("funnelDepartments")),
            funnel(input.byChannel, id: "funnel-channels", title: text("funnelChannels")),
        ].compactMap { $0 }
        model["trendDepartments"] = trendRows(input.byDepartment, prefix: "trend-d")
        model["trendChannels"] = trendRows(input.byChannel, prefix: "trend-c")
        model["profiles"] = profiles()
        model["ratesDepartments"] = rates(input.byDepartment)
        model["ratesChannels"] = rates(input.byChannel)
        let groups = commentGroups()
        model["commentGroups"] = groups
        model["hasComments"] = !groups.isEmpty
        model["commentsNote"] = text("commentsNote", ["threshold": threshold])
        model["followUpsText"] = text("followUpsText", ["count": input.followUps])
        model["actions"] = actionRows()
        model["hasActions"] = !input.actionEffects.isEmpty
        model["methodsText"] = text("methodsText", ["threshold": threshold])
        return model
    }

    /// The board pack, from the analysis with the external display threshold (10).
    public func board() -> [String: Any] {
        var scoped = input
        scoped.byDepartment = input.board
        var noChannels = input.board
        noChannels.metrics = []
        scoped.byChannel = noChannels
        return ReportBuilder(scoped, language: language).boardPage()
    }

    func boardPage() -> [String: Any] {
        var model = common(text("boardTitle"))
        model["headline"] = Self.headlineMetrics.compactMap { kind -> [String: Any]? in
            guard let metric = input.byDepartment.metrics.first(where: { $0.metric == kind }) else { return nil }
            return ["title": metricTitle(metric), "value": describe(metric.total.series.last, metric.kind)]
        }
        // One page: the first changes (departments, then channels) are listed; the review has them all.
        let changes = Array(changes().prefix(8))
        model["changes"] = changes
        model["hasChanges"] = !changes.isEmpty
        if let metric = input.byDepartment.metrics.first(where: { $0.metric == .responseRate }) {
            model["volumes"] = metric.units.map { series -> [String: Any] in
                ["unit": unitName(series.unit), "rate": rates(input.byDepartment).first { $0["unit"] as? String == unitName(series.unit) }?["rate"] ?? ""]
            }
        }
        model["actions"] = actionRows()
        model["hasActions"] = !input.actionEffects.isEmpty
        model["responsesTotal"] = input.byDepartment.metrics.first { $0.metric == .csat }?.total.series.last.flatMap(\.n).map(String.init) ?? "—"
        return model
    }
}
