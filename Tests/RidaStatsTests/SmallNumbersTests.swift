import Testing

@testable import RidaStats

@Suite struct SmallNumbersPolicyTests {
    @Test(arguments: [(0, SmallNumbersClass.suppressed), (4, .suppressed), (5, .low), (9, .low), (10, .eligible), (500, .eligible)])
    func qualityTeamThresholds(n: Int, expected: SmallNumbersClass) {
        #expect(SmallNumbersPolicy.quality.classify(n) == expected)
        #expect(SmallNumbersPolicy().classify(n) == expected)
    }

    @Test func externalAudiencesHaveADisplayThresholdOfTen() {
        #expect(SmallNumbersPolicy.external.classify(9) == .suppressed)
        #expect(SmallNumbersPolicy.external.classify(5) == .suppressed)
        #expect(SmallNumbersPolicy.external.classify(10) == .eligible)
    }

    @Test func thresholdsAreConfigurable() {
        let policy = SmallNumbersPolicy(suppressBelow: 3, eligibleFrom: 20)
        #expect(policy.classify(2) == .suppressed)
        #expect(policy.classify(3) == .low)
        #expect(policy.classify(19) == .low)
        #expect(policy.classify(20) == .eligible)
    }
}
