import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RidaCore
import RidaQRCode
import RidaReports
import RidaStats

/// The staff console's pages: the models `Templates/admin/console.mustache` and
/// `Templates/admin/slip.mustache` render. Texts from the configuration go into element content;
/// attributes hold codes, the session's token and the links the page itself issued.
struct ConsolePages {
    let configuration: SeedConfiguration
    let templates: TemplateLibrary
    let timeZone: TimeZone
    let questionnaire: Questionnaire?

    /// The form for one link, as sent, and the field refused.
    struct IssueForm {
        var department = ""
        var channel = ""
        var segment: String?
        var service: String?
        var locale: String?
        var problem: String?
    }

    /// A link issued here, with what its slip needs.
    struct Issued {
        var line: Int
        var invitation: IssuedInvitation
        var unit: ServiceUnit
        var locale: String
    }

    enum Result {
        case one(IssuedInvitation, locale: String)
        case batch([Issued])
        case errors([ImportIssue], unreadable: Bool)
    }

    // MARK: - Pages

    func console(
        desk: StaffConsole.Desk, counts: [IssuedCount], rates: [InvitationCell], notice: String?, form: IssueForm?, result: Result?, csv: String?,
        status: HTTPResponse.Status
    ) -> Response {
        let language = desk.language
        // A page answering a form offers no language links: they would ask the form's address again.
        var model = common(language, title: ConsoleText.text("consoleTitle", language), switcher: result == nil && form == nil && csv == nil)
        model["signedIn"] = true
        model["keyName"] = desk.session.keyName
        model["roleName"] = ConsoleText.text("role.\(desk.session.role.rawValue)", language)
        model["csrf"] = desk.session.csrf
        model["isAdmin"] = desk.session.role == .admin
        model["pointsLink"] = ["href": "/admin/points?lang=\(language)", "label": PointText.text("pointsLink", language)]
        model["notice"] = Self.text(notice)
        model["scope"] =
            desk.departments.isEmpty
            ? ConsoleText.text("allDepartments", language)
            : desk.departments.map { departmentName($0, language) }.joined(separator: language == "ar" ? "، " : ", ")
        model["form"] = formModel(form ?? IssueForm(), desk)
        model["csv"] = csv ?? ""
        switch result {
        case .one(let invitation, let locale):
            model["one"] = ([
                "url": invitation.url.absoluteString, "token": invitation.token.value, "qr": Self.qr(invitation.url, scale: 6),
                "expires": SlipText.date(invitation.expiresAt, language: language, timeZone: timeZone),
                "languageName": configuration.language(locale)?.name ?? locale,
            ] as [String: Any])
        case .batch(let links):
            model["batch"] = ([
                "rows": links.map { link -> [String: Any] in
                    [
                        "line": String(link.line), "department": departmentName(link.unit.department, language),
                        "channel": channelName(link.unit.channel, language), "url": link.invitation.url.absoluteString,
                    ]
                },
                "count": String(links.count),
                "value": links.map { "\($0.line):\($0.invitation.token.value)" }.joined(separator: " "),
                "expires": links.first.map { SlipText.date($0.invitation.expiresAt, language: language, timeZone: timeZone) } ?? "",
            ] as [String: Any])
        case .errors(let issues, let unreadable):
            model["uploadErrors"] = ["unreadable": unreadable, "issues": issues.map(\.description), "hasIssues": !issues.isEmpty] as [String: Any]
        case nil: break
        }
        let total = counts.reduce(0) { $0 + $1.count }
        model["today"] = counts.map { count -> [String: String] in
            ["department": departmentName(count.department, language), "channel": channelName(count.channel, language), "count": String(count.count)]
        }
        model["hasToday"] = !counts.isEmpty
        model["todayTotal"] = String(total)
        model["rates"] = rateModel(rates, desk, language)
        return html(templates.render(model, template: "admin/console"), status: status)
    }

    /// Slips to print: one receipt (80 mm) or A6 slip, or A4 sheets of them (`size` "sheet").
    func slips(_ links: [Issued], size: String, language: String) -> Response {
        var model = common(language, title: ConsoleText.text(size == "sheet" ? "printSheet" : size == "a6" ? "printA6" : "printReceipt", language), switcher: false)
        model["size"] = size
        model["slips"] = links.map { link -> [String: Any] in
            let text = SlipText(language: link.locale, configuration: configuration, expiresAt: link.invitation.expiresAt, timeZone: timeZone)
            var slip: [String: Any] = [
                "lang": text.language, "dir": text.direction, "invitation": text.invitation, "expiry": text.expiry,
                "url": link.invitation.url.absoluteString, "qr": Self.qr(link.invitation.url, scale: size == "sheet" ? 4 : 8),
            ]
            // The sender named, so that the code does not look like anyone's.
            if let organisation = configuration.organisation { slip["organisation"] = organisation.names.text(in: text.language) }
            slip["english"] = text.english.map { ["invitation": $0.invitation, "expiry": $0.expiry] } ?? false
            return slip
        }
        return html(templates.render(model, template: "admin/slip"), status: .ok)
    }

