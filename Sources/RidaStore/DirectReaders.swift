import Foundation
import GRDB
import Synchronization

/// A few read-only connections that a request uses on the thread it already runs on, for one
/// short indexed read (the invitation of a survey link): no hop to a pool's queue and back, no
/// continuation, no gate. A caller that finds none free is told so at once (`nil`) and uses the
/// pool instead: nothing ever waits here, so a busy moment cannot hold a thread of the
/// concurrency pool. Each read is its own transaction, and sees every commit made before it.
final class DirectReaders: Sendable {
    private let free: Mutex<[DatabaseQueue]>

    init(path: String, count: Int, prepare: @escaping @Sendable (Database) throws -> Void) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.foreignKeysEnabled = true
        configuration.label = "direct reader"
        configuration.prepareDatabase(prepare)
        free = Mutex(try (0..<count).map { _ in try DatabaseQueue(path: path, configuration: configuration) })
    }

    /// `body`'s value, read on this thread; nil when every direct connection is in use.
    func read<T>(_ body: (Database) throws -> T) throws -> T? {
        guard let connection = free.withLock({ $0.popLast() }) else { return nil }
        defer { free.withLock { $0.append(connection) } }
        return try connection.read(body)
    }

    /// Closes every connection (the store's own pool closes after them, so its writer is the last
    /// connection to the database and checkpoints and removes the write-ahead log as before).
    func close() {
        let connections = free.withLock { all -> [DatabaseQueue] in
            defer { all.removeAll() }
            return all
        }
        for connection in connections { try? connection.close() }
    }

    /// How many a store opens: one per core, and one more.
    static var defaultCount: Int { ProcessInfo.processInfo.activeProcessorCount + 1 }
}
