import Foundation
import GRDB
import RidaCore
import Testing

@testable import RidaStore

/// A case's history (moves, outcomes, notes), the comment copied into it, and what retention and
/// erasure do to them; improvement actions edited and registered once per idempotency key.
@Suite struct FollowUpHistoryTests {
    let helper = OperationsTests()
    var now: Date { helper.now }

    @Test func eachMoveKeepsWhoWhenTheOutcomeAndTheNoteAndTheAuditLogKeepsNoNote() async throws {
        let (store, configuration, _) = try await helper.store()
        let token = try await helper.invitation(store)
        #expect(try await helper.submit(store, configuration, token, helper.fields(overall: 1, text: "The counter closed early, call me at 0551112223")).isStored)
        let opened = try #require(try await store.cases(status: .open, limit: 1).first)
        // The comment the beneficiary left comes with the case, masked as stored.
        #expect(opened.comment == "The counter closed early, call me at [phone]")
        #expect(opened.history.isEmpty)

        let desk = Actor("quality-desk")
        let first = now.addingTimeInterval(60), second = now.addingTimeInterval(120), third = now.addingTimeInterval(180)
        // A call that did not get through keeps the case where it is.
        guard case .updated(let tried) = try await store.updateCase(
            id: opened.id, CaseChange(status: .open, outcome: .notReachable, note: "  No answer at 10:00  "), by: desk, at: first)
        else { Issue.record("not recorded"); return }
        #expect(tried.status == .open)
        #expect(tried.history == [CaseHistoryEntry(at: first.wholeSeconds, actor: "quality-desk", previous: .open, status: .open, outcome: .notReachable, note: "No answer at 10:00")])
        guard case .updated = try await store.updateCase(
            id: opened.id, CaseChange(status: .contacted, outcome: .reached, note: "Apologised; a new appointment on Sunday"), by: desk, at: second)
        else { Issue.record("not contacted"); return }
        guard case .updated(let resolved) = try await store.updateCase(
            id: opened.id, CaseChange(status: .resolved, outcome: .resolved, note: "Served on Sunday"), by: Actor("supervisor"), at: third)
        else { Issue.record("not resolved"); return }
        #expect(resolved.history.map(\.status) == [.open, .contacted, .resolved])
        #expect(resolved.history.map(\.actor) == ["quality-desk", "quality-desk", "supervisor"])
        #expect(resolved.history.map(\.outcome) == [.notReachable, .reached, .resolved])
        #expect(resolved.history.last?.note == "Served on Sunday")
        #expect(try await store.resolvedCases(limit: 5).map(\.id) == [opened.id])
        #expect(try await store.resolvedCases(limit: 5).first?.history.count == 3)

        // A resolved case takes no further note; an empty change on an open one is refused too.
        #expect(try await store.updateCase(id: opened.id, CaseChange(status: .resolved, note: "again"), by: desk, at: third) == .refused(current: .resolved))
        // Invalid in itself: too long a note, an outcome that contradicts the status.
        let long = String(repeating: "x", count: 2001)
        guard case .invalid(let problems) = try await store.updateCase(id: opened.id, CaseChange(status: .resolved, note: long), by: desk, at: third)
        else { Issue.record("a long note was taken"); return }
        #expect(problems.keys.contains("note"))
        guard case .invalid = try await store.updateCase(id: opened.id, CaseChange(status: .contacted, outcome: .resolved), by: desk, at: third)
        else { Issue.record("a contradiction was taken"); return }

        let log = try await store.auditLog(limit: 10).filter { $0.subject == opened.id }
        #expect(log.map(\.action) == ["case.resolved", "case.contacted", "case.noted"])
        #expect(log.allSatisfy { !($0.detail ?? "").contains("Sunday") && !($0.detail ?? "").contains("10:00") }, "no note in the audit log")
        // Nor in the webhook's events.
        let events = try await store.pendingEvents(at: third, limit: 10).map(\.body)
        #expect(events.contains { $0.contains("not-reachable") } && !events.contains { $0.contains("Sunday") })
    }

