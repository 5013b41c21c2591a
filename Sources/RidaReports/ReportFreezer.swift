import Foundation
import RidaAnalytics
import RidaCore

/// Writes the report sets a reports folder owes: the frozen set of every month that is due (over,
/// with its grace period) and has data but no set yet, and an amended set beside a frozen one
/// whose month's data changed since. The server runs it at start and then periodically; opening
/// a report never writes one. Months that have not begun, are still open, or end before the
/// first data are never written.
public struct ReportFreezer: Sendable {
    public let writer: ReportWriter
    /// The reports folder: one folder per set, `gregorian-2026-10`, `hijri-1448-04`, …
    public let directory: URL
    public var schedule: ReportSchedule
    public let timeZone: TimeZone
    public var languages = ["ar", "en"]

    public init(writer: ReportWriter, directory: URL, schedule: ReportSchedule, timeZone: TimeZone) {
        self.writer = writer
        self.directory = directory
        self.schedule = schedule
        self.timeZone = timeZone
    }

    static let calendars: [(name: String, kind: PeriodKind)] = [("gregorian", .month), ("hijri", .hijriMonth)]

    /// A set the run wrote.
    public struct Written: Sendable, Hashable {
        /// Its folder name (`gregorian-2026-10`, `gregorian-2026-10-amended-1`).
        public var name: String
        /// For an amended set, the folder name of the set it replaces.
        public var replaces: String?

        public init(name: String, replaces: String? = nil) {
            self.name = name
            self.replaces = replaces
        }
    }

    public struct Summary: Sendable {
        public var written: [Written] = []
        /// Sets that could not be written, with the reason; the next run tries again.
        public var failed: [(name: String, error: any Error)] = []
    }

    /// Every due month with data, newest first, in both calendars, brought up to date.
    public func run(today: CalendarDay) async throws -> Summary {
        var summary = Summary()
        guard let firstDataDay = try await writer.store.firstDataDay() else { return summary }
        for (name, kind) in Self.calendars {
            let calendar = PeriodCalendar(kind)
            var month = calendar.period(containing: today)
            let earliest = calendar.period(containing: firstDataDay)
            while month.first >= earliest.first {
                // A server shutting down stops after the set it is writing.
                guard !Task.isCancelled else { return summary }
                if schedule.status(of: month, today: today, firstDataDay: firstDataDay) == .due {
                    let sets = ReportSets(directory: directory, calendar: name, period: month.label)
                    do {
                        if let written = try await bringUpToDate(sets, calendar: name, month: month) { summary.written.append(written) }
                    } catch {
                        summary.failed.append((sets.base.lastPathComponent, error))
                    }
                }
                month = calendar.period(containing: month.first.adding(days: -1))
            }
        }
        return summary
    }

    /// Writes the month's frozen set, or an amended one when its data changed; nil when its
    /// latest set is current.
    func bringUpToDate(_ sets: ReportSets, calendar: String, month: Period) async throws -> Written? {
        let source = try await ReportManifest.Source.of(first: month.first, last: month.last, cells: writer.store)
        let amendment: ReportAmendment?
        switch sets.need(source) {
        case .current: return nil
        case .frozen: amendment = nil
        case .amended(let replaced, let number): amendment = ReportAmendment(replaces: replaced.name, number: number)
        }
        let folder = sets.folder(amendment: amendment?.number ?? 0)
        // Written beside, then moved into place: a reader never sees a half-written set, and a
        // set already in place (written by another instance meanwhile) is never replaced.
        let staging = directory.appendingPathComponent(".\(calendar)-\(month.label)-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: staging) }
        _ = try await writer.write(period: month.label, hijri: calendar == "hijri", languages: languages, to: staging, amendment: amendment)
        guard !FileManager.default.fileExists(atPath: folder.path) else { return nil }
        try FileManager.default.moveItem(at: staging, to: folder)
        return Written(name: folder.lastPathComponent, replaces: amendment?.replaces)
    }
}
