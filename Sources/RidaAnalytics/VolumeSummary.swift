import RidaCore

/// Volumes per month across all units: responses, invitations issued and answered, and the
/// response rate (answered / issued).
public struct VolumeSummary: Sendable, Hashable {
    public struct Month: Sendable, Hashable {
        public var month: String
        public var responses: Int
        public var issued: Int
        public var answered: Int

        /// Answered / issued, or nil when nothing was issued.
        public var responseRate: Double? {
            issued == 0 ? nil : Double(answered) / Double(issued)
        }
    }

    public var months: [Month]

    public init(_ volumes: [MonthlyVolume]) {
        var byMonth: [String: Month] = [:]
        for volume in volumes {
            var month = byMonth[volume.month] ?? Month(month: volume.month, responses: 0, issued: 0, answered: 0)
            month.responses += volume.responses
            month.issued += volume.issued
            month.answered += volume.answered
            byMonth[volume.month] = month
        }
        months = byMonth.values.sorted { $0.month < $1.month }
    }

    public var totalResponses: Int { months.reduce(0) { $0 + $1.responses } }
    public var totalIssued: Int { months.reduce(0) { $0 + $1.issued } }
    public var totalAnswered: Int { months.reduce(0) { $0 + $1.answered } }

    public var responseRate: Double? {
        totalIssued == 0 ? nil : Double(totalAnswered) / Double(totalIssued)
    }
}
