import Foundation
import GRDB
import RidaCore
import Testing

@testable import RidaStore

/// The per-day cells stay exactly consistent with the raw responses and invitations, whatever
/// wrote them.
@Suite struct CellTests {
    func store() async throws -> (AppDatabase, SeedConfiguration) {
        let store = try AppDatabase(path: temporaryDatabasePath())
        let configuration = try shippedConfiguration()
        _ = try await store.synchronize(with: configuration)
        return (store, configuration)
    }

    func newInvitations(_ count: Int, channel: String, at date: Date) -> ([InvitationToken], [NewInvitation]) {
        var generator = SystemRandomNumberGenerator()
        let tokens = (0..<count).map { _ in InvitationToken.generate(using: &generator) }
        let invitations = tokens.map { token in
            NewInvitation(
                invitation: Invitation(
                    tokenHash: token.hash, unit: ServiceUnit(department: "registration", channel: channel, segment: "hajj", service: nil),
                    locale: "ar", questionnaire: "default", questionnaireVersion: 1, issuedAt: date, expiresAt: date.addingTimeInterval(30 * 86400)))
        }
        return (tokens, invitations)
    }

    func submission(_ questionnaire: Questionnaire, overall: Int) -> SubmissionRequest {
        SubmissionRequest(
            validate: { _ in SubmissionValidator(questionnaire: questionnaire).validate(["overall": ["\(overall)"], "referral": ["na"], "ease": ["6"]]) },
            language: { _ in "en" })
    }

    @Test func cellsFollowIssuesSubmissionsAndBulkWrites() async throws {
        let (store, configuration) = try await store()
        let questionnaire = try #require(configuration.currentQuestionnaire())
        let now = Date()
        let (tokens, invitations) = newInvitations(12, channel: "phone", at: now)
        try await store.issue(invitations)
        for (index, token) in tokens.prefix(5).enumerated() {
            let outcome = try await store.submit(tokenHash: token.hash, submission(questionnaire, overall: index + 1), at: now)
            guard case .stored = outcome else { Issue.record("not stored: \(outcome)"); continue }
        }
        // A second submit of a used token changes nothing.
        _ = try await store.submit(tokenHash: tokens[0].hash, submission(questionnaire, overall: 5), at: now)
        try await store.insert(
            invitations: [sampleInvitation(usedAt: Date(timeIntervalSince1970: 1_773_500_000)), sampleInvitation()],
            responses: (1...4).map { sampleResponse(id: Int64($0), overall: $0 + 1) })

        let check = try await store.checkCells()
        #expect(check.isExact, "\(check.differences)")
        #expect(check.responseCells > 0 && check.invitationCells > 0)

        let today = CalendarDay(now, in: store.settings.timeZone)
        let cells = try await store.responseCells(from: today, to: today, grain: .departmentChannel)
        #expect(cells.map(\.responses).reduce(0, +) == 5)
        let layout = CellLayout(questionnaire)
        let overall = try #require(layout.slot("overall"))
        let counts = cells.reduce(into: [UInt32]()) { CellCounts.add($1.counts, to: &$0) }
        #expect((1...5).map { counts[overall.offset(of: $0)] } == [1, 1, 1, 1, 1])
        #expect(counts[try #require(layout.slot("referral")).notApplicableOffset] == 5)
        let issued = try await store.invitationCells(from: today, to: today, grain: .unit)
        #expect(issued.map(\.issued).reduce(0, +) == 12)
        #expect(issued.map(\.answered).reduce(0, +) == 5)
        #expect(issued.allSatisfy { $0.segment == "hajj" && $0.channel == "phone" })
    }

