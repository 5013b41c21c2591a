#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A series over periods with gaps: the non-missing values and their original period positions.
struct ObservedSeries {
    var positions: [Double]
    var values: [Double]

    init(_ series: [Double?]) {
        positions = []
        values = []
        for (position, value) in series.enumerated() {
            if let value {
                positions.append(Double(position))
                values.append(value)
            }
        }
    }

    var count: Int { values.count }
}

/// The Mann–Kendall trend test, tie and continuity corrected (Gilbert 1987).
public struct MannKendallResult: Hashable, Sendable {
    /// Non-missing points.
    public var count: Int
    /// S = Σ_{i<j} sgn(x_j − x_i).
    public var s: Int
    /// Var(S) with the tie correction.
    public var varianceOfS: Double
    public var z: Double
    /// Two-sided p = 2(1 − Φ(|Z|)).
    public var p: Double
    /// Kendall's tau-a, S/(n(n−1)/2).
    public var tau: Double
}

public enum MannKendall {
    /// The test on the non-missing points; nil with fewer than two.
    public static func test(_ series: [Double?]) -> MannKendallResult? {
        let values = series.compactMap { $0 }
        let n = values.count
        guard n >= 2 else { return nil }
        var s = 0
        for i in 0..<(n - 1) {
            for j in (i + 1)..<n where values[j] != values[i] {
                s += values[j] > values[i] ? 1 : -1
            }
        }
        let variance = varianceOfS(values)
        let z = zScore(s: s, varianceOfS: variance)
        return MannKendallResult(
            count: n, s: s, varianceOfS: variance, z: z, p: twoSidedP(z), tau: Double(s) / (Double(n * (n - 1)) / 2))
    }

    /// [n(n−1)(2n+5) − Σ_g t_g(t_g−1)(2t_g+5)]/18.
    static func varianceOfS(_ values: [Double]) -> Double {
        let n = Double(values.count)
        var groups: [Double: Int] = [:]
        for value in values { groups[value, default: 0] += 1 }
        let ties = groups.values.reduce(0.0) { total, size in
            let t = Double(size)
            return total + t * (t - 1) * (2 * t + 5)
        }
        return (n * (n - 1) * (2 * n + 5) - ties) / 18
    }

    /// Z = (S − 1)/√Var for S > 0, 0 for S = 0, (S + 1)/√Var for S < 0; 0 when the variance is not positive.
    public static func zScore(s: Int, varianceOfS variance: Double) -> Double {
        guard s != 0, variance > 0 else { return 0 }
        return (Double(s) - (s > 0 ? 1 : -1)) / variance.squareRoot()
    }

    /// 2(1 − Φ(|z|)), evaluated as erfc(|z|/√2) to keep small p-values accurate.
    static func twoSidedP(_ z: Double) -> Double {
        erfc(abs(z) / 2.0.squareRoot())
    }
}

/// Sen's slope with its intercept and rank-based confidence interval.
public struct SenSlopeResult: Hashable, Sendable {
    /// The median pairwise slope, per period.
    public var slope: Double
    /// median(x) − median(positions)·slope, positions counted from the first period (0).
    public var intercept: Double
    /// The slope with its confidence interval.
    public var interval: Interval
}

public enum SenSlope {
    /// Pairwise slopes over the original period positions (gaps keep their place); nil with fewer than two points.
    /// The interval uses `varianceOfS` when given, otherwise the Mann–Kendall variance of the series.
    public static func estimate(_ series: [Double?], confidence: Double = 0.95, varianceOfS: Double? = nil) -> SenSlopeResult? {
        let observed = ObservedSeries(series)
        let n = observed.count
        guard n >= 2 else { return nil }
        var slopes: [Double] = []
        slopes.reserveCapacity(n * (n - 1) / 2)
        for i in 0..<(n - 1) {
            for j in (i + 1)..<n {
                slopes.append((observed.values[j] - observed.values[i]) / (observed.positions[j] - observed.positions[i]))
            }
        }
        slopes.sort()
        let slope = Descriptive.median(slopes)!
        let intercept = Descriptive.median(observed.values)! - Descriptive.median(observed.positions)! * slope
        let variance = varianceOfS ?? MannKendall.varianceOfS(observed.values)
        let c = Normal.criticalValue(confidence: confidence) * max(0, variance).squareRoot()
        let (lowerRank, upperRank) = confidenceRanks(slopeCount: slopes.count, c: c)
        return SenSlopeResult(
            slope: slope, intercept: intercept,
            interval: Interval(estimate: slope, lower: slopes[lowerRank - 1], upper: slopes[upperRank - 1]))
    }
}

