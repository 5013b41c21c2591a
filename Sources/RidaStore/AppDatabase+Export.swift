import Foundation
import GRDB
import RidaCore

extension AppDatabase: ResponseExporter {
    public func exportResponses(
        from: CalendarDay?, to: CalendarDay?, _ body: @escaping @Sendable (ExportedResponse) throws -> Void
    ) async throws {
        let first = from?.description ?? "0000-00-00", last = to?.description ?? "9999-99-99"
        try await read { db in
            var codes: [String: [Int64: String]] = [:]
            for table in ["department", "channel", "segment", "service"] {
                codes[table] = Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, code FROM \(table)").map { ($0[0], $0[1]) })
            }
            var versions: [Int64: (String, Int)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, questionnaire, version FROM questionnaire_version") { versions[row[0]] = (row[1], row[2]) }
            // Two scans in id order, merged: responses (with their answers) and their texts.
            let responses = try Row.fetchCursor(
                db,
                sql: """
                    SELECT id, day, department_id, channel_id, segment_id, service_id, locale, questionnaire_version_id, source, answers
                    FROM response WHERE day BETWEEN ? AND ? ORDER BY id
                    """, arguments: [first, last])
            let texts = try Row.fetchCursor(
                db,
                sql: """
                    SELECT response_text.response_id, response_text.item, response_text.body FROM response_text
                    JOIN response ON response.id = response_text.response_id WHERE response.day BETWEEN ? AND ?
                    ORDER BY response_text.response_id
                    """, arguments: [first, last])
            var pendingText: (Int64, String, String)?
            func nextText() throws -> (Int64, String, String)? {
                guard let row = try texts.next() else { return nil }
                return (row[0], row[1], row[2])
            }
            pendingText = try nextText()
            while let row = try responses.next() {
                let id: Int64 = row[0]
                var itemAnswers: [String: AnswerValue] = [:]
                for answer in AnswerColumn.decode(row[9]) ?? [] { itemAnswers[answer.item] = answer.value }
                var itemTexts: [String: String] = [:]
                while let text = pendingText, text.0 <= id {
                    if text.0 == id { itemTexts[text.1] = text.2 }
                    pendingText = try nextText()
                }
                guard let day = CalendarDay(row[1] as String) else { continue }
                let version = versions[row[7]] ?? ("?", 0)
                try body(
                    ExportedResponse(
                        day: day, department: codes["department"]?[row[2]] ?? "?", channel: codes["channel"]?[row[3]] ?? "?",
                        segment: (row[4] as Int64?).flatMap { codes["segment"]?[$0] }, service: (row[5] as Int64?).flatMap { codes["service"]?[$0] },
                        language: row[6], questionnaire: version.0, version: version.1, source: row[8], answers: itemAnswers, texts: itemTexts))
            }
        }
    }

    public func followUpCount(from: CalendarDay, to: CalendarDay) async throws -> Int {
        try await read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM follow_up WHERE day BETWEEN ? AND ?", arguments: [from.description, to.description]) ?? 0
        }
    }
}
