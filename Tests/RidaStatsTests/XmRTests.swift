import Testing

@testable import RidaStats

@Suite struct XmRChartTests {
    @Test(arguments: try Golden.load().xmr)
    func matchesTheGoldenValues(example: Golden.XmRCase) throws {
        let chart = try #require(XmR.chart(example.values, screenMovingRanges: example.screened))
        expectClose(chart.mean, example.mean, relative: Tolerance.closed)
        expectClose(chart.meanMovingRange, example.meanMovingRange, relative: Tolerance.closed)
        expectClose(chart.upperLimit, example.upper, relative: Tolerance.closed)
        expectClose(chart.lowerLimit, example.lower, relative: Tolerance.closed)
        expectClose(chart.upper2Sigma, example.upper2Sigma, relative: Tolerance.closed)
        expectClose(chart.lower2Sigma, example.lower2Sigma, relative: Tolerance.closed)
        // The golden positions are 1-based.
        #expect(chart.signals.beyondLimits.map { $0 + 1 } == example.beyondLimits)
        #expect(chart.signals.runOf7.map { $0 + 1 } == example.runOf7)
        #expect(chart.signals.trendOf7.map { $0 + 1 } == example.trendOf7)
        #expect(chart.signals.twoOfThree.map { $0 + 1 } == example.twoOfThree)
        #expect(chart.isTrial == (example.values.count < 12))
    }

    @Test func screeningDropsLargeMovingRanges() throws {
        let values: [Double] = [80, 78, 81, 79, 97, 80, 77, 79, 83, 84, 83, 85, 84, 86, 85]
        let screened = try #require(XmR.chart(values, screenMovingRanges: true))
        // |97 − 79| = 18 and |80 − 97| = 17 are ≥ 3.267 × 4.214.
        #expect(screened.screenedMovingRanges == [4, 5])
        #expect(try #require(XmR.chart(values)).screenedMovingRanges.isEmpty)
    }

    @Test func tooFewPointsHaveNoChart() {
        #expect(XmR.chart([]) == nil)
        #expect(XmR.chart([5]) == nil)
        #expect(XmR.chart([5, 6, 7], baselineCount: 1) == nil)
    }

    @Test func constantSeriesHasNoSignals() throws {
        let chart = try #require(XmR.chart([Double](repeating: 4, count: 15)))
        #expect(chart.meanMovingRange == 0)
        #expect(chart.upperLimit == 4 && chart.lowerLimit == 4)
        #expect(chart.signals.all.isEmpty)
        #expect(try #require(XmR.chart([Double](repeating: 4, count: 15), screenMovingRanges: true)).meanMovingRange == 0)
    }

    @Test func lockedLimitsComeFromTheBaseline() throws {
        let stable: [Double] = [50, 52, 49, 51, 50, 48, 51, 50, 52, 49, 50, 51]
        let values = stable + [60, 61, 59]
        let locked = try #require(XmR.chart(values, baselineCount: 12))
        expectClose(locked.mean, stable.reduce(0, +) / 12, relative: 1e-14)
        #expect(locked.baselineCount == 12 && !locked.isTrial)
        #expect(locked.signals.beyondLimits == [12, 13, 14])
        // Limits from all 15 points are wider and centred higher.
        let unlocked = try #require(XmR.chart(values))
        #expect(unlocked.baselineCount == 15)
        #expect(unlocked.mean > locked.mean && unlocked.upperLimit - unlocked.mean > locked.upperLimit - locked.mean)
    }

    @Test func fewerThanTwelvePointsGiveTrialLimits() throws {
        let values: [Double] = [50, 52, 49, 51, 50, 48, 51, 50, 52, 49, 50, 51]
        #expect(try #require(XmR.chart(Array(values.prefix(11)))).isTrial)
        #expect(try #require(XmR.chart(values, baselineCount: 8)).isTrial)
        #expect(try #require(XmR.chart(values)).isTrial == false)
    }
}

/// The rules against fixed limits: mean 0, 2σ band ±2, limits ±3.
@Suite struct XmRRuleTests {
    func signals(_ values: [Double]) -> XmRSignals {
        XmR.signals(values, mean: 0, lowerLimit: -3, upperLimit: 3, lower2Sigma: -2, upper2Sigma: 2)
    }

    @Test func beyondALimit() {
        #expect(signals([0, 3.5, 0, -3.01, 3]).beyondLimits == [1, 3])
        #expect(signals([2.99, -3, 3, -2.5]).beyondLimits.isEmpty)
    }

