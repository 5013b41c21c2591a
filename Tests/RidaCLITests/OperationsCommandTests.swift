import Foundation
import GRDB
import Testing

/// The SHA-256 of a file, by coreutils.
func sha256sum(_ file: URL) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sha256sum")
    process.arguments = [file.path]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(String(decoding: data, as: UTF8.self).prefix(64))
}

/// The files, among the database, its write-ahead log and every file under `reports`, that
/// `grep -a` finds `needle` in.
func grep(_ needle: String, db: String, reports: URL) throws -> [String] {
    var files = [db] + (FileManager.default.fileExists(atPath: db + "-wal") ? [db + "-wal"] : [])
    if let walker = FileManager.default.enumerator(atPath: reports.path) {
        for case let name as String in walker {
            let path = reports.appendingPathComponent(name).path
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue { files.append(path) }
        }
    }
    return try files.filter { file in
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/grep")
        process.arguments = ["-a", "-q", "-F", needle, file]
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}

extension CommandLineTests {
    /// A beneficiary asks for a follow-up with a low score through a live server; `rida erase`
    /// removes the contact request and says so; `rida purge` runs; `rida audit` lists what the
    /// command line did, the key created first among it.
    @Test func eraseRemovesAContactRequestAndTheAuditLogShowsWhatWasDone() async throws {
        let directory = try temporaryDirectory()
        let db = directory.appendingPathComponent("rida.sqlite").path
        #expect(try await rida(["init", "--db", db, "--seeds", shippedSeeds.path]).status == 0)
        #expect(try await rida(["apikey", "create", "--db", db, "--name", "quality-desk", "--role", "admin"]).status == 0)
        let server = try await startServer(db: db)
        defer { server.process.terminate() }
        let issued = try await rida(
            ["issue", "--db", db, "--seeds", shippedSeeds.path, "--department", "registration", "--channel", "office", "--format", "text",
             "--base-url", "http://127.0.0.1:\(server.port)"])
        let link = String(issued.output.split(separator: " ").first ?? "")
        let path = try #require(URL(string: link)).path
        // A phone typed into the comment (masked when stored), and one given for the call back.
        let status = try await offPool {
            try rawPost(
                port: server.port, path: path,
                body: "overall=1&suggestion=call%20me%20on%200559871234%20please&contact=yes&contact-phone=0551234567&lang=en")
        }
        #expect(status == 303)
        server.process.terminate()
        server.process.waitUntilExit()
        let reports = directory.appendingPathComponent("Reports")
        let month = String(Date().formatted(.iso8601.year().month().day()).prefix(7))
        let report = try await rida(
            ["report", "--db", db, "--seeds", shippedSeeds.path, "--templates", packageRoot.appendingPathComponent("Templates").path,
             "--period", month, "--out", reports.appendingPathComponent(month).path, "--provisional"])
        #expect(report.status == 0, "\(report.error)")
        #expect(try grep("0559871234", db: db, reports: reports) == [], "the comment's phone is masked when stored")
        let contact = try grep("0551234567", db: db, reports: reports)
        #expect(!contact.isEmpty && contact.allSatisfy { $0.hasPrefix(db) }, "the contact phone is kept for the call back, in the database only")

        func followUps() throws -> Int {
            let queue = try DatabaseQueue(path: db)
            defer { try? queue.close() }
            return try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM follow_up WHERE case_id IS NOT NULL") ?? -1 }
        }
        #expect(try followUps() == 1, "a low score with a contact request opened a case")

        let erased = try await rida(["erase", "--db", db, "--token", link])
        #expect(erased.status == 0, "\(erased.error)")
        #expect(erased.output.contains("Removed the contact request"))
        #expect(erased.output.contains("anonymous statistic"))
        #expect(try followUps() == 0)
        #expect(try grep("0551234567", db: db, reports: reports) == [], "gone from the database, its log and the reports")
        #expect(try grep("0559871234", db: db, reports: reports) == [])
        let unknown = try await rida(["erase", "--db", db, "--token", String(repeating: "A", count: 26)])
        #expect(unknown.status != 0)

        let purged = try await rida(["purge", "--db", db, "--retention-days", "30", "--reports", reports.path])
        #expect(purged.status == 0, "\(purged.error)")
        #expect(purged.output.contains("older than 30 days"))

        let audit = try await rida(["audit", "--db", db])
        #expect(audit.status == 0)
        let entries = audit.output.split(separator: "\n").map { $0.split(separator: "\t").map(String.init) }.filter { $0.count > 2 }
        #expect(entries.filter { $0[1] == "command line" }.map { $0[2] } == ["retention.purged", "invitation.erased", "apikey.created"])
        #expect(entries.contains { $0[1] == "server" && $0[2] == "retention.purged" }, "the server purged when it started")
    }
}

extension CommandLineTests {
    /// Free text older than the retention period is, after `rida purge`, found by `grep -a` in
    /// neither the database file nor its write-ahead log; newer text stays.
    @Test func purgedTextIsInNeitherTheDatabaseNorItsLog() async throws {
        let directory = try temporaryDirectory()
        let db = directory.appendingPathComponent("rida.sqlite").path
        #expect(try await rida(["init", "--db", db, "--seeds", shippedSeeds.path]).status == 0)
        let old = Calendar(identifier: .gregorian).date(byAdding: .day, value: -400, to: Date())!
        let oldDay = old.formatted(.iso8601.year().month().day())
        let today = Date().formatted(.iso8601.year().month().day())
        let file = directory.appendingPathComponent("paper.csv")
        // Five responses in the old month's unit, so its report shows their comments.
        let oldRows = (0..<5).map { "\(oldDay),registration,letter,4,\($0 == 0 ? "PURGEDTEXT-old-comment-7f3a" : "OLDFILLER-\($0)")" }
        try (["date,department,channel,overall,suggestion"] + oldRows + ["\(today),registration,letter,5,KEPTTEXT-new-comment-91bc", ""])
            .joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        let imported = try await rida(["import", "--db", db, "--seeds", shippedSeeds.path, file.path])
        #expect(imported.status == 0, "\(imported.error)")
        let reports = directory.appendingPathComponent("Reports")
        let oldMonth = String(oldDay.prefix(7))
        let report = try await rida(
            ["report", "--db", db, "--seeds", shippedSeeds.path, "--templates", packageRoot.appendingPathComponent("Templates").path,
             "--period", oldMonth, "--out", reports.appendingPathComponent(oldMonth).path])
        #expect(report.status == 0, "\(report.error)")
        let found = try grep("PURGEDTEXT", db: db, reports: reports)
        #expect(found.contains(db), "the old comment is stored before the purge")
        #expect(found.contains { $0.hasSuffix("review.en.html") } && found.contains { $0.hasSuffix("responses.csv") }, "and in the report")
        let purged = try await rida(["purge", "--db", db, "--reports", reports.path])
        #expect(purged.status == 0, "\(purged.error)")
        #expect(purged.output.contains("5 free-text answers"))
        #expect(purged.output.contains("Removed the comments of report months"), "\(purged.output)")
        #expect(try grep("PURGEDTEXT", db: db, reports: reports) == [], "grep -a finds the purged comment")
        #expect(try grep("OLDFILLER", db: db, reports: reports) == [])
        let kept = try grep("KEPTTEXT", db: db, reports: reports)
        #expect(!kept.isEmpty && kept.allSatisfy { $0.hasPrefix(db) })
        // The month's manifest says when and why, and its hashes are the files' now.
        let folder = reports.appendingPathComponent(oldMonth)
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("manifest.json"))) as? [String: Any])
        let removal = try #require(manifest["commentsRemoved"] as? [String: Any])
        #expect(removal["retentionDays"] as? Int == 365 && (removal["reason"] as? String)?.contains("retention") == true)
        for entry in try #require(manifest["files"] as? [[String: Any]]) {
            let data = try Data(contentsOf: folder.appendingPathComponent(try #require(entry["name"] as? String)))
            #expect(entry["bytes"] as? Int == data.count, "\(entry)")
            #expect(entry["sha256"] as? String == (try sha256sum(folder.appendingPathComponent(try #require(entry["name"] as? String)))), "\(entry)")
        }
        let audit = try await rida(["audit", "--db", db])
        #expect(audit.output.contains("retention.reports"))
        // Run again: nothing left, the report stays as it is.
        let again = try await rida(["purge", "--db", db, "--reports", reports.path])
        #expect(again.output.contains("No report month"), "\(again.output)")
    }
}
