/// Small descriptive helpers shared by the methods.
public enum Descriptive {
    /// The arithmetic mean; nil for no values.
    public static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }

    /// The median (mean of the two middle values for an even count); nil for no values.
    public static func median(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The type-7 sample quantile (numpy's default): h = (n − 1)p, linear between order statistics.
    public static func quantile(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty, (0...1).contains(p) else { return nil }
        let sorted = values.sorted()
        let h = Double(sorted.count - 1) * p
        let below = Int(h.rounded(.down))
        guard below + 1 < sorted.count else { return sorted[sorted.count - 1] }
        return sorted[below] + (h - Double(below)) * (sorted[below + 1] - sorted[below])
    }

    /// Ranks 1…n, ties given the average of the ranks they span.
    public static func averageRanks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && values[order[end + 1]] == values[order[start]] { end += 1 }
            let rank = Double(start + end) / 2 + 1
            for k in start...end { ranks[order[k]] = rank }
            start = end + 1
        }
        return ranks
    }

    /// The moving ranges |x_t − x_{t−1}|, one fewer than the values.
    public static func movingRanges(_ values: [Double]) -> [Double] {
        zip(values.dropFirst(), values).map { abs($0 - $1) }
    }
}
