import Foundation
import Hummingbird
import Logging
import NIOCore
import RidaAnalytics
import RidaCore
import RidaReports

/// Where the server listens and how it names itself in links.
public struct ServerSettings: Sendable {
    public var host: String
    public var port: Int
    /// The public address links are built from — never from request headers.
    public var baseURL: URL

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

    public init(
        configuration: SeedConfiguration, status: any StoreStatusReader, survey: any SurveyStore, keys: any APIKeyStore, cells: any CellReader,
        templates: TemplateLibrary, timeZone: TimeZone
    ) {
        self.configuration = configuration
        self.status = status
        self.survey = survey
        self.keys = keys
        self.cells = cells
        self.templates = templates
        self.timeZone = timeZone
    }

    /// Templates every page needs.
    public static let requiredTemplates = ["survey/form", "survey/message", "survey/style"]
}

/// Builds the whole HTTP application: router, middleware, controllers.
public func buildApplication(
    settings: ServerSettings,
    dependencies: ServerDependencies,
    logger: Logger = Logger(label: "rida"),
    onServerRunning: @escaping @Sendable (any NIOCore.Channel) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let router = buildRouter(settings: settings, dependencies: dependencies)
    return Application(
        router: router,
        configuration: ApplicationConfiguration(address: .hostname(settings.host, port: settings.port), serverName: "rida"),
        onServerRunning: onServerRunning,
        logger: logger)
}

func buildRouter(settings: ServerSettings, dependencies: ServerDependencies, limiter: UnknownTokenLimiter = UnknownTokenLimiter())
    -> Router<AppRequestContext>
{
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: SecurityHeadersMiddleware(styleSources: dependencies.templates.styleSources(of: ["survey/style"])))
    router.addRoutes(HealthController(status: dependencies.status).routes)
    router.addRoutes(
        SurveyController(configuration: dependencies.configuration, store: dependencies.survey, templates: dependencies.templates, limiter: limiter)
            .routes)
    let issuer = InvitationIssuer(configuration: dependencies.configuration, store: dependencies.survey, baseURL: settings.baseURL)
    router.addRoutes(InvitationsController(issuer: issuer, keys: dependencies.keys).routes)
    let engine = AnalysisEngine(configuration: dependencies.configuration, timeZone: dependencies.timeZone)
    router.addRoutes(AnalyticsController(engine: engine, cells: dependencies.cells, keys: dependencies.keys).routes)
    return router
}
