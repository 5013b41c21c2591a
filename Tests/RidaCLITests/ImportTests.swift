import Foundation
import GRDB
import Testing

extension CommandLineTests {
    @Test func importStoresEveryRowOfAValidFile() async throws {
        let directory = try temporaryDirectory()
        let db = try await newDatabase(in: directory)
        let file = directory.appendingPathComponent("paper.csv")
        let csv = """
            \u{FEFF}date,department,channel,segment,locale,overall,referral,ease,recommend,suggestion
            2026-03-01,registration,letter,umrah,ur,5,na,7,10,"بہت اچھی خدمت, شکریہ"
            2026-03-02,social-research,phone,,ar,2,,3,,
            2026-03-02,registration,office,hajj,,4,3,,9,"line one
            line two"

            """
        try csv.write(to: file, atomically: true, encoding: .utf8)
        let result = try await rida(["import", "--db", db, "--seeds", shippedSeeds.path, file.path])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("Imported 3 responses"))
        let queue = try DatabaseQueue(path: db)
        defer { try? queue.close() }
        let (responses, answers, notApplicable, texts, sources) = try await queue.read { db in
            (
                try Int.fetchOne(db, sql: "SELECT count(*) FROM response") ?? 0,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM response, json_each(response.answers)") ?? 0,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM response, json_each(response.answers) WHERE value = 'na'") ?? 0,
                try String.fetchAll(db, sql: "SELECT body FROM response_text ORDER BY body"),
                try String.fetchAll(db, sql: "SELECT DISTINCT source FROM response")
            )
        }
        #expect(responses == 3)
        #expect(answers == 4 + 2 + 3, "ratings only; skipped cells store nothing")
        #expect(notApplicable == 1)
        #expect(texts == ["line one\nline two", "بہت اچھی خدمت, شکریہ"])
        #expect(sources == ["import"])
    }

    @Test func importListsErrorsByLineAndColumnAndStoresNothing() async throws {
        let directory = try temporaryDirectory()
        let db = try await newDatabase(in: directory)
        let file = directory.appendingPathComponent("paper.csv")
        let csv = """
            date,department,channel,overall,referral,speed
            2026-03-01,registration,letter,5,na,4
            2026-13-01,registration,letter,5,,
            2026-03-01,payroll,fax,,,
            2026-03-01,registration,office,6,,na

            """
        try csv.write(to: file, atomically: true, encoding: .utf8)
        let result = try await rida(["import", "--db", db, "--seeds", shippedSeeds.path, file.path])
        #expect(result.status != 0)
        for expected in [
            "line 3, column date", "line 4, column department: unknown department \"payroll\"", "line 4, column channel: unknown channel \"fax\"",
            "line 4, column overall: required", "line 5, column overall", "line 5, column speed: \"na\" (not applicable) is not allowed",
        ] {
            #expect(result.error.contains(expected), "\(expected) in \(result.error)")
        }
        #expect(result.error.contains("nothing was imported"))
        let queue = try DatabaseQueue(path: db)
        defer { try? queue.close() }
        #expect(try await queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM response") } == 0)
    }

    @Test func importRefusesUnknownColumns() async throws {
        let directory = try temporaryDirectory()
        let file = directory.appendingPathComponent("paper.csv")
        try "date,department,channel,overall,staff_name\n2026-03-01,registration,office,5,Ahmad\n".write(to: file, atomically: true, encoding: .utf8)
        let result = try await rida(["import", "--db", try await newDatabase(in: directory), "--seeds", shippedSeeds.path, file.path])
        #expect(result.status != 0)
        #expect(result.error.contains("line 1, column staff_name: unknown column"))
    }
}
