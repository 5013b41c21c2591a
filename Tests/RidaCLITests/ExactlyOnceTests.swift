import Foundation
import GRDB
import Testing

import Synchronization
#if canImport(Glibc)
import Glibc
#endif

extension CommandLineTests {
    /// 50 concurrent submissions of one token to a running `rida serve`, each on its own
    /// connection: one response stored, every client is redirected to the thank-you page, no
    /// server error.
    /// Repeated for several tokens.
    @Test func fiftyConcurrentSubmitsOfOneTokenStoreOneResponse() async throws {
        let directory = try temporaryDirectory()
        let db = directory.appendingPathComponent("rida.sqlite").path
        #expect(try await rida(["init", "--db", db, "--seeds", shippedSeeds.path]).status == 0)
        let server = try await startServer(db: db)
        defer { server.process.terminate() }

        for round in 0..<3 {
            let issued = try await rida(
                ["issue", "--db", db, "--seeds", shippedSeeds.path, "--department", "registration", "--channel", "office", "--format", "text",
                 "--base-url", "http://127.0.0.1:\(server.port)"])
            let link = try #require(URL(string: String(issued.output.split(separator: " ").first ?? "")))
            // 50 threads, each with its own connection, released together.
            let path = link.path
            let statuses = try await offPool { () -> [Int] in
                let results = Mutex<[Int]>([])
                DispatchQueue.concurrentPerform(iterations: 50) { attempt in
                    let status = (try? rawPost(port: server.port, path: path, body: "overall=\(attempt % 5 + 1)&lang=en")) ?? 0
                    results.withLock { $0.append(status) }
                }
                return results.withLock { $0 }
            }
            #expect(statuses.count == 50)
            #expect(statuses.allSatisfy { $0 == 303 }, "every client is sent to the thank-you page: \(statuses)")
            let queue = try DatabaseQueue(path: db)
            let counts = try await queue.read { db in
                (try Int.fetchOne(db, sql: "SELECT count(*) FROM response") ?? 0, try Int.fetchOne(db, sql: "SELECT count(*) FROM spent_invitation WHERE state = 'used'") ?? 0)
            }
            try queue.close()
            #expect(counts.0 == round + 1, "one response per token")
            #expect(counts.1 == round + 1)
        }
    }
}

/// A running `rida serve`, with what it printed up to its address line.
struct RunningServer {
    var process: Process
    var port: Int
    var output: String
    var reader: FileHandle
}

/// Starts `rida serve` on a free port (with `arguments` added) and waits for its address line.
func startServer(db: String, arguments: [String] = []) async throws -> RunningServer {
    let process = Process()
    process.executableURL = ridaExecutable
    process.arguments =
        [
            "serve", "--port", "0", "--db", db, "--seeds", shippedSeeds.path, "--templates",
            packageRoot.appendingPathComponent("Templates").path,
        ] + arguments
    // The reports the server writes go beside the database, not into the working directory.
    if !arguments.contains("--reports") {
        process.arguments! += ["--reports", URL(fileURLWithPath: db).deletingLastPathComponent().appendingPathComponent("Reports").path]
    }
    // Links need a public address; the demo builds them from the port it listens on.
    if !arguments.contains("--demo") && !arguments.contains("--base-url") {
        process.arguments! += ["--base-url", "https://survey.test"]
    }
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let reader = output.fileHandleForReading
    let (text, port) = try await offPool { () -> (String, Int?) in
        var text = ""
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            let data = reader.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
            if let range = text.range(of: #"listening on http://127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                return (text, Int(text[range].split(separator: ":").last!))
            }
        }
        return (text, nil)
    }
    guard let port else {
        process.terminate()
        throw CLITestError("the server did not start: \(text)")
    }
    return RunningServer(process: process, port: port, output: text, reader: reader)
}

struct CLITestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A minimal HTTP/1.1 POST over a fresh TCP connection; returns the status code.
func rawPost(port: Int, path: String, body: String) throws -> Int {
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socket >= 0 else { throw CLITestError("socket failed") }
    defer { close(socket) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var timeout = timeval(tv_sec: 20, tv_usec: 0)
    setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw CLITestError("connect failed") }
    let request =
        "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        + "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
    let bytes = Array(request.utf8)
    var sent = 0
    while sent < bytes.count {
        let count = bytes[sent...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { throw CLITestError("send failed") }
        sent += count
    }
    var response: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = recv(socket, &buffer, buffer.count, 0)
        if count <= 0 { break }
        response += buffer[0..<count]
    }
    let statusLine = String(decoding: response.prefix(while: { $0 != 13 }), as: UTF8.self)
    return Int(statusLine.split(separator: " ").dropFirst().first ?? "") ?? 0
}
