import Crypto
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import RidaCore
import RidaReports
import RidaStore
import Testing

@testable import RidaServer

/// An app on a fresh database, with API keys made as `rida apikey create` makes them.
struct AdminFixture {
    let store: AppDatabase
    let app: any ApplicationProtocol
    let issuer: InvitationIssuer
    /// What `rida serve` runs to write the reports of frozen months; requests only read them.
    let reports: ReportFreezer

    init(baseURL: URL = URL(string: "https://survey.example.org")!) async throws {
        store = try await temporaryStore()
        var deps = try await dependencies(store)
        // The staff console's slips and links are tested in the draft languages too.
        deps.configuration.offerDrafts()
        var settings = ServerSettings(port: 0, baseURL: baseURL)
        settings.reportGraceDays = 0  // the last closed month's report is frozen at once
        app = buildApplication(settings: settings, dependencies: deps)
        reports = deps.reportFreezer(graceDays: settings.reportGraceDays)
        issuer = InvitationIssuer(configuration: deps.configuration, store: store, baseURL: baseURL)
    }

    /// A new key of this role; the text a person pastes into the sign-in form.
    func key(_ role: Role, name: String) async throws -> String {
        var generator = SystemRandomNumberGenerator()
        let token = APIKeyToken.generate(using: &generator)
        try await store.createKey(name: name, role: role, keyHash: token.hash, at: Date())
        return token.value
    }

    func sessionCount() async throws -> Int {
        try await store.writer.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM admin_session") ?? 0 }
    }

    func audit(_ action: String) async throws -> [AuditEntry] {
        try await store.auditLog(limit: 1000).filter { $0.action == action }
    }

    /// A beneficiary answers with a low score and asks to be called back: a follow-up case opens.
    func openCase(_ client: any TestClientProtocol) async throws -> String {
        let token = try await issuer.issue([IssueRequest(department: "registration", channel: "office", segment: "umrah", locale: "ar")])[0].token
        let response = try await client.execute(
            uri: "/s/\(token.value)", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
            body: ByteBuffer(string: "overall=1&contact=yes&contact-phone=0551234567"))
        #expect(response.status == .seeOther)
        let open = try await store.cases(status: .open, limit: 100)
        return try #require(open.first?.id)
    }

    /// Responses in the last closed month, so its report can be written.
    func insertResponses() async throws -> String {
        var day = CalendarDay(Date(), in: store.settings.timeZone)
        day = CalendarDay(year: day.month == 1 ? day.year - 1 : day.year, month: day.month == 1 ? 12 : day.month - 1, day: 10)
        var responses: [SurveyResponse] = []
        for channel in ["office", "phone"] {
            for k in 0..<12 {
                responses.append(
                    SurveyResponse(
                        id: Int64((channel == "office" ? 0 : 100) + k), day: day, unit: ServiceUnit(department: "registration", channel: channel),
                        locale: "ar", questionnaire: "default", questionnaireVersion: 1, source: .import,
                        answers: [ItemAnswer(item: "overall", value: .value(k % 5 + 1))]))
            }
        }
        try await store.insert(invitations: [], responses: responses)
        return day.monthKey
    }
}

/// What a browser does with cookies: keeps them per path, sends them back, drops them at Max-Age=0.
struct Browser {
    let client: any TestClientProtocol
    var cookies: [String: (value: String, path: String)] = [:]
    /// Headers a browser adds to its own forms (tests override them).
    var formHeaders: HTTPFields = [:]

    init(_ client: any TestClientProtocol) {
        self.client = client
    }

