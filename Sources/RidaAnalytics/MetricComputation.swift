import Foundation
import RidaCore
import RidaStats

extension AnalysisEngine {
    /// One metric over the request's units. `statistic(fine, period)` gives a cell at the
    /// protected grain (`request.protectedDimensions`); `coarseOf[fine]` is the unit it belongs to.
    ///
    /// Small-number protection: a protected cell with fewer than `suppressBelow` responses is
    /// hidden, and every number published beside it — a unit made of several cells, the total of
    /// a period, a unit's total over the range, the comparisons — is the sum of shown cells only.
    /// A hidden cell is then part of no published sum, so no subtraction, and no system of them,
    /// can bound it (an audit by linear programming finds it unbounded above); and no cell is
    /// hidden to protect another, so no unit's trend loses a point because a different cell was
    /// small. The price is that totals leave out the responses of hidden cells; the result says
    /// how many cells that is.
    func metric(
        _ kind: MetricKind, item: ItemKey?, request: AnalysisRequest, periods: [Period], complete: Int? = nil, units: [[String?]],
        coarseOf: [Int], statistic: (Int, Int) -> Statistic
    ) -> MetricResult {
        // The leading periods that count as evidence; the rest are provisional.
        let complete = min(complete ?? periods.count, periods.count)
        let policy = request.policy
        let empty = Statistic.empty(kind, item)
        var grid = units.indices.map { _ in [Statistic](repeating: empty, count: periods.count) }
        var hiddenPart = units.indices.map { _ in [Bool](repeating: false, count: periods.count) }
        var cells = 0, hiddenCells = 0
        for fine in coarseOf.indices {
            let unit = coarseOf[fine]
            for period in periods.indices {
                let cell = statistic(fine, period)
                guard cell.n > 0 else { continue }
                cells += 1
                if policy.classify(cell.n) == .suppressed {
                    hiddenPart[unit][period] = true
                    hiddenCells += 1
                } else {
                    grid[unit][period] = grid[unit][period] + cell
                }
            }
        }
        // A unit and period is hidden when every cell of it is: otherwise it shows its shown cells.
        func hidden(_ u: Int, _ p: Int) -> Bool { grid[u][p].n == 0 && hiddenPart[u][p] }

        func point(_ statistic: Statistic, _ period: Period, hidden: Bool) -> Point {
            let estimate = hidden ? nil : statistic.estimate(confidence: request.confidence)
            return Point(
                period: period.label, n: hidden ? nil : statistic.n, value: estimate?.estimate, lower: estimate?.lower, upper: estimate?.upper,
                suppressed: hidden, secondary: false, lowNumbers: !hidden && statistic.n > 0 && policy.classify(statistic.n) == .low)
        }

        var unitSeries: [UnitSeries] = units.indices.map { u in
            let points = periods.indices.map { point(grid[u][$0], periods[$0], hidden: hidden(u, $0)) }
            return series(unit: dictionary(units[u], request.by), points: points, complete: complete, policy: policy)
        }
        // False discovery control across the units' trend tests.
        let tested = unitSeries.indices.filter { unitSeries[$0].trend != nil }
        let adjusted = BenjaminiHochberg.adjust(tested.map { unitSeries[$0].trend!.p }, q: request.falseDiscoveryRate)
        for (position, index) in tested.enumerated() {
            unitSeries[index].trend!.pAdjusted = adjusted.adjusted[position]
            let verdict = unitSeries[index].trend!.verdict
            unitSeries[index].trend!.significant = adjusted.rejected[position] && (verdict == "increasing" || verdict == "decreasing")
        }

        // All units together: the shown cells of each period.
        let totals = periods.indices.map { p in grid.reduce(empty) { $0 + $1[p] } }
        let totalPoints = periods.indices.map { p in
            point(totals[p], periods[p], hidden: totals[p].n == 0 && units.indices.contains { hiddenPart[$0][p] })
        }
        var total = series(unit: [:], points: totalPoints, complete: complete, policy: policy)
        if let trend = total.trend {
            total.trend!.pAdjusted = trend.p
            total.trend!.significant = trend.verdict == "increasing" || trend.verdict == "decreasing"
        }

        // Comparisons: over the complete periods of the range (each unit's shown cells) and in the
        // last complete period.
        let rangeStatistics = grid.map { row in row.prefix(complete).reduce(empty) { $0 + $1 } }
        let rangeHidden = units.indices.map { u in rangeStatistics[u].n == 0 && hiddenPart[u].prefix(complete).contains(true) }
        var comparison = compare(kind, scope: "range", statistics: rangeStatistics, hidden: rangeHidden, units: units, request: request)
        comparison?.through = complete > 0 ? periods[complete - 1].label : nil
        let last = max(0, complete - 1)
        let latest = compare(
            kind, scope: periods[last].label, statistics: grid.map { $0[last] }, hidden: units.indices.map { hidden($0, last) }, units: units,
            request: request)

        let metricKind: String =
            switch kind {
            case .csat, .bottom2, .cesAgree, .responseRate: "proportion"
            case .ces, .mean: "mean"
            case .nps: "nps"
            }
        return MetricResult(
            metric: kind, item: item?.item, scale: item?.scale, kind: metricKind, total: total, units: unitSeries, comparison: comparison,
            latest: latest, falseDiscoveryRate: request.falseDiscoveryRate, hiddenCells: hiddenCells, cells: cells)
    }

