import Foundation
import Testing

@testable import RidaStats

@Suite struct SpecialFunctionTests {
    @Test func logGammaMatchesFactorials() {
        expectClose(SpecialFunctions.logGamma(1), 0, relative: 1e-15)
        expectClose(SpecialFunctions.logGamma(11), (1...10).reduce(0.0) { $0 + log(Double($1)) }, relative: 1e-14)
        expectClose(SpecialFunctions.logGamma(0.5), 0.5 * log(Double.pi), relative: 1e-14)
    }

    @Test func incompleteBetaHasKnownValues() {
        // I_½(2, 3) = 11/16; I_x(1, 1) = x; I_x(a, 1) = x^a.
        expectClose(SpecialFunctions.regularizedIncompleteBeta(0.5, a: 2, b: 3), 11.0 / 16, relative: 1e-14)
        expectClose(SpecialFunctions.regularizedIncompleteBeta(0.37, a: 1, b: 1), 0.37, relative: 1e-14)
        expectClose(SpecialFunctions.regularizedIncompleteBeta(0.9, a: 7.5, b: 1), pow(0.9, 7.5), relative: 1e-13)
        #expect(SpecialFunctions.regularizedIncompleteBeta(0, a: 2, b: 3) == 0)
        #expect(SpecialFunctions.regularizedIncompleteBeta(1, a: 2, b: 3) == 1)
    }

    @Test(arguments: [(0.1, 2.0, 30.0), (0.8, 0.5, 0.5), (0.3, 200.0, 400.0), (0.99, 3.0, 0.7)])
    func incompleteBetaIsSymmetric(x: Double, a: Double, b: Double) {
        let sum = SpecialFunctions.regularizedIncompleteBeta(x, a: a, b: b) + SpecialFunctions.regularizedIncompleteBeta(1 - x, a: b, b: a)
        expectClose(sum, 1, relative: 1e-13)
    }
}

@Suite struct StudentTTests {
    @Test func knownQuantiles() {
        // 2.2281388519862747 by 40-digit mpmath root finding (scipy agrees). The brief's 2.2281388519649385 is
        // 2.1e-11 lower: within the specification's 1e-6 for quantiles, not within 1e-12.
        expectClose(StudentT.quantile(0.975, degreesOfFreedom: 10), 2.2281388519862747, relative: 1e-14)
        expectClose(StudentT.quantile(0.975, degreesOfFreedom: 10), 2.2281388519649385, relative: Tolerance.quantile)
        // t(1) is Cauchy: tan(π(p − ½)).
        expectClose(StudentT.quantile(0.95, degreesOfFreedom: 1), tan(Double.pi * 0.45), relative: 1e-12)
        // scipy.stats.t.ppf
        expectClose(StudentT.quantile(0.995, degreesOfFreedom: 30), 2.7499956535672254, relative: Tolerance.quantile)
        expectClose(StudentT.quantile(0.999, degreesOfFreedom: 2.5), 13.82219311086596, relative: Tolerance.quantile)
        expectClose(StudentT.quantile(0.01, degreesOfFreedom: 4), -3.746947387979197, relative: Tolerance.quantile)
        expectClose(StudentT.quantile(1e-10, degreesOfFreedom: 3), -2225.769284683093, relative: Tolerance.quantile)
        #expect(StudentT.quantile(0.5, degreesOfFreedom: 7) == 0)
        // Large and fractional ν, where the Newton steps start from the Cornish–Fisher expansion.
        expectClose(StudentT.quantile(0.975, degreesOfFreedom: 200), 1.9718962236339088, relative: 1e-12)
        expectClose(StudentT.quantile(0.975, degreesOfFreedom: 1000), 1.9623390808264083, relative: 1e-12)
        expectClose(StudentT.quantile(0.995, degreesOfFreedom: 12), 3.0545395893929013, relative: 1e-12)
        expectClose(StudentT.quantile(0.95, degreesOfFreedom: 7.5), 1.8757474792112878, relative: 1e-12)
    }

    @Test func theStartingPointIsCloseForLargeDegreesOfFreedom() {
        // Within 1e-5 at ν = 10 and 1e-6 from ν = 30, so the exact steps have little left to do.
        for (nu, tolerance) in [(10.0, 1e-5), (30, 1e-6), (100, 1e-6), (1000, 1e-6)] {
            expectClose(
                StudentT.cornishFisherStart(0.025, degreesOfFreedom: nu), StudentT.quantile(0.975, degreesOfFreedom: nu), relative: tolerance)
        }
    }

    @Test func knownDistributionFunctionValues() {
        expectClose(StudentT.cdf(-3.2, degreesOfFreedom: 7), 0.0075329056712446505, relative: Tolerance.quantile)
        expectClose(StudentT.cdf(1.5, degreesOfFreedom: 200), 0.9324043393864826, relative: Tolerance.quantile)
        #expect(StudentT.cdf(0, degreesOfFreedom: 3) == 0.5)
        // t(2): F(t) = ½ + t/(2√(2 + t²)).
        expectClose(StudentT.cdf(1.3, degreesOfFreedom: 2), 0.5 + 1.3 / (2 * (2 + 1.69).squareRoot()), relative: 1e-13)
    }

    @Test(arguments: [1.0, 2.0, 4.5, 14.0, 120.0], [0.001, 0.2, 0.6, 0.975, 0.9999])
    func quantileInvertsTheDistributionFunction(nu: Double, p: Double) {
        expectClose(StudentT.cdf(StudentT.quantile(p, degreesOfFreedom: nu), degreesOfFreedom: nu), p, relative: 1e-12)
    }

