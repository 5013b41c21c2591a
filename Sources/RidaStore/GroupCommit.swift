import GRDB
import Synchronization

/// Commits concurrent writes together. The jobs share one write transaction (a job that throws
/// is rolled back alone, see `commit`), and each caller is answered only after that transaction
/// has committed: with `synchronous=FULL` one sync of the log covers every job in the batch, so
/// throughput grows with concurrency instead of being bounded by one sync per request. While a
/// batch commits, the next one gathers; a lone request is written at once, without waiting for
/// company.
///
/// A job may also leave effects that many jobs share, such as additions to the same analytics
/// cells: those of the jobs that succeed are merged and applied once, at the end of the batch,
/// inside the same transaction.
final class GroupCommit<Outcome: Sendable, Effects: BatchEffects>: Sendable {
    typealias Job = @Sendable (Database, inout Effects) throws -> Outcome

    private struct Pending: Sendable {
        let job: Job
        let continuation: CheckedContinuation<Outcome, any Error>
    }

    private struct State: Sendable {
        var queue: [Pending] = []
        var draining = false
        var checkpointsHandedOver = false
    }

    private let writer: any DatabaseWriter
    private let state = Mutex(State())
    /// Takes the log checkpoints off the writer once submissions flow (nil: the writer keeps them).
    private let checkpointer: Checkpointer?
    /// Upper bound on the jobs in one transaction, so one commit never holds the writer for long.
    let maximumBatch: Int

    init(writer: any DatabaseWriter, checkpointer: Checkpointer? = nil, maximumBatch: Int = 256) {
        self.writer = writer
        self.checkpointer = checkpointer
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
            if start { scheduleDrain() }
        }
    }

    /// Batches are written on the writer's own queue, one after the other, without a hop to the
    /// cooperative thread pool between them: under load that pool is busy with requests, and a
    /// drain waiting there for a turn would leave the writer idle.
    private func scheduleDrain() {
        writer.asyncWriteWithoutTransaction { db in self.drain(db) }
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

    /// How many batches one turn on the writer may commit before it lets other writes (imports,
    /// invitations) in, so a steady stream of submissions cannot starve them.
    private static var batchesPerTurn: Int { 8 }

    private func drain(_ db: Database) {
        handOverCheckpoints(db)
        for _ in 0..<Self.batchesPerTurn {
            guard let batch = nextBatch() else { return }
            commit(batch, in: db)
            checkpointer?.poke()
        }
        // Still draining: continue after whatever else is waiting for the writer.
        scheduleDrain()
    }

    /// From the first batch on, the writer checkpoints only as a fallback (see `Checkpointer`).
    private func handOverCheckpoints(_ db: Database) {
        guard let checkpointer, state.withLock({ $0.checkpointsHandedOver }) == false else { return }
        guard checkpointer.checkpoint() else { return }
        do {
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Checkpointer.writerFallbackPages)")
            state.withLock { $0.checkpointsHandedOver = true }
        } catch {
            // The writer keeps checkpointing as before.
        }
    }

    /// Commits a batch. Every job first runs straight in the batch's transaction: the common case,
    /// in which none fails, costs no savepoints. If one throws, that transaction is rolled back
    /// and the batch runs again with each job in a savepoint of its own, so that only the failing
    /// job fails. Jobs only change the database and their effects, both rolled back, so running
    /// one twice is safe.
    private func commit(_ batch: [Pending], in db: Database) {
        var outcomes: [Outcome] = []
        outcomes.reserveCapacity(batch.count)
        do {
            var jobFailed = false
            try db.inTransaction(.immediate) {
                var effects = Effects()
                for pending in batch {
                    do {
                        outcomes.append(try pending.job(db, &effects))
                    } catch {
                        jobFailed = true
                        return .rollback
                    }
                }
                try effects.apply(db)
                return .commit
            }
            if !jobFailed {
                for (pending, outcome) in zip(batch, outcomes) { pending.continuation.resume(returning: outcome) }
                return
            }
        } catch {
            for pending in batch { pending.continuation.resume(throwing: error) }
            return
        }
        commitJobByJob(batch, in: db)
    }

    /// Commits a batch with each job in its own savepoint: a job that throws is rolled back alone.
    private func commitJobByJob(_ batch: [Pending], in db: Database) {
        do {
            var results: [Result<Outcome, any Error>] = []
            results.reserveCapacity(batch.count)
            try db.inTransaction(.immediate) {
                var effects = Effects()
                for pending in batch {
                    results.append(Result { () throws -> Outcome in
                        var outcome: Outcome?
                        var own = Effects()
                        try db.inSavepoint {
                            outcome = try pending.job(db, &own)
                            return .commit
                        }
                        effects.merge(own)
                        return outcome!
                    })
                }
                try effects.apply(db)
                return .commit
            }
            for (pending, result) in zip(batch, results) { pending.continuation.resume(with: result) }
        } catch {
            for pending in batch { pending.continuation.resume(throwing: error) }
        }
    }
}

/// Changes that the jobs of one batch gather and that are written once for the whole batch.
protocol BatchEffects: SendableMetatype {
    init()
    mutating func merge(_ other: Self)
    mutating func apply(_ db: Database) throws
}
