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

@Suite struct SecondarySuppressionTests {
    @Test func aLoneSuppressedCellHidesTheNextSmallest() {
        let status = SecondarySuppression.apply(counts: [12, 3, 20, 8], groups: [[0, 1, 2, 3]])
        #expect(status == [.shown, .suppressed, .shown, .secondarilySuppressed])
    }

    @Test func twoSuppressedCellsProtectEachOther() {
        #expect(SecondarySuppression.apply(counts: [3, 2, 20], groups: [[0, 1, 2]]) == [.suppressed, .suppressed, .shown])
    }

    @Test func nothingSmallNothingHidden() {
        #expect(SecondarySuppression.apply(counts: [12, 30, 20], groups: [[0, 1, 2]]) == [.shown, .shown, .shown])
        #expect(SecondarySuppression.apply(counts: [], groups: []) == [])
    }

    @Test func tiesGoToTheEarliestCell() {
        #expect(SecondarySuppression.apply(counts: [3, 8, 8], groups: [[0, 1, 2]]) == [.suppressed, .secondarilySuppressed, .shown])
    }

    @Test func groupsWithoutATotalAreLeftAlone() {
        // Cells that are not in any group cannot be derived.
        #expect(SecondarySuppression.apply(counts: [3, 8, 8], groups: []) == [.suppressed, .shown, .shown])
    }

    @Test func secondarySuppressionPropagatesAcrossMargins() {
        // Row 0 hides 20; then columns 0 and 1 each have one hidden cell, so 15 and 25 go too.
        let status = SecondarySuppression.apply(table: [[3, 20, 30], [15, 25, 40]])
        #expect(
            status == [
                [.suppressed, .secondarilySuppressed, .shown],
                [.secondarilySuppressed, .secondarilySuppressed, .shown],
            ])
        // Every row and column now has zero or at least two hidden cells.
        let columns = (0..<3).map { c in status.map { $0[c] } }
        for group in status + columns {
            #expect(group.filter(\.isHidden).count != 1)
        }
    }

    @Test func aSingleCellGroupCannotBeProtectedBySuppression() {
        #expect(SecondarySuppression.apply(counts: [2], groups: [[0]]) == [.suppressed])
    }

    @Test func externalPolicySuppressesMore() {
        let quality = SecondarySuppression.apply(counts: [9, 30, 40], groups: [[0, 1, 2]])
        #expect(quality == [.shown, .shown, .shown])
        let external = SecondarySuppression.apply(counts: [9, 30, 40], groups: [[0, 1, 2]], policy: .external)
        #expect(external == [.suppressed, .secondarilySuppressed, .shown])
    }

    @Test func overlappingGroupsReachAStableResult() {
        // Region total over cells 0–3, and two departmental totals {0, 1} and {2, 3}.
        let status = SecondarySuppression.apply(counts: [2, 40, 30, 50], groups: [[0, 1, 2, 3], [0, 1], [2, 3]])
        #expect(status[0] == .suppressed)
        for group in [[0, 1, 2, 3], [0, 1], [2, 3]] {
            #expect(group.filter { status[$0].isHidden }.count != 1)
        }
        // {0,1,2,3} hides 30 first (smallest shown), then {0,1} hides 40 and {2,3} hides 50.
        #expect(status == [.suppressed, .secondarilySuppressed, .secondarilySuppressed, .secondarilySuppressed])
    }
}
