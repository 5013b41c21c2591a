import Foundation
import Logging
import RidaCore
import RidaReports
import ServiceLifecycle

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Where events go, and the secret they are signed with.
public struct WebhookSettings: Sendable {
    public var url: URL
    public var secret: String
    /// Longest wait between two attempts at one event.
    public var maximumBackoff: TimeInterval
    /// First wait after a failure; doubled at each further failure.
    public var initialBackoff: TimeInterval
    /// How often the outbox is looked at.
    public var pollInterval: TimeInterval

    public init(url: URL, secret: String, initialBackoff: TimeInterval = 5, maximumBackoff: TimeInterval = 3600, pollInterval: TimeInterval = 1) {
        self.url = url
        self.secret = secret
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
        self.pollInterval = pollInterval
    }

    /// The wait after the `attempts`-th failure: doubling from the initial backoff up to the
    /// maximum, with up to 20% random jitter so many failing events do not retry in step.
    func backoff(afterAttempts attempts: Int) -> TimeInterval {
        let base = min(maximumBackoff, initialBackoff * pow(2, Double(max(0, attempts - 1))))
        return base * Double.random(in: 0.8...1.0)
    }
}

/// Sends the outbox's events to the webhook, oldest first, one at a time, each until the
/// receiver answers 2xx. An event leaves the outbox only when acknowledged, so nothing is lost
/// while the receiver is down or across a restart; a receiver may see an event twice (if its
/// acknowledgement is lost) and de-duplicates by the event id.
public struct WebhookDelivery: ServiceLifecycle.Service, Sendable {
    let store: any OperationsStore
    let settings: WebhookSettings
    let logger: Logger

    public init(store: any OperationsStore, settings: WebhookSettings, logger: Logger) {
        self.store = store
        self.settings = settings
        self.logger = logger
    }

    public func run() async throws {
        let session = URLSession(configuration: .ephemeral)
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let sent = (try? await deliverDue(session: session)) ?? 0
                if sent == 0 {
                    try? await Task.sleep(for: .seconds(settings.pollInterval))
                }
            }
        }
    }

    /// Sends every event due now; returns how many were acknowledged.
    func deliverDue(session: URLSession) async throws -> Int {
        var delivered = 0
        for event in try await store.pendingEvents(at: Date(), limit: 50) {
            if Task.isCancelled { break }
            if let problem = await send(event, session: session) {
                let retryAt = Date().addingTimeInterval(settings.backoff(afterAttempts: event.attempts + 1))
                try await store.markFailed(event.id, error: problem, retryAt: retryAt)
                logger.warning("webhook delivery failed", metadata: ["event": "\(event.id)", "attempt": "\(event.attempts + 1)", "problem": "\(problem)"])
            } else {
                try await store.markDelivered(event.id, at: Date())
                delivered += 1
            }
        }
        return delivered
    }

    /// nil when the receiver acknowledged the event; otherwise why not.
    private func send(_ event: OutboxEvent, session: URLSession) async -> String? {
        var request = URLRequest(url: settings.url, timeoutInterval: 10)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue(event.id, forHTTPHeaderField: "Rida-Event-Id")
        request.setValue(event.id, forHTTPHeaderField: "Idempotency-Key")
        request.setValue(event.kind, forHTTPHeaderField: "Rida-Event-Type")
        let timestamp = Int64(Date().timeIntervalSince1970)
        request.setValue(WebhookSignature.sign(body: event.body, secret: settings.secret, timestamp: timestamp), forHTTPHeaderField: "Rida-Signature")
        request.httpBody = Data(event.body.utf8)
        // The completion-handler API, not `data(for:)`: cancelling a task inside the async
        // variant can leave it waiting forever on this platform. A request in flight when the
        // server stops finishes (or times out) first; the event is acknowledged only by a 2xx.
        let outcome: Result<Int, any Error> = await withCheckedContinuation { continuation in
            session.dataTask(with: request) { _, response, error in
                if let error {
                    continuation.resume(returning: .failure(error))
                } else if let status = (response as? HTTPURLResponse)?.statusCode {
                    continuation.resume(returning: .success(status))
                } else {
                    continuation.resume(returning: .failure(URLError(.badServerResponse)))
                }
            }.resume()
        }
        switch outcome {
        case .success(let status): return (200..<300).contains(status) ? nil : "HTTP \(status)"
        case .failure(let error): return "\(type(of: error)): \(error.localizedDescription)"
        }
    }
}

/// Runs the retention purge (database and written reports) when the server starts and then
/// once a day.
public struct RetentionService: ServiceLifecycle.Service, Sendable {
    let purge: RetentionPurge
    let logger: Logger
    let interval: TimeInterval

    public init(purge: RetentionPurge, logger: Logger, interval: TimeInterval = 86_400) {
        self.purge = purge
        self.logger = logger
        self.interval = interval
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown { try await purgeDaily() }
    }

    private func purgeDaily() async throws {
        while !Task.isCancelled {
            do {
                let summary = try await purge.run(at: Date(), by: .server)
                logger.info(
                    "retention purge",
                    metadata: [
                        "texts": "\(summary.database.texts)", "contacts": "\(summary.database.contacts)", "events": "\(summary.database.events)",
                        "reportMonths": "\(summary.reports.months.count)", "abandonedReports": "\(summary.reports.abandoned.count)",
                    ])
            } catch {
                logger.error("retention purge failed", metadata: ["error": "\(String(describing: type(of: error)))"])
            }
            try? await Task.sleep(for: .seconds(interval))
        }
    }
}