    private func cookieHeader(_ uri: String) -> HTTPFields {
        let path = String(uri.prefix { $0 != "?" })
        let sent = cookies.filter { path.hasPrefix($0.value.path) }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.value)" }
        return sent.isEmpty ? [:] : [.cookie: sent.joined(separator: "; ")]
    }

    private mutating func keep(_ response: TestResponse) {
        for header in response.headers[values: .setCookie] {
            let parts = header.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let pair = parts.first, let equals = pair.firstIndex(of: "=") else { continue }
            let name = String(pair[..<equals]), value = String(pair[pair.index(after: equals)...])
            let path = parts.first { $0.hasPrefix("Path=") }.map { String($0.dropFirst(5)) } ?? "/"
            if parts.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = (value, path) }
        }
    }

    mutating func get(_ uri: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        var all = cookieHeader(uri)
        all.append(contentsOf: headers)
        let response = try await client.execute(uri: uri, method: .get, headers: all)
        keep(response)
        return response
    }

    mutating func post(_ uri: String, _ fields: [(String, String)], headers: HTTPFields = [:]) async throws -> TestResponse {
        var all = cookieHeader(uri)
        all[.contentType] = "application/x-www-form-urlencoded"
        all.append(contentsOf: formHeaders)
        all.append(contentsOf: headers)
        let body = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        let response = try await client.execute(uri: uri, method: .post, headers: all, body: ByteBuffer(string: body))
        keep(response)
        return response
    }

    /// Opens the sign-in page and sends the form with this key, as a person would.
    mutating func signIn(_ key: String, language: String = "en") async throws -> TestResponse {
        let page = try await get("/admin/login?lang=\(language)")
        let token = try #require(hidden("login_token", in: String(buffer: page.body)))
        return try await post("/admin/login?lang=\(language)", [("login_token", token), ("key", key)])
    }

    /// The dashboard's HTML and the session's CSRF token from its forms.
    mutating func dashboard(language: String = "en") async throws -> (html: String, csrf: String) {
        let response = try await get("/admin?lang=\(language)")
        #expect(response.status == .ok)
        let html = String(buffer: response.body)
        return (html, try #require(hidden("csrf", in: html)))
    }
}

