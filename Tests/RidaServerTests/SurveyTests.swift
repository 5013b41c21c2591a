import Crypto
import Foundation
import GRDB
import HummingbirdTesting
import HTTPTypes
import Hummingbird
import NIOCore
import RidaCore
import RidaReports
import RidaSeeds
import RidaStore
import Testing

@testable import RidaServer

/// An app on a fresh database, with one invitation issued per call of `issue`.
struct SurveyFixture {
    let store: AppDatabase
    let app: any ApplicationProtocol
    let issuer: InvitationIssuer
    /// What `rida serve` runs to write the reports of frozen months; requests only read them.
    let reports: ReportFreezer

    /// `offeringDrafts`: the draft languages (Urdu, Bengali, …) are offered, as the tests of
    /// pages in those languages need; the shipped seeds offer only Arabic and English.
    init(
        baseURL: URL = URL(string: "https://survey.example.org")!, throttle: FailureThrottle.Policy = FailureThrottle.Policy(),
        offeringDrafts: Bool = true
    ) async throws {
        store = try await temporaryStore()
        var deps = try await dependencies(store)
        if offeringDrafts { deps.configuration.offerDrafts() }
        var settings = ServerSettings(port: 0, baseURL: baseURL)
        settings.throttle = throttle
        settings.reportGraceDays = 0  // the last closed month's report is frozen at once
        app = buildApplication(settings: settings, dependencies: deps)
        reports = deps.reportFreezer(graceDays: settings.reportGraceDays)
        issuer = InvitationIssuer(configuration: deps.configuration, store: store, baseURL: baseURL)
    }

    func issue(locale: String = "ar", days: Int = 30, at date: Date = Date(), service: String? = nil) async throws -> InvitationToken {
        try await issuer.issue(
            [IssueRequest(department: "registration", channel: "office", segment: "umrah", service: service, locale: locale, expiresInDays: days)],
            at: date)[0].token
    }

    func counts() async throws -> StoreCounts { try await store.counts() }

    func used(_ token: InvitationToken) async throws -> Bool {
        try await store.invitation(tokenHash: token.hash, at: Date())?.state == .used
    }
}

func form(_ body: String) -> (HTTPFields, ByteBuffer) {
    ([.contentType: "application/x-www-form-urlencoded"], ByteBuffer(string: body))
}

@Suite struct SurveyPageTests {
    @Test func theFormIsInArabicRightToLeftByDefaultWithEveryItem() async throws {
        let fixture = try await SurveyFixture()
        let token = try await fixture.issue()
        try await fixture.app.test(.router) { client in
            try await client.execute(uri: "/s/\(token.value)", method: .get) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.contains(#"<html lang="ar" dir="rtl">"#))
                #expect(html.contains("حقٌّ من حقوقك"), "the policy's promise")
                for id in ["overall", "courtesy", "time", "clarity", "referral", "decision", "speed", "ease", "recommend"] {
                    #expect(html.contains(#"<fieldset id="q-\#(id)""#), "\(id)")
                }
                #expect(html.contains(#"name="suggestion""#) && html.contains(#"name="contact-phone""#))
                #expect(response.body.readableBytes < 30 * 1024)
                #expect(!html.contains("<script"))
                #expect(response.headers[.cacheControl] == "no-store")
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            }
        }
    }

    /// The page's one stylesheet is inline; the policy must allow exactly it (by hash), or a
    /// browser shows the form unstyled.
    @Test func thePolicyAllowsThePagesOwnStylesheetAndNoOtherInlineStyle() async throws {
        let fixture = try await SurveyFixture()
        let token = try await fixture.issue()
        try await fixture.app.test(.router) { client in
            try await client.execute(uri: "/s/\(token.value)", method: .get) { response in
                let html = String(buffer: response.body)
                let open = try #require(html.range(of: "<style>"))
                let close = try #require(html.range(of: "</style>", range: open.upperBound..<html.endIndex))
                let digest = Data(SHA256.hash(data: Data(html[open.upperBound..<close.lowerBound].utf8))).base64EncodedString()
                let policy = try #require(response.headers[.contentSecurityPolicy])
                let styleSources = try #require(policy.split(separator: ";").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("style-src") })
                #expect(styleSources.contains("'sha256-\(digest)'"))
                #expect(!policy.contains("unsafe-inline") && !policy.contains("unsafe-hashes"))
                #expect(policy.contains("script-src 'self'"))
            }
        }
    }

