import Foundation
import Synchronization

/// Slows failed lookups (unknown survey tokens, wrong sign-in keys) per client key, gradually:
/// the first few failures are free, then each further one is answered later, by a delay that
/// doubles up to a cap, while old failures are forgotten at a steady rate. It never refuses
/// anything but a failure: a request that finds what it asks for is answered without looking
/// here, whatever else came from its address.
///
/// It cannot make guessing a 128-bit token any more hopeless than it is; it keeps guessing and
/// typing noise cheap for the server and the logs, and tells a well-behaved client to wait.
public final class FailureThrottle: Sendable {
    public struct Policy: Sendable {
        /// Failures a key may make before its answers are delayed.
        public var free: Double = 10
        /// One failure is forgotten per this many seconds.
        public var forgetEvery: TimeInterval = 30
        /// The delay of the first failure past the free ones; each next one doubles it.
        public var firstDelay: TimeInterval = 0.25
        public var maximumDelay: TimeInterval = 8
        /// Delayed answers one key may have waiting at once; past it, failures are answered at
        /// once with 429, so one key cannot hold many connections open.
        public var maximumWaiting = 4
        /// Keys remembered at most; past it, keys that are not being slowed are forgotten first.
        public var maximumKeys = 100_000

        public init() {}
    }

    /// How to answer a failure.
    public enum Verdict: Equatable, Sendable {
        /// The `Retry-After` of a 429 answer; nil: answer as usual.
        public var retryAfter: Int? {
            switch self {
            case .answer: nil
            case .delay(_, let retryAfter), .refuse(let retryAfter): retryAfter
            }
        }

        /// Still within the free failures: answer as usual (404, wrong key).
        case answer
        /// Wait this long, then answer 429 with `Retry-After`.
        case delay(seconds: TimeInterval, retryAfter: Int)
        /// Answer 429 with `Retry-After` at once: this key already has answers waiting.
        case refuse(retryAfter: Int)
    }

    struct Entry {
        var score: Double
        var updated: Date
        var waiting: Int
    }

    public let policy: Policy
    private let entries = Mutex<[String: Entry]>([:])

    public init(policy: Policy = Policy()) {
        self.policy = policy
    }

    /// Counts a failure of `key` and says how to answer it. After a `.delay`, call `finished`.
    public func failure(_ key: String, now: Date = Date()) -> Verdict {
        entries.withLock { table in
            var entry = decayed(table[key], now: now)
            // Bounded, so that a key stops rising once at the cap and comes back within minutes.
            entry.score = min(entry.score + 1, policy.free + 16)
            defer {
                table[key] = entry
                if table.count > policy.maximumKeys { prune(&table, now: now) }
            }
            guard entry.score > policy.free else { return .answer }
            let delay = min(policy.maximumDelay, policy.firstDelay * pow(2, max(0, (entry.score - policy.free - 1).rounded(.down))))
            let retryAfter = max(1, Int((delay * 2).rounded(.up)))
            guard entry.waiting < policy.maximumWaiting else { return .refuse(retryAfter: retryAfter) }
            entry.waiting += 1
            return .delay(seconds: delay, retryAfter: retryAfter)
        }
    }

    /// A delayed answer of `key` was sent.
    public func finished(_ key: String) {
        entries.withLock { table in
            guard var entry = table[key] else { return }
            entry.waiting = max(0, entry.waiting - 1)
            table[key] = entry
        }
    }

    /// Counts a failure and waits as its verdict says; the verdict tells how to answer.
    public func slowDown(_ key: String) async -> Verdict {
        let verdict = failure(key)
        if case .delay(let seconds, _) = verdict {
            try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            finished(key)
        }
        return verdict
    }

    /// The failures `key` is charged with now (tests, metrics).
    public func score(_ key: String, now: Date = Date()) -> Double {
        entries.withLock { decayed($0[key], now: now).score }
    }

    var keyCount: Int { entries.withLock { $0.count } }

    private func decayed(_ entry: Entry?, now: Date) -> Entry {
        guard var entry else { return Entry(score: 0, updated: now, waiting: 0) }
        let forgotten = max(0, now.timeIntervalSince(entry.updated)) / policy.forgetEvery
        entry.score = max(0, entry.score - forgotten)
        entry.updated = now
        return entry
    }

    private func prune(_ table: inout [String: Entry], now: Date) {
        table = table.filter { decayed($0.value, now: now).score > 0 || $0.value.waiting > 0 }
        if table.count > policy.maximumKeys {
            table = table.filter { decayed($0.value, now: now).score > policy.free || $0.value.waiting > 0 }
        }
        if table.count > policy.maximumKeys {
            table = table.filter { $0.value.waiting > 0 }
        }
    }
}