/// The value of a hidden field.
func hidden(_ name: String, in html: String) -> String? {
    guard let start = html.range(of: #"name="\#(name)" value=""#) else { return nil }
    let rest = html[start.upperBound...]
    return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
}

/// A form for a new improvement action.
func actionFields(_ csrf: String, description: String = "Explain the documents at the counter", department: String = "registration")
    -> [(String, String)]
{
    [
        ("csrf", csrf), ("department", department), ("channel", "office"), ("item", "clarity"), ("description", description),
        ("ownerRole", "registration-head"), ("startDay", "2026-03-01"), ("status", "active"),
    ]
}

@Suite struct AdminSignInTests {
    @Test(arguments: [("https://survey.example.org", true), ("http://127.0.0.1:8080", false)])
    func signingInSetsAStrictHttpOnlySessionCookie(baseURL: String, secure: Bool) async throws {
        let fixture = try await AdminFixture(baseURL: URL(string: baseURL)!)
        let key = try await fixture.key(.analyst, name: "quality team")
        try await fixture.app.test(.router) { client in
            var browser = Browser(client)
            let response = try await browser.signIn(key)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location]?.hasPrefix("/admin?") == true)
            let cookie = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("rida_session=") })
            let attributes = Set(cookie.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) })
            #expect(attributes.isSuperset(of: ["HttpOnly", "SameSite=Strict", "Path=/admin"]))
            #expect(attributes.contains("Secure") == secure)
            // Only the SHA-256 of the session id is stored.
            let id = try #require(browser.cookies["rida_session"]?.value)
            #expect(id.count == 64)
            let rows = try fixture.store.writer.read {
                try Row.fetchAll($0, sql: "SELECT id_hash, key_name, role, created_at, expires_at FROM admin_session")
            }
            #expect(rows.count == 1)
            #expect(rows.first?["id_hash"] == Data(SHA256.hash(data: Data(id.utf8))))
            #expect(rows.first?["key_name"] == "quality team")
            #expect(rows.first?["role"] == "analyst")
            let created: Int64 = try #require(rows.first?["created_at"]), expires: Int64 = try #require(rows.first?["expires_at"])
            #expect(expires > created && expires <= created + 8 * 3600)
            let dashboard = try await browser.dashboard()
            #expect(dashboard.html.contains("quality team"))
            #expect(try await fixture.audit("session.started").map(\.actor) == ["quality team"])
        }
    }

    @Test func aWrongKeyIsRefusedWithTheFormAgain() async throws {
        let fixture = try await AdminFixture()
        var generator = SystemRandomNumberGenerator()
        let unknown = APIKeyToken.generate(using: &generator).value
        try await fixture.app.test(.router) { client in
            var browser = Browser(client)
            for (key, status, message) in [
                (unknown, HTTPResponse.Status.unauthorized, "This key is not valid"), ("not a key", .unauthorized, "This key is not valid"),
            ] {
                let response = try await browser.signIn(key)
                #expect(response.status == status, "\(key)")
                let html = String(buffer: response.body)
                #expect(html.contains(message), "\(key)")
                #expect(html.contains(#"name="key""#) && html.contains(#"<html lang="en" dir="ltr">"#))
                #expect(!response.headers[values: .setCookie].contains { $0.hasPrefix("rida_session=") })
            }
            // In Arabic, the same refusal in Arabic.
            let arabic = try await browser.signIn(unknown, language: "ar")
            #expect(arabic.status == .unauthorized)
            #expect(String(buffer: arabic.body).contains("هذا المفتاح غير صالح"))
            #expect(try await browser.get("/admin").status == .seeOther)
        }
        #expect(try await fixture.sessionCount() == 0)
        #expect(try await fixture.audit("session.started").isEmpty)
    }

    @Test func theSignInFormIsProtectedAgainstLoginCSRF() async throws {
        let fixture = try await AdminFixture()
        let key = try await fixture.key(.admin, name: "administrator")
        try await fixture.app.test(.router) { client in
            var browser = Browser(client)
            let page = try await browser.get("/admin/login")
            let token = try #require(hidden("login_token", in: String(buffer: page.body)))
            let cookie = try #require(page.headers[values: .setCookie].first { $0.hasPrefix("rida_login=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
            // Another site's form: no cookie of ours (SameSite=Strict), or the browser says where it came from.
            let forged = try await client.execute(
                uri: "/admin/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "login_token=\(token)&key=\(key)"))
            #expect(forged.status == .forbidden)
            var wrong = AdminSecret.generate().value
            if wrong == token { wrong = AdminSecret.generate().value }
            for fields in [[("login_token", wrong), ("key", key)], [("key", key)]] {
                let response = try await browser.post("/admin/login?lang=en", fields)
                #expect(response.status == .forbidden)
                #expect(String(buffer: response.body).contains("The sign-in form had expired"))
            }
            // The form shown again carries a fresh token.
            let fresh = try #require(hidden("login_token", in: String(buffer: try await browser.get("/admin/login").body)))
            #expect(fresh != token)
            for header in [(HTTPField.Name("Sec-Fetch-Site")!, "cross-site"), (.secFetchSite, "same-site"), (.origin, "https://attacker.example")] {
                let response = try await browser.post("/admin/login", [("login_token", fresh), ("key", key)], headers: [header.0: header.1])
                #expect(response.status == .forbidden, "\(header)")
            }
            #expect(try await fixture.sessionCount() == 0)
            // The site's own form, as a browser sends it, is accepted.
            let own = try await browser.post(
                "/admin/login", [("login_token", fresh), ("key", key)],
                headers: [.secFetchSite: "same-origin", .origin: "https://survey.example.org"])
            #expect(own.status == .seeOther)
            #expect(try await fixture.sessionCount() == 1)
        }
    }

    @Test func signingOutDeletesTheSessionAndClearsTheCookie() async throws {
        let fixture = try await AdminFixture()
        let key = try await fixture.key(.board, name: "board member")
        try await fixture.app.test(.router) { client in
            var browser = Browser(client)
            _ = try await browser.signIn(key)
            let stolen = try #require(browser.cookies["rida_session"]?.value)
            let (_, csrf) = try await browser.dashboard()
            // Reached by GET, a route that changes state does nothing.
            for uri in ["/admin/logout", "/admin/actions", "/admin/cases/\(AdminSecret.generate().value)"] {
                let status = try await browser.get(uri).status
                #expect(status == .methodNotAllowed || status == .notFound, "\(uri)")
            }
            #expect(try await fixture.sessionCount() == 1)
            let response = try await browser.post("/admin/logout", [("csrf", csrf)])
            #expect(response.status == .seeOther)
            #expect(response.headers[.location]?.hasPrefix("/admin/login") == true)
            let cleared = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("rida_session=") })
            #expect(cleared.hasPrefix("rida_session=;") && cleared.contains("Max-Age=0"))
            #expect(try await fixture.sessionCount() == 0)
            // The old cookie opens nothing any more.
            let again = try await client.execute(uri: "/admin", method: .get, headers: [.cookie: "rida_session=\(stolen)"])
            #expect(again.status == .seeOther)
            #expect(try await fixture.audit("session.ended").map(\.actor) == ["board member"])
        }
    }
}