extension SenSlope {
    /// 1-based ranks into the N sorted slopes: round((N − C)/2) and round((N + C)/2 + 1), half to even,
    /// clamped to [1, N].
    static func confidenceRanks(slopeCount: Int, c: Double) -> (lower: Int, upper: Int) {
        let count = Double(slopeCount)
        let lower = min(max(((count - c) / 2).rounded(.toNearestOrEven), 1), count)
        let upper = min(max(((count + c) / 2 + 1).rounded(.toNearestOrEven), 1), count)
        return (Int(lower), Int(upper))
    }
}

/// The Hamed–Rao (1998) variance correction for serial correlation in the Mann–Kendall test.
public struct HamedRaoResult: Hashable, Sendable {
    /// ρ_1…ρ_maxLag of the ranks of the Sen-detrended series.
    public var autocorrelations: [Double]
    /// z(1 − α/2)/√n: lags with |ρ_k| above it are kept.
    public var bound: Double
    public var keptLags: [Int]
    /// 1 + 2/(n(n−1)(n−2))·Σ_kept (n−k)(n−k−1)(n−k−2)·ρ_k, before clamping (can be below 1).
    public var rawFactor: Double
    /// max(1, rawFactor), the factor applied.
    public var factor: Double
    /// Var(S)·factor.
    public var varianceOfS: Double
    public var z: Double
    public var p: Double
}

public enum HamedRao {
    /// The correction is applied only from this many points.
    public static let minimumCount = 24

    /// The corrected test; nil below `minimumCount` non-missing points.
    public static func test(_ series: [Double?], maxLag: Int = 3, alpha: Double = 0.05) -> HamedRaoResult? {
        guard let mk = MannKendall.test(series), mk.count >= minimumCount,
            let sen = SenSlope.estimate(series, varianceOfS: mk.varianceOfS)
        else { return nil }
        let n = mk.count
        let nd = Double(n)
        let rho = rankAutocorrelations(series, slope: sen.slope, maxLag: maxLag)
        let bound = Normal.quantile(1 - alpha / 2) / nd.squareRoot()
        let kept = (1...maxLag).filter { abs(rho[$0 - 1]) > bound }
        let sum = kept.reduce(0.0) { total, k in
            let nk = Double(n - k)
            return total + nk * (nk - 1) * (nk - 2) * rho[k - 1]
        }
        let rawFactor = 1 + 2 / (nd * (nd - 1) * (nd - 2)) * sum
        let factor = max(1, rawFactor)
        let variance = mk.varianceOfS * factor
        let z = MannKendall.zScore(s: mk.s, varianceOfS: variance)
        return HamedRaoResult(
            autocorrelations: rho, bound: bound, keptLags: kept, rawFactor: rawFactor, factor: factor, varianceOfS: variance,
            z: z, p: MannKendall.twoSidedP(z))
    }

    /// Biased autocorrelations at lags 1…maxLag of the average ranks of e_t = x_t − b·t
    /// (t the original period position; lags count non-missing points).
    static func rankAutocorrelations(_ series: [Double?], slope: Double, maxLag: Int) -> [Double] {
        let observed = ObservedSeries(series)
        let n = observed.count
        let residuals = zip(observed.values, observed.positions).map { $0 - slope * $1 }
        let ranks = Descriptive.averageRanks(residuals)
        let mean = ranks.reduce(0, +) / Double(n)
        let centred = ranks.map { $0 - mean }
        let c0 = centred.reduce(0.0) { $0 + $1 * $1 }
        return (1...maxLag).map { k in
            guard c0 > 0, k < n else { return 0 }
            var ck = 0.0
            for t in 0..<(n - k) { ck += centred[t] * centred[t + k] }
            return ck / c0
        }
    }
}

