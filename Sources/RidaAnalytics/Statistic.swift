import RidaCore
import RidaStats

/// The sufficient statistic of one metric in one unit and period.
enum Statistic {
    case proportion(successes: Int, trials: Int)
    /// Counts per scale point, from `min`.
    case distribution(counts: [Int], min: Int, max: Int)
    case nps(promoters: Int, passives: Int, detractors: Int)

    var n: Int {
        switch self {
        case .proportion(_, let trials): trials
        case .distribution(let counts, _, _): counts.reduce(0, +)
        case .nps(let p, let q, let d): p + q + d
        }
    }

    static func empty(_ kind: MetricKind, _ item: AnalysisEngine.ItemKey?) -> Statistic {
        switch kind {
        case .csat, .bottom2, .cesAgree, .responseRate: .proportion(successes: 0, trials: 0)
        case .nps: .nps(promoters: 0, passives: 0, detractors: 0)
        case .ces, .mean:
            .distribution(counts: Array(repeating: 0, count: (item?.max ?? 0) - (item?.min ?? 0) + 1), min: item?.min ?? 0, max: item?.max ?? 0)
        }
    }

    static func of(
        _ kind: MetricKind, item: AnalysisEngine.ItemKey?, tally: AnalysisEngine.Tally?, invitations: (issued: Int, answered: Int)
    ) -> Statistic {
        if kind == .responseRate { return .proportion(successes: invitations.answered, trials: invitations.issued) }
        guard let item, let tally else { return empty(kind, item) }
        func count(_ values: ClosedRange<Int>) -> Int {
            values.clamped(to: item.min...item.max).reduce(0) { $0 + tally.counts[$1 - item.min] }
        }
        // What counts as positive or negative is the measure's definition, which the stored
        // fingerprint of each questionnaire version covers.
        let csat = Measure.csat.definition(min: item.min, max: item.max)
        switch kind {
        case .csat: return .proportion(successes: count(csat.positive), trials: tally.n)
        case .bottom2: return .proportion(successes: csat.negative.map(count) ?? 0, trials: tally.n)
        case .cesAgree: return .proportion(successes: count(Measure.ces.definition(min: item.min, max: item.max).positive), trials: tally.n)
        case .nps:
            let nps = Measure.nps.definition(min: item.min, max: item.max)
            let promoters = count(nps.positive)
            let detractors = nps.negative.map(count) ?? 0
            // Every other answer of the scale is passive.
            return .nps(promoters: promoters, passives: tally.n - promoters - detractors, detractors: detractors)
        case .ces, .mean: return .distribution(counts: tally.counts, min: item.min, max: item.max)
        case .responseRate: return .proportion(successes: invitations.answered, trials: invitations.issued)
        }
    }

    static func + (a: Statistic, b: Statistic) -> Statistic {
        switch (a, b) {
        case (.proportion(let x1, let n1), .proportion(let x2, let n2)): return .proportion(successes: x1 + x2, trials: n1 + n2)
        case (.distribution(let c1, let lo, let hi), .distribution(let c2, _, _)):
            return .distribution(counts: zip(c1, c2).map { $0 + $1 }, min: lo, max: hi)
        case (.nps(let p1, let q1, let d1), .nps(let p2, let q2, let d2)):
            return .nps(promoters: p1 + p2, passives: q1 + q2, detractors: d1 + d2)
        default: return a
        }
    }

    /// Mean and standard deviation (n − 1) of a distribution.
    static func moments(_ counts: [Int], min: Int) -> (n: Int, mean: Double, sd: Double)? {
        let n = counts.reduce(0, +)
        guard n > 0 else { return nil }
        var sum = 0.0
        for (index, count) in counts.enumerated() { sum += Double(count) * Double(min + index) }
        let mean = sum / Double(n)
        guard n > 1 else { return (n, mean, 0) }
        var squares = 0.0
        for (index, count) in counts.enumerated() {
            let deviation = Double(min + index) - mean
            squares += Double(count) * deviation * deviation
        }
        return (n, mean, (squares / Double(n - 1)).squareRoot())
    }

    /// The estimate with its interval; nil when there is nothing to estimate.
    func estimate(confidence: Double) -> Interval? {
        switch self {
        case .proportion(let x, let n):
            return Wilson.interval(successes: x, trials: n, confidence: confidence)
        case .distribution(let counts, let min, let max):
            guard let (n, mean, sd) = Self.moments(counts, min: min) else { return nil }
            return MeanInterval.interval(mean: mean, standardDeviation: sd, count: n, confidence: confidence, scale: Double(min)...Double(max))
                ?? Interval(estimate: mean, lower: mean, upper: mean)
        case .nps(let p, let q, let d):
            return NPS.summary(promoters: p, passives: q, detractors: d, confidence: confidence)?.interval
        }
    }

    /// Standard error of the estimate, for comparisons of means and NPS.
    var standardError: Double? {
        switch self {
        case .proportion(let x, let n):
            guard n > 0 else { return nil }
            let p = Double(x) / Double(n)
            return (p * (1 - p) / Double(n)).squareRoot()
        case .distribution(let counts, let min, _):
            guard let (n, _, sd) = Self.moments(counts, min: min), n > 1 else { return nil }
            return sd / Double(n).squareRoot()
        case .nps(let p, let q, let d):
            return NPS.summary(promoters: p, passives: q, detractors: d)?.standardError
        }
    }
}