@Suite struct AdminAccessTests {
    enum Who: String, CaseIterable {
        case nobody, issuer, analyst, board, admin
    }

    /// Each route of the admin area, for each kind of visitor: allowed or refused as designed, and
    /// a refused form changes nothing.
    @Test(arguments: Who.allCases)
    func eachRouteForEachRole(who: Who) async throws {
        let fixture = try await AdminFixture()
        let month = try await fixture.insertResponses()
        #expect(try await fixture.reports.run(today: CalendarDay(Date(), in: fixture.store.settings.timeZone)).written.contains { $0.name == "gregorian-\(month)" })
        let action = try await fixture.store.addAction(
            NewImprovementAction(
                department: "registration", channel: nil, item: "speed", description: "Fewer steps", ownerRole: "Registration",
                startDay: CalendarDay(year: 2026, month: 1, day: 1)), by: .commandLine, at: Date())
        let signedIn = [.analyst, .board, .admin].contains(who)
        let editor = who == .analyst || who == .admin
        try await fixture.app.test(.router) { client in
            let caseID = try await fixture.openCase(client)
            var browser = Browser(client)
            var csrf = AdminSecret.generate().value
            switch who {
            case .nobody: break
            case .issuer:
                // An issuer key opens the staff console, not the dashboard.
                let opened = try await browser.signIn(try await fixture.key(.issuer, name: "case system"))
                #expect(opened.status == .seeOther && opened.headers[.location]?.hasPrefix("/admin/console") == true)
                csrf = try #require(hidden("csrf", in: String(buffer: try await browser.get("/admin/console").body)))
            case .analyst, .board, .admin:
                #expect(try await browser.signIn(try await fixture.key(Role(rawValue: who.rawValue)!, name: "\(who) key")).status == .seeOther)
                csrf = try await browser.dashboard().csrf
            }

            let issuer = who == .issuer
            let dashboard = try await browser.get("/admin")
            #expect(dashboard.status == (signedIn ? .ok : .seeOther))
            if !signedIn { #expect(dashboard.headers[.location]?.hasPrefix(issuer ? "/admin/console" : "/admin/login") == true) }
            #expect(try await browser.get("/admin/login").status == (signedIn || issuer ? .seeOther : .ok))
            let console = try await browser.get("/admin/console")
            #expect(console.status == (issuer || who == .admin ? .ok : signedIn ? .forbidden : .seeOther))

            let review = try await browser.get("/admin/reports/\(month)/review.en.html")
            #expect(review.status == (editor ? .ok : signedIn || issuer ? .forbidden : .seeOther))
            let pack = try await browser.get("/admin/reports/\(month)/board.ar.html")
            #expect(pack.status == (signedIn ? .ok : issuer ? .forbidden : .seeOther))
            if signedIn {
                #expect(pack.headers[.contentType] == "text/html; charset=utf-8")
                #expect(String(buffer: pack.body).contains(#"<html lang="ar" dir="rtl">"#))
                #expect(
                    try await fixture.audit("report.downloaded").contains {
                        $0.actor == "\(who) key" && $0.subject == "gregorian-\(month)/board.ar.html"
                    })
                #expect(try await browser.get("/admin/reports/\(month)/secrets.txt").status == .notFound)
            }

            let added = try await browser.post("/admin/actions", actionFields(csrf))
            #expect(added.status == (editor ? .seeOther : .forbidden))
            #expect(try await fixture.store.actions().count == (editor ? 2 : 1))

            let changed = try await browser.post("/admin/actions/\(action.id)", [("csrf", csrf), ("status", "completed")])
            #expect(changed.status == (editor ? .seeOther : .forbidden))
            #expect(try await fixture.store.actions().first { $0.id == action.id }?.status == (editor ? .completed : .active))

            let moved = try await browser.post("/admin/cases/\(caseID)", [("csrf", csrf), ("status", "contacted")])
            #expect(moved.status == (who == .admin ? .seeOther : .forbidden))
            #expect(try await fixture.store.cases(status: nil, limit: 10).first?.status == (who == .admin ? .contacted : .open))

            let out = try await browser.post("/admin/logout", [("csrf", csrf)])
            #expect(out.status == (signedIn || issuer ? .seeOther : .forbidden))
            #expect(try await browser.get("/admin").status == .seeOther)
        }
        #expect(try await fixture.sessionCount() == 0)
    }

