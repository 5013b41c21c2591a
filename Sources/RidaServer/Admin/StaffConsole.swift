import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import RidaCore
import RidaQRCode
import RidaReports
import RidaStats

/// The staff console of the admin area, for keys of role `issuer` (and `admin`), limited to the
/// departments the key may issue for:
/// - `GET /admin/console`: the forms, what this key issued today, the 30-day response rates;
/// - `POST /admin/console/issue`: one link, shown with its QR code;
/// - `POST /admin/console/upload`: the day's CSV, one link per row (the errors of `rida issue --from-csv`);
/// - `POST /admin/console/slip`, `/sheet`, `/links.csv`: print or download links already issued,
///   which the page sends back in the form's body.
/// A link is a beneficiary's secret: it travels only in response and form bodies — never in a URL
/// of the admin area, never in a log — and every page is `Cache-Control: no-store`.
struct StaffConsole {
    static let templateNames = ["admin/console", "admin/console-style", "admin/slip"]
    static let roles: Set<Role> = [.issuer, .admin]
    /// Rows of one upload; the form's body limit (64 KiB) holds about as many.
    static let uploadRowLimit = 1000
    /// Days of the response rate.
    static let rateDays = 30
    static let sizes = ["receipt", "a6"]

    static func home(_ language: String) -> String { "/admin/console?lang=\(language)" }

