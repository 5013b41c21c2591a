import Foundation
import RidaCore
import Testing

@testable import RidaAnalytics

@Suite struct PeriodTests {
    @Test func monthsAndQuartersCoverTheirDays() throws {
        let months = PeriodCalendar(.month)
        let february = months.period(containing: CalendarDay(year: 2028, month: 2, day: 29))
        #expect(february.label == "2028-02" && february.first == CalendarDay(year: 2028, month: 2, day: 1) && february.last.day == 29)
        #expect(try months.periods(from: "2025-11", to: "2026-02").map(\.label) == ["2025-11", "2025-12", "2026-01", "2026-02"])
        let quarters = PeriodCalendar(.quarter)
        #expect(quarters.period(containing: CalendarDay(year: 2026, month: 5, day: 3)).label == "2026-Q2")
        #expect(try quarters.periods(from: "2025-Q4", to: "2026-Q1").map(\.label) == ["2025-Q4", "2026-Q1"])
    }

    @Test func weeksAreISOWeeks() throws {
        let weeks = PeriodCalendar(.week)
        // 2026-01-01 is a Thursday: week 1 of 2026 runs Monday 2025-12-29 to Sunday 2026-01-04.
        let first = weeks.period(containing: CalendarDay(year: 2026, month: 1, day: 1))
        #expect(first.label == "2026-W01")
        #expect(first.first == CalendarDay(year: 2025, month: 12, day: 29) && first.last == CalendarDay(year: 2026, month: 1, day: 4))
        // 2027-01-01 is a Friday: it belongs to 2026's week 53.
        #expect(weeks.period(containing: CalendarDay(year: 2027, month: 1, day: 1)).label == "2026-W53")
        #expect(try weeks.firstDay(of: "2026-W10") == CalendarDay(year: 2026, month: 3, day: 2))
        #expect(throws: PeriodError.self) { try weeks.firstDay(of: "2025-W53") }
    }

    /// Ramadan 1447 (Umm al-Qura) began on 2026-02-18 and ended on 2026-03-19: one Hijri month across two Gregorian months.
    @Test func aHijriMonthSpansTwoGregorianMonths() throws {
        let hijri = PeriodCalendar(.hijriMonth)
        let ramadan = hijri.period(containing: CalendarDay(year: 2026, month: 3, day: 1))
        #expect(ramadan.label == "1447-09")
        #expect(ramadan.first == CalendarDay(year: 2026, month: 2, day: 18))
        #expect(ramadan.last == CalendarDay(year: 2026, month: 3, day: 19))
        #expect(hijri.period(containing: CalendarDay(year: 2026, month: 2, day: 17)).label == "1447-08")
        #expect(try hijri.firstDay(of: "1447-09") == ramadan.first)
        let range = try hijri.periods(from: "1447-08", to: "1447-10")
        #expect(range.map(\.label) == ["1447-08", "1447-09", "1447-10"])
        // Consecutive: each period starts the day after the previous one ends.
        for (a, b) in zip(range, range.dropFirst()) { #expect(b.first.daysSinceEpoch == a.last.daysSinceEpoch + 1) }
    }

    @Test func unreadableAndReversedRangesAreRefused() {
        #expect(throws: PeriodError.unreadable("2026-13", .month)) { try PeriodCalendar(.month).periods(from: "2026-13", to: "2026-12") }
        #expect(throws: PeriodError.emptyRange("2026-05", "2026-01")) { try PeriodCalendar(.month).periods(from: "2026-05", to: "2026-01") }
        #expect(throws: PeriodError.unreadable("2026-Q5", .quarter)) { try PeriodCalendar(.quarter).periods(from: "2026-Q5", to: "2026-Q5") }
    }
}
