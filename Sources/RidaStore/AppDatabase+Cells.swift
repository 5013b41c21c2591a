import Foundation
import GRDB
import RidaCore

extension AppDatabase: CellReader {
    public func firstDataDay() async throws -> CalendarDay? {
        try await read { db in
            let first = try Int.fetchOne(db, sql: "SELECT min(day) FROM (SELECT min(day) AS day FROM cell_dc UNION ALL SELECT min(day) FROM invitation_cell_dc)")
            return first.map { CalendarDay(daysSinceEpoch: $0) }
        }
    }

    /// Codes of every dimension id, including inactive ones (old cells may name them).
    private struct Codes {
        var departments: [Int64: String] = [:]
        var channels: [Int64: String] = [:]
        var segments: [Int64: String] = [:]
        var services: [Int64: String] = [:]

        init(_ db: Database) throws {
            func codes(_ table: String) throws -> [Int64: String] {
                Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, code FROM \(table)").map { ($0[0], $0[1]) })
            }
            departments = try codes("department")
            channels = try codes("channel")
            segments = try codes("segment")
            services = try codes("service")
        }
    }

    public func responseCells(from: CalendarDay, to: CalendarDay, grain: CellGrain) async throws -> [ResponseCell] {
        try await read { db in
            let codes = try Codes(db)
            var cells: [ResponseCell] = []
            let range: StatementArguments = [from.daysSinceEpoch, to.daysSinceEpoch]
            switch grain {
            case .departmentChannel:
                let rows = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT day, department_id, channel_id, questionnaire_version_id, responses, counts
                        FROM cell_dc WHERE day BETWEEN ? AND ?
                        """, arguments: range)
                while let row = try rows.next() {
                    cells.append(
                        ResponseCell(
                            day: CalendarDay(daysSinceEpoch: row[0]), department: codes.departments[row[1]] ?? "?", channel: codes.channels[row[2]] ?? "?",
                            questionnaireVersionID: row[3], responses: row[4], counts: CellCounts.decode(row[5])))
                }
            case .unit:
                let rows = try Row.fetchCursor(
                    db,
                    sql: """
                        SELECT day, department_id, channel_id, segment_id, service_id, locale, questionnaire_version_id, responses, counts, source
                        FROM cell_unit WHERE day BETWEEN ? AND ?
                        """, arguments: range)
                while let row = try rows.next() {
                    cells.append(
                        ResponseCell(
                            day: CalendarDay(daysSinceEpoch: row[0]), department: codes.departments[row[1]] ?? "?", channel: codes.channels[row[2]] ?? "?",
                            segment: codes.segments[row[3]], service: codes.services[row[4]], language: row[5], source: row[9],
                            questionnaireVersionID: row[6], responses: row[7], counts: CellCounts.decode(row[8])))
                }
            }
            return cells
        }
    }

    public func invitationCells(from: CalendarDay, to: CalendarDay, grain: CellGrain) async throws -> [InvitationCell] {
        try await read { db in
            let codes = try Codes(db)
            let table = grain == .departmentChannel ? "invitation_cell_dc" : "invitation_cell_unit"
            let dimensions = grain == .departmentChannel ? "0, 0" : "segment_id, service_id"
            // A cursor, decoded by column index: no row is copied.
            let rows = try Row.fetchCursor(
                db,
                sql: "SELECT day, department_id, channel_id, \(dimensions), issued, answered FROM \(table) WHERE day BETWEEN ? AND ?",
                arguments: [from.daysSinceEpoch, to.daysSinceEpoch])
            var cells: [InvitationCell] = []
            while let row = try rows.next() {
                let segment: Int64 = row[3], service: Int64 = row[4]
                cells.append(
                    InvitationCell(
                        day: CalendarDay(daysSinceEpoch: row[0] as Int), department: codes.departments[row[1] as Int64] ?? "?",
                        channel: codes.channels[row[2] as Int64] ?? "?", segment: segment == 0 ? nil : codes.segments[segment],
                        service: service == 0 ? nil : codes.services[service], issued: row[5], answered: row[6]))
            }
            return cells
        }
    }

    public func questionnaireVersions() async throws -> [Int64: Questionnaire] {
        let ids = try await read { db in try Int64.fetchAll(db, sql: "SELECT id FROM questionnaire_version") }
        var result: [Int64: Questionnaire] = [:]
        for id in ids {
            result[id] = try await read { db in try self.questionnaire(db, id: id) }
        }
        return result
    }

    /// Recomputes every response cell from the raw rows (in one read transaction) and compares it
    /// with the stored cells, at both grains. Invitation cells cannot be recomputed (a spent
    /// invitation keeps no unit): per unit cell, the invitations still open must fit in issued −
    /// answered; in total, issued = open + spent rows and answered = used rows; department ×
    /// channel cells must be the sums of their unit cells.
    public func checkCells() async throws -> CellCheck {
        let timeZone = settings.timeZone
        return try await read { db in
            let expected = try CellAccumulator.recompute(db, timeZone: timeZone)
            var differences: [String] = []
            func note(_ text: String) { if differences.count < 50 { differences.append(text) } }

            // Count vectors compare without trailing zeros (a vector grows only as far as needed).
            func trimmed(_ counts: [UInt32]) -> [UInt32] {
                var counts = counts
                while counts.last == 0 { counts.removeLast() }
                return counts
            }
            var storedUnits: [CellAccumulator.UnitKey: CellAccumulator.ResponseTotals] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM cell_unit") {
                let key = CellAccumulator.UnitKey(
                    day: row["day"], department: row["department_id"], channel: row["channel_id"], segment: row["segment_id"],
                    service: row["service_id"], locale: row["locale"], questionnaire: row["questionnaire_version_id"], source: row["source"])
                storedUnits[key] = .init(responses: row["responses"], counts: trimmed(CellCounts.decode(row["counts"])))
            }
            let expectedUnits = expected.responses.mapValues { CellAccumulator.ResponseTotals(responses: $0.responses, counts: trimmed($0.counts)) }
            for key in Set(storedUnits.keys).union(expectedUnits.keys) where storedUnits[key] != expectedUnits[key] {
                note("cell_unit \(key): stored \(String(describing: storedUnits[key])), raw rows give \(String(describing: expectedUnits[key]))")
            }

            var storedDC: [CellAccumulator.DCKey: CellAccumulator.ResponseTotals] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM cell_dc") {
                let key = CellAccumulator.DCKey(
                    day: row["day"], department: row["department_id"], channel: row["channel_id"], questionnaire: row["questionnaire_version_id"])
                storedDC[key] = .init(responses: row["responses"], counts: trimmed(CellCounts.decode(row["counts"])))
            }
            let expectedDC = expected.departmentChannel().mapValues {
                CellAccumulator.ResponseTotals(responses: $0.responses, counts: trimmed($0.counts))
            }
            for key in Set(storedDC.keys).union(expectedDC.keys) where storedDC[key] != expectedDC[key] {
                note("cell_dc \(key): stored \(String(describing: storedDC[key])), raw rows give \(String(describing: expectedDC[key]))")
            }

            // Invitation cells: an answered or expired invitation keeps no unit, so a cell can no
            // longer be recomputed; check what the rows still show.
            var storedInvitations: [CellAccumulator.InvitationKey: CellAccumulator.InvitationTotals] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM invitation_cell_unit") {
                let key = CellAccumulator.InvitationKey(
                    day: row["day"], department: row["department_id"], channel: row["channel_id"], segment: row["segment_id"], service: row["service_id"])
                storedInvitations[key] = .init(issued: row["issued"], answered: row["answered"])
            }
            var openRows: [CellAccumulator.InvitationKey: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT issued_at, department_id, channel_id, IFNULL(segment_id, 0), IFNULL(service_id, 0) FROM invitation")
            {
                let key = CellAccumulator.InvitationKey(
                    day: CellAccumulator.day(row[0], timeZone), department: row[1], channel: row[2], segment: row[3], service: row[4])
                openRows[key, default: 0] += 1
            }
            for key in Set(storedInvitations.keys).union(openRows.keys) {
                let stored = storedInvitations[key] ?? .init()
                let open = openRows[key] ?? 0
                if stored.answered < 0 || stored.issued - stored.answered < open {
                    note("invitation_cell_unit \(key): issued \(stored.issued), answered \(stored.answered), but \(open) unanswered invitations are still open")
                }
            }
            var issuedTotal = 0, answeredTotal = 0
            var summedDC: [CellAccumulator.InvitationKey: CellAccumulator.InvitationTotals] = [:]
            for (key, totals) in storedInvitations {
                issuedTotal += totals.issued
                answeredTotal += totals.answered
                let dc = CellAccumulator.InvitationKey(day: key.day, department: key.department, channel: key.channel, segment: 0, service: 0)
                summedDC[dc, default: .init()].issued += totals.issued
                summedDC[dc, default: .init()].answered += totals.answered
            }
            let openCount = try Int.fetchOne(db, sql: "SELECT count(*) FROM invitation") ?? 0
            let spentCount = try Int.fetchOne(db, sql: "SELECT count(*) FROM spent_invitation") ?? 0
            let usedCount = try Int.fetchOne(db, sql: "SELECT count(*) FROM spent_invitation WHERE state = 'used'") ?? 0
            if issuedTotal != openCount + spentCount {
                note("invitations issued: the cells count \(issuedTotal), the rows \(openCount) open + \(spentCount) spent")
            }
            if answeredTotal != usedCount {
                note("invitations answered: the cells count \(answeredTotal), the rows \(usedCount) used")
            }
            var storedInvitationsDC: [CellAccumulator.InvitationKey: CellAccumulator.InvitationTotals] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM invitation_cell_dc") {
                let key = CellAccumulator.InvitationKey(day: row["day"], department: row["department_id"], channel: row["channel_id"], segment: 0, service: 0)
                storedInvitationsDC[key] = .init(issued: row["issued"], answered: row["answered"])
            }
            for key in Set(storedInvitationsDC.keys).union(summedDC.keys) where storedInvitationsDC[key] != summedDC[key] {
                note("invitation_cell_dc \(key): stored \(String(describing: storedInvitationsDC[key])), its unit cells sum to \(String(describing: summedDC[key]))")
            }
            return CellCheck(
                responseCells: storedUnits.count + storedDC.count, invitationCells: storedInvitations.count + storedInvitationsDC.count,
                differences: differences)
        }
    }
}
