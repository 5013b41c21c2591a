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
        abstract: "Run the service. Stops gracefully on SIGINT or SIGTERM.")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var seeds: SeedOptions

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port: Int = 8080

    @Option(
        name: .customLong("base-url"),
        help: ArgumentHelp("Public address survey links are built from (default: http://HOST:PORT).", valueName: "url"))
    var baseURL: String?

    @Flag(help: "Fill an empty database with a year of synthetic data first.")
    var demo = false

    @Option(name: .customLong("demo-responses"), help: "Number of synthetic responses --demo writes.")
    var demoResponses: Int = 120_000

    @Option(help: ArgumentHelp("Directory of the page templates (default: $RIDA_TEMPLATES, else ./Templates).", valueName: "dir"))
    var templates: String?

    @Option(help: ArgumentHelp("Directory the reports asked for through the API are written to (default ./Reports).", valueName: "dir"))
    var reports: String = "Reports"

    @OptionGroup var retention: RetentionOptions

    @Option(
        name: .customLong("follow-up-hours"),
        help: ArgumentHelp("Service level of follow-up cases: hours from a low score to the due date of the call back.", valueName: "hours"))
    var followUpHours: Int = 72

    @Option(
        name: .customLong("webhook-url"),
        help: ArgumentHelp(
            "Send events (new follow-up cases, case changes) to this address, signed with $RIDA_WEBHOOK_SECRET (HMAC-SHA256).",
            valueName: "url"))
    var webhookURL: String?

    func validate() throws {
        guard (1...24 * 365).contains(followUpHours) else { throw ValidationError("--follow-up-hours must be between 1 and 8760") }
        if let webhookURL {
            guard let url = URL(string: webhookURL), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
                throw ValidationError("--webhook-url must be an absolute http or https address")
            }
            guard let secret = ProcessInfo.processInfo.environment["RIDA_WEBHOOK_SECRET"], secret.utf8.count >= 16 else {
                throw ValidationError("--webhook-url needs the signing secret in the environment variable RIDA_WEBHOOK_SECRET (at least 16 characters)")
            }
        }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        if let baseURL {
            guard let url = URL(string: baseURL), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
                throw ValidationError("--base-url must be an absolute http or https address, e.g. https://survey.example.org")
            }
        }
    }

    func run() async throws {
        var logger = Logger(label: "rida")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let (store, configuration, _) = try await openInitialised(database, seeds, casePolicy: CasePolicy(dueWithinHours: followUpHours))
        if demo {
            let counts = try await store.counts()
            if counts.responses == 0 && counts.invitations == 0 {
                let end = MonthOption.current(in: store.settings.timeZone)
                let generator = try DemoGenerator(
                    configuration: configuration,
                    options: DemoOptions(
                        responses: demoResponses, months: 12, seed: 1, endYear: end.year, endMonth: end.month,
                        timeZone: store.settings.timeZone,
            lastDay: CalendarDay(Date(), in: store.settings.timeZone)))
                let started = Date()
                try await writeDemo(generator, into: store)
                try await printSummary(store, generator: generator, seconds: Date().timeIntervalSince(started))
            } else {
                say("\(database.db) already holds data (\(counts.responses) responses); --demo adds nothing.")
            }
        }
        // Links are built from the public address before the server binds: with `--port 0` and
        // no `--base-url`, pick the free port now, so the links name the port it listens on.
        let port = port == 0 && baseURL == nil ? (freePort(host: host) ?? 0) : port
        let settings = ServerSettings(host: host, port: port, baseURL: baseURL.flatMap(URL.init(string:)))
        let directory = templates.map { URL(fileURLWithPath: $0) } ?? TemplateLibrary.defaultDirectory()
        let library: TemplateLibrary
        do {
            library = try await TemplateLibrary(directory: directory, required: ServerDependencies.requiredTemplates)
        } catch {
            throw CLIError("cannot load the page templates: \(error)")
        }
        if demo {
            // A fresh link to try the questionnaire with.
            var issuer = InvitationIssuer(configuration: configuration, store: store, baseURL: settings.baseURL)
            issuer.timeZone = store.settings.timeZone
            let link = try await issuer.issue([IssueRequest(department: "beneficiary-services", channel: "web", segment: "umrah")])
            say("Survey link (one use): \(link[0].url.absoluteString)")
        }
        var dependencies = ServerDependencies(
            configuration: configuration, status: store, survey: store, keys: store, cells: store, exporter: store, operations: store,
            sessions: store, templates: library,
            timeZone: store.settings.timeZone, reportsDirectory: URL(fileURLWithPath: reports))
        dependencies.metrics = ServerMetrics(databaseBusyRetries: { store.busyRetries })
        // One process, one server: libraries that record through swift-metrics export at /metrics too.
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: dependencies.metrics.registry))
        var services: [any ServiceLifecycle.Service] = [
            RetentionService(
                purge: RetentionPurge(
                    store: store, retentionDays: retention.days, reportsDirectory: URL(fileURLWithPath: reports), timeZone: store.settings.timeZone),
                logger: logger)
        ]
        if let webhookURL, let url = URL(string: webhookURL), let secret = ProcessInfo.processInfo.environment["RIDA_WEBHOOK_SECRET"] {
            services.append(WebhookDelivery(store: store, settings: WebhookSettings(url: url, secret: secret), logger: logger))
        }
        let app = buildApplication(
            settings: settings,
            dependencies: dependencies,
            logger: logger,
            services: services,
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? settings.port
                let publicAddress = baseURL ?? "http://\(settings.host == "0.0.0.0" ? "localhost" : settings.host):\(port)"
                say("Rida is listening on http://\(settings.host):\(port) (database \(database.db)); public address \(publicAddress)")
                say("Health: http://\(settings.host):\(port)/healthz. Stop with Ctrl-C.")
            })
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        say("Rida stopped.")
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
