import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import RidaCore
import RidaStore
import Testing

@testable import RidaServer

extension AdminFixture {
    /// A key limited to some departments, as `rida apikey create --department D` makes it.
    func key(_ role: Role, name: String, departments: [String]) async throws -> String {
        var generator = SystemRandomNumberGenerator()
        let token = APIKeyToken.generate(using: &generator)
        try await store.createKey(name: name, role: role, departments: departments, keyHash: token.hash, at: Date())
        return token.value
    }

    func invitationCount() async throws -> Int {
        try await store.writer.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM invitation") ?? 0 }
    }
}

extension Browser {
    /// Signs in with an issuer key and returns the console's CSRF token.
    mutating func openConsole(_ key: String, language: String = "en") async throws -> String {
        let signedIn = try await signIn(key, language: language)
        #expect(signedIn.status == .seeOther)
        #expect(signedIn.headers[.location] == "/admin/console?lang=\(language)")
        let console = try await get("/admin/console?lang=\(language)")
        #expect(console.status == .ok)
        return try #require(hidden("csrf", in: String(buffer: console.body)))
    }
}

/// The link a console page shows.
func shownLink(_ html: String) -> String? {
    guard let start = html.range(of: #"id="issued-link">"#) else { return nil }
    let rest = html[start.upperBound...]
    return rest.firstIndex(of: "<").map { String(rest[..<$0]) }
}

@Suite struct StaffConsoleTests {
    @Test func anIssuerKeyOpensTheConsoleAndIssuesALinkWithItsQRCode() async throws {
        let fixture = try await AdminFixture()
        let key = try await fixture.key(.issuer, name: "registration desk", departments: ["registration"])
        try await fixture.app.test(.router) { client in
            var browser = Browser(client)
            let csrf = try await browser.openConsole(key)
            let page = String(buffer: try await browser.get("/admin/console?lang=en").body)
            #expect(page.contains("Staff console") && page.contains("Issue one link"))
            // Only the key's department is offered.
            #expect(page.contains(#"<option value="registration""#))
            #expect(!page.contains(#"<option value="beneficiary-services""#))

            let issued = try await browser.post(
                "/admin/console/issue?lang=en",
                [("csrf", csrf), ("department", "registration"), ("channel", "office"), ("segment", "umrah"), ("service", ""), ("locale", "ur")])
            #expect(issued.status == .ok)
            #expect(issued.headers[.cacheControl] == "no-store")
            let html = String(buffer: issued.body)
            let link = try #require(shownLink(html))
            #expect(link.hasPrefix("https://survey.example.org/s/"))
            #expect(html.contains(#"src="data:image/png;base64,"#) || html.contains("libqrencode is not installed"))
            let token = String(link.dropFirst("https://survey.example.org/s/".count))
            // The token is in the page and in the slip form's body, in no address of the admin area.
            #expect(!html.contains("?token=") && !html.contains("/\(token)?") && !html.contains("action=\"/admin/console/slip/\(token)"))
            // The link opens the survey, in the beneficiary's language.
            let survey = try await client.execute(uri: "/s/\(token)", method: .get)
            #expect(survey.status == .ok)
            #expect(String(buffer: survey.body).contains(#"lang="ur""#))

            let slip = try await browser.post("/admin/console/slip?lang=en", [("csrf", csrf), ("token", token), ("size", "a6")])
            #expect(slip.status == .ok)
            #expect(slip.headers[.cacheControl] == "no-store")
            let slipHTML = String(buffer: slip.body)
            #expect(slipHTML.contains(#"class="slip a6" lang="ur" dir="rtl""#))
            #expect(slipHTML.contains(link))
            // Urdu is a draft translation: the English lines are printed too.
            #expect(slipHTML.contains("This link is for you only, works once"))
        }
        #expect(try await fixture.invitationCount() == 1)
    }

    @Test func aKeyLimitedToOneDepartmentIsRefusedAnotherInTheConsoleAndTheAPI() async throws {
        let fixture = try await AdminFixture()
        let key = try await fixture.key(.issuer, name: "registration desk", departments: ["registration"])
        try await fixture.app.test(.router) { client in
            var browser = Browser(client)
            let csrf = try await browser.openConsole(key)
            let refused = try await browser.post(
                "/admin/console/issue?lang=en", [("csrf", csrf), ("department", "beneficiary-services"), ("channel", "office"), ("locale", "ar")])
            #expect(refused.status == .forbidden)
            #expect(String(buffer: refused.body).contains("may not issue invitations for that department"))
            #expect(shownLink(String(buffer: refused.body)) == nil)

            let upload = try await browser.post(
                "/admin/console/upload?lang=en", [("csrf", csrf), ("csv", "department,channel\nregistration,office\nbeneficiary-services,phone\n")])
            #expect(upload.status == .unprocessableContent)
            #expect(String(buffer: upload.body).contains("line 3, column department: this key may not issue for department"))

            let api = try await client.execute(
                uri: "/api/v1/invitations", method: .post, headers: [.authorization: "Bearer \(key)", .contentType: "application/json"],
                body: ByteBuffer(string: #"{"department":"beneficiary-services","channel":"office"}"#))
            #expect(api.status == .forbidden)
            #expect(String(buffer: api.body).contains(#""code":"department_forbidden""#))
            let allowed = try await client.execute(
                uri: "/api/v1/invitations", method: .post, headers: [.authorization: "Bearer \(key)", .contentType: "application/json"],
                body: ByteBuffer(string: #"{"department":"registration","channel":"office"}"#))
            #expect(allowed.status == .created)
        }
        #expect(try await fixture.invitationCount() == 1)
    }

    @Test func anUploadWithErrorsListsThemByLineAsTheCommandLineDoesAndIssuesNothing() async throws {
        let fixture = try await AdminFixture()
        let key = try await fixture.key(.issuer, name: "desk")
        let csv = """
            department,channel,segment,locale,reference
            registration,office,umrah,ar,REQ-1
            registration,fax,umrah,ar,REQ-2
            nowhere,office,,en,REQ-3
            registration,office,umrah,xx,REQ-4
            registration,office,umrah,en,REQ-1

            """
        try await fixture.app.test(.router) { client in
            var browser = Browser(client)
            let csrf = try await browser.openConsole(key)
            let response = try await browser.post("/admin/console/upload?lang=en", [("csrf", csrf), ("csv", csv)])
            #expect(response.status == .unprocessableContent)
            let html = String(buffer: response.body)
            #expect(html.contains("Nothing was issued"))
            let shown = html.components(separatedBy: "<li>").dropFirst().compactMap { $0.components(separatedBy: "</li>").first }
            // The same lines, columns and messages as `rida issue --from-csv`.
            guard case .failure(.invalid(let expected)) = BulkIssueCSV.read(csv, issuer: fixture.issuer) else {
                Issue.record("the file should have errors")
                return
            }
            #expect(expected.map(\.line) == [3, 4, 5, 6])
            #expect(shown == expected.map { $0.description.replacingOccurrences(of: "\"", with: "&quot;") })
            #expect(shown.first?.hasPrefix("line 3, column channel: unknown channel") == true)
            #expect(html.contains("REQ-4"))  // the text is kept in the form, to be corrected
        }
        #expect(try await fixture.invitationCount() == 0)
    }

    @Test func anUploadIssuesOneLinkPerRowDownloadableAsCSVAndPrintableOnSheets() async throws {
        let fixture = try await AdminFixture()
        let key = try await fixture.key(.issuer, name: "desk")
        try await fixture.app.test(.router) { client in
            var browser = Browser(client)
            let csrf = try await browser.openConsole(key)
            let response = try await browser.post(
                "/admin/console/upload?lang=ar",
                [("csrf", csrf), ("csv", "department,channel,locale\r\nregistration,office,ar\r\nregistration,phone,en\r\n\r\nregistration,phone,fr\r\n")])
            #expect(response.status == .ok)
            let batch = try #require(hidden("batch", in: String(buffer: response.body)))
            #expect(batch.split(separator: " ").map { $0.prefix(2) } == ["2:", "3:", "5:"])
            let csv = try await browser.post("/admin/console/links.csv", [("csrf", csrf), ("batch", batch)])
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.headers[HTTPField.Name("Content-Disposition")!]?.hasPrefix("attachment") == true)
            let lines = String(buffer: csv.body).split(separator: "\r\n")
            #expect(lines.first == "\u{FEFF}line,token,url,expiresAt")
            #expect(lines.dropFirst().map { $0.prefix(2) } == ["2,", "3,", "5,"])
            let sheet = try await browser.post("/admin/console/sheet?lang=ar", [("csrf", csrf), ("batch", batch)])
            #expect(sheet.status == .ok)
            #expect(String(buffer: sheet.body).components(separatedBy: #"<article class="slip sheet""#).count == 4)
            // Without the session's token, nothing is given out.
            #expect(try await browser.post("/admin/console/links.csv", [("csrf", "x"), ("batch", batch)]).status == .forbidden)
        }
        #expect(try await fixture.invitationCount() == 3)
    }

    @Test func theConsoleCountsWhatThisKeyIssuedTodayByDepartmentAndChannel() async throws {
        let fixture = try await AdminFixture()
        let key = try await fixture.key(.issuer, name: "desk")
        let other = try await fixture.key(.issuer, name: "case system")
        try await fixture.app.test(.router) { client in
            // Another key's invitations are not this key's.
            let api = try await client.execute(
                uri: "/api/v1/invitations", method: .post, headers: [.authorization: "Bearer \(other)", .contentType: "application/json"],
                body: ByteBuffer(string: #"{"department":"registration","channel":"phone","count":7}"#))
            #expect(api.status == .created)
            var browser = Browser(client)
            let csrf = try await browser.openConsole(key)
            #expect(String(buffer: try await browser.get("/admin/console?lang=en").body).contains("Nothing issued with this key today."))
            for channel in ["office", "office", "phone"] {
                let issued = try await browser.post(
                    "/admin/console/issue?lang=en", [("csrf", csrf), ("department", "registration"), ("channel", channel), ("locale", "ar")])
                #expect(issued.status == .ok)
            }
            _ = try await browser.post(
                "/admin/console/upload?lang=en", [("csrf", csrf), ("csv", "department,channel\nbeneficiary-services,office\n")])
            let page = String(buffer: try await browser.get("/admin/console?lang=en").body)
            #expect(page.contains(#"id="today-total">4<"#))
            let today = try #require(page.components(separatedBy: #"id="h-today""#).last?.components(separatedBy: "</section>").first)
            #expect(today.contains("<td>Registration</td><td>Service office</td><td class=\"number\">2</td>") || today.contains(">2</td>"))
            #expect(!today.contains(">7<"))
            // The 30-day rate of registration: 10 invitations issued, none answered yet, so 0%; a
            // department with fewer than 5 gets no rate.
            let rates = try #require(page.components(separatedBy: #"id="h-rates""#).last)
            #expect(rates.contains("<bdi>0%</bdi>"))
            #expect(rates.contains("fewer than 5 invitations"))
        }
        let counts = try await fixture.store.issuedCounts(by: "desk", on: CalendarDay(Date(), in: fixture.store.settings.timeZone))
        #expect(counts == [
            IssuedCount(department: "beneficiary-services", channel: "office", count: 1),
            IssuedCount(department: "registration", channel: "office", count: 2), IssuedCount(department: "registration", channel: "phone", count: 1),
        ])
    }

    @Test func consoleFormsKeepTheAdminAreasChecks() async throws {
        let fixture = try await AdminFixture()
        let key = try await fixture.key(.issuer, name: "desk")
        let analyst = try await fixture.key(.analyst, name: "analyst")
        try await fixture.app.test(.router) { client in
            var browser = Browser(client)
            let csrf = try await browser.openConsole(key)
            let fields = [("csrf", csrf), ("department", "registration"), ("channel", "office"), ("locale", "ar")]
            #expect(try await browser.post("/admin/console/issue", [("csrf", "wrong")] + fields.dropFirst()).status == .forbidden)
            #expect(try await browser.post("/admin/console/issue", fields, headers: [.secFetchSite: "cross-site"]).status == .forbidden)
            #expect(try await browser.get("/admin/console/issue").status == .methodNotAllowed)
            var other = Browser(client)
            #expect(try await other.signIn(analyst).status == .seeOther)
            #expect(try await other.get("/admin/console").status == .forbidden)
            let otherCSRF = try await other.dashboard().csrf
            #expect(try await other.post("/admin/console/issue", [("csrf", otherCSRF)] + fields.dropFirst()).status == .forbidden)
        }
        #expect(try await fixture.invitationCount() == 0)
    }

    @Test func aKeysDepartmentsAreStoredWithItAndMustBeConfigured() async throws {
        let fixture = try await AdminFixture()
        var generator = SystemRandomNumberGenerator()
        let token = APIKeyToken.generate(using: &generator)
        await #expect(throws: StoreError.unknownReference(kind: "department", id: "nowhere")) {
            try await fixture.store.createKey(name: "bad", role: .issuer, departments: ["registration", "nowhere"], keyHash: token.hash, at: Date())
        }
        #expect(try await fixture.store.listKeys().isEmpty)
        try await fixture.store.createKey(name: "desk", role: .issuer, departments: ["registration"], keyHash: token.hash, at: Date())
        let key = try #require(try await fixture.store.authenticate(keyHash: token.hash, at: Date()))
        #expect(key.departments == ["registration"] && key.mayIssue(for: "registration") && !key.mayIssue(for: "beneficiary-services"))
        #expect(try await fixture.audit("apikey.created").first?.detail == "issuer for registration")
    }
}
