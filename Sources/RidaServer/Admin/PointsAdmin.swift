import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import RidaCore
import RidaReports

/// Points of service in the admin area:
/// - `GET /admin/points`: every point with its short link, answers today against its usual day
///   and a volume alert; a form to create one (admin keys);
/// - `POST /admin/points`: create; `POST /admin/points/{code}`: deactivate or activate again;
/// - `GET /admin/points/{code}/poster`: the A4 poster to print;
/// - `POST /admin/points/{code}/kiosk`: make this browser the point's kiosk — the staff session
///   ends here (a tablet left at a counter holds no admin session), and signing in again ends
///   kiosk mode.
/// Issuer keys see the points of their departments and may open their kiosks; only admin keys
/// create or deactivate points.
struct PointsAdmin {
    static let templateNames = ["admin/points", "admin/poster"]
    static let viewers: Set<Role> = [.admin, .issuer]
    static let editors: Set<Role> = [.admin]
    /// Languages a poster may carry at most (it stays one A4 page).
    static let posterLanguages = 4

    let admin: AdminController
    let store: any PointStore
    let cookies: PointCookies
    let cells: any CellReader
    let baseURL: URL

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("admin/points", use: page)
        routes.post("admin/points", use: create)
        routes.post("admin/points/:code", use: toggle)
        routes.get("admin/points/:code/poster", use: poster)
        routes.post("admin/points/:code/kiosk", use: openKiosk)
        return routes
    }

    var configuration: SeedConfiguration { admin.configuration }

    func shortLink(_ code: String) -> String {
        var base = baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/p/" + code
    }

    // MARK: - Handlers

    @Sendable func page(_ request: Request, context: AppRequestContext) async throws -> Response {
        let language = AdminController.language(request)
        let session: AdminSession
        do { session = try await admin.pageSession(request, context, language) } catch { return error.response }
        guard Self.viewers.contains(session.role) else { return admin.pages.message(.roleRefused, language: language, status: .forbidden) }
        return await render(session, language, context, status: .ok)
    }

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let allowed: AdminController.Allowed
        do { allowed = try await admin.check(request, context, roles: Self.editors) } catch { return error.response }
        let fields = allowed.fields
        func value(_ name: String) -> String { (fields[name]?.last ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        let languages = (fields["languages"] ?? []).filter { code in configuration.language(code) != nil }
        var form = Form(
            code: value("code").lowercased(), department: value("department"), channel: value("channel"),
            service: value("service").isEmpty ? nil : value("service"), place: String(value("place").prefix(120)),
            languages: languages.isEmpty ? ["ar", "en"] : Array(languages.prefix(Self.posterLanguages)))
        let point = ServicePoint(
            code: form.code, department: form.department, channel: form.channel, service: form.service, place: form.place, languages: form.languages)
        do {
            try await store.createPoint(point, by: Actor(allowed.session.keyName), at: Date())
        } catch let error as PointError {
            switch error {
            case .invalidCode, .duplicateCode: form.problem = "code"
            case .unknownReference(let field, _): form.problem = field
            }
            return await render(allowed.session, allowed.language, context, status: .unprocessableContent, form: form)
        } catch {
            return unavailable(context, error, allowed.language)
        }
        context.logger.info("point created", metadata: ["key": "\(allowed.session.keyName)", "point": "\(point.code)"])
        return AdminController.redirect("/admin/points?lang=\(allowed.language)#point-\(point.code)")
    }

    @Sendable func toggle(_ request: Request, context: AppRequestContext) async throws -> Response {
        let allowed: AdminController.Allowed
        do { allowed = try await admin.check(request, context, roles: Self.editors) } catch { return error.response }
        guard let code = context.parameters.get("code"), ServicePoint.isValidCode(code) else {
            return admin.pages.message(.badForm, language: allowed.language, status: .badRequest)
        }
        let active = allowed.fields["active"]?.last == "1"
        do {
            guard try await store.setPointActive(code: code, active: active, by: Actor(allowed.session.keyName), at: Date()) else {
                return admin.pages.message(.badForm, language: allowed.language, status: .notFound)
            }
        } catch {
            return unavailable(context, error, allowed.language)
        }
        return AdminController.redirect("/admin/points?lang=\(allowed.language)#point-\(code)")
    }

    @Sendable func poster(_ request: Request, context: AppRequestContext) async throws -> Response {
        let language = AdminController.language(request)
        let session: AdminSession
        do { session = try await admin.pageSession(request, context, language) } catch { return error.response }
        guard Self.viewers.contains(session.role) else { return admin.pages.message(.roleRefused, language: language, status: .forbidden) }
        let found: ServicePoint?
        do { found = try await visiblePoints(session).first { $0.code == context.parameters.get("code") } } catch {
            return unavailable(context, error, language)
        }
        guard let point = found else { return admin.pages.message(.badForm, language: language, status: .notFound) }
        let text = AdminText(language: language)
        let link = shortLink(point.code)
        let questionnaire = configuration.currentQuestionnaire()
        let blocks: [[String: Any]] = point.languages.compactMap { code in
            guard let declared = configuration.language(code) else { return nil }
            func message(_ key: MessageKey) -> String { configuration.messages[key.rawValue]?.text(in: code) ?? "" }
            var block: [String: Any] = [
                "lang": code, "dir": declared.direction.rawValue, "call": message(.posterCall), "scan": message(.posterScan),
                "about": about(point, code), "promise": questionnaire?.promise.text(in: code) ?? "",
            ]
            if let organisation = configuration.organisation { block["organisation"] = organisation.names.text(in: code) }
            return block
        }
        let model: [String: Any] = [
            "lang": text.language, "dir": text.direction, "t": PointText.all(language), "title": PointText.text("posterTitle", language),
            "code": point.code, "link": link, "qr": ConsolePages.qr(URL(string: link)!, scale: 10), "blocks": blocks,
            "first": blocks.first ?? [:], "rest": Array(blocks.dropFirst()), "place": point.place.isEmpty ? false : point.place,
        ]
        return html(admin.templates.render(model, template: "admin/poster"), status: .ok)
    }

    @Sendable func openKiosk(_ request: Request, context: AppRequestContext) async throws -> Response {
        let allowed: AdminController.Allowed
        do { allowed = try await admin.check(request, context, roles: Self.viewers) } catch { return error.response }
        let code = context.parameters.get("code") ?? ""
        let points: [ServicePoint]
        do { points = try await visiblePoints(allowed.session) } catch { return unavailable(context, error, allowed.language) }
        guard let point = points.first(where: { $0.code == code }), point.active else {
            return admin.pages.message(.badForm, language: allowed.language, status: .notFound)
        }
        do {
            if let id = admin.guardian.sessionID(request) { try await admin.guardian.sessions.endSession(idHash: id.hash, at: Date()) }
        } catch {
            return unavailable(context, error, allowed.language)
        }
        context.logger.info("kiosk mode opened", metadata: ["key": "\(allowed.session.keyName)", "point": "\(code)"])
        // The form opens in the organisation's default language; the beneficiary switches.
        var response = AdminController.redirect("/k/\(code)")
        response.headers[values: .setCookie].append(admin.guardian.clearedSessionCookie())
        response.headers[values: .setCookie].append(cookies.kiosk(code))
        return response
    }

    // MARK: - Parts

    struct Form {
        var code = ""
        var department = ""
        var channel = ""
        var service: String?
        var place = ""
        var languages = ["ar", "en"]
        var problem: String?
    }

    private func visiblePoints(_ session: AdminSession) async throws -> [ServicePoint] {
        let departments = try await departments(session)
        return try await store.points().filter { departments.isEmpty || departments.contains($0.department) }
    }

    /// The key's departments (empty: every one); a key that cannot be found sees none.
    private func departments(_ session: AdminSession) async throws -> [String] {
        guard session.role == .issuer else { return [] }
        let key = try await admin.keys.listKeys().first { $0.name == session.keyName && $0.revokedAt == nil }
        return key?.departments ?? [""]
    }

    private func about(_ point: ServicePoint, _ language: String) -> String {
        guard let department = configuration.departments.first(where: { $0.id == point.department }) else { return point.department }
        let name = department.names.text(in: language)
        guard let code = point.service, let service = department.services.first(where: { $0.id == code }) else { return name }
        return "\(name) — \(service.names.text(in: language))"
    }

    private func render(
        _ session: AdminSession, _ language: String, _ context: AppRequestContext, status: HTTPResponse.Status, form: Form? = nil
    ) async -> Response {
        let text = AdminText(language: language)
        let today = CalendarDay(Date(), in: admin.timeZone)
        let points: [ServicePoint]
        let days: [PointDay]
        do {
            points = try await visiblePoints(session)
            days = try await store.pointDays(from: today.adding(days: -PointVolume.window), to: today)
        } catch {
            return unavailable(context, error, language)
        }
        var byPoint: [String: [Int: PointDay]] = [:]
        for day in days { byPoint[day.point, default: [:]][day.day.daysSinceEpoch] = day }
        let rows: [[String: Any]] = points.map { point in
            let known = byPoint[point.code] ?? [:]
            let first = known.keys.min() ?? today.daysSinceEpoch
            let history = (first..<today.daysSinceEpoch).map { known[$0]?.answered ?? 0 }
            let volume = PointVolume(today: known[today.daysSinceEpoch]?.answered ?? 0, history: history)
            return [
                "code": point.code, "department": name(point.department, .department, language),
                "channel": name(point.channel, .channel, language), "service": point.service.map { name($0, .service, language) } ?? false,
                "place": point.place.isEmpty ? false : point.place, "link": shortLink(point.code),
                "today": String(volume.today), "opened": String(known[today.daysSinceEpoch]?.opened ?? 0),
                "usual": volume.usual.map { String(format: "%.1f", $0) } ?? "—", "alert": volume.alert, "active": point.active,
                "fromSeeds": point.fromSeeds,
                "languages": point.languages.compactMap { configuration.language($0)?.name }.joined(separator: " · "),
            ]
        }
        let form = form ?? Form()
        let canEdit = Self.editors.contains(session.role)
        var model: [String: Any] = [
            "lang": text.language, "dir": text.direction, "t": PointText.all(language), "title": PointText.text("pointsTitle", language),
            "signedIn": true, "keyName": session.keyName, "roleName": text("role.\(session.role.rawValue)"), "csrf": session.csrf,
            "points": rows, "hasPoints": !rows.isEmpty, "canEdit": canEdit, "alerts": rows.contains { $0["alert"] as? Bool == true },
            "languages": AdminText.languages.map { code in
                [
                    "code": code, "name": AdminText.languageNames[code] ?? code, "dir": AdminText(language: code).direction,
                    "current": code == text.language,
                ] as [String: Any]
            },
        ]
        model["console"] =
            session.role == .issuer
            ? ["href": "/admin/console?lang=\(language)", "label": PointText.text("consoleTitle", language)]
            : ["href": "/admin?lang=\(language)", "label": PointText.text("toAdminDashboard", language)]
        if canEdit {
            model["form"] = formModel(form, language)
        }
        return html(admin.templates.render(model, template: "admin/points"), status: status)
    }

    private func formModel(_ form: Form, _ language: String) -> [String: Any] {
        func option(_ id: String, _ name: String, _ selected: Bool) -> [String: Any] { ["id": id, "name": name, "selected": selected] }
        var model: [String: Any] = [
            "code": form.code, "place": form.place,
            "departments": configuration.departments.map { option($0.id, $0.names.text(in: language), $0.id == form.department) },
            "channels": configuration.channels.map { option($0.id, $0.names.text(in: language), $0.id == form.channel) },
            "serviceGroups": configuration.departments.map { department -> [String: Any] in
                [
                    "name": department.names.text(in: language),
                    "services": department.services.map { option($0.id, $0.names.text(in: language), $0.id == form.service) },
                ]
            },
            "noService": form.service == nil,
            "posterLanguages": configuration.languages.map { declared -> [String: Any] in
                ["code": declared.code, "name": declared.name, "checked": form.languages.contains(declared.code)]
            },
        ]
        for field in ["code", "department", "channel", "service"] {
            model["\(field)Error"] = form.problem == field ? PointText.text("error.\(field)", language) : false
        }
        return model
    }

    private func name(_ code: String, _ dimension: AnalysisDimension, _ language: String) -> String {
        switch dimension {
        case .department: configuration.departments.first { $0.id == code }?.names.text(in: language) ?? code
        case .channel: configuration.channels.first { $0.id == code }?.names.text(in: language) ?? code
        default: configuration.departments.flatMap(\.services).first { $0.id == code }?.names.text(in: language) ?? code
        }
    }

    private func unavailable(_ context: AppRequestContext, _ error: any Error, _ language: String) -> Response {
        context.logger.error("points: store failed", metadata: ["error": "\(String(describing: type(of: error)))"])
        return admin.pages.message(.unavailable, language: language, status: .serviceUnavailable)
    }

    private func html(_ page: String, status: HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
    }
}

