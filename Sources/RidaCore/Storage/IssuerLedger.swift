import Foundation

/// How many invitations one key issued on one day for one department and channel: what the
/// staff console shows the person at the desk. Counts only; never who received them.
public struct IssuedCount: Hashable, Sendable {
    public var department: String
    public var channel: String
    public var count: Int

    public init(department: String, channel: String, count: Int) {
        self.department = department
        self.channel = channel
        self.count = count
    }
}

/// Invitations issued under an API key, counted per key and day. The store keeps the counts of
/// the current day only: they serve the desk, not an evaluation of the people who issue.
public protocol IssuerLedger: Sendable {
    /// Stores the invitations as `SurveyStore.issue` does (all or nothing) and, in the same
    /// transaction, adds them to the key's counts of `day`.
    func issue(_ invitations: [NewInvitation], by keyName: String, on day: CalendarDay) async throws
    /// The key's counts of `day`, by department and channel.
    func issuedCounts(by keyName: String, on day: CalendarDay) async throws -> [IssuedCount]
}
