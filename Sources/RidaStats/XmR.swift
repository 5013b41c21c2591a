/// Special-cause points found by the four XmR rules, as sorted 0-based indices into the values.
public struct XmRSignals: Hashable, Sendable {
    /// Rule 1: beyond a limit.
    public var beyondLimits: [Int]
    /// Rule 2: in a run of 7 or more consecutive points on the same side of the mean.
    public var runOf7: [Int]
    /// Rule 3: in a trend of 7 points (6 consecutive moves) all up or all down.
    public var trendOf7: [Int]
    /// Rule 4: beyond the 2σ band (not a limit) with 2 of 3 consecutive points so, all 3 on one side.
    public var twoOfThree: [Int]

    /// Every point flagged by any rule, sorted.
    public var all: [Int] { Array(Set(beyondLimits + runOf7 + trendOf7 + twoOfThree)).sorted() }
}

/// An XmR (individuals) chart, NHS "Making Data Count" style.
public struct XmRChart: Hashable, Sendable {
    public var values: [Double]
    /// The mean of the baseline points.
    public var mean: Double
    /// MR̄ of the baseline (after screening, if asked for).
    public var meanMovingRange: Double
    /// mean ± 2.66·MR̄.
    public var upperLimit: Double
    public var lowerLimit: Double
    /// mean ± (2/3)·2.66·MR̄.
    public var upper2Sigma: Double
    public var lower2Sigma: Double
    /// How many leading points the limits come from.
    public var baselineCount: Int
    /// Limits from fewer than 12 points are "trial" limits.
    public var isTrial: Bool
    /// Indices t whose moving range |x_t − x_{t−1}| was screened out (MR_t ≥ 3.267·MR̄).
    public var screenedMovingRanges: [Int]
    public var signals: XmRSignals
}

public enum XmR {
    public static let limitFactor = 2.66
    public static let screeningFactor = 3.267
    /// Limits from fewer points than this are trial limits.
    public static let minimumBaseline = 12
    public static let runLength = 7
    public static let trendMoves = 6

    /// The chart with limits from the first `baselineCount` points (all points by default: lock them once there
    /// are 12–20), optionally screening large moving ranges out of MR̄. nil with fewer than two baseline points.
    public static func chart(_ values: [Double], baselineCount: Int? = nil, screenMovingRanges: Bool = false) -> XmRChart? {
        let count = min(baselineCount ?? values.count, values.count)
        guard count >= 2 else { return nil }
        let baseline = Array(values.prefix(count))
        let mean = baseline.reduce(0, +) / Double(count)
        let ranges = Descriptive.movingRanges(baseline)
        var meanRange = ranges.reduce(0, +) / Double(ranges.count)
        var screened: [Int] = []
        if screenMovingRanges && meanRange > 0 {
            let cut = screeningFactor * meanRange
            screened = ranges.indices.filter { ranges[$0] >= cut }.map { $0 + 1 }
            let kept = ranges.filter { $0 < cut }
            meanRange = kept.reduce(0, +) / Double(kept.count)
        }
        let width = limitFactor * meanRange
        let upper = mean + width
        let lower = mean - width
        let upper2 = mean + 2 * width / 3
        let lower2 = mean - 2 * width / 3
        return XmRChart(
            values: values, mean: mean, meanMovingRange: meanRange, upperLimit: upper, lowerLimit: lower, upper2Sigma: upper2,
            lower2Sigma: lower2, baselineCount: count, isTrial: count < minimumBaseline, screenedMovingRanges: screened,
            signals: signals(values, mean: mean, lowerLimit: lower, upperLimit: upper, lower2Sigma: lower2, upper2Sigma: upper2))
    }