/// The verdict on one series.
public enum TrendVerdict: String, Hashable, Sendable {
    case increasing
    case decreasing
    case noTrend = "no trend"
    /// Fewer than 12 points, or a point with n < 10: aggregate (e.g. to quarters) instead.
    case insufficientData = "insufficient data"
}

/// Mann–Kendall, Sen and (from 24 points) Hamed–Rao on one series, with the verdict.
public struct TrendAnalysis: Hashable, Sendable {
    public var mannKendall: MannKendallResult?
    public var senSlope: SenSlopeResult?
    /// Present only with at least 24 points.
    public var hamedRao: HamedRaoResult?
    /// For 12–23 points: |ρ₁| exceeds z/√n, so serial correlation may inflate the significance.
    public var autocorrelationNote: Bool
    /// The p-value the verdict uses (Hamed–Rao's when present).
    public var p: Double?
    public var verdict: TrendVerdict
}

public enum Trend {
    public static let minimumPoints = 12
    public static let minimumSampleSize = 10

    /// True when there are at least 12 points and every point has n ≥ 10 (nil entries are missing periods).
    public static func hasMinimumSeries(sampleSizes: [Int?]) -> Bool {
        let present = sampleSizes.compactMap { $0 }
        return present.count >= minimumPoints && present.allSatisfy { $0 >= minimumSampleSize }
    }

    /// Analyses one series over periods (nil = missing period). `sampleSizes`, aligned with the series, are
    /// checked against the minimum-series rule. "increasing"/"decreasing" only when p < alpha AND the Sen
    /// interval excludes 0.
    public static func analyse(
        _ series: [Double?], sampleSizes: [Int?]? = nil, alpha: Double = 0.05, confidence: Double = 0.95
    ) -> TrendAnalysis {
        let mk = MannKendall.test(series)
        let sen = SenSlope.estimate(series, confidence: confidence)
        let n = mk?.count ?? 0
        var hamedRao: HamedRaoResult?
        var note = false
        if n >= HamedRao.minimumCount {
            hamedRao = HamedRao.test(series, alpha: alpha)
        } else if n >= minimumPoints, let sen {
            let rho1 = HamedRao.rankAutocorrelations(series, slope: sen.slope, maxLag: 1)[0]
            note = abs(rho1) > Normal.quantile(1 - alpha / 2) / Double(n).squareRoot()
        }
        let p = hamedRao?.p ?? mk?.p
        var sufficient = n >= minimumPoints
        if let sampleSizes {
            let observed: [Int?] = zip(series, sampleSizes).map { value, size in value == nil ? nil : (size ?? 0) }
            sufficient = sufficient && hasMinimumSeries(sampleSizes: observed)
        }
        var verdict = TrendVerdict.insufficientData
        if sufficient, let mk, let sen, let p {
            verdict = .noTrend
            if p < alpha && sen.interval.lower > 0 && mk.s > 0 { verdict = .increasing }
            if p < alpha && sen.interval.upper < 0 && mk.s < 0 { verdict = .decreasing }
        }
        return TrendAnalysis(mannKendall: mk, senSlope: sen, hamedRao: hamedRao, autocorrelationNote: note, p: p, verdict: verdict)
    }
}

/// Benjamini–Hochberg control of the false discovery rate across many series.
public struct FalseDiscoveryResult: Hashable, Sendable {
    /// Adjusted p-values (step-up, monotone, capped at 1), in the input order.
    public var adjusted: [Double]
    /// Rejected (a discovery) at level q, in the input order.
    public var rejected: [Bool]
    public var q: Double
}

public enum BenjaminiHochberg {
    /// Adjusts `pValues` and rejects those with adjusted p ≤ q (default 0.10).
    public static func adjust(_ pValues: [Double], q: Double = 0.10) -> FalseDiscoveryResult {
        let m = pValues.count
        let order = pValues.indices.sorted { pValues[$0] < pValues[$1] }
        var adjusted = [Double](repeating: 1, count: m)
        var running = 1.0
        for rank in stride(from: m, through: 1, by: -1) {
            let index = order[rank - 1]
            running = min(running, pValues[index] * Double(m) / Double(rank))
            adjusted[index] = min(1, running)
        }
        return FalseDiscoveryResult(adjusted: adjusted, rejected: adjusted.map { $0 <= q }, q: q)
    }
}
