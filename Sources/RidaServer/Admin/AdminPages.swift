import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RidaCore
import RidaReports

/// The admin area's pages: the models the templates in `Templates/admin/` render. Every text from
/// people or from the configuration goes into element content, escaped per Unicode scalar by the
/// templates' content type; attributes hold only the area's own values (ids, codes, tokens), and
/// a person's own entry echoed back into the form they are correcting.
struct AdminPages {
    let configuration: SeedConfiguration
    let templates: TemplateLibrary
    let timeZone: TimeZone

    static let templateNames = ["admin/login", "admin/dashboard", "admin/message", "admin/style", "admin/top", "admin/cases", "admin/history", "admin/owner", "admin/action"]
    /// Resolved cases the queue lists with their history, the latest first.
    static let resolvedShown = 20
    /// Months of reports the dashboard links to, the last closed one first.
    static let reportMonths = 3
    /// In the order the dashboard lists them.
    static let reportFiles = [
        "board.ar.html", "board.en.html", "review.ar.html", "review.en.html", "aggregates.csv", "comments.csv", "responses.csv", "manifest.json",
    ]

    /// A page that says why something was refused or failed, and where to go next.
    enum Message {
        case crossSite, badToken, signedOut, roleRefused, boardOnly, reportNotFound, reportNotClosed, reportPending, unavailable, tooLarge, badForm

        var keys: (title: String, body: String, link: (href: String, label: String)) {
            switch self {
            case .crossSite: ("refusedTitle", "crossSite", ("/admin", "toDashboard"))
            case .badToken: ("refusedTitle", "badToken", ("/admin", "toDashboard"))
            case .signedOut: ("refusedTitle", "signedOut", ("/admin/login", "toLogin"))
            case .roleRefused: ("refusedTitle", "roleRefused", ("/admin", "toDashboard"))
            case .boardOnly: ("refusedTitle", "boardOnly", ("/admin", "toDashboard"))
            case .reportNotFound: ("notFoundTitle", "reportNotFound", ("/admin", "toDashboard"))
            case .reportNotClosed: ("notFoundTitle", "reportNotClosed", ("/admin", "toDashboard"))
            case .reportPending: ("unavailableTitle", "reportPending", ("/admin", "toDashboard"))
            case .unavailable: ("unavailableTitle", "unavailable", ("/admin", "toDashboard"))
            case .tooLarge: ("refusedTitle", "tooLarge", ("/admin", "toDashboard"))
            case .badForm: ("refusedTitle", "badForm", ("/admin", "toDashboard"))
            }
        }
    }

    /// The improvement-action form as it was sent, and which of its fields were refused.
    struct ActionForm {
        var department = ""
        var channel = ""
        var item = ""
        var description = ""
        var ownerRole = ""
        var startDay = ""
        var status = ActionStatus.active.rawValue
        /// The form's own random token: a second POST of the same form registers nothing.
        var idempotency = AdminSecret.generate().value
        var problems: Set<String> = []

        init() {}

        init(_ fields: [String: [String]]) {
            func value(_ name: String) -> String { fields[name]?.last ?? "" }
            department = value("department")
            channel = value("channel")
            item = value("item")
            description = value("description")
            ownerRole = value("ownerRole")
            startDay = value("startDay")
            status = fields["status"]?.last ?? ActionStatus.active.rawValue
            // Kept when the form comes back with errors: correcting it and sending it again is one registration.
            if let token = fields["idempotency"]?.last, AdminSecret(parsing: token) != nil { idempotency = token }
        }
    }

    // MARK: - Pages

    func login(language: String, token: String, error: String?, status: HTTPResponse.Status) -> Response {
        let text = AdminText(language: language)
        var model = common(text, title: text("loginTitle"))
        model["loginToken"] = token
        model["error"] = Self.text(error)
        return html(templates.render(model, template: "admin/login"), status: status)
    }

    func message(_ message: Message, language: String, status: HTTPResponse.Status) -> Response {
        let text = AdminText(language: language)
        let keys = message.keys
        var model = common(text, title: text(keys.title))
        model["body"] = text(keys.body)
        model["linkHref"] = "\(keys.link.href)?lang=\(text.language)"
        model["linkLabel"] = text(keys.link.label)
        return html(templates.render(model, template: "admin/message"), status: status)
    }

