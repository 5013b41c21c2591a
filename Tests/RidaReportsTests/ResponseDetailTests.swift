import Testing

@testable import RidaReports

/// How much a report's rows may say of their unit: every row alike to at least `threshold` rows.
@Suite struct ResponseDetailTests {
    // Details in `Detail.allCases` order: segment, service, language, source, version.
    let common = ["hajj", "visa", "ar", "invitation", "default 1"]

    @Test func aCellWhoseCombinationsAreAllLargeShowsThemAll() {
        let other = ["umrah", "visa", "en", "invitation", "default 1"]
        let level = ResponsesCSV.withheld([common: 6, other: 5], threshold: 5)
        #expect(level.withheld.isEmpty)
        #expect(level.shown == [common, other])
    }

    /// One pilgrim served in Bengali at a desk of Arabic speakers: the language would single the
    /// row out, so it goes, for every row of the cell (a row that alone lacked it would stand out
    /// by that); the other details go with it, down the fixed levels.
    @Test func oneRowOfItsOwnHidesWhatWouldSingleItOut() {
        let alone = ["hajj", "visa", "bn", "invitation", "default 1"]
        let level = ResponsesCSV.withheld([common: 9, alone: 1], threshold: 5)
        #expect(level.withheld == Set(ResponsesCSV.Detail.allCases))
        #expect(level.shown == [["", "", "", "", ""]])
    }

    @Test func aSmallServiceGoesButTheLanguageStays() {
        let otherService = ["hajj", "transport", "ar", "invitation", "default 1"]
        let level = ResponsesCSV.withheld([common: 9, otherService: 2], threshold: 5)
        #expect(level.withheld == [.service])
        #expect(level.shown == [["hajj", "", "ar", "invitation", "default 1"]])
    }
}
