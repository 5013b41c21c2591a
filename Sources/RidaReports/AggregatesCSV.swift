import Foundation
import RidaAnalytics
import RidaCore

/// `aggregates.csv`: one row per metric, level, unit and period — n, value, interval, whether it
/// is suppressed, and the comparison flag for the report's own period. Hidden cells have empty
/// n, value and interval, exactly as in the analysis.
public enum AggregatesCSV {
    public static let columns = [
        "period", "calendar", "metric", "item", "level", "department", "channel", "n", "value", "lower", "upper", "suppressed", "lowNumbers",
        "flag",
    ]

    /// `analyses`: the analyses of the report (each with its `by`); `calendar`: `gregorian` or `hijri`.
    public static func write(_ analyses: [AnalysisResult], calendar: String, to writer: CSVWriter) throws {
        try writer.header(columns)
        for analysis in analyses {
            let level = analysis.by.isEmpty ? "all" : analysis.by.map(\.rawValue).joined(separator: "×")
            for metric in analysis.metrics {
                let latest = metric.latest
                func rows(_ series: UnitSeries, level: String) throws {
                    let department = series.unit["department"] ?? nil
                    let channel = series.unit["channel"] ?? nil
                    let flag = latest?.units.first { $0.unit == series.unit && !series.unit.isEmpty }?.flag
                    for point in series.series {
                        func number(_ value: Double?) -> CSVWriter.Cell { value.map(CSVWriter.Cell.number) ?? .empty }
                        try writer.row([
                            .text(point.period), .text(calendar), .text(metric.metric.rawValue), metric.item.map(CSVWriter.Cell.text) ?? .empty,
                            .text(level), department.map(CSVWriter.Cell.text) ?? .empty, channel.map(CSVWriter.Cell.text) ?? .empty,
                            point.n.map(CSVWriter.Cell.integer) ?? .empty, number(point.value), number(point.lower), number(point.upper),
                            .text(point.suppressed ? "true" : "false"), .text(point.lowNumbers ? "true" : "false"),
                            point.period == analysis.to ? (flag.map(CSVWriter.Cell.text) ?? .empty) : .empty,
                        ])
                    }
                }
                if analysis.by == [.department] { try rows(metric.total, level: "all") }
                for series in metric.units { try rows(series, level: level) }
            }
        }
    }
}

/// `manifest.json`: what the snapshot holds and the SHA-256 of every file, so it can be checked later.
public struct ReportManifest: Codable, Sendable {
    public struct File: Codable, Sendable {
        public var name: String
        public var bytes: Int
        public var sha256: String

        public init(name: String, bytes: Int, sha256: String) {
            self.name = name
            self.bytes = bytes
            self.sha256 = sha256
        }
    }

    public struct Suppression: Codable, Sendable {
        public var threshold: Int
        public var flagFrom: Int
        /// Cells hidden because of their own n, and hidden so as not to be derivable from totals.
        public var primaryCells: Int
        public var secondaryCells: Int
        /// Department × channel cells of the period whose comments and responses were withheld.
        public var withheldCells: Int
        public var withheldResponses: Int

        public init(threshold: Int, flagFrom: Int, primaryCells: Int, secondaryCells: Int, withheldCells: Int, withheldResponses: Int) {
            self.threshold = threshold
            self.flagFrom = flagFrom
            self.primaryCells = primaryCells
            self.secondaryCells = secondaryCells
            self.withheldCells = withheldCells
            self.withheldResponses = withheldResponses
        }
    }

    public var period: String
    public var calendar: String
    public var first: String
    public var last: String
    public var timeZone: String
    public var methodsVersion: String
    public var questionnaireVersions: [String]
    public var generatedAt: String
    public var suppression: Suppression
    public var files: [File]
    /// Set when retention removed the month's comments (from `review.*.html` and `responses.csv`).
    public var commentsRemoved: CommentsRemoval?

    /// When and why a month's comments were removed from its files.
    public struct CommentsRemoval: Codable, Sendable, Hashable {
        /// ISO 8601.
        public var at: String
        public var retentionDays: Int
        /// The first day whose comments are kept.
        public var before: String
        public var reason: String

        public init(at: String, retentionDays: Int, before: String, reason: String) {
            self.at = at
            self.retentionDays = retentionDays
            self.before = before
            self.reason = reason
        }
    }

    public init(
        period: String, calendar: String, first: String, last: String, timeZone: String, methodsVersion: String, questionnaireVersions: [String],
        generatedAt: String, suppression: Suppression, files: [File]
    ) {
        self.period = period
        self.calendar = calendar
        self.first = first
        self.last = last
        self.timeZone = timeZone
        self.methodsVersion = methodsVersion
        self.questionnaireVersions = questionnaireVersions
        self.generatedAt = generatedAt
        self.suppression = suppression
        self.files = files
    }

    /// Counts of hidden cells across analyses.
    public static func hiddenCells(_ analyses: [AnalysisResult]) -> (primary: Int, secondary: Int) {
        var primary = 0, secondary = 0
        for analysis in analyses {
            for metric in analysis.metrics {
                for point in metric.units.flatMap(\.series) where point.suppressed {
                    if point.secondary { secondary += 1 } else { primary += 1 }
                }
            }
        }
        return (primary, secondary)
    }
}
