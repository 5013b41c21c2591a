/// How an estimate from n responses may be shown.
public enum SmallNumbersClass: String, Hashable, Sendable {
    /// Not shown at all (and may force secondary suppression).
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

/// Whether a table cell is shown.
public enum CellStatus: String, Hashable, Sendable {
    case shown
    /// Below the policy's threshold.
    case suppressed
    /// Hidden only so that a suppressed cell cannot be derived from a published total.
    case secondarilySuppressed

    public var isHidden: Bool { self != .shown }
}

/// Primary and secondary suppression of cells whose groups add up to published totals.
public enum SecondarySuppression {
    /// Statuses for `counts` (cell sample sizes) where each group of cell indices sums to a published total.
    /// A group with exactly one hidden cell also hides its smallest shown cell (the earliest on ties), repeated
    /// until no group has exactly one hidden cell that could be derived by subtraction. A group whose only hidden
    /// cell has no shown partner left (a one-cell group) cannot be protected by suppression: hide its total instead.
    public static func apply(counts: [Int], groups: [[Int]], policy: SmallNumbersPolicy = .quality) -> [CellStatus] {
        precondition(groups.allSatisfy { $0.allSatisfy(counts.indices.contains) }, "group members must be cell indices")
        var status = counts.map { policy.classify($0) == .suppressed ? CellStatus.suppressed : .shown }
        var changed = true
        while changed {
            changed = false
            for group in groups {
                let members = Array(Set(group))
                guard members.filter({ status[$0].isHidden }).count == 1 else { continue }
                let candidates = members.filter { !status[$0].isHidden }
                guard let next = candidates.min(by: { (counts[$0], $0) < (counts[$1], $1) }) else { continue }
                status[next] = .secondarilySuppressed
                changed = true
            }
        }
        return status
    }

    /// A two-way table whose rows and columns each add up to published margins.
    public static func apply(table: [[Int]], policy: SmallNumbersPolicy = .quality) -> [[CellStatus]] {
        let columns = table.first?.count ?? 0
        precondition(table.allSatisfy { $0.count == columns }, "a table needs rows of equal length")
        let counts = table.flatMap { $0 }
        let rows = table.indices.map { r in (0..<columns).map { r * columns + $0 } }
        let cols = (0..<columns).map { c in table.indices.map { $0 * columns + c } }
        let flat = apply(counts: counts, groups: rows + cols, policy: policy)
        return table.indices.map { r in Array(flat[(r * columns)..<((r + 1) * columns)]) }
    }
}
