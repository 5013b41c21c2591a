import Foundation

/// An open invitation's times are kept to the day: issued at the start of its day of issue,
/// expiring at the end of a day (in the organisation's time zone). To the second, they would let
/// whoever issued the invitations recognise each open one, and so, by elimination, know which of
/// theirs were answered.
public enum InvitationTimes {
    /// The start of the day of `date`.
    public static func startOfDay(_ date: Date, in timeZone: TimeZone) -> Date {
        CalendarDay(date, in: timeZone).start(in: timeZone)
    }

    /// The end of the day of `date` (the next day's start); a day's start stays as it is.
    public static func endOfDay(_ date: Date, in timeZone: TimeZone) -> Date {
        let start = startOfDay(date, in: timeZone)
        return start == date ? date : CalendarDay(date, in: timeZone).adding(days: 1).start(in: timeZone)
    }
}
