import Foundation
import Synchronization

/// Counts requests for unknown tokens per client. Past the limit within the window, the client
/// gets 429 until the window has passed; a valid token does not reset the count, and other
/// clients are not affected.
final class UnknownTokenLimiter: Sendable {
    let limit: Int
    let window: TimeInterval
    private let failures = Mutex<[String: [Date]]>([:])

    init(limit: Int = 20, window: TimeInterval = 600) {
        self.limit = limit
        self.window = window
    }

    /// Seconds to wait when `client` is blocked, else nil.
    func retryAfter(_ client: String, now: Date = Date()) -> Int? {
        failures.withLock { table in
            let recent = (table[client] ?? []).filter { now.timeIntervalSince($0) < window }
            table[client] = recent.isEmpty ? nil : recent
            guard recent.count >= limit, let oldest = recent.first else { return nil }
            return max(1, Int((window - now.timeIntervalSince(oldest)).rounded(.up)))
        }
    }

    func recordFailure(_ client: String, now: Date = Date()) {
        failures.withLock { table in
            var recent = (table[client] ?? []).filter { now.timeIntervalSince($0) < window }
            recent.append(now)
            table[client] = recent
            // Keep memory bounded under a flood of distinct clients.
            if table.count > 100_000 {
                table = table.filter { $0.value.contains { now.timeIntervalSince($0) < window } }
            }
        }
    }
}
