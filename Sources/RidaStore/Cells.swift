import Foundation
import GRDB
import RidaCore

/// Per-day sufficient statistics, kept at write time in the same transaction as the raw rows, so
/// analyses read cells rather than responses and do not slow down as responses accumulate.
///
/// Four tables: responses per day at two grains (department × channel, and the full unit with
/// segment, service and language), each with a count vector laid out by the questionnaire
/// version (`CellLayout`); and invitations issued and answered per day of issue, at the same two
/// grains. A missing segment or service is stored as 0.
enum CellTables {
    static func create(_ db: Database, timeZone: TimeZone) throws {
        try db.execute(
            sql: """
                CREATE TABLE cell_dc (
                    day INTEGER NOT NULL, department_id INTEGER NOT NULL, channel_id INTEGER NOT NULL,
                    questionnaire_version_id INTEGER NOT NULL, responses INTEGER NOT NULL, counts BLOB NOT NULL,
                    PRIMARY KEY (day, department_id, channel_id, questionnaire_version_id)
                ) STRICT, WITHOUT ROWID;
                CREATE TABLE cell_unit (
                    day INTEGER NOT NULL, department_id INTEGER NOT NULL, channel_id INTEGER NOT NULL,
                    segment_id INTEGER NOT NULL, service_id INTEGER NOT NULL, locale TEXT NOT NULL,
                    questionnaire_version_id INTEGER NOT NULL, responses INTEGER NOT NULL, counts BLOB NOT NULL,
                    PRIMARY KEY (day, department_id, channel_id, segment_id, service_id, locale, questionnaire_version_id)
                ) STRICT, WITHOUT ROWID;
                CREATE TABLE invitation_cell_dc (
                    day INTEGER NOT NULL, department_id INTEGER NOT NULL, channel_id INTEGER NOT NULL,
                    issued INTEGER NOT NULL, answered INTEGER NOT NULL,
                    PRIMARY KEY (day, department_id, channel_id)
                ) STRICT, WITHOUT ROWID;
                CREATE TABLE invitation_cell_unit (
                    day INTEGER NOT NULL, department_id INTEGER NOT NULL, channel_id INTEGER NOT NULL,
                    segment_id INTEGER NOT NULL, service_id INTEGER NOT NULL,
                    issued INTEGER NOT NULL, answered INTEGER NOT NULL,
                    PRIMARY KEY (day, department_id, channel_id, segment_id, service_id)
                ) STRICT, WITHOUT ROWID;
                """)
        // Databases written before cells existed: fill them from the raw rows.
        var cells = try CellAccumulator.recompute(db, timeZone: timeZone)
        // The unit cells of this version keep no source: responses of every source share a cell.
        try cells.flush(db, .init(unitsBySource: false))
    }

    /// Schema version 12: the unit cells keep the source of their responses (invitation, point,
    /// import), so analyses can be broken down by it. They are rebuilt from the raw rows.
    static func addSource(_ db: Database, timeZone: TimeZone) throws {
        try db.execute(
            sql: """
                DROP TABLE cell_unit;
                CREATE TABLE cell_unit (
                    day INTEGER NOT NULL, department_id INTEGER NOT NULL, channel_id INTEGER NOT NULL,
                    segment_id INTEGER NOT NULL, service_id INTEGER NOT NULL, locale TEXT NOT NULL,
                    questionnaire_version_id INTEGER NOT NULL, source TEXT NOT NULL, responses INTEGER NOT NULL, counts BLOB NOT NULL,
                    PRIMARY KEY (day, department_id, channel_id, segment_id, service_id, locale, questionnaire_version_id, source)
                ) STRICT, WITHOUT ROWID;
                """)
        var cells = try CellAccumulator.recompute(db, timeZone: timeZone)
        cells.invitations = [:]
        try cells.flush(db, .init(unitsBySource: true, unitsOnly: true))
    }
}

