import GRDB

/// Follow-up cases, the audit log, improvement actions, the webhook outbox and admin sessions.
enum OperationsTables {
    static func create(_ db: Database) throws {
        // A follow-up request becomes a case when its scores are low; its erasure key lets the
        // holder of the link have it removed without joining it to the invitation.
        try db.execute(
            sql: """
                ALTER TABLE follow_up ADD COLUMN case_id TEXT;
                ALTER TABLE follow_up ADD COLUMN status TEXT CHECK (status IN ('open', 'contacted', 'resolved'));
                ALTER TABLE follow_up ADD COLUMN reasons TEXT;
                ALTER TABLE follow_up ADD COLUMN opened_at INTEGER;
                ALTER TABLE follow_up ADD COLUMN due_at INTEGER;
                ALTER TABLE follow_up ADD COLUMN updated_at INTEGER;
                ALTER TABLE follow_up ADD COLUMN erasure_key BLOB;
                CREATE UNIQUE INDEX follow_up_on_case_id ON follow_up(case_id) WHERE case_id IS NOT NULL;
                CREATE INDEX follow_up_on_erasure_key ON follow_up(erasure_key) WHERE erasure_key IS NOT NULL;
                CREATE INDEX follow_up_on_day ON follow_up(day);

                CREATE TABLE audit_log (
                    id INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
                    subject TEXT, detail TEXT
                ) STRICT;
                CREATE TRIGGER audit_log_is_append_only_update BEFORE UPDATE ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TRIGGER audit_log_is_append_only_delete BEFORE DELETE ON audit_log
                    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

                CREATE TABLE improvement_action (
                    id TEXT PRIMARY KEY, department_id INTEGER NOT NULL REFERENCES department(id) ON DELETE RESTRICT,
                    channel_id INTEGER REFERENCES channel(id) ON DELETE RESTRICT, item TEXT NOT NULL,
                    description TEXT NOT NULL, owner_role TEXT NOT NULL,
                    start_day TEXT NOT NULL CHECK (start_day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
                    status TEXT NOT NULL CHECK (status IN ('planned', 'active', 'completed', 'abandoned')),
                    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
                ) STRICT;

                CREATE TABLE webhook_event (
                    id TEXT PRIMARY KEY, kind TEXT NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL, delivered_at INTEGER, last_error TEXT
                ) STRICT;
                CREATE INDEX webhook_event_pending ON webhook_event(next_attempt_at) WHERE delivered_at IS NULL;

                CREATE TABLE admin_session (
                    id_hash BLOB PRIMARY KEY CHECK (length(id_hash) = 32), key_name TEXT NOT NULL, role TEXT NOT NULL,
                    csrf TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL
                ) STRICT, WITHOUT ROWID;
                """)
    }

    /// The history of a case lives with the case: deleted with it by the purge and by an erasure
    /// (the note is about a person; the append-only audit log keeps the move, never the note).
    static func addFollowUpHistory(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE follow_up ADD COLUMN comment TEXT;

                CREATE TABLE follow_up_entry (
                    id INTEGER PRIMARY KEY,
                    follow_up_id INTEGER NOT NULL REFERENCES follow_up(id) ON DELETE CASCADE,
                    at INTEGER NOT NULL, actor TEXT NOT NULL,
                    previous TEXT NOT NULL CHECK (previous IN ('open', 'contacted', 'resolved')),
                    status TEXT NOT NULL CHECK (status IN ('open', 'contacted', 'resolved')),
                    outcome TEXT CHECK (outcome IN ('reached', 'not-reachable', 'resolved')),
                    note TEXT CHECK (note IS NULL OR length(note) <= 2000)
                ) STRICT;
                CREATE INDEX follow_up_entry_on_follow_up ON follow_up_entry(follow_up_id);

                ALTER TABLE improvement_action ADD COLUMN idempotency_key TEXT CHECK (idempotency_key IS NULL OR length(idempotency_key) BETWEEN 16 AND 128);
                CREATE UNIQUE INDEX improvement_action_on_idempotency_key ON improvement_action(idempotency_key) WHERE idempotency_key IS NOT NULL;
                """)
    }
}