    @Test func thePurgeAndAnErasureTakeTheCommentCopyTheHistoryAndItsNotes() async throws {
        let (store, configuration, path) = try await helper.store()
        let old = now.addingTimeInterval(-400 * 86400)
        let comment = "OLD-COMMENT-\(UUID().uuidString)", note = "OLD-NOTE-\(UUID().uuidString)"
        let erasedNote = "ERASED-NOTE-\(UUID().uuidString)", keptNote = "KEPT-NOTE-\(UUID().uuidString)"
        var oldFields = helper.fields(overall: 1, text: comment)
        oldFields["contact-phone"] = ["0559876543"]
        #expect(try await helper.submit(store, configuration, try await helper.invitation(store, issuedAt: old), oldFields, at: old).isStored)
        let oldCase = try #require(try await store.cases(status: .open, limit: 5).first)
        _ = try await store.updateCase(id: oldCase.id, CaseChange(status: .resolved, outcome: .resolved, note: note), by: Actor("desk"), at: old)
        let erased = try await helper.invitation(store)
        #expect(try await helper.submit(store, configuration, erased, helper.fields(overall: 2)).isStored)
        #expect(try await helper.submit(store, configuration, try await helper.invitation(store), helper.fields(overall: 1)).isStored)
        for open in try await store.cases(status: .open, limit: 5) {
            let text = open.scores["overall"] == "2" ? erasedNote : keptNote
            _ = try await store.updateCase(id: open.id, CaseChange(status: .contacted, outcome: .reached, note: text), by: Actor("desk"), at: now)
        }
        func files() throws -> Data {
            var data = try Data(contentsOf: URL(fileURLWithPath: path))
            if let wal = try? Data(contentsOf: URL(fileURLWithPath: path + "-wal")) { data.append(wal) }
            return data
        }
        let before = try files()
        for planted in [comment, note, erasedNote, keptNote] { #expect(before.range(of: Data(planted.utf8)) != nil, "\(planted) is stored") }

        let summary = try await store.purge(retentionDays: 365, at: now, by: .commandLine)
        #expect(summary.contacts == 1)
        _ = try await store.erase(token: erased, at: now, by: .commandLine)
        let after = try files()
        #expect(after.range(of: Data(comment.utf8)) == nil, "the comment copied into the case is gone")
        #expect(after.range(of: Data(note.utf8)) == nil, "the old case's note is gone")
        #expect(after.range(of: Data(erasedNote.utf8)) == nil, "the erased case's note is gone")
        #expect(after.range(of: Data(keptNote.utf8)) != nil, "a recent case keeps its history")
        let entries = try await store.writer.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM follow_up_entry") }
        #expect(entries == 1)
    }

    @Test func anActionIsRegisteredOncePerIdempotencyKeyAndEdited() async throws {
        let (store, configuration, _) = try await helper.store()
        let new = NewImprovementAction(
            department: "registration", channel: nil, item: "time", description: "Appointments by phone", ownerRole: "registration-head",
            startDay: CalendarDay(year: 2026, month: 3, day: 1))
        let key = String(repeating: "ab12", count: 8)
        let first = try await store.addAction(new, idempotencyKey: key, by: Actor("analyst"), at: now)
        let again = try await store.addAction(new, idempotencyKey: key, by: Actor("analyst"), at: now.addingTimeInterval(1))
        #expect(first.created && !again.created && again.action == first.action)
        #expect(try await store.actions().count == 1)
        #expect(try await store.auditLog(limit: 10).filter { $0.action == "action.created" }.count == 1)
        // Another key, or none, is another action.
        _ = try await store.addAction(new, idempotencyKey: String(repeating: "cd34", count: 8), by: Actor("analyst"), at: now)
        _ = try await store.addAction(new, by: Actor("analyst"), at: now)
        #expect(try await store.actions().count == 3)

        // Owners come from the configured list of roles, never free text (a person's name).
        var named = new
        named.ownerRole = "Ahmed Al-Harbi"
        #expect(named.problems(in: configuration).keys.contains("ownerRole"))
        #expect(ActionChange(ownerRole: "Ahmed Al-Harbi").problems(in: configuration).keys.contains("ownerRole"))
        #expect(ActionChange(description: " ").problems(in: configuration).keys.contains("description"))

        let change = ActionChange(status: .completed, description: "Appointments by phone and online", ownerRole: "quality-team")
        #expect(change.problems(in: configuration).isEmpty)
        let edited = try #require(try await store.updateAction(id: first.action.id, change, by: Actor("analyst"), at: now))
        #expect(edited.status == .completed && edited.description == "Appointments by phone and online" && edited.ownerRole == "quality-team")
        #expect(edited.startDay == "2026-03-01" && edited.department == "registration")
        let onlyText = try #require(try await store.updateAction(id: first.action.id, ActionChange(description: "Online only"), by: Actor("analyst"), at: now))
        #expect(onlyText.status == .completed && onlyText.description == "Online only")
        let log = try await store.auditLog(limit: 3).filter { $0.subject == first.action.id }.map { "\($0.action) \($0.detail ?? "")" }
        #expect(log == ["action.edited description", "action.completed status, description, ownerRole"])
    }
}

extension Date {
    /// To the second, as the store keeps instants.
    var wholeSeconds: Date { Date(timeIntervalSince1970: timeIntervalSince1970.rounded(.down)) }
}
