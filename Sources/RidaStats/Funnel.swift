/// The four funnel limits: 99.8% (p = .001, .999) and 95% (p = .025, .975).
public struct FunnelLimits: Hashable, Sendable {
    public var lower998: Double
    public var lower95: Double
    public var upper95: Double
    public var upper998: Double

    public init(lower998: Double, lower95: Double, upper95: Double, upper998: Double) {
        self.lower998 = lower998
        self.lower95 = lower95
        self.upper95 = upper95
        self.upper998 = upper998
    }

    /// In order of p: .001, .025, .975, .999.
    public var ordered: [Double] { [lower998, lower95, upper95, upper998] }
}

/// A unit's position relative to the target at one level.
public enum FlagState: String, Hashable, Sendable {
    case high
    case low
    /// Consistent with common-cause variation.
    case none
}

/// A unit's flags: 99.8% (coloured) and 95% (a soft annotation only).
public struct UnitFlags: Hashable, Sendable {
    public var level998: FlagState
    public var level95: FlagState

    public init(level998: FlagState, level95: FlagState) {
        self.level998 = level998
        self.level95 = level95
    }

    public static let none = UnitFlags(level998: .none, level95: .none)
}

/// Funnel plots (Spiegelhalter 2005).
public enum Funnel {
    /// The one-sided tail probabilities of the limits.
    public static let probabilities = (lower998: 0.001, lower95: 0.025, upper95: 0.975, upper998: 0.999)
    /// z(.999) and z(.975).
    public static let z998 = Normal.quantile(0.999)
    public static let z95 = Normal.quantile(0.975)
    /// Units below this n are never flagged.
    public static let minimumFlagSampleSize = 10

    public enum ProportionMethod: Sendable, Hashable {
        /// θ0 ± z·√(θ0(1−θ0)/n).
        case normal
        /// Exact binomial with interpolation.
        case exact
    }

    /// Limits for a proportion at sample size n around target θ0, clamped to [0, 1].
    public static func proportionLimits(target: Double, n: Int, method: ProportionMethod = .exact) -> FunnelLimits {
        precondition(n > 0 && (0...1).contains(target), "funnel limits need n > 0 and 0 ≤ θ0 ≤ 1")
        func limit(_ p: Double) -> Double {
            switch method {
            case .normal:
                let value = target + Normal.quantile(p) * (target * (1 - target) / Double(n)).squareRoot()
                return min(max(value, 0), 1)
            case .exact:
                return exactLimit(target: target, n: n, probability: p)
            }
        }
        let ps = probabilities
        return FunnelLimits(lower998: limit(ps.lower998), lower95: limit(ps.lower95), upper95: limit(ps.upper95), upper998: limit(ps.upper998))
    }

    /// r_p = min{r : F(r; n, θ0) ≥ p}, α = (F(r_p) − p)/(F(r_p) − F(r_p − 1)), limit = (r_p − α)/n, clamped to [0, 1].
    public static func exactLimit(target: Double, n: Int, probability p: Double) -> Double {
        precondition(n > 0 && (0...1).contains(target) && p > 0 && p < 1, "exact limits need n > 0, 0 ≤ θ0 ≤ 1, 0 < p < 1")
        var low = 0
        var high = n
        while low < high {
            let middle = (low + high) / 2
            if Binomial.cdf(middle, trials: n, probability: target) >= p { high = middle } else { low = middle + 1 }
        }
        let r = low
        let atR = Binomial.cdf(r, trials: n, probability: target)
        let belowR = Binomial.cdf(r - 1, trials: n, probability: target)
        let alpha = atR > belowR ? (atR - p) / (atR - belowR) : 0
        return min(max((Double(r) - alpha) / Double(n), 0), 1)
    }

    /// Limits for a mean: ȳ ± z·s/√n (ȳ, s over all individual responses), clamped to the scale.
    public static func meanLimits(mean: Double, standardDeviation sd: Double, n: Int, scale: ClosedRange<Double>? = nil) -> FunnelLimits {
        precondition(n > 0, "funnel limits need n > 0")
        let se = sd / Double(n).squareRoot()
        func clamp(_ value: Double) -> Double {
            guard let scale else { return value }
            return min(max(value, scale.lowerBound), scale.upperBound)
        }
        return FunnelLimits(
            lower998: clamp(mean - z998 * se), lower95: clamp(mean - z95 * se), upper95: clamp(mean + z95 * se),
            upper998: clamp(mean + z998 * se))
    }

