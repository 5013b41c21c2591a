import Foundation
import Testing

@testable import RidaStats

/// A deterministic generator (SplitMix64) for reproducible test series.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct PELTTests {
    @Test(arguments: try Golden.load().changePoint)
    func matchesTheGoldenValues(example: Golden.ChangePointCase) throws {
        expectClose(try #require(ChangePoints.movingRangeSigma(example.values)), example.sigma, relative: Tolerance.closed)
        let penalty = try #require(ChangePoints.defaultPenalty(example.values))
        expectClose(penalty, example.penalty, relative: Tolerance.closed)
        #expect(ChangePoints.pelt(example.values) == example.peltBreakpoints)
        #expect(ChangePoints.pelt(example.values, penalty: example.penalty) == example.peltBreakpoints)
    }

    @Test func emptyShortAndConstantSeries() {
        #expect(ChangePoints.pelt([]) == [])
        #expect(ChangePoints.pelt([4]) == [1])
        #expect(ChangePoints.pelt([4, 9]) == [2])
        #expect(ChangePoints.pelt([Double](repeating: 3, count: 20)) == [20])
        #expect(ChangePoints.defaultPenalty([3]) == nil)
    }

    @Test func findsClearShifts() {
        var generator = SplitMix64(state: 7)
        let values = (0..<36).map { i in (i < 12 ? 50.0 : i < 24 ? 60 : 45) + Double.random(in: -1...1, using: &generator) }
        #expect(ChangePoints.pelt(values) == [12, 24, 36])
    }

    @Test func segmentsAreNeverShorterThanTheMinimum() {
        // A lone outlier with a tiny penalty would be its own segment without the minimum length.
        let values: [Double] = [0, 0, 0, 0, 0, 50, 0, 0, 0, 0, 0]
        let ends = ChangePoints.pelt(values, penalty: 1)
        let lengths = zip(ends, [0] + ends).map { $0 - $1 }
        #expect(ends.last == values.count)
        #expect(lengths.allSatisfy { $0 >= 3 })
        #expect(ends.count > 1)
        #expect(ChangePoints.pelt(values, penalty: 1, minimumSegmentLength: 1) == [5, 6, 11])
    }

    @Test(arguments: 1...6)
    func pruningKeepsTheOptimalSegmentation(seed: Int) {
        var generator = SplitMix64(state: UInt64(seed))
        let n = 40 + seed * 5
        var level = 0.0
        let values = (0..<n).map { _ in
            if Double.random(in: 0...1, using: &generator) < 0.08 { level += Double.random(in: -4...4, using: &generator) }
            return level + Double.random(in: -1...1, using: &generator)
        }
        let penalty = ChangePoints.defaultPenalty(values)!
        #expect(ChangePoints.pelt(values) == optimalPartition(values, penalty: penalty, minimum: 3))
    }

    /// Exhaustive optimal partitioning (no pruning) for comparison.
    private func optimalPartition(_ values: [Double], penalty: Double, minimum: Int) -> [Int] {
        func cost(_ start: Int, _ end: Int) -> Double {
            let segment = values[start..<end]
            let mean = segment.reduce(0, +) / Double(segment.count)
            return segment.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        }
        let n = values.count
        var best = [Double](repeating: .infinity, count: n + 1)
        var previous = [Int](repeating: 0, count: n + 1)
        best[0] = 0
        for end in minimum...n {
            for start in stride(from: 0, through: end - minimum, by: 1) where start == 0 || start >= minimum {
                let total = best[start] + cost(start, end) + penalty
                if total < best[end] {
                    best[end] = total
                    previous[end] = start
                }
            }
        }
        var ends = [n]
        while previous[ends[0]] > 0 { ends.insert(previous[ends[0]], at: 0) }
        return ends
    }
}

@Suite struct CUSUMTests {
    @Test(arguments: try Golden.load().changePoint)
    func matchesTheGoldenValues(example: Golden.ChangePointCase) throws {
        let result = try #require(CUSUM.run(example.values, baselineCount: example.cusumBaselineMonths, k: example.cusumK, h: example.cusumH))
        expectClose(result.baselineMean, 80, relative: Tolerance.closed)
        let first = try #require(result.alarms.first)
        #expect(first.index + 1 == example.cusumFirstAlarm.month)
        #expect(first.direction == .up)
        expectClose(first.upperSum, example.cusumFirstAlarm.upperSum, relative: Tolerance.closed)
    }

    @Test func defaultsAreTheSpecifiedOnes() throws {
        let golden = try #require(try Golden.load().changePoint.first)
        #expect(CUSUM.run(golden.values) == CUSUM.run(golden.values, baselineCount: 12, k: 0.5, h: 5))
    }

    @Test func resetsAfterASignal() throws {
        // Baseline alternating 10/11 (μ0 = 10.5, MR̄ = 1, σ0 = 0.887); then a sustained shift of +2.
        let baseline = (0..<12).map { Double(10 + $0 % 2) }
        let result = try #require(CUSUM.run(baseline + [Double](repeating: 12.5, count: 12)))
        // z = 2.256 per period, C⁺ grows by 1.756: signals every third period after a reset.
        #expect(result.alarms.map(\.index) == [14, 17, 20, 23])
        #expect(result.alarms.allSatisfy { $0.direction == .up && $0.upperSum > 5 })
        #expect(result.upperSums[15] < 5)
    }

    @Test func detectsDownwardShifts() throws {
        let baseline = (0..<12).map { Double(10 + $0 % 2) }
        let result = try #require(CUSUM.run(baseline + [Double](repeating: 8.5, count: 4)))
        #expect(result.alarms.map(\.index) == [14])
        #expect(result.alarms.first?.direction == .down)
        #expect(result.alarms.first.map { $0.lowerSum > 5 && $0.upperSum == 0 } == true)
    }

    @Test func needsAVaryingBaseline() {
        #expect(CUSUM.run([Double](repeating: 4, count: 20)) == nil)
        #expect(CUSUM.run([1, 2, 3]) == nil)
        #expect(CUSUM.run([]) == nil)
    }
}
