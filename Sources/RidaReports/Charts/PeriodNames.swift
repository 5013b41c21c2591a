import Foundation
import RidaAnalytics
import RidaCore

/// Month names for period labels, in Arabic or English: a Gregorian month (`2026-11`) is written
/// "Nov 2026" and names the Hijri months it overlaps ("Jum. I–II 1448"); a Hijri month (`1448-09`,
/// Umm al-Qura, as in `PeriodCalendar`) is written "Ramadan 1448" and names the Gregorian months it
/// overlaps. Labels of other periods (weeks, quarters) are returned as they are.
public struct PeriodNames: Sendable, Hashable {
    public var arabic: Bool
    /// The labels are Hijri months.
    public var hijri: Bool

    public init(language: String, hijri: Bool) {
        arabic = language == "ar"
        self.hijri = hijri
    }

    static let gregorianShort = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    static let gregorianLong = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    ]
    static let gregorianArabic = ["يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر"]
    static let hijriShort = ["Muh.", "Saf.", "Rab. I", "Rab. II", "Jum. I", "Jum. II", "Raj.", "Sha.", "Ram.", "Shaw.", "Dhuʻl-Q.", "Dhuʻl-H."]
    static let hijriLong = [
        "Muharram", "Safar", "Rabiʻ I", "Rabiʻ II", "Jumada I", "Jumada II", "Rajab", "Shaʻban", "Ramadan", "Shawwal", "Dhuʻl-Qiʻdah",
        "Dhuʻl-Hijjah",
    ]
    static let hijriArabic = [
        "محرم", "صفر", "ربيع الأول", "ربيع الآخر", "جمادى الأولى", "جمادى الآخرة", "رجب", "شعبان", "رمضان", "شوال", "ذو القعدة", "ذو الحجة",
    ]

    /// Year and month of a `YYYY-MM` label.
    static func parts(_ label: String) -> (year: Int, month: Int)? {
        let pieces = label.split(separator: "-")
        guard pieces.count == 2, pieces[0].count == 4, pieces[1].count == 2, let year = Int(pieces[0]), let month = Int(pieces[1]),
            (1...12).contains(month)
        else { return nil }
        return (year, month)
    }

    private func monthName(_ month: Int, hijri: Bool, long: Bool) -> String {
        switch (hijri, arabic) {
        case (true, true): Self.hijriArabic[month - 1]
        case (true, false): (long ? Self.hijriLong : Self.hijriShort)[month - 1]
        case (false, true): Self.gregorianArabic[month - 1]
        case (false, false): (long ? Self.gregorianLong : Self.gregorianShort)[month - 1]
        }
    }

    /// "Nov 2026", "نوفمبر 2026", "Ram. 1448" (long: "Ramadan 1448"), "رمضان 1448".
    public func name(_ label: String, long: Bool = false) -> String {
        guard let (year, month) = Self.parts(label) else { return label }
        return "\(monthName(month, hijri: hijri, long: long)) \(year)"
    }

    /// The months of the other calendar that the period overlaps, in order: "Jum. I–II 1448",
    /// "Dhuʻl-H. 1447 – Muh. 1448", "Sep–Oct 2026"; nil for a label that is not a month.
    public func overlap(_ label: String, long: Bool = false) -> String? {
        guard let (year, month) = Self.parts(label) else { return nil }
        let first: CalendarDay
        let last: CalendarDay
        if hijri {
            guard let day = try? PeriodCalendar(.hijriMonth).firstDay(of: label) else { return nil }
            let period = PeriodCalendar(.hijriMonth).period(containing: day)
            first = period.first
            last = period.last
        } else {
            first = CalendarDay(year: year, month: month, day: 1)
            last = CalendarDay(year: year, month: month, day: CalendarDay.daysIn(year: year, month: month))
        }
        let other = PeriodCalendar(hijri ? .month : .hijriMonth)
        var months: [(year: Int, month: Int)] = []
        var day = first
        while day <= last, months.count < 4 {
            let period = other.period(containing: day)
            if let parts = Self.parts(period.label) { months.append(parts) }
            day = CalendarDay(daysSinceEpoch: period.last.daysSinceEpoch + 1)
        }
        guard let start = months.first, let end = months.last else { return nil }
        let names = months.map { monthName($0.month, hijri: !hijri, long: long) }
        if months.count == 1 { return "\(names[0]) \(start.year)" }
        if start.year != end.year { return "\(names[0]) \(start.year) – \(names[names.count - 1]) \(end.year)" }
        return "\(Self.range(names)) \(start.year)"
    }

    /// "Jum. I–II" for names that differ only in their last word, else "Rab. II–Jum. I".
    static func range(_ names: [String]) -> String {
        guard let first = names.first, let last = names.last, names.count > 1 else { return names.first ?? "" }
        func split(_ name: String) -> (String, String)? {
            guard let space = name.lastIndex(of: " ") else { return nil }
            return (String(name[..<space]), String(name[name.index(after: space)...]))
        }
        if let (a, tailA) = split(first), let (b, tailB) = split(last), a == b, names.count == 2 { return "\(a) \(tailA)–\(tailB)" }
        return "\(first)–\(last)"
    }

    /// The name with the other calendar's months: "Nov 2026 (Jum. I–II 1448)".
    public func full(_ label: String, long: Bool = false) -> String {
        guard let overlap = overlap(label, long: long) else { return label }
        return "\(name(label, long: long)) (\(overlap))"
    }
}
