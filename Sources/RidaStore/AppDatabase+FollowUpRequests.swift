import Foundation
import GRDB
import RidaCore

extension AppDatabase {
    /// Stores contact requests given directly, as a submission would have left them, opening their
    /// cases and making their moves (the demo's cases). Each unit must be known to the store.
    public func addFollowUpRequests(_ requests: [FollowUpRequest]) async throws {
        try await writer.write { db in
            let index = try DimensionIndex(db)
            var generator = SystemRandomNumberGenerator()
            for request in requests {
                guard let department = index.departments[request.unit.department] else {
                    throw StoreError.unknownReference(kind: "department", id: request.unit.department)
                }
                guard let channel = index.channels[request.unit.channel] else {
                    throw StoreError.unknownReference(kind: "channel", id: request.unit.channel)
                }
                let segment = request.unit.segment.flatMap { index.segments[$0] }
                let service = request.unit.service.flatMap { index.services[request.unit.department]?[$0] }
                let id = SpentInvitations.randomRowID(using: &generator)
                let day = CalendarDay(request.answeredAt, in: self.settings.timeZone).description
                try db.execute(
                    sql: """
                        INSERT INTO follow_up (id, day, department_id, channel_id, segment_id, service_id, locale, scores, phone, email, comment)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        id, day, department, channel, segment, service, request.locale, Self.json(request.scores), request.phone, request.email,
                        request.comment.map { Redaction.storedComment($0) },
                    ])
                guard !request.reasons.isEmpty else { continue }
                try Self.openCase(
                    db, followUpID: id, reasons: request.reasons, unit: request.unit, locale: request.locale, scores: request.scores,
                    policy: self.settings.casePolicy, at: request.answeredAt)
                let caseID = try String.fetchOne(db, sql: "SELECT case_id FROM follow_up WHERE id = ?", arguments: [id])!
                for move in request.moves {
                    let current = try String.fetchOne(db, sql: "SELECT status FROM follow_up WHERE id = ?", arguments: [id])!
                    try db.execute(
                        sql: "UPDATE follow_up SET status = ?, updated_at = ? WHERE id = ?",
                        arguments: [move.change.status.rawValue, Timestamp.seconds(move.at), id])
                    try db.execute(
                        sql: "INSERT INTO follow_up_entry (follow_up_id, at, actor, previous, status, outcome, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        arguments: [id, Timestamp.seconds(move.at), move.actor.name, current, move.change.status.rawValue, move.change.outcome?.rawValue, move.change.note])
                    try Self.appendAudit(
                        db, AuditEntry(at: move.at, actor: move.actor.name, action: "case.\(move.change.status.rawValue)", subject: caseID, detail: "from \(current)"))
                }
            }
        }
    }
}