    @Test func approachesTheNormalForLargeDegreesOfFreedom() {
        expectClose(StudentT.quantile(0.975, degreesOfFreedom: 1e7), 1.959963984540054, relative: 1e-6)
    }
}

@Suite struct BinomialTests {
    @Test func knownValues() {
        expectClose(Binomial.cdf(3, trials: 10, probability: 0.5), 176.0 / 1024, relative: 1e-14)
        expectClose(Binomial.pmf(10, trials: 10, probability: 0.8), pow(0.8, 10), relative: 1e-13)
        // The specification's example: P(X ≥ 10) = .107 for 10/10 at θ0 = .8.
        expectClose(Binomial.upperTail(10, trials: 10, probability: 0.8), 0.1073741824, relative: 1e-13)
        // scipy.stats.binom
        expectClose(Binomial.cdf(40, trials: 100, probability: 0.5), 0.028443966820490444, relative: Tolerance.quantile)
        expectClose(Binomial.upperTail(60, trials: 100, probability: 0.5), 0.028443966820490444, relative: Tolerance.quantile)
        expectClose(Binomial.cdf(1400, trials: 3000, probability: 0.5), 0.00013928198051961683, relative: Tolerance.quantile)
        expectClose(Binomial.upperTail(2900, trials: 3000, probability: 0.95), 5.7627290121843556e-06, relative: Tolerance.quantile)
    }

    @Test(arguments: [(1, 0.3), (12, 0.8138), (250, 0.02), (999, 0.5)])
    func massSumsToOneAndTailsAreComplementary(n: Int, p: Double) {
        let total = (0...n).reduce(0.0) { $0 + Binomial.pmf($1, trials: n, probability: p) }
        expectClose(total, 1, relative: 1e-12)
        for k in stride(from: 0, through: n, by: max(1, n / 7)) {
            expectClose(Binomial.cdf(k, trials: n, probability: p) + Binomial.upperTail(k + 1, trials: n, probability: p), 1, relative: 1e-12)
            let tailSum = (k...n).reduce(0.0) { $0 + Binomial.pmf($1, trials: n, probability: p) }
            expectClose(Binomial.upperTail(k, trials: n, probability: p), tailSum, relative: 1e-12)
        }
    }

    @Test func incompleteBetaPathAgreesWithSummation() {
        // Above the summation limit the tails come from I_x(a, b); compare with explicit sums.
        let n = 2500
        let p = 0.31
        for k in [700, 760, 775, 800, 850] {
            let lower = (0...k).reduce(0.0) { $0 + Binomial.pmf($1, trials: n, probability: p) }
            let upper = (k...n).reduce(0.0) { $0 + Binomial.pmf($1, trials: n, probability: p) }
            expectClose(Binomial.cdf(k, trials: n, probability: p), lower, relative: 1e-10)
            expectClose(Binomial.upperTail(k, trials: n, probability: p), upper, relative: 1e-10)
        }
    }

    @Test func edgesAreExact() {
        #expect(Binomial.cdf(-1, trials: 5, probability: 0.4) == 0)
        #expect(Binomial.cdf(5, trials: 5, probability: 0.4) == 1)
        #expect(Binomial.upperTail(0, trials: 5, probability: 0.4) == 1)
        #expect(Binomial.upperTail(6, trials: 5, probability: 0.4) == 0)
        #expect(Binomial.pmf(0, trials: 5, probability: 0) == 1)
        #expect(Binomial.pmf(5, trials: 5, probability: 1) == 1)
        #expect(Binomial.pmf(0, trials: 0, probability: 0.3) == 1)
    }
}

@Suite struct BetaDistributionTests {
    @Test func knownValues() {
        // scipy.stats.beta
        expectClose(BetaDistribution.quantile(0.025, a: 2.5, b: 7.1), 0.05176711699223658, relative: Tolerance.quantile)
        expectClose(BetaDistribution.quantile(0.999, a: 30, b: 0.5), 0.9999999736009803, relative: Tolerance.quantile)
        expectClose(BetaDistribution.quantile(1e-8, a: 0.3, b: 4), 4.1041233706948925e-28, relative: Tolerance.quantile)
        expectClose(BetaDistribution.cdf(0.3, a: 2.5, b: 7.1), 0.6490225790210132, relative: Tolerance.quantile)
        // Beta(1, 1) is uniform.
        expectClose(BetaDistribution.quantile(0.3, a: 1, b: 1), 0.3, relative: 1e-13)
    }

    @Test(arguments: [(0.5, 0.5), (2.0, 3.0), (43.9, 10.0), (256.0, 50.0), (0.2, 9.0)], [1e-6, 0.025, 0.5, 0.975, 0.999])
    func quantileInvertsTheDistributionFunction(shape: (Double, Double), p: Double) {
        let (a, b) = shape
        let x = BetaDistribution.quantile(p, a: a, b: b)
        #expect(x > 0 && x < 1)
        expectClose(BetaDistribution.cdf(x, a: a, b: b), p, relative: 1e-10)
    }

    @Test func quantileEndsAreTheSupport() {
        #expect(BetaDistribution.quantile(0, a: 2, b: 2) == 0)
        #expect(BetaDistribution.quantile(1, a: 2, b: 2) == 1)
        expectClose(BetaDistribution.quantile(0.5, a: 2, b: 2), 0.5, relative: 1e-14)
    }
}
