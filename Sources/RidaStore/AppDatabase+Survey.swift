import Foundation
import GRDB
import RidaCore

/// Ids of the configured dimensions, resolved once per transaction.
struct DimensionIndex {
    var departments: [String: Int64] = [:]
    var channels: [String: Int64] = [:]
    var segments: [String: Int64] = [:]
    /// Keyed by department code, then service code.
    var services: [String: [String: Int64]] = [:]
    /// Keyed by questionnaire key, then version.
    var questionnaires: [String: [Int: Int64]] = [:]

    init(_ db: Database) throws {
        func codes(_ table: String) throws -> [String: Int64] {
            var result: [String: Int64] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT code, id FROM \(table) WHERE active = 1") {
                result[row[0]] = row[1]
            }
            return result
        }
        departments = try codes("department")
        channels = try codes("channel")
        segments = try codes("segment")
        let serviceRows = try Row.fetchAll(
            db,
            sql: """
                SELECT department.code, service.code, service.id FROM service
                JOIN department ON department.id = service.department_id
                WHERE service.active = 1
                """)
        for row in serviceRows {
            services[row[0], default: [:]][row[1]] = row[2]
        }
        for row in try Row.fetchAll(db, sql: "SELECT questionnaire, version, id FROM questionnaire_version") {
            questionnaires[row[0], default: [:]][row[1]] = row[2]
        }
    }

    /// Ids for a unit: department, channel, segment (optional), service (optional, of that department).
    func resolve(_ unit: ServiceUnit) throws -> (Int64, Int64, Int64?, Int64?) {
        guard let department = departments[unit.department] else {
            throw StoreError.unknownReference(kind: "department", id: unit.department)
        }
        guard let channel = channels[unit.channel] else {
            throw StoreError.unknownReference(kind: "channel", id: unit.channel)
        }
        var segment: Int64?
        if let code = unit.segment {
            guard let id = segments[code] else { throw StoreError.unknownReference(kind: "segment", id: code) }
            segment = id
        }
        var service: Int64?
        if let code = unit.service {
            guard let id = services[unit.department]?[code] else {
                throw StoreError.unknownReference(kind: "service", id: "\(unit.department)/\(code)")
            }
            service = id
        }
        return (department, channel, segment, service)
    }

    func questionnaire(_ key: String, _ version: Int) throws -> Int64 {
        guard let id = questionnaires[key]?[version] else {
            throw StoreError.unknownReference(kind: "questionnaire", id: "\(key) v\(version)")
        }
        return id
    }
}

extension AppDatabase: SurveyBulkWriter {
    public func insert(invitations: [Invitation], responses: [SurveyResponse]) async throws {
        try await writer.write { db in
            let index = try DimensionIndex(db)
            try Self.insert(invitations, db, index, timeZone: self.settings.timeZone, secret: self.secret, now: Timestamp.seconds(Date()))
            try Self.insert(responses, db, index)
        }
    }

    /// When a file was imported before: the hour (seconds since 1970, UTC) and how many responses.
    public struct EarlierImport: Sendable, Equatable {
        public var hour: Date
        public var responses: Int
    }

    /// Imports `responses` read from a file whose content has the SHA-256 `fileDigest`, in one
    /// transaction with the record of the file; refused (nothing stored) when the same content
    /// was imported before, unless `again`.
    public func importResponses(_ responses: [SurveyResponse], fileDigest: Data, again: Bool, at now: Date) async throws -> EarlierImport? {
        let digest = secret.key(fileDigest)
        let hour = Timestamp.seconds(now) / 3600 * 3600
        return try await writer.write { db in
            if let row = try Row.fetchOne(db, sql: "SELECT imported_hour, responses FROM imported_file WHERE digest = ?", arguments: [digest]),
                !again
            {
                return EarlierImport(hour: Date(timeIntervalSince1970: TimeInterval(row[0] as Int64)), responses: row[1])
            }
            let index = try DimensionIndex(db)
            try Self.insert(responses, db, index)
            try db.execute(
                sql: """
                    INSERT INTO imported_file (digest, imported_hour, responses) VALUES (?, ?, ?)
                    ON CONFLICT (digest) DO UPDATE SET imported_hour = excluded.imported_hour, responses = imported_file.responses + excluded.responses
                    """,
                arguments: [digest, hour, responses.count])
            return nil
        }
    }

