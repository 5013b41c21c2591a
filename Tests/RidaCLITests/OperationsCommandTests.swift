import Foundation
import GRDB
import Testing

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
        let status = try await offPool { try rawPost(port: server.port, path: path, body: "overall=1&contact=yes&contact-phone=0551234567&lang=en") }
        #expect(status == 303)
        server.process.terminate()
        server.process.waitUntilExit()

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
        let unknown = try await rida(["erase", "--db", db, "--token", String(repeating: "A", count: 26)])
        #expect(unknown.status != 0)

        let purged = try await rida(["purge", "--db", db, "--retention-days", "30"])
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
        try """
            date,department,channel,overall,suggestion
            \(oldDay),registration,letter,4,PURGEDTEXT-old-comment-7f3a
            \(today),registration,letter,5,KEPTTEXT-new-comment-91bc

            """.write(to: file, atomically: true, encoding: .utf8)
        let imported = try await rida(["import", "--db", db, "--seeds", shippedSeeds.path, file.path])
        #expect(imported.status == 0, "\(imported.error)")
        func grep(_ needle: String) throws -> Bool {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/grep")
            process.arguments = ["-a", "-q", needle, db] + (FileManager.default.fileExists(atPath: db + "-wal") ? [db + "-wal"] : [])
            try process.run()
            process.waitUntilExit()
            return process.terminationStatus == 0
        }
        #expect(try grep("PURGEDTEXT"), "the old comment is stored before the purge")
        let purged = try await rida(["purge", "--db", db])
        #expect(purged.status == 0, "\(purged.error)")
        #expect(purged.output.contains("1 free-text answers"))
        #expect(try !grep("PURGEDTEXT"), "grep -a finds the purged comment")
        #expect(try grep("KEPTTEXT"))
    }
}
