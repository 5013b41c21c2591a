import Foundation
import Testing

@testable import RidaStats

@Suite struct NormalTests {
    @Test func criticalValuesMatchTheStatedConstants() {
        expectClose(Normal.criticalValue(confidence: 0.95), 1.959963984540054, relative: 1e-15)
        expectClose(Normal.criticalValue(confidence: 0.998), 3.090232306167813, relative: 1e-15)
    }

    @Test(arguments: [1e-12, 0.001, 0.02, 0.3, 0.5, 0.77, 0.975, 0.999999])
    func quantileInvertsTheDistributionFunction(p: Double) {
        expectClose(Normal.cdf(Normal.quantile(p)), p, relative: 1e-12)
    }

    @Test func distributionFunctionIsSymmetric() {
        #expect(Normal.cdf(0) == 0.5)
        expectClose(Normal.cdf(-1.959963984540054), 0.025, relative: 1e-12)
        expectClose(Normal.cdf(1.959963984540054), 0.975, relative: 1e-12)
    }
}

@Suite struct WilsonTests {
    @Test func matchesTheGoldenValues() throws {
        let golden = try Golden.load()
        #expect(!golden.wilson.isEmpty)
        for example in golden.wilson {
            let interval = try #require(Wilson.interval(successes: example.x, trials: example.n, confidence: example.confidence))
            expectClose(interval.lower, example.lower, relative: 1e-9)
            expectClose(interval.upper, example.upper, relative: 1e-9)
        }
    }

    @Test func endsAreExact() throws {
        let none = try #require(Wilson.interval(successes: 0, trials: 7))
        #expect(none.lower == 0 && none.estimate == 0)
        let all = try #require(Wilson.interval(successes: 7, trials: 7))
        #expect(all.upper == 1 && all.estimate == 1)
    }

    @Test func nothingToEstimateWithoutObservations() {
        #expect(Wilson.interval(successes: 0, trials: 0) == nil)
        #expect(Wilson.interval(successes: 3, trials: 2) == nil)
    }
}

@Suite struct MeanIntervalTests {
    @Test(arguments: try Golden.load().meanCI)
    func matchesTheGoldenValues(example: Golden.MeanCase) throws {
        let summary = try #require(MeanInterval.studentT(example.values, confidence: example.confidence, scale: 1...5))
        #expect(summary.count == example.values.count)
        expectClose(summary.mean, example.mean, relative: Tolerance.closed)
        expectClose(try #require(summary.standardDeviation), example.sd, relative: Tolerance.closed)
        let interval = try #require(summary.interval)
        expectClose(interval.lower, example.lower, relative: Tolerance.quantile)
        expectClose(interval.upper, example.upper, relative: Tolerance.quantile)
    }

    @Test func noValuesNoSummary() {
        #expect(MeanInterval.studentT([]) == nil)
    }

    @Test func oneValueHasAMeanButNoInterval() throws {
        let summary = try #require(MeanInterval.studentT([4]))
        #expect(summary.mean == 4)
        #expect(summary.standardDeviation == nil)
        #expect(summary.interval == nil)
        #expect(MeanInterval.interval(mean: 4, standardDeviation: 1, count: 1) == nil)
    }

    @Test func intervalIsClampedToTheScale() throws {
        // 5, 5, 4 on 1–5: x̄ = 4.667, s = 0.577, t(2) = 4.303 → unclamped 3.232…6.101.
        let unclamped = try #require(MeanInterval.studentT([5, 5, 4]).flatMap(\.interval))
        #expect(unclamped.upper > 6)
        let clamped = try #require(MeanInterval.studentT([5, 5, 4], scale: 1...5).flatMap(\.interval))
        #expect(clamped.upper == 5)
        expectClose(clamped.lower, unclamped.lower, relative: 1e-15)
    }

    @Test func constantValuesGiveAZeroWidthInterval() throws {
        let interval = try #require(MeanInterval.studentT([3, 3, 3, 3]).flatMap(\.interval))
        #expect(interval.lower == 3 && interval.upper == 3)
    }
}

@Suite struct NPSTests {
    @Test(arguments: try Golden.load().nps)
    func matchesTheGoldenValues(example: Golden.NPSCase) throws {
        let summary = try #require(NPS.summary(promoters: example.promoters, passives: example.passives, detractors: example.detractors))
        expectClose(summary.score, example.nps, relative: Tolerance.closed)
        expectClose(summary.standardError, example.se, relative: Tolerance.closed)
        expectClose(summary.interval.lower, example.adjustedWaldLower, relative: Tolerance.closed)
        expectClose(summary.interval.upper, example.adjustedWaldUpper, relative: Tolerance.closed)
        #expect(summary.interval.estimate == summary.score)
    }

    @Test func intervalIsClampedToTheScale() throws {
        let allDetractors = try #require(NPS.summary(promoters: 0, passives: 0, detractors: 7))
        #expect(allDetractors.interval.lower == -100)
        let allPromoters = try #require(NPS.summary(promoters: 2, passives: 0, detractors: 0))
        #expect(allPromoters.interval.upper == 100)
        #expect(allPromoters.score == 100)
    }

    @Test func noResponsesNoScore() {
        #expect(NPS.summary(promoters: 0, passives: 0, detractors: 0) == nil)
    }

    @Test func ratingsFallIntoTheirCategories() {
        #expect((0...6).allSatisfy { NPS.category(rating: $0) == .detractor })
        #expect(NPS.category(rating: 7) == .passive && NPS.category(rating: 8) == .passive)
        #expect(NPS.category(rating: 9) == .promoter && NPS.category(rating: 10) == .promoter)
        #expect(NPS.category(rating: 11) == nil && NPS.category(rating: -1) == nil)
    }
}
