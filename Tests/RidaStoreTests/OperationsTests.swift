import Foundation
import GRDB
import RidaCore
import Testing

@testable import RidaStore

/// Follow-up cases, the audit log, improvement actions, the webhook outbox, retention and erasure.
@Suite struct OperationsTests {
    let now = Date()

    func store(dueWithinHours: Int = 72) async throws -> (AppDatabase, SeedConfiguration, String) {
        let path = temporaryDatabasePath()
        let store = try AppDatabase(path: path, settings: DatabaseSettings(casePolicy: CasePolicy(dueWithinHours: dueWithinHours)))
        let configuration = try shippedConfiguration()
        _ = try await store.synchronize(with: configuration)
        return (store, configuration, path)
    }

    func invitation(_ store: AppDatabase, issuedAt: Date? = nil) async throws -> InvitationToken {
        var generator = SystemRandomNumberGenerator()
        let token = InvitationToken.generate(using: &generator)
        let issued = issuedAt ?? now
        try await store.issue([
            NewInvitation(
                invitation: Invitation(
                    tokenHash: token.hash, unit: ServiceUnit(department: "registration", channel: "phone", segment: "hajj", service: nil),
                    locale: "ar", questionnaire: "default", questionnaireVersion: 1, issuedAt: issued, expiresAt: issued.addingTimeInterval(30 * 86400)),
                referenceHash: Data((0..<32).map { _ in UInt8.random(in: 0...255) }))
        ])
        return token
    }

    /// Submits through the invitation, with the answers given and a contact request.
    func submit(
        _ store: AppDatabase, _ configuration: SeedConfiguration, _ token: InvitationToken, _ fields: [String: [String]], at date: Date? = nil
    ) async throws -> SubmissionOutcome {
        let questionnaire = try #require(configuration.currentQuestionnaire())
        return try await store.submit(
            tokenHash: token.hash,
            SubmissionRequest(
                validate: { _ in SubmissionValidator(questionnaire: questionnaire).validate(fields) }, language: { _ in "ar" },
                erasureKey: token.erasureKey),
            at: date ?? now)
    }

    static let contact: [String: [String]] = ["contact": ["yes"], "contact-phone": ["0551234567"]]

    func fields(overall: Int, recommend: Int? = nil, contact: Bool = true, text: String? = nil) -> [String: [String]] {
        var fields: [String: [String]] = ["overall": ["\(overall)"]]
        if let recommend { fields["recommend"] = ["\(recommend)"] }
        if contact { fields.merge(Self.contact) { $1 } }
        if let text { fields["suggestion"] = [text] }
        return fields
    }

    @Test func aLowScoreWithAContactRequestOpensACaseDueWithinTheServiceLevel() async throws {
        let (store, configuration, _) = try await store(dueWithinHours: 48)
        #expect(try await submit(store, configuration, try await invitation(store), fields(overall: 2)).isStored)
        let cases = try await store.cases(status: nil, limit: 10)
        let opened = try #require(cases.first)
        #expect(cases.count == 1)
        #expect(opened.status == .open && opened.reasons == [.lowSatisfaction])
        #expect(opened.department == "registration" && opened.channel == "phone" && opened.phone == "0551234567")
        // Due 48 hours after the hour of the answer: kept to the hour, never later than promised.
        let hour = (now.timeIntervalSince1970 / 3600).rounded(.down) * 3600
        #expect(opened.dueAt.timeIntervalSince1970 == hour + 48 * 3600)
        #expect(opened.openedAt.timeIntervalSince1970 == hour)
        #expect(opened.id.count == 32)
        // Its event waits in the outbox, without the contact detail.
        let events = try await store.pendingEvents(at: now, limit: 10)
        #expect(events.map(\.kind) == ["case.opened"])
        #expect(events[0].body.contains(opened.id) && !events[0].body.contains("0551234567"))
    }