    /// Classification by the exact one-sided tails (not the plotted curve): "low" when P(X ≤ x) is below
    /// .001 (99.8%) or .025 (95%), "high" when P(X ≥ x) is. Ignores the n ≥ 10 and over-dispersion rules:
    /// see `Overdispersion` for the flag rule.
    public static func classify(successes x: Int, trials n: Int, target: Double) -> UnitFlags {
        let lowerTail = Binomial.cdf(x, trials: n, probability: target)
        let upperTail = Binomial.upperTail(x, trials: n, probability: target)
        return UnitFlags(
            level998: state(lowerTail: lowerTail, upperTail: upperTail, level: probabilities.lower998),
            level95: state(lowerTail: lowerTail, upperTail: upperTail, level: probabilities.lower95))
    }

    static func state(lowerTail: Double, upperTail: Double, level: Double) -> FlagState {
        if lowerTail < level { return .low }
        if upperTail < level { return .high }
        return .none
    }
}

/// Successes out of trials for one unit.
public struct UnitCount: Hashable, Sendable {
    public var successes: Int
    public var trials: Int

    public init(successes: Int, trials: Int) {
        self.successes = successes
        self.trials = trials
    }
}

/// One unit in an over-dispersion analysis.
public struct OverdispersedUnit: Hashable, Sendable {
    public var count: UnitCount
    /// y_i = x_i/n_i.
    public var proportion: Double
    /// s_i = √(θ0(1−θ0)/n_i).
    public var standardError: Double
    /// z_i = (y_i − θ0)/s_i.
    public var z: Double
    /// (y_i − θ0)/√(s_i² + τ²).
    public var zAdjusted: Double
    /// θ0 ± z·√(s_i² + τ²), clamped to [0, 1].
    public var adjustedLimits: FunnelLimits
    /// P(X ≤ x_i) and P(X ≥ x_i) under Bin(n_i, θ0).
    public var lowerTail: Double
    public var upperTail: Double
    public var flags: UnitFlags
}

/// Over-dispersion with additive random effects (Spiegelhalter 2005) and the flag rule.
public struct OverdispersionResult: Hashable, Sendable {
    /// θ0: Σx/Σn unless a benchmark was given.
    public var target: Double
    /// The 10th and 90th (type-7) percentiles of z; nil when exploratory.
    public var winsorLower: Double?
    public var winsorUpper: Double?
    /// φ = mean(z_W²); nil when exploratory.
    public var phi: Double?
    /// The DerSimonian–Laird τ², 0 when not estimated.
    public var tau2: Double
    /// Fewer than 10 units: τ² not estimated, limits unadjusted, flags at 99.8% only.
    public var isExploratory: Bool
    /// In input (organisational) order.
    public var units: [OverdispersedUnit]
}

public enum Overdispersion {
    /// τ² is estimated only from this many units.
    public static let minimumUnits = 10

    /// Analyses units against `target` (default Σx/Σn). nil when there are no units, a unit has no trials or
    /// impossible counts, or θ0 is 0 or 1 (no binomial variation).
    public static func analyse(_ units: [UnitCount], target benchmark: Double? = nil) -> OverdispersionResult? {
        guard !units.isEmpty, units.allSatisfy({ $0.trials > 0 && (0...$0.trials).contains($0.successes) }) else { return nil }
        let target = benchmark ?? Double(units.reduce(0) { $0 + $1.successes }) / Double(units.reduce(0) { $0 + $1.trials })
        guard target > 0 && target < 1 else { return nil }
        let variances = units.map { target * (1 - target) / Double($0.trials) }
        let proportions = units.map { Double($0.successes) / Double($0.trials) }
        let z = zip(proportions, variances).map { ($0 - target) / $1.squareRoot() }
        let exploratory = units.count < minimumUnits
        var winsorLower: Double?
        var winsorUpper: Double?
        var phi: Double?
        var tau2 = 0.0
        if !exploratory, let effect = additiveEffect(z: z, variances: variances) {
            tau2 = effect.tau2
            winsorLower = effect.winsorLower
            winsorUpper = effect.winsorUpper
            phi = effect.phi
        }
        let results = units.indices.map { i in
            let unit = units[i]
            let adjustedSE = (variances[i] + tau2).squareRoot()
            let zAdjusted = (proportions[i] - target) / adjustedSE
            let lowerTail = Binomial.cdf(unit.successes, trials: unit.trials, probability: target)
            let upperTail = Binomial.upperTail(unit.successes, trials: unit.trials, probability: target)
            func clamp(_ value: Double) -> Double { min(max(value, 0), 1) }
            let limits = FunnelLimits(
                lower998: clamp(target - Funnel.z998 * adjustedSE), lower95: clamp(target - Funnel.z95 * adjustedSE),
                upper95: clamp(target + Funnel.z95 * adjustedSE), upper998: clamp(target + Funnel.z998 * adjustedSE))
            let eligible = unit.trials >= Funnel.minimumFlagSampleSize
            let flags = UnitFlags(
                level998: flag(zAdjusted: zAdjusted, lowerTail: lowerTail, upperTail: upperTail, eligible: eligible, z: Funnel.z998, level: 0.001),
                level95: exploratory
                    ? .none : flag(zAdjusted: zAdjusted, lowerTail: lowerTail, upperTail: upperTail, eligible: eligible, z: Funnel.z95, level: 0.025))
            return OverdispersedUnit(
                count: unit, proportion: proportions[i], standardError: variances[i].squareRoot(), z: z[i], zAdjusted: zAdjusted,
                adjustedLimits: limits, lowerTail: lowerTail, upperTail: upperTail, flags: flags)
        }
        return OverdispersionResult(
            target: target, winsorLower: winsorLower, winsorUpper: winsorUpper, phi: phi, tau2: tau2, isExploratory: exploratory,
            units: results)
    }

