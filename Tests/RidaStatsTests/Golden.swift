import Foundation
import Testing

@testable import RidaStats

/// Reference values computed with scipy/statsmodels/pymannkendall/ruptures (`Fixtures/statistics-golden.json`).
/// Every case type lists its keys in `CodingKeys`; `GoldenFileTests` checks that the file has no key we ignore.
struct Golden: Decodable, Sendable {
    struct WilsonCase: Decodable, Sendable {
        var x: Int
        var n: Int
        var confidence: Double
        var lower: Double
        var upper: Double
        enum CodingKeys: String, CodingKey, CaseIterable { case x, n, confidence, lower, upper }
    }

    struct MeanCase: Decodable, Sendable {
        var values: [Double]
        var confidence: Double
        var mean: Double
        var sd: Double
        var lower: Double
        var upper: Double
        enum CodingKeys: String, CodingKey, CaseIterable { case values, confidence, mean, sd, lower, upper }
    }

    struct NPSCase: Decodable, Sendable {
        var promoters: Int
        var passives: Int
        var detractors: Int
        var nps: Double
        var se: Double
        var adjustedWaldLower: Double
        var adjustedWaldUpper: Double
        enum CodingKeys: String, CodingKey, CaseIterable {
            case promoters, passives, detractors, nps, se, adjustedWaldLower, adjustedWaldUpper
        }
    }

    struct MannKendallCase: Decodable, Sendable {
        var values: [Double]
        var s: Double
        var varS: Double
        var z: Double
        var p: Double
        var tau: Double
        var trend: String
        var senSlope: Double
        var intercept: Double
        var senLower: Double
        var senUpper: Double
        enum CodingKeys: String, CodingKey, CaseIterable {
            case values, s = "S", varS, z, p, tau, trend, senSlope, intercept, senLower, senUpper
        }
    }

    struct HamedRaoCase: Decodable, Sendable {
        var values: [Double]
        var lag: Int
        var varS: Double
        var z: Double
        var p: Double
        enum CodingKeys: String, CodingKey, CaseIterable { case values, lag, varS, z, p }
    }

    struct FunnelProportionCase: Decodable, Sendable {
        var target: Double
        var n: Int
        /// At p = .001, .025, .975, .999.
        var exact: [Double]
        var normal: [Double]
        enum CodingKeys: String, CodingKey, CaseIterable { case target, n, exact, normal }
    }

    struct FunnelMeanCase: Decodable, Sendable {
        var mean: Double
        var sd: Double
        var n: Int
        var scaleMin: Double
        var scaleMax: Double
        var limits: [Double]
        enum CodingKeys: String, CodingKey, CaseIterable { case mean, sd, n, scaleMin, scaleMax, limits }
    }

    struct OverdispersionCase: Decodable, Sendable {
        var n: [Int]
        var x: [Int]
        var target: Double
        var winsorLower: Double
        var winsorUpper: Double
        var phi: Double
        var tau2: Double
        var z: [Double]
        var zAdjusted: [Double]
        var lowerTail: [Double]
        var upperTail: [Double]
        /// Indices of units flagged at 99.8%.
        var flags998: [Int]
        var ebAlpha: Double
        var ebBeta: Double
        var ebEstimate: [Double]
        var ebLower: [Double]
        var ebUpper: [Double]
        enum CodingKeys: String, CodingKey, CaseIterable {
            case n, x, target, winsorLower, winsorUpper, phi, tau2, z, zAdjusted, lowerTail, upperTail, flags998 = "flags99_8"
            case ebAlpha, ebBeta, ebEstimate, ebLower, ebUpper
        }
    }

    struct XmRCase: Decodable, Sendable {
        var values: [Double]
        var screened: Bool
        var mean: Double
        var meanMovingRange: Double
        var upper: Double
        var lower: Double
        var upper2Sigma: Double
        var lower2Sigma: Double
        /// 1-based positions.
        var beyondLimits: [Int]
        var runOf7: [Int]
        var trendOf7: [Int]
        var twoOfThree: [Int]
        enum CodingKeys: String, CodingKey, CaseIterable {
            case values, screened, mean, meanMovingRange, upper, lower, upper2Sigma, lower2Sigma
            case beyondLimits, runOf7, trendOf7, twoOfThree
        }
    }

    struct ChangePointCase: Decodable, Sendable {
        struct Alarm: Decodable, Sendable {
            /// 1-based.
            var month: Int
            var upperSum: Double
            enum CodingKeys: String, CodingKey, CaseIterable { case month, upperSum }
        }