    @Test func formsWithoutTheSessionsTokenOrFromAnotherSiteChangeNothing() async throws {
        let fixture = try await AdminFixture()
        let key = try await fixture.key(.admin, name: "administrator")
        try await fixture.app.test(.router) { client in
            let caseID = try await fixture.openCase(client)
            var browser = Browser(client)
            _ = try await browser.signIn(key)
            let (_, csrf) = try await browser.dashboard()
            var wrong = AdminSecret.generate().value
            if wrong == csrf { wrong = AdminSecret.generate().value }
            let crossSite: [HTTPFields] = [[.secFetchSite: "cross-site"], [.secFetchSite: "same-site"], [.origin: "https://attacker.example"]]
            for uri in ["/admin/actions", "/admin/cases/\(caseID)", "/admin/logout"] {
                let fields = uri == "/admin/actions" ? actionFields(csrf) : [("csrf", csrf), ("status", "resolved")]
                let withoutToken = fields.filter { $0.0 != "csrf" }
                let withWrongToken = [("csrf", wrong)] + withoutToken
                for body in [withoutToken, withWrongToken] {
                    let response = try await browser.post(uri, body)
                    #expect(response.status == .forbidden, "\(uri)")
                    #expect(response.headers[.cacheControl] == "no-store")
                }
                for headers in crossSite {
                    #expect(try await browser.post(uri, fields, headers: headers).status == .forbidden, "\(uri) \(headers)")
                }
            }
            #expect(try await fixture.store.actions().isEmpty)
            #expect(try await fixture.store.cases(status: .open, limit: 10).map(\.id) == [caseID])
            #expect(try await fixture.sessionCount() == 1)
            #expect(try await fixture.audit("action.created").isEmpty)
            // The page's own form: the token, and what a browser sends with it under no-referrer.
            let own = try await browser.post("/admin/actions", actionFields(csrf), headers: [.secFetchSite: "same-origin", .origin: "null"])
            #expect(own.status == .seeOther)
            #expect(try await fixture.store.actions().count == 1)
        }
    }

    @Test func anExpiredSessionIsSentToSignInAndCannotChangeAnything() async throws {
        let fixture = try await AdminFixture()
        let key = try await fixture.key(.analyst, name: "quality team")
        try await fixture.app.test(.router) { client in
            var browser = Browser(client)
            _ = try await browser.signIn(key)
            let (_, csrf) = try await browser.dashboard()
            // Using the session moves its inactivity deadline on, never past 8 hours from sign-in.
            let (created, expires) = try await fixture.store.writer.read { db -> (Int64, Int64) in
                let row = try Row.fetchOne(db, sql: "SELECT created_at, expires_at FROM admin_session")!
                return (row["created_at"], row["expires_at"])
            }
            #expect(expires - created <= 8 * 3600 && expires >= Int64(Date().timeIntervalSince1970) + 29 * 60)
            try await fixture.store.writer.write {
                try $0.execute(sql: "UPDATE admin_session SET expires_at = ?", arguments: [Int64(Date().timeIntervalSince1970) - 1])
            }
            let page = try await browser.get("/admin")
            #expect(page.status == .seeOther)
            #expect(page.headers[.location]?.hasPrefix("/admin/login") == true)
            #expect(try await browser.get("/admin/reports/2026-03/board.en.html").status == .seeOther)
            #expect(try await browser.post("/admin/actions", actionFields(csrf)).status == .forbidden)
            #expect(try await fixture.store.actions().isEmpty)
        }
    }

