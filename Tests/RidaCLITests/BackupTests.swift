import Foundation
import GRDB
import RidaCore
import RidaStore
import Synchronization
import Testing

/// Submissions to a running server from several threads, each a fresh token on its own
/// connection, recording every acknowledged one (a 303), until told to stop.
final class SubmissionLoad: Sendable {
    private let tokens: [String]
    private let port: Int
    private let next = Mutex(0)
    private let acknowledged = Mutex<[String]>([])
    private let otherStatuses = Mutex<[Int]>([])
    private let stopped = Atomic<Bool>(false)
    private let group = DispatchGroup()

    init(tokens: [String], port: Int) {
        self.tokens = tokens
        self.port = port
    }

    var acknowledgedTokens: [String] { acknowledged.withLock { $0 } }
    var unexpectedStatuses: [Int] { otherStatuses.withLock { $0 } }

    func start(threads: Int) {
        for _ in 0..<threads {
            group.enter()
            Thread.detachNewThread { [self] in
                defer { group.leave() }
                while !stopped.load(ordering: .relaxed) {
                    let index = next.withLock { value -> Int in
                        defer { value += 1 }
                        return value
                    }
                    guard index < tokens.count else { return }
                    let status = (try? rawPost(port: port, path: "/s/\(tokens[index])", body: "overall=4&courtesy=5&ease=6&recommend=9&lang=en")) ?? 0
                    if status == 303 { acknowledged.withLock { $0.append(tokens[index]) } } else { otherStatuses.withLock { $0.append(status) } }
                }
            }
        }
    }

    /// Waits until at least `count` submissions are acknowledged (or the tokens run out).
    func waitForAcknowledged(_ count: Int) async throws {
        let deadline = Date().addingTimeInterval(120)
        while acknowledgedTokens.count < count, next.withLock({ $0 }) < tokens.count, Date() < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    func stop() async throws {
        stopped.store(true, ordering: .relaxed)
        let group = self.group
        try await offPool { group.wait() }
    }
}

/// Tokens from `rida issue --format csv` (a header, then token,url,expiresAt).
func issuedTokens(_ csv: String) -> [String] {
    csv.split(whereSeparator: \.isNewline).dropFirst().compactMap { line in
        line.split(separator: ",").first.flatMap { InvitationToken(parsing: $0)?.value }
    }
}

extension CommandLineTests {
    /// `rida backup` of a database a live server keeps writing to: the copy passes
    /// integrity_check, stands alone (rollback journal, no -wal beside it), holds every response
    /// acknowledged before the backup began, and is one consistent snapshot (every used
    /// invitation has its response, and the cells match the raw rows).
    @Test func backupWhileServingHoldsEveryAcknowledgedResponse() async throws {
        let directory = try temporaryDirectory()
        let db = directory.appendingPathComponent("rida.sqlite").path
        #expect(try await rida(["init", "--db", db, "--seeds", shippedSeeds.path]).status == 0)
        var tokens: [String] = []
        for _ in 0..<3 {
            let issued = try await rida(
                ["issue", "--db", db, "--seeds", shippedSeeds.path, "--department", "registration", "--channel", "office", "--count", "1000",
                 "--format", "csv"])
            #expect(issued.status == 0, "\(issued.error)")
            tokens += issuedTokens(issued.output)
        }
        #expect(tokens.count == 3000)
        let server = try await startServer(db: db)
        defer { server.process.terminate() }

        let load = SubmissionLoad(tokens: tokens, port: server.port)
        load.start(threads: 6)
        try await load.waitForAcknowledged(150)
        let acknowledgedBefore = load.acknowledgedTokens
        let backup = directory.appendingPathComponent("backups/rida-backup.sqlite")
        try FileManager.default.createDirectory(at: backup.deletingLastPathComponent(), withIntermediateDirectories: true)
        // One page per step: many steps while the server writes, all from one snapshot.
        let result = try await rida(["backup", "--db", db, "--to", backup.path, "--pages-per-step", "1"])
        let acknowledgedDuring = load.acknowledgedTokens.count - acknowledgedBefore.count
        try await load.stop()

        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains("integrity_check: ok"), "\(result.output)")
        let summary = try #require(result.output.firstMatch(of: try Regex<(Substring, Substring, Substring)>(#"(\d+) pages of \d+ bytes.* in (\d+) step"#)))
        let pages = try #require(Int(summary.output.1)), steps = try #require(Int(summary.output.2))
        #expect(pages > 100)
        #expect(steps == pages, "the copy never restarted: writes after its snapshot do not disturb it")
        #expect(acknowledgedBefore.count >= 150)
        #expect(acknowledgedDuring > 0, "submissions went on while the backup ran")
        #expect(load.unexpectedStatuses.isEmpty, "\(load.unexpectedStatuses)")
        // One file, and nothing else left in the directory (no temporary copy, no -wal).
        #expect(try FileManager.default.contentsOfDirectory(atPath: backup.deletingLastPathComponent().path) == ["rida-backup.sqlite"])
        let header = try Data(contentsOf: backup).prefix(20)
        #expect(header[18] == 1 && header[19] == 1, "the copy uses a rollback journal: it needs no -wal file")