    @Test func runOfSevenOnOneSide() {
        #expect(signals([-1, 1, 1, 1, 1, 1, 1, 1, -1]).runOf7 == Array(1...7))
        #expect(signals([Double](repeating: -0.5, count: 8)).runOf7 == Array(0...7))
        // A point on the mean breaks the run; six in a row is not enough.
        #expect(signals([1, 1, 1, 0, 1, 1, 1, 1]).runOf7.isEmpty)
        #expect(signals([1, 1, 1, 1, 1, 1, -1, 1]).runOf7.isEmpty)
    }

    @Test func trendOfSevenPoints() {
        // Six rising moves with one equal pair in between: 8 points, all marked.
        #expect(signals([-0.4, -0.3, -0.2, -0.2, -0.1, 0.1, 0.2, 0.3, 0.1]).trendOf7 == Array(0...7))
        // Decreasing trends count.
        #expect(signals([0.3, 0.2, 0.1, -0.1, -0.2, -0.3, -0.4]).trendOf7 == Array(0...6))
        // Seven points with an equal pair are only five moves.
        #expect(signals([-0.4, -0.3, -0.2, -0.2, -0.1, 0.1, 0.2]).trendOf7.isEmpty)
        // Six points, five moves.
        #expect(signals([0.3, 0.2, 0.1, -0.1, -0.2, -0.3]).trendOf7.isEmpty)
        // A reversal breaks the trend.
        #expect(signals([-0.4, -0.3, -0.2, -0.25, -0.1, 0.1, 0.2, 0.3]).trendOf7.isEmpty)
    }

    @Test func twoOfThreeBeyondTwoSigma() {
        // Only the points beyond 2σ are marked.
        #expect(signals([0.5, 2.5, 1, 2.2, 0.5]).twoOfThree == [1, 3])
        #expect(signals([-2.5, -2.1, -1]).twoOfThree == [0, 1])
        // All three must be on the same side of the mean.
        #expect(signals([2.5, -1, 2.2]).twoOfThree.isEmpty)
        // A point beyond the limit is rule 1, not rule 4.
        #expect(signals([2.5, 1, 3.5]).twoOfThree.isEmpty)
        // Opposite sides of the band.
        #expect(signals([2.5, -2.5, 2.5]).twoOfThree.isEmpty)
        #expect(signals([2.5, 1.9]).twoOfThree.isEmpty)
    }

    @Test func allCollectsEveryRule() {
        let result = signals([0.5, 2.5, 1, 2.2, 0.5, 3.5])
        #expect(result.all == [1, 3, 5])
    }
}

@Suite struct LaneyTests {
    @Test func matchesAReferenceComputation() throws {
        // numpy: p̄ = 256/810, MR̄(z) = 0.30284, σ_z = 0.26847.
        let periods = zip([30, 45, 28, 60, 52, 41], [100, 150, 90, 180, 160, 130]).map { UnitCount(successes: $0, trials: $1) }
        let chart = try #require(LaneyPPrime.chart(periods))
        expectClose(chart.centre, 0.3160493827160494, relative: Tolerance.closed)
        expectClose(chart.meanMovingRangeZ, 0.3028357141408679, relative: Tolerance.closed)
        expectClose(chart.sigmaZ, 0.2684713777844574, relative: Tolerance.closed)
        expectClose(
            chart.points.map(\.lowerLimit),
            [0.2786030671843363, 0.28547459411606485, 0.2765775003621985, 0.28813854703744385, 0.28644547095066125, 0.28320679138545907],
            relative: Tolerance.closed)
        expectClose(
            chart.points.map(\.upperLimit),
            [0.35349569824776245, 0.3466241713160339, 0.3555212650699002, 0.3439602183946549, 0.3456532944814375, 0.3488919740466397],
            relative: Tolerance.closed)
        // 60/180 = .333 is inside; no period signals.
        #expect(chart.beyondLimits.isEmpty)
    }

    @Test func flagsAPeriodOutsideItsLimits() throws {
        var periods = (0..<10).map { UnitCount(successes: [30, 32, 29, 31][$0 % 4], trials: 100) }
        periods.append(UnitCount(successes: 60, trials: 100))
        let chart = try #require(LaneyPPrime.chart(periods))
        #expect(chart.beyondLimits == [10])
    }

    @Test func invalidInputHasNoChart() {
        #expect(LaneyPPrime.chart([UnitCount(successes: 3, trials: 10)]) == nil)
        #expect(LaneyPPrime.chart([UnitCount(successes: 3, trials: 10), UnitCount(successes: 0, trials: 0)]) == nil)
        #expect(LaneyPPrime.chart([UnitCount(successes: 0, trials: 10), UnitCount(successes: 0, trials: 10)]) == nil)
    }
}