    /// φ = mean of the z-scores winsorised at their 10th/90th percentiles (type 7), and the
    /// DerSimonian–Laird additive τ² = max(0, (I·φ − (I − 1))/(Σw − Σw²/Σw)) with w = 1/variance.
    /// Works for any estimate with a within-unit variance (proportions, means, NPS); nil without units.
    public static func additiveEffect(z: [Double], variances: [Double]) -> (phi: Double, tau2: Double, winsorLower: Double, winsorUpper: Double)? {
        guard !z.isEmpty, z.count == variances.count, let lower = Descriptive.quantile(z, 0.1), let upper = Descriptive.quantile(z, 0.9)
        else { return nil }
        let meanSquare = z.map { min(max($0, lower), upper) }.reduce(0.0) { $0 + $1 * $1 } / Double(z.count)
        let weights = variances.map { 1 / $0 }
        let sumW = weights.reduce(0, +)
        let sumW2 = weights.reduce(0.0) { $0 + $1 * $1 }
        let count = Double(z.count)
        let tau2 = max(0, (count * meanSquare - (count - 1)) / (sumW - sumW2 / sumW))
        return (meanSquare, tau2, lower, upper)
    }

    /// Flagged only if z_adj is beyond ±z_L, the exact tail on the same side is below the level, and n ≥ 10.
    public static func flag(zAdjusted: Double, lowerTail: Double, upperTail: Double, eligible: Bool, z: Double, level: Double) -> FlagState {
        guard eligible else { return .none }
        if zAdjusted < -z && lowerTail < level { return .low }
        if zAdjusted > z && upperTail < level { return .high }
        return .none
    }
}

/// The empirical-Bayes (beta-binomial) view: estimates shrunk towards θ0, in organisational order.
public struct EmpiricalBayesResult: Hashable, Sendable {
    /// M = θ0(1−θ0)/τ² − 1, α0 = θ0·M, β0 = (1−θ0)·M.
    public var priorSize: Double
    public var alpha: Double
    public var beta: Double
    /// EB_i = (x_i + α0)/(n_i + M) with the credible interval from Beta(x_i + α0, n_i − x_i + β0), in input order.
    public var estimates: [Interval]
}

public enum EmpiricalBayes {
    /// Shrinks the units; nil when τ² = 0 (no shrinkage: differences consistent with chance) or when τ² is so
    /// large that the prior is not proper (M ≤ 0).
    public static func shrink(_ units: [UnitCount], target: Double, tau2: Double, credibility: Double = 0.95) -> EmpiricalBayesResult? {
        guard tau2 > 0, target > 0, target < 1 else { return nil }
        let m = target * (1 - target) / tau2 - 1
        guard m > 0 else { return nil }
        let alpha = target * m
        let beta = (1 - target) * m
        let tail = (1 - credibility) / 2
        let estimates = units.map { unit in
            let a = Double(unit.successes) + alpha
            let b = Double(unit.trials - unit.successes) + beta
            return Interval(
                estimate: a / (Double(unit.trials) + m), lower: BetaDistribution.quantile(tail, a: a, b: b),
                upper: BetaDistribution.quantile(1 - tail, a: a, b: b))
        }
        return EmpiricalBayesResult(priorSize: m, alpha: alpha, beta: beta, estimates: estimates)
    }

    /// Shrinks the units of an over-dispersion analysis with its θ0 and τ².
    public static func shrink(_ analysis: OverdispersionResult, credibility: Double = 0.95) -> EmpiricalBayesResult? {
        shrink(analysis.units.map(\.count), target: analysis.target, tau2: analysis.tau2, credibility: credibility)
    }
}
