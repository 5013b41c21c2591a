import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import RidaAnalytics
import RidaCore
import RidaReports
import ServiceLifecycle

/// Where the server listens and how it names itself in links.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int
    /// The public address links are built from — never from request headers.
    public var baseURL: URL
    /// Reverse proxies whose forwarding headers name the client; nobody else's are read.
    public var trustedProxies: [CIDR] = []
    /// Deadlines of each connection, and how many may be open.
    public var limits = ConnectionLimits()
    /// Free disk space below which `/readyz` fails.
    public var minimumFreeBytes: Int64 = 256 * 1_048_576
    /// How failed lookups (unknown tokens, wrong sign-in keys) are slowed per client.
    public var throttle = FailureThrottle.Policy()
    /// Days after a month ends before its report is frozen (late paper and phone imports).
    public var reportGraceDays = ReportSchedule.defaultGraceDays

    public init(host: String = "127.0.0.1", port: Int = 8080, baseURL: URL? = nil) {
        self.host = host
        self.port = port
        self.baseURL = baseURL ?? URL(string: "http://\(host == "0.0.0.0" ? "localhost" : host):\(port)")!
    }
}

/// What the server needs from the layers below, injected so tests can supply their own.
public struct ServerDependencies: Sendable {
    public var configuration: SeedConfiguration
    public var status: any StoreStatusReader
    public var survey: any SurveyStore
    public var keys: any APIKeyStore
    public var cells: any CellReader
    public var templates: TemplateLibrary
    /// The organisation's time zone, in which days and periods are counted.
    public var timeZone: TimeZone
    /// Where the server writes each frozen month's reports, and serves them from.
    public var reportsDirectory: URL
    public var exporter: any ResponseExporter
    /// Follow-up cases, improvement actions, the audit log and the webhook outbox.
    public var operations: any OperationsStore
    /// Sessions of the admin area.
    public var sessions: any AdminSessionStore
    /// Where the server records its metrics, exported at `GET /metrics`: one registry per
    /// application unless the caller shares one.
    public var metrics = ServerMetrics()
    /// What each key issued today, for the staff console (by default the survey store, when it keeps it).
    public var ledger: (any IssuerLedger)?
    /// Points of service (counter posters, kiosks); by default the survey store, when it keeps them.
    public var points: (any PointStore)?

    public init(
        configuration: SeedConfiguration, status: any StoreStatusReader, survey: any SurveyStore, keys: any APIKeyStore, cells: any CellReader,
        exporter: any ResponseExporter, operations: any OperationsStore, sessions: any AdminSessionStore, templates: TemplateLibrary,
        timeZone: TimeZone,
        reportsDirectory: URL = URL(fileURLWithPath: "Reports")
    ) {
        self.exporter = exporter
        self.operations = operations
        self.sessions = sessions
        self.reportsDirectory = reportsDirectory
        self.configuration = configuration
        self.status = status
        self.survey = survey
        self.keys = keys
        self.cells = cells
        self.templates = templates
        self.timeZone = timeZone
        self.ledger = survey as? any IssuerLedger
        self.points = survey as? any PointStore
    }

    /// What writes the reports folder's sets (`rida serve` runs it as a service, tests once):
    /// the only writer of reports in the server.
    public func reportFreezer(graceDays: Int) -> ReportFreezer {
        let writer = ReportWriter(
            store: ReportSources(cells: cells, exporter: exporter), timeZone: timeZone, configuration: configuration, templates: templates,
            actions: operations)
        return ReportFreezer(writer: writer, directory: reportsDirectory, schedule: ReportSchedule(graceDays: graceDays), timeZone: timeZone)
    }

    /// Templates every page needs.
    public static let requiredTemplates = ["survey/form", "survey/message", "survey/style"] + ReportWriter.templates + AdminPages.templateNames
        + StaffConsole.templateNames + PointsAdmin.templateNames
}

/// Builds the whole HTTP application: router, middleware, controllers.
public func buildApplication(
    settings: ServerSettings,
    dependencies: ServerDependencies,
    logger: Logger = Logger(label: "rida"),
    services: [any ServiceLifecycle.Service] = [],
    onServerRunning: @escaping @Sendable (any NIOCore.Channel) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let router = buildRouter(settings: settings, dependencies: dependencies)
    return Application(
        router: router,
        server: .http1(limits: settings.limits, metrics: dependencies.metrics),
        configuration: ApplicationConfiguration(
            address: .hostname(settings.host, port: settings.port), serverName: "rida",
            availableConnectionsDelegate: MaximumAvailableConnections(settings.limits.maximumConnections, logger: logger)),
        services: services,
        onServerRunning: onServerRunning,
        logger: logger)
}

