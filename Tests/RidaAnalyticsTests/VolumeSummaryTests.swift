import RidaCore
import Testing

@testable import RidaAnalytics

@Suite struct VolumeSummaryTests {
    @Test func sumsUnitsPerMonthAndDividesAnsweredByIssued() {
        let summary = VolumeSummary([
            MonthlyVolume(month: "2026-03", department: "registration", channel: "office", issued: 10, answered: 6, responses: 6),
            MonthlyVolume(month: "2026-03", department: "registration", channel: "phone", issued: 5, answered: 1, responses: 2),
            MonthlyVolume(month: "2026-02", department: "volunteering", channel: "web", issued: 0, answered: 0, responses: 3),
        ])
        #expect(summary.months.map(\.month) == ["2026-02", "2026-03"])
        #expect(summary.months[0].responseRate == nil, "nothing issued: no rate, not zero")
        #expect(summary.months[1].issued == 15 && summary.months[1].answered == 7 && summary.months[1].responses == 8)
        #expect(summary.months[1].responseRate == 7.0 / 15.0)
        #expect(summary.totalResponses == 11)
        #expect(summary.responseRate == 7.0 / 15.0)
    }

    @Test func emptyWhenThereIsNoData() {
        let summary = VolumeSummary([])
        #expect(summary.months.isEmpty && summary.responseRate == nil)
    }
}
