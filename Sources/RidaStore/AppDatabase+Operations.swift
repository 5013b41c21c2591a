import Foundation
import GRDB
import RidaCore

/// A random identifier for rows people refer to (cases, actions, events): 128 bits, hex.
func randomIdentifier() -> String {
    var generator = SystemRandomNumberGenerator()
    return (0..<2).map { _ in String(generator.next() as UInt64, radix: 16).leftPadded(to: 16) }.joined()
}

extension String {
    fileprivate func leftPadded(to length: Int) -> String {
        count >= length ? self : String(repeating: "0", count: length - count) + self
    }
}

/// ISO 8601 in UTC, as events and the API show instants.
func isoInstant(_ date: Date) -> String {
    date.formatted(.iso8601)
}

extension AppDatabase: OperationsStore {
    // MARK: Follow-up cases

    /// Opens a follow-up case for the request just inserted as `followUpID`, and queues its event.
    static func openCase(
        _ db: Database, followUpID: Int64, reasons: [CaseReason], unit: ServiceUnit, locale: String, scores: [String: String],
        policy: CasePolicy, at date: Date
    ) throws {
        let id = randomIdentifier()
        // To the hour: to the second, the case's times would be those of the answer itself. The
        // due time keeps its meaning (at most an hour earlier than promised, never later).
        let seconds = Timestamp.seconds(date)
        let now = seconds - seconds % 3600
        let due = now + Int64(policy.dueWithinHours) * 3600
        try db.cachedStatement(
            sql: """
                UPDATE follow_up SET case_id = ?, status = 'open', reasons = ?, opened_at = ?, due_at = ?, updated_at = ?
                WHERE id = ?
                """
        ).execute(arguments: [id, reasons.map(\.rawValue).joined(separator: ","), now, due, now, followUpID])
        var body: [String: any Sendable] = [
            "id": id, "status": CaseStatus.open.rawValue, "reasons": reasons.map(\.rawValue), "department": unit.department,
            "channel": unit.channel, "locale": locale, "scores": scores, "dueAt": isoInstant(Date(timeIntervalSince1970: TimeInterval(due))),
        ]
        if let segment = unit.segment { body["segment"] = segment }
        if let service = unit.service { body["service"] = service }
        try enqueueEvent(db, kind: "case.opened", payload: ["case": body], at: Date(timeIntervalSince1970: TimeInterval(now)))
    }

