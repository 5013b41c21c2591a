#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Gamma and beta functions that the distributions are built on.
public enum SpecialFunctions {
    /// ln Γ(x) for x > 0 (the reentrant `lgamma_r`, so no global sign variable is written).
    public static func logGamma(_ x: Double) -> Double {
        var sign: Int32 = 0
        return lgamma_r(x, &sign)
    }

    /// ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b).
    public static func logBeta(_ a: Double, _ b: Double) -> Double {
        logGamma(a) + logGamma(b) - logGamma(a + b)
    }

    /// The regularised incomplete beta function I_x(a, b), for a, b > 0 and 0 ≤ x ≤ 1.
    public static func regularizedIncompleteBeta(_ x: Double, a: Double, b: Double) -> Double {
        incompleteBeta(x: x, y: 1 - x, a: a, b: b)
    }

    /// I_x(a, b) where the caller also supplies y = 1 − x, so that upper tails such as
    /// I_{1−p}(b, a) can be evaluated without first rounding 1 − (1 − p).
    static func incompleteBeta(x: Double, y: Double, a: Double, b: Double) -> Double {
        precondition(a > 0 && b > 0, "the incomplete beta function needs a, b > 0")
        if x <= 0 { return 0 }
        if y <= 0 { return 1 }
        let logFront = a * log(x) + b * log(y) - logBeta(a, b)
        // The continued fraction converges fast below the mean; above it, use the symmetry
        // I_x(a, b) = 1 − I_{1−x}(b, a). Either way the directly computed side is the smaller one.
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * continuedFraction(x: x, a: a, b: b) / a
        }
        return 1 - exp(logFront) * continuedFraction(x: y, a: b, b: a) / b
    }

    /// The continued fraction for I_x(a, b) evaluated by the modified Lentz method.
    private static func continuedFraction(x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        let epsilon = Double.ulpOfOne
        let qab = a + b
        let qap = a + 1
        let qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...100_000 {
            let md = Double(m)
            let m2 = 2 * md
            var aa = md * (b - md) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + md) * (qab + md) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) <= epsilon { break }
        }
        return h
    }
}

/// Finds x in [lower, upper] with f(x) = 0 for a monotone f, by Newton steps that fall back to
/// bisection whenever a step leaves the bracket. `increasing` says which way f goes.
func solveMonotone(
    lower: Double, upper: Double, start: Double, increasing: Bool,
    function f: (Double) -> Double, derivative: (Double) -> Double
) -> Double {
    var lo = lower
    var hi = upper
    var x = min(max(start, lo), hi)
    for _ in 0..<2000 {
        let fx = f(x)
        if fx == 0 { return x }
        // Shrink the bracket with the sign of f.
        if (fx < 0) == increasing { lo = x } else { hi = x }
        let slope = derivative(x)
        var next = x - fx / slope
        if !(slope.isFinite && slope != 0 && next.isFinite && next > lo && next < hi) {
            next = lo + (hi - lo) / 2
        }
        if abs(next - x) <= 1e-14 * max(abs(x), 1e-300) || hi - lo <= 1e-15 * max(abs(lo), abs(hi), 1e-300) {
            return next
        }
        x = next
    }
    return x
}