    /// Every contact request is a case — the thank-you page promises a call — with its low scores
    /// as reasons, or the request itself; a low score without a request opens none.
    @Test func everyContactRequestOpensACaseWithItsReasons() async throws {
        let (store, configuration, _) = try await store()
        #expect(try await submit(store, configuration, try await invitation(store), fields(overall: 4, recommend: 6)).isStored)
        #expect(try await submit(store, configuration, try await invitation(store), fields(overall: 5, recommend: 9)).isStored)
        #expect(try await submit(store, configuration, try await invitation(store), fields(overall: 1, contact: false)).isStored)
        let cases = try await store.cases(status: nil, limit: 10)
        #expect(Set(cases.map(\.reasons)) == [[.detractor], [.contactRequested]])
        let followUps = try await store.writer.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM follow_up") }
        #expect(followUps == 2)
    }

    @Test func aCaseMovesForwardOnlyAndEveryMoveIsAudited() async throws {
        let (store, configuration, _) = try await store()
        _ = try await submit(store, configuration, try await invitation(store), fields(overall: 1))
        let id = try #require(try await store.cases(status: .open, limit: 1).first?.id)
        let admin = Actor("quality-desk")
        guard case .updated(let contacted) = try await store.updateCase(id: id, to: .contacted, by: admin, at: now) else {
            Issue.record("not updated")
            return
        }
        #expect(contacted.status == .contacted)
        #expect(try await store.updateCase(id: id, to: .open, by: admin, at: now) == .refused(current: .contacted))
        #expect(try await store.updateCase(id: "0123", to: .resolved, by: admin, at: now) == .notFound)
        guard case .updated = try await store.updateCase(id: id, to: .resolved, by: admin, at: now) else {
            Issue.record("not resolved")
            return
        }
        let log = try await store.auditLog(limit: 10)
        #expect(log.map(\.action) == ["case.resolved", "case.contacted"])
        #expect(log.allSatisfy { $0.actor == "quality-desk" && $0.subject == id })
        #expect(try await store.pendingEvents(at: now, limit: 10).map(\.kind) == ["case.opened", "case.updated", "case.updated"])
    }