    let admin: AdminController
    let issuer: InvitationIssuer
    let ledger: (any IssuerLedger)?
    let survey: any SurveyStore
    let keys: any APIKeyStore
    let cells: any CellReader
    let metrics: ServerMetrics

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("admin/console", use: page)
        routes.post("admin/console/issue", use: issueOne)
        routes.post("admin/console/upload", use: upload)
        routes.post("admin/console/slip", use: slip)
        routes.post("admin/console/sheet", use: sheet)
        routes.post("admin/console/links.csv", use: linksCSV)
        return routes
    }

    var pages: ConsolePages {
        ConsolePages(configuration: admin.configuration, templates: admin.templates, timeZone: admin.timeZone, questionnaire: issuer.configuration.currentQuestionnaire())
    }

    /// Who is at the desk: the session and the key's departments.
    struct Desk {
        var session: AdminSession
        var departments: [String]
        var language: String

        func mayIssue(for department: String) -> Bool { departments.isEmpty || departments.contains(department) }
    }

    // MARK: - Pages

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let language = AdminController.language(request)
        let session: AdminSession?
        do {
            session = try await admin.guardian.session(request)
        } catch {
            return unavailable(context, error, language)
        }
        guard let session else {
            var response = AdminController.redirect("/admin/login?lang=\(language)")
            if admin.guardian.sessionID(request) != nil { response.headers[values: .setCookie].append(admin.guardian.clearedSessionCookie()) }
            return response
        }
        guard Self.roles.contains(session.role) else { return admin.pages.message(.roleRefused, language: language, status: .forbidden) }
        let desk: Desk
        do { desk = try await self.desk(session, language) } catch { return unavailable(context, error, language) }
        return await render(desk, context, status: .ok)
    }

    @Sendable func issueOne(_ request: Request, context: AppRequestContext) async throws -> Response {
        let checked: (desk: Desk, fields: [String: [String]])
        do { checked = try await allowed(request, context) } catch { return error.response }
        let (desk, fields) = checked
        func value(_ name: String) -> String? { fields[name]?.last.flatMap { $0.isEmpty ? nil : $0 } }
        var form = ConsolePages.IssueForm(
            department: value("department") ?? "", channel: value("channel") ?? "", segment: value("segment"), service: value("service"),
            locale: value("locale"))
        let issue = IssueRequest(
            department: form.department, channel: form.channel, segment: form.segment, service: form.service, locale: form.locale, count: 1)
        do {
            _ = try issuer.validate(issue)
        } catch {
            form.problem = error.field
            return await render(desk, context, status: .unprocessableContent, notice: ConsoleText.text("issueInvalid", desk.language), form: form)
        }
        guard desk.mayIssue(for: issue.department) else {
            return await render(desk, context, status: .forbidden, notice: ConsoleText.text("departmentRefused", desk.language), form: form)
        }
        let issued: [IssuedInvitation]
        do {
            issued = try await issueRequests([issue], desk)
        } catch {
            return unavailable(context, error, desk.language)
        }
        metrics.recordInvitationsIssued(issued.count)
        context.logger.info("invitation issued at the console", metadata: ["key": "\(desk.session.keyName)", "department": "\(issue.department)"])
        return await render(desk, context, status: .ok, form: form, result: .one(issued[0], locale: issue.locale ?? admin.configuration.defaultLanguage))
    }

    @Sendable func upload(_ request: Request, context: AppRequestContext) async throws -> Response {
        let checked: (desk: Desk, fields: [String: [String]])
        do { checked = try await allowed(request, context) } catch { return error.response }
        let (desk, fields) = checked
        let text = fields["csv"]?.last ?? ""
        let csv = text.replacingOccurrences(of: "\r\n", with: "\n")
        let rows: [BulkIssueCSV.Row]
        switch BulkIssueCSV.read(csv, issuer: issuer, allowed: desk.mayIssue(for:), rowLimit: Self.uploadRowLimit) {
        case .success(let read): rows = read
        case .failure(.unreadable):
            return await render(desk, context, status: .unprocessableContent, result: .errors([], unreadable: true), csv: text)
        case .failure(.invalid(let issues)):
            return await render(desk, context, status: .unprocessableContent, result: .errors(issues, unreadable: false), csv: text)
        }
        guard !rows.isEmpty else {
            return await render(desk, context, status: .unprocessableContent, notice: ConsoleText.text("uploadEmpty", desk.language), csv: text)
        }
        let issued: [IssuedInvitation]
        do {
            issued = try await issueRequests(rows.map(\.request), desk)
        } catch IssueError.duplicateReferences(let positions) {
            let issues = positions.map { ImportIssue(line: rows[$0].line, column: "reference", message: "already issued") }
            return await render(desk, context, status: .conflict, result: .errors(issues, unreadable: false), csv: text)
        } catch {
            return unavailable(context, error, desk.language)
        }
        metrics.recordInvitationsIssued(issued.count)
        context.logger.info("invitations issued from a file at the console", metadata: ["key": "\(desk.session.keyName)", "count": "\(issued.count)"])
        let batch = zip(rows, issued).map { ConsolePages.Issued(line: $0.line, invitation: $1, unit: ServiceUnit(department: $0.request.department, channel: $0.request.channel), locale: $0.request.locale ?? admin.configuration.defaultLanguage) }
        return await render(desk, context, status: .ok, result: .batch(batch))
    }

    /// One slip, 80 mm receipt or A6, for a link the console showed.
    @Sendable func slip(_ request: Request, context: AppRequestContext) async throws -> Response {
        let checked: (desk: Desk, fields: [String: [String]])
        do { checked = try await allowed(request, context) } catch { return error.response }
        let (desk, fields) = checked
        let size = fields["size"]?.last.flatMap { Self.sizes.contains($0) ? $0 : nil } ?? "receipt"
        let found: [ConsolePages.Issued]
        do { found = try await openLinks(fields["token"]?.last ?? "", desk) } catch { return unavailable(context, error, desk.language) }
        guard found.count == 1 else { return pages.linksGone(desk.language) }
        return pages.slips(found, size: size, language: desk.language)
    }

    /// A4 sheets of slips for the links of an upload.
    @Sendable func sheet(_ request: Request, context: AppRequestContext) async throws -> Response {
        let checked: (desk: Desk, fields: [String: [String]])
        do { checked = try await allowed(request, context) } catch { return error.response }
        let (desk, fields) = checked
        let found: [ConsolePages.Issued]
        do { found = try await openLinks(fields["batch"]?.last ?? "", desk) } catch { return unavailable(context, error, desk.language) }
        guard !found.isEmpty else { return pages.linksGone(desk.language) }
        return pages.slips(found, size: "sheet", language: desk.language)
    }

    /// The links of an upload as CSV: `line,token,url,expiresAt`, as `rida issue --from-csv --format csv` writes them.
    @Sendable func linksCSV(_ request: Request, context: AppRequestContext) async throws -> Response {
        let checked: (desk: Desk, fields: [String: [String]])
        do { checked = try await allowed(request, context) } catch { return error.response }
        let (desk, fields) = checked
        let found: [ConsolePages.Issued]
        do { found = try await openLinks(fields["batch"]?.last ?? "", desk) } catch { return unavailable(context, error, desk.language) }
        guard !found.isEmpty else { return pages.linksGone(desk.language) }
        var output = ""
        let formatter = ISO8601DateFormatter()
        let writer = try CSVWriter { output += $0 }
        try writer.header(["line", "token", "url", "expiresAt"])
        for link in found {
            try writer.row([
                .integer(link.line), .text(link.invitation.token.value), .text(link.invitation.url.absoluteString),
                .text(formatter.string(from: link.invitation.expiresAt)),
            ])
        }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"links.csv\"", .cacheControl: "no-store",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: output)))
    }

    // MARK: - Parts

    private func issueRequests(_ requests: [IssueRequest], _ desk: Desk) async throws -> [IssuedInvitation] {
        if let ledger { return try await issuer.issue(requests, by: desk.session.keyName, ledger: ledger) }
        return try await issuer.issue(requests)
    }

    /// The links sent back by a form (`LINE:TOKEN` or `TOKEN`, separated by spaces), each still
    /// open and of a department the key may issue for; empty when any one is not.
    private func openLinks(_ text: String, _ desk: Desk) async throws -> [ConsolePages.Issued] {
        let entries = text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\r" || $0 == "," })
        guard !entries.isEmpty, entries.count <= Self.uploadRowLimit else { return [] }
        var found: [ConsolePages.Issued] = []
        for entry in entries {
            let parts = entry.split(separator: ":", maxSplits: 1)
            let line = parts.count == 2 ? Int(parts[0]) : nil
            guard let token = InvitationToken(parsing: String(parts.last ?? "")),
                let details = try await survey.invitation(tokenHash: token.hash, at: Date()), details.state == .open, let unit = details.unit,
                desk.mayIssue(for: unit.department)
            else { return [] }
            found.append(
                ConsolePages.Issued(
                    line: line ?? 0, invitation: IssuedInvitation(token: token, url: issuer.link(for: token), expiresAt: details.expiresAt), unit: unit,
                    locale: details.locale))
        }
        return found
    }

    /// What every form of the console passes: the admin area's checks (same site, session, CSRF
    /// token), a role that issues, and the key's departments.
    private func allowed(_ request: Request, _ context: AppRequestContext) async throws(AdminController.Refusal) -> (Desk, [String: [String]]) {
        let checked = try await admin.check(request, context, roles: Self.roles)
        do {
            return (try await desk(checked.session, checked.language), checked.fields)
        } catch {
            throw AdminController.Refusal(response: unavailable(context, error, checked.language))
        }
    }

    private func desk(_ session: AdminSession, _ language: String) async throws -> Desk {
        // The session names its key; its departments are the key's, as stored with it.
        let key = try await keys.listKeys().first { $0.name == session.keyName && $0.revokedAt == nil }
        return Desk(session: session, departments: key?.departments ?? [""], language: language)
    }

    private func render(
        _ desk: Desk, _ context: AppRequestContext, status: HTTPResponse.Status, notice: String? = nil, form: ConsolePages.IssueForm? = nil,
        result: ConsolePages.Result? = nil, csv: String? = nil
    ) async -> Response {
        let today = CalendarDay(Date(), in: admin.timeZone)
        do {
            let counts = try await ledger?.issuedCounts(by: desk.session.keyName, on: today) ?? []
            let rates = try await cells.invitationCells(from: today.adding(days: 1 - Self.rateDays), to: today, grain: .departmentChannel)
                .filter { desk.mayIssue(for: $0.department) }
            return pages.console(
                desk: desk, counts: counts, rates: rates, notice: notice, form: form, result: result, csv: csv, status: status)
        } catch {
            return unavailable(context, error, desk.language)
        }
    }

    private func unavailable(_ context: AppRequestContext, _ error: any Error, _ language: String) -> Response {
        context.logger.error("staff console: store failed", metadata: ["error": "\(String(describing: type(of: error)))"])
        return admin.pages.message(.unavailable, language: language, status: .serviceUnavailable)
    }
}
