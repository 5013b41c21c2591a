import Foundation
import GRDB
import RidaCore
import Testing

@testable import RidaStore

/// An admin session's use is recorded coarsely, like an API key's: a page within a minute of the
/// last recorded use is answered from a read, without a write behind the survey's submissions.
@Suite struct SessionUseTests {
    @Test func theIdleDeadlineMovesAtMostOnceAMinute() async throws {
        let store = try AppDatabase(path: temporaryDatabasePath())
        _ = try await store.synchronize(with: try shippedConfiguration())
        let keyHash = Data(repeating: 7, count: 32)
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        try await store.createKey(name: "quality", role: .analyst, keyHash: keyHash, at: start)
        let key = try #require(try await store.authenticate(keyHash: keyHash, at: start))
        let policy = AdminSessionPolicy()
        let id = Data(repeating: 9, count: 32)
        try await store.startSession(idHash: id, key: key, csrf: "csrf", policy: policy, at: start)

        let first = try #require(try await store.session(idHash: id, policy: policy, at: start.addingTimeInterval(30))).expiresAt
        #expect(first == start.addingTimeInterval(policy.idleTimeout), "30 s after the start: the recorded deadline stands, nothing written")
        let later = try #require(try await store.session(idHash: id, policy: policy, at: start.addingTimeInterval(120))).expiresAt
        #expect(later == start.addingTimeInterval(120 + policy.idleTimeout), "two minutes on, the deadline moves")
        let again = try #require(try await store.session(idHash: id, policy: policy, at: start.addingTimeInterval(150))).expiresAt
        #expect(again == later, "within a minute of that, it does not move again")
        #expect(try await store.session(idHash: id, policy: policy, at: later.addingTimeInterval(1)) == nil, "idle past its deadline: ended")
    }
}
