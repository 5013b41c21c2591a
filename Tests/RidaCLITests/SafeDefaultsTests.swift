import Foundation
import Testing

/// What a new user or an operator gets wrong first: a mistyped path, a missing public address,
/// a file imported twice.
@Suite struct SafeDefaultsTests {
    /// Every command that opens a database, as a person would type it with a mistyped `--db`.
    static func commands(_ db: String, _ directory: URL) -> [[String]] {
        let seeds = ["--seeds", shippedSeeds.path]
        let csv = directory.appendingPathComponent("paper.csv").path
        return [
            ["issue", "--db", db, "--department", "registration", "--channel", "office", "--base-url", "https://s.example.org"] + seeds,
            ["issue", "create", "--db", db, "--department", "registration", "--channel", "office", "--base-url", "https://s.example.org"] + seeds,
            ["issue", "revoke", "--db", db, "--token", "7K3M9QXRZD2F8W4T6V1B5N0HJC"],
            ["import", "--db", db, csv] + seeds,
            ["analyze", "--db", db, "--from", "2026-01", "--to", "2026-02"] + seeds,
            ["analyze", "check", "--db", db] + seeds,
            ["report", "--db", db, "--period", "2026-01", "--out", directory.appendingPathComponent("out").path] + seeds,
            ["export", "responses", "--db", db, "--from", "2026-01-01", "--to", "2026-01-31", "--out", directory.appendingPathComponent("x.csv").path]
                + seeds,
            ["serve", "--db", db, "--port", "0", "--base-url", "https://s.example.org"] + seeds,
            ["apikey", "create", "--db", db, "--name", "n", "--role", "analyst"],
            ["apikey", "list", "--db", db],
            ["apikey", "revoke", "--db", db, "--name", "n"],
            ["purge", "--db", db],
            ["audit", "--db", db],
            ["backup", "--db", db, "--to", directory.appendingPathComponent("b.sqlite").path],
        ]
    }

