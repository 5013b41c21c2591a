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
            try Self.insert(invitations, db, index, timeZone: self.settings.timeZone)
            try Self.insert(responses, db, index)
        }
    }

    static func insert(
        _ invitations: [Invitation], _ db: Database, _ index: DimensionIndex, timeZone: TimeZone, referenceHashes: [Data?]? = nil,
        progress: ((Int) -> Void)? = nil
    ) throws {
        guard !invitations.isEmpty else { return }
        var cells = CellAccumulator()
        var statement = try BulkStatement(
            db,
            sql: """
                INSERT INTO invitation (token_hash, department_id, channel_id, segment_id, service_id, locale,
                    questionnaire_version_id, issued_at, expires_at, used_at, revoked_at, reference_hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        // In token-hash order, so the unique index is filled page by page.
        let keyed = invitations.enumerated().map { position, invitation in
            (key: invitation.tokenHash.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }, position: position, invitation: invitation)
        }
        for (written, (_, position, invitation)) in keyed.sorted(by: { $0.key < $1.key }).enumerated() {
            if let progress, written % 1000 == 0 { progress(written) }
            let (department, channel, segment, service) = try index.resolve(invitation.unit)
            statement.bind([UInt8](invitation.tokenHash))
            statement.bind(department)
            statement.bind(channel)
            statement.bind(segment)
            statement.bind(service)
            statement.bind(invitation.locale)
            statement.bind(try index.questionnaire(invitation.questionnaire, invitation.questionnaireVersion))
            statement.bind(Timestamp.seconds(invitation.issuedAt))
            statement.bind(Timestamp.seconds(invitation.expiresAt))
            statement.bind(invitation.usedAt.map(Timestamp.seconds))
            statement.bind(invitation.revokedAt.map(Timestamp.seconds))
            if let hash = referenceHashes?[position] ?? invitation.referenceHash { statement.bind([UInt8](hash)) } else { statement.bindNull() }
            try statement.step()
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
                    service: service ?? 0, locale: response.locale, questionnaire: questionnaire),
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
                textStatement.bind(text.text)
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
