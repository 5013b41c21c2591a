import RidaAnalytics
import RidaCore

/// When a month's report may be written: never for a month that has not begun or that ends
/// before the first data, and — frozen — only once the month is over and a grace period for late
/// paper and phone imports has passed. Before then a report is provisional, on request only.
public struct ReportSchedule: Sendable, Hashable {
    /// Days after a month ends before its report is frozen.
    public var graceDays: Int

    public static let defaultGraceDays = 5

    public init(graceDays: Int = ReportSchedule.defaultGraceDays) {
        self.graceDays = graceDays
    }

    public enum Status: Sendable, Hashable {
        /// The month has not begun.
        case future
        /// The month ends before the first response or invitation (`first`, nil: there is none).
        case beforeData(first: CalendarDay?)
        /// Not yet frozen: a provisional report only, until `freezesOn`.
        case open(freezesOn: CalendarDay)
        /// Over, with its grace period: the report may be frozen.
        case due
    }

    public func status(of period: Period, today: CalendarDay, firstDataDay: CalendarDay?) -> Status {
        if period.first > today { return .future }
        guard let firstDataDay, period.last >= firstDataDay else { return .beforeData(first: firstDataDay) }
        let freezesOn = period.last.adding(days: graceDays + 1)
        return today < freezesOn ? .open(freezesOn: freezesOn) : .due
    }
}
