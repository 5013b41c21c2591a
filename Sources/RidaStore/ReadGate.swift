/// Lets at most as many async reads reach GRDB as the pool has reader connections. Past that,
/// GRDB's pool waits on a semaphore, and under load (more concurrent requests than readers, on a
/// machine with few cores) the waiting starved the tasks that would have released a reader: the
/// server stopped answering. Waiting here suspends the task instead of holding a thread.
actor ReadGate {
    private var available: Int
    private var waiters: [CheckedContinuation<Void, Never>] = []

    init(permits: Int) {
        available = permits
    }

    func acquire() async {
        if available > 0 {
            available -= 1
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func release() {
        if waiters.isEmpty {
            available += 1
        } else {
            waiters.removeFirst().resume()
        }
    }
}