    @Test func languageComesFromTheQueryThenTheInvitationThenTheBrowser() async throws {
        let fixture = try await SurveyFixture()
        let urdu = try await fixture.issue(locale: "ur")
        try await fixture.app.test(.router) { client in
            try await client.execute(uri: "/s/\(urdu.value)?lang=en", method: .get) { response in
                #expect(String(buffer: response.body).contains(#"<html lang="en" dir="ltr">"#))
            }
            try await client.execute(uri: "/s/\(urdu.value)", method: .get, headers: [.acceptLanguage: "fr"]) { response in
                #expect(String(buffer: response.body).contains(#"<html lang="ur" dir="rtl">"#))
            }
            try await client.execute(uri: "/s/AAAAAAAAAAAAAAAAAAAAAAAAAA", method: .get, headers: [.acceptLanguage: "tr-TR,tr;q=0.9,en;q=0.5"]) {
                response in
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body).contains(#"lang="tr""#))
            }
        }
    }

    @Test func aValidSubmissionIsStoredOnceAndRedirectsToThanks() async throws {
        let fixture = try await SurveyFixture()
        let token = try await fixture.issue()
        try await fixture.app.test(.router) { client in
            let (headers, body) = form("overall=5&referral=na&ease=6&recommend=10&suggestion=%D8%B4%D9%83%D8%B1%D8%A7&contact=no&lang=en")
            try await client.execute(uri: "/s/\(token.value)", method: .post, headers: headers, body: body) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/s/\(token.value)/thanks?lang=en")
            }
            // A double click: the same thank-you, nothing stored twice.
            try await client.execute(uri: "/s/\(token.value)", method: .post, headers: headers, body: body) { response in
                #expect(response.status == .seeOther)
            }
            try await client.execute(uri: "/s/\(token.value)/thanks?lang=en", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("Thank you"))
            }
            try await client.execute(uri: "/s/\(token.value)", method: .get) { response in
                #expect(response.status == .gone)
            }
        }
        let counts = try await fixture.counts()
        #expect(counts.responses == 1 && counts.answers == 4 && counts.texts == 1)
        let locale = try await fixture.store.writer.read { try String.fetchOne($0, sql: "SELECT locale FROM response") }
        #expect(locale == "en")
    }

    @Test func invalidAnswersGive422InTheUsersLanguageKeepTheAnswersAndStoreNothing() async throws {
        let fixture = try await SurveyFixture()
        let token = try await fixture.issue()
        try await fixture.app.test(.router) { client in
            let (headers, body) = form("courtesy=4&time=na&ease=9&suggestion=%3Cb%3Ekeep%20me%3C%2Fb%3E&lang=ar")
            try await client.execute(uri: "/s/\(token.value)", method: .post, headers: headers, body: body) { response in
                #expect(response.status == .unprocessableContent)
                let html = String(buffer: response.body)
                #expect(html.contains("يُرجى الإجابة عن هذا السؤال"), "required, in Arabic: \(html.prefix(0))")
                #expect(html.contains(#"value="4" checked"#), "the answer is kept")
                #expect(html.contains("&lt;b&gt;keep me&lt;/b&gt;"), "free text kept, escaped")
                #expect(html.contains(#"id="e-time""#) && html.contains(#"id="e-ease""#))
            }
        }
        #expect(try await fixture.counts().responses == 0)
        #expect(try await fixture.used(token) == false)
    }

    @Test func contactDetailsGoToTheFollowUpTableOnly() async throws {
        let fixture = try await SurveyFixture()
        let token = try await fixture.issue()
        try await fixture.app.test(.router) { client in
            let (headers, body) = form("overall=1&recommend=2&contact=yes&contact-phone=%2B966%2055%20123%204567&lang=ar")
            try await client.execute(uri: "/s/\(token.value)", method: .post, headers: headers, body: body) { response in
                #expect(response.status == .seeOther)
            }
        }
        let row = try #require(try await fixture.store.writer.read { try Row.fetchOne($0, sql: "SELECT phone, scores FROM follow_up") })
        #expect(row["phone"] == "+966 55 123 4567")
        #expect((row["scores"] as String).contains(#""overall":"1""#))
        let dump = try await fixture.store.writer.read { db in
            try String.fetchAll(db, sql: "SELECT body FROM response_text").joined()
        }
        #expect(!dump.contains("123"))
    }

    @Test func expiredAndRevokedLinksGive410AndStoreNothing() async throws {
        let fixture = try await SurveyFixture()
        let expired = try await fixture.issue(days: 1, at: Date().addingTimeInterval(-3 * 86400))
        let revoked = try await fixture.issue()
        #expect(try await fixture.store.revoke(tokenHash: revoked.hash, at: Date()) == .revoked)
        try await fixture.app.test(.router) { client in
            for token in [expired, revoked] {
                try await client.execute(uri: "/s/\(token.value)", method: .get) { response in
                    #expect(response.status == .gone)
                    #expect(String(buffer: response.body).contains(#"lang="ar""#))
                }
                let (headers, body) = form("overall=4")
                try await client.execute(uri: "/s/\(token.value)", method: .post, headers: headers, body: body) { response in
                    #expect(response.status == .gone)
                }
            }
        }
        #expect(try await fixture.counts().responses == 0)
    }

    @Test func oversizedAndInvalidBodiesAreRefusedWithoutConsumingTheToken() async throws {
        let fixture = try await SurveyFixture()
        let token = try await fixture.issue()
        try await fixture.app.test(.router) { client in
            let (headers, _) = form("")
            let huge = ByteBuffer(string: "overall=4&suggestion=" + String(repeating: "a", count: 70_000))
            try await client.execute(uri: "/s/\(token.value)", method: .post, headers: headers, body: huge) { response in
                #expect(response.status == .contentTooLarge)
            }
            var invalid = ByteBuffer(string: "overall=4&suggestion=")
            invalid.writeBytes([0xC3, 0x28])
            try await client.execute(uri: "/s/\(token.value)", method: .post, headers: headers, body: invalid) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/s/\(token.value)", method: .post, headers: headers, body: ByteBuffer(string: "overall=4&suggestion=%C3%28")) {
                response in
                #expect(response.status == .badRequest)
            }
            let tooMany = (0..<100).map { "f\($0)=1" }.joined(separator: "&")
            try await client.execute(uri: "/s/\(token.value)", method: .post, headers: headers, body: ByteBuffer(string: tooMany)) { response in
                #expect(response.status == .contentTooLarge)
            }
        }
        #expect(try await fixture.counts().responses == 0)
        #expect(try await fixture.used(token) == false)
    }

    /// Past the free failures, unknown tokens are answered 429 with Retry-After; a valid token
    /// from the same client is still served, and its submission stored.
    @Test func unknownTokensAreSlowedButAValidOneIsServed() async throws {
        var policy = FailureThrottle.Policy()
        policy.forgetEvery = 3600  // a loaded machine is slow; nothing is forgotten during the test
        policy.firstDelay = 0.01
        policy.maximumDelay = 0.02
        let fixture = try await SurveyFixture(throttle: policy)
        let valid = try await fixture.issue()
        try await fixture.app.test(.router) { client in
            for attempt in 0..<16 {
                try await client.execute(uri: "/s/\(String(format: "%026d", attempt))", method: .get) { response in
                    if attempt < 10 {
                        #expect(response.status == .notFound)
                    } else {
                        #expect(response.status == .tooManyRequests)
                        #expect(Int(response.headers[HTTPField.Name("Retry-After")!] ?? "") ?? 0 > 0)
                    }
                }
            }
            try await client.execute(uri: "/s/\(valid.value)", method: .get) { response in
                #expect(response.status == .ok)
            }
            let (headers, body) = form("overall=4")
            try await client.execute(uri: "/s/\(valid.value)", method: .post, headers: headers, body: body) { response in
                #expect(response.status == .seeOther)
            }
        }
        #expect(try await fixture.used(valid) == true)
    }

    /// swift-mustache escapes per Character: `"` + U+064E would be one Character and pass.
    @Test func aQuoteWithACombiningMarkStaysEscaped() async throws {
        let fixture = try await SurveyFixture()
        let token = try await fixture.issue()
        try await fixture.app.test(.router) { client in
            let payload = "\"\u{064E}><script>alert(1)</script>"
            let encoded = payload.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let (headers, body) = form("courtesy=4&contact=yes&contact-phone=\(encoded)&suggestion=\(encoded)")
            try await client.execute(uri: "/s/\(token.value)", method: .post, headers: headers, body: body) { response in
                #expect(response.status == .unprocessableContent)
                let html = String(buffer: response.body)
                #expect(!html.contains("<script>alert"))
                #expect(html.contains("value=\"&quot;\u{064E}&gt;&lt;script&gt;"))
            }
        }
        #expect(HTML.escape("\"\u{064E}") == "&quot;\u{064E}")
    }

    @Test func theDatabaseHoldsNoRawToken() async throws {
        let fixture = try await SurveyFixture()
        let token = try await fixture.issue()
        let everything = try await fixture.store.writer.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'").flatMap { table in
                try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"").map { "\($0)" }
            }.joined(separator: "\n")
        }
        #expect(!everything.contains(token.value))
        #expect(!everything.uppercased().contains(token.value))
    }
}
