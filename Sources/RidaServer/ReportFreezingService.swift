import Foundation
import Logging
import RidaCore
import RidaReports
import ServiceLifecycle

/// Writes the reports of frozen months (`ReportFreezer`) when the server starts, then every hour
/// and just after each midnight of the organisation's time zone, when a month's grace period ends.
public struct ReportFreezingService: ServiceLifecycle.Service, Sendable {
    let freezer: ReportFreezer
    let logger: Logger

    /// The longest wait between two runs: an import into a frozen month is amended within it.
    public static let interval: TimeInterval = 3600

    public init(freezer: ReportFreezer, logger: Logger) {
        self.freezer = freezer
        self.logger = logger
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown { try await freezePeriodically() }
    }

    private func freezePeriodically() async throws {
        while !Task.isCancelled {
            let now = Date()
            do {
                let summary = try await freezer.run(today: CalendarDay(now, in: freezer.timeZone))
                for set in summary.written {
                    logger.info("report set written", metadata: ["set": "\(set.name)", "replaces": "\(set.replaces ?? "none")"])
                }
                for failure in summary.failed {
                    logger.error(
                        "report set not written", metadata: ["set": "\(failure.name)", "error": "\(String(describing: type(of: failure.error)))"])
                }
                // Once a run is over, every frozen month has its set (or a logged failure).
                logger.info("reports frozen", metadata: ["written": "\(summary.written.count)", "failed": "\(summary.failed.count)"])
            } catch {
                logger.error("reports not frozen", metadata: ["error": "\(String(describing: type(of: error)))"])
            }
            try? await Task.sleep(for: .seconds(Self.wait(after: now, in: freezer.timeZone)))
        }
    }

    /// Seconds to the next run: an hour, or less when a midnight comes first (a minute after it).
    static func wait(after date: Date, in timeZone: TimeZone) -> TimeInterval {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        guard let midnight = calendar.nextDate(after: date, matching: DateComponents(hour: 0, minute: 0, second: 0), matchingPolicy: .nextTime)
        else { return interval }
        return max(1, min(interval, midnight.timeIntervalSince(Date()) + 60))
    }
}
