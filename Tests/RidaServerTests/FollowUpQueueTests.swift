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

/// The follow-up call in the admin area and over the API: the queue first, with what the caller
/// needs; a call's outcome and note; resolved cases with their history. Improvement actions
/// edited, and registered once per form.
@Suite struct FollowUpQueueTests {
    /// A case whose beneficiary left a comment and a phone number, made overdue.
    func overdueCase(_ fixture: AdminFixture, _ client: any TestClientProtocol) async throws -> String {
        let token = try await fixture.issuer.issue([
            IssueRequest(department: "registration", channel: "office", segment: "umrah", service: "new-registration", locale: "ar")
        ])[0].token
        let response = try await client.execute(
            uri: "/s/\(token.value)", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
            body: ByteBuffer(string: "overall=1&recommend=3&suggestion=Nobody+explained+the+delay&contact=yes&contact-phone=055+123+4567"))
        #expect(response.status == .seeOther)
        let id = try #require(try await fixture.store.cases(status: .open, limit: 10).first?.id)
        try await fixture.store.writer.write { try $0.execute(sql: "UPDATE follow_up SET due_at = ? WHERE case_id = ?", arguments: [1_768_042_800, id]) }
        return id
    }

    @Test func theQueueComesFirstWithWhatTheCallerNeedsAndACallIsRecorded() async throws {
        let fixture = try await AdminFixture()
        let key = try await fixture.key(.admin, name: "duty desk")
        try await fixture.app.test(.router) { client in
            let id = try await overdueCase(fixture, client)
            var browser = Browser(client)
            _ = try await browser.signIn(key)
            var (page, csrf) = try await browser.dashboard()
            // First on the page, before the invitation statistics.
            let queue = try #require(page.range(of: #"id="cases""#)), statistics = try #require(page.range(of: #"id="invitations""#))
            #expect(queue.lowerBound < statistics.lowerBound)
            #expect(page.contains("Nobody explained the delay"), "the beneficiary's comment")
            #expect(page.contains("Overall satisfaction") && page.contains("1 / 5") && page.contains("3 / 10"), "the scores")
            #expect(page.contains("Registration") && page.contains("Service offices") && page.contains("New registration"), "unit and service by name")
            // 1 768 042 800 is 2026-01-10 11:00 UTC: 14:00 in Riyadh.
            #expect(page.contains("2026-01-10 14:00") && page.contains("(Asia/Riyadh, UTC+3)"))
            #expect(page.contains(#"href="tel:0551234567""#))
            #expect(page.contains("Overdue by"), "overdue in words")
            #expect(page.contains(#"class="case is-overdue""#))

            let recorded = try await browser.post(
                "/admin/cases/\(id)?lang=en", [("csrf", csrf), ("from", "open"), ("outcome", "resolved"), ("note", "Apologised; booked for Sunday")])
            #expect(recorded.status == .seeOther)
            (page, csrf) = try await browser.dashboard()
            let resolvedList = try #require(page.range(of: #"id="h-resolved""#))
            let shown = try #require(page.range(of: "Apologised; booked for Sunday"))
            #expect(resolvedList.lowerBound < shown.lowerBound, "listed with the resolved cases")
            #expect(page.contains("Open → Resolved") && page.contains("duty desk"))
            let stored = try #require(try await fixture.store.resolvedCases(limit: 5).first)
            #expect(stored.history.map(\.actor) == ["duty desk"] && stored.history.first?.outcome == .resolved)
            // An unknown outcome changes nothing.
            let wrong = try await browser.post("/admin/cases/\(id)?lang=en", [("csrf", csrf), ("outcome", "forgotten")])
            #expect(wrong.status == .unprocessableContent)
        }
    }

    @Test func theQueueIsInArabicWithNamesInThePagesLanguage() async throws {
        let fixture = try await AdminFixture()
        let key = try await fixture.key(.admin, name: "مكتب المتابعة")
        try await fixture.app.test(.router) { client in
            _ = try await overdueCase(fixture, client)
            var browser = Browser(client)
            _ = try await browser.signIn(key, language: "ar")
            let (page, _) = try await browser.dashboard(language: "ar")
            #expect(page.contains("التسجيل") && page.contains("مكاتب الخدمة") && page.contains("الرضا العام") && page.contains("متأخرة"))
        }
    }

