import Foundation
import GRDB
import RidaCore
import RidaStore
import Testing

/// Attacker A: every file Rida writes (the database, its write-ahead log, a backup), but not the
/// server secret. On a demo database with case references, plus invitations issued and answered
/// through a running server (each in a unit of its own, the easiest case for the attacker), A tries
/// the joins that once worked. The test knows which invitation each live response answered (it
/// holds the secret and the tokens) and counts the links A gets right: none may be.
@Suite struct LinkageTests {
    /// Units of the live invitations: each department × channel × segment × service once.
    static let units: [(String, String, String, String)] = [
        ("registration", "letter", "donor", "data-update"), ("registration", "web", "volunteer", "new-registration"),
        ("social-research", "social", "internal", "home-visit"), ("gift-distribution", "letter", "internal", "delivery"),
        ("volunteering", "web", "donor", "volunteer-training"), ("donor-relations", "letter", "hajj", "donor-report"),
        ("beneficiary-services", "social", "volunteer", "follow-up"), ("social-research", "letter", "umrah", "case-study"),
        ("gift-distribution", "web", "donor", "umrah-gift"), ("donor-relations", "social", "internal", "donation-receipt"),
    ]
    /// How many of them are answered (the first ones); the first three ask to be contacted with a low score (cases).
    static let answered = 7

    struct Live {
        var token: InvitationToken
        var reference: String
        var unit: (String, String, String, String)
    }

