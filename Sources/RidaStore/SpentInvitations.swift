import Foundation
import GRDB
import RidaCore

/// Invitations that can no longer be answered — answered, or past their expiry — keep nothing
/// that a response also carries. Their row leaves the `invitation` table (in the transaction of
/// the answer itself, or at the purge after expiry) and only the keyed hash of their token stays,
/// in `spent_invitation`, clustered by that hash (no insertion order), with the state the
/// beneficiary's page needs and the keyed reference hash that keeps a reference from being issued
/// twice. With `secure_delete` on, the deleted row is overwritten.
enum SpentInvitations {
    enum State: String {
        case used, expired, revoked
    }

    /// Migration v6: the spent table; every stored digest keyed with the server secret (the
    /// connection's `rida_key`); answered and expired invitations moved out of `invitation`, which
    /// loses `used_at`, and those still open keep their times to the day (`InvitationTimes`);
    /// follow-up cases and their events coarsened to the hour, with random row ids.
    static func migrate(_ db: Database, now: Int64, timeZone: TimeZone) throws {
        try db.execute(
            sql: """
                CREATE TABLE spent_invitation (
                    token_hash BLOB PRIMARY KEY CHECK (length(token_hash) = 32),
                    state TEXT NOT NULL CHECK (state IN ('used', 'expired', 'revoked')),
                    reference_hash BLOB CHECK (reference_hash IS NULL OR length(reference_hash) = 32)
                ) STRICT, WITHOUT ROWID;
                CREATE UNIQUE INDEX spent_invitation_on_reference_hash ON spent_invitation(reference_hash) WHERE reference_hash IS NOT NULL;
                UPDATE invitation SET token_hash = rida_key(token_hash), reference_hash = rida_key(reference_hash);
                UPDATE follow_up SET erasure_key = rida_key(erasure_key) WHERE erasure_key IS NOT NULL;
                """)
        try db.execute(
            sql: """
                INSERT INTO spent_invitation (token_hash, state, reference_hash)
                SELECT token_hash,
                    CASE WHEN used_at IS NOT NULL THEN 'used' WHEN revoked_at IS NOT NULL THEN 'revoked' ELSE 'expired' END,
                    reference_hash
                FROM invitation WHERE used_at IS NOT NULL OR expires_at <= ?;
                DELETE FROM invitation WHERE used_at IS NOT NULL OR expires_at <= ?;
                ALTER TABLE invitation DROP COLUMN used_at;
                """, arguments: [now, now])
        for row in try Row.fetchAll(db, sql: "SELECT id, issued_at, expires_at FROM invitation") {
            let issued = InvitationTimes.startOfDay(Date(timeIntervalSince1970: TimeInterval(row[1] as Int64)), in: timeZone)
            let expires = InvitationTimes.endOfDay(Date(timeIntervalSince1970: TimeInterval(row[2] as Int64)), in: timeZone)
            try db.execute(
                sql: "UPDATE invitation SET issued_at = ?, expires_at = ? WHERE id = ?",
                arguments: [Timestamp.seconds(issued), Timestamp.seconds(expires), row[0] as Int64])
        }
        // A case's times were those of the answer to the second: keep the hour (due times move
        // earlier by less than an hour, never later).
        try db.execute(
            sql: """
                UPDATE follow_up SET
                    updated_at = CASE WHEN updated_at = opened_at THEN opened_at - opened_at % 3600 ELSE updated_at END,
                    opened_at = opened_at - opened_at % 3600,
                    due_at = due_at - due_at % 3600
                WHERE opened_at IS NOT NULL;
                UPDATE webhook_event SET
                    created_at = created_at - created_at % 3600,
                    body = json_set(body, '$.createdAt', strftime('%Y-%m-%dT%H:00:00Z', created_at - created_at % 3600, 'unixepoch'))
                WHERE kind = 'case.opened';
                UPDATE webhook_event SET delivered_at = delivered_at - delivered_at % 3600 WHERE delivered_at IS NOT NULL;
                """)
        // Follow-up requests were numbered in the order they came: give them random ids.
        let ids = try Int64.fetchAll(db, sql: "SELECT id FROM follow_up")
        var generator = SystemRandomNumberGenerator()
        for id in ids {
            while true {
                let random = randomRowID(using: &generator)
                do {
                    try db.execute(sql: "UPDATE follow_up SET id = ? WHERE id = ?", arguments: [random, id])
                    break
                } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
                    continue
                }
            }
        }
    }

    /// A positive random row id (63 bits).
    static func randomRowID(using generator: inout some RandomNumberGenerator) -> Int64 {
        Int64.random(in: 1...Int64.max, using: &generator)
    }

    /// Moves every unanswered invitation past its expiry into the spent table; returns how many.
    static func expire(_ db: Database, now: Int64) throws -> Int {
        try db.execute(
            sql: """
                INSERT INTO spent_invitation (token_hash, state, reference_hash)
                SELECT token_hash, CASE WHEN revoked_at IS NOT NULL THEN 'revoked' ELSE 'expired' END, reference_hash
                FROM invitation WHERE expires_at <= ?
                """, arguments: [now])
        let moved = db.changesCount
        try db.execute(sql: "DELETE FROM invitation WHERE expires_at <= ?", arguments: [now])
        return moved
    }

    /// Whether a keyed reference hash was ever issued (open or spent).
    static func referenceKnown(_ db: Database, _ key: Data) throws -> Bool {
        try Bool.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT EXISTS (SELECT 1 FROM invitation WHERE reference_hash = ?1)
                        OR EXISTS (SELECT 1 FROM spent_invitation WHERE reference_hash = ?1)
                    """), arguments: [key]) ?? false
    }

    static func state(_ db: Database, tokenKey: Data) throws -> State? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT state FROM spent_invitation WHERE token_hash = ?"), arguments: [tokenKey])
            .flatMap(State.init(rawValue:))
    }
}
