import RidaCore

/// The result of an analysis: the JSON of `rida analyze --format json` and `GET /api/v1/analytics`.
public struct AnalysisResult: Sendable, Hashable, Codable {
    public var from: String
    public var to: String
    public var period: PeriodKind
    public var by: [AnalysisDimension]
    public var timeZone: String
    public var methodsVersion: String
    public var confidence: Double
    /// Estimates from fewer responses than this are not shown.
    public var suppressBelow: Int
    /// Units are flagged only from this many responses.
    public var flagFrom: Int
    public var periods: [PeriodInfo]
    public var metrics: [MetricResult]
    public var notes: [String]
    /// How totals relate to the cells: always `shown-cells` — every total, margin and comparison
    /// is the sum of the shown cells only, so a hidden cell is part of no published sum.
    public var margins: String = AnalysisResult.shownCells
    /// The dimensions of the cells that are suppressed and then summed into the analysis's units
    /// (department × channel for analyses by department, channel or both; else the units themselves).
    public var protectedAt: [AnalysisDimension] = []

    public static let shownCells = "shown-cells"
}

public struct PeriodInfo: Sendable, Hashable, Codable {
    public var label: String
    public var first: String
    public var last: String
    /// Not over yet: shown, but left out of trends, control-chart limits and comparisons
    /// (unless the request includes provisional periods).
    public var provisional: Bool = false
    /// Some invitations of the period may still be answered: its response rate is not final,
    /// and is left out of the response rate's trends, limits and comparisons the same way.
    public var responseRateProvisional: Bool = false

    public init(label: String, first: String, last: String, provisional: Bool = false, responseRateProvisional: Bool = false) {
        self.label = label
        self.first = first
        self.last = last
        self.provisional = provisional
        self.responseRateProvisional = responseRateProvisional
    }

    enum CodingKeys: String, CodingKey { case label, first, last, provisional, responseRateProvisional }

    /// Results written before periods were marked provisional read as complete.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        label = try container.decode(String.self, forKey: .label)
        first = try container.decode(String.self, forKey: .first)
        last = try container.decode(String.self, forKey: .last)
        provisional = try container.decodeIfPresent(Bool.self, forKey: .provisional) ?? false
        responseRateProvisional = try container.decodeIfPresent(Bool.self, forKey: .responseRateProvisional) ?? false
    }
}

/// One metric (for one item, where the metric is per item) over every unit.
public struct MetricResult: Sendable, Hashable, Codable {
    public var metric: MetricKind
    /// The questionnaire item, and its scale (items are pooled across versions only on the same scale).
    public var item: String?
    public var scale: String?
    /// `proportion` (0–1), `mean` (on the item's scale) or `nps` (−100…100).
    public var kind: String
    /// All units together, per period.
    public var total: UnitSeries
    /// Units in organisational order.
    public var units: [UnitSeries]
    /// Units compared over the whole range, and in the last period.
    public var comparison: Comparison?
    public var latest: Comparison?
    /// Benjamini–Hochberg false discovery rate applied to the units' trend tests.
    public var falseDiscoveryRate: Double
    /// Cells (at the protected grain, per period) hidden for having fewer than `suppressBelow`
    /// responses; none is hidden to protect another.
    public var hiddenCells: Int = 0
    /// Cells with at least one response, at the protected grain.
    public var cells: Int = 0
}

/// A unit's series with its trend, change points and control chart.
public struct UnitSeries: Sendable, Hashable, Codable {
    /// The unit's value for each `by` dimension (null: none recorded).
    public var unit: [String: String?]
    public var series: [Point]
    public var trend: TrendResult?
    /// Periods where a new level starts (PELT).
    public var changePoints: [String]
    /// Periods where CUSUM signalled a shift from the first 12 periods' level.
    public var cusumSignals: [String]
    public var spc: ControlChart?
}

/// A unit in a period. `value`, `lower` and `upper` are null when suppressed or when n = 0;
/// `n` is null when suppressed.
public struct Point: Sendable, Hashable, Codable {
    public var period: String
    public var n: Int?
    public var value: Double?
    public var lower: Double?
    public var upper: Double?
    /// Hidden: fewer than `suppressBelow` responses, or (`secondary`) so that a hidden cell cannot
    /// be derived from totals.
    public var suppressed: Bool
    public var secondary: Bool
    /// Shown, but fewer than `flagFrom` responses.
    public var lowNumbers: Bool
    /// The measure does not apply to this unit: a response rate of responses that came through
    /// a point of service or an import, which have no invitations to count against. Encoded
    /// only when true.
    public var notApplicable: Bool = false

    public init(
        period: String, n: Int?, value: Double?, lower: Double?, upper: Double?, suppressed: Bool, secondary: Bool, lowNumbers: Bool,
        notApplicable: Bool = false
    ) {
        self.period = period
        self.n = n
        self.value = value
        self.lower = lower
        self.upper = upper
        self.suppressed = suppressed
        self.secondary = secondary
        self.lowNumbers = lowNumbers
        self.notApplicable = notApplicable
    }

