#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Change-point detection: PELT for segmentations, CUSUM for alarms. Change points annotate charts;
/// they don't rebase limits.
public enum ChangePoints {
    /// d2 for moving ranges of two.
    public static let d2 = 1.128

    /// σ̂ = MR̄/1.128; nil with fewer than two values.
    public static func movingRangeSigma(_ values: [Double]) -> Double? {
        Descriptive.mean(Descriptive.movingRanges(values)).map { $0 / d2 }
    }

    /// 2·ln(n)·σ̂²; nil with fewer than two values.
    public static func defaultPenalty(_ values: [Double]) -> Double? {
        movingRangeSigma(values).map { 2 * log(Double(values.count)) * $0 * $0 }
    }

    /// PELT with the L2 cost (Σ(x − x̄)² per segment), every index a candidate and a penalty per segment
    /// (default `defaultPenalty`). Returns the segment end indices (exclusive), the last being n, as ruptures does;
    /// empty for no values.
    public static func pelt(_ values: [Double], penalty: Double? = nil, minimumSegmentLength: Int = 3) -> [Int] {
        let n = values.count
        guard n > 0 else { return [] }
        let minimum = max(1, minimumSegmentLength)
        guard n >= minimum, let penalty = penalty ?? defaultPenalty(values) else { return [n] }
        // Prefix sums of centred values keep the segment costs accurate.
        let centre = values.reduce(0, +) / Double(n)
        var sums = [0.0]
        var squares = [0.0]
        for value in values {
            let c = value - centre
            sums.append(sums.last! + c)
            squares.append(squares.last! + c * c)
        }
        func cost(_ start: Int, _ end: Int) -> Double {
            let s = sums[end] - sums[start]
            return max(0, squares[end] - squares[start] - s * s / Double(end - start))
        }
        var best = [Double?](repeating: nil, count: n + 1)
        var previous = [Int](repeating: 0, count: n + 1)
        best[0] = 0
        var admissible: [Int] = []
        for end in Array(minimum..<n) + [n] {
            admissible.append(end - minimum)
            var totals: [(start: Int, total: Double)] = []
            var minimumTotal = Double.infinity
            for start in admissible {
                guard let before = best[start] else { continue }
                let total = before + cost(start, end) + penalty
                totals.append((start, total))
                // Strictly smaller: ties go to the earliest start, as Python's min does.
                if total < minimumTotal {
                    minimumTotal = total
                    previous[end] = start
                }
            }
            guard !totals.isEmpty else { continue }
            best[end] = minimumTotal
            admissible = totals.filter { $0.total <= minimumTotal + penalty }.map(\.start)
        }
        var ends = [n]
        var start = previous[n]
        while start > 0 {
            ends.insert(start, at: 0)
            start = previous[start]
        }
        return ends
    }
}

/// Which way a shift went.
public enum ShiftDirection: String, Hashable, Sendable {
    case up
    case down
}

/// A CUSUM signal.
public struct CUSUMAlarm: Hashable, Sendable {
    /// 0-based index of the period that signalled.
    public var index: Int
    public var direction: ShiftDirection
    /// C⁺ and C⁻ at the signal, before both are reset.
    public var upperSum: Double
    public var lowerSum: Double
}

public struct CUSUMResult: Hashable, Sendable {
    /// μ0, the mean of the baseline.
    public var baselineMean: Double
    /// σ0 = MR̄/1.128 over the baseline.
    public var baselineSigma: Double
    /// C⁺ and C⁻ at every period (before any reset at that period).
    public var upperSums: [Double]
    public var lowerSums: [Double]
    public var alarms: [CUSUMAlarm]
}

/// Tabular CUSUM on standardised values.
public enum CUSUM {
    /// z_t = (x_t − μ0)/σ0, C⁺ = max(0, C⁺ + z − k), C⁻ = max(0, C⁻ − z − k) from the first period;
    /// a signal when either exceeds h, then both reset to 0. nil when the baseline is incomplete
    /// or has no variation (σ0 = 0).
    public static func run(_ values: [Double], baselineCount: Int = 12, k: Double = 0.5, h: Double = 5) -> CUSUMResult? {
        guard baselineCount >= 2, values.count >= baselineCount else { return nil }
        let baseline = Array(values.prefix(baselineCount))
        let mean = baseline.reduce(0, +) / Double(baselineCount)
        guard let sigma = ChangePoints.movingRangeSigma(baseline), sigma > 0 else { return nil }
        var upper = 0.0
        var lower = 0.0
        var upperSums: [Double] = []
        var lowerSums: [Double] = []
        var alarms: [CUSUMAlarm] = []
        for (index, value) in values.enumerated() {
            let z = (value - mean) / sigma
            upper = max(0, upper + z - k)
            lower = max(0, lower - z - k)
            upperSums.append(upper)
            lowerSums.append(lower)
            if upper > h || lower > h {
                alarms.append(CUSUMAlarm(index: index, direction: upper > h ? .up : .down, upperSum: upper, lowerSum: lower))
                upper = 0
                lower = 0
            }
        }
        return CUSUMResult(baselineMean: mean, baselineSigma: sigma, upperSums: upperSums, lowerSums: lowerSums, alarms: alarms)
    }
}
