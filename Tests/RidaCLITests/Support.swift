import Foundation
import GRDB
import Testing

let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let shippedSeeds = packageRoot.appendingPathComponent("seeds")

/// The `rida` executable built next to this test bundle.
let ridaExecutable: URL = {
    let beside = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent().appendingPathComponent("rida")
    if FileManager.default.isExecutableFile(atPath: beside.path) { return beside }
    return packageRoot.appendingPathComponent(".build/debug/rida")
}()

struct RunResult: Sendable {
    var status: Int32
    var output: String
    var error: String
}

/// Runs blocking work (waiting for a child process) on a dispatch thread, so it never holds one
/// of the few threads async tests share.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try body() })
        }
    }
}

/// Runs `rida` with `arguments` in `directory` and waits for it.
func rida(_ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]) async throws -> RunResult {
    try await offPool { try runRida(arguments, in: directory, environment: environment) }
}

private func runRida(_ arguments: [String], in directory: URL?, environment: [String: String]) throws -> RunResult {
    let process = Process()
    process.executableURL = ridaExecutable
    process.arguments = arguments
    process.currentDirectoryURL = directory ?? FileManager.default.temporaryDirectory
    // Links need a public address; tests of its absence remove this one (an empty value).
    var merged = ProcessInfo.processInfo.environment.merging(["RIDA_BASE_URL": "https://survey.test"]) { current, _ in current }
        .merging(environment) { $1 }
    for (name, value) in merged where value.isEmpty { merged[name] = nil }
    process.environment = merged
    let output = Pipe(), error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try process.run()
    let outputData = output.fileHandleForReading.readDataToEndOfFile()
    let errorData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return RunResult(status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self), error: String(decoding: errorData, as: UTF8.self))
}

/// A new database in `directory`, made as an operator makes one: `rida init`.
func newDatabase(in directory: URL, name: String = "rida.sqlite") async throws -> String {
    let db = directory.appendingPathComponent(name).path
    let result = try await rida(["init", "--db", db, "--seeds", shippedSeeds.path])
    guard result.status == 0 else { throw CLITestError("rida init failed: \(result.error)") }
    return db
}

func temporaryDirectory() throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rida-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory
}

/// Every row of every table, in a stable order.
func dump(_ path: String) throws -> String {
    let queue = try DatabaseQueue(path: path)
    defer { try? queue.close() }
    return try queue.read { db in
        var lines: [String] = []
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        for table in tables {
            // Times of loading the configuration, of audit entries and of registering actions
            // differ between runs by nature, and so do the actions' random ids; so do the demo's
            // follow-up cases, which are relative to the moment it runs (their ids are random).
            let volatile: Set<String> =
                switch table {
                case "improvement_action": ["created_at", "updated_at", "id"]
                case "audit_log": ["at", "subject"]
                case "follow_up": ["id", "case_id", "day", "opened_at", "due_at", "updated_at"]
                case "follow_up_entry": ["id", "follow_up_id", "at"]
                case "webhook_event": ["id", "body", "created_at", "next_attempt_at"]
                default: ["created_at", "updated_at"]
                }
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"")
            lines.append(contentsOf: rows.map { row in
                "\(table): " + row.columnNames.filter { !volatile.contains($0) }.map { "\($0)=\(row[$0] as DatabaseValue)" }.joined(separator: " ")
            }.sorted())
        }
        return lines.joined(separator: "\n")
    }
}
