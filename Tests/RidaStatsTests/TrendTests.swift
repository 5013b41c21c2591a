import Foundation
import Testing

@testable import RidaStats

@Suite struct MannKendallTests {
    @Test(arguments: try Golden.load().mannKendall)
    func matchesTheGoldenValues(example: Golden.MannKendallCase) throws {
        let series = example.values.map { Optional($0) }
        let mk = try #require(MannKendall.test(series))
        #expect(mk.s == Int(example.s))
        #expect(mk.count == example.values.count)
        expectClose(mk.varianceOfS, example.varS, relative: Tolerance.closed)
        expectClose(mk.z, example.z, relative: Tolerance.closed)
        expectClose(mk.p, example.p, relative: Tolerance.closed)
        expectClose(mk.tau, example.tau, relative: Tolerance.closed)

        let sen = try #require(SenSlope.estimate(series))
        expectClose(sen.slope, example.senSlope, relative: Tolerance.closed)
        expectClose(sen.intercept, example.intercept, relative: Tolerance.closed)
        expectClose(sen.interval.lower, example.senLower, relative: Tolerance.closed)
        expectClose(sen.interval.upper, example.senUpper, relative: Tolerance.closed)

        #expect(Trend.analyse(series).verdict.rawValue == example.trend)
    }

    @Test func fewerThanTwoPointsHaveNoTest() {
        #expect(MannKendall.test([]) == nil)
        #expect(MannKendall.test([4.0]) == nil)
        #expect(MannKendall.test([nil, 4.0, nil]) == nil)
        #expect(SenSlope.estimate([4.0]) == nil)
        let analysis = Trend.analyse([])
        #expect(analysis.verdict == .insufficientData)
        #expect(analysis.mannKendall == nil && analysis.senSlope == nil && analysis.p == nil)
    }

    @Test func constantSeriesHasNoTrend() throws {
        let series = [Double?](repeating: 80, count: 12)
        let mk = try #require(MannKendall.test(series))
        #expect(mk.s == 0)
        #expect(mk.varianceOfS == 0)
        #expect(mk.z == 0)
        #expect(mk.p == 1)
        let sen = try #require(SenSlope.estimate(series))
        #expect(sen.slope == 0 && sen.interval.lower == 0 && sen.interval.upper == 0)
        #expect(sen.intercept == 80)
        #expect(Trend.analyse(series).verdict == .noTrend)
    }

    @Test func tieGroupsReduceTheVariance() throws {
        // n = 4: 4·3·13/18 = 8.667 without ties; two pairs remove 2·(2·1·9)/18 = 2.
        let mk = try #require(MannKendall.test([1, 1, 2, 2]))
        #expect(mk.s == 4)
        expectClose(mk.varianceOfS, 120.0 / 18, relative: 1e-15)
        expectClose(mk.z, 3 / (120.0 / 18).squareRoot(), relative: 1e-15)
        let untied = try #require(MannKendall.test([1, 2, 3, 4]))
        expectClose(untied.varianceOfS, 156.0 / 18, relative: 1e-15)
        #expect(untied.tau == 1)
    }

    @Test func senUsesTheOriginalPeriodPositions() throws {
        // Compressing the gaps would give a slope of 2 per period.
        let sen = try #require(SenSlope.estimate([0, nil, 2, nil, 4]))
        #expect(sen.slope == 1)
        #expect(sen.intercept == 0)
        let mk = try #require(MannKendall.test([0, nil, 2, nil, 4]))
        #expect(mk.count == 3 && mk.s == 3)
    }

    @Test func senRanksRoundHalfToEvenAndAreClamped() {
        // N = 10, C = 3: (10 − 3)/2 = 3.5 → 4, (10 + 3)/2 + 1 = 7.5 → 8.
        #expect(SenSlope.confidenceRanks(slopeCount: 10, c: 3) == (4, 8))
        // C = 5: 2.5 → 2, 8.5 → 8.
        #expect(SenSlope.confidenceRanks(slopeCount: 10, c: 5) == (2, 8))
        #expect(SenSlope.confidenceRanks(slopeCount: 10, c: 100) == (1, 10))
        #expect(SenSlope.confidenceRanks(slopeCount: 1, c: 0) == (1, 1))
    }

    @Test func trendNeedsTheSenIntervalToExcludeZero() throws {
        // 8 zeros then 8 ones: S = 64, p ≈ .001, but 56 of the 120 slopes are 0, so the interval includes 0.
        let series = [Double?](repeating: 0, count: 8) + [Double?](repeating: 1, count: 8)
        let analysis = Trend.analyse(series)
        let mk = try #require(analysis.mannKendall)
        #expect(mk.s == 64)
        #expect(mk.p < 0.05)
        #expect(try #require(analysis.senSlope).interval.lower == 0)
        #expect(analysis.verdict == .noTrend)
    }

    @Test func decreasingAndIncreasingVerdicts() {
        let up = (0..<12).map { Double?(Double($0) + ($0 % 2 == 0 ? 0.3 : 0)) }
        #expect(Trend.analyse(up).verdict == .increasing)
        #expect(Trend.analyse(Array(up.reversed())).verdict == .decreasing)
    }
}

@Suite struct MinimumSeriesTests {
    let rising = (0..<12).map { Double?(Double($0)) }

