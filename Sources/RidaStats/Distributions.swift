#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Student's t distribution with ν degrees of freedom (ν > 0, not necessarily whole).
public enum StudentT {
    /// The density at t.
    public static func pdf(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        precondition(nu > 0, "Student t needs ν > 0")
        let logDensity =
            SpecialFunctions.logGamma((nu + 1) / 2) - SpecialFunctions.logGamma(nu / 2) - 0.5 * log(nu * Double.pi)
            - (nu + 1) / 2 * log1p(t * t / nu)
        return exp(logDensity)
    }

    /// P(T ≤ t).
    public static func cdf(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        let tail = upperTail(abs(t), degreesOfFreedom: nu)
        return t >= 0 ? 1 - tail : tail
    }

    /// P(T > t) for t ≥ 0, computed directly (no 1 − cdf cancellation):
    /// ½·I_{ν/(ν+t²)}(ν/2, ½).
    static func upperTail(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        precondition(nu > 0, "Student t needs ν > 0")
        let t2 = t * t
        let x = nu / (nu + t2)
        let y = t2 / (nu + t2)
        return 0.5 * SpecialFunctions.incompleteBeta(x: x, y: y, a: nu / 2, b: 0.5)
    }

    /// The p-quantile, by Newton steps safeguarded with bisection; e.g. quantile(0.975, 10) = 2.2281388519649385.
    public static func quantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
        precondition(p > 0 && p < 1, "a t quantile needs 0 < p < 1")
        precondition(nu > 0, "Student t needs ν > 0")
        if p == 0.5 { return 0 }
        let tail = p < 0.5 ? p : 1 - p
        var upper = max(1, abs(Normal.quantile(tail)) * 2)
        while upperTail(upper, degreesOfFreedom: nu) > tail, upper < .greatestFiniteMagnitude / 4 { upper *= 2 }
        let t = solveMonotone(
            lower: 0, upper: upper, start: cornishFisherStart(tail, degreesOfFreedom: nu), increasing: false,
            function: { upperTail($0, degreesOfFreedom: nu) - tail },
            derivative: { -pdf($0, degreesOfFreedom: nu) })
        return p < 0.5 ? -t : t
    }

    /// A starting point for the Newton steps: the Cornish–Fisher expansion of the upper-tail
    /// quantile in powers of 1/ν around the normal one (Abramowitz & Stegun 26.7.5). It is within
    /// 1e-5 at ν = 10 and 1e-6 from ν = 30, so one or two steps finish the job; below that it is
    /// still a fair start, and the bracketed steps make the result exact whatever the start.
    static func cornishFisherStart(_ tail: Double, degreesOfFreedom nu: Double) -> Double {
        let z = abs(Normal.quantile(tail))
        guard nu >= 3 else { return z }
        let z2 = z * z
        let g1 = z * (z2 + 1) / 4
        let g2 = z * ((5 * z2 + 16) * z2 + 3) / 96
        let g3 = z * (((3 * z2 + 19) * z2 + 17) * z2 - 15) / 384
        let g4 = z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) / 92160
        return z + (g1 + (g2 + (g3 + g4 / nu) / nu) / nu) / nu
    }

    /// The two-sided critical value for a confidence level, t(ν, 1 − α/2).
    public static func criticalValue(confidence: Double, degreesOfFreedom nu: Double) -> Double {
        quantile(1 - (1 - confidence) / 2, degreesOfFreedom: nu)
    }
}

/// The binomial distribution Bin(n, p). Exact sums of the mass function up to n = 1000,
/// the incomplete-beta identities above that.
public enum Binomial {
    /// Above this many trials the tails come from the regularised incomplete beta function.
    public static let summationLimit = 1000

    /// P(X = k).
    public static func pmf(_ k: Int, trials n: Int, probability p: Double) -> Double {
        precondition(n >= 0 && (0...1).contains(p), "a binomial needs n ≥ 0 and 0 ≤ p ≤ 1")
        guard (0...n).contains(k) else { return 0 }
        if p == 0 { return k == 0 ? 1 : 0 }
        if p == 1 { return k == n ? 1 : 0 }
        let logChoose =
            SpecialFunctions.logGamma(Double(n + 1)) - SpecialFunctions.logGamma(Double(k + 1))
            - SpecialFunctions.logGamma(Double(n - k + 1))
        return exp(logChoose + Double(k) * log(p) + Double(n - k) * log1p(-p))
    }

    /// P(X ≤ k), the lower tail.
    public static func cdf(_ k: Int, trials n: Int, probability p: Double) -> Double {
        precondition(n >= 0 && (0...1).contains(p), "a binomial needs n ≥ 0 and 0 ≤ p ≤ 1")
        if k < 0 { return 0 }
        if k >= n { return 1 }
        if p == 0 { return 1 }
        if p == 1 { return 0 }
        if n <= summationLimit {
            return min(1, (0...k).reduce(0.0) { $0 + pmf($1, trials: n, probability: p) })
        }
        // P(X ≤ k) = I_{1−p}(n − k, k + 1).
        return SpecialFunctions.incompleteBeta(x: 1 - p, y: p, a: Double(n - k), b: Double(k + 1))
    }

    /// P(X ≥ k), the upper tail, computed directly rather than as 1 − cdf.
    public static func upperTail(_ k: Int, trials n: Int, probability p: Double) -> Double {
        precondition(n >= 0 && (0...1).contains(p), "a binomial needs n ≥ 0 and 0 ≤ p ≤ 1")
        if k <= 0 { return 1 }
        if k > n { return 0 }
        if p == 0 { return 0 }
        if p == 1 { return 1 }
        if n <= summationLimit {
            return min(1, (k...n).reduce(0.0) { $0 + pmf($1, trials: n, probability: p) })
        }
        // P(X ≥ k) = I_p(k, n − k + 1).
        return SpecialFunctions.incompleteBeta(x: p, y: 1 - p, a: Double(k), b: Double(n - k + 1))
    }
}

/// The beta distribution Beta(a, b), a, b > 0.
public enum BetaDistribution {
    /// The density at x ∈ (0, 1).
    public static func pdf(_ x: Double, a: Double, b: Double) -> Double {
        guard x > 0 && x < 1 else { return 0 }
        return exp((a - 1) * log(x) + (b - 1) * log1p(-x) - SpecialFunctions.logBeta(a, b))
    }

    /// P(X ≤ x) = I_x(a, b).
    public static func cdf(_ x: Double, a: Double, b: Double) -> Double {
        SpecialFunctions.regularizedIncompleteBeta(min(max(x, 0), 1), a: a, b: b)
    }

    /// The p-quantile, by Newton steps safeguarded with bisection.
    public static func quantile(_ p: Double, a: Double, b: Double) -> Double {
        precondition(a > 0 && b > 0, "a beta distribution needs a, b > 0")
        precondition((0...1).contains(p), "a quantile needs 0 ≤ p ≤ 1")
        if p == 0 { return 0 }
        if p == 1 { return 1 }
        return solveMonotone(
            lower: 0, upper: 1, start: a / (a + b), increasing: true,
            function: { cdf($0, a: a, b: b) - p },
            derivative: { pdf($0, a: a, b: b) })
    }
}
