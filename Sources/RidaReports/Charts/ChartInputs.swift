import Foundation
import RidaAnalytics

/// The words a chart shows, supplied by the caller in the report's language. All of them go into
/// element text (`<title>`, `<desc>`, `<text>`, table cells), never into attributes.
public struct ChartLabels: Sendable, Hashable {
    /// BCP 47 tag for the figure's `lang` attribute; anything but ASCII letters, digits and `-` gives `und`.
    public var language: String
    /// Right-to-left: time and value axes run from the right, text is laid out right-to-left.
    public var rtl: Bool
    public var title: String
    public var description: String
    /// Captions of the horizontal and vertical axes.
    public var xAxis: String
    public var yAxis: String
    /// The `<summary>` of the data-table fallback.
    public var dataTable: String
    /// Column headers of the data table: the row (period, unit or step), n, value, interval, signal.
    public var rowHeader: String
    public var n: String
    public var value: String
    public var interval: String
    public var signal: String
    /// Legend words.
    public var mean: String
    public var limits: String
    public var trialLimits: String
    public var twoSigma: String
    public var limits95: String
    public var limits998: String
    public var improvement: String
    public var concern: String
    public var commonCause: String
    public var suppressed: String
    public var trend: String
    /// Month names for period labels (time axes, data tables); without them labels are shown as they are.
    public var periodNames: PeriodNames?

    public init(
        language: String = "en", rtl: Bool = false, title: String, description: String, xAxis: String = "Period",
        yAxis: String = "Value", dataTable: String = "The data as a table", rowHeader: String = "Period", n: String = "n",
        value: String = "Value", interval: String = "95% interval", signal: String = "Signal", mean: String = "Mean",
        limits: String = "Control limits", trialLimits: String = "Trial control limits", twoSigma: String = "Two-sigma band",
        limits95: String = "95% limits", limits998: String = "99.8% limits", improvement: String = "Special cause: improvement",
        concern: String = "Special cause: concern", commonCause: String = "Common cause", suppressed: String = "Too few responses to show",
        trend: String = "Trend (Sen slope)"
    ) {
        self.language = language
        self.rtl = rtl
        self.title = title
        self.description = description
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.dataTable = dataTable
        self.rowHeader = rowHeader
        self.n = n
        self.value = value
        self.interval = interval
        self.signal = signal
        self.mean = mean
        self.limits = limits
        self.trialLimits = trialLimits
        self.twoSigma = twoSigma
        self.limits95 = limits95
        self.limits998 = limits998
        self.improvement = improvement
        self.concern = concern
        self.commonCause = commonCause
        self.suppressed = suppressed
        self.trend = trend
    }

    /// A period as a time axis writes it ("Nov 2026"), or with the other calendar's months for a
    /// table or a tooltip ("November 2026 (Jumada I–II 1448)").
    func periodName(_ label: String, long: Bool = false) -> String {
        guard let names = periodNames else { return label }
        return long ? names.full(label, long: true) : names.name(label)
    }

    /// Arabic words for everything but the title, description and axis captions, right-to-left.
    public static func arabic(
        title: String, description: String, xAxis: String = "الفترة", yAxis: String = "القيمة", rowHeader: String = "الفترة"
    ) -> ChartLabels {
        ChartLabels(
            language: "ar", rtl: true, title: title, description: description, xAxis: xAxis, yAxis: yAxis,
            dataTable: "البيانات في جدول", rowHeader: rowHeader, n: "عدد الردود", value: "القيمة", interval: "فترة الثقة 95%",
            signal: "الإشارة", mean: "المتوسط", limits: "حدود الضبط", trialLimits: "حدود ضبط مبدئية", twoSigma: "نطاق الانحرافين المعياريين",
            limits95: "حدود 95%", limits998: "حدود 99.8%", improvement: "سبب خاص: تحسّن", concern: "سبب خاص: يستدعي الانتباه",
            commonCause: "تباين معتاد", suppressed: "ردود قليلة: لا تُعرض", trend: "الاتجاه (ميل سِن)")
    }
}