    @Test func aMistypedDatabaseIsRefusedAndNothingIsCreated() async throws {
        let directory = try temporaryDirectory()
        let real = try await newDatabase(in: directory, name: "demo.sqlite")
        try "date,department,channel,overall\n2026-01-10,registration,office,4\n".write(
            toFile: directory.appendingPathComponent("paper.csv").path, atomically: true, encoding: .utf8)
        let before = Set(try FileManager.default.contentsOfDirectory(atPath: directory.path))
        let typo = real.replacingOccurrences(of: ".sqlite", with: ".sqlit")
        for command in Self.commands(typo, directory) {
            let result = try await rida(command)
            #expect(result.status != 0, "\(command.prefix(2)) accepted a missing database")
            #expect(result.error.contains("there is no database at \(typo)"), "\(command.prefix(2)): \(result.error)")
            #expect(result.error.contains("rida init"), "\(command.prefix(2)) does not say how to make one")
        }
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: directory.path)) == before, "a command created a file")
    }

    @Test func aDatabaseInAMissingDirectoryNamesTheDirectory() async throws {
        let missing = try temporaryDirectory().appendingPathComponent("no-such-dir/rida.sqlite").path
        for command in [["init", "--db", missing], ["demo", "--db", missing, "--responses", "10", "--months", "1"]] {
            let result = try await rida(command + ["--seeds", shippedSeeds.path])
            #expect(result.status != 0)
            #expect(result.error.contains("its directory"), "\(result.error)")
            #expect(result.error.contains("no-such-dir"))
            #expect(!result.error.contains("SQLite error 14"))
        }
    }

    @Test func linksNeedAPublicAddress() async throws {
        let directory = try temporaryDirectory()
        let db = try await newDatabase(in: directory)
        let issue = ["issue", "--db", db, "--seeds", shippedSeeds.path, "--department", "registration", "--channel", "office"]
        let refused = try await rida(issue, environment: ["RIDA_BASE_URL": ""])
        #expect(refused.status != 0)
        #expect(refused.error.contains("--base-url"))
        #expect(try await rida(["serve", "--db", db, "--port", "0", "--seeds", shippedSeeds.path], environment: ["RIDA_BASE_URL": ""]).status != 0)
        let local = try await rida(issue + ["--base-url", "http://127.0.0.1:8080", "--format", "text"], environment: ["RIDA_BASE_URL": ""])
        #expect(local.status == 0)
        #expect(local.error.contains("Warning: links point at this machine"))
        #expect(local.output.hasPrefix("http://127.0.0.1:8080/s/"))
        // From the environment and from a settings file, with the flag winning over both.
        let fromEnvironment = try await rida(issue + ["--format", "text"], environment: ["RIDA_BASE_URL": "https://env.example.org"])
        #expect(fromEnvironment.output.hasPrefix("https://env.example.org/s/"))
        let settings = directory.appendingPathComponent("settings.yaml")
        try "base-url: https://file.example.org\n".write(to: settings, atomically: true, encoding: .utf8)
        let fromFile = try await rida(issue + ["--format", "text", "--settings", settings.path], environment: ["RIDA_BASE_URL": ""])
        #expect(fromFile.output.hasPrefix("https://file.example.org/s/"), "\(fromFile.error)")
        let both = try await rida(issue + ["--format", "text", "--settings", settings.path], environment: ["RIDA_BASE_URL": "https://env.example.org"])
        #expect(both.output.hasPrefix("https://env.example.org/s/"))
        let flag = try await rida(issue + ["--format", "text", "--settings", settings.path, "--base-url", "https://flag.example.org"])
        #expect(flag.output.hasPrefix("https://flag.example.org/s/"))
    }

    @Test func aSettingsFileWithAnUnknownNameIsRefused() async throws {
        let directory = try temporaryDirectory()
        let db = try await newDatabase(in: directory)
        let settings = directory.appendingPathComponent("settings.yaml")
        try "base_url: https://file.example.org\n".write(to: settings, atomically: true, encoding: .utf8)
        let result = try await rida(["serve", "--db", db, "--seeds", shippedSeeds.path, "--settings", settings.path])
        #expect(result.status != 0)
        #expect(result.error.contains("unknown setting(s): base_url"))
        let bad = try await rida(["serve", "--db", db, "--seeds", shippedSeeds.path], environment: ["RIDA_MAX_CONNECTIONS": "lots"])
        #expect(bad.error.contains("RIDA_MAX_CONNECTIONS"))
    }

    @Test func theSameFileIsNotImportedTwice() async throws {
        let directory = try temporaryDirectory()
        let db = try await newDatabase(in: directory)
        let file = directory.appendingPathComponent("paper.csv")
        try "date,department,channel,overall\n2026-01-10,registration,office,4\n2026-01-10,registration,office,5\n".write(
            to: file, atomically: true, encoding: .utf8)
        let command = ["import", "--db", db, "--seeds", shippedSeeds.path, file.path]
        #expect(try await rida(command).status == 0)
        // The same content under another name, with Windows line endings.
        let copy = directory.appendingPathComponent("copy.csv")
        try "date,department,channel,overall\r\n2026-01-10,registration,office,4\r\n2026-01-10,registration,office,5\r\n".write(
            to: copy, atomically: true, encoding: .utf8)
        let again = try await rida(["import", "--db", db, "--seeds", shippedSeeds.path, copy.path])
        #expect(again.status != 0)
        #expect(again.error.contains("was already imported"))
        #expect(again.error.contains("2 responses"))
        #expect(again.error.contains("--again"))
        let counted = try await rida(["analyze", "check", "--db", db, "--seeds", shippedSeeds.path])
        #expect(counted.status == 0)
        let forced = try await rida(command + ["--again"])
        #expect(forced.status == 0)
        #expect(forced.output.contains("Imported 2 responses"))
    }

    @Test func versionAndIssueHelpSayWhatTheyShould() async throws {
        let version = try await rida(["--version"])
        #expect(version.status == 0)
        #expect(version.output.hasPrefix("rida "))
        let help = try await rida(["issue", "--help"])
        #expect(help.status == 0)
        for option in ["--department", "--channel", "--from-csv", "--base-url", "--qr-dir", "--count"] {
            #expect(help.output.contains(option), "rida issue --help lacks \(option)")
        }
    }
}