/// The words of the points pages, in English and Arabic, beside the admin area's.
enum PointText {
    static func all(_ language: String) -> [String: String] {
        let admin = AdminText(language: language)
        return ConsoleText.all(language).merging(words.mapValues { admin.language == "ar" ? $0.1 : $0.0 }) { _, own in own }
    }

    static func text(_ key: String, _ language: String) -> String {
        guard let pair = words[key] else { return ConsoleText.text(key, language) }
        return AdminText(language: language).language == "ar" ? pair.1 : pair.0
    }

    static let words: [String: (String, String)] = [
        "pointsTitle": ("Counter posters and kiosks", "ملصقات نقاط الخدمة والأجهزة اللوحية"),
        "pointsLink": ("Posters and kiosks", "الملصقات والأجهزة اللوحية"),
        "back": ("Back to the points", "العودة إلى نقاط الخدمة"),
        "pointsIntro": (
            "A point is a reusable code for an office or a counter. Its poster's QR code gives each beneficiary a fresh one-time link for the point's department and channel; one answer per device and day is taken. Their responses are analysed with the others, by source, and have no response rate (nobody was invited).",
            "نقطة الخدمة رمز دائم لمكتب أو شباك. يمنح رمز الاستجابة السريعة على ملصقها كل مستفيد رابطاً جديداً يُستخدم مرة واحدة لإدارة النقطة وقناتها، وتُقبل إجابة واحدة لكل جهاز في اليوم. تُحلَّل إجاباتها مع غيرها حسب المصدر، ولا يُحسب لها معدل استجابة (إذ لم تُرسل دعوة لأحد)."
        ),
        "noPoints": ("No point yet.", "لا توجد نقاط خدمة بعد."),
        "code": ("Code", "الرمز"),
        "codeHint": ("2 to 40 lower-case letters, digits and hyphens; it is part of the short link.", "من 2 إلى 40 حرفاً لاتينياً صغيراً أو رقماً أو شرطة؛ ويكون جزءاً من الرابط المختصر."),
        "place": ("Where it stands (optional)", "موقعها (اختياري)"),
        "placeHint": ("For staff and the poster, e.g. “Makkah office, counter 3”.", "للموظفين وللملصق، مثل «مكتب مكة، الشباك 3»."),
        "posterLanguages": ("Poster languages (at most 4)", "لغات الملصق (4 على الأكثر)"),
        "create": ("Create the point", "إنشاء النقطة"),
        "createTitle": ("New point", "نقطة جديدة"),
        "shortLink": ("Short link", "الرابط المختصر"),
        "answersToday": ("Answers today", "إجابات اليوم"),
        "openedToday": ("Links opened today", "روابط فُتحت اليوم"),
        "usualDay": ("Usual day (28 days)", "اليوم المعتاد (28 يوماً)"),
        "status": ("Status", "الحالة"),
        "active": ("Active", "نشطة"),
        "inactive": ("Deactivated", "متوقفة"),
        "fromSeeds": ("from the configuration", "من الإعدادات"),
        "alert": ("Far above its usual volume", "أعلى كثيراً من حجمها المعتاد"),
        "alertsNote": (
            "A point far above its usual volume today (at least 20 answers, and a chance below 1 in 1,000 of so many on an ordinary day) is marked: look at the poster and the counter before trusting the day's answers.",
            "تُعلَّم النقطة التي يتجاوز حجم إجاباتها اليوم معدلها المعتاد كثيراً (20 إجابة على الأقل، واحتمال أقل من 1 في 1000 لبلوغ ذلك في يوم عادي): تحقّق من الملصق والشباك قبل الاعتماد على إجابات اليوم."
        ),
        "poster": ("Print the poster", "طباعة الملصق"),
        "openKiosk": ("Open kiosk mode on this device", "تشغيل وضع الجهاز اللوحي على هذا الجهاز"),
        "kioskNote": (
            "Kiosk mode signs you out on this device and shows the point's form, then a fresh one after each answer. Leaving it needs a staff sign-in.",
            "يسجّل وضع الجهاز اللوحي خروجك على هذا الجهاز ويعرض استبيان النقطة، ثم استبياناً جديداً بعد كل إجابة. ولا يُغادَر إلا بتسجيل دخول موظف."
        ),
        "deactivate": ("Deactivate", "إيقاف"),
        "activate": ("Activate again", "إعادة التشغيل"),
        "posterTitle": ("Poster", "الملصق"),
        "printPoster": ("Print on A4. The code and the link work until the point is deactivated.", "اطبعه على ورق A4. يعمل الرمز والرابط إلى أن تُوقَف النقطة."),
        "error.code": ("Choose another code: 2 to 40 lower-case letters, digits and hyphens, not used by another point.", "اختر رمزاً آخر: من 2 إلى 40 حرفاً لاتينياً صغيراً أو رقماً أو شرطة، غير مستخدم لنقطة أخرى."),
        "error.department": ("Choose a department.", "اختر إدارة."),
        "error.channel": ("Choose a channel.", "اختر قناة."),
        "error.service": ("Choose a service of the chosen department, or none.", "اختر خدمة من خدمات الإدارة المختارة، أو لا شيء."),
    ]
}
