import Foundation
import GRDB
import RidaCore

extension AppDatabase: ConfigurationStore {
    public func synchronize(with configuration: SeedConfiguration) async throws -> SynchronizationReport {
        try await writer.write { db in
            var report = SynchronizationReport()
            func names(_ text: LocalizedText) -> String { Self.json(text.translations) }
            try Self.synchronizeDimension(
                db, table: "department", rows: configuration.departments.map { ($0.id, names($0.names)) }, report: &report)
            try Self.synchronizeDimension(db, table: "channel", rows: configuration.channels.map { ($0.id, names($0.names)) }, report: &report)
            try Self.synchronizeDimension(db, table: "segment", rows: configuration.segments.map { ($0.id, names($0.names)) }, report: &report)
            for department in configuration.departments {
                let departmentID = try Int64.fetchOne(db, sql: "SELECT id FROM department WHERE code = ?", arguments: [department.id])!
                try Self.synchronizeDimension(
                    db, table: "service", rows: department.services.map { ($0.id, names($0.names)) },
                    scope: ("department_id", departmentID), label: "service \(department.id)/", report: &report)
            }
            for questionnaire in configuration.questionnaires {
                try Self.synchronizeQuestionnaire(db, questionnaire, file: configuration.file(of: questionnaire), report: &report)
            }
            try Self.synchronizePoints(db, configuration.points, report: &report)
            return report
        }
    }

    /// JSON with sorted keys, so equal content gives equal text and no spurious update.
    static func json(_ value: [String: String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(value)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// Inserts new codes, updates changed names or order, deactivates codes no longer configured.
    private static func synchronizeDimension(
        _ db: Database, table: String, rows: [(code: String, names: String)], scope: (column: String, value: Int64)? = nil,
        label: String? = nil, report: inout SynchronizationReport
    ) throws {
        let label = label ?? "\(table) "
        let scopeSQL = scope.map { " WHERE \($0.column) = ?" } ?? ""
        let scopeArguments: StatementArguments = scope.map { [$0.value] } ?? []
        var existing: [String: (position: Int, names: String, active: Bool)] = [:]
        let stored = try Row.fetchAll(db, sql: "SELECT code, position, names, active FROM \(table)\(scopeSQL)", arguments: scopeArguments)
        for row in stored {
            existing[row["code"]] = (row["position"], row["names"], row["active"])
        }
        for (position, row) in rows.enumerated() {
            if let current = existing.removeValue(forKey: row.code) {
                guard current.position != position || current.names != row.names || !current.active else { continue }
                var arguments: StatementArguments = [position, row.names, row.code]
                arguments += scopeArguments
                try db.execute(
                    sql: "UPDATE \(table) SET position = ?, names = ?, active = 1 WHERE code = ?\(scope.map { " AND \($0.column) = ?" } ?? "")",
                    arguments: arguments)
                report.updated.append(label + row.code)
            } else if let scope {
                try db.execute(
                    sql: "INSERT INTO \(table) (\(scope.column), code, position, names) VALUES (?, ?, ?, ?)",
                    arguments: [scope.value, row.code, position, row.names])
                report.inserted.append(label + row.code)
            } else {
                try db.execute(sql: "INSERT INTO \(table) (code, position, names) VALUES (?, ?, ?)", arguments: [row.code, position, row.names])
                report.inserted.append(label + row.code)
            }
        }
        for (code, current) in existing.sorted(by: { $0.key < $1.key }) where current.active {
            var arguments: StatementArguments = [code]
            arguments += scopeArguments
            try db.execute(
                sql: "UPDATE \(table) SET active = 0 WHERE code = ?\(scope.map { " AND \($0.column) = ?" } ?? "")", arguments: arguments)
            report.deactivated.append(label + code)
        }
    }

    /// A stored version's meaning never changes; its texts may (a reviewed translation). The
    /// stored fingerprint is compared with the configuration's; a fingerprint of an older
    /// algorithm is first checked against the stored definition, then recomputed from it.
    private static func synchronizeQuestionnaire(
        _ db: Database, _ questionnaire: Questionnaire, file: String?, report: inout SynchronizationReport
    ) throws {
        let fingerprint = questionnaire.meaningFingerprint
        let definition = String(decoding: questionnaire.canonicalJSON(), as: UTF8.self)
        let stored = try Row.fetchOne(
            db, sql: "SELECT id, digest, definition FROM questionnaire_version WHERE questionnaire = ? AND version = ?",
            arguments: [questionnaire.key, questionnaire.version])
        let label = "questionnaire \(questionnaire.key) v\(questionnaire.version)"
        if let stored {
            let id: Int64 = stored["id"]
            func refuse(_ change: String) -> StoreError {
                .questionnaireVersionChanged(key: questionnaire.key, version: questionnaire.version, file: file, change: change)
            }
            let storedText: String = stored["definition"]
            guard let storedDefinition = try? JSONDecoder().decode(Questionnaire.self, from: Data(storedText.utf8)) else {
                throw refuse("the stored definition cannot be read")
            }
            var storedDigest: String = stored["digest"]
            if !storedDigest.hasPrefix(Questionnaire.fingerprintAlgorithm + ":") {
                guard storedDigest == storedDefinition.legacyStructuralDigest else {
                    throw refuse("the stored definition does not match its stored fingerprint")
                }
                storedDigest = storedDefinition.meaningFingerprint
                // Bookkeeping, not a change of configuration: not reported.
                try db.execute(sql: "UPDATE questionnaire_version SET digest = ? WHERE id = ?", arguments: [storedDigest, id])
            }
            guard storedDigest == storedDefinition.meaningFingerprint else {
                throw refuse("the stored definition does not match its stored fingerprint")
            }
            if let change = storedDefinition.changeOfMeaning(to: questionnaire) { throw refuse(change) }
            if storedText != definition {
                try db.execute(sql: "UPDATE questionnaire_version SET definition = ? WHERE id = ?", arguments: [definition, id])
                report.updated.append(label + " (wording)")
            }
            return
        }
        try db.execute(
            sql: """
                INSERT INTO questionnaire_version (questionnaire, version, definition, digest, created_at)
                VALUES (?, ?, ?, ?, ?)
                """,
            arguments: [questionnaire.key, questionnaire.version, definition, fingerprint, Timestamp.seconds(Date())])
        report.inserted.append(label)
    }
}