        var configuration = Configuration()
        configuration.readonly = true
        let copy = try DatabaseQueue(path: backup.path, configuration: configuration)
        // The backup holds no secret: token hashes are keyed with the one beside the database.
        let secret = try #require(try SecretFile.load(at: db + ".key"))
        let (integrity, journalMode, used, responses, acknowledgedUsed) = try await copy.read { db in
            (
                try String.fetchAll(db, sql: "PRAGMA integrity_check"),
                try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                try Int.fetchOne(db, sql: "SELECT count(*) FROM spent_invitation WHERE state = 'used'") ?? 0,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM response WHERE source = 'invitation'") ?? 0,
                try acknowledgedBefore.reduce(0) { count, token in
                    count
                        + (try Int.fetchOne(
                            db, sql: "SELECT count(*) FROM spent_invitation WHERE token_hash = ? AND state = 'used'",
                            arguments: [secret.key(InvitationToken(parsing: token)!.hash)]) ?? 0)
                }
            )
        }
        try copy.close()
        #expect(integrity == ["ok"])
        #expect(journalMode == "delete")
        #expect(acknowledgedUsed == acknowledgedBefore.count, "every response acknowledged before the backup is in it")
        #expect(used == responses, "a consistent snapshot: each used invitation with its response")
        #expect(used >= acknowledgedBefore.count && used <= acknowledgedBefore.count + acknowledgedDuring + 6)

        // The copy works as a database with the key file restored beside it (without, it is refused
        // rather than given a new secret): its cells match its raw rows.
        let keyless = try await rida(["analyze", "check", "--db", backup.path, "--seeds", shippedSeeds.path])
        #expect(keyless.status != 0 && keyless.error.contains("key file"), "\(keyless.error)")
        let check = try await rida(["analyze", "check", "--db", backup.path, "--seeds", shippedSeeds.path, "--secret-file", db + ".key"])
        #expect(check.status == 0, "\(check.error)")
        #expect(check.output.contains("Cells exact"))
    }

    /// An existing file is never overwritten without --force, the database itself never, and a
    /// failed backup leaves nothing behind.
    @Test func backupRefusesToOverwriteWithoutForce() async throws {
        let directory = try temporaryDirectory()
        let db = directory.appendingPathComponent("rida.sqlite").path
        #expect(try await rida(["init", "--db", db, "--seeds", shippedSeeds.path]).status == 0)
        let target = directory.appendingPathComponent("backup.sqlite")
        let first = try await rida(["backup", "--db", db, "--to", target.path])
        #expect(first.status == 0, "\(first.error)")

        // Something else in place of the backup: refused, and kept byte for byte.
        let unrelated = Data("not a backup, keep me".utf8)
        try unrelated.write(to: target)
        let again = try await rida(["backup", "--db", db, "--to", target.path])
        #expect(again.status != 0)
        #expect(again.error.contains("already exists") && again.error.contains("--force"), "\(again.error)")
        #expect(try Data(contentsOf: target) == unrelated)

        let forced = try await rida(["backup", "--db", db, "--to", target.path, "--force"])
        #expect(forced.status == 0, "\(forced.error)")
        #expect(forced.output.contains("integrity_check: ok"))
        let queue = try DatabaseQueue(path: target.path)
        #expect(try await queue.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") } == ["ok"])
        try queue.close()

        let ontoItself = try await rida(["backup", "--db", db, "--to", db, "--force"])
        #expect(ontoItself.status != 0)
        #expect(ontoItself.error.contains("is the database itself"), "\(ontoItself.error)")

        let missing = try await rida(["backup", "--db", directory.appendingPathComponent("nothing.sqlite").path, "--to", directory.appendingPathComponent("b2.sqlite").path])
        #expect(missing.status != 0)
        #expect(missing.error.contains("no database at"), "\(missing.error)")

        let notADatabase = directory.appendingPathComponent("notes.txt")
        try Data(String(repeating: "plain text, not SQLite\n", count: 400).utf8).write(to: notADatabase)
        let unreadable = try await rida(["backup", "--db", notADatabase.path, "--to", directory.appendingPathComponent("b3.sqlite").path])
        #expect(unreadable.status != 0)
        #expect(unreadable.error.contains("cannot read"), "\(unreadable.error)")

        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(names.allSatisfy { ["backup.sqlite", "notes.txt"].contains($0) || $0.hasPrefix("rida.sqlite") }, "nothing half-written: \(names)")
    }
}
