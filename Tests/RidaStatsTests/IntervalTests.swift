import Foundation
import Testing

@testable import RidaStats

/// Reference values computed with scipy/statsmodels (`Fixtures/statistics-golden.json`).
struct Golden: Decodable {
    struct WilsonCase: Decodable {
        var x: Int
        var n: Int
        var confidence: Double
        var lower: Double
        var upper: Double
    }

    var wilson: [WilsonCase]

    static func load() throws -> Golden {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/statistics-golden", withExtension: "json"))
        return try JSONDecoder().decode(Golden.self, from: Data(contentsOf: url))
    }
}

func expectClose(_ actual: Double, _ expected: Double, relative: Double, sourceLocation: SourceLocation = #_sourceLocation) {
    let tolerance = max(abs(expected) * relative, relative)
    #expect(abs(actual - expected) <= tolerance, "\(actual) ≠ \(expected)", sourceLocation: sourceLocation)
}

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