    func dashboard(
        session: AdminSession, language: String, statistics: InvitationStatistics, actions: [ImprovementAction], cases: [FollowUpCase],
        resolved: [FollowUpCase] = [], notice: String?, form: ActionForm?, today: CalendarDay, now: Date, status: HTTPResponse.Status
    ) -> Response {
        let text = AdminText(language: language)
        let canEdit = AdminController.editorRoles.contains(session.role)
        var model = common(text, title: text("dashboardTitle"))
        model["signedIn"] = true
        model["keyName"] = session.keyName
        model["roleName"] = text("role.\(session.role.rawValue)")
        // An admin issues links too: the staff console is one link away.
        if session.role == .admin { model["console"] = ["href": "/admin/console?lang=\(language)", "label": text("openConsole")] }
        model["pointsLink"] = ["href": "/admin/points?lang=\(language)", "label": PointText.text("pointsLink", language)]
        model["csrf"] = session.csrf
        model["notice"] = Self.text(notice)
        model["statistics"] = statisticsModel(statistics)
        model["reports"] = reportsModel(role: session.role, today: today, text)
        model["actions"] = actions.map { actionModel($0, canEdit: canEdit, text) }
        model["hasActions"] = !actions.isEmpty
        model["canEdit"] = canEdit
        if canEdit {
            var entry = form ?? ActionForm()
            if form == nil { entry.startDay = today.description }
            model["form"] = formModel(entry, text)
        }
        model["showCases"] = session.role == .admin
        model["cases"] = cases.map { caseModel($0, now: now, text) }
        model["hasCases"] = !cases.isEmpty
        let overdue = cases.filter { $0.isOverdue(at: now) }.count
        model["caseCounts"] = text("caseCounts", ["count": String(cases.count), "overdue": String(overdue)])
        model["resolved"] = resolved.map { caseModel($0, now: now, text) }
        model["hasResolved"] = !resolved.isEmpty
        model["zone"] = zoneLabel(now)
        return html(templates.render(model, template: "admin/dashboard"), status: status)
    }

    /// The form that edits one improvement action: its status, description and owner.
    func actionPage(
        session: AdminSession, language: String, action: ImprovementAction, form: ActionForm?, notice: String?, status: HTTPResponse.Status
    ) -> Response {
        let text = AdminText(language: language)
        var model = common(text, title: text("editAction"))
        model["signedIn"] = true
        model["keyName"] = session.keyName
        model["roleName"] = text("role.\(session.role.rawValue)")
        model["csrf"] = session.csrf
        model["notice"] = Self.text(notice)
        var entry = form ?? ActionForm()
        if form == nil {
            entry.description = action.description
            entry.ownerRole = action.ownerRole
            entry.status = action.status.rawValue
        }
        var shown = actionModel(action, canEdit: true, text)
        shown["form"] = formModel(entry, text)
        model["action"] = shown
        return html(templates.render(model, template: "admin/action"), status: status)
    }

    // MARK: - Parts

    /// What every page has: language, direction, the words, the language switcher.
    private func common(_ text: AdminText, title: String) -> [String: Any] {
        let languages: [[String: Any]] = AdminText.languages.map { code in
            [
                "code": code, "name": AdminText.languageNames[code] ?? code, "dir": AdminText(language: code).direction,
                "current": code == text.language,
            ]
        }
        return ["lang": text.language, "dir": text.direction, "t": text.all, "title": title, "languages": languages]
    }

    private func statisticsModel(_ statistics: InvitationStatistics) -> [String: Any] {
        let rate = statistics.issued > 0 ? String(format: "%.1f%%", Double(statistics.answered) / Double(statistics.issued) * 100) : "—"
        return [
            "issued": String(statistics.issued), "answered": String(statistics.answered), "open": String(statistics.open),
            "expired": String(statistics.expired), "revoked": String(statistics.revoked), "rate": rate,
        ]
    }

    /// Links to the files of the last closed months that this role may open.
    private func reportsModel(role: Role, today: CalendarDay, _ text: AdminText) -> [[String: Any]] {
        var year = today.year, month = today.month
        var months: [[String: Any]] = []
        for _ in 0..<Self.reportMonths {
            month -= 1
            if month == 0 { (year, month) = (year - 1, 12) }
            let label = String(format: "%04d-%02d", year, month)
            let files: [[String: Any]] = Self.reportFiles.filter { ReportFiles.names.contains($0) && ReportFiles.allows(role, $0) }.map { name in
                ["href": "/admin/reports/\(label)/\(name)", "label": text("file.\(name)")]
            }
            months.append(["month": label, "files": files])
        }
        return months
    }

