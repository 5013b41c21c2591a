import Foundation
import RidaAnalytics
import RidaCore
import RidaStats

/// The measured effect of an improvement action: the targeted item's mean in its unit over the
/// 90 days before the action started, against the days since it started (up to 90, and up to the
/// report's last day), with Welch's 95% interval for the difference. Below 10 responses on either
/// side it is "not yet measurable": no number is shown.
///
/// Both sides count only department × channel cells the report shows: a cell whose period (of
/// the report's calendar) holds fewer than the threshold of answers to the item is left out, so
/// that a window covering whole periods does not give the size of a hidden cell.
public struct ActionEffect: Sendable, Hashable {
    public struct Side: Sendable, Hashable {
        public var n: Int
        public var mean: Double
        public var variance: Double
        public var first: CalendarDay
        public var last: CalendarDay
    }

    public enum Outcome: Sendable, Hashable {
        /// The action starts after the report's period.
        case notStarted
        /// Too few responses on one side (or both).
        case notYetMeasurable
        case measured(difference: Double, lower: Double, upper: Double)
    }

    public var action: ImprovementAction
    public var before: Side?
    public var after: Side?
    public var outcome: Outcome

    public static let window = 90
    public static let minimumPerSide = 10

    /// Computes the effects of `actions` as of `last` (the report's last day).
    public static func compute(
        _ actions: [ImprovementAction], last: CalendarDay, cells: any CellReader, calendar: PeriodCalendar = PeriodCalendar(.month),
        suppressBelow: Int = SmallNumbersPolicy.quality.suppressBelow
    ) async throws -> [ActionEffect] {
        guard !actions.isEmpty else { return [] }
        let starts = actions.compactMap { CalendarDay($0.startDay) }
        guard let earliest = starts.min() else { return [] }
        // From the first day of the period holding the earliest day, so every period is whole.
        let from = calendar.period(containing: CalendarDay(daysSinceEpoch: earliest.daysSinceEpoch - window)).first
        let rows = from <= last ? try await cells.responseCells(from: from, to: last, grain: .departmentChannel) : []
        let layouts = try await cells.questionnaireVersions().mapValues(CellLayout.init)
        let periodOfRow = rows.map { calendar.period(containing: $0.day).label }
        struct CellKey: Hashable { var period: String, department: String, channel: String }
        return actions.map { action in
            var perCell: [CellKey: Int] = [:]
            for (index, cell) in rows.enumerated() where cell.department == action.department {
                perCell[CellKey(period: periodOfRow[index], department: cell.department, channel: cell.channel), default: 0] += layouts[cell.questionnaireVersionID]?.slot(action.item)?.answered(in: cell.counts) ?? 0
            }
            let hidden = Set(perCell.filter { $0.value > 0 && $0.value < suppressBelow }.map(\.key))
            guard let start = CalendarDay(action.startDay) else {
                return ActionEffect(action: action, before: nil, after: nil, outcome: .notYetMeasurable)
            }
            guard start <= last else { return ActionEffect(action: action, before: nil, after: nil, outcome: .notStarted) }
            let beforeRange = CalendarDay(daysSinceEpoch: start.daysSinceEpoch - window)...CalendarDay(daysSinceEpoch: start.daysSinceEpoch - 1)
            let afterRange = start...min(last, CalendarDay(daysSinceEpoch: start.daysSinceEpoch + window - 1))
            func side(_ range: ClosedRange<CalendarDay>) -> Side? {
                var n = 0
                var sum = 0.0
                var squares = 0.0
                for (index, cell) in rows.enumerated() where range.contains(cell.day) && cell.department == action.department
                    && (action.channel == nil || cell.channel == action.channel)
                {
                    guard !hidden.contains(CellKey(period: periodOfRow[index], department: cell.department, channel: cell.channel)) else { continue }
                    guard let slot = layouts[cell.questionnaireVersionID]?.slot(action.item) else { continue }
                    for value in slot.scale.points {
                        let offset = slot.offset(of: value)
                        guard offset < cell.counts.count else { continue }
                        let count = Int(cell.counts[offset])
                        n += count
                        sum += Double(value) * Double(count)
                        squares += Double(value * value) * Double(count)
                    }
                }
                guard n > 0 else { return nil }
                let mean = sum / Double(n)
                let variance = n > 1 ? max(0, (squares - Double(n) * mean * mean) / Double(n - 1)) : 0
                return Side(n: n, mean: mean, variance: variance, first: range.lowerBound, last: range.upperBound)
            }
            let before = side(beforeRange)
            let after = side(afterRange)
            guard let before, let after, before.n >= minimumPerSide, after.n >= minimumPerSide else {
                return ActionEffect(action: action, before: before, after: after, outcome: .notYetMeasurable)
            }
            return ActionEffect(action: action, before: before, after: after, outcome: welch(before, after))
        }
    }

    /// Welch's t interval (Satterthwaite degrees of freedom) for after − before.
    static func welch(_ before: Side, _ after: Side) -> Outcome {
        let a = before.variance / Double(before.n)
        let b = after.variance / Double(after.n)
        let difference = after.mean - before.mean
        let standardError = (a + b).squareRoot()
        guard standardError > 0 else { return .measured(difference: difference, lower: difference, upper: difference) }
        let numerator = (a + b) * (a + b)
        let denominator = a * a / Double(before.n - 1) + b * b / Double(after.n - 1)
        let degrees = denominator > 0 ? numerator / denominator : Double(before.n + after.n - 2)
        let t = StudentT.criticalValue(confidence: 0.95, degreesOfFreedom: degrees)
        return .measured(difference: difference, lower: difference - t * standardError, upper: difference + t * standardError)
    }
}
