import ArgumentParser
import CoreMetrics
import Foundation
import Hummingbird
import Logging
import Prometheus
import RidaCore
import RidaDemo
import RidaReports
import RidaServer
import RidaStore
import ServiceLifecycle
import UnixSignals

#if canImport(Glibc)
import Glibc
#endif

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the service. Stops gracefully on SIGINT or SIGTERM.",
        discussion: """
            Every option can also be set by an environment variable RIDA_<NAME> (RIDA_BASE_URL, \
            RIDA_TRUSTED_PROXY=10.0.0.0/8,127.0.0.1) or by NAME in the YAML file of --settings; a \
            flag wins over the environment, which wins over the file. See docs/settings.md.
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var seeds: SeedOptions

    @Option(help: ArgumentHelp("Address to listen on (setting host; default 127.0.0.1).", valueName: "address"))
    var host: String?

    @Option(help: ArgumentHelp("Port to listen on, 0 picks a free one (setting port; default 8080).", valueName: "port"))
    var port: Int?

    @Option(
        name: .customLong("base-url"),
        help: ArgumentHelp(
            "Public address survey links are built from, e.g. https://survey.example.org (setting base-url; required, but for --demo).",
            valueName: "url"))
    var baseURL: String?

    @Option(
        name: .customLong("trusted-proxy"),
        help: ArgumentHelp(
            "A reverse proxy (CIDR, repeatable) whose X-Forwarded-For names the client; no other's is read (setting trusted-proxy; default none).",
            valueName: "cidr"))
    var trustedProxies: [CIDR] = []

    @Option(
        name: .customLong("idle-timeout"),
        help: ArgumentHelp("Seconds a kept-alive connection may wait for its next request (setting idle-timeout; default 60).", valueName: "seconds"))
    var idleTimeout: Double?

    @Option(
        name: .customLong("header-timeout"),
        help: ArgumentHelp("Seconds from a request's first byte to its complete head (setting header-timeout; default 15).", valueName: "seconds"))
    var headerTimeout: Double?

    @Option(
        name: .customLong("body-timeout"),
        help: ArgumentHelp("Seconds for a request's whole body (setting body-timeout; default 30).", valueName: "seconds"))
    var bodyTimeout: Double?

    @Option(
        name: .customLong("max-connections"),
        help: ArgumentHelp("Open connections at most; more wait in the backlog (setting max-connections; default 1024).", valueName: "count"))
    var maxConnections: Int?

    @Option(
        name: .customLong("min-free-disk-mb"),
        help: ArgumentHelp("Free space beside the database below which /readyz answers 503 (setting min-free-disk-mb; default 256).", valueName: "MB"))
    var minFreeDiskMB: Int?

    @Option(
        name: .customLong("report-grace-days"),
        help: ArgumentHelp(
            "Days after a month ends before the server writes its frozen report, for late paper and phone imports (setting report-grace-days; default 5).",
            valueName: "days"))
    var reportGraceDays: Int?

    @Flag(help: "Create the database if needed and fill an empty one with two years of synthetic data, to the last month that is over.")
    var demo = false

    @Option(name: .customLong("demo-responses"), help: "Number of synthetic responses --demo writes.")
    var demoResponses: Int = 120_000

    @Option(help: ArgumentHelp("Directory of the page templates (setting templates, $RIDA_TEMPLATES; default ./Templates).", valueName: "dir"))
    var templates: String?

    @Option(help: ArgumentHelp("Directory the server writes each frozen month's reports to, and serves them from (setting reports; default ./Reports).", valueName: "dir"))
    var reports: String?

    @Option(
        name: .customLong("retention-days"),
        help: ArgumentHelp("Days free text and contact details are kept before they are deleted for real (setting retention-days; default 365).", valueName: "days"))
    var retentionDays: Int?

    @Option(
        name: .customLong("follow-up-hours"),
        help: ArgumentHelp(
            "Service level of follow-up cases: hours from a low score to the due date of the call back (setting follow-up-hours; default 72).",
            valueName: "hours"))
    var followUpHours: Int?

    @Option(
        name: .customLong("webhook-url"),
        help: ArgumentHelp(
            "Send events (new follow-up cases, case changes) to this address, signed with $RIDA_WEBHOOK_SECRET (HMAC-SHA256) (setting webhook-url).",
            valueName: "url"))
    var webhookURL: String?

    /// Every setting of the server, resolved from flags, environment and file.
    struct Resolved {
        var host: String
        var port: Int
        var baseURL: URL?
        var trustedProxies: [CIDR]
        var limits: ConnectionLimits
        var minimumFreeBytes: Int64
        var templates: String
        var reports: String
        var retentionDays: Int
        var followUpHours: Int
        var webhookURL: URL?
        var reportGraceDays: Int
    }

    func resolve(_ settings: Settings) throws -> Resolved {
        func check(_ condition: Bool, _ message: String) throws {
            guard condition else { throw CLIError(message) }
        }
        let host = try settings.resolve(host, "host", default: "127.0.0.1")
        let port = try settings.resolve(port, "port", default: 8080)
        try check((0...65535).contains(port), "the port must be between 0 and 65535 (given: \(port))")
        let proxies = trustedProxies.isEmpty ? try settings.values("trusted-proxy", as: CIDR.self) ?? [] : trustedProxies
        let idle = try settings.resolve(idleTimeout, "idle-timeout", default: 60)
        let header = try settings.resolve(headerTimeout, "header-timeout", default: 15)
        let body = try settings.resolve(bodyTimeout, "body-timeout", default: 30)
        for (name, value) in [("idle-timeout", idle), ("header-timeout", header), ("body-timeout", body)] {
            try check(value > 0 && value <= 3600, "--\(name) must be more than 0 and at most 3600 seconds (given: \(value))")
        }
        let connections = try settings.resolve(maxConnections, "max-connections", default: 1024)
        try check((1...1_000_000).contains(connections), "--max-connections must be between 1 and 1000000 (given: \(connections))")
        let freeMB = try settings.resolve(minFreeDiskMB, "min-free-disk-mb", default: 256)
        try check(freeMB >= 0, "--min-free-disk-mb cannot be negative")
        let retention = try settings.resolve(retentionDays, "retention-days", default: 365)
        try check((1...36_500).contains(retention), "--retention-days must be between 1 and 36500")
        let grace = try settings.resolve(reportGraceDays, "report-grace-days", default: ReportSchedule.defaultGraceDays)
        try check((0...90).contains(grace), "--report-grace-days must be between 0 and 90 (given: \(grace))")
        let followUp = try settings.resolve(followUpHours, "follow-up-hours", default: 72)
        try check((1...24 * 365).contains(followUp), "--follow-up-hours must be between 1 and 8760")
        var webhook: URL?
        if let text = try settings.resolve(webhookURL, "webhook-url") as String? {
            guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
                throw CLIError("the webhook URL must be an absolute http or https address (given: \(text))")
            }
            guard let secret = ProcessInfo.processInfo.environment["RIDA_WEBHOOK_SECRET"], secret.utf8.count >= 16 else {
                throw CLIError("the webhook needs its signing secret in the environment variable RIDA_WEBHOOK_SECRET (at least 16 characters)")
            }
            webhook = url
        }
        // Without a public address only the demo serves, at http://HOST:PORT.
        let givenAddress: String? = try settings.resolve(baseURL, "base-url")
        let publicAddress: URL? = demo && givenAddress == nil ? nil : try PublicAddress.resolve(baseURL, settings)
        return Resolved(
            host: host, port: port,
            baseURL: publicAddress,
            trustedProxies: proxies,
            limits: ConnectionLimits(
                idle: .milliseconds(Int64(idle * 1000)), header: .milliseconds(Int64(header * 1000)), body: .milliseconds(Int64(body * 1000)),
                maximumConnections: connections),
            minimumFreeBytes: Int64(freeMB) * 1_048_576,
            templates: try settings.resolve(templates, "templates", default: TemplateLibrary.defaultDirectoryName),
            reports: try settings.resolve(reports, "reports", default: "Reports"),
            retentionDays: retention, followUpHours: followUp, webhookURL: webhook, reportGraceDays: grace)
    }

    func run() async throws {
        var logger = Logger(label: "rida")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let loaded = try await database.settings()
        var resolved = try resolve(loaded)
        let dbPath = try database.path(loaded)
        let (store, configuration, _) = try await openInitialised(
            database, seeds, settings: loaded, create: demo, casePolicy: CasePolicy(dueWithinHours: resolved.followUpHours))
        if demo {
            let counts = try await store.counts()
            if counts.responses == 0 && counts.invitations == 0 {
                let end = MonthOption.lastClosed(in: store.settings.timeZone)
                let generator = try DemoGenerator(
                    configuration: configuration,
                    options: DemoOptions(
                        responses: demoResponses, months: 24, seed: 1, endYear: end.year, endMonth: end.month,
                        timeZone: store.settings.timeZone,
            lastDay: CalendarDay(Date(), in: store.settings.timeZone)))
                let started = Date()
                try await writeDemo(generator, into: store)
                try await printSummary(store, generator: generator, seconds: Date().timeIntervalSince(started))
            } else {
                say("\(dbPath) already holds data (\(counts.responses) responses); --demo adds nothing.")
            }
        }
        // Links are built from the public address before the server binds: with `--port 0` and
        // no `--base-url`, pick the free port now, so the links name the port it listens on.
        if resolved.port == 0 && resolved.baseURL == nil { resolved.port = freePort(host: resolved.host) ?? 0 }
        var settings = ServerSettings(host: resolved.host, port: resolved.port, baseURL: resolved.baseURL)
        settings.trustedProxies = resolved.trustedProxies
        settings.limits = resolved.limits
        settings.minimumFreeBytes = resolved.minimumFreeBytes
        settings.reportGraceDays = resolved.reportGraceDays
        let library: TemplateLibrary
        do {
            library = try await TemplateLibrary(directory: URL(fileURLWithPath: resolved.templates), required: ServerDependencies.requiredTemplates)
        } catch {
            throw CLIError("cannot load the page templates of \(resolved.templates): \(error)")
        }
        if demo {
            // A fresh link to try the questionnaire with.
            var issuer = InvitationIssuer(configuration: configuration, store: store, baseURL: settings.baseURL)
            issuer.timeZone = store.settings.timeZone
            let link = try await issuer.issue([IssueRequest(department: "beneficiary-services", channel: "web", segment: "umrah")])
            say("Survey link (one use): \(link[0].url.absoluteString)")
        }
        let reportsDirectory = URL(fileURLWithPath: resolved.reports)
        var dependencies = ServerDependencies(
            configuration: configuration, status: store, survey: store, keys: store, cells: store, exporter: store, operations: store,
            sessions: store, templates: library,
            timeZone: store.settings.timeZone, reportsDirectory: reportsDirectory)
        dependencies.metrics = ServerMetrics(databaseBusyRetries: { store.busyRetries })
        // One process, one server: libraries that record through swift-metrics export at /metrics too.
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: dependencies.metrics.registry))
        var services: [any ServiceLifecycle.Service] = [
            RetentionService(
                purge: RetentionPurge(
                    store: store, retentionDays: resolved.retentionDays, reportsDirectory: reportsDirectory, timeZone: store.settings.timeZone),
                logger: logger)
        ]
        // The only writer of reports in the server: requests read what it wrote.
        services.append(ReportFreezingService(freezer: dependencies.reportFreezer(graceDays: resolved.reportGraceDays), logger: logger))
        if let url = resolved.webhookURL, let secret = ProcessInfo.processInfo.environment["RIDA_WEBHOOK_SECRET"] {
            services.append(WebhookDelivery(store: store, settings: WebhookSettings(url: url, secret: secret), logger: logger))
        }
        let publicAddress = settings.baseURL.absoluteString
        let (listenHost, listenPort) = (settings.host, settings.port)
        let app = buildApplication(
            settings: settings,
            dependencies: dependencies,
            logger: logger,
            services: services,
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? listenPort
                say("Rida is listening on http://\(listenHost):\(port) (database \(dbPath)); public address \(publicAddress)")
                say("Health: http://\(listenHost):\(port)/healthz, readiness: /readyz. Stop with Ctrl-C.")
            })
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        say("Rida stopped.")
    }
}

extension CIDR: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(argument)
    }
}

/// A TCP port free on `host` (an IPv4 address) just now, from the system; nil when it cannot tell.
func freePort(host: String) -> Int? {
    #if canImport(Glibc)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { return nil }
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard socket >= 0 else { return nil }
    defer { close(socket) }
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { return nil }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
    }
    guard named == 0 else { return nil }
    return Int(UInt16(bigEndian: address.sin_port))
    #else
    return nil
    #endif
}
