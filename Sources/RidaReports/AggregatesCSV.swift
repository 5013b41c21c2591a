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
        /// `shown-cells`: every total and margin in the report set is the sum of shown
        /// department × channel cells only, so a hidden cell is part of no published sum.
        /// (Absent from manifests written before totals were sums of shown cells.)
        public var margins: String?
        /// Department × channel × period cells hidden for their own size, over every metric of
        /// the report's analyses.
        public var primaryCells: Int
        /// Cells hidden only to protect another, and the responses in them: none, by design.
        public var secondaryCells: Int
        public var secondaryResponses: Int?
        /// Only in manifests written before: the responses of the withheld cells, which gave a
        /// lone withheld cell's size. Kept as read, never written anew.
        public var withheldResponses: Int?
        /// Department × channel cells of the period whose comments and responses were withheld
        /// from `responses.csv` and the review (hidden in at least one metric). How many responses
        /// they hold is not published: with one such cell it would be that cell's size.
        public var withheldCells: Int

        public init(threshold: Int, flagFrom: Int, primaryCells: Int, withheldCells: Int) {
            self.threshold = threshold
            self.flagFrom = flagFrom
            margins = AnalysisResult.shownCells
            self.primaryCells = primaryCells
            secondaryCells = 0
            secondaryResponses = 0
            self.withheldCells = withheldCells
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
    /// True for a report written before its month was frozen (absent otherwise).
    public var provisional: Bool?
    /// What the set was computed from, so that a change of the month's data after it was frozen
    /// is seen (absent from manifests written before).
    public var computedFrom: Source?
    /// In an amended set: the folder name of the set it replaces, which is kept unchanged.
    public var replaces: String?
    /// In an amended set: 1 for the first amendment of the month, 2 for the next, …
    public var amendment: Int?

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

    /// Protected cells hidden across the metrics of analyses (each counted once per metric, at
    /// its protected grain).
    public static func hiddenCells(_ analyses: [AnalysisResult]) -> Int {
        analyses.reduce(0) { total, analysis in total + analysis.metrics.reduce(0) { $0 + $1.hiddenCells } }
    }
}
