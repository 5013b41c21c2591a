/// A mean score with its spread and Student t interval.
public struct MeanSummary: Hashable, Sendable {
    public var count: Int
    public var mean: Double
    /// The sample standard deviation (divisor n − 1); nil for a single value.
    public var standardDeviation: Double?
    /// x̄ ± t(n − 1, 1 − α/2)·s/√n clamped to the scale; nil below two values.
    public var interval: Interval?
}

/// The Student t interval for a mean score.
public enum MeanInterval {
    /// The mean of `values` with its t interval clamped to `scale` (when given); nil when there are no values.
    public static func studentT(_ values: [Double], confidence: Double = 0.95, scale: ClosedRange<Double>? = nil) -> MeanSummary? {
        guard !values.isEmpty else { return nil }
        let n = values.count
        let mean = values.reduce(0, +) / Double(n)
        guard n >= 2 else { return MeanSummary(count: n, mean: mean, standardDeviation: nil, interval: nil) }
        let sumOfSquares = values.reduce(0.0) { $0 + ($1 - mean) * ($1 - mean) }
        let sd = (sumOfSquares / Double(n - 1)).squareRoot()
        return MeanSummary(
            count: n, mean: mean, standardDeviation: sd,
            interval: interval(mean: mean, standardDeviation: sd, count: n, confidence: confidence, scale: scale))
    }

    /// The t interval from summary statistics; nil below two values.
    public static func interval(
        mean: Double, standardDeviation sd: Double, count n: Int, confidence: Double = 0.95, scale: ClosedRange<Double>? = nil
    ) -> Interval? {
        guard n >= 2 else { return nil }
        let t = StudentT.criticalValue(confidence: confidence, degreesOfFreedom: Double(n - 1))
        let half = t * sd / Double(n).squareRoot()
        var lower = mean - half
        var upper = mean + half
        if let scale {
            lower = min(max(lower, scale.lowerBound), scale.upperBound)
            upper = min(max(upper, scale.lowerBound), scale.upperBound)
        }
        return Interval(estimate: mean, lower: lower, upper: upper)
    }
}

/// Net Promoter Score on the −100…100 scale.
public struct NPSSummary: Hashable, Sendable {
    public var promoters: Int
    public var passives: Int
    public var detractors: Int
    public var count: Int { promoters + passives + detractors }
    /// 100(p − d).
    public var score: Double
    /// 100·√((p + d − (p − d)²)/n), the plain (unadjusted) standard error.
    public var standardError: Double
    /// The score with the adjusted-Wald interval, clamped to [−100, 100].
    public var interval: Interval
}

/// Net Promoter Score: promoters 9–10, passives 7–8, detractors 0–6.
public enum NPS {
    public enum Category: Sendable, Hashable {
        case promoter, passive, detractor
    }

    /// The category of a 0–10 rating; nil outside the scale.
    public static func category(rating: Int) -> Category? {
        switch rating {
        case 9...10: .promoter
        case 7...8: .passive
        case 0...6: .detractor
        default: nil
        }
    }

    /// The score, its plain standard error and the adjusted-Wald interval (Rocks 2016:
    /// +0.75 promoters, +0.75 detractors, n + 3); nil without responses.
    public static func summary(promoters: Int, passives: Int, detractors: Int, confidence: Double = 0.95) -> NPSSummary? {
        precondition(promoters >= 0 && passives >= 0 && detractors >= 0, "counts cannot be negative")
        let n = promoters + passives + detractors
        guard n > 0 else { return nil }
        let nd = Double(n)
        let p = Double(promoters) / nd
        let d = Double(detractors) / nd
        let se = ((p + d - (p - d) * (p - d)) / nd).squareRoot()
        let z = Normal.criticalValue(confidence: confidence)
        let adjustedN = nd + 3
        let pa = (Double(promoters) + 0.75) / adjustedN
        let da = (Double(detractors) + 0.75) / adjustedN
        let centre = pa - da
        let half = z * ((pa + da - centre * centre) / adjustedN).squareRoot()
        let lower = max(-100, 100 * (centre - half))
        let upper = min(100, 100 * (centre + half))
        return NPSSummary(
            promoters: promoters, passives: passives, detractors: detractors, score: 100 * (p - d), standardError: 100 * se,
            interval: Interval(estimate: 100 * (p - d), lower: lower, upper: upper))
    }
}