    @Test func attackerWithEveryFileButTheSecretLinksNoResponse() async throws {
        let directory = try temporaryDirectory()
        let db = directory.appendingPathComponent("rida.sqlite").path
        #expect(try await rida(["init", "--db", db, "--seeds", shippedSeeds.path]).status == 0)
        let keyFile = db + ".key"
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? Int)
        #expect(mode == 0o600, "the key file is readable by its owner only")
        let demo = try await rida(
            ["demo", "--db", db, "--seeds", shippedSeeds.path, "--responses", "3000", "--months", "2", "--seed", "7", "--case-log",
             directory.appendingPathComponent("case-log.csv").path])
        #expect(demo.status == 0, "\(demo.error)")
        let caseLog = try String(contentsOf: directory.appendingPathComponent("case-log.csv"), encoding: .utf8)
        let demoReferences = caseLog.split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[0]) }
        #expect(demoReferences.count > 3000 && demoReferences.allSatisfy { $0.hasPrefix("REQ-20") }, "demo invitations carry references")

        // Live invitations, one per unit, with references in the enumerated range.
        let server = try await startServer(db: db)
        defer { server.process.terminate() }
        var csv = "department,channel,segment,service,reference\n"
        for (index, unit) in Self.units.enumerated() {
            csv += "\(unit.0),\(unit.1),\(unit.2),\(unit.3),REQ-2026-9000\(10 + index)\n"
        }
        let file = directory.appendingPathComponent("issue.csv")
        try csv.write(to: file, atomically: true, encoding: .utf8)
        let issued = try await rida(
            ["issue", "--db", db, "--seeds", shippedSeeds.path, "--from-csv", file.path, "--format", "csv", "--base-url",
             "http://127.0.0.1:\(server.port)"])
        #expect(issued.status == 0, "\(issued.error)")
        let tokens = issued.output.split(separator: "\r\n").dropFirst().map { String($0.split(separator: ",")[1]) }
        try #require(tokens.count == Self.units.count)
        let live = tokens.enumerated().map { Live(token: InvitationToken(parsing: $1)!, reference: "REQ-2026-9000\(10 + $0)", unit: Self.units[$0]) }

        let before = Set(try await read(db) { db in try Int64.fetchAll(db, sql: "SELECT id FROM response") })
        // Truth, known to the test only: which response answered which invitation.
        var truth: [Int64: InvitationToken] = [:]
        for (index, invitation) in live.prefix(Self.answered).enumerated() {
            let body = index < 3 ? "overall=1&contact=yes&contact-phone=0551234567&lang=en" : "overall=\(index % 5 + 1)&lang=en"
            let status = try await offPool { try rawPost(port: server.port, path: "/s/\(invitation.token.value)", body: body) }
            #expect(status == 303)
            let new = Set(try await read(db) { db in try Int64.fetchAll(db, sql: "SELECT id FROM response") }).subtracting(before)
                .subtracting(truth.keys)
            try #require(new.count == 1)
            truth[new.first!] = invitation.token
        }
        let backup = directory.appendingPathComponent("backup.sqlite").path
        #expect(try await rida(["backup", "--db", db, "--to", backup]).status == 0)
        #expect(FileManager.default.fileExists(atPath: db + "-wal"), "the attack reads the live log too")

        let secret = try #require(try SecretFile.load(at: keyFile))
        // The test's own check that the truth is right: the answered invitations are spent.
        for token in truth.values {
            #expect(try await read(db) { try Int.fetchOne($0, sql: "SELECT count(*) FROM spent_invitation WHERE token_hash = ? AND state = 'used'", arguments: [secret.key(token.hash)]) } == 1)
        }

        // Reference hashes: every REQ-2026-000001 … REQ-2026-999999, plain SHA-256.
        var enumerated = Set<Data>()
        enumerated.reserveCapacity(1_000_000)
        for number in 1...999_999 {
            let digits = String(number)
            enumerated.insert(InvitationIssuer.referenceHash("REQ-2026-" + String(repeating: "0", count: 6 - digits.count) + digits))
        }
        let guesses = enumerated
        #expect(guesses.contains(InvitationIssuer.referenceHash(demoReferences.first { $0.hasPrefix("REQ-2026-") }!)))

        for (label, path) in [("database and log", db), ("backup", backup)] {
            let links = try await read(path) { db in try Self.attack(db, guesses: guesses) }
            var correct = 0
            for (response, keyedToken) in links.byDayAndUnit where truth[response].map({ secret.key($0.hash) }) == keyedToken { correct += 1 }
            #expect(correct == 0, "\(label): day × unit joins link \(correct) responses to their invitation")
            #expect(links.openFound > 0, "\(label): the same join does find invitations that are still open (the attack works on rows that exist)")
            #expect(links.sharedTimes == 0, "\(label): \(links.sharedTimes) times shared between a case, event or audit entry and an invitation")
            #expect(links.orderedSpent == 0, "\(label): spent invitations keep an order of insertion")
            #expect(links.referenceMatches == 0, "\(label): \(links.referenceMatches) stored hashes are plain SHA-256 of enumerable references")
            #expect(links.followUpsInOrder == false, "\(label): follow-up rows are numbered in order of arrival")
        }

        // No file holds the plain SHA-256 of a live token or reference.
        var needles = live.map(\.token.hash) + live.map { InvitationIssuer.referenceHash($0.reference) }
        needles += live.map(\.token.erasureKey)
        for path in [db, db + "-wal", backup] {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            for needle in needles { #expect(bytes.range(of: needle) == nil, "\(path) holds an unkeyed digest") }
            #expect(bytes.range(of: Data(secret.fileText.utf8)) == nil, "\(path) holds the secret")
        }

        // De-duplication still works on the keyed hashes, for answered and open invitations alike.
        let again = try await rida(["issue", "--db", db, "--seeds", shippedSeeds.path, "--from-csv", file.path])
        #expect(again.status != 0)
        #expect(again.error.contains("line 2, column reference: already issued"), "\(again.error)")
        // And the beneficiary still gets the right page for a spent link.
        let repeatStatus = try await offPool { try rawPost(port: server.port, path: "/s/\(live[0].token.value)", body: "overall=5&lang=en") }
        #expect(repeatStatus == 303, "a repeat of an answered link goes to the thank-you page")
    }

    struct Links {
        /// Response id → keyed token hash of the only invitation row of its day and unit.
        var byDayAndUnit: [Int64: Data] = [:]
        /// Open invitations the same join finds (so the join itself is not vacuous).
        var openFound = 0
        var sharedTimes = 0
        var orderedSpent = 0
        var referenceMatches = 0
        var followUpsInOrder = false
    }

    /// What A computes from one copy of the files.
    static func attack(_ db: Database, guesses: Set<Data>) throws -> Links {
        var links = Links()
        let offset: Int64 = 3 * 3600
        // 1. Day × unit: every invitation row, by any of its times, against responses.
        let timeColumns = try db.columns(in: "invitation").map(\.name).filter { $0.hasSuffix("_at") }
        var invitationsByKey: [String: [Data]] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT * FROM invitation") {
            let unit = "\(row["department_id"] as Int64)|\(row["channel_id"] as Int64)|\(row["segment_id"] as Int64? ?? 0)|\(row["service_id"] as Int64? ?? 0)"
            for column in timeColumns {
                guard let seconds = row[column] as Int64? else { continue }
                let day = CalendarDay(daysSinceEpoch: Int((seconds + offset) / 86400))
                invitationsByKey["\(day)|\(unit)", default: []].append(row["token_hash"])
            }
        }
        for row in try Row.fetchAll(
            db, sql: "SELECT id, day, department_id, channel_id, IFNULL(segment_id, 0) AS segment, IFNULL(service_id, 0) AS service FROM response")
        {
            let key = "\(row["day"] as String)|\(row["department_id"] as Int64)|\(row["channel_id"] as Int64)|\(row["segment"] as Int64)|\(row["service"] as Int64)"
            if let candidates = invitationsByKey[key] {
                if Set(candidates).count == 1 { links.byDayAndUnit[row["id"]] = candidates[0] }
            }
        }
        links.openFound = invitationsByKey.count
        // 2. Times shared by two tables: a case's, its event's or its audit entry's instant equal to
        //    an invitation's, or any spent invitation keeping a time at all.
        var invitationTimes = Set<Int64>()
        for column in timeColumns {
            invitationTimes.formUnion(try Int64.fetchAll(db, sql: "SELECT \(column) FROM invitation WHERE \(column) IS NOT NULL"))
        }
        // Audit entries count where they are about a case (the others, such as a purge or a new
        // API key, are about no response).
        let others = [
            ("follow_up", ["opened_at", "due_at", "updated_at"], ""), ("webhook_event", ["created_at", "next_attempt_at"], ""),
            ("audit_log", ["at"], " AND subject IN (SELECT case_id FROM follow_up)"),
        ]
        // A day's start shared with a case (opened in its first hour) tells only the day, which both keep anyway.
        invitationTimes = invitationTimes.filter { ($0 + offset) % 86400 != 0 }
        for (table, columns, filter) in others {
            for column in columns {
                links.sharedTimes += try Int64.fetchAll(db, sql: "SELECT \(column) FROM \(table) WHERE \(column) IS NOT NULL\(filter)")
                    .filter(invitationTimes.contains).count
            }
        }
        let spentColumns = Set(try db.columns(in: "spent_invitation").map(\.name))
        links.sharedTimes += spentColumns.subtracting(["token_hash", "state", "reference_hash"]).count
        // 3. Insertion order: the spent table must be clustered by its hash (no rowid).
        let spentSQL = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'spent_invitation'") ?? ""
        if !spentSQL.contains("WITHOUT ROWID") { links.orderedSpent += 1 }
        let followUpIDs = try Int64.fetchAll(db, sql: "SELECT id FROM follow_up ORDER BY opened_at, rowid")
        links.followUpsInOrder = !followUpIDs.isEmpty && followUpIDs.allSatisfy { $0 < 1 << 32 }
        // 4. Reference hashes against the enumeration, in every blob column of both tables.
        for sql in ["SELECT reference_hash FROM invitation", "SELECT reference_hash FROM spent_invitation", "SELECT token_hash FROM spent_invitation"] {
            links.referenceMatches += try Data?.fetchAll(db, sql: sql).compactMap { $0 }.filter(guesses.contains).count
        }
        return links
    }

    /// A read of the database file as it is on disk, with its log, on a read-only connection.
    func read<T: Sendable>(_ path: String, _ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try await queue.read(body)
    }
}