    @Test func revokingTheKeyEndsItsSessions() async throws {
        let fixture = try await AdminFixture()
        let key = try await fixture.key(.admin, name: "administrator")
        try await fixture.app.test(.router) { client in
            var browser = Browser(client)
            _ = try await browser.signIn(key)
            let (_, csrf) = try await browser.dashboard()
            #expect(try await fixture.store.revokeKey(name: "administrator", at: Date()))
            #expect(try await browser.get("/admin").status == .seeOther)
            #expect(try await browser.post("/admin/actions", actionFields(csrf)).status == .forbidden)
            #expect(try await fixture.store.actions().isEmpty)
        }
    }
}

@Suite struct AdminDashboardTests {
    @Test func theBoardSeesNoFollowUpQueueAndNoReviewLinks() async throws {
        let fixture = try await AdminFixture()
        let board = try await fixture.key(.board, name: "board member")
        let admin = try await fixture.key(.admin, name: "administrator")
        let analyst = try await fixture.key(.analyst, name: "quality team")
        try await fixture.app.test(.router) { client in
            _ = try await fixture.openCase(client)
            var boardBrowser = Browser(client)
            _ = try await boardBrowser.signIn(board)
            let boardPage = try await boardBrowser.dashboard().html
            #expect(boardPage.contains("board.ar.html") && boardPage.contains("board.en.html"))
            for hidden in ["review.", "responses.csv", "aggregates.csv", #"id="cases""#, "0551234567", #"action="/admin/actions?"#, "/admin/cases/"] {
                #expect(!boardPage.contains(hidden), "\(hidden)")
            }
            #expect(boardPage.contains(#"id="actions""#), "the register is shown to every role")

            var analystBrowser = Browser(client)
            _ = try await analystBrowser.signIn(analyst)
            let analystPage = try await analystBrowser.dashboard().html
            #expect(analystPage.contains("review.en.html") && analystPage.contains(#"action="/admin/actions?"#))
            #expect(!analystPage.contains(#"id="cases""#) && !analystPage.contains("0551234567"))

            var adminBrowser = Browser(client)
            _ = try await adminBrowser.signIn(admin)
            let adminPage = try await adminBrowser.dashboard().html
            #expect(adminPage.contains(#"id="cases""#) && adminPage.contains("0551234567"))
            #expect(adminPage.contains("review.ar.html"))
        }
    }

    @Test func aCaseMovesToContactedThenResolvedFromThePage() async throws {
        let fixture = try await AdminFixture()
        let key = try await fixture.key(.admin, name: "administrator")
        try await fixture.app.test(.router) { client in
            let caseID = try await fixture.openCase(client)
            // Past its due date: the queue marks it.
            try await fixture.store.writer.write { try $0.execute(sql: "UPDATE follow_up SET due_at = 1000 WHERE case_id = ?", arguments: [caseID]) }
            var browser = Browser(client)
            _ = try await browser.signIn(key)
            var (page, csrf) = try await browser.dashboard()
            #expect(page.contains("Overdue"))
            #expect(page.contains(#"action="/admin/cases/\#(caseID)?lang=en""#))
            #expect(page.contains(#"<option value="reached">Reached</option>"#))

            let contacted = try await browser.post("/admin/cases/\(caseID)?lang=en", [("csrf", csrf), ("status", "contacted")])
            #expect(contacted.status == .seeOther)
            #expect(contacted.headers[.location]?.hasPrefix("/admin?lang=en") == true)
            (page, csrf) = try await browser.dashboard()
            #expect(page.contains("Contacted") && !page.contains("Overdue"))
            // A move backwards is refused, with the page and a message.
            let back = try await browser.post("/admin/cases/\(caseID)", [("csrf", csrf), ("status", "open")])
            #expect(back.status == .unprocessableContent)
            let unknown = try await browser.post("/admin/cases/\(AdminSecret.generate().value)", [("csrf", csrf), ("status", "resolved")])
            #expect(unknown.status == .notFound)

            #expect(try await browser.post("/admin/cases/\(caseID)", [("csrf", csrf), ("status", "resolved")]).status == .seeOther)
            let twice = try await browser.post("/admin/cases/\(caseID)?lang=en", [("csrf", csrf), ("status", "contacted")])
            #expect(twice.status == .conflict)
            #expect(String(buffer: twice.body).contains("already moved on"))
            #expect(try await fixture.store.cases(status: .resolved, limit: 10).map(\.id) == [caseID])
            (page, _) = try await browser.dashboard()
            // A resolved case leaves the queue for the resolved list below it.
            let resolvedList = try #require(page.range(of: #"id="h-resolved""#))
            #expect(page.range(of: "case-\(caseID)").map { $0.lowerBound > resolvedList.lowerBound } == true, "a resolved case leaves the queue")
            #expect(!page.contains(#"action="/admin/cases/\#(caseID)"#), "and takes no more calls")
            let log = try await fixture.store.auditLog(limit: 100).filter { $0.subject == caseID }.map { "\($0.actor) \($0.action)" }
            #expect(log == ["administrator case.resolved", "administrator case.contacted"])
        }
    }

