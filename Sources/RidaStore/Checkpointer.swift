import Dispatch
import GRDB
import Synchronization

/// Copies the write-ahead log back into the database file on a connection of its own, beside
/// the writer rather than on it.
///
/// Left to itself, the writer checkpoints every 1,000 log pages, between two commits: under a
/// stream of web submissions that stalls every waiting submission while pages are copied and the
/// database file is synced. Once submissions arrive, the writer leaves that work to this
/// connection (a passive checkpoint, which never blocks a reader or the writer) and checkpoints
/// itself only as a fallback, should the log reach `writerFallbackPages`.
final class Checkpointer: Sendable {
    /// The log size at which the writer checkpoints itself after all.
    static let writerFallbackPages = 10_000
    /// The shortest time between two checkpoints: commits in between gather into one.
    static let interval: DispatchTimeInterval = .milliseconds(50)

    private struct State {
        var connection: DatabaseQueue?
        var unavailable = false
        var scheduled = false
    }

    private let path: String
    private let state = Mutex(State())
    private let queue = DispatchQueue(label: "rida.checkpoint")

    init(path: String) {
        self.path = path
    }

    /// Asks for a checkpoint soon; calls made while one is pending are absorbed by it.
    func poke() {
        let schedule = state.withLock { state -> Bool in
            guard !state.scheduled, !state.unavailable else { return false }
            state.scheduled = true
            return true
        }
        if schedule { queue.asyncAfter(deadline: .now() + Self.interval) { self.run() } }
    }

    /// Runs one passive checkpoint now; false when the connection could not be opened.
    @discardableResult
    func checkpoint() -> Bool {
        guard let connection = connection() else { return false }
        // PASSIVE copies what no reader still needs and never waits for a lock. An error here
        // (say, a full disk) leaves the log as it is: the writer's own fallback still applies.
        _ = try? connection.writeWithoutTransaction { db in try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)") }
        return true
    }

    private func run() {
        state.withLock { $0.scheduled = false }
        checkpoint()
    }

    private func connection() -> DatabaseQueue? {
        state.withLock { state in
            if let connection = state.connection { return connection }
            guard !state.unavailable else { return nil }
            var configuration = Configuration()
            configuration.label = "rida.checkpoint"
            // It only ever checkpoints: no transaction of its own, nothing to wait for.
            configuration.busyMode = .immediateError
            do {
                let connection = try DatabaseQueue(path: path, configuration: configuration)
                state.connection = connection
                return connection
            } catch {
                state.unavailable = true
                return nil
            }
        }
    }
}
