import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import RidaCore
import RidaStore
import Synchronization
import Testing

@testable import RidaServer

/// A value shared between a test and the closures it hands out.
final class Shared<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    var value: Value { mutex.withLock { $0 } }
    func update(_ body: (inout Value) -> Void) { mutex.withLock { body(&$0) } }
}

/// Forwards to the real store and counts the submissions that have reached it, so a test can
/// hold the writer until every one of them is waiting for the same batch.
struct CountingSurveyStore: SurveyStore {
    let base: AppDatabase
    let entered = Shared(0)

    func issue(_ invitations: [NewInvitation], progress: (@Sendable (Int) -> Void)?) async throws {
        try await base.issue(invitations, progress: progress)
    }

    func revoke(tokenHash: Data, at date: Date) async throws -> RevocationOutcome {
        try await base.revoke(tokenHash: tokenHash, at: date)
    }

    func invitation(tokenHash: Data, at date: Date) async throws -> InvitationDetails? {
        try await base.invitation(tokenHash: tokenHash, at: date)
    }

    func submit(tokenHash: Data, _ request: SubmissionRequest, at date: Date) async throws -> SubmissionOutcome {
        entered.update { $0 += 1 }
        return try await base.submit(tokenHash: tokenHash, request, at: date)
    }
}

/// An app on a real database file whose writer connection a test can break and repair.
struct FaultFixture {
    let store: AppDatabase
    let counting: CountingSurveyStore
    let app: any ApplicationProtocol
    let issuer: InvitationIssuer

    init() async throws {
        store = try await temporaryStore()
        counting = CountingSurveyStore(base: store)
        var deps = try await dependencies(store)
        deps.survey = counting
        let baseURL = URL(string: "https://survey.example.org")!
        app = buildApplication(settings: ServerSettings(port: 0, baseURL: baseURL), dependencies: deps)
        issuer = InvitationIssuer(configuration: deps.configuration, store: store, baseURL: baseURL)
    }

    var databasePath: String { store.writer.path }

    func issue(_ count: Int) async throws -> [InvitationToken] {
        try await issuer.issue([IssueRequest(department: "registration", channel: "office", segment: "umrah", locale: "en", count: count)])
            .map(\.token)
    }

    /// Every row of every table, in a stable order: equal snapshots mean nothing was written.
    func snapshot() async throws -> String {
        try await store.writer.read { db in
            var lines: [String] = []
            let tables = try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            for table in tables {
                let rows = try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"")
                lines.append(contentsOf: rows.map { "\(table): \($0)" }.sorted())
            }
            return lines.joined(separator: "\n")
        }
    }

    func usedCount(_ tokens: [InvitationToken]) async throws -> Int {
        var count = 0
        for token in tokens where try await store.invitation(tokenHash: token.hash, at: Date())?.state == .used { count += 1 }
        return count
    }

    /// Runs `sql` on the writer connection, the one every submission is written through.
    func onWriter(_ sql: String) async throws {
        try await store.writer.writeWithoutTransaction { db in try db.execute(sql: sql) }
    }

    /// "Disk full": the database may not grow by a single page from now on.
    func fillDisk() async throws {
        try await store.writer.writeWithoutTransaction { db in
            // Free pages would be reused before the file grows; without them every new page fails.
            if try Int.fetchOne(db, sql: "PRAGMA freelist_count") != 0 { try db.execute(sql: "VACUUM") }
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            let limit = try Int.fetchOne(db, sql: "PRAGMA max_page_count = \(pages)") ?? 0
            guard limit == pages else { throw FaultSetupError("max_page_count is \(limit), expected \(pages)") }
        }
    }

    func freeDisk() async throws {
        try await onWriter("PRAGMA max_page_count = 1073741823")
    }

    /// Holds the writer connection until `count` more submissions have reached the store, then
    /// lets go: the submissions waiting then form one batch.
    func holdWriter(until count: Int) async throws {
        let started = Shared(false)
        let entered = counting.entered
        let target = entered.value + count
        store.writer.asyncWriteWithoutTransaction { _ in
            started.update { $0 = true }
            let deadline = Date().addingTimeInterval(20)
            while entered.value < target, Date() < deadline { usleep(1_000) }
            // Each was counted just before it queues; give the last one time to queue.
            usleep(200_000)
        }
        while !started.value { try await Task.sleep(for: .milliseconds(1)) }
    }

    /// POSTs the same form for every token at once; the status and page of each, in order.
    func submitConcurrently(_ tokens: [InvitationToken], body: String) async throws -> [(status: HTTPResponse.Status, page: String)] {
        try await app.test(.router) { client in
            try await withThrowingTaskGroup(of: (Int, HTTPResponse.Status, String).self) { group in
                for (index, token) in tokens.enumerated() {
                    group.addTask {
                        let (headers, buffer) = form(body)
                        return try await client.execute(uri: "/s/\(token.value)?lang=en", method: .post, headers: headers, body: buffer) { response in
                            (index, response.status, String(buffer: response.body))
                        }
                    }
                }
                var results = [(status: HTTPResponse.Status, page: String)](repeating: (.ok, ""), count: tokens.count)
                for try await (index, status, page) in group { results[index] = (status, page) }
                return results
            }
        }
    }
}

struct FaultSetupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
