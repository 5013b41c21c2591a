import Crypto
import Foundation
import GRDB
import RidaCore

/// Points of service (counter posters, kiosks) and the one-time links they mint.
///
/// A minted link lives in `point_link`, apart from `invitation`: it was issued to nobody, counts
/// in no invitation cell (a point has no denominator) and keeps its point, its questionnaire
/// version and its expiry rounded up to the hour — no issue time, no reference. An answer
/// deletes the row and leaves the keyed token hash in `spent_point_link`, so the same link is
/// told "already received"; `point_day` counts links opened and answers stored per point and day.
enum PointTables {
    /// Schema version 12: `response.source` may be `point`. SQLite cannot change a CHECK in place,
    /// so the table is rebuilt from its own definition, with its rows and indexes.
    static func allowPointSource(_ db: Database) throws {
        guard let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'response'") else {
            throw StoreError.unknownReference(kind: "table", id: "response")
        }
        let old = "IN ('invitation', 'import')"
        guard sql.contains(old) else { throw StoreError.unknownReference(kind: "response.source check", id: sql) }
        let indexes = try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'response' AND sql IS NOT NULL")
        let rebuilt = sql.replacingOccurrences(of: old, with: "IN ('invitation', 'point', 'import')")
            .replacingOccurrences(of: "CREATE TABLE \"response\"", with: "CREATE TABLE \"response_rebuilt\"")
            .replacingOccurrences(of: "CREATE TABLE response ", with: "CREATE TABLE response_rebuilt ")
        guard rebuilt.contains("response_rebuilt") else { throw StoreError.unknownReference(kind: "response definition", id: sql) }
        try db.execute(sql: rebuilt)
        try db.execute(sql: "INSERT INTO response_rebuilt SELECT * FROM response")
        try db.execute(sql: "DROP TABLE response")
        try db.execute(sql: "ALTER TABLE response_rebuilt RENAME TO response")
        for index in indexes { try db.execute(sql: index) }
    }

    /// Schema version 13.
    static func create(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE point (
                    id INTEGER PRIMARY KEY,
                    code TEXT NOT NULL UNIQUE,
                    department_id INTEGER NOT NULL REFERENCES department(id) ON DELETE RESTRICT,
                    channel_id INTEGER NOT NULL REFERENCES channel(id) ON DELETE RESTRICT,
                    service_id INTEGER REFERENCES service(id) ON DELETE RESTRICT,
                    place TEXT NOT NULL DEFAULT '',
                    languages TEXT NOT NULL CHECK (json_valid(languages)),
                    from_seeds INTEGER NOT NULL DEFAULT 0 CHECK (from_seeds IN (0, 1)),
                    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
                ) STRICT;
                CREATE TABLE point_day (
                    point_id INTEGER NOT NULL REFERENCES point(id) ON DELETE CASCADE,
                    day TEXT NOT NULL,
                    opened INTEGER NOT NULL DEFAULT 0 CHECK (opened >= 0),
                    answered INTEGER NOT NULL DEFAULT 0 CHECK (answered >= 0),
                    PRIMARY KEY (point_id, day)
                ) STRICT, WITHOUT ROWID;
                CREATE TABLE point_link (
                    token_hash BLOB PRIMARY KEY CHECK (length(token_hash) = 32),
                    point_id INTEGER NOT NULL REFERENCES point(id) ON DELETE CASCADE,
                    questionnaire_version_id INTEGER NOT NULL REFERENCES questionnaire_version(id) ON DELETE RESTRICT,
                    expires_at INTEGER NOT NULL
                ) STRICT, WITHOUT ROWID;
                CREATE INDEX point_link_on_expiry ON point_link(expires_at);
                CREATE TABLE spent_point_link (
                    token_hash BLOB PRIMARY KEY CHECK (length(token_hash) = 32)
                ) STRICT, WITHOUT ROWID;
                """)
    }

    /// A minted link's row as the survey pages need it, or nil.
    static func link(_ db: Database, tokenKey: Data) throws -> Row? {
        try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT department.code, channel.code, service.code, point_link.questionnaire_version_id, point_link.expires_at,
                        point.code, point.active
                    FROM point_link
                    JOIN point ON point.id = point_link.point_id
                    JOIN department ON department.id = point.department_id
                    JOIN channel ON channel.id = point.channel_id
                    LEFT JOIN service ON service.id = point.service_id
                    WHERE point_link.token_hash = ?
                    """), arguments: [tokenKey])
    }

    static func isSpent(_ db: Database, tokenKey: Data) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM spent_point_link WHERE token_hash = ?"), arguments: [tokenKey]) ?? false
    }

    /// Links past their expiry: gone, as an expired invitation is (their token hash is not kept:
    /// such a link was issued to nobody). Returns how many.
    static func expire(_ db: Database, now: Int64) throws -> Int {
        try db.execute(sql: "DELETE FROM point_link WHERE expires_at <= ?", arguments: [now])
        return db.changesCount
    }

    static func count(_ db: Database, point: Int64, day: String, opened: Int, answered: Int) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO point_day (point_id, day, opened, answered) VALUES (?, ?, ?, ?)
                ON CONFLICT DO UPDATE SET opened = opened + excluded.opened, answered = answered + excluded.answered
                """
        ).execute(arguments: [point, day, opened, answered])
    }
}

extension AppDatabase: PointStore {
    public func points() async throws -> [ServicePoint] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT point.code, department.code AS department, channel.code AS channel, service.code AS service, point.place,
                        point.languages, point.active, point.from_seeds
                    FROM point
                    JOIN department ON department.id = point.department_id
                    JOIN channel ON channel.id = point.channel_id
                    LEFT JOIN service ON service.id = point.service_id
                    ORDER BY department.position, channel.position, point.code
                    """
            ).map(Self.point)
        }
    }

    static func point(_ row: Row) -> ServicePoint {
        let languages = (try? JSONDecoder().decode([String].self, from: Data((row["languages"] as String).utf8))) ?? []
        return ServicePoint(
            code: row["code"], department: row["department"], channel: row["channel"], service: row["service"], place: row["place"],
            languages: languages, active: row["active"], fromSeeds: row["from_seeds"])
    }

    public func createPoint(_ point: ServicePoint, by actor: Actor, at date: Date) async throws {
        try await writer.write { db in
            try Self.insertPoint(db, point)
            try Self.appendAudit(
                db, AuditEntry(at: date, actor: actor.name, action: "point.created", subject: point.code, detail: "\(point.department)/\(point.channel)"))
        }
    }

    static func insertPoint(_ db: Database, _ point: ServicePoint) throws {
        guard ServicePoint.isValidCode(point.code) else { throw PointError.invalidCode(point.code) }
        let ids = try unitIDs(db, point)
        guard try Bool.fetchOne(db, sql: "SELECT 1 FROM point WHERE code = ?", arguments: [point.code]) != true else {
            throw PointError.duplicateCode(point.code)
        }
        try db.execute(
            sql: "INSERT INTO point (code, department_id, channel_id, service_id, place, languages, from_seeds, active) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            arguments: [point.code, ids.department, ids.channel, ids.service, point.place, languagesJSON(point.languages), point.fromSeeds, point.active])
    }

    static func languagesJSON(_ languages: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(languages)) ?? Data("[]".utf8), as: UTF8.self)
    }

    static func unitIDs(_ db: Database, _ point: ServicePoint) throws -> (department: Int64, channel: Int64, service: Int64?) {
        guard let department = try Int64.fetchOne(db, sql: "SELECT id FROM department WHERE code = ? AND active = 1", arguments: [point.department])
        else { throw PointError.unknownReference(field: "department", code: point.department) }
        guard let channel = try Int64.fetchOne(db, sql: "SELECT id FROM channel WHERE code = ? AND active = 1", arguments: [point.channel])
        else { throw PointError.unknownReference(field: "channel", code: point.channel) }
        var service: Int64?
        if let code = point.service {
            guard
                let id = try Int64.fetchOne(
                    db, sql: "SELECT id FROM service WHERE department_id = ? AND code = ? AND active = 1", arguments: [department, code])
            else { throw PointError.unknownReference(field: "service", code: code) }
            service = id
        }
        return (department, channel, service)
    }

    /// Points from `seeds/points.yaml`: new ones inserted, changed ones updated, ones no longer
    /// listed deactivated. Points created in the admin area are left alone.
    static func synchronizePoints(_ db: Database, _ configured: [ServicePoint], report: inout SynchronizationReport) throws {
            var stored: [String: Row] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM point") { stored[row["code"]] = row }
            for point in configured {
                var seeded = point
                seeded.fromSeeds = true
                let ids = try Self.unitIDs(db, seeded)
                guard let row = stored.removeValue(forKey: point.code) else {
                    try Self.insertPoint(db, seeded)
                    report.inserted.append("point \(point.code)")
                    continue
                }
                let same =
                    row["department_id"] as Int64 == ids.department && row["channel_id"] as Int64 == ids.channel
                    && row["service_id"] as Int64? == ids.service && row["place"] as String == point.place
                    && row["languages"] as String == Self.languagesJSON(point.languages) && row["active"] as Bool && row["from_seeds"] as Bool
                guard !same else { continue }
                try db.execute(
                    sql: """
                        UPDATE point SET department_id = ?, channel_id = ?, service_id = ?, place = ?, languages = ?, from_seeds = 1, active = 1
                        WHERE code = ?
                        """,
                    arguments: [ids.department, ids.channel, ids.service, point.place, Self.languagesJSON(point.languages), point.code])
                report.updated.append("point \(point.code)")
            }
            for (code, row) in stored.sorted(by: { $0.key < $1.key }) where row["from_seeds"] as Bool && row["active"] as Bool {
                try db.execute(sql: "UPDATE point SET active = 0 WHERE code = ?", arguments: [code])
                report.deactivated.append("point \(code)")
            }
    }

    public func setPointActive(code: String, active: Bool, by actor: Actor, at date: Date) async throws -> Bool {
        try await writer.write { db in
            try db.execute(sql: "UPDATE point SET active = ? WHERE code = ?", arguments: [active, code])
            guard db.changesCount == 1 else { return false }
            try Self.appendAudit(db, AuditEntry(at: date, actor: actor.name, action: active ? "point.activated" : "point.deactivated", subject: code))
            return true
        }
    }

    public func mint(point code: String, lifetime: TimeInterval, at date: Date) async throws -> MintOutcome {
        var generator = SystemRandomNumberGenerator()
        let token = InvitationToken.generate(using: &generator)
        let tokenKey = key(token.hash)
        let now = Timestamp.seconds(date)
        // Rounded up to the hour: the row keeps no instant finer than the hour it was opened in.
        let expiresAt = (now + Int64(lifetime) + 3599) / 3600 * 3600
        let day = CalendarDay(date, in: settings.timeZone).description
        return try await writer.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT id, active FROM point WHERE code = ?", arguments: [code]) else { return .unknownPoint }
            guard row["active"] as Bool else { return .inactivePoint }
            let point: Int64 = row["id"]
            guard
                let questionnaire = try Int64.fetchOne(
                    db, sql: "SELECT id FROM questionnaire_version WHERE questionnaire = 'default' ORDER BY version DESC LIMIT 1")
                    ?? Int64.fetchOne(db, sql: "SELECT id FROM questionnaire_version ORDER BY created_at DESC, id DESC LIMIT 1")
            else { throw StoreError.unknownReference(kind: "questionnaire version", id: "any") }
            try db.execute(
                sql: "INSERT INTO point_link (token_hash, point_id, questionnaire_version_id, expires_at) VALUES (?, ?, ?, ?)",
                arguments: [tokenKey, point, questionnaire, expiresAt])
            try PointTables.count(db, point: point, day: day, opened: 1, answered: 0)
            return .minted(token)
        }
    }

    public func pointDays(from: CalendarDay, to: CalendarDay) async throws -> [PointDay] {
        try await read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT point.code, point_day.day, point_day.opened, point_day.answered FROM point_day
                    JOIN point ON point.id = point_day.point_id
                    WHERE point_day.day BETWEEN ? AND ? ORDER BY point.code, point_day.day
                    """, arguments: [from.description, to.description]
            ).compactMap { row in
                CalendarDay(row[1] as String).map { PointDay(point: row[0], day: $0, opened: row[2], answered: row[3]) }
            }
        }
    }

    public func seal(_ text: String) -> Data {
        secret.key(Data(SHA256.hash(data: Data(("rida-point-cookie\u{0}" + text).utf8))))
    }

    /// The questionnaire page's view of a minted link (see `invitation(_:tokenKey:at:)`).
    func pointLink(_ db: Database, tokenKey: Data, at date: Date) throws -> InvitationDetails? {
        if let row = try PointTables.link(db, tokenKey: tokenKey) {
            let expiresAt: Int64 = row[4]
            let active: Bool = row[6]
            var details = InvitationDetails(
                unit: ServiceUnit(department: row[0], channel: row[1], service: row[2]), locale: "", questionnaire: try questionnaire(db, id: row[3]),
                state: expiresAt <= Timestamp.seconds(date) ? .expired : active ? .open : .revoked,
                expiresAt: Date(timeIntervalSince1970: TimeInterval(expiresAt)))
            details.point = row[5]
            return details
        }
        guard try PointTables.isSpent(db, tokenKey: tokenKey),
            let newest = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM questionnaire_version ORDER BY created_at DESC, id DESC LIMIT 1"))
        else { return nil }
        return InvitationDetails(unit: nil, locale: "", questionnaire: try questionnaire(db, id: newest), state: .used, expiresAt: .distantPast)
    }
}