    @Test func anImprovementActionIsAddedAndChangedFromThePage() async throws {
        let fixture = try await AdminFixture()
        let key = try await fixture.key(.analyst, name: "quality team")
        try await fixture.app.test(.router) { client in
            var browser = Browser(client)
            _ = try await browser.signIn(key, language: "ar")
            var (page, csrf) = try await browser.dashboard(language: "ar")
            #expect(page.contains("لم يُسجَّل أي إجراء تحسين بعد"))
            let added = try await browser.post("/admin/actions?lang=ar", actionFields(csrf))
            #expect(added.status == .seeOther)
            #expect(added.headers[.location]?.hasPrefix("/admin?lang=ar") == true)
            let action = try #require(try await fixture.store.actions().first)
            #expect(action.department == "registration" && action.channel == "office" && action.item == "clarity" && action.startDay == "2026-03-01")
            (page, csrf) = try await browser.dashboard(language: "ar")
            // Names from the configuration, in the page's language.
            #expect(page.contains(">التسجيل</td>") && page.contains(">مكاتب الخدمة</td>"))
            #expect(page.contains("Explain the documents at the counter"))
            #expect(try await browser.post("/admin/actions/\(action.id)", [("csrf", csrf), ("status", "completed")]).status == .seeOther)
            #expect(try await fixture.store.actions().first?.status == .completed)
            #expect(try await browser.post("/admin/actions/\(action.id)", [("csrf", csrf), ("status", "forgotten")]).status == .unprocessableContent)
            #expect(try await browser.post("/admin/actions/unknown", [("csrf", csrf), ("status", "active")]).status == .notFound)
            let log = try await fixture.store.auditLog(limit: 100).filter { $0.subject == action.id }.map { "\($0.actor) \($0.action)" }
            #expect(log == ["quality team action.completed", "quality team action.created"])
        }
    }

    @Test func anInvalidActionShowsThePageAgainWithTheMessagesAndSavesNothing() async throws {
        let fixture = try await AdminFixture()
        let key = try await fixture.key(.admin, name: "administrator")
        try await fixture.app.test(.router) { client in
            var browser = Browser(client)
            _ = try await browser.signIn(key)
            let (_, csrf) = try await browser.dashboard()
            var fields = actionFields(csrf, description: "   ", department: "accounts")
            fields = fields.map { $0.0 == "startDay" ? ("startDay", "1 March") : $0 }
            let response = try await browser.post("/admin/actions?lang=en", fields)
            #expect(response.status == .unprocessableContent)
            let html = String(buffer: response.body)
            for message in ["Please correct the fields", "Choose a department from the list.", "Describe the change", "Give the date as YYYY-MM-DD."]
            {
                #expect(html.contains(message), "\(message)")
            }
            #expect(html.contains(#"id="e-department""#) && html.contains(#"aria-invalid="true""#))
            // What was entered is kept.
            #expect(html.contains(#"<option value="registration-head" selected>"#) && html.contains(#"value="1 March""#))
            #expect(try await fixture.store.actions().isEmpty)
        }
    }

