import CoreMetrics
import Foundation
import Prometheus
import Synchronization

/// The server's metrics: recorded through swift-metrics with an explicit factory into one
/// Prometheus registry, which `GET /metrics` exports. Each application holds its own, so any
/// number of applications can live in one process (tests build many); `rida serve` also makes
/// the registry the process's metrics backend, for libraries that record through swift-metrics.
///
/// Labels carry route templates (`/s/{token}`), never request paths: survey paths hold tokens.
public final class ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let factory: PrometheusMetricsFactory

    static let requests = "rida_http_requests_total"
    static let requestDuration = "rida_http_request_duration_seconds"
    static let submissions = "rida_survey_submissions_total"
    static let invitationsIssued = "rida_invitations_issued_total"
    static let busyRetries = "rida_database_busy_retries_total"
    static let throttled = "rida_throttled_failures_total"
    static let connectionsTimedOut = "rida_connections_timed_out_total"

    /// Where a failed lookup was slowed.
    enum ThrottledLookup: String, CaseIterable {
        /// An unknown survey token.
        case survey
        /// A wrong key at the admin sign-in.
        case signIn = "sign_in"
    }

    /// Which deadline closed a connection.
    public enum ConnectionDeadline: String, CaseIterable, Sendable {
        case idle, header, body
    }

    /// What became of a submitted questionnaire.
    enum SubmissionOutcome: String, CaseIterable {
        /// A response was recorded.
        case stored
        /// Refused for its content: unreadable, too large, or answers that fail validation.
        case invalid
        /// The invitation was already used, expired or revoked.
        case closed
        /// No invitation has this token.
        case notFound = "not_found"
        /// The database could not take it (busy, full, read-only).
        case unavailable
    }

    private struct RouteKey: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    private let requestSeries = Mutex<[RouteKey: (counter: CoreMetrics.Counter, timer: CoreMetrics.Timer)]>([:])
    private let submissionCounters: [SubmissionOutcome: CoreMetrics.Counter]
    private let invitationCounter: CoreMetrics.Counter
    private let throttledCounters: [ThrottledLookup: CoreMetrics.Counter]
    private let timedOutCounters: [ConnectionDeadline: CoreMetrics.Counter]
    /// Reads the store's count of busy retries; exported as a counter at each scrape.
    private let databaseBusyRetries: (@Sendable () -> Int)?
    private let busyRetryCounter: CoreMetrics.Counter?
    private let exportedBusyRetries = Mutex(0)

    /// - Parameter databaseBusyRetries: the store's running count of retries on a locked
    ///   database (`AppDatabase.busyRetries`); without it that counter is not exported.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), databaseBusyRetries: (@Sendable () -> Int)? = nil) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[Self.requestDuration] = [
            .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        ]
        self.factory = factory
        // Created up front, so every series is exported from the start, at zero.
        var submissions: [SubmissionOutcome: CoreMetrics.Counter] = [:]
        for outcome in SubmissionOutcome.allCases {
            submissions[outcome] = CoreMetrics.Counter(label: Self.submissions, dimensions: [("outcome", outcome.rawValue)], factory: factory)
        }
        submissionCounters = submissions
        invitationCounter = CoreMetrics.Counter(label: Self.invitationsIssued, factory: factory)
        throttledCounters = Dictionary(
            uniqueKeysWithValues: ThrottledLookup.allCases.map {
                ($0, CoreMetrics.Counter(label: Self.throttled, dimensions: [("lookup", $0.rawValue)], factory: factory))
            })
        timedOutCounters = Dictionary(
            uniqueKeysWithValues: ConnectionDeadline.allCases.map {
                ($0, CoreMetrics.Counter(label: Self.connectionsTimedOut, dimensions: [("deadline", $0.rawValue)], factory: factory))
            })
        self.databaseBusyRetries = databaseBusyRetries
        busyRetryCounter = databaseBusyRetries.map { _ in CoreMetrics.Counter(label: Self.busyRetries, factory: factory) }
    }

    /// One request answered: counted by route template, method and status; timed by route and method.
    func recordRequest(route: String, method: String, status: Int, duration: Duration) {
        let key = RouteKey(route: route, method: method, status: status)
        let series = requestSeries.withLock { cache in
            if let series = cache[key] { return series }
            let series = (
                counter: CoreMetrics.Counter(
                    label: Self.requests, dimensions: [("route", route), ("method", method), ("status", String(status))], factory: factory),
                timer: CoreMetrics.Timer(label: Self.requestDuration, dimensions: [("route", route), ("method", method)], factory: factory)
            )
            cache[key] = series
            return series
        }
        series.counter.increment()
        series.timer.recordNanoseconds(max(0, duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000))
    }

    func recordSubmission(_ outcome: SubmissionOutcome) {
        submissionCounters[outcome]?.increment()
    }

    /// A failed lookup answered with 429 (after its delay).
    func recordThrottled(_ lookup: ThrottledLookup) {
        throttledCounters[lookup]?.increment()
    }

    /// A connection closed because it missed a deadline.
    public func recordTimedOut(_ deadline: ConnectionDeadline) {
        timedOutCounters[deadline]?.increment()
    }

    func recordInvitationsIssued(_ count: Int) {
        invitationCounter.increment(by: count)
    }

    /// The metrics in Prometheus's text format (version 0.0.4).
    func exposition() -> String {
        if let databaseBusyRetries, let busyRetryCounter {
            let total = databaseBusyRetries()
            let delta = exportedBusyRetries.withLock { exported -> Int in
                let delta = max(0, total - exported)
                exported += delta
                return delta
            }
            if delta > 0 { busyRetryCounter.increment(by: delta) }
        }
        return registry.emitToString()
    }

    /// The router's template of the matched route, as the OpenAPI document writes it
    /// (`/s/{token}`); requests that matched no route share one label.
    static func routeLabel(_ endpointPath: String?) -> String {
        guard let endpointPath, endpointPath != "NotFound" else { return "unmatched" }
        return endpointPath
    }
}
