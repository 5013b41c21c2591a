import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import RidaAnalytics
import RidaCore
import RidaSeeds
import RidaStore
import Testing

@testable import RidaServer

extension AdminFixture {
    func scalar(_ sql: String) async throws -> Int {
        try await store.writer.read { try Int.fetchOne($0, sql: sql) ?? 0 }
    }
}

extension Browser {
    /// Opens a point's short link and answers the form it leads to; returns the final status of
    /// the POST (303 when stored) and the token's path.
    mutating func answerAtPoint(_ code: String, body: [(String, String)] = [("overall", "5")]) async throws -> (status: HTTPResponse.Status, path: String?) {
        let opened = try await get("/p/\(code)")
        guard opened.status == .seeOther, let location = opened.headers[.location] else { return (opened.status, nil) }
        let path = String(location.prefix { $0 != "?" })
        let form = try await get(location)
        #expect(form.status == .ok)
        return (try await post(path, body).status, path)
    }
}

@Suite struct PointTests {
    static let point = "makkah-registration"

    @Test func thePostersLinkGivesEachDeviceOneResponseADayCountedInNoInvitationCell() async throws {
        let fixture = try await AdminFixture()
        // The shipped seeds' points are in the store.
        let points = try await fixture.store.points()
        #expect(points.map(\.code).contains(Self.point))
        let issuedBefore = try await fixture.scalar("SELECT IFNULL(sum(issued), 0) FROM invitation_cell_dc")
        try await fixture.app.test(.router) { client in
            var first = Browser(client), second = Browser(client)
            let one = try await first.answerAtPoint(Self.point)
            #expect(one.status == .seeOther)
            let two = try await second.answerAtPoint(Self.point)
            #expect(two.status == .seeOther)
            // The same device again: told it answered today, and given no link.
            let again = try await first.get("/p/\(Self.point)")
            #expect(again.status == .conflict)
            #expect(String(buffer: again.body).contains("Thank you, we have your answers for today") || String(buffer: again.body).contains("شكراً"))
            #expect(again.headers[.location] == nil)
            // Two tabs of one device: both opened before either answered; the second is not claimed.
            var third = Browser(client)
            let tabA = try #require(try await third.get("/p/\(Self.point)").headers[.location])
            let tabB = try #require(try await third.get("/p/\(Self.point)").headers[.location])
            let firstTab = try await third.post(String(tabA.prefix { $0 != "?" }), [("overall", "4")])
            #expect(firstTab.status == .seeOther)
            let refused = try await third.post(String(tabB.prefix { $0 != "?" }), [("overall", "1")])
            #expect(refused.status == .conflict)
            // The same link twice from the first device: already received.
            let repeated = try await first.post(try #require(one.path), [("overall", "1")])
            #expect(repeated.status == .seeOther)
        }
        #expect(try await fixture.scalar("SELECT count(*) FROM response WHERE source = 'point'") == 3)
        #expect(try await fixture.scalar("SELECT count(*) FROM response WHERE source = 'invitation'") == 0)
        #expect(try await fixture.scalar("SELECT IFNULL(sum(issued), 0) FROM invitation_cell_dc") == issuedBefore)
        #expect(try await fixture.scalar("SELECT IFNULL(sum(answered), 0) FROM invitation_cell_unit") == 0)
        #expect(try await fixture.scalar("SELECT count(*) FROM spent_invitation") == 0)
        #expect(try await fixture.scalar("SELECT sum(responses) FROM cell_unit WHERE source = 'point'") == 3)
        // Opened: 2 + 2 tabs (the refused one stays open); answered 3.
        let days = try await fixture.store.pointDays(from: CalendarDay(Date(), in: fixture.store.settings.timeZone), to: CalendarDay(Date(), in: fixture.store.settings.timeZone))
        #expect(days.map(\.answered) == [3])
        #expect(days.map(\.opened) == [4])
        #expect(try await fixture.scalar("SELECT count(*) FROM point_link") == 1, "only the refused tab's link is still open")
        let check = try await fixture.store.checkCells()
        #expect(check.isExact, "\(check.differences)")
    }

    @Test func aPointsResponsesAreAnalysedBySourceWithNoResponseRate() async throws {
        let fixture = try await AdminFixture()
        try await fixture.app.test(.router) { client in
            for _ in 0..<6 {
                var device = Browser(client)
                let answered = try await device.answerAtPoint(Self.point, body: [("overall", "4")])
                #expect(answered.status == .seeOther)
            }
        }
        let today = CalendarDay(Date(), in: fixture.store.settings.timeZone)
        let month = String(today.description.prefix(7))
        let engine = AnalysisEngine(configuration: try SeedLoader(directory: shippedSeeds).load(), timeZone: fixture.store.settings.timeZone)
        var request = AnalysisRequest(from: month, to: month, by: [.source], metrics: [.csat, .responseRate])
        request.includeProvisional = true
        let result = try await engine.analyse(request, cells: fixture.store)
        let csat = try #require(result.metrics.first { $0.metric == .csat })
        let pointUnit = try #require(csat.units.first { $0.unit["source"] == "point" })
        #expect(pointUnit.series.last?.n == 6)
        let rate = try #require(result.metrics.first { $0.metric == .responseRate })
        let pointRate = try #require(rate.units.first { $0.unit["source"] == "point" })
        #expect(pointRate.series.allSatisfy { $0.notApplicable })
        #expect(result.notes.contains { $0.contains("points of service") && $0.contains("not applicable") })
        let json = String(decoding: try AnalysisJSON.encode(result, pretty: false), as: UTF8.self)
        #expect(json.contains(#""notApplicable":true"#))
    }

    @Test func aClientOpeningManyLinksIsSlowedAndAnUnknownOrClosedPointSaysSo() async throws {
        let fixture = try await AdminFixture()
        #expect(try await fixture.store.setPointActive(code: "makkah-gifts", active: false, by: .commandLine, at: Date()))
        try await fixture.app.test(.router) { client in
            let closed = try await client.execute(uri: "/p/makkah-gifts", method: .get)
            #expect(closed.status == .gone)
            let unknown = try await client.execute(uri: "/p/no-such-point", method: .get)
            #expect(unknown.status == .notFound)
            let malformed = try await client.execute(uri: "/p/NOT%20A%20CODE", method: .get)
            #expect(malformed.status == .notFound)
            // 30 links at once, then one every 6 seconds: a burst of 45 meets 429 with Retry-After.
            var statuses: [HTTPResponse.Status] = []
            var retryAfter: String?
            for _ in 0..<45 {
                let response = try await client.execute(uri: "/p/\(Self.point)", method: .get)
                statuses.append(response.status)
                if response.status == .tooManyRequests { retryAfter = response.headers[HTTPField.Name("Retry-After")!] }
            }
            #expect(statuses.prefix(28).allSatisfy { $0 == .seeOther })
            #expect(statuses.contains(.tooManyRequests))
            #expect(retryAfter.flatMap(Int.init).map { $0 >= 1 } == true)
        }
        // A throttled request mints nothing.
        let opened = try await fixture.scalar("SELECT count(*) FROM point_link")
        #expect(opened < 45, "every link opened minted one, the refused ones none (\(opened))")
    }

    @Test func kioskModeIsOpenedByStaffLoopsWithoutCookiesAndEndsAtASignIn() async throws {
        let fixture = try await AdminFixture()
        let key = try await fixture.key(.issuer, name: "registration desk", departments: ["registration"])
        try await fixture.app.test(.router) { client in
            var tablet = Browser(client)
            // Not a kiosk yet.
            let notYet = try await tablet.get("/k/\(Self.point)")
            #expect(notYet.status == .forbidden)
            _ = try await tablet.openConsole(key)
            let page = try await tablet.get("/admin/points?lang=en")
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains("makkah-registration") && !html.contains("makkah-gifts"), "an issuer sees its departments' points")
            #expect(html.contains("https://survey.example.org/p/makkah-registration"))
            let csrf = try #require(hidden("csrf", in: html))
            let opened = try await tablet.post("/admin/points/\(Self.point)/kiosk?lang=en", [("csrf", csrf)])
            #expect(opened.status == .seeOther)
            #expect(opened.headers[.location] == "/k/\(Self.point)")
            #expect(tablet.cookies[AdminGuard.sessionCookie] == nil, "the tablet keeps no staff session")
            // Three beneficiaries in a row.
            for score in ["5", "3", "1"] {
                let start = try await tablet.get("/k/\(Self.point)")
                #expect(start.status == .seeOther)
                let location = try #require(start.headers[.location])
                let form = String(buffer: try await tablet.get(location).body)
                #expect(form.contains(#"data-kiosk="/k/makkah-registration""#) && form.contains(#"autocomplete="off""#))
                #expect(form.contains(#"<script src="/kiosk.js" defer></script>"#))
                let posted = try await tablet.post(location, [("overall", score), ("suggestion", "kiosk visitor \(score)")])
                #expect(posted.status == .seeOther)
                let thanks = String(buffer: try await tablet.get(try #require(posted.headers[.location])).body)
                #expect(thanks.contains(#"http-equiv="refresh" content="10;url=/k/makkah-registration""#))
                #expect(!thanks.contains("kiosk visitor"))
            }
            #expect(tablet.cookies.keys.allSatisfy { !$0.hasPrefix("rida_p_") }, "a kiosk is a shared device: no per-device cookie")
            let script = try await client.execute(uri: "/kiosk.js", method: .get)
            #expect(script.status == .ok && String(buffer: script.body).contains("pageshow"))
            // Leaving kiosk mode: a staff sign-in.
            let signedIn = try await tablet.signIn(key)
            #expect(signedIn.status == .seeOther)
            #expect(tablet.cookies[PointCookies.kioskName] == nil)
            let ended = try await tablet.get("/k/\(Self.point)")
            #expect(ended.status == .forbidden)
        }
        #expect(try await fixture.scalar("SELECT count(*) FROM response WHERE source = 'point'") == 3)
    }

    @Test func anAdminCreatesAndDeactivatesPointsAndPrintsAPoster() async throws {
        let fixture = try await AdminFixture()
        let key = try await fixture.key(.admin, name: "quality")
        try await fixture.app.test(.router) { client in
            var browser = Browser(client)
            _ = try await browser.signIn(key)
            let (_, csrf) = try await browser.dashboard(language: "en")
            let created = try await browser.post(
                "/admin/points?lang=en",
                [("csrf", csrf), ("code", "jeddah-phone"), ("department", "beneficiary-services"), ("channel", "phone"), ("place", "Jeddah call centre"),
                 ("languages", "ar"), ("languages", "en")])
            #expect(created.status == .seeOther)
            let duplicate = try await browser.post(
                "/admin/points?lang=en", [("csrf", csrf), ("code", "jeddah-phone"), ("department", "beneficiary-services"), ("channel", "phone")])
            #expect(duplicate.status == .unprocessableContent)
            #expect(String(buffer: duplicate.body).contains("Choose another code"))
            let badService = try await browser.post(
                "/admin/points?lang=en", [("csrf", csrf), ("code", "x-1"), ("department", "registration"), ("channel", "office"), ("service", "donation")])
            #expect(badService.status == .unprocessableContent)
            let poster = try await browser.get("/admin/points/jeddah-phone/poster?lang=en")
            #expect(poster.status == .ok)
            let html = String(buffer: poster.body)
            #expect(html.contains("https://survey.example.org/p/jeddah-phone"))
            #expect(html.contains("Rate our service in under a minute") && html.contains("قيّم خدمتنا"))
            let deactivated = try await browser.post("/admin/points/jeddah-phone?lang=en", [("csrf", csrf), ("active", "0")])
            #expect(deactivated.status == .seeOther)
            #expect(try await client.execute(uri: "/p/jeddah-phone", method: .get).status == .gone)
        }
        #expect(try await fixture.audit("point.created").map(\.subject) == ["jeddah-phone"])
        #expect(try await fixture.audit("point.deactivated").count == 1)
    }

    /// The attacker with every file but the secret: a point's answered link leaves its keyed hash
    /// alone, with no time, no point and no order; what is left open keeps only its hour.
    @Test func anAnsweredPointLinkLeavesNothingThatLinksItToItsResponse() async throws {
        let fixture = try await AdminFixture()
        try await fixture.app.test(.router) { client in
            var device = Browser(client)
            let answered = try await device.answerAtPoint(
                Self.point, body: [("overall", "1"), ("contact", "yes"), ("contact-phone", "0551234567"), ("suggestion", "too slow")])
            #expect(answered.status == .seeOther)
            var other = Browser(client)
            _ = try await other.get("/p/\(Self.point)")  // opened, never answered
        }
        try await fixture.store.writer.read { db in
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM follow_up") == 1, "the low score and the request opened a case")
            #expect(try db.columns(in: "spent_point_link").map(\.name) == ["token_hash"])
            let spentSQL = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'spent_point_link'") ?? ""
            #expect(spentSQL.contains("WITHOUT ROWID"))
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM spent_point_link") == 1)
            // The one link still open: its expiry is on the hour; no time of any case, event or
            // audit entry about a case equals it.
            let open = try Int64.fetchAll(db, sql: "SELECT expires_at FROM point_link")
            #expect(open.count == 1 && open.allSatisfy { $0 % 3600 == 0 })
            let times = Set(
                try Int64.fetchAll(db, sql: "SELECT opened_at FROM follow_up UNION SELECT due_at FROM follow_up UNION SELECT created_at FROM webhook_event"))
            #expect(times.isDisjoint(with: open))
            // The response keeps its day and unit, and its source; nothing of the link.
            let row = try #require(try Row.fetchOne(db, sql: "SELECT * FROM response"))
            #expect(Set(row.columnNames) == ["id", "day", "department_id", "channel_id", "segment_id", "service_id", "locale", "questionnaire_version_id", "source", "answers"])
            #expect(row["source"] as String == "point")
        }
        // No file holds the plain SHA-256 of a minted token: only keyed hashes are stored.
        let check = try await fixture.store.checkCells()
        #expect(check.isExact, "\(check.differences)")
    }
}