    func linksGone(_ language: String) -> Response {
        var model = common(language, title: ConsoleText.text("refusedTitle", language), switcher: false)
        model["body"] = ConsoleText.text("linksGone", language)
        model["linkHref"] = StaffConsole.home(language)
        model["linkLabel"] = ConsoleText.text("backToConsole", language)
        return html(templates.render(model, template: "admin/message"), status: .notFound)
    }

    // MARK: - Parts

    private func common(_ language: String, title: String, switcher: Bool) -> [String: Any] {
        let text = AdminText(language: language)
        let languages: [[String: Any]] =
            switcher
            ? AdminText.languages.map { code in
                [
                    "code": code, "name": AdminText.languageNames[code] ?? code, "dir": AdminText(language: code).direction,
                    "current": code == text.language,
                ]
            } : []
        return ["lang": text.language, "dir": text.direction, "t": ConsoleText.all(text.language), "title": title, "languages": languages]
    }

    private func formModel(_ form: IssueForm, _ desk: StaffConsole.Desk) -> [String: Any] {
        let language = desk.language
        let departments = configuration.departments.filter { desk.mayIssue(for: $0.id) }
        var model: [String: Any] = [
            "departments": departments.map { Self.option($0.id, $0.names.text(in: language), selected: $0.id == form.department) },
            "channels": configuration.channels.map { Self.option($0.id, $0.names.text(in: language), selected: $0.id == form.channel) },
            "segments": configuration.segments.map { Self.option($0.id, $0.names.text(in: language), selected: $0.id == form.segment) },
            "serviceGroups": departments.map { department -> [String: Any] in
                [
                    "name": department.names.text(in: language),
                    "services": department.services.map {
                        Self.option($0.id, $0.names.text(in: language), selected: $0.id == form.service && department.id == form.department)
                    },
                ]
            },
            // Only languages beneficiaries are offered: a link in another would open in the default.
            "locales": (questionnaire.map { configuration.offeredLanguages(of: $0) } ?? [configuration.defaultLanguage]).map { code -> [String: Any] in
                let known = configuration.language(code)
                return [
                    "code": code, "name": known?.name ?? code,
                    "selected": code == (form.locale ?? configuration.defaultLanguage),
                ]
            },
            "noSegment": form.segment == nil, "noService": form.service == nil,
        ]
        for field in ["department", "channel", "segment", "service", "locale"] {
            model["\(field)Error"] = Self.text(form.problem == field ? ConsoleText.text("error.\(field)", language) : nil)
        }
        return model
    }

    /// Per department the key may issue for: invitations of the last 30 days and the share
    /// answered — the rate only from the display threshold (5 invitations) on.
    private func rateModel(_ cells: [InvitationCell], _ desk: StaffConsole.Desk, _ language: String) -> [[String: Any]] {
        var totals: [String: (issued: Int, answered: Int)] = [:]
        for cell in cells {
            totals[cell.department, default: (0, 0)].issued += cell.issued
            totals[cell.department, default: (0, 0)].answered += cell.answered
        }
        return configuration.departments.filter { desk.mayIssue(for: $0.id) }.map { department -> [String: Any] in
            let (issued, answered) = totals[department.id] ?? (0, 0)
            let shown = SmallNumbersPolicy.quality.classify(issued) != .suppressed
            return [
                "department": department.names.text(in: language), "issued": String(issued),
                "rate": shown ? String(format: "%.0f%%", Double(answered) / Double(issued) * 100) : false,
            ]
        }
    }

    private func departmentName(_ code: String, _ language: String) -> String {
        configuration.departments.first { $0.id == code }?.names.text(in: language) ?? code
    }

    private func channelName(_ code: String, _ language: String) -> String {
        configuration.channels.first { $0.id == code }?.names.text(in: language) ?? code
    }

    /// The link's QR code as a `data:` PNG (the CSP allows `img-src data:`), or false when
    /// libqrencode is not installed.
    static func qr(_ url: URL, scale: Int) -> Any {
        guard let code = try? QRCode(url.absoluteString) else { return false }
        return "data:image/png;base64," + code.png(scale: scale).base64EncodedString()
    }

    private static func option(_ id: String, _ name: String, selected: Bool) -> [String: Any] {
        ["id": id, "name": name, "selected": selected]
    }

    private static func text(_ value: String?) -> Any {
        guard let value, !value.isEmpty else { return false }
        return value
    }

    private func html(_ page: String, status: HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
    }
}