func buildRouter(settings: ServerSettings, dependencies: ServerDependencies) -> Router<AppRequestContext> {
    let throttle = FailureThrottle(policy: settings.throttle)
    let signInThrottle = FailureThrottle(policy: settings.throttle)
    let addressing = ClientAddressing(trustedProxies: settings.trustedProxies)
    let router = Router(context: AppRequestContext.self)
    // First, so it also sees the requests that later middleware answers or refuses.
    router.add(middleware: RequestMetricsMiddleware(metrics: dependencies.metrics))
    router.add(middleware: SecurityHeadersMiddleware(styleSources: dependencies.templates.styleSources(of: ["survey/style", "reports/style", "admin/style", "admin/console-style"])))
    let routeMethods = RouteMethods()
    router.add(middleware: MethodNotAllowedMiddleware(routes: routeMethods))
    router.addRoutes(HealthController(status: dependencies.status, minimumFreeBytes: settings.minimumFreeBytes).routes)
    router.addRoutes(OpenAPIController().routes)
    router.addRoutes(MetricsController(metrics: dependencies.metrics, keys: dependencies.keys).routes)
    var survey = SurveyController(
        configuration: dependencies.configuration, store: dependencies.survey, templates: dependencies.templates, throttle: throttle,
        addressing: addressing,
        metrics: dependencies.metrics)
    let pointCookies = dependencies.points.map {
        PointCookies(store: $0, timeZone: dependencies.timeZone, secure: settings.baseURL.scheme?.lowercased() == "https")
    }
    survey.points = pointCookies
    router.addRoutes(survey.routes)
    if let points = dependencies.points, let pointCookies {
        router.addRoutes(
            PointController(
                survey: survey, store: points, cookies: pointCookies, throttle: FailureThrottle(policy: PointController.throttlePolicy),
                addressing: addressing, metrics: dependencies.metrics
            ).routes)
    }
    var issuer = InvitationIssuer(configuration: dependencies.configuration, store: dependencies.survey, baseURL: settings.baseURL)
    issuer.timeZone = dependencies.timeZone
    router.addRoutes(InvitationsController(issuer: issuer, ledger: dependencies.ledger, keys: dependencies.keys, metrics: dependencies.metrics).routes)
    router.addRoutes(OperationsController(store: dependencies.operations, keys: dependencies.keys, configuration: dependencies.configuration).routes)
    let engine = AnalysisEngine(configuration: dependencies.configuration, timeZone: dependencies.timeZone)
    router.addRoutes(AnalyticsController(engine: engine, cells: dependencies.cells, keys: dependencies.keys, audit: dependencies.operations).routes)
    var reportFiles = ReportFiles(
        cells: dependencies.cells, directory: dependencies.reportsDirectory, timeZone: dependencies.timeZone, audit: dependencies.operations)
    reportFiles.schedule = ReportSchedule(graceDays: settings.reportGraceDays)
    router.addRoutes(ReportsController(files: reportFiles, keys: dependencies.keys).routes)
    let admin = AdminController(
        configuration: dependencies.configuration, keys: dependencies.keys, sessions: dependencies.sessions, operations: dependencies.operations,
        reports: reportFiles, templates: dependencies.templates, baseURL: settings.baseURL, timeZone: dependencies.timeZone,
        throttle: signInThrottle, addressing: addressing, metrics: dependencies.metrics)
    router.addRoutes(admin.routes)
    router.addRoutes(
        StaffConsole(
            admin: admin, issuer: issuer, ledger: dependencies.ledger, survey: dependencies.survey, keys: dependencies.keys, cells: dependencies.cells,
            metrics: dependencies.metrics
        ).routes)
    if let points = dependencies.points, let pointCookies {
        router.addRoutes(PointsAdmin(admin: admin, store: points, cookies: pointCookies, cells: dependencies.cells, baseURL: settings.baseURL).routes)
    }
    routeMethods.register(router.routes)
    return router
}

/// The cells and the response stream, together, as reports need them.
struct ReportSources: CellReader, ResponseExporter {
    let cells: any CellReader
    let exporter: any ResponseExporter

    func responseCells(from: CalendarDay, to: CalendarDay, grain: CellGrain) async throws -> [ResponseCell] {
        try await cells.responseCells(from: from, to: to, grain: grain)
    }
    func invitationCells(from: CalendarDay, to: CalendarDay, grain: CellGrain) async throws -> [InvitationCell] {
        try await cells.invitationCells(from: from, to: to, grain: grain)
    }
    func questionnaireVersions() async throws -> [Int64: Questionnaire] { try await cells.questionnaireVersions() }
    func checkCells() async throws -> CellCheck { try await cells.checkCells() }
    func firstDataDay() async throws -> CalendarDay? { try await cells.firstDataDay() }
    func exportResponses(from: CalendarDay?, to: CalendarDay?, _ body: @escaping @Sendable (ExportedResponse) throws -> Void) async throws {
        try await exporter.exportResponses(from: from, to: to, body)
    }
    func followUpCount(from: CalendarDay, to: CalendarDay) async throws -> Int { try await exporter.followUpCount(from: from, to: to) }
}