    private func actionModel(_ action: ImprovementAction, canEdit: Bool, _ text: AdminText) -> [String: Any] {
        let others: [[String: Any]] = ActionStatus.allCases.filter { $0 != action.status }.map {
            ["value": $0.rawValue, "label": text("action.\($0.rawValue)")]
        }
        return [
            "id": action.id, "department": departmentName(action.department, text.language),
            "channel": action.channel.map { channelName($0, text.language) } ?? text("allChannels"),
            "item": itemName(action.item, text.language), "description": action.description, "ownerRole": ownerName(action.ownerRole, text.language),
            "startDay": action.startDay, "status": text("action.\(action.status.rawValue)"), "canEdit": canEdit, "others": others,
        ]
    }

    private func formModel(_ form: ActionForm, _ text: AdminText) -> [String: Any] {
        let language = text.language
        let departments: [[String: Any]] = configuration.departments.map {
            ["id": $0.id, "name": $0.names.text(in: language), "selected": $0.id == form.department]
        }
        let channels: [[String: Any]] = configuration.channels.map {
            ["id": $0.id, "name": $0.names.text(in: language), "selected": $0.id == form.channel]
        }
        let items: [[String: Any]] = ratedItems().map { ["id": $0.id, "name": $0.text.text(in: language), "selected": $0.id == form.item] }
        let statuses: [[String: Any]] = ActionStatus.allCases.map {
            ["id": $0.rawValue, "name": text("action.\($0.rawValue)"), "selected": $0.rawValue == form.status]
        }
        var owners: [[String: Any]] = configuration.owners.map {
            ["id": $0.id, "name": $0.names.text(in: language), "selected": $0.id == form.ownerRole]
        }
        // An owner entered before owners came from a list stays selectable as it is, until changed.
        if !form.ownerRole.isEmpty, !configuration.owners.contains(where: { $0.id == form.ownerRole }) {
            owners.insert(["id": form.ownerRole, "name": form.ownerRole, "selected": true], at: 0)
        }
        var model: [String: Any] = [
            "departments": departments, "channels": channels, "allChannelsSelected": form.channel.isEmpty, "items": items, "statuses": statuses,
            "description": form.description, "owners": owners, "startDay": form.startDay, "idempotency": form.idempotency,
        ]
        for field in ["department", "channel", "item", "description", "ownerRole", "startDay", "status"] {
            model["\(field)Error"] = Self.text(form.problems.contains(field) ? text("error.\(field)") : nil)
        }
        return model
    }

    private func caseModel(_ followUp: FollowUpCase, now: Date, _ text: AdminText) -> [String: Any] {
        let language = text.language
        let separator = language == "ar" ? "، " : ", "
        let segment = followUp.segment.map { code in configuration.segments.first { $0.id == code }?.names.text(in: language) ?? code }
        let service = followUp.service.map { code in
            configuration.departments.first { $0.id == followUp.department }?.services.first { $0.id == code }?.names.text(in: language) ?? code
        }
        let overdue = followUp.isOverdue(at: now)
        var model: [String: Any] = [
            "id": followUp.id, "status": text("case.\(followUp.status.rawValue)"), "statusCode": followUp.status.rawValue,
            "isOpen": followUp.status == .open, "isResolved": followUp.status == .resolved,
            "overdue": overdue, "day": followUp.day, "due": instant(followUp.dueAt), "zone": zoneLabel(followUp.dueAt),
            "reasons": followUp.reasons.map { text("reason.\($0.rawValue)") }.joined(separator: separator),
            "department": departmentName(followUp.department, language), "channel": channelName(followUp.channel, language),
            "segment": Self.text(segment), "service": Self.text(service), "locale": AdminText.languageNames[followUp.locale] ?? followUp.locale,
            "phone": Self.text(followUp.phone), "email": Self.text(followUp.email), "comment": Self.text(followUp.comment),
            "scores": scoresModel(followUp.scores, language, text),
            "history": followUp.history.map { historyModel($0, text) }, "hasHistory": !followUp.history.isEmpty,
            "outcomes": CaseOutcome.allCases.map { ["value": $0.rawValue, "label": text("outcome.\($0.rawValue)")] },
        ]
        if overdue { model["overdueBy"] = text("overdueBy", ["time": Self.duration(now.timeIntervalSince(followUp.dueAt), text)]) }
        if let phone = followUp.phone, let href = Self.telHref(phone) { model["tel"] = href }
        if let email = followUp.email, let href = Self.mailtoHref(email) { model["mailto"] = href }
        return model
    }