/// Changes to cells, gathered in memory and merged into the tables in one pass.
struct CellAccumulator: BatchEffects {
    struct UnitKey: Hashable {
        var day: Int
        var department: Int64, channel: Int64, segment: Int64, service: Int64
        var locale: String
        var questionnaire: Int64
        /// How the responses came (`ResponseSource`'s raw value).
        var source: String
    }

    struct DCKey: Hashable {
        var day: Int
        var department: Int64, channel: Int64
        var questionnaire: Int64
    }

    struct InvitationKey: Hashable {
        var day: Int
        var department: Int64, channel: Int64, segment: Int64, service: Int64
    }

    struct ResponseTotals: Equatable {
        var responses = 0
        var counts: [UInt32] = []
    }

    struct InvitationTotals: Equatable {
        var issued = 0
        var answered = 0
    }

    var responses: [UnitKey: ResponseTotals] = [:]
    var invitations: [InvitationKey: InvitationTotals] = [:]
    private var layouts: [Int64: CellLayout] = [:]

    var isEmpty: Bool { responses.isEmpty && invitations.isEmpty }

    /// Supplies a questionnaire version's layout already at hand, sparing a read and a decode of
    /// its definition (the web submission path has the questionnaire).
    mutating func use(_ layout: CellLayout, for questionnaire: Int64) {
        layouts[questionnaire] = layout
    }

    mutating func layout(_ questionnaire: Int64, _ db: Database) throws -> CellLayout {
        if let layout = layouts[questionnaire] { return layout }
        guard let definition = try String.fetchOne(
            db.cachedStatement(sql: "SELECT definition FROM questionnaire_version WHERE id = ?"), arguments: [questionnaire])
        else { throw StoreError.unknownReference(kind: "questionnaire version", id: "\(questionnaire)") }
        let layout = CellLayout(try JSONDecoder().decode(Questionnaire.self, from: Data(definition.utf8)))
        layouts[questionnaire] = layout
        return layout
    }

    mutating func addResponse(_ key: UnitKey, answers: [ItemAnswer], _ db: Database) throws {
        let layout = try layout(key.questionnaire, db)
        var totals = responses[key] ?? ResponseTotals()
        totals.responses += 1
        layout.add(answers, to: &totals.counts)
        responses[key] = totals
    }

    /// Adds everything `other` gathered.
    mutating func merge(_ other: CellAccumulator) {
        for (key, totals) in other.responses {
            var merged = responses[key] ?? ResponseTotals()
            merged.responses += totals.responses
            CellCounts.add(totals.counts, to: &merged.counts)
            responses[key] = merged
        }
        for (key, totals) in other.invitations {
            var merged = invitations[key] ?? InvitationTotals()
            merged.issued += totals.issued
            merged.answered += totals.answered
            invitations[key] = merged
        }
        layouts.merge(other.layouts) { current, _ in current }
    }

    mutating func addInvitations(_ key: InvitationKey, issued: Int, answered: Int) {
        var totals = invitations[key] ?? InvitationTotals()
        totals.issued += issued
        totals.answered += answered
        invitations[key] = totals
    }

