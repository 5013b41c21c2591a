import Foundation
import GRDB
import RidaCore

extension AppDatabase: StoreStatusReader {
    public func ping() async throws {
        _ = try await read { try Int.fetchOne($0, sql: "SELECT 1") }
    }

    public func counts() async throws -> StoreCounts {
        try await read { db in
            StoreCounts(
                invitations: try Int.fetchOne(db, sql: "SELECT count(*) FROM invitation") ?? 0,
                usedInvitations: try Int.fetchOne(db, sql: "SELECT count(*) FROM invitation WHERE used_at IS NOT NULL") ?? 0,
                responses: try Int.fetchOne(db, sql: "SELECT count(*) FROM response") ?? 0,
                answers: try Int.fetchOne(db, sql: "SELECT count(*) FROM response, json_each(response.answers)") ?? 0,
                texts: try Int.fetchOne(db, sql: "SELECT count(*) FROM response_text") ?? 0)
        }
    }

    public func monthlyVolumes() async throws -> [MonthlyVolume] {
        // Invitation times are UTC; shift them into the organisation's time zone before taking
        // the month. Offsets are taken per row's own instant would need a zone database in SQL,
        // so the zone's standard offset is used (exact for zones without daylight saving,
        // such as Asia/Riyadh).
        let offset = settings.timeZone.secondsFromGMT()
        return try await read { db in
            var volumes: [String: MonthlyVolume] = [:]
            let invitationRows = try Row.fetchAll(
                db,
                sql: """
                    SELECT strftime('%Y-%m', issued_at + ?, 'unixepoch') AS month, department.code, channel.code,
                        count(*), count(used_at)
                    FROM invitation
                    JOIN department ON department.id = invitation.department_id
                    JOIN channel ON channel.id = invitation.channel_id
                    GROUP BY 1, 2, 3
                    """, arguments: [offset])
            for row in invitationRows {
                let key = "\(row[0] as String)|\(row[1] as String)|\(row[2] as String)"
                volumes[key] = MonthlyVolume(month: row[0], department: row[1], channel: row[2], issued: row[3], answered: row[4], responses: 0)
            }
            let responseRows = try Row.fetchAll(
                db,
                sql: """
                    SELECT substr(day, 1, 7), department.code, channel.code, count(*)
                    FROM response
                    JOIN department ON department.id = response.department_id
                    JOIN channel ON channel.id = response.channel_id
                    GROUP BY 1, 2, 3
                    """)
            for row in responseRows {
                let key = "\(row[0] as String)|\(row[1] as String)|\(row[2] as String)"
                volumes[key, default: MonthlyVolume(month: row[0], department: row[1], channel: row[2], issued: 0, answered: 0, responses: 0)]
                    .responses = row[3]
            }
            return volumes.values.sorted { ($0.month, $0.department, $0.channel) < ($1.month, $1.department, $1.channel) }
        }
    }
}
