import GRDB
import Synchronization

/// Commits concurrent writes together. Each job runs in its own savepoint of one shared write
/// transaction, and each caller is answered only after that transaction has committed: with
/// `synchronous=FULL` one sync of the log covers every job in the batch, so throughput grows
/// with concurrency instead of being bounded by one sync per request. While a batch commits,
/// the next one gathers; a lone request is written at once, without waiting for company.
final class GroupCommit<Outcome: Sendable>: Sendable {
    typealias Job = @Sendable (Database) throws -> Outcome

    private struct Pending: Sendable {
        let job: Job
        let continuation: CheckedContinuation<Outcome, any Error>
    }

    private struct State: Sendable {
        var queue: [Pending] = []
        var draining = false
    }

    private let writer: any DatabaseWriter
    private let state = Mutex(State())
    /// Upper bound on the jobs in one transaction, so one commit never holds the writer for long.
    let maximumBatch: Int

    init(writer: any DatabaseWriter, maximumBatch: Int = 256) {
        self.writer = writer
        self.maximumBatch = maximumBatch
    }

    /// Runs `job` in the next batch and returns its outcome once the batch is durable. A job that
    /// throws is rolled back alone; if the commit itself fails, every job of the batch fails.
    func run(_ job: @escaping Job) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            let start = state.withLock { state -> Bool in
                state.queue.append(Pending(job: job, continuation: continuation))
                guard !state.draining else { return false }
                state.draining = true
                return true
            }
            if start { Task { await self.drain() } }
        }
    }

    private func nextBatch() -> [Pending]? {
        state.withLock { state in
            guard !state.queue.isEmpty else {
                state.draining = false
                return nil
            }
            let batch = Array(state.queue.prefix(maximumBatch))
            state.queue.removeFirst(batch.count)
            return batch
        }
    }

    private func drain() async {
        while let batch = nextBatch() {
            do {
                let results = try await writer.write { db in
                    batch.map { pending in
                        Result { () throws -> Outcome in
                            var outcome: Outcome?
                            try db.inSavepoint {
                                outcome = try pending.job(db)
                                return .commit
                            }
                            return outcome!
                        }
                    }
                }
                for (pending, result) in zip(batch, results) { pending.continuation.resume(with: result) }
            } catch {
                for pending in batch { pending.continuation.resume(throwing: error) }
            }
        }
    }
}
