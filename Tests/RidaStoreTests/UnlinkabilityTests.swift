import Foundation
import GRDB
import RidaCore
import Testing

@testable import RidaStore

@Suite struct UnlinkabilityTests {
    /// A database written before the server secret existed (schema up to version 5): an answered
    /// invitation with its unit, use time and plain reference hash, an open one, an expired one,
    /// and a case opened at the second of the answer.
    @Test func migrationMovesSpentInvitationsOutAndRekeysEveryDigest() async throws {
        let path = temporaryDatabasePath()
        var generator = SystemRandomNumberGenerator()
        let used = InvitationToken.generate(using: &generator), open = InvitationToken.generate(using: &generator)
        let expired = InvitationToken.generate(using: &generator)
        let now = Int64(Date().timeIntervalSince1970)
        do {
            let queue = try DatabaseQueue(path: path)
            try Migrations.migrator().migrate(queue, upTo: "v5.answers-in-response")
            let configuration = try shippedConfiguration()
            try await queue.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO department (id, code, position, names) VALUES (1, 'registration', 1, '{}');
                        INSERT INTO channel (id, code, position, names) VALUES (1, 'office', 1, '{}');
                        """)
                try db.execute(
                    sql: "INSERT INTO questionnaire_version (id, questionnaire, version, definition, digest, created_at) VALUES (1, 'default', 1, ?, 'x', 0)",
                    arguments: [String(decoding: try JSONEncoder().encode(configuration.currentQuestionnaire()!), as: UTF8.self)])
                let insert = """
                    INSERT INTO invitation (token_hash, department_id, channel_id, locale, questionnaire_version_id, issued_at, expires_at, used_at, reference_hash)
                    VALUES (?, 1, 1, 'ar', 1, ?, ?, ?, ?)
                    """
                try db.execute(sql: insert, arguments: [used.hash, now - 3600, now + 86400, now - 60, InvitationIssuer.referenceHash("REQ-2026-000417")])
                try db.execute(sql: insert, arguments: [open.hash, now - 3600, now + 86400, nil, InvitationIssuer.referenceHash("REQ-2026-000418")])
                try db.execute(sql: insert, arguments: [expired.hash, now - 90000, now - 3600, nil, nil])
                try db.execute(
                    sql: """
                        INSERT INTO follow_up (id, day, department_id, channel_id, locale, scores, phone, case_id, status, opened_at, due_at, updated_at, erasure_key)
                        VALUES (1, '2026-12-01', 1, 1, 'ar', '{}', '0551234567', 'c1', 'open', ?, ?, ?, ?)
                        """, arguments: [now - 60, now - 60 + 72 * 3600, now - 60, used.erasureKey])
            }
            try queue.close()
        }

        let store = try AppDatabase(path: path)
        #expect(store.createdSecret, "the first open after the upgrade creates the key file")
        let secret = try #require(try SecretFile.load(at: path + ".key"))
        try await store.writer.read { db in
            #expect(try db.columns(in: "invitation").contains { $0.name == "used_at" } == false)
            let rows = try Row.fetchAll(db, sql: "SELECT token_hash, reference_hash FROM invitation")
            #expect(rows.count == 1)
            #expect(rows.first?["token_hash"] == secret.key(open.hash), "an open invitation's token hash is rekeyed")
            #expect(rows.first?["reference_hash"] == secret.key(InvitationIssuer.referenceHash("REQ-2026-000418")))
            let spent = try Row.fetchAll(db, sql: "SELECT * FROM spent_invitation ORDER BY state")
            #expect(spent.map { $0["state"] as String } == ["expired", "used"])
            #expect(spent.map { $0["token_hash"] as Data } == [secret.key(expired.hash), secret.key(used.hash)])
            #expect(spent.last?["reference_hash"] == secret.key(InvitationIssuer.referenceHash("REQ-2026-000417")))
            #expect(Set(spent.first!.columnNames) == ["token_hash", "state", "reference_hash"], "nothing but the keyed hashes and the state")
            let followUp = try #require(try Row.fetchOne(db, sql: "SELECT * FROM follow_up"))
            #expect(followUp["erasure_key"] == secret.key(used.erasureKey))
            #expect((followUp["opened_at"] as Int64) % 3600 == 0 && (followUp["due_at"] as Int64) % 3600 == 0)
            #expect(followUp["id"] != 1, "follow-up rows get random ids")
        }
        // Lookups, de-duplication and erasure work through the keyed hashes.
        #expect(try await store.invitation(tokenHash: open.hash, at: Date())?.state == .open)
        #expect(try await store.invitation(tokenHash: used.hash, at: Date())?.state == .used)
        #expect(try await store.invitation(tokenHash: expired.hash, at: Date())?.state == .expired)
        let template = Invitation(
            tokenHash: InvitationToken.generate(using: &generator).hash, unit: ServiceUnit(department: "registration", channel: "office"), locale: "ar",
            questionnaire: "default", questionnaireVersion: 1, issuedAt: Date(), expiresAt: Date().addingTimeInterval(86400))
        for reference in ["REQ-2026-000417", "REQ-2026-000418"] {
            await #expect(throws: IssueError.duplicateReferences([0])) {
                try await store.issue([NewInvitation(invitation: template, referenceHash: InvitationIssuer.referenceHash(reference))])
            }
        }
        let erased = try await store.erase(token: used, at: Date(), by: .commandLine)
        #expect(erased.invitationFound && erased.responseSubmitted && erased.referenceRemoved && erased.contactsRemoved == 1)
    }

    /// A submission deletes the invitation's row in its own transaction; the spent row keeps no
    /// unit and no time, and the deleted bytes are overwritten.
    @Test func answeringLeavesOnlyTheKeyedTokenHash() async throws {
        let path = temporaryDatabasePath()
        let store = try AppDatabase(path: path)
        let configuration = try shippedConfiguration()
        _ = try await store.synchronize(with: configuration)
        var generator = SystemRandomNumberGenerator()
        let token = InvitationToken.generate(using: &generator)
        // A second no other row shares (configuration loading, audit entries happen now).
        let issuedAt = Date().addingTimeInterval(-5000)
        try await store.issue([
            NewInvitation(
                invitation: Invitation(
                    tokenHash: token.hash, unit: ServiceUnit(department: "registration", channel: "office", segment: "umrah"), locale: "ar",
                    questionnaire: "default", questionnaireVersion: 1, issuedAt: issuedAt, expiresAt: issuedAt.addingTimeInterval(86400)),
                referenceHash: InvitationIssuer.referenceHash("REQ-2026-000001"))
        ])
        let request = SubmissionRequest(
            validate: { SubmissionValidator(questionnaire: $0.questionnaire).validate(["overall": ["4"]]) }, language: { _ in "ar" })
        guard case .stored = try await store.submit(tokenHash: token.hash, request, at: Date()) else {
            Issue.record("not stored")
            return
        }
        guard case .closed(let again) = try await store.submit(tokenHash: token.hash, request, at: Date()) else {
            Issue.record("a second submission must find the invitation closed")
            return
        }
        #expect(again.state == .used && again.unit == nil)
        let (rows, spent, secureDelete) = try await store.writer.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM invitation") ?? -1, try Row.fetchAll(db, sql: "SELECT * FROM spent_invitation"),
                try Int.fetchOne(db, sql: "PRAGMA secure_delete")
            )
        }
        #expect(rows == 0 && spent.count == 1 && secureDelete == 1)
        _ = try await store.purge(retentionDays: 365, at: Date(), by: .commandLine)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path)) + ((try? Data(contentsOf: URL(fileURLWithPath: path + "-wal"))) ?? Data())
        let stored = Int64(InvitationTimes.startOfDay(issuedAt, in: riyadh).timeIntervalSince1970)
        let issuedSeconds = withUnsafeBytes(of: stored.bigEndian) { Data($0) }
        #expect(bytes.range(of: issuedSeconds.suffix(4)) == nil, "the issue time of the answered invitation is gone from the files")
    }
}

extension UnlinkabilityTests {
    /// A database whose hashes are keyed is not opened with a new secret: its key file must be restored.
    @Test func aKeyedDatabaseWithoutItsKeyFileIsRefused() async throws {
        let path = temporaryDatabasePath()
        _ = try AppDatabase(path: path)
        try FileManager.default.moveItem(atPath: path + ".key", toPath: path + ".key.saved")
        #expect(throws: StoreError.self) { try AppDatabase(path: path) }
        #expect(!FileManager.default.fileExists(atPath: path + ".key"), "no new secret was made")
        try FileManager.default.moveItem(atPath: path + ".key.saved", toPath: path + ".key")
        #expect(try AppDatabase(path: path).createdSecret == false)
    }
}