    /// Applies the four rules to `values` with the given centre line and limits.
    public static func signals(
        _ values: [Double], mean: Double, lowerLimit: Double, upperLimit: Double, lower2Sigma: Double, upper2Sigma: Double
    ) -> XmRSignals {
        let n = values.count
        let beyond = values.indices.filter { values[$0] > upperLimit || values[$0] < lowerLimit }

        // Rule 2: runs strictly on one side; a point on the mean has side 0 and breaks the run.
        var runs: [Int] = []
        var runStart = 0
        while runStart < n {
            let runSide = side(values[runStart], mean)
            var runEnd = runStart
            while runEnd + 1 < n && side(values[runEnd + 1], mean) == runSide { runEnd += 1 }
            if runSide != 0 && runEnd - runStart + 1 >= runLength { runs += Array(runStart...runEnd) }
            runStart = runEnd + 1
        }

        // Rule 3: equal neighbours neither count nor break; the trend spans from its first move's start to its last move's end.
        var trends: [Int] = []
        var direction = 0
        var moves = 0
        var trendStart = 0
        var trendEnd = 0
        func closeTrend() {
            if moves >= trendMoves { trends += Array(trendStart...trendEnd) }
        }
        for i in values.indices.dropFirst() {
            let move = side(values[i], values[i - 1])
            if move == 0 { continue }
            if move == direction {
                moves += 1
                trendEnd = i
            } else {
                closeTrend()
                direction = move
                moves = 1
                trendStart = i - 1
                trendEnd = i
            }
        }
        closeTrend()

        // Rule 4: only points between the 2σ band and the limit count and are marked.
        var twoOfThree = Set<Int>()
        if n >= 3 {
            for start in 0...(n - 3) {
                let window = start..<(start + 3)
                let sides = Set(window.map { side(values[$0], mean) })
                guard sides.count == 1, let s = sides.first, s != 0 else { continue }
                let outer = window.filter { i in
                    s > 0 ? values[i] > upper2Sigma && values[i] <= upperLimit : values[i] < lower2Sigma && values[i] >= lowerLimit
                }
                if outer.count >= 2 { twoOfThree.formUnion(outer) }
            }
        }
        return XmRSignals(beyondLimits: beyond, runOf7: runs, trendOf7: Array(Set(trends)).sorted(), twoOfThree: twoOfThree.sorted())
    }

    /// +1 above, −1 below, 0 equal.
    private static func side(_ value: Double, _ reference: Double) -> Int {
        value > reference ? 1 : (value < reference ? -1 : 0)
    }
}

/// One period of a Laney p′ chart.
public struct LaneyPoint: Hashable, Sendable {
    public var proportion: Double
    /// σ_pi = √(p̄(1−p̄)/n_i).
    public var sigma: Double
    /// z_i = (p_i − p̄)/σ_pi.
    public var z: Double
    /// p̄ ± 3·σ_pi·σ_z, clamped to [0, 1].
    public var lowerLimit: Double
    public var upperLimit: Double
}

/// A Laney p′ chart: a p chart whose limits are widened (or narrowed) by the between-period variation of z.
public struct LaneyChart: Hashable, Sendable {
    /// p̄ = Σx/Σn.
    public var centre: Double
    /// MR̄ of the z_i.
    public var meanMovingRangeZ: Double
    /// σ_z = MR̄(z)/1.128.
    public var sigmaZ: Double
    public var points: [LaneyPoint]
    /// 0-based indices of periods beyond their limits.
    public var beyondLimits: [Int]
}

public enum LaneyPPrime {
    /// The chart for successes/trials per period; nil with fewer than two periods, a period without trials,
    /// or p̄ of 0 or 1.
    public static func chart(_ periods: [UnitCount]) -> LaneyChart? {
        guard periods.count >= 2, periods.allSatisfy({ $0.trials > 0 && (0...$0.trials).contains($0.successes) }) else { return nil }
        let centre = Double(periods.reduce(0) { $0 + $1.successes }) / Double(periods.reduce(0) { $0 + $1.trials })
        guard centre > 0 && centre < 1 else { return nil }
        let proportions = periods.map { Double($0.successes) / Double($0.trials) }
        let sigmas = periods.map { (centre * (1 - centre) / Double($0.trials)).squareRoot() }
        let z = zip(proportions, sigmas).map { ($0 - centre) / $1 }
        let ranges = Descriptive.movingRanges(z)
        let meanRange = ranges.reduce(0, +) / Double(ranges.count)
        let sigmaZ = meanRange / ChangePoints.d2
        let points = periods.indices.map { i in
            LaneyPoint(
                proportion: proportions[i], sigma: sigmas[i], z: z[i], lowerLimit: max(0, centre - 3 * sigmas[i] * sigmaZ),
                upperLimit: min(1, centre + 3 * sigmas[i] * sigmaZ))
        }
        let beyond = points.indices.filter { points[$0].proportion > points[$0].upperLimit || points[$0].proportion < points[$0].lowerLimit }
        return LaneyChart(centre: centre, meanMovingRangeZ: meanRange, sigmaZ: sigmaZ, points: points, beyondLimits: beyond)
    }
}