    enum CodingKeys: String, CodingKey { case period, n, value, lower, upper, suppressed, secondary, lowNumbers, notApplicable }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        period = try c.decode(String.self, forKey: .period)
        n = try c.decodeIfPresent(Int.self, forKey: .n)
        value = try c.decodeIfPresent(Double.self, forKey: .value)
        lower = try c.decodeIfPresent(Double.self, forKey: .lower)
        upper = try c.decodeIfPresent(Double.self, forKey: .upper)
        suppressed = try c.decode(Bool.self, forKey: .suppressed)
        secondary = try c.decode(Bool.self, forKey: .secondary)
        lowNumbers = try c.decode(Bool.self, forKey: .lowNumbers)
        notApplicable = try c.decodeIfPresent(Bool.self, forKey: .notApplicable) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(period, forKey: .period)
        try c.encode(n, forKey: .n)
        try c.encode(value, forKey: .value)
        try c.encode(lower, forKey: .lower)
        try c.encode(upper, forKey: .upper)
        try c.encode(suppressed, forKey: .suppressed)
        try c.encode(secondary, forKey: .secondary)
        try c.encode(lowNumbers, forKey: .lowNumbers)
        if notApplicable { try c.encode(true, forKey: .notApplicable) }
    }
}

public struct TrendResult: Sendable, Hashable, Codable {
    public var points: Int
    public var S: Int
    public var varS: Double
    public var z: Double
    public var p: Double
    /// p after Benjamini–Hochberg across the units of this metric.
    public var pAdjusted: Double
    public var tau: Double
    public var senSlope: Double?
    public var senLower: Double?
    public var senUpper: Double?
    /// Hamed–Rao correction applied (24 points or more).
    public var autocorrelationCorrected: Bool
    /// 12–23 points with a lag-1 autocorrelation beyond its bound: the test may be optimistic.
    public var autocorrelationNote: Bool
    /// `increasing`, `decreasing`, `no trend` or `insufficient data`.
    public var verdict: String
    /// A trend: p < 0.05, the Sen interval excludes 0, enough data, and kept by the false-discovery control.
    public var significant: Bool

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(points, forKey: .points)
        try c.encode(S, forKey: .S)
        try c.encode(varS, forKey: .varS)
        try c.encode(z, forKey: .z)
        try c.encode(p, forKey: .p)
        try c.encode(pAdjusted, forKey: .pAdjusted)
        try c.encode(tau, forKey: .tau)
        try c.encode(senSlope, forKey: .senSlope)
        try c.encode(senLower, forKey: .senLower)
        try c.encode(senUpper, forKey: .senUpper)
        try c.encode(autocorrelationCorrected, forKey: .autocorrelationCorrected)
        try c.encode(autocorrelationNote, forKey: .autocorrelationNote)
        try c.encode(verdict, forKey: .verdict)
        try c.encode(significant, forKey: .significant)
    }
}

/// An XmR chart of the unit's series (shown points only).
public struct ControlChart: Sendable, Hashable, Codable {
    public var mean: Double
    public var upper: Double
    public var lower: Double
    public var upper2Sigma: Double
    public var lower2Sigma: Double
    public var meanMovingRange: Double
    /// Under 12 points the limits are trial limits.
    public var trial: Bool
    public var baselinePoints: Int
    /// Periods signalling special-cause variation, by rule.
    public var signals: Signals

    public struct Signals: Sendable, Hashable, Codable {
        public var beyondLimits: [String]
        public var runOf7: [String]
        public var trendOf7: [String]
        public var twoOfThree: [String]
    }
}

/// Units compared with the funnel-plot method.
public struct Comparison: Sendable, Hashable, Codable {
    /// `range` or a period label.
    public var scope: String
    public var target: Double
    public var phi: Double?
    public var tau2: Double
    /// Fewer than 10 units: no over-dispersion estimate, flags at 99.8% only.
    public var exploratory: Bool
    public var units: [UnitComparison]
    /// For `range`: the last period it counts (provisional periods after it are left out); nil
    /// when it counts none.
    public var through: String? = nil

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(scope, forKey: .scope)
        try c.encode(target, forKey: .target)
        try c.encode(phi, forKey: .phi)
        try c.encode(tau2, forKey: .tau2)
        try c.encode(exploratory, forKey: .exploratory)
        try c.encode(through, forKey: .through)
        try c.encode(units, forKey: .units)
    }
}

public struct UnitComparison: Sendable, Hashable, Codable {
    public var unit: [String: String?]
    public var n: Int?
    public var value: Double?
    public var z: Double?
    public var zAdjusted: Double?
    /// `high` or `low` at 99.8%, else null (consistent with common-cause variation).
    public var flag: String?
    /// The soft 95% annotation.
    public var flag95: String?
    /// Empirical-Bayes estimate and credible interval (proportions, when τ² > 0).
    public var ebEstimate: Double?
    public var ebLower: Double?
    public var ebUpper: Double?
    public var suppressed: Bool

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(unit, forKey: .unit)
        try c.encode(n, forKey: .n)
        try c.encode(value, forKey: .value)
        try c.encode(z, forKey: .z)
        try c.encode(zAdjusted, forKey: .zAdjusted)
        try c.encode(flag, forKey: .flag)
        try c.encode(flag95, forKey: .flag95)
        try c.encode(ebEstimate, forKey: .ebEstimate)
        try c.encode(ebLower, forKey: .ebLower)
        try c.encode(ebUpper, forKey: .ebUpper)
        try c.encode(suppressed, forKey: .suppressed)
    }
}
