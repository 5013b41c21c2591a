import Foundation
import GRDB
import RidaCore

extension AppDatabase: StoreStatusReader {
    public func ping() async throws {
        _ = try await read { try Int.fetchOne($0, sql: "SELECT 1") }
    }

    public func readiness(minimumFreeBytes: Int64) async -> StoreReadiness {
        var problems: [String] = []
        var freeBytes: Int64?
        if let path = (writer as? DatabasePool)?.path {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
            var stats = statvfs()
            if statvfs(directory, &stats) == 0 {
                let free = Int64(stats.f_bavail) * Int64(stats.f_frsize)
                freeBytes = free
                if free < minimumFreeBytes {
                    problems.append(
                        "free disk space beside the database is \(free / 1_048_576) MB, below the minimum of \(minimumFreeBytes / 1_048_576) MB")
                }
            } else {
                problems.append("cannot read the free disk space of \(directory)")
            }
        }
        do {
            try await ping()
        } catch {
            problems.append("the database does not answer")
            return StoreReadiness(problems: problems, freeBytes: freeBytes)
        }
        do {
            let now = Timestamp.seconds(Date())
            try await writer.write { db in
                try db.execute(
                    sql: "INSERT INTO readiness_probe (id, checked_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at",
                    arguments: [now])
            }
        } catch let error as DatabaseError {
            problems.append("a write to the database fails: \(error.message ?? "SQLite error \(error.resultCode.rawValue)")")
        } catch {
            problems.append("a write to the database fails")
        }
        return StoreReadiness(problems: problems, freeBytes: freeBytes)
    }

    public func counts() async throws -> StoreCounts {
        try await read { db in
            StoreCounts(
                invitations: try Int.fetchOne(db, sql: "SELECT (SELECT count(*) FROM invitation) + (SELECT count(*) FROM spent_invitation)") ?? 0,
                usedInvitations: try Int.fetchOne(db, sql: "SELECT count(*) FROM spent_invitation WHERE state = 'used'") ?? 0,
                responses: try Int.fetchOne(db, sql: "SELECT count(*) FROM response") ?? 0,
                answers: try Int.fetchOne(db, sql: "SELECT count(*) FROM response, json_each(response.answers)") ?? 0,
                texts: try Int.fetchOne(db, sql: "SELECT count(*) FROM response_text") ?? 0)
        }
    }

    public func monthlyVolumes() async throws -> [MonthlyVolume] {
        // From the invitation cells (by the day of issue in the organisation's time zone): an
        // answered invitation keeps no row with its unit.
        try await read { db in
            var volumes: [String: MonthlyVolume] = [:]
            let invitationRows = try Row.fetchAll(
                db,
                sql: """
                    SELECT strftime('%Y-%m', cell.day * 86400, 'unixepoch') AS month, department.code, channel.code,
                        sum(cell.issued), sum(cell.answered)
                    FROM invitation_cell_dc AS cell
                    JOIN department ON department.id = cell.department_id
                    JOIN channel ON channel.id = cell.channel_id
                    GROUP BY 1, 2, 3
                    """)
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
