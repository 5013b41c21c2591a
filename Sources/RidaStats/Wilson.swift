/// An interval estimate with its point estimate.
public struct Interval: Hashable, Sendable {
    public var estimate: Double
    public var lower: Double
    public var upper: Double

    public init(estimate: Double, lower: Double, upper: Double) {
        self.estimate = estimate
        self.lower = lower
        self.upper = upper
    }
}

/// The Wilson score interval for a proportion x/n, without continuity correction.
public enum Wilson {
    /// nil when n = 0 (nothing to estimate).
    public static func interval(successes x: Int, trials n: Int, confidence: Double = 0.95) -> Interval? {
        guard n > 0, (0...n).contains(x) else { return nil }
        let z = Normal.criticalValue(confidence: confidence)
        let nd = Double(n)
        let p = Double(x) / nd
        let z2 = z * z
        let denominator = 1 + z2 / nd
        let centre = (p + z2 / (2 * nd)) / denominator
        let half = z / denominator * (p * (1 - p) / nd + z2 / (4 * nd * nd)).squareRoot()
        // The ends are exact: no successes cannot have a lower bound above 0, and so on.
        let lower = x == 0 ? 0 : max(0, centre - half)
        let upper = x == n ? 1 : min(1, centre + half)
        return Interval(estimate: p, lower: lower, upper: upper)
    }
}
