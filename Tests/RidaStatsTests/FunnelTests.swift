import Testing

@testable import RidaStats

@Suite struct FunnelLimitTests {
    @Test(arguments: try Golden.load().funnelProportion)
    func proportionLimitsMatchTheGoldenValues(example: Golden.FunnelProportionCase) {
        let exact = Funnel.proportionLimits(target: example.target, n: example.n, method: .exact)
        expectClose(exact.ordered, example.exact, relative: Tolerance.quantile)
        let normal = Funnel.proportionLimits(target: example.target, n: example.n, method: .normal)
        expectClose(normal.ordered, example.normal, relative: Tolerance.closed)
    }

    @Test(arguments: try Golden.load().funnelMean)
    func meanLimitsMatchTheGoldenValues(example: Golden.FunnelMeanCase) {
        let limits = Funnel.meanLimits(mean: example.mean, standardDeviation: example.sd, n: example.n, scale: example.scaleMin...example.scaleMax)
        expectClose(limits.ordered, example.limits, relative: Tolerance.closed)
    }

    @Test func limitsAreClamped() {
        let small = Funnel.proportionLimits(target: 0.8, n: 4)
        #expect(small.lower998 == 0)
        #expect(Funnel.proportionLimits(target: 0.8, n: 4, method: .normal).upper95 == 1)
        #expect(Funnel.meanLimits(mean: 4.2, standardDeviation: 0.9, n: 10, scale: 1...5).upper998 == 5)
        #expect(Funnel.meanLimits(mean: 4.2, standardDeviation: 0.9, n: 10).upper998 > 5)
    }

    @Test func interpolationFollowsTheDefinition() {
        // n = 4, θ0 = .8, p = .025: F(0) = .0016, F(1) = .0272 → r = 1, α = (.0272 − .025)/.0256.
        let alpha = (0.0272 - 0.025) / 0.0256
        expectClose(Funnel.exactLimit(target: 0.8, n: 4, probability: 0.025), (1 - alpha) / 4, relative: 1e-12)
        // The limits are monotone in p.
        let limits = Funnel.proportionLimits(target: 0.3, n: 57)
        #expect(limits.lower998 < limits.lower95 && limits.lower95 < 0.3 && 0.3 < limits.upper95 && limits.upper95 < limits.upper998)
    }

    @Test func classificationUsesTheExactTailsNotTheCurve() {
        // 10/10 at θ0 = .8 lies above the interpolated 99.8% limit (.99907) but P(X ≥ 10) = .107.
        let limits = Funnel.proportionLimits(target: 0.8, n: 10)
        #expect(1.0 > limits.upper998)
        #expect(Funnel.classify(successes: 10, trials: 10, target: 0.8) == .none)
        // 0/20 at .8: P(X ≤ 0) = .2^20.
        #expect(Funnel.classify(successes: 0, trials: 20, target: 0.8) == UnitFlags(level998: .low, level95: .low))
        // 36/40 at .7: P(X ≥ 36) = .0026: high at 95% only.
        #expect(Funnel.classify(successes: 36, trials: 40, target: 0.7) == UnitFlags(level998: .none, level95: .high))
        #expect(Funnel.classify(successes: 40, trials: 40, target: 0.7) == UnitFlags(level998: .high, level95: .high))
    }
}

