import Foundation
import GRDB
import RidaCore

extension AppDatabase: AdminSessionStore {
    public func startSession(idHash: Data, key: APIKey, csrf: String, policy: AdminSessionPolicy, at date: Date) async throws {
        let now = Timestamp.seconds(date)
        let expires = Timestamp.seconds(policy.expiry(start: date, lastUse: date))
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM admin_session WHERE expires_at <= ?", arguments: [now])
            try db.execute(
                sql: "INSERT INTO admin_session (id_hash, key_name, role, csrf, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [idHash, key.name, key.role.rawValue, csrf, now, expires])
            try Self.appendAudit(db, AuditEntry(at: date, actor: key.name, action: "session.started", detail: key.role.rawValue))
        }
    }

    public func session(idHash: Data, policy: AdminSessionPolicy, at date: Date) async throws -> AdminSession? {
        let now = Timestamp.seconds(date)
        let lifetime = Int64(policy.lifetime)
        let idle = Int64(policy.idleTimeout)
        // Like an API key's last use, the idle deadline moves on at most once a minute: within
        // that, a page is answered from a read alone, without queueing a write behind submissions.
        let fresh = try await read { db -> AdminSession? in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        SELECT key_name, role, csrf, created_at, expires_at FROM admin_session
                        WHERE id_hash = ? AND expires_at > ?
                            AND (expires_at >= ? + ? - ? OR expires_at = created_at + ?)
                            AND EXISTS (SELECT 1 FROM api_key WHERE api_key.name = admin_session.key_name AND api_key.revoked_at IS NULL)
                        """,
                    arguments: [idHash, now, now, idle, Self.lastUseResolution, lifetime])
            else { return nil }
            return Self.adminSession(row)
        }
        if let fresh { return fresh }
        // A revoked key ends its sessions at once: the key must still be active.
        return try await writer.write { db -> AdminSession? in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        UPDATE admin_session SET expires_at = min(created_at + ?, ? + ?)
                        WHERE id_hash = ? AND expires_at > ?
                            AND EXISTS (SELECT 1 FROM api_key WHERE api_key.name = admin_session.key_name AND api_key.revoked_at IS NULL)
                        RETURNING key_name, role, csrf, created_at, expires_at
                        """,
                    arguments: [lifetime, now, idle, idHash, now])
            else { return nil }
            return Self.adminSession(row)
        }
    }

    static func adminSession(_ row: Row) -> AdminSession? {
        guard let role = Role(rawValue: row["role"]) else { return nil }
        return AdminSession(
            keyName: row["key_name"], role: role, csrf: row["csrf"],
            createdAt: Date(timeIntervalSince1970: TimeInterval(row["created_at"] as Int64)),
            expiresAt: Date(timeIntervalSince1970: TimeInterval(row["expires_at"] as Int64)))
    }

    @discardableResult public func endSession(idHash: Data, at date: Date) async throws -> Bool {
        try await writer.write { db in
            guard let name = try String.fetchOne(db, sql: "DELETE FROM admin_session WHERE id_hash = ? RETURNING key_name", arguments: [idHash])
            else { return false }
            try Self.appendAudit(db, AuditEntry(at: date, actor: name, action: "session.ended"))
            return true
        }
    }
}