        var values: [Double]
        var sigma: Double
        var penalty: Double
        var peltBreakpoints: [Int]
        var cusumBaselineMonths: Int
        var cusumK: Double
        var cusumH: Double
        var cusumFirstAlarm: Alarm
        enum CodingKeys: String, CodingKey, CaseIterable {
            case values, sigma, penalty, peltBreakpoints, cusumBaselineMonths, cusumK, cusumH, cusumFirstAlarm
        }
    }

    var generatedWith: String
    var wilson: [WilsonCase]
    var meanCI: [MeanCase]
    var nps: [NPSCase]
    var mannKendall: [MannKendallCase]
    var hamedRao: [HamedRaoCase]
    var funnelProportion: [FunnelProportionCase]
    var funnelMean: [FunnelMeanCase]
    var overdispersion: [OverdispersionCase]
    var xmr: [XmRCase]
    var changePoint: [ChangePointCase]

    enum CodingKeys: String, CodingKey, CaseIterable {
        case generatedWith, wilson, meanCI, nps, mannKendall, hamedRao, funnelProportion, funnelMean, overdispersion, xmr
        case changePoint
    }

    /// The keys each section's cases are decoded with.
    static let caseKeys: [String: Set<String>] = [
        "wilson": Set(WilsonCase.CodingKeys.allCases.map(\.rawValue)),
        "meanCI": Set(MeanCase.CodingKeys.allCases.map(\.rawValue)),
        "nps": Set(NPSCase.CodingKeys.allCases.map(\.rawValue)),
        "mannKendall": Set(MannKendallCase.CodingKeys.allCases.map(\.rawValue)),
        "hamedRao": Set(HamedRaoCase.CodingKeys.allCases.map(\.rawValue)),
        "funnelProportion": Set(FunnelProportionCase.CodingKeys.allCases.map(\.rawValue)),
        "funnelMean": Set(FunnelMeanCase.CodingKeys.allCases.map(\.rawValue)),
        "overdispersion": Set(OverdispersionCase.CodingKeys.allCases.map(\.rawValue)),
        "xmr": Set(XmRCase.CodingKeys.allCases.map(\.rawValue)),
        "changePoint": Set(ChangePointCase.CodingKeys.allCases.map(\.rawValue)),
    ]

    struct MissingFixture: Error {}

    static func data() throws -> Data {
        guard let url = Bundle.module.url(forResource: "Fixtures/statistics-golden", withExtension: "json") else { throw MissingFixture() }
        return try Data(contentsOf: url)
    }

    static func load() throws -> Golden {
        try JSONDecoder().decode(Golden.self, from: data())
    }
}

/// Tolerances from the specification.
enum Tolerance {
    /// Closed forms.
    static let closed = 1e-9
    /// Quantile-based values (t, binomial, beta).
    static let quantile = 1e-6
}

func expectClose(_ actual: Double, _ expected: Double, relative: Double, sourceLocation: SourceLocation = #_sourceLocation) {
    let tolerance = max(abs(expected) * relative, relative)
    #expect(abs(actual - expected) <= tolerance, "\(actual) ≠ \(expected)", sourceLocation: sourceLocation)
}

func expectClose(_ actual: [Double], _ expected: [Double], relative: Double, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(actual.count == expected.count, "\(actual.count) values, expected \(expected.count)", sourceLocation: sourceLocation)
    for (a, e) in zip(actual, expected) { expectClose(a, e, relative: relative, sourceLocation: sourceLocation) }
}

@Suite struct GoldenFileTests {
    @Test func everySectionAndKeyIsDecoded() throws {
        let object = try #require(try JSONSerialization.jsonObject(with: Golden.data()) as? [String: Any])
        #expect(Set(object.keys) == Set(Golden.CodingKeys.allCases.map(\.rawValue)))
        for (section, keys) in Golden.caseKeys {
            let cases = try #require(object[section] as? [[String: Any]], "section \(section)")
            #expect(!cases.isEmpty, "section \(section) is empty")
            for example in cases {
                #expect(Set(example.keys) == keys, "section \(section): \(Set(example.keys).symmetricDifference(keys))")
            }
        }
        let alarms = try #require(object["changePoint"] as? [[String: Any]]).compactMap { $0["cusumFirstAlarm"] as? [String: Any] }
        for alarm in alarms {
            #expect(Set(alarm.keys) == Set(Golden.ChangePointCase.Alarm.CodingKeys.allCases.map(\.rawValue)))
        }
        #expect(try !Golden.load().generatedWith.isEmpty)
    }
}