    /// Text from people is shown as text: markup, a quote followed by a combining mark (one
    /// Character, which per-Character escaping lets through), template syntax.
    @Test func aHostileDescriptionIsEscaped() async throws {
        let fixture = try await AdminFixture()
        let key = try await fixture.key(.analyst, name: "<b>quality</b> team")
        let hostile = "\"><script>alert(1)</script> \"\u{064E} {{7*7}}"
        try await fixture.app.test(.router) { client in
            var browser = Browser(client)
            _ = try await browser.signIn(key)
            var (_, csrf) = try await browser.dashboard()
            #expect(try await browser.post("/admin/actions", actionFields(csrf, description: hostile)).status == .seeOther)
            let shown = try await browser.dashboard()
            let page = shown.html
            csrf = shown.csrf
            #expect(page.contains("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt; &quot;\u{064E} {{7*7}}"))
            #expect(!page.contains("<script"))
            let scalars = Array(page.unicodeScalars)
            #expect(!zip(scalars, scalars.dropFirst()).contains { $0.0 == "\"" && $0.1 == "\u{064E}" }, "a quote before the haraka is escaped")
            #expect(page.contains("&lt;b&gt;quality&lt;/b&gt; team") && !page.contains("<b>"))
            // Echoed back into the form it came from, too.
            let invalid = try await browser.post("/admin/actions", actionFields(csrf, description: hostile, department: "nowhere"))
            #expect(invalid.status == .unprocessableContent)
            let html = String(buffer: invalid.body)
            #expect(html.contains("&quot;&gt;&lt;script&gt;") && !html.contains("<script"))
        }
    }

    @Test func pagesAreInArabicRightToLeftByDefaultWithTheirHeaders() async throws {
        let fixture = try await AdminFixture()
        let key = try await fixture.key(.admin, name: "administrator")
        try await fixture.app.test(.router) { client in
            var browser = Browser(client)
            let requests: [(String, HTTPFields, String, String)] = [
                ("/admin/login", HTTPFields(), "ar", "rtl"), ("/admin/login", [.acceptLanguage: "en-GB,en;q=0.9,ar;q=0.5"], "en", "ltr"),
                ("/admin/login?lang=ar", [.acceptLanguage: "en"], "ar", "rtl"), ("/admin/login", [.acceptLanguage: "fr, ar;q=0.8"], "ar", "rtl"),
            ]
            for (uri, headers, lang, dir) in requests {
                let response = try await browser.get(uri, headers: headers)
                let html = String(buffer: response.body)
                #expect(html.contains(#"<html lang="\#(lang)" dir="\#(dir)">"#), "\(uri) \(headers)")
            }
            _ = try await browser.signIn(key, language: "ar")
            let response = try await browser.get("/admin")
            #expect(response.status == .ok)
            let html = String(buffer: response.body)
            #expect(html.contains(#"<html lang="ar" dir="rtl">"#))
            #expect(html.contains("لوحة الإدارة") && html.contains("قائمة المتابعة"))
            #expect(html.contains(#"href="?lang=en""#), "a language switcher")
            #expect(response.headers[.cacheControl] == "no-store")
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            // No script, no style attribute; the one stylesheet is allowed by its hash.
            #expect(!html.contains("<script") && !html.contains(" style="))
            let open = try #require(html.range(of: "<style>")), close = try #require(html.range(of: "</style>"))
            let digest = Data(SHA256.hash(data: Data(html[open.upperBound..<close.lowerBound].utf8))).base64EncodedString()
            let policy = try #require(response.headers[.contentSecurityPolicy])
            #expect(policy.contains("'sha256-\(digest)'") && !policy.contains("unsafe-inline") && policy.contains("form-action 'self'"))
            // Every field of the forms has a label.
            for id in ["f-department", "f-channel", "f-item", "f-description", "f-owner", "f-start", "f-status"] {
                #expect(html.contains(#"<label for="\#(id)">"#), "\(id)")
            }
            let login = try await client.execute(uri: "/admin/login", method: .get)
            #expect(login.headers[.cacheControl] == "no-store")
            #expect(String(buffer: login.body).contains(#"<label for="key">"#))
        }
    }
}
