import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import RidaCore
import RidaReports

/// The admin area: server-rendered pages in Arabic and English that work without JavaScript.
/// - `GET /admin/login`, `POST /admin/login`: sign in with an API key (roles analyst, board, admin);
/// - `GET /admin`: the dashboard, by role;
/// - `POST /admin/cases/{id}` (admin): a call's outcome and note, moving the case;
/// - `GET /admin/actions/{id}`: the form that edits an improvement action;
/// - `POST /admin/actions` (once per form), `POST /admin/actions/{id}` (analyst, admin),
///   `POST /admin/logout`: every change a form carrying the session's CSRF token;
/// - `GET /admin/reports/{YYYY-MM}/{file}`: report files, under the same rules as the API.
struct AdminController {
    let configuration: SeedConfiguration
    let keys: any APIKeyStore
    let operations: any OperationsStore
    let reports: ReportFiles
    let templates: TemplateLibrary
    let guardian: AdminGuard
    let timeZone: TimeZone
    /// Slows wrong keys at the sign-in, per client; a right key never meets it.
    let throttle: FailureThrottle
    let addressing: ClientAddressing
    let metrics: ServerMetrics

    static let maximumBody = 64 * 1024
    static let maximumFields = 32
    /// Issuer keys sign in to the staff console (`StaffConsole`), the other roles to the dashboard.
    static let signInRoles: Set<Role> = [.issuer, .analyst, .board, .admin]
    static let editorRoles: Set<Role> = [.analyst, .admin]

