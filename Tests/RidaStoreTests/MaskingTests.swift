import Foundation
import GRDB
import RidaCore
import Testing

@testable import RidaStore

/// What a beneficiary types into a comment is masked before it is stored, on every write path,
/// so neither the database file nor its log ever holds it.
@Suite struct CommentMaskingTests {
    static let typed = "اتصلوا بي على ٠٥٥٩٨٧٦٥٤٣ أو mail.me@example.org، الهوية 1000000008، أو 055\u{200B}987\u{200B}1234"
    static let masked = "اتصلوا بي على [phone] أو [email]، الهوية [id]، أو [phone]"
    static let needles = ["٠٥٥٩٨٧٦٥٤٣", "mail.me@example.org", "1000000008", "987\u{200B}1234", "9871234"]

    static func files(_ path: String) throws -> Data {
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        if let wal = try? Data(contentsOf: URL(fileURLWithPath: path + "-wal")) { data.append(wal) }
        return data
    }

    static func expectNowhere(_ path: String, _ needles: [String] = needles) throws {
        let data = try files(path)
        for needle in needles { #expect(data.range(of: Data(needle.utf8)) == nil, "\(needle) is in the database or its log") }
    }

    /// Imports and demo data go through the bulk writer.
    @Test func aBulkWriteStoresTheMaskedCommentOnly() async throws {
        let path = temporaryDatabasePath()
        let store = try AppDatabase(path: path)
        _ = try await store.synchronize(with: shippedConfiguration())
        var response = sampleResponse(id: 11)
        response.texts = [ItemText(item: "suggestion", text: Self.typed)]
        try await store.insert(invitations: [], responses: [response])
        let body = try await store.writer.read { try String.fetchOne($0, sql: "SELECT body FROM response_text") }
        #expect(body == Self.masked)
        try Self.expectNowhere(path)
    }

    /// The web path: a submission through an invitation.
    @Test func aSubmissionStoresTheMaskedCommentOnly() async throws {
        let tests = OperationsTests()
        let (store, configuration, path) = try await tests.store()
        let token = try await tests.invitation(store)
        #expect(try await tests.submit(store, configuration, token, tests.fields(overall: 4, contact: false, text: Self.typed)).isStored)
        let body = try await store.writer.read { try String.fetchOne($0, sql: "SELECT body FROM response_text") }
        #expect(body == Self.masked)
        try Self.expectNowhere(path)
    }

    /// A comment typed into the form and a contact phone: after the erasure, neither is in the
    /// database file or its log.
    @Test func afterAnErasureNeitherTheCommentNorTheContactIsInEitherFile() async throws {
        let tests = OperationsTests()
        let (store, configuration, path) = try await tests.store()
        let token = try await tests.invitation(store)
        var fields = tests.fields(overall: 1, text: Self.typed)
        fields["contact-phone"] = ["0557654321"]
        #expect(try await tests.submit(store, configuration, token, fields).isStored)
        #expect(try Self.files(path).range(of: Data("0557654321".utf8)) != nil, "the contact phone is stored for the call back")
        _ = try await store.erase(token: token, at: Date(), by: .commandLine)
        try Self.expectNowhere(path, Self.needles + ["0557654321"])
    }

    /// A database from before masking at store time has its comments masked once, when it is
    /// migrated, and the unmasked text is overwritten in the file and gone from the log.
    @Test func commentsStoredBeforeMaskingAreMaskedWhenMigrated() async throws {
        let path = temporaryDatabasePath()
        do {
            let pool = try DatabasePool(path: path)
            try Migrations.migrator().migrate(pool, upTo: "v5.answers-in-response")
            try await pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO department (id, code, position, names) VALUES (1, 'registration', 0, '{}');
                        INSERT INTO channel (id, code, position, names) VALUES (1, 'office', 0, '{}');
                        INSERT INTO questionnaire_version (id, questionnaire, version, definition, digest, created_at)
                            VALUES (1, 'default', 1, '{}', 'x', 0);
                        INSERT INTO response (id, day, department_id, channel_id, locale, questionnaire_version_id, source, answers)
                            VALUES (5, '2026-03-14', 1, 1, 'ar', 1, 'import', '{}');
                        INSERT INTO response (id, day, department_id, channel_id, locale, questionnaire_version_id, source, answers)
                            VALUES (6, '2026-03-14', 1, 1, 'ar', 1, 'import', '{}');
                        """)
                try db.execute(sql: "INSERT INTO response_text (response_id, item, body) VALUES (5, 'suggestion', ?)", arguments: [Self.typed])
                try db.execute(sql: "INSERT INTO response_text (response_id, item, body) VALUES (6, 'suggestion', 'خدمة ممتازة')")
            }
            try await pool.writeWithoutTransaction { _ = try Row.fetchOne($0, sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
            try pool.close()
        }
        #expect(try Self.files(path).range(of: Data("mail.me@example.org".utf8)) != nil)
        let store = try AppDatabase(path: path)
        let bodies = try await store.writer.read { try String.fetchAll($0, sql: "SELECT body FROM response_text ORDER BY response_id") }
        #expect(bodies == [Self.masked, "خدمة ممتازة"])
        try Self.expectNowhere(path)
    }
}
