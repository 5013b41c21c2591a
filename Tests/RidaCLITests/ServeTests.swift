import Foundation
import GRDB
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `rida serve --demo` on a fresh directory: fills the database with a year of data, answers
/// `GET /healthz`, and stops cleanly on SIGTERM.
@Suite struct ServeTests {
    @Test func serveDemoAnswersHealthAndHoldsAYearOfData() async throws {
        let directory = try temporaryDirectory()
        let db = directory.appendingPathComponent("rida.sqlite").path
        let process = Process()
        process.executableURL = ridaExecutable
        process.arguments = ["serve", "--demo", "--demo-responses", "6000", "--port", "0", "--db", db, "--seeds", shippedSeeds.path]
        process.currentDirectoryURL = directory
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        // Wait for the line that names the port.
        var text = ""
        let deadline = Date().addingTimeInterval(120)
        var port: Int?
        while port == nil, Date() < deadline {
            let data = output.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
            if let range = text.range(of: #"listening on http://127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                port = Int(text[range].split(separator: ":").last!)
            }
        }
        let listening = try #require(port, "no address printed: \(text)")
        #expect(text.contains("Wrote 6000 responses"))

        let (body, response) = try await URLSession.shared.data(from: URL(string: "http://127.0.0.1:\(listening)/healthz")!)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: body, as: UTF8.self) == #"{"status":"ok"}"#)

        process.terminate()  // SIGTERM
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        text += String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(text.contains("Rida stopped."))

        let queue = try DatabaseQueue(path: db)
        let months = try await queue.read { try Int.fetchOne($0, sql: "SELECT count(DISTINCT substr(day, 1, 7)) FROM response") }
        let responses = try await queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM response") }
        #expect(months == 12)
        #expect(responses == 6000)
    }
}