    @Test func theAuditLogIsAppendOnly() async throws {
        let (store, _, _) = try await store()
        try await store.audit(AuditEntry(at: now, actor: "admin-key", action: "apikey.created", subject: "reports"))
        await #expect(throws: DatabaseError.self) {
            try await store.writer.write { try $0.execute(sql: "UPDATE audit_log SET actor = 'someone else'") }
        }
        await #expect(throws: DatabaseError.self) {
            try await store.writer.write { try $0.execute(sql: "DELETE FROM audit_log") }
        }
        #expect(try await store.auditLog(limit: 5).map(\.actor) == ["admin-key"])
    }

    @Test func outboxEventsAreRetriedUntilDelivered() async throws {
        let (store, configuration, _) = try await store()
        _ = try await submit(store, configuration, try await invitation(store), fields(overall: 1))
        let event = try #require(try await store.pendingEvents(at: now, limit: 10).first)
        try await store.markFailed(event.id, error: "connection refused", retryAt: now.addingTimeInterval(30))
        #expect(try await store.pendingEvents(at: now, limit: 10).isEmpty)
        let retried = try #require(try await store.pendingEvents(at: now.addingTimeInterval(31), limit: 10).first)
        #expect(retried.id == event.id && retried.attempts == 1 && retried.body == event.body)
        try await store.markDelivered(event.id, at: now.addingTimeInterval(31))
        #expect(try await store.pendingEvents(at: now.addingTimeInterval(3600), limit: 10).isEmpty)
    }

    @Test func improvementActionsAreRegisteredAndAudited() async throws {
        let (store, configuration, _) = try await store()
        let new = NewImprovementAction(
            department: "registration", channel: "phone", item: "time", description: "A second line at peak hours", ownerRole: "registration-head",
            startDay: CalendarDay(now, in: riyadh))
        #expect(new.problems(in: configuration).isEmpty)
        var wrong = new
        wrong.department = "nobody"
        wrong.item = "suggestion"
        wrong.ownerRole = " "
        #expect(Set(wrong.problems(in: configuration).keys) == ["department", "item", "ownerRole"])
        let action = try await store.addAction(new, by: Actor("analyst-key"), at: now)
        #expect(action.status == .active && action.channel == "phone")
        let done = try #require(try await store.updateAction(id: action.id, status: .completed, by: Actor("analyst-key"), at: now))
        #expect(done.status == .completed)
        #expect(try await store.updateAction(id: "nope", status: .completed, by: Actor("analyst-key"), at: now) == nil)
        #expect(try await store.actions().map(\.id) == [action.id])
        #expect(try await store.auditLog(limit: 5).map(\.action) == ["action.completed", "action.created"])
    }

    /// After the purge, the free text and the contact detail are in neither the database file nor
    /// its write-ahead log.
    @Test func purgeDeletesOldTextAndContactsForReal() async throws {
        let (store, configuration, path) = try await store()
        let old = now.addingTimeInterval(-400 * 86400)
        let secretText = "PURGE-ME-\(UUID().uuidString)"
        let keptText = "KEEP-ME-\(UUID().uuidString)"
        var oldFields = fields(overall: 1, text: secretText)
        oldFields["contact-phone"] = ["0559876543"]
        #expect(try await submit(store, configuration, try await invitation(store, issuedAt: old), oldFields, at: old).isStored)
        #expect(try await submit(store, configuration, try await invitation(store), fields(overall: 5, contact: false, text: keptText)).isStored)
        func files() throws -> Data {
            var data = try Data(contentsOf: URL(fileURLWithPath: path))
            if let wal = try? Data(contentsOf: URL(fileURLWithPath: path + "-wal")) { data.append(wal) }
            return data
        }
        #expect(try files().range(of: Data(secretText.utf8)) != nil, "the text is stored before the purge")
        let summary = try await store.purge(retentionDays: 365, at: now, by: .commandLine)
        #expect(summary.texts == 1 && summary.contacts == 1)
        let after = try files()
        #expect(after.range(of: Data(secretText.utf8)) == nil)
        #expect(after.range(of: Data("0559876543".utf8)) == nil)
        #expect(after.range(of: Data(keptText.utf8)) != nil)
        // The response itself stays, as an anonymous statistic.
        #expect(try await store.counts().responses == 2)
        #expect(try await store.checkCells().isExact)
        #expect(try await store.auditLog(limit: 1).first?.action == "retention.purged")
    }

    @Test func eraseRemovesWhatTheInvitationLedTo() async throws {
        let (store, configuration, path) = try await store()
        let answered = try await invitation(store)
        let unanswered = try await invitation(store)
        #expect(try await submit(store, configuration, answered, fields(overall: 1)).isStored)
        let summary = try await store.erase(token: answered, at: now, by: .commandLine)
        #expect(summary == ErasureSummary(invitationFound: true, referenceRemoved: true, contactsRemoved: 1, responseSubmitted: true))
        #expect(try await store.cases(status: nil, limit: 10).isEmpty)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(data.range(of: Data("0551234567".utf8)) == nil)
        let unused = try await store.erase(token: unanswered, at: now, by: .commandLine)
        #expect(unused.invitationRevoked && !unused.responseSubmitted && unused.contactsRemoved == 0)
        #expect(try await store.invitation(tokenHash: unanswered.hash, at: now)?.state == .revoked)
        var generator = SystemRandomNumberGenerator()
        #expect(try await store.erase(token: InvitationToken.generate(using: &generator), at: now, by: .commandLine).invitationFound == false)
    }
}

extension SubmissionOutcome {
    var isStored: Bool {
        if case .stored = self { return true }
        return false
    }
}
