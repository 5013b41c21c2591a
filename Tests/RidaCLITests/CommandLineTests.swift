import Foundation
import GRDB
import Testing

@Suite(.serialized) struct CommandLineTests {
    @Test(arguments: [[], ["init"], ["config"], ["config", "check"], ["serve"], ["demo"]])
    func everyCommandHasHelp(command: [String]) async throws {
        let result = try await rida(command + ["--help"])
        #expect(result.status == 0)
        #expect(result.output.contains("USAGE:"))
    }

    @Test func configCheckAcceptsTheShippedSeeds() async throws {
        let result = try await rida(["config", "check", "--seeds", shippedSeeds.path])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("OK"))
    }

    /// The acceptance case: a missing Urdu text and a duplicate item id, both reported with
    /// their locations; exit code non-zero.
    @Test func configCheckReportsEveryErrorWithItsLocation() async throws {
        let seeds = try temporaryDirectory().appendingPathComponent("seeds")
        try FileManager.default.copyItem(at: shippedSeeds, to: seeds)
        let file = seeds.appendingPathComponent("questionnaires/default-v1.yaml")
        var lines = try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n")
        let urdu = try #require(lines.firstIndex { $0.hasPrefix("  ur: ") })  // the title's Urdu text
        lines.remove(at: urdu)
        let time = try #require(lines.firstIndex(of: "  - id: time"))
        lines[time] = "  - id: courtesy"
        try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)

        let result = try await rida(["config", "check", "--seeds", seeds.path])
        #expect(result.status != 0)
        #expect(result.error.contains("questionnaires/default-v1.yaml:\(urdu - 1):3: title: missing the ur translation"), "\(result.error)")
        #expect(result.error.contains("questionnaires/default-v1.yaml:\(time + 1):"), "\(result.error)")
        #expect(result.error.contains("items[2].id: duplicate item id \"courtesy\""), "\(result.error)")
        #expect(result.error.contains("2 errors"))
    }

    @Test func initTwiceChangesNothingTheSecondTime() async throws {
        let directory = try temporaryDirectory()
        let db = directory.appendingPathComponent("rida.sqlite").path
        let first = try await rida(["init", "--db", db, "--seeds", shippedSeeds.path])
        #expect(first.status == 0, "\(first.error)")
        #expect(first.output.contains("added questionnaire default v1"))
        let before = try dump(db)
        let second = try await rida(["init", "--db", db, "--seeds", shippedSeeds.path])
        #expect(second.status == 0)
        #expect(second.output.contains("Configuration: no changes."))
        #expect(try dump(db) == before)
    }

    @Test func demoWithTheSameSeedWritesIdenticalData() async throws {
        let directory = try temporaryDirectory()
        var dumps: [String] = []
        // Stored hashes are keyed with the server secret: one key file for both.
        let secret = directory.appendingPathComponent("shared.key").path
        for name in ["a.sqlite", "b.sqlite"] {
            let db = directory.appendingPathComponent(name).path
            let result = try await rida(
                ["demo", "--db", db, "--seeds", shippedSeeds.path, "--responses", "3000", "--months", "12", "--seed", "9", "--end-month", "2026-06",
                 "--secret-file", secret])
            #expect(result.status == 0, "\(result.error)")
            #expect(result.output.contains("Wrote 3000 responses"))
            dumps.append(try dump(db))
        }
        #expect(dumps[0] == dumps[1])
        #expect(dumps[0].contains("response: id="))
    }

    @Test func demoRefusesADatabaseThatHoldsData() async throws {
        let db = try temporaryDirectory().appendingPathComponent("rida.sqlite").path
        let arguments = ["demo", "--db", db, "--seeds", shippedSeeds.path, "--responses", "200", "--months", "2"]
        #expect(try await rida(arguments).status == 0)
        let again = try await rida(arguments)
        #expect(again.status != 0)
        #expect(again.error.contains("already holds 200 responses"))
        #expect(!again.error.contains("Fatal"))
    }

    @Test func badOptionsAreRefusedWithAClearMessage() async throws {
        let result = try await rida(["demo", "--months", "0"])
        #expect(result.status != 0)
        #expect(result.error.contains("--months must be between 1 and 240"))
        let url = try await rida(["serve", "--base-url", "survey.example.org"])
        #expect(url.status != 0)
        #expect(url.error.contains("--base-url must be an absolute http or https address"))
    }
}