    /// The organisation's day of an instant, as days since 1970-01-01.
    static func day(_ seconds: Int64, _ timeZone: TimeZone) -> Int {
        let offset = Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds))))
        let local = seconds + offset
        return Int((local >= 0 ? local : local - 86399) / 86400)
    }

    /// The department × channel totals of the unit cells gathered here.
    func departmentChannel() -> [DCKey: ResponseTotals] {
        var result: [DCKey: ResponseTotals] = [:]
        for (key, totals) in responses {
            let dc = DCKey(day: key.day, department: key.department, channel: key.channel, questionnaire: key.questionnaire)
            var merged = result[dc] ?? ResponseTotals()
            merged.responses += totals.responses
            CellCounts.add(totals.counts, to: &merged.counts)
            result[dc] = merged
        }
        return result
    }

    func invitationDepartmentChannel() -> [InvitationKey: InvitationTotals] {
        var result: [InvitationKey: InvitationTotals] = [:]
        for (key, totals) in invitations {
            let dc = InvitationKey(day: key.day, department: key.department, channel: key.channel, segment: 0, service: 0)
            var merged = result[dc] ?? InvitationTotals()
            merged.issued += totals.issued
            merged.answered += totals.answered
            result[dc] = merged
        }
        return result
    }

    /// Adds everything gathered to the stored cells, and empties the accumulator.
    mutating func apply(_ db: Database) throws { try flush(db) }

    /// What `flush` writes: `unitsBySource` false for the unit cells of schema versions before
    /// 12, which kept no source (the cells' own migration, version 3, writes those);
    /// `unitsOnly` for the migration that rebuilt the unit cells by source.
    struct Parts {
        var unitsBySource = true
        var unitsOnly = false
    }

    mutating func flush(_ db: Database, _ parts: Parts = Parts()) throws {
        defer {
            responses = [:]
            invitations = [:]
        }
        guard !isEmpty else { return }
        let source = parts.unitsBySource ? " AND source = ?" : ""
        let selectUnit = try db.cachedStatement(
            sql: """
                SELECT responses, counts FROM cell_unit WHERE day = ? AND department_id = ? AND channel_id = ?
                    AND segment_id = ? AND service_id = ? AND locale = ? AND questionnaire_version_id = ?\(source)
                """)
        let writeUnit = try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO cell_unit (day, department_id, channel_id, segment_id, service_id, locale,
                    questionnaire_version_id\(parts.unitsBySource ? ", source" : ""), responses, counts)
                VALUES (?, ?, ?, ?, ?, ?, ?\(parts.unitsBySource ? ", ?" : ""), ?, ?)
                """)
        for (key, totals) in responses {
            var arguments: StatementArguments = [
                key.day, key.department, key.channel, key.segment, key.service, key.locale, key.questionnaire,
            ]
            if parts.unitsBySource { arguments += [key.source] }
            var merged = totals
            if let row = try Row.fetchOne(selectUnit, arguments: arguments) {
                merged.responses += row[0] as Int
                var stored = CellCounts.decode(row[1])
                CellCounts.add(totals.counts, to: &stored)
                merged.counts = stored
            }
            try writeUnit.execute(arguments: arguments + [merged.responses, CellCounts.encode(merged.counts)])
        }
        guard !parts.unitsOnly else { return }
        let selectDC = try db.cachedStatement(
            sql: "SELECT responses, counts FROM cell_dc WHERE day = ? AND department_id = ? AND channel_id = ? AND questionnaire_version_id = ?")
        let writeDC = try db.cachedStatement(
            sql: "INSERT OR REPLACE INTO cell_dc (day, department_id, channel_id, questionnaire_version_id, responses, counts) VALUES (?, ?, ?, ?, ?, ?)")
        for (key, totals) in departmentChannel() {
            let arguments: StatementArguments = [key.day, key.department, key.channel, key.questionnaire]
            var merged = totals
            if let row = try Row.fetchOne(selectDC, arguments: arguments) {
                merged.responses += row[0] as Int
                var stored = CellCounts.decode(row[1])
                CellCounts.add(totals.counts, to: &stored)
                merged.counts = stored
            }
            try writeDC.execute(arguments: arguments + [merged.responses, CellCounts.encode(merged.counts)])
        }
        let upsertUnit = try db.cachedStatement(
            sql: """
                INSERT INTO invitation_cell_unit (day, department_id, channel_id, segment_id, service_id, issued, answered)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT DO UPDATE SET issued = issued + excluded.issued, answered = answered + excluded.answered
                """)
        for (key, totals) in invitations {
            try upsertUnit.execute(arguments: [key.day, key.department, key.channel, key.segment, key.service, totals.issued, totals.answered])
        }
        let upsertDC = try db.cachedStatement(
            sql: """
                INSERT INTO invitation_cell_dc (day, department_id, channel_id, issued, answered) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT DO UPDATE SET issued = issued + excluded.issued, answered = answered + excluded.answered
                """)
        for (key, totals) in invitationDepartmentChannel() {
            try upsertDC.execute(arguments: [key.day, key.department, key.channel, totals.issued, totals.answered])
        }
    }

    /// Every response cell, computed from the raw responses and answers (and, on a database from
    /// before schema version 6, the invitation cells from the invitations).
    static func recompute(_ db: Database, timeZone: TimeZone) throws -> CellAccumulator {
        var cells = CellAccumulator()
        let responseRows = try Row.fetchCursor(
            db,
            sql: """
                SELECT day, department_id, channel_id, IFNULL(segment_id, 0), IFNULL(service_id, 0), locale,
                    questionnaire_version_id, source, count(*)
                FROM response GROUP BY 1, 2, 3, 4, 5, 6, 7, 8
                """)
        func unitKey(_ row: Row) throws -> UnitKey {
            guard let day = CalendarDay(row[0] as String) else { throw StoreError.unknownReference(kind: "day", id: row[0]) }
            return UnitKey(
                day: day.daysSinceEpoch, department: row[1], channel: row[2], segment: row[3], service: row[4], locale: row[5],
                questionnaire: row[6], source: row[7])
        }
        while let row = try responseRows.next() {
            let key = try unitKey(row)
            var totals = cells.responses[key] ?? ResponseTotals()
            totals.responses += row[8] as Int
            cells.responses[key] = totals
        }
        // Answers are in the response row since schema version 5; the cells' own migration (version
        // 3) runs on databases that still keep them in a table of their own.
        let answers =
            try db.tableExists("answer")
            ? "answer.item, answer.value, answer.not_applicable, count(*) FROM answer JOIN response ON response.id = answer.response_id"
            : "answer.key, answer.value, answer.value = '\(AnswerColumn.notApplicable)', count(*) FROM response, json_each(response.answers) AS answer"
        let answerRows = try Row.fetchCursor(
            db,
            sql: """
                SELECT response.day, response.department_id, response.channel_id, IFNULL(response.segment_id, 0),
                    IFNULL(response.service_id, 0), response.locale, response.questionnaire_version_id, response.source, \(answers)
                GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
                """)
        while let row = try answerRows.next() {
            let key = try unitKey(row)
            let layout = try cells.layout(key.questionnaire, db)
            guard let slot = layout.slot(row[8]) else { continue }
            var totals = cells.responses[key] ?? ResponseTotals()
            if totals.counts.count < layout.width { totals.counts += Array(repeating: 0, count: layout.width - totals.counts.count) }
            let count = UInt32(row[11] as Int)
            if row[10] as Int == 1 {
                totals.counts[slot.notApplicableOffset] += count
            } else if let value = row[9] as Int?, slot.scale.points.contains(value) {
                totals.counts[slot.offset(of: value)] += count
            }
            cells.responses[key] = totals
        }
        // Since schema version 6 an answered invitation leaves no row that could be counted by its
        // unit (see `SpentInvitations`); the invitation cells were computed here only by the
        // cells' own migration (version 3), from databases that still kept `used_at`.
        guard try db.columns(in: "invitation").contains(where: { $0.name == "used_at" }) else { return cells }
        let invitationRows = try Row.fetchCursor(
            db,
            sql: """
                SELECT issued_at, department_id, channel_id, IFNULL(segment_id, 0), IFNULL(service_id, 0), used_at IS NOT NULL
                FROM invitation
                """)
        while let row = try invitationRows.next() {
            let key = InvitationKey(
                day: day(row[0], timeZone), department: row[1], channel: row[2], segment: row[3], service: row[4])
            cells.addInvitations(key, issued: 1, answered: row[5] as Bool ? 1 : 0)
        }
        return cells
    }
}