/// How values are written on axes and in tables.
public enum ChartValueFormat: Sendable, Hashable {
    /// A proportion in 0…1, written as a percentage with this many decimals.
    case percent(decimals: Int)
    /// A number (a mean on the item's scale, an NPS) with this many decimals.
    case number(decimals: Int)

    public static let proportion = ChartValueFormat.percent(decimals: 1)

    /// Values outside these bounds cannot occur (proportions), so the axis stops there.
    var bounds: ClosedRange<Double>? {
        switch self {
        case .percent: 0...1
        case .number: nil
        }
    }

    public func text(_ value: Double) -> String {
        switch self {
        case .percent(let decimals): ChartNumber.fixed(value * 100, decimals: decimals) + "%"
        case .number(let decimals): ChartNumber.fixed(value, decimals: decimals)
        }
    }

    func interval(_ lower: Double?, _ upper: Double?) -> String {
        guard let lower, let upper, lower.isFinite, upper.isFinite else { return "" }
        switch self {
        case .percent(let decimals):
            return ChartNumber.fixed(lower * 100, decimals: decimals) + "–" + ChartNumber.fixed(upper * 100, decimals: decimals) + "%"
        case .number(let decimals):
            return ChartNumber.fixed(lower, decimals: decimals) + "–" + ChartNumber.fixed(upper, decimals: decimals)
        }
    }

    /// A tick label: as few decimals as the tick step needs.
    func tick(_ value: Double, step: Double) -> String {
        switch self {
        case .percent: ChartNumber.fixed(value * 100, decimals: ChartNumber.decimals(forStep: step * 100)) + "%"
        case .number: ChartNumber.fixed(value, decimals: ChartNumber.decimals(forStep: step))
        }
    }
}

/// Which side of the centre line a special-cause signal is on (for a trend: which way it runs).
public enum ChartSignal: String, Sendable, Hashable {
    case high
    case low
}

/// One period of a series as drawn.
public struct ChartPoint: Sendable, Hashable {
    public var period: String
    public var n: Int?
    public var value: Double?
    public var lower: Double?
    public var upper: Double?
    /// Hidden (too few responses, or secondary suppression): a gap, no marker.
    public var suppressed: Bool
    /// Special-cause variation at this point, if any.
    public var signal: ChartSignal?

    public init(
        period: String, n: Int?, value: Double?, lower: Double? = nil, upper: Double? = nil, suppressed: Bool = false,
        signal: ChartSignal? = nil
    ) {
        self.period = period
        self.n = n
        self.value = value
        self.lower = lower
        self.upper = upper
        self.suppressed = suppressed
        self.signal = signal
    }

    /// A value that is drawn: shown and finite.
    var shownValue: Double? {
        guard !suppressed, let value, value.isFinite else { return nil }
        return value
    }
}

/// An XmR control chart.
public struct ControlChartInput: Sendable, Hashable {
    /// Prefix for element ids (ASCII letters, digits, `-`, `_`; anything else is dropped).
    public var id: String
    public var points: [ChartPoint]
    public var mean: Double
    public var upper: Double
    public var lower: Double
    public var upper2Sigma: Double
    public var lower2Sigma: Double
    /// Under 12 points: trial limits.
    public var trial: Bool
    /// Which direction is improvement: decides whether a high signal is blue (improvement) or orange (concern).
    public var higherIsBetter: Bool
    public var format: ChartValueFormat

    public init(
        id: String, points: [ChartPoint], mean: Double, upper: Double, lower: Double, upper2Sigma: Double, lower2Sigma: Double,
        trial: Bool = false, higherIsBetter: Bool, format: ChartValueFormat
    ) {
        self.id = id
        self.points = points
        self.mean = mean
        self.upper = upper
        self.lower = lower
        self.upper2Sigma = upper2Sigma
        self.lower2Sigma = lower2Sigma
        self.trial = trial
        self.higherIsBetter = higherIsBetter
        self.format = format
    }