    func dictionary(_ unit: [String?], _ by: [AnalysisDimension]) -> [String: String?] {
        var result: [String: String?] = [:]
        for (dimension, value) in zip(by, unit) { result[dimension.rawValue] = .some(value) }
        return result
    }

    /// Trend, change points and control chart of one unit's shown points of its first
    /// `complete` periods (the others are provisional).
    func series(unit: [String: String?], points: [Point], complete: Int, policy: SmallNumbersPolicy) -> UnitSeries {
        let values: [Double?] = points.prefix(complete).map(\.value)
        let sizes: [Int?] = points.prefix(complete).map { $0.value == nil ? nil : $0.n }
        let shown = values.indices.filter { values[$0] != nil }
        let shownValues = shown.map { values[$0]! }
        var trend: TrendResult?
        if shown.count >= 3 {
            let analysis = Trend.analyse(values, sampleSizes: sizes)
            if let mk = analysis.mannKendall {
                trend = TrendResult(
                    points: mk.count, S: mk.s, varS: analysis.hamedRao?.varianceOfS ?? mk.varianceOfS, z: analysis.hamedRao?.z ?? mk.z,
                    p: analysis.p ?? mk.p, pAdjusted: analysis.p ?? mk.p, tau: mk.tau, senSlope: analysis.senSlope?.slope,
                    senLower: analysis.senSlope?.interval.lower, senUpper: analysis.senSlope?.interval.upper,
                    autocorrelationCorrected: analysis.hamedRao != nil, autocorrelationNote: analysis.autocorrelationNote,
                    verdict: analysis.verdict.rawValue, significant: false)
            }
        }
        var changePoints: [String] = []
        var cusumSignals: [String] = []
        var spc: ControlChart?
        if shownValues.count >= 6 {
            // Segment ends (exclusive) other than the last mark the first period of a new level.
            changePoints = ChangePoints.pelt(shownValues).dropLast().map { points[shown[$0]].period }
        }
        if shownValues.count > 12, let cusum = CUSUM.run(shownValues) {
            cusumSignals = cusum.alarms.map { points[shown[$0.index]].period }
        }
        if shownValues.count >= 2, let chart = XmR.chart(shownValues, baselineCount: min(shownValues.count, 20)) {
            func labels(_ indices: [Int]) -> [String] { indices.map { points[shown[$0]].period } }
            spc = ControlChart(
                mean: chart.mean, upper: chart.upperLimit, lower: chart.lowerLimit, upper2Sigma: chart.upper2Sigma, lower2Sigma: chart.lower2Sigma,
                meanMovingRange: chart.meanMovingRange, trial: chart.isTrial, baselinePoints: chart.baselineCount,
                signals: .init(
                    beyondLimits: labels(chart.signals.beyondLimits), runOf7: labels(chart.signals.runOf7),
                    trendOf7: labels(chart.signals.trendOf7), twoOfThree: labels(chart.signals.twoOfThree)))
        }
        return UnitSeries(unit: unit, series: points, trend: trend, changePoints: changePoints, cusumSignals: cusumSignals, spc: spc)
    }

