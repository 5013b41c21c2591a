import Foundation
import RidaCore
import Testing

@testable import RidaReports

/// Cells given in the test, one questionnaire with a 1–5 item.
struct FixedCells: CellReader {
    var cells: [ResponseCell]
    static let questionnaire = Questionnaire(
        key: "q", version: 1, languages: ["en"], drafts: [], title: LocalizedText(["en": "Q"]), promise: LocalizedText(["en": "P"]),
        items: [
            QuestionnaireItem(
                id: "time", kind: .rating, scale: Scale(id: "a5", min: 1, max: 5, labels: [:]), text: LocalizedText(["en": "Time"]))
        ])

    func responseCells(from: CalendarDay, to: CalendarDay, grain: CellGrain) async throws -> [ResponseCell] {
        cells.filter { $0.day >= from && $0.day <= to }
    }
    func invitationCells(from: CalendarDay, to: CalendarDay, grain: CellGrain) async throws -> [InvitationCell] { [] }
    func questionnaireVersions() async throws -> [Int64: Questionnaire] { [1: Self.questionnaire] }
    func checkCells() async throws -> CellCheck { CellCheck(responseCells: 0, invitationCells: 0, differences: []) }
    func firstDataDay() async throws -> CalendarDay? { nil }

    /// `count` answers of `value` on `day` in registration × phone.
    static func cell(_ day: CalendarDay, value: Int, count: Int, channel: String = "phone") -> ResponseCell {
        var counts = [UInt32](repeating: 0, count: CellLayout(questionnaire).width)
        counts[CellLayout(questionnaire).slot("time")!.offset(of: value)] = UInt32(count)
        return ResponseCell(day: day, department: "registration", channel: channel, questionnaireVersionID: 1, responses: count, counts: counts)
    }
}

@Suite struct ActionEffectTests {
    let start = CalendarDay(year: 2026, month: 3, day: 1)
    var last: CalendarDay { CalendarDay(year: 2026, month: 4, day: 30) }

    func action(start: CalendarDay, channel: String? = "phone") -> ImprovementAction {
        ImprovementAction(
            id: "a1", department: "registration", channel: channel, item: "time", description: "Second line", ownerRole: "Lead",
            startDay: start.description, status: .active, createdAt: Date(), updatedAt: Date())
    }

    func day(_ offset: Int) -> CalendarDay { CalendarDay(daysSinceEpoch: start.daysSinceEpoch + offset) }

    /// Before: ten 3s and ten 4s (mean 3.5); after: ten 4s and ten 5s (mean 4.5). Welch: a
    /// difference of 1 with 38 degrees of freedom, 95% interval 0.6716 to 1.3284.
    @Test func theDifferenceOfMeansHasWelchsInterval() async throws {
        let cells = FixedCells(cells: [
            FixedCells.cell(day(-30), value: 3, count: 10), FixedCells.cell(day(-10), value: 4, count: 10),
            FixedCells.cell(day(5), value: 4, count: 10), FixedCells.cell(day(20), value: 5, count: 10),
            // Outside both windows, or another channel: not counted.
            FixedCells.cell(day(-200), value: 1, count: 50), FixedCells.cell(day(100), value: 1, count: 50),
            FixedCells.cell(day(5), value: 1, count: 50, channel: "office"),
        ])
        let effect = try #require(try await ActionEffect.compute([action(start: start)], last: last, cells: cells).first)
        #expect(effect.before?.n == 20 && effect.after?.n == 20)
        #expect(abs((effect.before?.mean ?? 0) - 3.5) < 1e-12 && abs((effect.after?.mean ?? 0) - 4.5) < 1e-12)
        guard case .measured(let difference, let lower, let upper) = effect.outcome else {
            Issue.record("not measured: \(effect.outcome)")
            return
        }
        #expect(abs(difference - 1) < 1e-12)
        #expect(abs(lower - 0.6715999018013785) < 1e-6)
        #expect(abs(upper - 1.3284000981986215) < 1e-6)
        // The whole department, every channel: the office's 50 ones count too.
        let wide = try #require(try await ActionEffect.compute([action(start: start, channel: nil)], last: last, cells: cells).first)
        #expect(wide.after?.n == 70)
    }

    @Test func tooFewResponsesIsNotYetMeasurableAndAFutureStartIsNotStarted() async throws {
        let cells = FixedCells(cells: [FixedCells.cell(day(-30), value: 3, count: 40), FixedCells.cell(day(2), value: 5, count: 9)])
        let effects = try await ActionEffect.compute(
            [action(start: start), action(start: CalendarDay(year: 2026, month: 5, day: 10))], last: last, cells: cells)
        #expect(effects[0].outcome == .notYetMeasurable)
        #expect(effects[0].after?.n == 9)
        #expect(effects[1].outcome == .notStarted)
    }

    /// The after window here is exactly March and April: a hidden April cell (3 answers at the
    /// office) counted in would make the department's n minus its shown cells give the cell's size.
    @Test func aCellTheReportHidesCountsOnNeitherSide() async throws {
        let cells = FixedCells(cells: [
            FixedCells.cell(day(-30), value: 3, count: 10), FixedCells.cell(day(-10), value: 4, count: 10),
            FixedCells.cell(day(5), value: 4, count: 10), FixedCells.cell(day(20), value: 5, count: 10),
            FixedCells.cell(CalendarDay(year: 2026, month: 4, day: 10), value: 1, count: 3, channel: "office"),
            // Two cells of one month that together reach the threshold are shown, and counted.
            FixedCells.cell(CalendarDay(year: 2026, month: 2, day: 3), value: 2, count: 2, channel: "web"),
            FixedCells.cell(CalendarDay(year: 2026, month: 2, day: 4), value: 2, count: 3, channel: "web"),
        ])
        let wide = try #require(try await ActionEffect.compute([action(start: start, channel: nil)], last: last, cells: cells).first)
        #expect(wide.after?.n == 20)
        #expect(wide.before?.n == 25)
    }
}
