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
            try Self.insert(invitations, db, index)
            try Self.insert(responses, db, index)
        }
    }

    static func insert(_ invitations: [Invitation], _ db: Database, _ index: DimensionIndex) throws {
        guard !invitations.isEmpty else { return }
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO invitation (token_hash, department_id, channel_id, segment_id, service_id, locale,
                    questionnaire_version_id, issued_at, expires_at, used_at, revoked_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        for invitation in invitations {
            let (department, channel, segment, service) = try index.resolve(invitation.unit)
            let questionnaire = try index.questionnaire(invitation.questionnaire, invitation.questionnaireVersion)
            statement.setUncheckedArguments([
                invitation.tokenHash, department, channel, segment, service, invitation.locale, questionnaire,
                Timestamp.text(invitation.issuedAt), Timestamp.text(invitation.expiresAt),
                invitation.usedAt.map(Timestamp.text), invitation.revokedAt.map(Timestamp.text),
            ])
            try statement.execute()
        }
    }

    static func insert(_ responses: [SurveyResponse], _ db: Database, _ index: DimensionIndex) throws {
        guard !responses.isEmpty else { return }
        let responseStatement = try db.cachedStatement(
            sql: """
                INSERT INTO response (id, day, department_id, channel_id, segment_id, service_id, locale,
                    questionnaire_version_id, source)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        let answerStatement = try db.cachedStatement(
            sql: "INSERT INTO answer (response_id, item, value, not_applicable) VALUES (?, ?, ?, ?)")
        let textStatement = try db.cachedStatement(sql: "INSERT INTO response_text (response_id, item, body) VALUES (?, ?, ?)")
        for response in responses {
            let (department, channel, segment, service) = try index.resolve(response.unit)
            let questionnaire = try index.questionnaire(response.questionnaire, response.questionnaireVersion)
            responseStatement.setUncheckedArguments([
                response.id, response.day.description, department, channel, segment, service, response.locale, questionnaire,
                response.source.rawValue,
            ])
            try responseStatement.execute()
            for answer in response.answers {
                switch answer.value {
                case .value(let value):
                    answerStatement.setUncheckedArguments([response.id, answer.item, value, 0])
                case .notApplicable:
                    answerStatement.setUncheckedArguments([response.id, answer.item, nil, 1])
                }
                try answerStatement.execute()
            }
            for text in response.texts {
                textStatement.setUncheckedArguments([response.id, text.item, text.text])
                try textStatement.execute()
            }
        }
    }
}

/// Instants are stored as UTC text `YYYY-MM-DD HH:MM:SS.SSS`, which sorts and compares as time
/// and which SQLite's date functions read.
enum Timestamp {
    static func text(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let millis = Int(milliseconds - seconds * 1000)
        let days = Int(seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400)
        let secondOfDay = Int(seconds - Int64(days) * 86400)
        let day = CalendarDay(daysSinceEpoch: days)
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(day) \(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2)).\(pad(millis, 3))"
    }
}