    /// Stores invitations in the shape a live server leaves them: an open one as a row with its
    /// unit; an answered or expired one (synthetic data, imports of history) only as the keyed
    /// hash of its token in the spent table. Token and reference hashes are keyed with `secret`.
    /// `now` decides which are past their expiry (nil: none, as for invitations being issued).
    static func insert(
        _ invitations: [Invitation], _ db: Database, _ index: DimensionIndex, timeZone: TimeZone, secret: ServerSecret, now: Int64?,
        referenceHashes: [Data?]? = nil, progress: ((Int) -> Void)? = nil
    ) throws {
        guard !invitations.isEmpty else { return }
        var cells = CellAccumulator()
        var statement = try BulkStatement(
            db,
            sql: """
                INSERT INTO invitation (token_hash, department_id, channel_id, segment_id, service_id, locale,
                    questionnaire_version_id, issued_at, expires_at, revoked_at, reference_hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        var spent = try BulkStatement(db, sql: "INSERT INTO spent_invitation (token_hash, state, reference_hash) VALUES (?, ?, ?)")
        // In keyed-hash order, so the unique index and the spent table are filled page by page.
        let keyed = invitations.enumerated().map { position, invitation in
            let tokenKey = secret.key(invitation.tokenHash)
            return (
                tokenKey: tokenKey, order: tokenKey.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }, position: position,
                invitation: invitation
            )
        }
        for (written, entry) in keyed.sorted(by: { $0.order < $1.order }).enumerated() {
            if let progress, written % 1000 == 0 { progress(written) }
            let invitation = entry.invitation
            let (department, channel, segment, service) = try index.resolve(invitation.unit)
            let referenceKey = (referenceHashes?[entry.position] ?? invitation.referenceHash).map(secret.key)
            let expiresAt = Timestamp.seconds(invitation.expiresAt)
            let state: SpentInvitations.State? =
                if invitation.usedAt != nil { .used }
                else if let now, expiresAt <= now { invitation.revokedAt == nil ? .expired : .revoked }
                else { nil }
            if let state {
                spent.bind([UInt8](entry.tokenKey))
                spent.bind(state.rawValue)
                if let referenceKey { spent.bind([UInt8](referenceKey)) } else { spent.bindNull() }
                try spent.step()
            } else {
                statement.bind([UInt8](entry.tokenKey))
                statement.bind(department)
                statement.bind(channel)
                statement.bind(segment)
                statement.bind(service)
                statement.bind(invitation.locale)
                statement.bind(try index.questionnaire(invitation.questionnaire, invitation.questionnaireVersion))
                statement.bind(Timestamp.seconds(InvitationTimes.startOfDay(invitation.issuedAt, in: timeZone)))
                statement.bind(Timestamp.seconds(InvitationTimes.endOfDay(invitation.expiresAt, in: timeZone)))
                statement.bind(invitation.revokedAt.map(Timestamp.seconds))
                if let referenceKey { statement.bind([UInt8](referenceKey)) } else { statement.bindNull() }
                try statement.step()
            }
            cells.addInvitations(
                CellAccumulator.InvitationKey(
                    day: CellAccumulator.day(Timestamp.seconds(invitation.issuedAt), timeZone), department: department, channel: channel,
                    segment: segment ?? 0, service: service ?? 0),
                issued: 1, answered: invitation.usedAt == nil ? 0 : 1)
        }
        try cells.flush(db)
    }

    static func insert(_ responses: [SurveyResponse], _ db: Database, _ index: DimensionIndex) throws {
        guard !responses.isEmpty else { return }
        var responseStatement = try BulkStatement(
            db,
            sql: """
                INSERT INTO response (id, day, department_id, channel_id, segment_id, service_id, locale,
                    questionnaire_version_id, source, answers)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        var textStatement = try BulkStatement(db, sql: "INSERT INTO response_text (response_id, item, body) VALUES (?, ?, ?)")
        var cells = CellAccumulator()
        // In id order: rows are stored by id, so this fills pages in order (and reveals nothing,
        // the ids being random).
        for response in responses.sorted(by: { $0.id < $1.id }) {
            let (department, channel, segment, service) = try index.resolve(response.unit)
            let questionnaire = try index.questionnaire(response.questionnaire, response.questionnaireVersion)
            try cells.addResponse(
                CellAccumulator.UnitKey(
                    day: response.day.daysSinceEpoch, department: department, channel: channel, segment: segment ?? 0,
                    service: service ?? 0, locale: response.locale, questionnaire: questionnaire, source: response.source.rawValue),
                answers: response.answers, db)
            responseStatement.bind(response.id)
            responseStatement.bind(response.day.description)
            responseStatement.bind(department)
            responseStatement.bind(channel)
            responseStatement.bind(segment)
            responseStatement.bind(service)
            responseStatement.bind(response.locale)
            responseStatement.bind(questionnaire)
            responseStatement.bind(response.source.rawValue)
            responseStatement.bind(AnswerColumn.encode(response.answers))
            try responseStatement.step()
            for text in response.texts {
                textStatement.bind(response.id)
                textStatement.bind(text.item)
                textStatement.bind(Redaction.storedComment(text.text))
                try textStatement.step()
            }
        }
        try cells.flush(db)
    }
}

/// Instants are stored as whole seconds since 1970-01-01 UTC.
enum Timestamp {
    static func seconds(_ date: Date) -> Int64 {
        Int64(date.timeIntervalSince1970.rounded(.down))
    }
}