    @Test func aFormSentTwiceRegistersOneActionAndAnActionIsEdited() async throws {
        let fixture = try await AdminFixture()
        let key = try await fixture.key(.analyst, name: "quality team")
        try await fixture.app.test(.router) { client in
            var browser = Browser(client)
            _ = try await browser.signIn(key)
            let (page, csrf) = try await browser.dashboard()
            let token = try #require(hidden("idempotency", in: page))
            #expect(page.contains(#"<option value="quality-team">Quality team</option>"#), "owners from the configured list")
            let fields = actionFields(csrf) + [("idempotency", token)]
            #expect(try await browser.post("/admin/actions?lang=en", fields).status == .seeOther)
            #expect(try await browser.post("/admin/actions?lang=en", fields).status == .seeOther)
            let actions = try await fixture.store.actions()
            #expect(actions.count == 1)
            // A name instead of a role is refused.
            let named = actionFields(csrf).map { $0.0 == "ownerRole" ? ("ownerRole", "Ahmed") : $0 }
            #expect(try await browser.post("/admin/actions?lang=en", named).status == .unprocessableContent)

            let id = try #require(actions.first?.id)
            let edit = try await browser.get("/admin/actions/\(id)?lang=en")
            #expect(edit.status == .ok)
            let form = String(buffer: edit.body)
            #expect(form.contains("Explain the documents at the counter") && form.contains(#"<option value="registration-head" selected>"#))
            let saved = try await browser.post(
                "/admin/actions/\(id)?lang=en",
                [("csrf", csrf), ("status", "completed"), ("description", "Explain the documents, with a leaflet"), ("ownerRole", "quality-team")])
            #expect(saved.status == .seeOther)
            let edited = try #require(try await fixture.store.actions().first)
            #expect(edited.status == .completed && edited.description == "Explain the documents, with a leaflet" && edited.ownerRole == "quality-team")
            let refused = try await browser.post(
                "/admin/actions/\(id)?lang=en", [("csrf", csrf), ("status", "completed"), ("description", " "), ("ownerRole", "quality-team")])
            #expect(refused.status == .unprocessableContent)
            #expect(String(buffer: refused.body).contains("Describe the change"))
            #expect(try await fixture.store.actions().first?.description == "Explain the documents, with a leaflet")
        }
    }

    @Test func theAPITakesANoteAndAnOutcomeAndEditsActionsOncePerKey() async throws {
        let fixture = try await AdminFixture()
        let admin = try await fixture.key(.admin, name: "case system")
        try await fixture.app.test(.router) { client in
            let id = try await overdueCase(fixture, client)
            let headers: HTTPFields = [.authorization: "Bearer \(admin)", .contentType: "application/json"]
            let body = ByteBuffer(string: #"{"status":"contacted","outcome":"reached","note":"Spoke with them"}"#)
            let moved = try await client.execute(uri: "/api/v1/follow-ups/\(id)", method: .patch, headers: headers, body: body)
            #expect(moved.status == .ok)
            let json = try #require(try JSONSerialization.jsonObject(with: Data(moved.body.readableBytesView)) as? [String: Any])
            let shown = try #require(json["case"] as? [String: Any])
            #expect(shown["comment"] as? String == "Nobody explained the delay")
            let history = try #require(shown["history"] as? [[String: Any]])
            #expect(history.count == 1 && history[0]["note"] as? String == "Spoke with them" && history[0]["actor"] as? String == "case system")
            #expect(history[0]["outcome"] as? String == "reached" && history[0]["previous"] as? String == "open")
            let bad = ByteBuffer(string: #"{"status":"contacted","outcome":"maybe"}"#)
            #expect(try await client.execute(uri: "/api/v1/follow-ups/\(id)", method: .patch, headers: headers, body: bad).status == .unprocessableContent)

            var post = headers
            post[HTTPField.Name("Idempotency-Key")!] = "retry-0123456789abcdef"
            let action = ByteBuffer(
                string: #"{"department":"registration","item":"time","description":"A second window","ownerRole":"registration-head","startDay":"2026-03-01"}"#)
            let first = try await client.execute(uri: "/api/v1/actions", method: .post, headers: post, body: action)
            let second = try await client.execute(uri: "/api/v1/actions", method: .post, headers: post, body: action)
            #expect(first.status == .created && second.status == .created)
            #expect(String(buffer: first.body) == String(buffer: second.body))
            let actions = try await fixture.store.actions()
            #expect(actions.count == 1)
            let named = ByteBuffer(
                string: #"{"department":"registration","item":"time","description":"x","ownerRole":"Ahmed Al-Harbi","startDay":"2026-03-01"}"#)
            #expect(try await client.execute(uri: "/api/v1/actions", method: .post, headers: headers, body: named).status == .unprocessableContent)

            let edit = ByteBuffer(string: #"{"description":"Two windows at peak hours","ownerRole":"quality-team"}"#)
            let edited = try await client.execute(uri: "/api/v1/actions/\(actions[0].id)", method: .patch, headers: headers, body: edit)
            #expect(edited.status == .ok)
            #expect(String(buffer: edited.body).contains("Two windows at peak hours") && String(buffer: edited.body).contains(#""status":"active""#))
            let empty = try await client.execute(uri: "/api/v1/actions/\(actions[0].id)", method: .patch, headers: headers, body: ByteBuffer(string: "{}"))
            #expect(empty.status == .unprocessableContent)
            // A field given as null is not a string: refused, as the document says.
            let null = ByteBuffer(string: #"{"status":"completed","ownerRole":null}"#)
            #expect(try await client.execute(uri: "/api/v1/actions/\(actions[0].id)", method: .patch, headers: headers, body: null).status == .unprocessableContent)
            #expect(try await fixture.store.actions().first?.status == .active)
        }
    }
}