    init(
        configuration: SeedConfiguration, keys: any APIKeyStore, sessions: any AdminSessionStore, operations: any OperationsStore,
        reports: ReportFiles, templates: TemplateLibrary, baseURL: URL, timeZone: TimeZone, policy: AdminSessionPolicy = AdminSessionPolicy(),
        throttle: FailureThrottle = FailureThrottle(), addressing: ClientAddressing = ClientAddressing(), metrics: ServerMetrics = ServerMetrics()
    ) {
        self.throttle = throttle
        self.addressing = addressing
        self.metrics = metrics
        self.configuration = configuration
        self.keys = keys
        self.operations = operations
        self.reports = reports
        self.templates = templates
        self.guardian = AdminGuard(sessions: sessions, policy: policy, baseURL: baseURL)
        self.timeZone = timeZone
    }

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("admin/login", use: loginPage)
        routes.post("admin/login", use: login)
        routes.get("admin", use: dashboard)
        routes.post("admin/logout", use: logout)
        routes.post("admin/cases/:id", use: updateCase)
        routes.post("admin/actions", use: addAction)
        routes.get("admin/actions/:id", use: actionPage)
        routes.post("admin/actions/:id", use: updateAction)
        routes.get("admin/reports/:period/:file", use: reportFile)
        return routes
    }

    var pages: AdminPages { AdminPages(configuration: configuration, templates: templates, timeZone: timeZone) }

    // MARK: - Signing in and out

    @Sendable func loginPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let language = Self.language(request)
        if (try? await guardian.session(request)) != nil { return Self.redirect("/admin?lang=\(language)") }
        return loginForm(language, status: .ok, error: nil)
    }

    /// The sign-in form with a fresh double-submit token, in its cookie and in the form.
    private func loginForm(_ language: String, status: HTTPResponse.Status, error: String?) -> Response {
        let token = AdminSecret.generate()
        var response = pages.login(language: language, token: token.value, error: error, status: status)
        response.headers[values: .setCookie].append(guardian.loginCookie(token))
        return response
    }

    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> Response {
        let language = Self.language(request)
        let text = AdminText(language: language)
        guard !guardian.isCrossSite(request) else { return pages.message(.crossSite, language: language, status: .forbidden) }
        let fields: [String: [String]]
        switch await readForm(request, language: language) {
        case .fields(let read): fields = read
        case .refused(let response): return response
        }
        // Login CSRF: the form's token must be the one set in this browser with the form. Another
        // site can neither read it nor, with SameSite=Strict, have the browser send it.
        guard let cookie = request.cookies[AdminGuard.loginCookie]?.value, let sent = fields["login_token"]?.last, AdminSecret.matches(cookie, sent)
        else { return loginForm(language, status: .forbidden, error: text("loginExpired")) }
        guard let raw = fields["key"]?.last, let token = APIKeyToken(parsing: raw.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            return await wrongKey(request, context, language, reason: "not a key")
        }
        let key: APIKey?
        do {
            key = try await keys.authenticate(keyHash: token.hash, at: Date())
        } catch {
            return unavailable(context, error, language)
        }
        guard let key else { return await wrongKey(request, context, language, reason: "unknown or revoked key") }
        guard Self.signInRoles.contains(key.role) else { return loginForm(language, status: .forbidden, error: text("issuerRefused")) }
        let id = AdminSecret.generate()
        do {
            // A session this browser had before is ended: a sign-in always starts a new one.
            if let previous = guardian.sessionID(request) { try await guardian.sessions.endSession(idHash: previous.hash, at: Date()) }
            try await guardian.sessions.startSession(
                idHash: id.hash, key: key, csrf: AdminSecret.generate().value, policy: guardian.policy, at: Date())
        } catch {
            return unavailable(context, error, language)
        }
        context.logger.info("admin session started", metadata: ["key": "\(key.name)", "role": "\(key.role.rawValue)"])
        var response = Self.redirect(key.role == .issuer ? StaffConsole.home(language) : "/admin?lang=\(language)")
        response.headers[values: .setCookie].append(guardian.sessionCookie(id))
        response.headers[values: .setCookie].append(guardian.clearedLoginCookie())
        // A staff sign-in is how a kiosk stops being one.
        if request.cookies[PointCookies.kioskName] != nil { response.headers[values: .setCookie].append(PointCookies.clearedKiosk) }
        return response
    }

    /// A failed sign-in: written to the audit log with the client's address, and — past a few
    /// failures from that address — answered later and later, with 429.
    private func wrongKey(_ request: Request, _ context: AppRequestContext, _ language: String, reason: String) async -> Response {
        let client = addressing.key(socket: context.remoteAddress, headers: request.headers)
        let verdict = await throttle.slowDown(client)
        if case .refuse = verdict {
            // Already answers waiting for this client: not written again, so a flood cannot fill the log.
        } else {
            do {
                try await operations.audit(
                    AuditEntry(at: Date(), actor: "unknown", action: "admin.sign-in-failed", subject: client, detail: reason))
            } catch {
                context.logger.error("failed sign-in not audited", metadata: ["error": "\(String(describing: type(of: error)))"])
            }
        }
        context.logger.notice("admin sign-in failed", metadata: ["client": "\(client)"])
        let text = AdminText(language: language)
        guard let retryAfter = verdict.retryAfter else { return loginForm(language, status: .unauthorized, error: text("wrongKey")) }
        metrics.recordThrottled(.signIn)
        var response = loginForm(language, status: .tooManyRequests, error: text("tooManySignIns"))
        response.headers[.retryAfter] = String(retryAfter)
        return response
    }

    @Sendable func logout(_ request: Request, context: AppRequestContext) async throws -> Response {
        let language: String
        do throws(Refusal) {
            language = try await check(request, context, roles: Self.signInRoles).language
        } catch {
            return error.response
        }
        if let id = guardian.sessionID(request) {
            do {
                try await guardian.sessions.endSession(idHash: id.hash, at: Date())
            } catch {
                return unavailable(context, error, language)
            }
        }
        var response = Self.redirect("/admin/login?lang=\(language)")
        response.headers[values: .setCookie].append(guardian.clearedSessionCookie())
        return response
    }

    // MARK: - The dashboard

    @Sendable func dashboard(_ request: Request, context: AppRequestContext) async throws -> Response {
        let language = Self.language(request)
        let session: AdminSession
        do { session = try await pageSession(request, context, language) } catch { return error.response }
        if session.role == .issuer { return Self.redirect(StaffConsole.home(language)) }
        return await renderDashboard(session, language, context, status: .ok)
    }

    /// The dashboard as the session's role sees it, with a message or the improvement-action form
    /// as it was sent, when a change was refused.
    private func renderDashboard(
        _ session: AdminSession, _ language: String, _ context: AppRequestContext, status: HTTPResponse.Status, notice: String? = nil,
        form: AdminPages.ActionForm? = nil
    ) async -> Response {
        do {
            let statistics = try await operations.invitationStatistics(at: Date())
            let actions = try await operations.actions()
            var cases: [FollowUpCase] = [], resolved: [FollowUpCase] = []
            if session.role == .admin {
                cases = try await operations.cases(status: .open, limit: 500) + operations.cases(status: .contacted, limit: 500)
                resolved = try await operations.resolvedCases(limit: AdminPages.resolvedShown)
            }
            return pages.dashboard(
                session: session, language: language, statistics: statistics, actions: actions, cases: cases, resolved: resolved, notice: notice,
                form: form, today: CalendarDay(Date(), in: timeZone), now: Date(), status: status)
        } catch {
            return unavailable(context, error, language)
        }
    }

    // MARK: - Follow-up cases

    @Sendable func updateCase(_ request: Request, context: AppRequestContext) async throws -> Response {
        let allowed: Allowed
        do throws(Refusal) {
            allowed = try await check(request, context, roles: [.admin])
        } catch {
            return error.response
        }
        let (session, fields, language) = (allowed.session, allowed.fields, allowed.language)
        let text = AdminText(language: language)
        // The queue's form sends the call's outcome (and the status the case showed); a bare
        // status is a move without one.
        var outcome: CaseOutcome?
        if let sent = fields["outcome"]?.last, !sent.isEmpty {
            guard let parsed = CaseOutcome(rawValue: sent) else {
                return await renderDashboard(session, language, context, status: .unprocessableContent, notice: text("caseOutcomeInvalid"))
            }
            outcome = parsed
        }
        let shown = fields["from"]?.last.flatMap(CaseStatus.init(rawValue:)) ?? .open
        let status = fields["status"]?.last.flatMap(CaseStatus.init(rawValue:)) ?? outcome.map { CaseChange.status(for: $0, from: shown) }
        guard let status, status != .open || outcome != nil else {
            return await renderDashboard(session, language, context, status: .unprocessableContent, notice: text("caseStatusInvalid"))
        }
        let note = fields["note"]?.last
        let result: CaseUpdateOutcome
        do {
            result = try await operations.updateCase(
                id: context.parameters.get("id") ?? "", CaseChange(status: status, outcome: outcome, note: note), by: Actor(session.keyName),
                at: Date())
        } catch {
            return unavailable(context, error, language)
        }
        switch result {
        case .updated(let updated): return Self.redirect("/admin?lang=\(language)#case-\(updated.id)")
        case .invalid: return await renderDashboard(session, language, context, status: .unprocessableContent, notice: text("caseNoteTooLong"))
        case .notFound: return await renderDashboard(session, language, context, status: .notFound, notice: text("caseNotFound"))
        case .refused: return await renderDashboard(session, language, context, status: .conflict, notice: text("caseRefused"))
        }
    }

    // MARK: - Improvement actions

    @Sendable func addAction(_ request: Request, context: AppRequestContext) async throws -> Response {
        let allowed: Allowed
        do throws(Refusal) {
            allowed = try await check(request, context, roles: Self.editorRoles)
        } catch {
            return error.response
        }
        let (session, fields, language) = (allowed.session, allowed.fields, allowed.language)
        let text = AdminText(language: language)
        let form = AdminPages.ActionForm(fields)
        var problems = Set<String>()
        let day = CalendarDay(form.startDay.trimmingCharacters(in: .whitespaces))
        if day == nil { problems.insert("startDay") }
        let status = ActionStatus(rawValue: form.status)
        if status == nil { problems.insert("status") }
        let new = NewImprovementAction(
            department: form.department, channel: form.channel.isEmpty ? nil : form.channel, item: form.item, description: form.description,
            ownerRole: form.ownerRole, startDay: day ?? CalendarDay(Date(), in: timeZone), status: status ?? .active)
        problems.formUnion(new.problems(in: configuration).keys)
        guard problems.isEmpty else {
            var invalid = form
            invalid.problems = problems
            return await renderDashboard(session, language, context, status: .unprocessableContent, notice: text("invalid"), form: invalid)
        }
        do {
            // A form sent twice (a double click, a reload) carries the same token: one action.
            let key = fields["idempotency"]?.last.flatMap { AdminSecret(parsing: $0) }?.value
            _ = try await operations.addAction(new, idempotencyKey: key, by: Actor(session.keyName), at: Date())
        } catch StoreError.unknownReference(let kind, _) {
            // Known to the configuration but not to the store (it was removed from it): the same answer.
            var invalid = form
            invalid.problems = [kind]
            return await renderDashboard(session, language, context, status: .unprocessableContent, notice: text("invalid"), form: invalid)
        } catch {
            return unavailable(context, error, language)
        }
        return Self.redirect("/admin?lang=\(language)#actions")
    }

    @Sendable func updateAction(_ request: Request, context: AppRequestContext) async throws -> Response {
        let allowed: Allowed
        do throws(Refusal) {
            allowed = try await check(request, context, roles: Self.editorRoles)
        } catch {
            return error.response
        }
        let (session, fields, language) = (allowed.session, allowed.fields, allowed.language)
        let text = AdminText(language: language)
        let id = context.parameters.get("id") ?? ""
        // The dashboard's buttons send a status; the edit form sends status, description and owner.
        let editing = fields["description"] != nil || fields["ownerRole"] != nil
        let status = fields["status"]?.last.flatMap(ActionStatus.init(rawValue:))
        let change = ActionChange(status: status, description: fields["description"]?.last, ownerRole: fields["ownerRole"]?.last)
        var problems = Set(change.problems(in: configuration).keys)
        if status == nil, fields["status"] != nil || !editing { problems.insert("status") }
        guard problems.isEmpty else {
            guard editing else { return await renderDashboard(session, language, context, status: .unprocessableContent, notice: text("error.status")) }
            var form = AdminPages.ActionForm(fields)
            form.problems = problems
            return await renderActionPage(session, language, context, id: id, form: form, notice: text("invalid"), status: .unprocessableContent)
        }
        let updated: ImprovementAction?
        do {
            updated = try await operations.updateAction(id: id, change, by: Actor(session.keyName), at: Date())
        } catch {
            return unavailable(context, error, language)
        }
        guard updated != nil else { return await renderDashboard(session, language, context, status: .notFound, notice: text("actionNotFound")) }
        return Self.redirect("/admin?lang=\(language)#a-\(id)")
    }

    @Sendable func actionPage(_ request: Request, context: AppRequestContext) async throws -> Response {
        let language = Self.language(request)
        let session: AdminSession
        do { session = try await pageSession(request, context, language) } catch { return error.response }
        guard Self.editorRoles.contains(session.role) else { return pages.message(.roleRefused, language: language, status: .forbidden) }
        return await renderActionPage(session, language, context, id: context.parameters.get("id") ?? "", form: nil, notice: nil, status: .ok)
    }

    private func renderActionPage(
        _ session: AdminSession, _ language: String, _ context: AppRequestContext, id: String, form: AdminPages.ActionForm?, notice: String?,
        status: HTTPResponse.Status
    ) async -> Response {
        do {
            guard let action = try await operations.actions().first(where: { $0.id == id }) else {
                return await renderDashboard(session, language, context, status: .notFound, notice: AdminText(language: language)("actionNotFound"))
            }
            return pages.actionPage(session: session, language: language, action: action, form: form, notice: notice, status: status)
        } catch {
            return unavailable(context, error, language)
        }
    }

    // MARK: - Reports

    @Sendable func reportFile(_ request: Request, context: AppRequestContext) async throws -> Response {
        let language = Self.language(request)
        let session: AdminSession
        do { session = try await pageSession(request, context, language) } catch { return error.response }
        // Issuer keys issue invitations; reports are for the other roles.
        guard session.role != .issuer else { return pages.message(.roleRefused, language: language, status: .forbidden) }
        let outcome = await reports.file(
            period: context.parameters.get("period") ?? "", name: context.parameters.get("file") ?? "",
            calendar: request.uri.queryParameters.get("calendar") ?? "gregorian", role: session.role, actor: session.keyName, logger: context.logger)
        switch outcome {
        case .file(let response): return response
        case .invalidCalendar, .invalidPeriod, .unknownFile, .noData: return pages.message(.reportNotFound, language: language, status: .notFound)
        case .notClosed: return pages.message(.reportNotClosed, language: language, status: .conflict)
        case .pending:
            var response = pages.message(.reportPending, language: language, status: .serviceUnavailable)
            response.headers[.retryAfter] = String(ReportFiles.retryAfterSeconds)
            return response
        case .forbidden: return pages.message(.boardOnly, language: language, status: .forbidden)
        case .notRead, .notRecorded: return pages.message(.unavailable, language: language, status: .serviceUnavailable)
        }
    }

    // MARK: - Checks shared by every form

    /// A form that passed the checks: its session, its fields, the page language.
    struct Allowed {
        var session: AdminSession
        var fields: [String: [String]]
        var language: String
    }

    /// The answer to a form that did not pass them.
    struct Refusal: Error {
        var response: Response
    }

    /// What every form of a session passes before anything changes: sent from this site, a valid
    /// session, its CSRF token, a role allowed to do this. Any failure refuses with nothing changed.
    func check(_ request: Request, _ context: AppRequestContext, roles: Set<Role>) async throws(Refusal) -> Allowed {
        let language = Self.language(request)
        guard !guardian.isCrossSite(request) else { throw Refusal(response: pages.message(.crossSite, language: language, status: .forbidden)) }
        let fields: [String: [String]]
        switch await readForm(request, language: language) {
        case .fields(let read): fields = read
        case .refused(let response): throw Refusal(response: response)
        }
        let session: AdminSession?
        do {
            session = try await guardian.session(request)
        } catch {
            throw Refusal(response: unavailable(context, error, language))
        }
        guard let session else {
            var response = pages.message(.signedOut, language: language, status: .forbidden)
            if guardian.sessionID(request) != nil { response.headers[values: .setCookie].append(guardian.clearedSessionCookie()) }
            throw Refusal(response: response)
        }
        guard let token = fields["csrf"]?.last, AdminSecret.matches(token, session.csrf) else {
            throw Refusal(response: pages.message(.badToken, language: language, status: .forbidden))
        }
        guard roles.contains(session.role) else { throw Refusal(response: pages.message(.roleRefused, language: language, status: .forbidden)) }
        return Allowed(session: session, fields: fields, language: language)
    }

    enum FormRead {
        case fields([String: [String]])
        case refused(Response)
    }

    private func readForm(_ request: Request, language: String) async -> FormRead {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Self.maximumBody)
        } catch {
            return .refused(pages.message(.tooLarge, language: language, status: .contentTooLarge))
        }
        guard let fields = FormDecoding.decode(body.readableBytesView) else {
            return .refused(pages.message(.badForm, language: language, status: .badRequest))
        }
        guard fields.count <= Self.maximumFields else { return .refused(pages.message(.tooLarge, language: language, status: .contentTooLarge)) }
        return .fields(fields)
    }

    // MARK: - Shared answers

    /// A page asked for without a valid session: to the sign-in page, and a stale cookie removed.
    /// The session a page is shown to; refused with the way to sign in, or 503 when the store
    /// cannot answer.
    func pageSession(_ request: Request, _ context: AppRequestContext, _ language: String) async throws(Refusal) -> AdminSession {
        let session: AdminSession?
        do {
            session = try await guardian.session(request)
        } catch {
            throw Refusal(response: unavailable(context, error, language))
        }
        guard let session else { throw Refusal(response: signInFirst(request, language)) }
        return session
    }

    private func signInFirst(_ request: Request, _ language: String) -> Response {
        var response = Self.redirect("/admin/login?lang=\(language)")
        if guardian.sessionID(request) != nil { response.headers[values: .setCookie].append(guardian.clearedSessionCookie()) }
        return response
    }

    private func unavailable(_ context: AppRequestContext, _ error: any Error, _ language: String) -> Response {
        context.logger.error("admin area: store failed", metadata: ["error": "\(String(describing: type(of: error)))"])
        return pages.message(.unavailable, language: language, status: .serviceUnavailable)
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    /// `?lang=ar|en`, else the first of them `Accept-Language` prefers, else Arabic.
    static func language(_ request: Request) -> String {
        if let asked = request.uri.queryParameters.get("lang"), AdminText.languages.contains(asked) { return asked }
        if let preferred = AcceptLanguage.preferred(request.headers[.acceptLanguage], among: AdminText.languages) { return preferred }
        return AdminText.defaultLanguage
    }
}
