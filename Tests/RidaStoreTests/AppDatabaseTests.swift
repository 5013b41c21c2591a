import Foundation
import GRDB
import RidaCore
import Testing

@testable import RidaStore

@Suite struct StartUpTests {
    @Test func defaultSettingsAreWALForeignKeysBusyTimeoutAndFullSync() throws {
        let store = try AppDatabase(path: temporaryDatabasePath())
        let (writer, reader) = try store.actualSettings()
        for settings in [writer, reader] {
            #expect(settings.journalMode == "wal")
            #expect(settings.foreignKeys)
            #expect(settings.busyTimeoutMilliseconds > 0)
        }
        #expect(writer.busyTimeoutMilliseconds == 5000)
        #expect(writer.synchronous == 2, "FULL")
        #expect(reader.synchronous == 2)
    }

    @Test func synchronousAndBusyTimeoutFollowTheConfiguration() throws {
        let store = try AppDatabase(path: temporaryDatabasePath(), settings: DatabaseSettings(synchronous: .normal, busyTimeout: 2.5))
        let (writer, reader) = try store.actualSettings()
        #expect(writer.synchronous == 1, "NORMAL")
        #expect(reader.synchronous == 1)
        #expect(writer.busyTimeoutMilliseconds == 2500)
    }

    @Test func foreignKeysAreEnforced() async throws {
        let store = try AppDatabase(path: temporaryDatabasePath())
        _ = try await store.synchronize(with: shippedConfiguration())
        #expect(throws: DatabaseError.self) {
            try store.writer.write { db in
                try db.execute(sql: "INSERT INTO service (department_id, code, position, names) VALUES (999, 'x', 0, '{}')")
            }
        }
    }

    @Test func aDatabaseFromANewerVersionIsRefused() throws {
        let path = temporaryDatabasePath()
        _ = try AppDatabase(path: path)
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9.future')") }
        try queue.close()
        #expect(throws: StoreError.newerSchema) { try AppDatabase(path: path) }
    }
}

@Suite struct MigrationTests {
    @Test func allMigrationsApplyToANewDatabase() throws {
        let store = try AppDatabase(path: temporaryDatabasePath())
        #expect(try store.appliedMigrations() == AppDatabase.migrationNames)
        #expect(
            AppDatabase.migrationNames == [
                "v1.dimensions", "v1.questionnaires", "v1.invitations", "v1.responses", "v2.survey-delivery", "v3.analytics-cells", "v4.operations",
                "v5.answers-in-response", "v6.masked-comments", "v7.unlinkable-invitations", "v8.readiness-probe", "v9.imported-files",
                "v10.follow-up-history",
                "v11.issuer-scopes", "v12.response-sources", "v13.points",
            ])
    }

    /// A database written by an older migration set (only the first two migrations, with its
    /// configuration loaded) is migrated forward, keeping its rows.
    @Test func anOlderDatabaseIsMigratedForward() async throws {
        let fixture = try #require(Bundle.module.url(forResource: "Fixtures/schema-v1.questionnaires", withExtension: "sql"))
        let path = temporaryDatabasePath()
        let queue = try DatabaseQueue(path: path)
        let sql = try String(contentsOf: fixture, encoding: .utf8)
        try queue.inDatabase { db in try db.execute(sql: sql) }
        let migrations: [String] = try queue.inDatabase { db in
            try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
        }
        let departmentsBefore: [String] = try queue.inDatabase { db in
            try String.fetchAll(db, sql: "SELECT code FROM department ORDER BY position")
        }
        #expect(migrations == ["v1.dimensions", "v1.questionnaires"])
        #expect(departmentsBefore.count == 6)
        try queue.close()

        let store = try AppDatabase(path: path)
        #expect(try store.appliedMigrations() == AppDatabase.migrationNames)
        let departments = try await store.writer.read { try String.fetchAll($0, sql: "SELECT code FROM department ORDER BY position") }
        #expect(departments == departmentsBefore)
        // The old rows are still what the configuration describes (only the points of service,
        // which came later, are new), and the new tables work.
        let report = try await store.synchronize(with: shippedConfiguration())
        #expect(report.updated.isEmpty && report.deactivated.isEmpty)
        #expect(report.inserted == (try shippedConfiguration()).points.map { "point \($0.code)" })
        // Its fingerprint of the old algorithm (min and max only) was recomputed from its definition.
        let digest = try await store.writer.read { try String.fetchOne($0, sql: "SELECT digest FROM questionnaire_version") }
        #expect(digest == (try shippedConfiguration().questionnaires[0].meaningFingerprint))
        try await store.insert(invitations: [sampleInvitation()], responses: [sampleResponse(id: 42)])
        #expect(try await store.counts().responses == 1)
    }
}