    /// From an analysed series; nil when it has no control chart. Special-cause points take the
    /// side of the mean they are on (beyond a limit, two of three beyond 2σ, a run of 7) or, for a
    /// trend of 7, the direction of the trend.
    public init?(id: String, series: UnitSeries, higherIsBetter: Bool, format: ChartValueFormat) {
        guard let chart = series.spc else { return nil }
        let signals = chart.signals
        let sided = Set(signals.beyondLimits).union(signals.twoOfThree).union(signals.runOf7)
        let trending = Set(signals.trendOf7)
        var trendDirection: [String: ChartSignal] = [:]
        // Consecutive shown points flagged by the trend rule form one trend; its ends give its direction.
        let shown = series.series.filter { !$0.suppressed && $0.value?.isFinite == true }
        var block: [RidaAnalytics.Point] = []
        func closeBlock() {
            if let first = block.first?.value, let last = block.last?.value {
                for point in block { trendDirection[point.period] = last >= first ? .high : .low }
            }
            block = []
        }
        for point in shown {
            if trending.contains(point.period) { block.append(point) } else { closeBlock() }
        }
        closeBlock()
        let points = series.series.map { point -> ChartPoint in
            var signal: ChartSignal?
            if !point.suppressed, let value = point.value {
                if sided.contains(point.period) {
                    signal = value >= chart.mean ? .high : .low
                } else {
                    signal = trendDirection[point.period]
                }
            }
            return ChartPoint(
                period: point.period, n: point.n, value: point.value, lower: point.lower, upper: point.upper, suppressed: point.suppressed,
                signal: signal)
        }
        // The time axis starts at the first period with data: months before any response are not drawn.
        let first = points.firstIndex { $0.suppressed || $0.value != nil || ($0.n ?? 0) > 0 } ?? 0
        self.init(
            id: id, points: Array(points[first...]), mean: chart.mean, upper: chart.upper, lower: chart.lower, upper2Sigma: chart.upper2Sigma,
            lower2Sigma: chart.lower2Sigma, trial: chart.trial, higherIsBetter: higherIsBetter, format: format)
    }
}

/// A unit in a funnel plot.
public struct FunnelUnit: Sendable, Hashable {
    /// A short name, drawn beside the dot.
    public var name: String
    public var n: Int?
    public var value: Double?
    /// The unit's own interval, for the table.
    public var lower: Double?
    public var upper: Double?
    /// High or low at 99.8%; nil: consistent with common-cause variation.
    public var flag: ChartSignal?
    public var suppressed: Bool

    public init(
        name: String, n: Int?, value: Double?, lower: Double? = nil, upper: Double? = nil, flag: ChartSignal? = nil, suppressed: Bool = false
    ) {
        self.name = name
        self.n = n
        self.value = value
        self.lower = lower
        self.upper = upper
        self.flag = flag
        self.suppressed = suppressed
    }
}

/// The funnel's limits at one sample size.
public struct FunnelLimitPoint: Sendable, Hashable {
    public var n: Double
    public var lower95: Double
    public var upper95: Double
    public var lower998: Double
    public var upper998: Double

    public init(n: Double, lower95: Double, upper95: Double, lower998: Double, upper998: Double) {
        self.n = n
        self.lower95 = lower95
        self.upper95 = upper95
        self.lower998 = lower998
        self.upper998 = upper998
    }

    static let z95 = 1.959963984540054
    static let z998 = 3.090232306167813

    /// Normal-approximation limits for a proportion, θ0 ± z·√(θ0(1−θ0)/n) clamped to [0, 1], at
    /// `samples` sample sizes spaced geometrically over `range`.
    public static func proportion(target: Double, range: ClosedRange<Double>, samples: Int = 60) -> [FunnelLimitPoint] {
        let low = max(1, range.lowerBound)
        let high = max(low, range.upperBound)
        let count = max(2, samples)
        return (0..<count).map { index in
            let n = low * pow(high / low, Double(index) / Double(count - 1))
            let se = (target * (1 - target) / n).squareRoot()
            func clamp(_ value: Double) -> Double { min(max(value, 0), 1) }
            return FunnelLimitPoint(
                n: n, lower95: clamp(target - z95 * se), upper95: clamp(target + z95 * se), lower998: clamp(target - z998 * se),
                upper998: clamp(target + z998 * se))
        }
    }
}