    /// Concurrent submissions are committed together (group commit): each is stored once, each
    /// caller hears its own outcome, and the cells stay exact.
    @Test func concurrentSubmissionsAreEachStoredOnce() async throws {
        let (store, configuration) = try await store()
        let questionnaire = try #require(configuration.currentQuestionnaire())
        let now = Date()
        let (tokens, invitations) = newInvitations(40, channel: "web", at: now)
        try await store.issue(invitations)
        // Every token twice, all at once.
        let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
            for (index, token) in (tokens + tokens).enumerated() {
                group.addTask {
                    switch try await store.submit(tokenHash: token.hash, self.submission(questionnaire, overall: index % 5 + 1), at: now) {
                    case .stored: "stored"
                    case .closed(let details): details.state == .used ? "used" : "other"
                    default: "other"
                    }
                }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == "stored" }.count == 40)
        #expect(outcomes.filter { $0 == "used" }.count == 40)
        #expect(try await store.counts().responses == 40)
        let check = try await store.checkCells()
        #expect(check.isExact, "\(check.differences)")
    }

    @Test func theCheckFindsACellThatDisagrees() async throws {
        let (store, _) = try await store()
        try await store.insert(invitations: [], responses: [sampleResponse(id: 7, overall: 5)])
        #expect(try await store.checkCells().isExact)
        try await store.writer.write { db in try db.execute(sql: "UPDATE cell_dc SET responses = responses + 1") }
        let check = try await store.checkCells()
        #expect(!check.isExact)
        #expect(check.differences.contains { $0.hasPrefix("cell_dc") })
    }

    /// A database written before cells existed (schema version 2) gets them, computed from its
    /// raw rows, before later migrations reduce its answered and expired invitations to spent hashes.
    @Test func cellsAreFilledForADatabaseWrittenBeforeThem() async throws {
        let path = temporaryDatabasePath()
        do {
            let queue = try DatabaseQueue(path: path)
            try Migrations.migrator().migrate(queue, upTo: "v2.survey-delivery")
            let questionnaire = try #require(try shippedConfiguration().currentQuestionnaire())
            try await queue.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO department (id, code, position, names) VALUES (1, 'registration', 1, '{}'), (2, 'social-research', 2, '{}');
                        INSERT INTO channel (id, code, position, names) VALUES (1, 'office', 1, '{}'), (2, 'letter', 2, '{}');
                        """)
                try db.execute(
                    sql: "INSERT INTO questionnaire_version (id, questionnaire, version, definition, digest, created_at) VALUES (1, 'default', 1, ?, 'x', 0)",
                    arguments: [String(decoding: try JSONEncoder().encode(questionnaire), as: UTF8.self)])
                let invitation = """
                    INSERT INTO invitation (token_hash, department_id, channel_id, locale, questionnaire_version_id, issued_at, expires_at, used_at)
                    VALUES (?, ?, 1, 'ar', 1, 1773460800, 1776052800, ?)
                    """
                try db.execute(sql: invitation, arguments: [Data(repeating: 1, count: 32), 1, 1_773_500_000])
                try db.execute(sql: invitation, arguments: [Data(repeating: 2, count: 32), 2, nil])
                for id in 1...6 {
                    try db.execute(
                        sql: """
                            INSERT INTO response (id, day, department_id, channel_id, locale, questionnaire_version_id, source)
                            VALUES (?, '2026-03-14', 1, ?, 'ur', 1, 'invitation')
                            """, arguments: [id, id % 2 == 0 ? 1 : 2])
                    try db.execute(sql: "INSERT INTO answer (response_id, item, value) VALUES (?, 'overall', ?)", arguments: [id, id % 5 + 1])
                }
            }
            try queue.close()
        }
        let store = try AppDatabase(path: path)
        #expect(try store.appliedMigrations() == AppDatabase.migrationNames)
        let check = try await store.checkCells()
        #expect(check.isExact, "\(check.differences)")
        let day = CalendarDay(year: 2026, month: 3, day: 14)
        #expect(try await store.responseCells(from: day, to: day, grain: .unit).map(\.responses).reduce(0, +) == 6)
        let invitations = try await store.invitationCells(from: CalendarDay(year: 2026, month: 1, day: 1), to: CalendarDay(year: 2026, month: 12, day: 31), grain: .departmentChannel)
        #expect(invitations.map(\.issued).reduce(0, +) == 2)
        #expect(invitations.map(\.answered).reduce(0, +) == 1)
        #expect(try await store.writer.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM invitation") } == 0, "both are spent now")
    }
}