@Suite struct OverdispersionTests {
    @Test(arguments: try Golden.load().overdispersion)
    func matchesTheGoldenValues(example: Golden.OverdispersionCase) throws {
        let units = zip(example.x, example.n).map { UnitCount(successes: $0, trials: $1) }
        let result = try #require(Overdispersion.analyse(units))
        #expect(!result.isExploratory)
        expectClose(result.target, example.target, relative: Tolerance.closed)
        expectClose(try #require(result.winsorLower), example.winsorLower, relative: Tolerance.closed)
        expectClose(try #require(result.winsorUpper), example.winsorUpper, relative: Tolerance.closed)
        expectClose(try #require(result.phi), example.phi, relative: Tolerance.closed)
        expectClose(result.tau2, example.tau2, relative: Tolerance.closed)
        expectClose(result.units.map(\.z), example.z, relative: Tolerance.closed)
        expectClose(result.units.map(\.zAdjusted), example.zAdjusted, relative: Tolerance.closed)
        expectClose(result.units.map(\.lowerTail), example.lowerTail, relative: Tolerance.quantile)
        expectClose(result.units.map(\.upperTail), example.upperTail, relative: Tolerance.quantile)
        let flagged = result.units.indices.filter { result.units[$0].flags.level998 != .none }
        #expect(flagged == example.flags998)

        let eb = try #require(EmpiricalBayes.shrink(result))
        expectClose(eb.alpha, example.ebAlpha, relative: Tolerance.closed)
        expectClose(eb.beta, example.ebBeta, relative: Tolerance.closed)
        expectClose(eb.estimates.map(\.estimate), example.ebEstimate, relative: Tolerance.closed)
        expectClose(eb.estimates.map(\.lower), example.ebLower, relative: Tolerance.quantile)
        expectClose(eb.estimates.map(\.upper), example.ebUpper, relative: Tolerance.quantile)
    }

    @Test func smallUnitsAreNeverFlagged() throws {
        // Golden unit 1: 0/4, z_adj = −4.04 beyond −3.09, but n < 10 (and P(X ≤ 0) = .0012 > .001).
        let golden = try #require(try Golden.load().overdispersion.first)
        let units = zip(golden.x, golden.n).map { UnitCount(successes: $0, trials: $1) }
        let first = try #require(Overdispersion.analyse(units)?.units.first)
        #expect(first.zAdjusted < -Funnel.z998)
        #expect(first.flags == .none)
    }

    @Test func flagRuleNeedsAllThreeConditions() {
        let z = Funnel.z998
        #expect(Overdispersion.flag(zAdjusted: -4, lowerTail: 0.0009, upperTail: 1, eligible: true, z: z, level: 0.001) == .low)
        #expect(Overdispersion.flag(zAdjusted: -4, lowerTail: 0.0012, upperTail: 1, eligible: true, z: z, level: 0.001) == .none)
        #expect(Overdispersion.flag(zAdjusted: -3, lowerTail: 0.0001, upperTail: 1, eligible: true, z: z, level: 0.001) == .none)
        #expect(Overdispersion.flag(zAdjusted: -4, lowerTail: 0.0009, upperTail: 1, eligible: false, z: z, level: 0.001) == .none)
        #expect(Overdispersion.flag(zAdjusted: 4, lowerTail: 0.0001, upperTail: 0.5, eligible: true, z: z, level: 0.001) == .none)
        #expect(Overdispersion.flag(zAdjusted: 4, lowerTail: 1, upperTail: 0.0005, eligible: true, z: z, level: 0.001) == .high)
    }

    @Test func fewerThanTenUnitsAreExploratory() throws {
        // Nine units, one far above the rest: no τ², flags at 99.8% only.
        var units = (0..<8).map { UnitCount(successes: 70 + $0 % 3, trials: 100) }
        units.append(UnitCount(successes: 99, trials: 100))
        let result = try #require(Overdispersion.analyse(units))
        #expect(result.isExploratory)
        #expect(result.tau2 == 0 && result.phi == nil && result.winsorLower == nil)
        #expect(result.units.allSatisfy { $0.zAdjusted == $0.z })
        #expect(result.units.allSatisfy { $0.flags.level95 == .none })
        #expect(result.units.last?.flags.level998 == .high)
        #expect(result.units.dropLast().allSatisfy { $0.flags.level998 == .none })
        #expect(EmpiricalBayes.shrink(result) == nil)
    }

    @Test func withTenUnitsTheSoftLevelIsUsed() throws {
        // Ten equal-sized units, one moderately high: τ² estimated (0 after winsorising); 95% flag without a 99.8% one.
        var units = (0..<9).map { UnitCount(successes: [78, 80, 82][$0 % 3], trials: 100) }
        units.append(UnitCount(successes: 90, trials: 100))
        let result = try #require(Overdispersion.analyse(units))
        #expect(!result.isExploratory)
        let last = try #require(result.units.last)
        #expect(last.flags == UnitFlags(level998: .none, level95: .high))
    }

    @Test func noOverdispersionMeansNoShrinkage() throws {
        // Units all at the target: z = 0, φ = 0, τ² = max(0, negative) = 0.
        let units = (0..<12).map { UnitCount(successes: 8 * ($0 + 1), trials: 10 * ($0 + 1)) }
        let result = try #require(Overdispersion.analyse(units))
        #expect(result.tau2 == 0)
        #expect(result.units.allSatisfy { $0.zAdjusted == $0.z && $0.flags == .none })
        #expect(EmpiricalBayes.shrink(result) == nil)
        #expect(EmpiricalBayes.shrink(units, target: 0.8, tau2: 0) == nil)
    }

    @Test func shrinkageKeepsOrganisationalOrderAndPullsTowardsTheTarget() throws {
        let units = [UnitCount(successes: 2, trials: 20), UnitCount(successes: 19, trials: 20), UnitCount(successes: 100, trials: 200)]
        let eb = try #require(EmpiricalBayes.shrink(units, target: 0.5, tau2: 0.01))
        // M = .25/.01 − 1 = 24.
        expectClose(eb.priorSize, 24, relative: 1e-14)
        expectClose(eb.estimates[0].estimate, (2 + 12) / 44.0, relative: 1e-14)
        expectClose(eb.estimates[1].estimate, (19 + 12) / 44.0, relative: 1e-14)
        #expect(eb.estimates[0].estimate > 0.1 && eb.estimates[1].estimate < 0.95)
        for estimate in eb.estimates { #expect(estimate.lower < estimate.estimate && estimate.estimate < estimate.upper) }
        // τ² so large that the prior is improper.
        #expect(EmpiricalBayes.shrink(units, target: 0.5, tau2: 0.3) == nil)
    }

    @Test func invalidInputHasNoAnalysis() {
        #expect(Overdispersion.analyse([]) == nil)
        #expect(Overdispersion.analyse([UnitCount(successes: 0, trials: 0)]) == nil)
        #expect(Overdispersion.analyse([UnitCount(successes: 5, trials: 5), UnitCount(successes: 9, trials: 9)]) == nil)
    }
}