/// A funnel plot of units against their sample sizes.
public struct FunnelInput: Sendable, Hashable {
    public var id: String
    /// The centre line: the value of all units together.
    public var target: Double
    /// Units in the caller's (organisational) order: nothing is sorted by value.
    public var units: [FunnelUnit]
    /// Limit curves, in increasing n.
    public var limits: [FunnelLimitPoint]
    public var higherIsBetter: Bool
    public var format: ChartValueFormat

    /// Without `limits`, a proportion's normal-approximation limits over the units' sample sizes;
    /// other kinds of value need their limits given.
    public init(
        id: String, target: Double, units: [FunnelUnit], limits: [FunnelLimitPoint]? = nil, higherIsBetter: Bool, format: ChartValueFormat
    ) {
        self.id = id
        self.target = target
        self.units = units
        self.higherIsBetter = higherIsBetter
        self.format = format
        if let limits {
            self.limits = limits.sorted { $0.n < $1.n }
        } else if case .percent = format, (0...1).contains(target) {
            let sizes = units.compactMap { $0.suppressed ? nil : $0.n }.filter { $0 > 0 }.map(Double.init)
            let high = max(sizes.max() ?? 100, 10) * 1.1
            let low = max(1, (sizes.min() ?? 10) / 2)
            self.limits = FunnelLimitPoint.proportion(target: target, range: low...high)
        } else {
            self.limits = []
        }
    }

    /// From a comparison of units; `name` gives each unit's short name.
    public init(
        id: String, comparison: Comparison, name: ([String: String?]) -> String, limits: [FunnelLimitPoint]? = nil, higherIsBetter: Bool,
        format: ChartValueFormat
    ) {
        let units = comparison.units.map { unit in
            FunnelUnit(
                name: name(unit.unit), n: unit.n, value: unit.value, lower: unit.ebLower, upper: unit.ebUpper,
                flag: unit.flag.flatMap(ChartSignal.init(rawValue:)), suppressed: unit.suppressed)
        }
        self.init(id: id, target: comparison.target, units: units, limits: limits, higherIsBetter: higherIsBetter, format: format)
    }
}

/// A small trend line with its Sen slope.
public struct SparklineInput: Sendable, Hashable {
    public var id: String
    /// Period labels for the table (position numbers when empty).
    public var periods: [String]
    /// One value per period; nil: suppressed or no data (a gap).
    public var values: [Double?]
    /// Sen slope per period, with its intercept at the first period (position 0). Without an
    /// intercept, median(values) − median(positions)·slope.
    public var slope: Double?
    public var intercept: Double?
    public var format: ChartValueFormat

    public init(id: String, periods: [String] = [], values: [Double?], slope: Double?, intercept: Double? = nil, format: ChartValueFormat) {
        self.id = id
        self.periods = periods
        self.values = values
        self.slope = slope
        self.intercept = intercept
        self.format = format
    }
}

/// One questionnaire step in an item profile.
public struct ItemProfileStep: Sendable, Hashable {
    public var label: String
    public var n: Int?
    public var mean: Double?
    public var lower: Double?
    public var upper: Double?
    public var suppressed: Bool

    public init(label: String, n: Int?, mean: Double?, lower: Double? = nil, upper: Double? = nil, suppressed: Bool = false) {
        self.label = label
        self.n = n
        self.mean = mean
        self.lower = lower
        self.upper = upper
        self.suppressed = suppressed
    }
}

/// Mean score per questionnaire step on the item's scale.
public struct ItemProfileInput: Sendable, Hashable {
    public var id: String
    /// In questionnaire order.
    public var steps: [ItemProfileStep]
    /// The item's scale, e.g. 1...5; bars start at its lower end.
    public var scale: ClosedRange<Double>
    public var decimals: Int

    public init(id: String, steps: [ItemProfileStep], scale: ClosedRange<Double>, decimals: Int = 2) {
        self.id = id
        self.steps = steps
        self.scale = scale
        self.decimals = decimals
    }
}
