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
    public var comments: [CommentGroup]
    public var followUps: Int
    /// The improvement actions and their measured effects, as of the report's last day.
    public var actionEffects: [ActionEffect] = []
    /// Written before the month was frozen: every page says so.
    public var provisional = false
    /// Written after the month was frozen, because its data changed: every page says so and names the set it replaces.
    public var amendment: ReportAmendment?

    public init(
        configuration: SeedConfiguration, period: String, hijri: Bool, first: CalendarDay, last: CalendarDay, byDepartment: AnalysisResult,
        byChannel: AnalysisResult, byDepartmentChannel: AnalysisResult, board: AnalysisResult,
        comments: [CommentGroup],
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
    /// A value with its interval and what its n counts: responses, or — for a response rate —
    /// the invitations issued.
    func describe(_ point: Point?, _ kind: String, metric: MetricKind? = nil) -> String {
        guard let point else { return text("noData") }
        if point.suppressed { return text("suppressed", ["threshold": input.byDepartment.suppressBelow]) }
        guard let value = point.value, let n = point.n else { return text("noData") }
        let counted = metric == .responseRate ? text("invitationsN") : text("n")
        let comma = language == "ar" ? "،" : ","
        let provisional = metric == .responseRate && rateIsProvisional(point)
        // Numbers are isolated left-to-right, so an interval reads the same in Arabic text.
        var result = "\u{2066}\(format(value, kind)) (\(format(point.lower ?? value, kind)) – \(format(point.upper ?? value, kind)))\u{2069}\(comma) \(count(n)) \(counted)"
        if point.lowNumbers { result += " — \(text("lowNumbers"))" }
        if provisional { result += " — " + text("rateProvisionalShort") }
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
                "unit": unit, "item": item?.text.text(in: language) ?? action.item, "description": action.description,
                "owner": input.configuration.owners.first { $0.id == action.ownerRole }?.names.text(in: language) ?? action.ownerRole,
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

    func chartLabels(title: String, description: String, rowHeader: String? = nil, xAxis: String? = nil, yAxis: String? = nil) -> ChartLabels {
        // Without other words, a chart runs over months: the axis and the table say which calendar's.
        let month = text(input.hijri ? "axis.hijriMonth" : "axis.month")
        var labels =
            language == "ar"
            ? ChartLabels.arabic(title: title, description: description, xAxis: xAxis ?? month, yAxis: yAxis ?? "القيمة", rowHeader: rowHeader ?? month)
            : ChartLabels(
                language: language, rtl: rtl, title: title, description: description, xAxis: xAxis ?? month, yAxis: yAxis ?? "Value",
                rowHeader: rowHeader ?? month)
        labels.periodNames = PeriodNames(language: language, hijri: input.hijri)
        return labels
    }

    /// The period in both calendars, with month names: "October 2026 (Gregorian) · Rabiʻ II–Jumada I
    /// 1448 (Hijri) · 2026-10-01 – 2026-10-31"; a Hijri month names the Gregorian months it overlaps.
    var periodLabel: String {
        let names = PeriodNames(language: language, hijri: input.hijri)
        let days = "\u{2066}\(input.first.description) – \(input.last.description)\u{2069}"
        let own = "\(names.name(input.period, long: true)) (\(text(input.hijri ? "hijri" : "gregorian")))"
        let other = names.overlap(input.period, long: true).map { "\($0) (\(text(input.hijri ? "gregorian" : "hijri")))" }
        return ([own] + (other.map { [$0] } ?? []) + [days]).joined(separator: " · ")
    }

    // MARK: - Sections

    func headline(chartPrefix: String) -> [[String: Any]] {
        Self.headlineMetrics.compactMap { kind -> [String: Any]? in
            guard let metric = input.byDepartment.metrics.first(where: { $0.metric == kind }) else { return nil }
            let latest = metric.total.series.last
            var model: [String: Any] = ["title": metricTitle(metric), "value": describe(latest, metric.kind, metric: metric.metric)]
            if let chart = ControlChartInput(
                id: "\(chartPrefix)-\(kind.rawValue)", series: metric.total, higherIsBetter: true, format: chartFormat(metric.kind))
            {
                model["chart"] = Charts.controlChart(
                    chart,
                    labels: chartLabels(
                        title: text("controlChartOf") + metricTitle(metric), description: text("controlChartDescription"),
                        yAxis: text("axis.\(kind.rawValue)")))
            }
            return model
        }
    }

    /// Why a unit's measure stands out this period; the raw values are the review's text keys.
    enum Reason: String {
        case signalHigh, signalLow, trendUp, trendDown, flagHigh, flagLow

        var good: Bool { self == .signalHigh || self == .trendUp || self == .flagHigh }
    }

    /// A unit's measure that stands out this period, with its practical size: the largest of its
    /// departures (from the usual level, over the trend, from all units together) as a share of
    /// the measure's range, times the number of people it counts.
    struct Finding {
        var unit: [String: String?]
        var metric: MetricResult
        var series: UnitSeries
        var reasons: [Reason]
        var size: Double

        var good: Bool { reasons.contains { $0.good } }
        var concern: Bool { reasons.contains { !$0.good } }
    }

    /// Signals of the report's period, in both directions: special-cause signals, significant
    /// trends and units outside their funnel limits, departments then channels.
    func findings() -> [Finding] {
        var found: [Finding] = []
        let period = input.byDepartment.to
        for (index, analysis) in [input.byDepartment, input.byChannel].enumerated() {
            for metric in analysis.metrics where Self.headlineMetrics.contains(metric.metric) {
                let range = metric.kind == "proportion" ? 1.0 : metric.kind == "nps" ? 200.0 : 6.0
                // All units together once: the channels' total is the departments' total.
                for series in (index == 0 ? [metric.total] : []) + metric.units {
                    var reasons: [Reason] = []
                    var departure = 0.0
                    let value = series.series.last.flatMap { $0.suppressed ? nil : $0.value }
                    if let spc = series.spc, let value {
                        let signalled = Set(spc.signals.beyondLimits + spc.signals.runOf7 + spc.signals.twoOfThree).contains(period)
                        if signalled {
                            reasons.append(value >= spc.mean ? .signalHigh : .signalLow)
                            departure = max(departure, abs(value - spc.mean))
                        } else if spc.signals.trendOf7.contains(period) {
                            // Rule 3, a run of six moves the same way: its direction is the trend's.
                            let shown = series.series.compactMap { $0.suppressed ? nil : $0.value }
                            let rising = shown.count >= 7 && value >= shown[shown.count - 7]
                            reasons.append(rising ? .trendUp : .trendDown)
                            if shown.count >= 7 { departure = max(departure, abs(value - shown[shown.count - 7])) }
                        }
                    }
                    if let trend = series.trend, trend.significant {
                        reasons.append(trend.verdict == "increasing" ? .trendUp : .trendDown)
                        if let slope = trend.senSlope { departure = max(departure, abs(slope) * Double(max(trend.points - 1, 1))) }
                    }
                    if !series.unit.isEmpty, let entry = metric.latest?.units.first(where: { $0.unit == series.unit }), let flag = entry.flag {
                        reasons.append(flag == "high" ? .flagHigh : .flagLow)
                        if let value, let target = metric.latest?.target { departure = max(departure, abs(value - target)) }
                    }
                    guard !reasons.isEmpty else { continue }
                    let people = Double(series.series.last?.n ?? 0)
                    found.append(Finding(unit: series.unit, metric: metric, series: series, reasons: reasons, size: departure / range * people))
                }
            }
        }
        return found
    }

    func funnel(_ analysis: AnalysisResult, id: String, title: String) -> [String: Any]? {
        guard let metric = analysis.metrics.first(where: { $0.metric == .csat }), let comparison = metric.latest else { return nil }
        let input = FunnelInput(
            id: id, comparison: comparison, name: { unitName($0) }, higherIsBetter: true, format: .proportion)
        var model: [String: Any] = ["chart": Charts.funnelPlot(input, labels: chartLabels(title: title, description: text("funnelDescription"), rowHeader: text("unit"), xAxis: text("responses"), yAxis: text("axis.csat")))]
        if comparison.exploratory { model["exploratory"] = text("exploratory") }
        return model
    }

    func trendRows(_ analysis: AnalysisResult, prefix: String) -> [[String: Any]] {
        guard let metric = analysis.metrics.first(where: { $0.metric == .csat }) else { return [] }
        return metric.units.enumerated().map { index, unitSeries in
            // The line starts at the first period with data.
            var series = unitSeries
            series.series = Array(series.series.drop { !$0.suppressed && $0.value == nil })
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
                labels: chartLabels(
                    title: "\(text("profile")): \(unitName(unit))", description: text("profileDescription"), rowHeader: text("item"),
                    xAxis: text("axis.profile")))
            return ["unit": unitName(unit), "department": (unit["department"] ?? nil) ?? "", "chart": chart]
        }
    }

    // MARK: - Pages

    func common(_ title: String) -> [String: Any] {
        var model: [String: Any] = [
            "lang": language, "dir": rtl ? "rtl" : "ltr", "title": title, "period": periodLabel, "policy": text("policy"),
            "t": Dictionary(uniqueKeysWithValues: ReportText.words.keys.map { ($0, text($0)) }),
            "provisional": input.provisional,
        ]
        if let amendment = input.amendment {
            model["amended"] = ["note": text("amendedNote", ["number": amendment.number]), "replaces": amendment.replaces]
        }
        return model
    }

    /// The board pack, from the analysis with the external display threshold (10). It counts the
    /// review's findings (departments and channels, threshold 5) to say how many more the review
    /// has. Like the review, it leaves lasting differences between units out of this month's findings.
    public func board() -> [String: Any] {
        var scoped = input
        scoped.byDepartment = input.board
        var noChannels = input.board
        noChannels.metrics = []
        scoped.byChannel = noChannels
        return ReportBuilder(scoped, language: language).boardPage(reviewFindings: currentFindings().count)
    }

    static let boardFindings = 5
    static let boardActions = 4
    static let boardMonths = 13

    /// A board text with `{name}` replaced by its value.
    func fill(_ key: String, _ values: [String: String]) -> String {
        var result = text(key)
        for (name, value) in values { result = result.replacingOccurrences(of: "{\(name)}", with: value) }
        return result
    }

    /// A count with the language's thousands separator (Arabic text keeps Western digits, as
    /// everywhere in Rida; CLDR's Arabic with Latin digits groups with a comma too).
    func count(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return (value < 0 ? "-" : "") + grouped
    }

    /// ", " or the Arabic comma "، ".
    var comma: String { language == "ar" ? "، " : ", " }

    /// A measure's value, and its interval with what it counts, for the board: "63.9%" and
    /// "95% interval: 59.9%–67.8%, 574 responses" (a response rate counts invitations: "603 of 1,398 invitations answered").
    func boardValue(_ point: Point?, _ metric: MetricResult) -> (value: String, detail: String) {
        guard let point else { return (text("noData"), "") }
        if point.suppressed { return ("—", fill("board.suppressed", ["threshold": String(input.byDepartment.suppressBelow)])) }
        guard let value = point.value, let n = point.n else { return (text("noData"), "") }
        let kind = metric.kind
        var detail = "\(text("interval")): \u{2066}\(format(point.lower ?? value, kind)) – \(format(point.upper ?? value, kind))\u{2069}" + comma
        if metric.metric == .responseRate, let (answered, issued) = invitations(point) {
            detail += fill("board.answeredOfIssued", ["answered": count(answered), "issued": count(issued)])
        } else {
            detail += fill("board.responses", ["count": count(n)])
        }
        if point.lowNumbers { detail += comma + text("lowNumbers") }
        if metric.metric == .responseRate, rateIsProvisional(point) { detail += comma + text("rateProvisional") }
        return ("\u{2066}\(format(value, kind))\u{2069}", detail)
    }

    /// Whether the response rate of this point's period may still rise: some of its invitations
    /// can still be answered.
    func rateIsProvisional(_ point: Point) -> Bool {
        input.byDepartment.periods.first { $0.label == point.period }?.responseRateProvisional ?? false
    }

    /// Answered and issued invitations of a response-rate point (its n counts invitations).
    func invitations(_ point: Point?) -> (answered: Int, issued: Int)? {
        guard let point, !point.suppressed, let value = point.value, let issued = point.n else { return nil }
        return (Int((value * Double(issued)).rounded()), issued)
    }

    func boardHeadline() -> [[String: Any]] {
        Self.headlineMetrics.compactMap { kind -> [String: Any]? in
            guard let metric = input.byDepartment.metrics.first(where: { $0.metric == kind }) else { return nil }
            let latest = metric.total.series.last
            let (value, detail) = boardValue(latest, metric)
            var model: [String: Any] = ["title": metricTitle(metric), "value": value, "detail": detail, "kind": kind.rawValue]
            // The last 13 months, with the signals and the centre line of the 24-month control chart.
            let points: [ChartPoint]
            if let chart = ControlChartInput(id: "board-\(kind.rawValue)", series: metric.total, higherIsBetter: true, format: chartFormat(metric.kind)) {
                points = chart.points
            } else {
                points = metric.total.series.map {
                    ChartPoint(period: $0.period, n: $0.n, value: $0.value, lower: $0.lower, upper: $0.upper, suppressed: $0.suppressed)
                }
            }
            let recent = Array(points.suffix(Self.boardMonths))
            if recent.contains(where: { $0.shownValue != nil }) {
                model["chart"] = Charts.trendStrip(
                    TrendStripInput(
                        id: "board-trend-\(kind.rawValue)", points: recent, centre: metric.total.spc?.mean, higherIsBetter: true,
                        format: chartFormat(metric.kind)),
                    labels: chartLabels(
                        title: fill("board.trendTitle", ["measure": metricTitle(metric), "months": String(Self.boardMonths)]),
                        description: text("board.trendNote"), yAxis: text("axis.\(kind.rawValue)")))
            }
            return model
        }
    }

    /// At most five findings, the largest by practical size, with both directions when both occur
    /// (up to two of the other direction replace the smallest), shown in organisational order.
    func boardFindingRows(_ all: [Finding]) -> [[String: Any]] {
        let bySize = all.indices.sorted { (all[$0].size, $1) > (all[$1].size, $0) }
        var chosen = Array(bySize.prefix(Self.boardFindings))
        let good = { (index: Int) in all[index].good && !all[index].concern }
        for side in [true, false] where !chosen.contains(where: { good($0) == side }) {
            let others = bySize.filter { good($0) == side }.prefix(2)
            if !others.isEmpty, chosen.count > others.count {
                chosen = Array(chosen.prefix(chosen.count - others.count)) + others
            } else {
                chosen += others.prefix(Self.boardFindings - chosen.count)
            }
        }
        let departments = input.configuration.departments.map(\.id)
        func place(_ finding: Finding) -> Int {
            guard let department = finding.unit["department"] ?? nil else { return -1 }
            return departments.firstIndex(of: department) ?? departments.count
        }
        let metrics = Self.headlineMetrics
        let ordered = chosen.map { all[$0] }.sorted {
            (place($0), metrics.firstIndex(of: $0.metric.metric) ?? 0) < (place($1), metrics.firstIndex(of: $1.metric.metric) ?? 0)
        }
        return ordered.map { finding in
            var words: [String] = []
            for reason in finding.reasons {
                let word = text("board.\(reason.rawValue)")
                if !words.contains(word) { words.append(word) }
            }
            let (value, detail) = boardValue(finding.series.series.last, finding.metric)
            let direction = finding.good && !finding.concern ? "improvement" : (finding.concern && !finding.good ? "concern" : "mixed")
            return [
                "unit": unitName(finding.unit), "metric": metricTitle(finding.metric), "what": words.joined(separator: comma),
                "value": value, "detail": detail, "direction": direction, "directionText": text("board.\(direction)"),
            ]
        }
    }

    func boardVolumes() -> [[String: Any]] {
        guard let metric = input.byDepartment.metrics.first(where: { $0.metric == .responseRate }) else { return [] }
        return ([metric.total] + metric.units).map { series in
            let point = series.series.last
            var row: [String: Any] = ["unit": unitName(series.unit), "total": series.unit.isEmpty]
            if let (answered, issued) = invitations(point), let value = point?.value {
                row["answered"] = count(answered)
                row["issued"] = count(issued)
                row["rate"] = "\u{2066}\(format(value, "proportion"))\u{2069}"
                row["interval"] = "\u{2066}\(format(point?.lower ?? value, "proportion")) – \(format(point?.upper ?? value, "proportion"))\u{2069}"
                if value < 0.2 { row["warning"] = text("lowRate") }
                // Said once, on the row of all units: every row's period is the same.
                if series.unit.isEmpty, let point, rateIsProvisional(point) { row["warning"] = text("rateProvisional") }
            } else {
                row["answered"] = "—"
                row["issued"] = "—"
                row["rate"] = point?.suppressed == true ? fill("board.suppressed", ["threshold": String(input.byDepartment.suppressBelow)]) : text("noData")
                row["interval"] = ""
            }
            return row
        }
    }

    func boardActionRows() -> [[String: Any]] {
        input.actionEffects.prefix(Self.boardActions).map { effect in
            let action = effect.action
            var unit = input.configuration.name(of: action.department, .department, in: language)
            if let channel = action.channel { unit += " — " + input.configuration.name(of: channel, .channel, in: language) }
            var result: String
            switch effect.outcome {
            case .notStarted: result = text("actionNotStarted")
            case .notYetMeasurable: result = fill("board.notMeasurable", ["minimum": String(ActionEffect.minimumPerSide)])
            case .measured(let difference, let lower, let upper):
                let before = effect.before.map { "\u{2066}\(format($0.mean, "mean"))\u{2069}" } ?? "—"
                let after = effect.after.map { "\u{2066}\(format($0.mean, "mean"))\u{2069}" } ?? "—"
                result = fill(
                    "board.effect",
                    [
                        "before": before, "after": after,
                        "difference": "\u{2066}\(String(format: "%+.2f", difference))\u{2069}",
                        "interval": "\u{2066}\(String(format: "%+.2f", lower)) – \(String(format: "%+.2f", upper))\u{2069}",
                        "n": "\u{2066}\(count(effect.before?.n ?? 0)) / \(count(effect.after?.n ?? 0))\u{2069}",
                    ])
            }
            let item = input.configuration.questionnaires.lazy.flatMap(\.items).first { $0.id == action.item }
            return [
                "unit": unit, "description": action.description,
                "status": text("action-\(action.status.rawValue)") + comma + "\u{2066}\(action.startDay)\u{2069}",
                "item": item?.text.text(in: language) ?? action.item, "result": result,
            ]
        }
    }

    func boardPage(reviewFindings: Int) -> [String: Any] {
        var model = common(text("boardTitle"))
        // The board's own words, without their "board." prefix (a template name cannot hold a dot).
        model["b"] = Dictionary(
            uniqueKeysWithValues: ReportText.words.keys.filter { $0.hasPrefix("board.") }.map { (String($0.dropFirst(6)), text($0)) })
        model["headline"] = boardHeadline()
        let all = currentFindings()
        let rows = boardFindingRows(all)
        model["findings"] = rows
        model["hasFindings"] = !rows.isEmpty
        let more = max(0, max(reviewFindings, all.count) - rows.count)
        if more > 0 { model["moreFindings"] = fill("board.moreFindings", ["count": count(more)]) }
        model["volumes"] = boardVolumes()
        model["actions"] = boardActionRows()
        model["hasActions"] = !input.actionEffects.isEmpty
        let moreActions = input.actionEffects.count - Self.boardActions
        if moreActions > 0 { model["moreActions"] = fill("board.moreActions", ["count": count(moreActions)]) }
        return model
    }
}
