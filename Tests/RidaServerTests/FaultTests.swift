import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RidaCore
import RidaStore
import Testing

@testable import RidaServer

/// What the beneficiary sees when the database cannot take a submission: the plain page, in
/// their language, with nothing of the store's insides.
func expectUnavailablePage(_ status: HTTPResponse.Status, _ page: String, databasePath: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(status == .serviceUnavailable, sourceLocation: sourceLocation)
    // The page's own text, after its header (the organisation and the language switcher).
    let start = page.range(of: "</header>") ?? page.range(of: "<main>")
    let main = start.flatMap { open in page.range(of: "</main>", range: open.upperBound..<page.endIndex).map { page[open.upperBound..<$0.lowerBound] } }
    #expect(page.contains(#"<p class="organisation">"#), "the page names the organisation", sourceLocation: sourceLocation)
    let text = String(main ?? "").replacingOccurrences(of: #"<[^>]*>"#, with: "", options: .regularExpression)
        .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    #expect(
        text == ["Temporarily unavailable", "We could not save your answers just now. Nothing was lost; please try again in a moment."],
        sourceLocation: sourceLocation)
    let directory = URL(fileURLWithPath: databasePath).deletingLastPathComponent().path
    for leak in [directory, "rida.sqlite", "SQLite", "SQLITE", "GRDB", ".swift", "DatabaseError"] {
        #expect(!page.contains(leak), "the page shows \"\(leak)\"", sourceLocation: sourceLocation)
    }
}

/// A form that needs new pages in the database: a free text too long to stay on its b-tree page.
let longForm = "overall=2&courtesy=3&ease=4&recommend=5&suggestion=" + String(repeating: "%D8%B9", count: 1000) + "&lang=en"

@Suite struct FaultTests {
    /// Disk full: 503 with the plain page, the token not consumed and nothing written; once
    /// there is room again, the same POST is stored.
    @Test func aFullDiskGives503AndKeepsTheTokenForARetry() async throws {
        let fixture = try await FaultFixture()
        let token = try #require(try await fixture.issue(1).first)
        let before = try await fixture.snapshot()
        try await fixture.fillDisk()

        let refused = try await fixture.submitConcurrently([token], body: longForm)
        expectUnavailablePage(refused[0].status, refused[0].page, databasePath: fixture.databasePath)
        #expect(try await fixture.usedCount([token]) == 0, "the token is not consumed")
        #expect(try await fixture.snapshot() == before, "no row written: no response, no text, no cell, no used_at")

        try await fixture.freeDisk()
        let retried = try await fixture.submitConcurrently([token], body: longForm)
        #expect(retried[0].status == .seeOther)
        #expect(retried[0].page.isEmpty)
        #expect(try await fixture.usedCount([token]) == 1)
        let counts = try await fixture.store.counts()
        #expect(counts.responses == 1 && counts.texts == 1 && counts.usedInvitations == 1)
        #expect(try await fixture.store.checkCells().isExact)
    }

    /// Several submissions committed together while the disk is full: every one gets 503 and
    /// none is half-saved; together again once there is room, every one is stored.
    @Test func aFullDiskFailsAWholeBatchAndNothingIsHalfSaved() async throws {
        let fixture = try await FaultFixture()
        let tokens = try await fixture.issue(6)
        let before = try await fixture.snapshot()
        try await fixture.fillDisk()

        try await fixture.holdWriter(until: tokens.count)
        let refused = try await fixture.submitConcurrently(tokens, body: longForm)
        for result in refused { expectUnavailablePage(result.status, result.page, databasePath: fixture.databasePath) }
        #expect(try await fixture.usedCount(tokens) == 0)
        #expect(try await fixture.snapshot() == before)

        try await fixture.freeDisk()
        try await fixture.holdWriter(until: tokens.count)
        let retried = try await fixture.submitConcurrently(tokens, body: longForm)
        #expect(retried.map(\.status) == Array(repeating: .seeOther, count: tokens.count))
        #expect(try await fixture.usedCount(tokens) == tokens.count)
        let counts = try await fixture.store.counts()
        #expect(counts.responses == tokens.count && counts.texts == tokens.count)
        #expect(try await fixture.store.checkCells().isExact)
    }