    /// Puts an event in the outbox, in the caller's transaction: it is sent only if that commits.
    static func enqueueEvent(_ db: Database, kind: String, payload: [String: any Sendable], at date: Date) throws {
        let id = randomIdentifier()
        var envelope = payload
        envelope["id"] = id
        envelope["type"] = kind
        envelope["createdAt"] = isoInstant(date)
        let data = try JSONSerialization.data(withJSONObject: envelope, options: [.sortedKeys, .withoutEscapingSlashes])
        try db.cachedStatement(sql: "INSERT INTO webhook_event (id, kind, body, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [id, kind, String(decoding: data, as: UTF8.self), Timestamp.seconds(date), Timestamp.seconds(date)])
    }

    private static let caseSelect = """
        SELECT follow_up.case_id, follow_up.status, follow_up.reasons, follow_up.day, department.code AS department,
            channel.code AS channel, segment.code AS segment, service.code AS service, follow_up.locale, follow_up.scores,
            follow_up.phone, follow_up.email, follow_up.opened_at, follow_up.due_at, follow_up.updated_at, follow_up.comment, follow_up.id AS row_id
        FROM follow_up
        JOIN department ON department.id = follow_up.department_id
        JOIN channel ON channel.id = follow_up.channel_id
        LEFT JOIN segment ON segment.id = follow_up.segment_id
        LEFT JOIN service ON service.id = follow_up.service_id
        """

    /// The cases of these rows, each with its history (one query for all of them).
    private static func followUpCases(_ db: Database, _ rows: [Row]) throws -> [FollowUpCase] {
        guard !rows.isEmpty else { return [] }
        var history: [Int64: [CaseHistoryEntry]] = [:]
        let ids: [Int64] = rows.map { $0["row_id"] }
        let entries = try Row.fetchAll(
            db,
            sql: """
                SELECT follow_up_id, at, actor, previous, status, outcome, note FROM follow_up_entry
                WHERE follow_up_id IN (SELECT value FROM json_each(?)) ORDER BY at, id
                """, arguments: ["[" + ids.map(String.init).joined(separator: ",") + "]"])
        for entry in entries {
            history[entry["follow_up_id"], default: []].append(
                CaseHistoryEntry(
                    at: Date(timeIntervalSince1970: TimeInterval(entry["at"] as Int64)), actor: entry["actor"],
                    previous: CaseStatus(rawValue: entry["previous"]) ?? .open, status: CaseStatus(rawValue: entry["status"]) ?? .open,
                    outcome: (entry["outcome"] as String?).flatMap(CaseOutcome.init(rawValue:)), note: entry["note"]))
        }
        return rows.map { row in
            var followUp = followUpCase(row)
            followUp.history = history[row["row_id"]] ?? []
            return followUp
        }
    }

    private static func followUpCase(_ row: Row) -> FollowUpCase {
        func date(_ column: String) -> Date { Date(timeIntervalSince1970: TimeInterval(row[column] as Int64)) }
        let scores = (try? JSONDecoder().decode([String: String].self, from: Data((row["scores"] as String).utf8))) ?? [:]
        return FollowUpCase(
            id: row["case_id"], status: CaseStatus(rawValue: row["status"]) ?? .open,
            reasons: (row["reasons"] as String? ?? "").split(separator: ",").compactMap { CaseReason(rawValue: String($0)) }, day: row["day"],
            department: row["department"], channel: row["channel"], segment: row["segment"], service: row["service"], locale: row["locale"],
            scores: scores, comment: row["comment"], phone: row["phone"], email: row["email"], openedAt: date("opened_at"), dueAt: date("due_at"),
            updatedAt: date("updated_at"))
    }

    public func cases(status: CaseStatus?, limit: Int) async throws -> [FollowUpCase] {
        try await read { db in
            let filter = status == nil ? "follow_up.case_id IS NOT NULL" : "follow_up.status = ?"
            let arguments: StatementArguments = status.map { [$0.rawValue, limit] } ?? [limit]
            let rows = try Row.fetchAll(
                db,
                sql: """
                    \(Self.caseSelect) WHERE \(filter)
                    ORDER BY CASE follow_up.status WHEN 'open' THEN 0 WHEN 'contacted' THEN 1 ELSE 2 END, follow_up.due_at, follow_up.case_id
                    LIMIT ?
                    """, arguments: arguments)
            return try Self.followUpCases(db, rows)
        }
    }

    public func resolvedCases(limit: Int) async throws -> [FollowUpCase] {
        try await read { db in
            let rows = try Row.fetchAll(
                db,
                sql: "\(Self.caseSelect) WHERE follow_up.status = 'resolved' ORDER BY follow_up.updated_at DESC, follow_up.case_id LIMIT ?",
                arguments: [limit])
            return try Self.followUpCases(db, rows)
        }
    }

    public func updateCase(id: String, _ change: CaseChange, by actor: Actor, at date: Date) async throws -> CaseUpdateOutcome {
        let problems = change.problems
        guard problems.isEmpty else { return .invalid(problems) }
        return try await writer.write { db in
            guard let found = try Row.fetchOne(db, sql: "SELECT id, status FROM follow_up WHERE case_id = ?", arguments: [id]),
                let currentStatus = CaseStatus(rawValue: found["status"])
            else { return .notFound }
            guard change.applies(to: currentStatus) else { return .refused(current: currentStatus) }
            let current = currentStatus.rawValue, status = change.status.rawValue
            try db.execute(sql: "UPDATE follow_up SET status = ?, updated_at = ? WHERE case_id = ?", arguments: [status, Timestamp.seconds(date), id])
            try db.execute(
                sql: "INSERT INTO follow_up_entry (follow_up_id, at, actor, previous, status, outcome, note) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [found["id"] as Int64, Timestamp.seconds(date), actor.name, current, status, change.outcome?.rawValue, change.note])
            // The audit log and the event say what moved and the outcome; the note, which is about a
            // person, stays with the case and goes with it.
            let action = status == current ? "case.noted" : "case.\(status)"
            let detail = "from \(current)" + (change.outcome.map { ", \($0.rawValue)" } ?? "") + (change.note == nil ? "" : ", note")
            try Self.appendAudit(db, AuditEntry(at: date, actor: actor.name, action: action, subject: id, detail: detail))
            var event: [String: any Sendable] = ["id": id, "status": status, "previous": current]
            if let outcome = change.outcome { event["outcome"] = outcome.rawValue }
            try Self.enqueueEvent(db, kind: "case.updated", payload: ["case": event], at: date)
            let rows = try Row.fetchAll(db, sql: "\(Self.caseSelect) WHERE follow_up.case_id = ?", arguments: [id])
            guard let updated = try Self.followUpCases(db, rows).first else { return .notFound }
            return .updated(updated)
        }
    }

    // MARK: Improvement actions

    private static let actionSelect = """
        SELECT improvement_action.*, department.code AS department, channel.code AS channel
        FROM improvement_action
        JOIN department ON department.id = improvement_action.department_id
        LEFT JOIN channel ON channel.id = improvement_action.channel_id
        """

    private static func action(_ row: Row) -> ImprovementAction {
        ImprovementAction(
            id: row["id"], department: row["department"], channel: row["channel"], item: row["item"], description: row["description"],
            ownerRole: row["owner_role"], startDay: row["start_day"], status: ActionStatus(rawValue: row["status"]) ?? .active,
            createdAt: Date(timeIntervalSince1970: TimeInterval(row["created_at"] as Int64)),
            updatedAt: Date(timeIntervalSince1970: TimeInterval(row["updated_at"] as Int64)))
    }

    public func actions() async throws -> [ImprovementAction] {
        try await read { db in
            try Row.fetchAll(db, sql: "\(Self.actionSelect) ORDER BY improvement_action.start_day DESC, improvement_action.id").map(Self.action)
        }
    }

    public func addAction(_ new: NewImprovementAction, idempotencyKey: String?, by actor: Actor, at date: Date) async throws -> (
        action: ImprovementAction, created: Bool
    ) {
        try await writer.write { db in
            // A repeat of a form already sent (a double click, a reload, a retry): the first result.
            if let idempotencyKey,
                let row = try Row.fetchOne(db, sql: "\(Self.actionSelect) WHERE improvement_action.idempotency_key = ?", arguments: [idempotencyKey])
            {
                return (Self.action(row), false)
            }
            let index = try DimensionIndex(db)
            guard let department = index.departments[new.department] else {
                throw StoreError.unknownReference(kind: "department", id: new.department)
            }
            let channel = try new.channel.map { code -> Int64 in
                guard let id = index.channels[code] else { throw StoreError.unknownReference(kind: "channel", id: code) }
                return id
            }
            let id = randomIdentifier()
            let now = Timestamp.seconds(date)
            try db.execute(
                sql: """
                    INSERT INTO improvement_action (id, department_id, channel_id, item, description, owner_role, start_day, status, created_at, updated_at,
                        idempotency_key)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, department, channel, new.item, new.description.trimmingCharacters(in: .whitespacesAndNewlines),
                    new.ownerRole.trimmingCharacters(in: .whitespacesAndNewlines), new.startDay.description, new.status.rawValue, now, now,
                    idempotencyKey,
                ])
            try Self.appendAudit(db, AuditEntry(at: date, actor: actor.name, action: "action.created", subject: id, detail: "\(new.department) \(new.item)"))
            return (try Self.action(Row.fetchOne(db, sql: "\(Self.actionSelect) WHERE improvement_action.id = ?", arguments: [id])!), true)
        }
    }

    public func updateAction(id: String, _ change: ActionChange, by actor: Actor, at date: Date) async throws -> ImprovementAction? {
        try await writer.write { db in
            guard let row = try Row.fetchOne(db, sql: "\(Self.actionSelect) WHERE improvement_action.id = ?", arguments: [id]) else { return nil }
            let before = Self.action(row)
            var changed: [String] = []
            if let status = change.status, status != before.status { changed.append("status") }
            if let description = change.description, description != before.description { changed.append("description") }
            if let owner = change.ownerRole, owner != before.ownerRole { changed.append("ownerRole") }
            guard !changed.isEmpty else { return before }
            try db.execute(
                sql: "UPDATE improvement_action SET status = ?, description = ?, owner_role = ?, updated_at = ? WHERE id = ?",
                arguments: [
                    (change.status ?? before.status).rawValue, change.description ?? before.description, change.ownerRole ?? before.ownerRole,
                    Timestamp.seconds(date), id,
                ])
            // A status change keeps its audit name; an edit of the text says which fields changed.
            let action = changed.contains("status") ? "action.\((change.status ?? before.status).rawValue)" : "action.edited"
            try Self.appendAudit(db, AuditEntry(at: date, actor: actor.name, action: action, subject: id, detail: changed == ["status"] ? nil : changed.joined(separator: ", ")))
            return try Row.fetchOne(db, sql: "\(Self.actionSelect) WHERE improvement_action.id = ?", arguments: [id]).map(Self.action)
        }
    }

    // MARK: Audit log

    static func appendAudit(_ db: Database, _ entry: AuditEntry) throws {
        try db.cachedStatement(sql: "INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [Timestamp.seconds(entry.at), entry.actor, entry.action, entry.subject, entry.detail])
    }

    public func audit(_ entry: AuditEntry) async throws {
        try await writer.write { db in try Self.appendAudit(db, entry) }
    }

    public func auditLog(limit: Int) async throws -> [AuditEntry] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT at, actor, action, subject, detail FROM audit_log ORDER BY id DESC LIMIT ?", arguments: [limit]).map {
                AuditEntry(
                    at: Date(timeIntervalSince1970: TimeInterval($0["at"] as Int64)), actor: $0["actor"], action: $0["action"], subject: $0["subject"],
                    detail: $0["detail"])
            }
        }
    }

    // MARK: Webhook outbox

    public func pendingEvents(at date: Date, limit: Int) async throws -> [OutboxEvent] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT id, kind, body, attempts FROM webhook_event
                    WHERE delivered_at IS NULL AND next_attempt_at <= ? ORDER BY created_at, rowid LIMIT ?
                    """, arguments: [Timestamp.seconds(date), limit]
            ).map { OutboxEvent(id: $0["id"], kind: $0["kind"], body: $0["body"], attempts: $0["attempts"]) }
        }
    }

    public func markDelivered(_ id: String, at date: Date) async throws {
        // To the hour: a case's event is delivered within seconds of the answer that opened it.
        let seconds = Timestamp.seconds(date)
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE webhook_event SET delivered_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ? AND delivered_at IS NULL",
                arguments: [seconds - seconds % 3600, id])
        }
    }