    /// The scores the beneficiary gave, in the questionnaire's order: the step's short name, the
    /// answer and the top of its scale, or "not applicable".
    private func scoresModel(_ scores: [String: String], _ language: String, _ text: AdminText) -> [[String: Any]] {
        let items = ratedItems()
        let known = items.filter { scores[$0.id] != nil }
        let others = scores.keys.filter { id in !items.contains { $0.id == id } }.sorted()
        func label(_ id: String) -> String {
            let short = text("score.\(id)")
            return short == "score.\(id)" ? (items.first { $0.id == id }?.text.text(in: language) ?? id) : short
        }
        return known.map { item -> [String: Any] in
            let value = scores[item.id] ?? ""
            let shown = value == "na" ? text("notApplicable") : item.scale.map { "\(value) / \($0.max)" } ?? value
            let low = item.scale.flatMap { scale in item.measure?.definition(on: scale).negative }.map { range in Int(value).map { range.contains($0) } ?? false } ?? false
            return ["label": label(item.id), "value": shown, "low": low]
        } + others.map { ["label": label($0), "value": scores[$0] ?? "", "low": false] }
    }

    private func historyModel(_ entry: CaseHistoryEntry, _ text: AdminText) -> [String: Any] {
        let move = entry.previous == entry.status
            ? text("historyStayed", ["status": text("case.\(entry.status.rawValue)")])
            : text("historyMoved", ["from": text("case.\(entry.previous.rawValue)"), "to": text("case.\(entry.status.rawValue)")])
        return [
            "at": instant(entry.at), "zone": zoneLabel(entry.at), "actor": entry.actor, "move": move,
            "outcome": Self.text(entry.outcome.map { text("outcome.\($0.rawValue)") }), "note": Self.text(entry.note),
        ]
    }

    /// "Asia/Riyadh, UTC+3": the organisation's zone and its offset at that instant.
    private func zoneLabel(_ date: Date) -> String {
        let seconds = timeZone.secondsFromGMT(for: date)
        let hours = abs(seconds) / 3600, minutes = abs(seconds) % 3600 / 60
        let offset = seconds == 0 ? "UTC" : "UTC\(seconds < 0 ? "−" : "+")\(hours)" + (minutes == 0 ? "" : String(format: ":%02d", minutes))
        return "\(timeZone.identifier), \(offset)"
    }

    /// How long, in days or hours, in words.
    static func duration(_ seconds: TimeInterval, _ text: AdminText) -> String {
        let hours = max(1, Int(seconds / 3600))
        if hours < 48 { return text(hours == 1 ? "oneHour" : "hours", ["n": String(hours)]) }
        return text("days", ["n": String(hours / 24)])
    }

    /// A `tel:` link from a phone number as the beneficiary typed it: its digits (and a leading
    /// +) only, so nothing else they typed reaches the attribute. Nil when too few digits remain.
    static func telHref(_ phone: String) -> String? {
        var digits = ""
        for character in phone {
            if let value = character.wholeNumberValue, character.isASCII || character.unicodeScalars.count == 1 {
                digits += String(value)
            } else if character == "+", digits.isEmpty {
                digits = "+"
            }
        }
        return digits.filter(\.isNumber).count >= 5 ? "tel:\(digits)" : nil
    }

    /// A `mailto:` link: every character but letters, digits and `@._+-` percent-encoded.
    static func mailtoHref(_ email: String) -> String? {
        var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        allowed.insert(charactersIn: "@._+-")
        guard email.contains("@"), let encoded = email.addingPercentEncoding(withAllowedCharacters: allowed) else { return nil }
        return "mailto:\(encoded)"
    }

    // MARK: - Names from the configuration, in the page's language

    private func departmentName(_ code: String, _ language: String) -> String {
        configuration.departments.first { $0.id == code }?.names.text(in: language) ?? code
    }

    private func channelName(_ code: String, _ language: String) -> String {
        configuration.channels.first { $0.id == code }?.names.text(in: language) ?? code
    }

    /// The rated items an action can name: the current questionnaire's, then older versions' others.
    private func ratedItems() -> [QuestionnaireItem] {
        var seen = Set<String>()
        let current = configuration.currentQuestionnaire().map { [$0] } ?? []
        let ordered = current + configuration.questionnaires.sorted { $0.version > $1.version }
        return ordered.flatMap(\.items).filter { $0.kind == .rating && seen.insert($0.id).inserted }
    }

    private func ownerName(_ id: String, _ language: String) -> String {
        configuration.owners.first { $0.id == id }?.names.text(in: language) ?? id
    }

    private func itemName(_ id: String, _ language: String) -> String {
        ratedItems().first { $0.id == id }?.text.text(in: language) ?? id
    }

    /// An instant as the organisation reads it: `YYYY-MM-DD HH:MM` in its time zone.
    private func instant(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0)
    }

    /// A text, or false for the templates' sections when there is none.
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