    /// The funnel-plot comparison of units: exact binomial tails and over-dispersion for
    /// proportions, normal limits with the same additive over-dispersion for means and NPS.
    func compare(
        _ kind: MetricKind, scope: String, statistics: [Statistic], hidden: [Bool], units: [[String?]], request: AnalysisRequest
    ) -> Comparison? {
        // Hidden units have no shown cell (n = 0): they are listed, as hidden, and take no part.
        let present = statistics.indices.filter { statistics[$0].n > 0 }
        guard !present.isEmpty else { return nil }
        let listed = statistics.indices.filter { statistics[$0].n > 0 || hidden[$0] }
        var positionOf: [Int: Int] = [:]
        for (position, index) in present.enumerated() { positionOf[index] = position }
        let eligible = request.policy.eligibleFrom
        func hiddenEntry(_ index: Int) -> UnitComparison {
            UnitComparison(
                unit: dictionary(units[index], request.by), n: nil, value: nil, z: nil, zAdjusted: nil, flag: nil, flag95: nil, ebEstimate: nil,
                ebLower: nil, ebUpper: nil, suppressed: true)
        }
        switch statistics[present[0]] {
        case .proportion:
            let counts = present.map { index -> UnitCount in
                guard case .proportion(let x, let n) = statistics[index] else { return UnitCount(successes: 0, trials: 1) }
                return UnitCount(successes: x, trials: n)
            }
            guard let analysis = Overdispersion.analyse(counts) else { return nil }
            let shrunk = EmpiricalBayes.shrink(analysis, credibility: request.confidence)
            let entries = listed.map { index -> UnitComparison in
                guard let position = positionOf[index] else { return hiddenEntry(index) }
                let unit = analysis.units[position]
                let flagged = unit.count.trials >= eligible
                return UnitComparison(
                    unit: dictionary(units[index], request.by), n: unit.count.trials, value: unit.proportion, z: unit.z, zAdjusted: unit.zAdjusted,
                    flag: flagged ? flagName(unit.flags.level998) : nil, flag95: flagged ? flagName(unit.flags.level95) : nil,
                    ebEstimate: shrunk?.estimates[position].estimate, ebLower: shrunk?.estimates[position].lower,
                    ebUpper: shrunk?.estimates[position].upper, suppressed: false)
            }
            return Comparison(scope: scope, target: analysis.target, phi: analysis.phi, tau2: analysis.tau2, exploratory: analysis.isExploratory, units: entries)
        case .distribution, .nps:
            let pooled = present.dropFirst().reduce(statistics[present[0]]) { $0 + statistics[$1] }
            guard let target = pooled.estimate(confidence: request.confidence)?.estimate, let pooledSE = pooled.standardError, pooledSE > 0
            else { return nil }
            // s_i from the pooled spread: the unit's standard error if it were on target.
            let spread = pooledSE * Double(pooled.n).squareRoot()
            let values = present.map { statistics[$0].estimate(confidence: request.confidence)?.estimate ?? target }
            let variances = present.map { spread * spread / Double(statistics[$0].n) }
            let z = zip(values, variances).map { ($0 - target) / $1.squareRoot() }
            let exploratory = present.count < Overdispersion.minimumUnits
            var phi: Double?
            var tau2 = 0.0
            if !exploratory, let effect = Overdispersion.additiveEffect(z: z, variances: variances) {
                tau2 = effect.tau2
                phi = effect.phi
            }
            let entries = listed.map { index -> UnitComparison in
                guard let position = positionOf[index] else { return hiddenEntry(index) }
                let zAdjusted = (values[position] - target) / (variances[position] + tau2).squareRoot()
                let flagged = statistics[index].n >= eligible
                func level(_ critical: Double) -> String? {
                    guard flagged else { return nil }
                    return zAdjusted > critical ? "high" : zAdjusted < -critical ? "low" : nil
                }
                return UnitComparison(
                    unit: dictionary(units[index], request.by), n: statistics[index].n, value: values[position], z: z[position], zAdjusted: zAdjusted,
                    flag: level(Funnel.z998), flag95: exploratory ? nil : level(Funnel.z95), ebEstimate: nil, ebLower: nil, ebUpper: nil,
                    suppressed: false)
            }
            return Comparison(scope: scope, target: target, phi: phi, tau2: tau2, exploratory: exploratory, units: entries)
        }
    }

    func flagName(_ state: FlagState) -> String? {
        switch state {
        case .high: "high"
        case .low: "low"
        case .none: nil
        }
    }
}