    public func markFailed(_ id: String, error: String, retryAt: Date) async throws {
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE webhook_event SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ? AND delivered_at IS NULL",
                arguments: [Timestamp.seconds(retryAt), String(error.prefix(500)), id])
        }
    }

    // MARK: Invitation statistics

    public func invitationStatistics(at date: Date) async throws -> InvitationStatistics {
        try await read { db in
            let open = try Row.fetchOne(
                db,
                sql: """
                    SELECT count(*) AS rows,
                        sum(revoked_at IS NULL AND expires_at > ?) AS open,
                        sum(revoked_at IS NULL AND expires_at <= ?) AS expired,
                        sum(revoked_at IS NOT NULL) AS revoked
                    FROM invitation
                    """, arguments: [Timestamp.seconds(date), Timestamp.seconds(date)])!
            var spent: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, count(*) FROM spent_invitation GROUP BY state") { spent[row[0]] = row[1] }
            let rows: Int = open["rows"]
            return InvitationStatistics(
                issued: rows + spent.values.reduce(0, +), answered: spent["used"] ?? 0, open: open["open"] ?? 0,
                expired: (open["expired"] ?? 0) + (spent["expired"] ?? 0), revoked: (open["revoked"] ?? 0) + (spent["revoked"] ?? 0))
        }
    }

    // MARK: Retention and erasure

    public func purge(retentionDays: Int, at date: Date, by actor: Actor) async throws -> PurgeSummary {
        let cutoff = CalendarDay(date.addingTimeInterval(-Double(retentionDays) * 86_400), in: settings.timeZone).description
        let cutoffSeconds = Timestamp.seconds(date) - Int64(retentionDays) * 86_400
        let summary = try await writer.writeWithoutTransaction { db -> PurgeSummary in
            // Every connection overwrites deleted content with zeros (`secure_delete`), so it is
            // gone from the file, not just unlinked.
            var summary = PurgeSummary()
            try db.inTransaction {
                // Invitations past their expiry keep nothing but their spent token hash.
                let expired = try SpentInvitations.expire(db, now: Timestamp.seconds(date))
                _ = try PointTables.expire(db, now: Timestamp.seconds(date))
                try db.execute(
                    sql: "DELETE FROM response_text WHERE response_id IN (SELECT id FROM response WHERE day < ?)", arguments: [cutoff])
                let texts = db.changesCount
                // A case's history (its notes) goes with it; said here, not left to the foreign key alone.
                try db.execute(
                    sql: "DELETE FROM follow_up_entry WHERE follow_up_id IN (SELECT id FROM follow_up WHERE day < ?)", arguments: [cutoff])
                try db.execute(sql: "DELETE FROM follow_up WHERE day < ?", arguments: [cutoff])
                let contacts = db.changesCount
                try db.execute(sql: "DELETE FROM webhook_event WHERE created_at < ? AND delivered_at IS NOT NULL", arguments: [cutoffSeconds])
                let events = db.changesCount
                try db.execute(sql: "DELETE FROM admin_session WHERE expires_at < ?", arguments: [Timestamp.seconds(date)])
                summary = PurgeSummary(texts: texts, contacts: contacts, events: events, expiredInvitations: expired)
                try Self.appendAudit(
                    db,
                    AuditEntry(
                        at: date, actor: actor.name, action: "retention.purged", subject: "before \(cutoff)",
                        detail: "texts \(texts), contacts \(contacts), events \(events), expired invitations \(expired)"))
                return .commit
            }
            // The old pages may still sit in the log: copy it back and truncate it.
            try Self.truncateLog(db)
            return summary
        }
        return summary
    }

    /// Copies the write-ahead log into the database and truncates it, so deleted content is
    /// left in neither file. A reader still using an old snapshot makes SQLite report the
    /// checkpoint busy: try again for a few seconds, then fail rather than claim a deletion.
    static func truncateLog(_ db: Database) throws {
        for attempt in 0..<100 {
            let row = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            if let row, row[0] as Int == 0 { return }
            if attempt < 99 { Thread.sleep(forTimeInterval: 0.05) }
        }
        throw StoreError.unavailable("readers kept the write-ahead log busy; the deleted content is not yet out of the log — run it again")
    }

    public func erase(token: InvitationToken, at date: Date, by actor: Actor) async throws -> ErasureSummary {
        let tokenKey = key(token.hash)
        let erasureKey = key(token.erasureKey)
        return try await writer.writeWithoutTransaction { db -> ErasureSummary in
            var summary = ErasureSummary(invitationFound: false)
            try db.inTransaction {
                if let row = try Row.fetchOne(db, sql: "SELECT revoked_at, reference_hash FROM invitation WHERE token_hash = ?", arguments: [tokenKey]) {
                    summary = ErasureSummary(invitationFound: true)
                    if row["revoked_at"] as Int64? == nil {
                        try db.execute(sql: "UPDATE invitation SET revoked_at = ? WHERE token_hash = ?", arguments: [Timestamp.seconds(date), tokenKey])
                        summary.invitationRevoked = true
                    }
                    if row["reference_hash"] as Data? != nil {
                        try db.execute(sql: "UPDATE invitation SET reference_hash = NULL WHERE token_hash = ?", arguments: [tokenKey])
                        summary.referenceRemoved = true
                    }
                } else if let row = try Row.fetchOne(
                    db, sql: "SELECT state, reference_hash FROM spent_invitation WHERE token_hash = ?", arguments: [tokenKey])
                {
                    summary = ErasureSummary(invitationFound: true, responseSubmitted: row["state"] == SpentInvitations.State.used.rawValue)
                    if row["reference_hash"] as Data? != nil {
                        try db.execute(sql: "UPDATE spent_invitation SET reference_hash = NULL WHERE token_hash = ?", arguments: [tokenKey])
                        summary.referenceRemoved = true
                    }
                } else {
                    return .commit
                }
                try db.execute(
                    sql: "DELETE FROM follow_up_entry WHERE follow_up_id IN (SELECT id FROM follow_up WHERE erasure_key = ?)", arguments: [erasureKey])
                try db.execute(sql: "DELETE FROM follow_up WHERE erasure_key = ?", arguments: [erasureKey])
                summary.contactsRemoved = db.changesCount
                try Self.appendAudit(
                    db,
                    AuditEntry(
                        at: date, actor: actor.name, action: "invitation.erased",
                        detail: "contacts \(summary.contactsRemoved), reference \(summary.referenceRemoved ? "removed" : "none"), revoked \(summary.invitationRevoked)"))
                return .commit
            }
            try Self.truncateLog(db)
            return summary
        }
    }
}