    @Test func twelvePointsEachWithTenResponses() {
        #expect(Trend.hasMinimumSeries(sampleSizes: Array(repeating: 10, count: 12)))
        #expect(!Trend.hasMinimumSeries(sampleSizes: Array(repeating: 10, count: 11)))
        #expect(!Trend.hasMinimumSeries(sampleSizes: Array(repeating: 10, count: 11) + [9]))
        #expect(!Trend.hasMinimumSeries(sampleSizes: Array(repeating: 40, count: 11) + [nil]))
        #expect(Trend.hasMinimumSeries(sampleSizes: Array(repeating: 40, count: 12) + [nil]))
    }

    @Test func insufficientSeriesGetNoVerdictEvenWhenSignificant() {
        #expect(Trend.analyse(rising, sampleSizes: Array(repeating: 30, count: 12)).verdict == .increasing)
        let thin = Trend.analyse(rising, sampleSizes: Array(repeating: 30, count: 11) + [6])
        #expect(thin.verdict == .insufficientData)
        #expect(thin.mannKendall?.s == 66)
        #expect(Trend.analyse(Array(rising.prefix(11))).verdict == .insufficientData)
        #expect(Trend.analyse(rising + [nil]).verdict == .increasing)
        #expect(Trend.analyse([nil] + Array(rising.dropFirst())).verdict == .insufficientData)
    }
}

@Suite struct HamedRaoTests {
    @Test(arguments: try Golden.load().hamedRao)
    func matchesTheGoldenValues(example: Golden.HamedRaoCase) throws {
        let series = example.values.map { Optional($0) }
        let result = try #require(HamedRao.test(series, maxLag: example.lag))
        expectClose(result.varianceOfS, example.varS, relative: Tolerance.closed)
        expectClose(result.z, example.z, relative: Tolerance.closed)
        expectClose(result.p, example.p, relative: Tolerance.closed)
        // Only ρ1 = 0.5998 exceeds 1.96/√24 = 0.4001; ρ2 = 0.364 and ρ3 = 0.143 do not.
        #expect(result.keptLags == [1])
        expectClose(result.autocorrelations[0], 0.59978261, relative: 1e-7)
        let analysis = Trend.analyse(series)
        #expect(analysis.hamedRao == result)
        #expect(analysis.p == result.p)
    }

    @Test func appliedOnlyFromTwentyFourPoints() {
        let series = (0..<23).map { Double?(sin(Double($0)) + Double($0) / 10) }
        #expect(HamedRao.test(series) == nil)
        #expect(Trend.analyse(series).hamedRao == nil)
        #expect(HamedRao.test(series + [3]) != nil)
    }

    @Test func factorIsClampedToOne() throws {
        // An alternating series around a trend: strongly negative ρ1, raw factor below 1.
        let series = (0..<30).map { Double?(Double($0) + ($0 % 2 == 0 ? 4 : -4)) }
        let result = try #require(HamedRao.test(series))
        #expect(result.autocorrelations[0] < -result.bound)
        #expect(result.keptLags.contains(1))
        #expect(result.rawFactor < 1)
        #expect(result.factor == 1)
        #expect(result.varianceOfS == MannKendall.test(series)?.varianceOfS)
    }

    @Test func allTiesKeepTheUncorrectedVariance() throws {
        let result = try #require(HamedRao.test([Double?](repeating: 5, count: 24)))
        #expect(result.autocorrelations == [0, 0, 0])
        #expect(result.factor == 1 && result.z == 0 && result.p == 1)
    }

    @Test func shortSeriesGetANoteInsteadOfACorrection() {
        // Golden Mann–Kendall case 1: ρ1 = −0.682 beyond 1.96/√12 = 0.566.
        let golden: [Double?] = [78, 80, 80, 79, 82, 81, 83, 83, 82, 85, 84, 86]
        let analysis = Trend.analyse(golden)
        #expect(analysis.autocorrelationNote)
        #expect(analysis.hamedRao == nil)
        #expect(analysis.verdict == .increasing)
        // ρ1 = 0.755 for a slow wave of 16 points.
        let wave: [Double?] = (0..<16).map { sin(2 * Double.pi * Double($0) / 12) }
        #expect(Trend.analyse(wave).autocorrelationNote)
        // ρ1 = −0.253 is within the bound.
        #expect(!Trend.analyse([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8]).autocorrelationNote)
        // Below 12 points nothing is said.
        #expect(!Trend.analyse(Array(golden.prefix(11))).autocorrelationNote)
    }
}

@Suite struct BenjaminiHochbergTests {
    @Test func knownExample() {
        // Sorted: .005, .011, .02, .04, .13 → ×5/rank: .025, .0275, .0333, .05, .13.
        let result = BenjaminiHochberg.adjust([0.04, 0.005, 0.13, 0.011, 0.02])
        expectClose(result.adjusted, [0.05, 0.025, 0.13, 0.0275, 0.02 * 5 / 3], relative: 1e-14)
        #expect(result.q == 0.10)
        #expect(result.rejected == [true, true, false, true, true])
        // At q = .03 the step-up rule stops at rank 2 (.02 > 3·.03/5).
        #expect(BenjaminiHochberg.adjust([0.04, 0.005, 0.13, 0.011, 0.02], q: 0.03).rejected == [false, true, false, true, false])
    }

    @Test func adjustedValuesAreMonotoneAndCapped() {
        let result = BenjaminiHochberg.adjust([0.9, 0.01, 0.8, 0.012])
        // .012·4/2 = .024 < .01·4/1 = .04, so the smallest takes .024.
        expectClose(result.adjusted, [0.9, 0.024, 0.9, 0.024], relative: 1e-14)
        #expect(BenjaminiHochberg.adjust([0.7, 0.9]).adjusted == [0.9, 0.9])
        #expect(BenjaminiHochberg.adjust([]).adjusted.isEmpty)
    }
}
