/// How an estimate from n responses may be shown.
public enum SmallNumbersClass: String, Hashable, Sendable {
    /// Not shown at all, and left out of every sum that is published beside it.
    case suppressed
    /// Shown with a "low numbers" mark, never flagged.
    case low
    /// Shown and eligible for flags.
    case eligible
}

/// The small-numbers thresholds.
public struct SmallNumbersPolicy: Hashable, Sendable {
    /// n below this is suppressed.
    public var suppressBelow: Int
    /// n at or above this is eligible for flags; between the two is "low numbers".
    public var eligibleFrom: Int

    public init(suppressBelow: Int = 5, eligibleFrom: Int = 10) {
        precondition(suppressBelow <= eligibleFrom, "the suppression threshold cannot exceed the eligibility threshold")
        self.suppressBelow = suppressBelow
        self.eligibleFrom = eligibleFrom
    }

    /// Within the quality team: n < 5 suppressed, 5–9 low, ≥ 10 eligible.
    public static let quality = SmallNumbersPolicy(suppressBelow: 5, eligibleFrom: 10)
    /// Anything published outside the quality team: display threshold 10.
    public static let external = SmallNumbersPolicy(suppressBelow: 10, eligibleFrom: 10)

    public func classify(_ n: Int) -> SmallNumbersClass {
        if n < suppressBelow { return .suppressed }
        if n < eligibleFrom { return .low }
        return .eligible
    }
}
