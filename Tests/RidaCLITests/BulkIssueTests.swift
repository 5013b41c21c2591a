import Foundation
import GRDB
import Testing

extension CommandLineTests {
    @Test func bulkIssueGivesOneLinkPerRowAndHashesReferences() async throws {
        let directory = try temporaryDirectory()
        let db = try await newDatabase(in: directory)
        let file = directory.appendingPathComponent("services.csv")
        try """
            department,channel,segment,service,locale,reference
            registration,office,umrah,new-registration,ur,CASE-1001
            gift-distribution,letter,hajj,,id,CASE-1002

            social-research,phone,,,,CASE-1003
            """.write(to: file, atomically: true, encoding: .utf8)
        let result = try await rida(
            ["issue", "--db", db, "--seeds", shippedSeeds.path, "--from-csv", file.path, "--format", "csv", "--base-url", "https://s.example.org"])
        #expect(result.status == 0, "\(result.error)")
        let lines = result.output.split(separator: "\r\n")
        #expect(lines.first == "\u{FEFF}line,token,url,expiresAt")
        #expect(lines.count == 4)
        #expect(lines[1].hasPrefix("2,") && lines[2].hasPrefix("3,") && lines[3].hasPrefix("5,"))
        #expect(lines[1].contains(",https://s.example.org/s/"))

        let queue = try DatabaseQueue(path: db)
        let stored = try await queue.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(reference_hash) FROM invitation") ?? 0,
             try String.fetchAll(db, sql: "SELECT locale FROM invitation ORDER BY locale"))
        }
        try queue.close()
        #expect(stored.0 == 3)
        #expect(stored.1 == ["ar", "id", "ur"])
        let dump = try String(decoding: Data(contentsOf: URL(fileURLWithPath: db)), as: UTF8.self)
        #expect(!dump.contains("CASE-1001"), "references are stored only hashed")

        // Sending the same file again issues nothing.
        let again = try await rida(["issue", "--db", db, "--seeds", shippedSeeds.path, "--from-csv", file.path])
        #expect(again.status != 0)
        #expect(again.error.contains("line 2, column reference: already issued"))
    }

    @Test func bulkIssueWithErrorsIssuesNothing() async throws {
        let directory = try temporaryDirectory()
        let db = try await newDatabase(in: directory)
        let file = directory.appendingPathComponent("services.csv")
        try """
            department,channel,locale
            registration,office,ar
            payroll,office,ar
            registration,fax,de
            """.write(to: file, atomically: true, encoding: .utf8)
        let result = try await rida(["issue", "--db", db, "--seeds", shippedSeeds.path, "--from-csv", file.path])
        #expect(result.status != 0)
        #expect(result.error.contains("line 3, column department: unknown department \"payroll\""))
        #expect(result.error.contains("line 4, column channel: unknown channel \"fax\""))
        #expect(result.error.contains("nothing was issued"))
        let queue = try DatabaseQueue(path: db)
        defer { try? queue.close() }
        #expect(try await queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM invitation") } == 0)
    }
}

extension CommandLineTests {
    @Test func qrCodesAreWrittenForEveryLink() async throws {
        let directory = try temporaryDirectory()
        let db = try await newDatabase(in: directory)
        let qr = directory.appendingPathComponent("qr")
        let result = try await rida(
            ["issue", "--db", db, "--seeds", shippedSeeds.path, "--department", "gift-distribution", "--channel", "office", "--count", "2",
             "--format", "text", "--qr-dir", qr.path, "--base-url", "https://s.example.org"])
        #expect(result.status == 0, "\(result.error)")
        let files = try FileManager.default.contentsOfDirectory(atPath: qr.path).sorted()
        #expect(files.count == 4)
        let token = try #require(files.first?.split(separator: ".").first)
        #expect(files.contains("\(token).png") && files.contains("\(token).svg"))
        #expect(result.output.contains("https://s.example.org/s/\(token)"))
    }
}
