import Foundation
import RidaCore

/// How days are grouped into periods. Days are already the organisation's days (its time zone
/// was applied when each response or invitation was counted).
public enum PeriodKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// ISO 8601 weeks, Monday to Sunday, labelled `YYYY-Www`.
    case week
    /// Gregorian months, `YYYY-MM`.
    case month
    /// Gregorian quarters, `YYYY-Qn`.
    case quarter
    /// Hijri months of the Umm al-Qura calendar, labelled `YYYY-MM` in Hijri years (e.g. `1447-09`).
    case hijriMonth = "hijri-month"
}

/// One period: its label and its first and last day.
public struct Period: Sendable, Hashable, Comparable {
    public var kind: PeriodKind
    public var label: String
    public var first: CalendarDay
    public var last: CalendarDay

    public static func < (a: Period, b: Period) -> Bool { a.first < b.first }
}

public enum PeriodError: Error, Hashable, CustomStringConvertible {
    case unreadable(String, PeriodKind)
    case emptyRange(String, String)
    case tooLong(Int)

    public var description: String {
        switch self {
        case .unreadable(let text, let kind):
            "'\(text)' is not a \(kind.rawValue) (expected \(PeriodCalendar.example(kind)), or a date YYYY-MM-DD)"
        case .emptyRange(let from, let to): "--from \(from) comes after --to \(to)"
        case .tooLong(let count): "the range holds \(count) periods; at most \(PeriodCalendar.maximumPeriods) are analysed at once"
        }
    }
}

/// Maps days to periods of one kind.
public struct PeriodCalendar: Sendable {
    public let kind: PeriodKind
    static let maximumPeriods = 520

    private static let utc = TimeZone(identifier: "UTC")!
    private let hijri: Calendar
    private let gregorian: Calendar

    public init(_ kind: PeriodKind) {
        self.kind = kind
        var hijri = Calendar(identifier: .islamicUmmAlQura)
        hijri.timeZone = Self.utc
        self.hijri = hijri
        var gregorian = Calendar(identifier: .gregorian)
        gregorian.timeZone = Self.utc
        self.gregorian = gregorian
    }

    static func example(_ kind: PeriodKind) -> String {
        switch kind {
        case .week: "YYYY-Www, e.g. 2026-W05"
        case .month: "YYYY-MM, e.g. 2026-03"
        case .quarter: "YYYY-Qn, e.g. 2026-Q1"
        case .hijriMonth: "a Hijri YYYY-MM, e.g. 1447-09"
        }
    }

    private func date(_ day: CalendarDay) -> Date {
        Date(timeIntervalSince1970: TimeInterval(day.daysSinceEpoch) * 86400)
    }

    private func day(_ date: Date) -> CalendarDay {
        CalendarDay(daysSinceEpoch: Int((date.timeIntervalSince1970 / 86400).rounded(.down)))
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }

    /// The period a day falls in.
    public func period(containing day: CalendarDay) -> Period {
        switch kind {
        case .month:
            let first = CalendarDay(year: day.year, month: day.month, day: 1)
            let last = CalendarDay(year: day.year, month: day.month, day: CalendarDay.daysIn(year: day.year, month: day.month))
            return Period(kind: kind, label: "\(day.year)-\(Self.two(day.month))", first: first, last: last)
        case .quarter:
            let quarter = (day.month - 1) / 3
            let first = CalendarDay(year: day.year, month: quarter * 3 + 1, day: 1)
            let lastMonth = quarter * 3 + 3
            let last = CalendarDay(year: day.year, month: lastMonth, day: CalendarDay.daysIn(year: day.year, month: lastMonth))
            return Period(kind: kind, label: "\(day.year)-Q\(quarter + 1)", first: first, last: last)
        case .week:
            // ISO weekday: Monday = 0. 1970-01-01 was a Thursday.
            let number = day.daysSinceEpoch
            let weekday = ((number + 3) % 7 + 7) % 7
            let monday = number - weekday
            let thursday = CalendarDay(daysSinceEpoch: monday + 3)
            let januaryFirst = CalendarDay(year: thursday.year, month: 1, day: 1).daysSinceEpoch
            let week = (monday + 3 - januaryFirst) / 7 + 1
            return Period(
                kind: kind, label: "\(thursday.year)-W\(Self.two(week))", first: CalendarDay(daysSinceEpoch: monday),
                last: CalendarDay(daysSinceEpoch: monday + 6))
        case .hijriMonth:
            let instant = date(day)
            let parts = hijri.dateComponents([.year, .month], from: instant)
            let interval = hijri.dateInterval(of: .month, for: instant)!
            return Period(
                kind: kind, label: "\(parts.year!)-\(Self.two(parts.month!))", first: self.day(interval.start),
                last: self.day(interval.end.addingTimeInterval(-1)))
        }
    }

    /// The first day of the period a label or a date names.
    public func firstDay(of text: String) throws -> CalendarDay {
        if let day = CalendarDay(text) { return period(containing: day).first }
        let parts = text.split(separator: "-")
        guard parts.count == 2, let year = Int(parts[0]), parts[0].count == 4 else { throw PeriodError.unreadable(text, kind) }
        switch kind {
        case .month:
            guard let month = Int(parts[1]), parts[1].count == 2, (1...12).contains(month) else { throw PeriodError.unreadable(text, kind) }
            return CalendarDay(year: year, month: month, day: 1)
        case .quarter:
            guard parts[1].count == 2, parts[1].first == "Q", let quarter = Int(parts[1].dropFirst()), (1...4).contains(quarter)
            else { throw PeriodError.unreadable(text, kind) }
            return CalendarDay(year: year, month: quarter * 3 - 2, day: 1)
        case .week:
            guard parts[1].count == 3, parts[1].first == "W", let week = Int(parts[1].dropFirst()), (1...53).contains(week)
            else { throw PeriodError.unreadable(text, kind) }
            let fourth = CalendarDay(year: year, month: 1, day: 4)
            let first = period(containing: fourth).first.daysSinceEpoch + (week - 1) * 7
            let result = CalendarDay(daysSinceEpoch: first)
            guard period(containing: result).label == "\(year)-W\(Self.two(week))" else { throw PeriodError.unreadable(text, kind) }
            return result
        case .hijriMonth:
            guard let month = Int(parts[1]), parts[1].count == 2, (1...12).contains(month),
                let start = hijri.date(from: DateComponents(year: year, month: month, day: 1))
            else { throw PeriodError.unreadable(text, kind) }
            return day(start)
        }
    }

    /// Every period from the one `from` names to the one `to` names, in order.
    public func periods(from: String, to: String) throws -> [Period] {
        let start = period(containing: try firstDay(of: from))
        let end = period(containing: try firstDay(of: to))
        guard start.first <= end.first else { throw PeriodError.emptyRange(from, to) }
        var result = [start]
        while let previous = result.last, previous.label != end.label {
            result.append(period(containing: CalendarDay(daysSinceEpoch: previous.last.daysSinceEpoch + 1)))
            if result.count > Self.maximumPeriods { throw PeriodError.tooLong(result.count) }
        }
        return result
    }
}