@Suite struct AnswerMigrationTests {
    /// Version 5 moves each response's answers from their own table into the response row.
    @Test func answersMoveIntoTheirResponsesRows() async throws {
        let path = temporaryDatabasePath()
        let queue = try DatabaseQueue(path: path)
        try Migrations.migrator(timeZone: riyadh).migrate(queue, upTo: "v4.operations")
        // A real definition: migration 12 recomputes the cells by source from the raw rows.
        let definition = String(decoding: try shippedConfiguration().questionnaires[0].canonicalJSON(), as: UTF8.self)
        try await queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO department (id, code, position, names) VALUES (1, 'registration', 0, '{}');
                    INSERT INTO channel (id, code, position, names) VALUES (1, 'office', 0, '{}');
                    INSERT INTO questionnaire_version (id, questionnaire, version, definition, digest, created_at) VALUES (1, 'default', 1, ?, 'x', 0);
                    INSERT INTO response (id, day, department_id, channel_id, locale, questionnaire_version_id, source)
                        VALUES (11, '2026-03-14', 1, 1, 'ar', 1, 'import'), (12, '2026-03-14', 1, 1, 'en', 1, 'import'),
                            (13, '2026-03-15', 1, 1, 'en', 1, 'import');
                    INSERT INTO answer (response_id, item, value, not_applicable) VALUES
                        (11, 'overall', 4, 0), (11, 'referral', NULL, 1), (12, 'overall', 1, 0), (12, 'recommend', 10, 0);
                    """, arguments: [definition])
        }
        try queue.close()

        let store = try AppDatabase(path: path)
        #expect(try store.appliedMigrations() == AppDatabase.migrationNames)
        let stored = try await store.writer.read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, answers FROM response").map { ($0[0] as Int64, $0[1] as String) })
        }
        #expect(stored.mapValues { AnswerColumn.decode($0).map(Set.init) } == [
            11: [ItemAnswer(item: "overall", value: .value(4)), ItemAnswer(item: "referral", value: .notApplicable)],
            12: [ItemAnswer(item: "overall", value: .value(1)), ItemAnswer(item: "recommend", value: .value(10))],
            13: [],
        ])
        #expect(try await store.writer.read { try $0.tableExists("answer") } == false)
        #expect(try await store.counts().answers == 4)
    }
}

@Suite struct ConfigurationStoreTests {
    @Test func loadingTheSameConfigurationTwiceChangesNothing() async throws {
        let store = try AppDatabase(path: temporaryDatabasePath())
        let configuration = try shippedConfiguration()
        let first = try await store.synchronize(with: configuration)
        let expectedRows = 6 + 5 + 5 + 15 + 1 + configuration.points.count  // departments, channels, segments, services, questionnaire, points
        #expect(first.inserted.count == expectedRows)
        let before = try dump(store)
        let changesBefore: Int = try await store.writer.write { db in db.totalChangesCount }
        let second = try await store.synchronize(with: configuration)
        let changesAfter: Int = try await store.writer.write { db in db.totalChangesCount }
        #expect(second.isEmpty)
        #expect(changesAfter == changesBefore, "no row written")
        #expect(try dump(store) == before)
    }

    @Test func renamedReorderedAndRemovedEntriesAreUpdatedAndDeactivated() async throws {
        let store = try AppDatabase(path: temporaryDatabasePath())
        var configuration = try shippedConfiguration()
        _ = try await store.synchronize(with: configuration)
        configuration.channels[0].names.translations["en"] = "Service centres"
        configuration.segments.removeLast()
        let report = try await store.synchronize(with: configuration)
        #expect(report.updated == ["channel office"])
        #expect(report.deactivated == ["segment internal"])
        #expect(report.inserted.isEmpty)
        // History is kept: the row stays, inactive.
        let active = try await store.writer.read { try Int.fetchOne($0, sql: "SELECT active FROM segment WHERE code = 'internal'") }
        #expect(active == 0)
    }

    @Test func changingTheItemsOfAStoredVersionIsRefused() async throws {
        let store = try AppDatabase(path: temporaryDatabasePath())
        var configuration = try shippedConfiguration()
        _ = try await store.synchronize(with: configuration)
        configuration.questionnaires[0].items.removeLast()
        await #expect(
            throws: StoreError.questionnaireVersionChanged(
                key: "default", version: 1, file: "questionnaires/default-v1.yaml", change: "its items were added, removed or reordered")
        ) {
            try await store.synchronize(with: configuration)
        }
    }

    /// Replacing a 1–5 agreement scale by another 1–5 scale keeps min and max, but not the meaning.
    @Test func anotherScaleWithTheSamePointsIsRefused() async throws {
        let store = try AppDatabase(path: temporaryDatabasePath())
        var configuration = try shippedConfiguration()
        _ = try await store.synchronize(with: configuration)
        let satisfaction = try #require(configuration.questionnaires[0].item("overall")?.scale)
        let index = try #require(configuration.questionnaires[0].items.firstIndex { $0.id == "courtesy" })
        #expect(configuration.questionnaires[0].items[index].scale?.id == "agreement-5")
        configuration.questionnaires[0].items[index].scale = satisfaction
        let error = await #expect(throws: StoreError.self) { try await store.synchronize(with: configuration) }
        let message = "\(try #require(error))"
        #expect(message.hasPrefix("questionnaires/default-v1.yaml: questionnaire default version 1 is already stored"))
        #expect(message.contains("item courtesy changed scale (agreement-5 → satisfaction-5)"))
        #expect(message.contains("new file with version 2"))
        // Nothing of the refused configuration was written.
        let definition = try await store.writer.read { try String.fetchOne($0, sql: "SELECT definition FROM questionnaire_version") }
        #expect(definition?.contains("\"id\":\"courtesy\",\"kind\":\"rating\",\"required\":false,\"scale\":{\"id\":\"agreement-5\"") == true)
    }

    @Test(arguments: ["en", "fr"])
    func reversedLabelsAreRefused(language: String) async throws {
        let store = try AppDatabase(path: temporaryDatabasePath())
        var configuration = try shippedConfiguration()
        _ = try await store.synchronize(with: configuration)
        // The same scale, its labels reversed in one language: 1 now reads "Strongly agree".
        for index in configuration.questionnaires[0].items.indices where configuration.questionnaires[0].items[index].scale?.id == "agreement-5" {
            var scale = try #require(configuration.questionnaires[0].items[index].scale)
            let labels = scale.labels
            for point in scale.points { scale.labels[point]?.translations[language] = labels[6 - point]?.translations[language] }
            configuration.questionnaires[0].items[index].scale = scale
        }
        let error = await #expect(throws: StoreError.self) { try await store.synchronize(with: configuration) }
        let message = "\(try #require(error))"
        #expect(message.contains("the \(language) label of point 5 of scale agreement-5 (item courtesy) moved to point 1"), "\(message)")
    }

    @Test func changingWhatAnItemMeasuresIsRefused() async throws {
        let store = try AppDatabase(path: temporaryDatabasePath())
        var configuration = try shippedConfiguration()
        _ = try await store.synchronize(with: configuration)
        let index = try #require(configuration.questionnaires[0].items.firstIndex { $0.id == "ease" })
        configuration.questionnaires[0].items[index].measure = nil
        let error = await #expect(throws: StoreError.self) { try await store.synchronize(with: configuration) }
        #expect("\(try #require(error))".contains("what item ease measures changed"))
    }

    @Test func rewordingAStoredVersionUpdatesItsTexts() async throws {
        let store = try AppDatabase(path: temporaryDatabasePath())
        var configuration = try shippedConfiguration()
        _ = try await store.synchronize(with: configuration)
        configuration.questionnaires[0].items[0].text.translations["fr"] = "Dans l'ensemble, êtes-vous satisfait ?"
        let report = try await store.synchronize(with: configuration)
        #expect(report.updated == ["questionnaire default v1 (wording)"])
    }

    /// A corrected label, at the same point, is wording: accepted, and stored.
    @Test func correctingALabelInPlaceIsAccepted() async throws {
        let store = try AppDatabase(path: temporaryDatabasePath())
        var configuration = try shippedConfiguration()
        _ = try await store.synchronize(with: configuration)
        let index = try #require(configuration.questionnaires[0].items.firstIndex { $0.id == "overall" })
        configuration.questionnaires[0].items[index].scale?.labels[1]?.translations["bn"] = "একেবারেই অসন্তুষ্ট"
        let report = try await store.synchronize(with: configuration)
        #expect(report.updated == ["questionnaire default v1 (wording)"])
        let definition = try await store.writer.read { try String.fetchOne($0, sql: "SELECT definition FROM questionnaire_version") }
        #expect(definition?.contains("একেবারেই অসন্তুষ্ট") == true)
        #expect(try await store.synchronize(with: configuration).isEmpty)
    }
}

@Suite struct SurveyStorageTests {
    @Test func responsesAreStoredWithTheirAnswersAndTexts() async throws {
        let store = try AppDatabase(path: temporaryDatabasePath())
        _ = try await store.synchronize(with: shippedConfiguration())
        try await store.insert(invitations: [sampleInvitation(usedAt: Date(timeIntervalSince1970: 1_773_464_400))], responses: [sampleResponse(id: 7)])
        let counts = try await store.counts()
        #expect(counts == StoreCounts(invitations: 1, usedInvitations: 1, responses: 1, answers: 2, texts: 1))
        let row = try #require(try await store.writer.read { try Row.fetchOne($0, sql: "SELECT day, locale FROM response WHERE id = 7") })
        #expect(row["day"] == "2026-03-14")
        let answers = try await store.writer.read { try String.fetchOne($0, sql: "SELECT answers FROM response WHERE id = 7") }
        #expect(answers.flatMap(AnswerColumn.decode).map(Set.init) == Set(sampleResponse(id: 7).answers))
        let notApplicable = try await store.writer.read {
            try String.fetchOne($0, sql: "SELECT answer.value FROM response, json_each(response.answers) AS answer WHERE response.id = 7 AND answer.key = 'referral'")
        }
        #expect(notApplicable == "na")
        let text = try await store.writer.read { try String.fetchOne($0, sql: "SELECT body FROM response_text WHERE response_id = 7") }
        #expect(text == "بہت اچھی خدمت")
    }

    @Test func aBatchWithAnUnknownDepartmentStoresNothing() async throws {
        let store = try AppDatabase(path: temporaryDatabasePath())
        _ = try await store.synchronize(with: shippedConfiguration())
        await #expect(throws: StoreError.unknownReference(kind: "department", id: "payroll")) {
            try await store.insert(invitations: [sampleInvitation()], responses: [sampleResponse(id: 1), sampleResponse(id: 2, department: "payroll")])
        }
        #expect(try await store.counts() == StoreCounts(invitations: 0, usedInvitations: 0, responses: 0, answers: 0, texts: 0))
    }

    @Test func storedAnswersAreAJSONObjectOfValuesAndNotApplicable() async throws {
        let store = try AppDatabase(path: temporaryDatabasePath())
        _ = try await store.synchronize(with: shippedConfiguration())
        try await store.insert(invitations: [], responses: [sampleResponse(id: 3)])
        #expect(throws: DatabaseError.self) {
            try store.writer.write { try $0.execute(sql: "UPDATE response SET answers = '{\"time\": 4' WHERE id = 3") }
        }
        let answers = [
            ItemAnswer(item: "overall", value: .value(4)), ItemAnswer(item: "referral", value: .notApplicable),
            ItemAnswer(item: "recommend", value: .value(10)), ItemAnswer(item: "odd", value: .value(-1)),
        ]
        let text = AnswerColumn.encode(answers)
        #expect(text == #"{"overall":4,"referral":"na","recommend":10,"odd":-1}"#)
        #expect(AnswerColumn.decode(text) == answers)
        // Any JSON object of the same meaning reads the same (as SQLite's own json functions write it).
        #expect(AnswerColumn.decode(#"{ "overall": 4, "referral": "na" }"#).map(Set.init) == Set(answers.prefix(2)))
        #expect(AnswerColumn.decode("{}") == [])
        for broken in ["", "{", #"{"overall":}"#, #"{"overall":"yes"}"#, "[4]", #"{"overall":4}x"#] {
            #expect(AnswerColumn.decode(broken) == nil, "\(broken)")
        }
    }

    /// Anonymity is structural: nothing in a response row, its answers or texts can point back
    /// at an invitation, and dates are days.
    @Test func responsesCannotBeLinkedToInvitations() throws {
        let store = try AppDatabase(path: temporaryDatabasePath())
        try store.writer.read { db in
            for table in ["response", "response_text"] {
                let columns = try db.columns(in: table).map(\.name)
                #expect(!columns.contains { $0.contains("invitation") || $0.contains("token") || $0.hasSuffix("_at") }, "\(table): \(columns)")
                #expect(try db.foreignKeys(on: table).allSatisfy { $0.destinationTable != "invitation" })
            }
            // No sequential key orders texts by arrival (answers are in the response row).
            for table in ["response_text"] {
                let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = ?", arguments: [table]) ?? ""
                #expect(sql.contains("WITHOUT ROWID"))
            }
        }
    }

    @Test func instantsAreStoredAsUTCSeconds() async throws {
        let store = try AppDatabase(path: temporaryDatabasePath())
        _ = try await store.synchronize(with: shippedConfiguration())
        var open = sampleInvitation()
        open.issuedAt = Date(timeIntervalSince1970: 1_773_460_800.75)
        open.expiresAt = Date().addingTimeInterval(86400.5)
        try await store.insert(invitations: [open], responses: [])
        let row = try #require(
            try await store.writer.read { db in
                try Row.fetchOne(db, sql: "SELECT datetime(issued_at, 'unixepoch') AS issued, expires_at FROM invitation")
            })
        // An open invitation's times are kept to the day (Riyadh midnight is 21:00 UTC).
        #expect(row["issued"] == "2026-03-13 21:00:00")
        let expires: Int64 = try #require(row["expires_at"])
        #expect((expires + 3 * 3600) % 86400 == 0 && expires > Int64(open.expiresAt.timeIntervalSince1970) && expires - 86400 < Int64(open.expiresAt.timeIntervalSince1970))
    }

    @Test func monthlyVolumesCountIssuedAnsweredAndResponses() async throws {
        let store = try AppDatabase(path: temporaryDatabasePath())
        _ = try await store.synchronize(with: shippedConfiguration())
        try await store.insert(
            invitations: [sampleInvitation(usedAt: Date(timeIntervalSince1970: 1_773_464_400)), sampleInvitation(), sampleInvitation()],
            responses: [sampleResponse(id: 11), sampleResponse(id: 12, channel: "phone")])
        let volumes = try await store.monthlyVolumes()
        #expect(
            volumes == [
                MonthlyVolume(month: "2026-03", department: "registration", channel: "office", issued: 3, answered: 1, responses: 1),
                MonthlyVolume(month: "2026-03", department: "registration", channel: "phone", issued: 0, answered: 0, responses: 1),
            ])
    }
}

@Suite struct APIKeyUseTests {
    @Test func aKeysLastUseIsKeptToTheMinuteAndARevokedKeyIsRefusedAtOnce() async throws {
        let store = try AppDatabase(path: temporaryDatabasePath())
        let hash = Data(repeating: 7, count: 32)
        let created = Date(timeIntervalSince1970: 1_780_000_000)
        try await store.createKey(name: "analyst", role: .analyst, keyHash: hash, at: created)
        func lastUse() async throws -> Date? { try await store.listKeys().first?.lastUsedAt }
        #expect(try await lastUse() == nil)

        let first = try #require(try await store.authenticate(keyHash: hash, at: created.addingTimeInterval(10)))
        #expect(first.name == "analyst" && first.role == .analyst)
        #expect(try await lastUse() == created.addingTimeInterval(10))
        // Within a minute of the recorded use, nothing is written.
        #expect(try await store.authenticate(keyHash: hash, at: created.addingTimeInterval(69)) != nil)
        #expect(try await lastUse() == created.addingTimeInterval(10))
        // Later, the use is recorded again.
        #expect(try await store.authenticate(keyHash: hash, at: created.addingTimeInterval(71)) != nil)
        #expect(try await lastUse() == created.addingTimeInterval(71))
        // A clock set back does not hide a use either.
        #expect(try await store.authenticate(keyHash: hash, at: created.addingTimeInterval(5)) != nil)
        #expect(try await lastUse() == created.addingTimeInterval(5))

        #expect(try await store.authenticate(keyHash: Data(repeating: 8, count: 32), at: created) == nil)
        #expect(try await store.revokeKey(name: "analyst", at: created.addingTimeInterval(72)))
        #expect(try await store.authenticate(keyHash: hash, at: created.addingTimeInterval(73)) == nil)
    }
}

@Suite struct GroupCommitTests {
    /// Counts what the jobs of a batch add, applied once per batch.
    struct Tally: BatchEffects {
        var added = 0
        init() {}
        mutating func merge(_ other: Tally) { added += other.added }
        func apply(_ db: Database) throws {
            try db.execute(sql: "UPDATE tally SET total = total + ?", arguments: [added])
        }
    }

    struct Refused: Error {}

    @Test func aJobThatThrowsIsRolledBackAloneAndTheOthersCommit() async throws {
        let queue = try DatabaseQueue()
        try await queue.write { db in
            try db.execute(sql: "CREATE TABLE item (name TEXT PRIMARY KEY); CREATE TABLE tally (total INTEGER); INSERT INTO tally VALUES (0)")
        }
        let commits = GroupCommit<String, Tally>(writer: queue)
        // Many at once, so that they share batches; every fifth writes, then throws.
        let results = await withTaskGroup(of: (Int, Result<String, any Error>).self) { group in
            for index in 0..<40 {
                group.addTask {
                    do {
                        let outcome = try await commits.run { db, tally in
                            try db.execute(sql: "INSERT INTO item (name) VALUES (?)", arguments: ["item \(index)"])
                            tally.added += 1
                            if index % 5 == 0 { throw Refused() }
                            return "item \(index)"
                        }
                        return (index, .success(outcome))
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var results: [Int: Result<String, any Error>] = [:]
            for await (index, result) in group { results[index] = result }
            return results
        }
        for (index, result) in results {
            if index % 5 == 0 {
                #expect(throws: Refused.self) { try result.get() }
            } else {
                #expect(try result.get() == "item \(index)")
            }
        }
        let (names, total) = try await queue.read { db in
            (try String.fetchSet(db, sql: "SELECT name FROM item"), try Int.fetchOne(db, sql: "SELECT total FROM tally"))
        }
        #expect(names == Set((0..<40).filter { $0 % 5 != 0 }.map { "item \($0)" }))
        #expect(total == 32)
    }
}
