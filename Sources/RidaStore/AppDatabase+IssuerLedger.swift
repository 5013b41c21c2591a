import Foundation
import GRDB
import RidaCore

extension AppDatabase: IssuerLedger {
    public func issue(_ invitations: [NewInvitation], by keyName: String, on day: CalendarDay) async throws {
        var tally: [String: [String: Int]] = [:]
        for new in invitations { tally[new.invitation.unit.department, default: [:]][new.invitation.unit.channel, default: 0] += 1 }
        let counts = tally
        try await writer.write { db in
            try self.insertIssued(invitations, db, progress: nil)
            // Earlier days are dropped: the counts serve today's desk, and nothing else.
            try db.execute(sql: "DELETE FROM issuer_day_count WHERE day <> ?", arguments: [day.description])
            for (department, channels) in counts {
                for (channel, count) in channels {
                    try db.execute(
                        sql: """
                            INSERT INTO issuer_day_count (key_name, day, department, channel, issued) VALUES (?, ?, ?, ?, ?)
                            ON CONFLICT (key_name, day, department, channel) DO UPDATE SET issued = issued + excluded.issued
                            """, arguments: [keyName, day.description, department, channel, count])
                }
            }
        }
    }

    public func issuedCounts(by keyName: String, on day: CalendarDay) async throws -> [IssuedCount] {
        try await read { db in
            try Row.fetchAll(
                db, sql: "SELECT department, channel, issued FROM issuer_day_count WHERE key_name = ? AND day = ? ORDER BY department, channel",
                arguments: [keyName, day.description]
            ).map { IssuedCount(department: $0["department"], channel: $0["channel"], count: $0["issued"]) }
        }
    }
}
