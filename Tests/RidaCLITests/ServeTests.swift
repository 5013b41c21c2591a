import Foundation
import GRDB
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `rida serve --demo` on a fresh directory: fills the database with a year of data, answers
/// `GET /healthz`, and stops cleanly on SIGTERM. Part of the serialized command-line suite: child
/// processes started at the same time can inherit each other's pipes.
extension CommandLineTests {
    @Test func serveDemoAnswersHealthAndHoldsTwoYearsOfData() async throws {
        let directory = try temporaryDirectory()
        let db = directory.appendingPathComponent("rida.sqlite").path
        let server = try await startServer(db: db, arguments: ["--demo", "--demo-responses", "6000"])
        let process = server.process
        defer { if process.isRunning { process.terminate() } }
        let reader = server.reader
        var text = server.output
        let listening = server.port
        #expect(text.contains("Wrote 6000 responses"))
        // It prints a working survey link.
        let linkRange = try #require(text.range(of: #"Survey link \(one use\): (\S+)"#, options: .regularExpression))
        let link = try #require(URL(string: String(text[linkRange].split(separator: " ").last!)))
        // As printed, even with --port 0: the link names the port the server listens on.
        #expect(link.port == listening)
        let (form, formResponse) = try await URLSession.shared.data(from: link)
        #expect((formResponse as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: form, as: UTF8.self).contains(#"<form method="post""#))

        let (body, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(listening)/healthz")!)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: body, as: UTF8.self) == #"{"status":"ok"}"#)

        // Unasked, the server writes the report of the latest frozen month (of the default five
        // days' grace), and none of a month still open.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Riyadh")!
        let frozenMonth = try #require(calendar.date(byAdding: .day, value: -6, to: Date()).flatMap { calendar.date(byAdding: .month, value: -1, to: $0) })
        let parts = calendar.dateComponents([.year, .month], from: frozenMonth)
        let reports = directory.appendingPathComponent("Reports")
        let manifest = reports.appendingPathComponent(String(format: "gregorian-%04d-%02d/manifest.json", parts.year!, parts.month!))
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: manifest.path), Date() < deadline { try await Task.sleep(for: .milliseconds(200)) }
        #expect(FileManager.default.fileExists(atPath: manifest.path), "the server did not write \(manifest.path)")
        let current = calendar.dateComponents([.year, .month], from: Date())
        #expect(!FileManager.default.fileExists(atPath: reports.appendingPathComponent(String(format: "gregorian-%04d-%02d", current.year!, current.month!)).path))

        process.terminate()  // SIGTERM
        let (status, rest) = try await offPool { () -> (Int32, String) in
            let rest = String(decoding: reader.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, rest)
        }
        #expect(status == 0)
        text += rest
        #expect(text.contains("Rida stopped."))

        let queue = try DatabaseQueue(path: db)
        let months = try await queue.read { try Int.fetchOne($0, sql: "SELECT count(DISTINCT substr(day, 1, 7)) FROM response") }
        let responses = try await queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM response") }
        #expect(months == 24)
        #expect(responses == 6000)
    }
}
