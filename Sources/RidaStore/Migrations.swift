import Foundation
import GRDB
import RidaCore

/// The schema, as named migrations. A migration that has shipped is never edited: change the
/// schema by appending a new one.
enum Migrations {
    /// `timeZone` is the organisation's: cells count invitations by the day they were issued in it.
    static func migrator(timeZone: TimeZone = DatabaseSettings.organisationTimeZone) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1.dimensions", migrate: createDimensions)
        migrator.registerMigration("v1.questionnaires", migrate: createQuestionnaires)
        migrator.registerMigration("v1.invitations", migrate: createInvitations)
        migrator.registerMigration("v1.responses", migrate: createResponses)
        migrator.registerMigration("v2.survey-delivery", migrate: createSurveyDelivery)
        migrator.registerMigration("v3.analytics-cells") { db in try CellTables.create(db, timeZone: timeZone) }
        migrator.registerMigration("v4.operations", migrate: OperationsTables.create)
        migrator.registerMigration("v5.answers-in-response", migrate: moveAnswersIntoResponses)
        migrator.registerMigration(maskedCommentsMigration, migrate: maskStoredComments)
        migrator.registerMigration("v7.unlinkable-invitations") { db in
            try SpentInvitations.migrate(db, now: Timestamp.seconds(Date()), timeZone: timeZone)
        }
        // One row that /readyz rewrites: a committed write is the only proof that writes succeed.
        migrator.registerMigration("v8.readiness-probe") { db in
            try db.create(table: "readiness_probe", options: [.strict, .withoutRowID]) { t in
                t.primaryKey("id", .integer).check { $0 == 1 }
                t.column("checked_at", .integer).notNull()
            }
        }
        // Files `rida import` has read, by the keyed digest of their content, so the same file
        // is not counted twice; the hour only, and the count, say when.
        migrator.registerMigration("v9.imported-files") { db in
            try db.create(table: "imported_file", options: [.strict, .withoutRowID]) { t in
                t.primaryKey("digest", .blob)
                t.column("imported_hour", .integer).notNull()
                t.column("responses", .integer).notNull()
            }
        }
        // A case's moves (who, when, the outcome and note), the beneficiary's comment copied into
        // the case they asked for, and the idempotency key of the form that registered an action.
        migrator.registerMigration("v10.follow-up-history", migrate: OperationsTables.addFollowUpHistory)
        migrator.registerMigration("v11.issuer-scopes", migrate: createIssuerScopes)
        // Responses through points of service (counter posters, kiosks), and unit cells by source.
        migrator.registerMigration("v12.response-sources") { db in
            try PointTables.allowPointSource(db)
            try CellTables.addSource(db, timeZone: timeZone)
        }
        migrator.registerMigration("v13.points", migrate: PointTables.create)
        return migrator
    }

    /// Departments, channels and segments share one shape: a stable code from `seeds/`, the
    /// names in every language (JSON), the configured order, and whether new invitations may
    /// still name it (rows are never deleted: old responses refer to them).
    private static func createDimensions(_ db: Database) throws {
        for table in ["department", "channel", "segment"] {
            try db.create(table: table, options: [.strict]) { t in
                t.primaryKey("id", .integer)
                t.column("code", .text).notNull().unique()
                t.column("position", .integer).notNull()
                t.column("names", .text).notNull()
                t.column("active", .integer).notNull().defaults(to: 1).check { [0, 1].contains($0) }
            }
        }
        try db.create(table: "service", options: [.strict]) { t in
            t.primaryKey("id", .integer)
            t.column("department_id", .integer).notNull().references("department", onDelete: .restrict)
            t.column("code", .text).notNull()
            t.column("position", .integer).notNull()
            t.column("names", .text).notNull()
            t.column("active", .integer).notNull().defaults(to: 1).check { [0, 1].contains($0) }
            t.uniqueKey(["department_id", "code"])
        }
    }

    /// Every questionnaire version ever used, with its full definition, so a response can always
    /// be read against the exact questions it answered.
    private static func createQuestionnaires(_ db: Database) throws {
        try db.create(table: "questionnaire_version", options: [.strict]) { t in
            t.primaryKey("id", .integer)
            t.column("questionnaire", .text).notNull()
            t.column("version", .integer).notNull().check { $0 >= 1 }
            t.column("definition", .text).notNull()
            t.column("digest", .text).notNull()
            t.column("created_at", .integer).notNull()
            t.uniqueKey(["questionnaire", "version"])
        }
    }

    /// Invitations keep only the SHA-256 of their token. Instants are whole seconds since
    /// 1970-01-01 UTC (`datetime(issued_at, 'unixepoch')` reads them): compact, and compared
    /// without parsing.
    private static func createInvitations(_ db: Database) throws {
        try db.create(table: "invitation", options: [.strict]) { t in
            t.primaryKey("id", .integer)
            t.column("token_hash", .blob).notNull().unique().check { length($0) == 32 }
            t.column("department_id", .integer).notNull().references("department", onDelete: .restrict)
            t.column("channel_id", .integer).notNull().references("channel", onDelete: .restrict)
            t.column("segment_id", .integer).references("segment", onDelete: .restrict)
            t.column("service_id", .integer).references("service", onDelete: .restrict)
            t.column("locale", .text).notNull()
            t.column("questionnaire_version_id", .integer).notNull().references("questionnaire_version", onDelete: .restrict)
            t.column("issued_at", .integer).notNull()
            t.column("expires_at", .integer).notNull()
            t.column("used_at", .integer)
            t.column("revoked_at", .integer)
            t.check(sql: "expires_at > issued_at")
        }
    }

    static let maskedCommentsMigration = "v6.masked-comments"

    /// Comments are masked when they are stored; those stored before are masked once, here, in
    /// place. secure_delete overwrites what the update frees; the database then truncates its
    /// log (see `AppDatabase.migrate`), so the typed details are in neither file.
    private static func maskStoredComments(_ db: Database) throws {
        // Every connection already runs with secure_delete on (see `AppDatabase`); said again
        // here, as this migration relies on it.
        try db.execute(sql: "PRAGMA secure_delete = ON")
        var changed: [(response: Int64, item: String, body: String)] = []
        let rows = try Row.fetchCursor(db, sql: "SELECT response_id, item, body FROM response_text")
        while let row = try rows.next() {
            let body: String = row["body"]
            let masked = Redaction.storedComment(body)
            if masked != body { changed.append((row["response_id"], row["item"], masked)) }
        }
        let update = try db.makeStatement(sql: "UPDATE response_text SET body = ? WHERE response_id = ? AND item = ?")
        for text in changed { try update.execute(arguments: [text.body, text.response, text.item]) }
    }

    /// Responses hold no reference to their invitation. Their id is random, and answers and texts
    /// are clustered by response id (WITHOUT ROWID), so no sequential key records the order in
    /// which responses arrived — which could otherwise be matched to invitations' use times.
    /// A response's rating answers move into its own row (see `AnswerColumn`): a submission then
    /// writes one row where it wrote one per answer, in another table.
    private static func moveAnswersIntoResponses(_ db: Database) throws {
        try db.execute(sql: "ALTER TABLE response ADD COLUMN answers TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(answers))")
        try db.execute(
            sql: """
                UPDATE response SET answers = moved.answers
                FROM (
                    SELECT response_id,
                        json_group_object(item, CASE WHEN not_applicable = 1 THEN '\(AnswerColumn.notApplicable)' ELSE value END) AS answers
                    FROM answer GROUP BY response_id
                ) AS moved
                WHERE moved.response_id = response.id
                """)
        try db.execute(sql: "DROP TABLE answer")
    }

    private static func createResponses(_ db: Database) throws {
        try db.create(table: "response", options: [.strict]) { t in
            t.primaryKey("id", .integer)
            t.column("day", .text).notNull().check(sql: "day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'")
            t.column("department_id", .integer).notNull().references("department", onDelete: .restrict)
            t.column("channel_id", .integer).notNull().references("channel", onDelete: .restrict)
            t.column("segment_id", .integer).references("segment", onDelete: .restrict)
            t.column("service_id", .integer).references("service", onDelete: .restrict)
            t.column("locale", .text).notNull()
            t.column("questionnaire_version_id", .integer).notNull().references("questionnaire_version", onDelete: .restrict)
            t.column("source", .text).notNull().check { ["invitation", "import"].contains($0) }
        }
        try db.create(index: "response_on_day", on: "response", columns: ["day"])
        // A rating answer: a scale value, or "not applicable". A skipped item has no row.
        try db.create(table: "answer", options: [.strict, .withoutRowID]) { t in
            t.column("response_id", .integer).notNull().references("response", onDelete: .cascade)
            t.column("item", .text).notNull()
            t.column("value", .integer)
            t.column("not_applicable", .integer).notNull().defaults(to: 0).check { [0, 1].contains($0) }
            t.primaryKey(["response_id", "item"])
            t.check(sql: "(value IS NULL) = (not_applicable = 1)")
        }
        // Free text lives apart from ratings so retention can delete it for real.
        try db.create(table: "response_text", options: [.strict, .withoutRowID]) { t in
            t.column("response_id", .integer).notNull().references("response", onDelete: .cascade)
            t.column("item", .text).notNull()
            t.column("body", .text).notNull()
            t.primaryKey(["response_id", "item"])
        }
    }

    /// API keys, de-duplication of bulk issues, and the follow-up requests of beneficiaries who
    /// asked to be contacted.
    private static func createSurveyDelivery(_ db: Database) throws {
        try db.create(table: "api_key", options: [.strict]) { t in
            t.primaryKey("id", .integer)
            t.column("name", .text).notNull().unique()
            t.column("role", .text).notNull().check { ["issuer", "analyst", "board", "admin"].contains($0) }
            t.column("key_hash", .blob).notNull().unique().check { length($0) == 32 }
            t.column("created_at", .integer).notNull()
            t.column("last_used_at", .integer)
            t.column("revoked_at", .integer)
        }
        // The case system's own reference for a completed service, hashed: one invitation per
        // reference, so a re-sent batch issues nothing twice.
        try db.alter(table: "invitation") { t in
            t.add(column: "reference_hash", .blob).check { $0 == nil || length($0) == 32 }
        }
        try db.execute(sql: "CREATE UNIQUE INDEX invitation_on_reference_hash ON invitation(reference_hash) WHERE reference_hash IS NOT NULL")
        // A follow-up request carries a copy of the response's scores and the contact detail,
        // and nothing that links it to the response or the invitation.
        try db.create(table: "follow_up", options: [.strict]) { t in
            t.primaryKey("id", .integer)
            t.column("day", .text).notNull()
            t.column("department_id", .integer).notNull().references("department", onDelete: .restrict)
            t.column("channel_id", .integer).notNull().references("channel", onDelete: .restrict)
            t.column("segment_id", .integer).references("segment", onDelete: .restrict)
            t.column("service_id", .integer).references("service", onDelete: .restrict)
            t.column("locale", .text).notNull()
            t.column("scores", .text).notNull()
            t.column("phone", .text)
            t.column("email", .text)
            t.check(sql: "phone IS NOT NULL OR email IS NOT NULL")
        }
    }

    /// The departments an issuing key may issue for (JSON array of codes; NULL: every one), and
    /// each key's counts of the day by department and channel for the staff console — only the
    /// current day is kept.
    private static func createIssuerScopes(_ db: Database) throws {
        try db.alter(table: "api_key") { t in
            t.add(column: "departments", .text)
        }
        try db.create(table: "issuer_day_count", options: [.strict, .withoutRowID]) { t in
            t.column("key_name", .text).notNull()
            t.column("day", .text).notNull()
            t.column("department", .text).notNull()
            t.column("channel", .text).notNull()
            t.column("issued", .integer).notNull().check { $0 >= 0 }
            t.primaryKey(["key_name", "day", "department", "channel"])
        }
    }
}