    /// A batch where short answers may still fit and long ones cannot: each submission is
    /// either stored whole (303, token used, response and cells written) or not at all (503,
    /// token open); never a used token without its response, never cells without responses.
    @Test func aFullDiskNeverLeavesAPartlyStoredSubmissionInAMixedBatch() async throws {
        let fixture = try await FaultFixture()
        let tokens = try await fixture.issue(8)
        try await fixture.fillDisk()

        try await fixture.holdWriter(until: tokens.count)
        let results = try await fixture.app.test(.router) { client in
            try await withThrowingTaskGroup(of: (Int, HTTPResponse.Status).self) { group in
                for (index, token) in tokens.enumerated() {
                    group.addTask {
                        let (headers, body) = form(index.isMultiple(of: 2) ? longForm : "overall=5&lang=en")
                        return try await client.execute(uri: "/s/\(token.value)?lang=en", method: .post, headers: headers, body: body) {
                            (index, $0.status)
                        }
                    }
                }
                var statuses = [HTTPResponse.Status](repeating: .ok, count: tokens.count)
                for try await (index, status) in group { statuses[index] = status }
                return statuses
            }
        }
        #expect(results.allSatisfy { $0 == .seeOther || $0 == .serviceUnavailable }, "\(results)")
        #expect(results.indices.filter { $0.isMultiple(of: 2) }.allSatisfy { results[$0] == .serviceUnavailable }, "long answers cannot fit")
        for (token, status) in zip(tokens, results) {
            #expect(try await fixture.usedCount([token]) == (status == .seeOther ? 1 : 0), "used exactly when acknowledged")
        }
        let stored = results.filter { $0 == .seeOther }.count
        let counts = try await fixture.store.counts()
        #expect(counts.responses == stored && counts.usedInvitations == stored)
        #expect(try await fixture.store.checkCells().isExact)

        try await fixture.freeDisk()
        let refused = tokens.indices.filter { results[$0] == .serviceUnavailable }.map { tokens[$0] }
        let retried = try await fixture.submitConcurrently(refused, body: longForm)
        #expect(retried.allSatisfy { $0.status == .seeOther })
        #expect(try await fixture.usedCount(tokens) == tokens.count)
        #expect(try await fixture.store.counts().responses == tokens.count)
        #expect(try await fixture.store.checkCells().isExact)
    }

    /// A database that refuses writes (SQLITE_READONLY): 503, nothing consumed, alone or in a
    /// batch; writable again, the same submissions are stored.
    @Test func aReadOnlyDatabaseGives503AndKeepsTheTokensForARetry() async throws {
        let fixture = try await FaultFixture()
        let tokens = try await fixture.issue(5)
        let before = try await fixture.snapshot()
        let body = "overall=4&courtesy=5&ease=6&recommend=9&suggestion=ok&lang=en"
        try await fixture.onWriter("PRAGMA query_only = ON")

        let alone = try await fixture.submitConcurrently([tokens[0]], body: body)
        expectUnavailablePage(alone[0].status, alone[0].page, databasePath: fixture.databasePath)
        try await fixture.holdWriter(until: tokens.count - 1)
        let batch = try await fixture.submitConcurrently(Array(tokens.dropFirst()), body: body)
        for result in batch { expectUnavailablePage(result.status, result.page, databasePath: fixture.databasePath) }
        #expect(try await fixture.usedCount(tokens) == 0)
        #expect(try await fixture.snapshot() == before)

        try await fixture.onWriter("PRAGMA query_only = OFF")
        let retried = try await fixture.submitConcurrently(tokens, body: body)
        #expect(retried.allSatisfy { $0.status == .seeOther })
        #expect(try await fixture.usedCount(tokens) == tokens.count)
        let counts = try await fixture.store.counts()
        #expect(counts.responses == tokens.count && counts.texts == tokens.count)
        #expect(try await fixture.store.checkCells().isExact)
    }
}
