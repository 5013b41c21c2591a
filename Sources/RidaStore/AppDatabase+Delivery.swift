import Foundation
import GRDB
import RidaCore
import Synchronization

extension AppDatabase: SurveyStore {
    public func issue(_ invitations: [NewInvitation], progress: (@Sendable (Int) -> Void)?) async throws {
        try await writer.write { db in
            let index = try DimensionIndex(db)
            let references = invitations.enumerated().compactMap { item in item.element.referenceHash.map { (item.offset, $0) } }
            var duplicates: [Int] = []
            var seen = Set<Data>()
            for (position, hash) in references {
                let known = try Bool.fetchOne(db, sql: "SELECT 1 FROM invitation WHERE reference_hash = ?", arguments: [hash]) ?? false
                if known || !seen.insert(hash).inserted { duplicates.append(position) }
            }
            guard duplicates.isEmpty else { throw IssueError.duplicateReferences(duplicates) }
            try Self.insert(
                invitations.map(\.invitation), db, index, timeZone: self.settings.timeZone, referenceHashes: invitations.map(\.referenceHash),
                progress: progress)
        }
    }

    public func revoke(tokenHash: Data, at date: Date) async throws -> RevocationOutcome {
        try await writer.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT used_at, revoked_at FROM invitation WHERE token_hash = ?", arguments: [tokenHash])
            else { return .notFound }
            if row["revoked_at"] as Int64? != nil { return .alreadyRevoked }
            if row["used_at"] as Int64? != nil { return .alreadyUsed }
            try db.execute(
                sql: "UPDATE invitation SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL AND used_at IS NULL",
                arguments: [Timestamp.seconds(date), tokenHash])
            // Revocation, key creation and key revocation are done on the command line.
            try Self.appendAudit(db, AuditEntry(at: date, actor: Actor.commandLine.name, action: "invitation.revoked"))
            return .revoked
        }
    }

    public func invitation(tokenHash: Data, at date: Date) async throws -> InvitationDetails? {
        try await read { db in try self.invitation(db, tokenHash: tokenHash, at: date) }
    }

    /// The invitation with this token hash, with its pinned questionnaire and where it stands.
    func invitation(_ db: Database, tokenHash: Data, at date: Date) throws -> InvitationDetails? {
        let row = try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT department.code AS department, channel.code AS channel, segment.code AS segment,
                        service.code AS service, invitation.locale, invitation.questionnaire_version_id,
                        invitation.expires_at, invitation.used_at, invitation.revoked_at
                    FROM invitation
                    JOIN department ON department.id = invitation.department_id
                    JOIN channel ON channel.id = invitation.channel_id
                    LEFT JOIN segment ON segment.id = invitation.segment_id
                    LEFT JOIN service ON service.id = invitation.service_id
                    WHERE invitation.token_hash = ?
                    """), arguments: [tokenHash])
        guard let row else { return nil }
        // By column position, in the order selected above.
        let expiresAt: Int64 = row[6]
        let state: InvitationState =
            if row[7] as Int64? != nil { .used }
            else if row[8] as Int64? != nil { .revoked }
            else if expiresAt <= Timestamp.seconds(date) { .expired }
            else { .open }
        return InvitationDetails(
            unit: ServiceUnit(department: row[0], channel: row[1], segment: row[2], service: row[3]),
            locale: row[4], questionnaire: try questionnaire(db, id: row[5]), state: state,
            expiresAt: Date(timeIntervalSince1970: TimeInterval(expiresAt)))
    }

    /// The cell layout of a stored questionnaire version, computed once.
    func cellLayout(_ questionnaire: Questionnaire, id: Int64) -> CellLayout {
        if let layout = layoutCache.withLock({ $0[id] }) { return layout }
        let layout = CellLayout(questionnaire)
        layoutCache.withLock { $0[id] = layout }
        return layout
    }

    /// A stored questionnaire version (its structure never changes, so it is kept once read).
    func questionnaire(_ db: Database, id: Int64) throws -> Questionnaire {
        if let cached = questionnaireCache.withLock({ $0[id] }) { return cached }
        guard
            let definition = try String.fetchOne(
                db.cachedStatement(sql: "SELECT definition FROM questionnaire_version WHERE id = ?"), arguments: [id])
        else { throw StoreError.unknownReference(kind: "questionnaire version", id: "\(id)") }
        let questionnaire = try JSONDecoder().decode(Questionnaire.self, from: Data(definition.utf8))
        questionnaireCache.withLock { $0[id] = questionnaire }
        return questionnaire
    }

    public func submit(tokenHash: Data, _ request: SubmissionRequest, at date: Date) async throws -> SubmissionOutcome {
        let now = Timestamp.seconds(date)
        let day = CalendarDay(date, in: settings.timeZone)
        // Looking the invitation up on a reader first, beside the writer, measured slower: the
        // extra hop spreads submissions out, so fewer of them share each commit.
        return try await submissions.run { db, cells in
            guard let details = try self.invitation(db, tokenHash: tokenHash, at: date) else { return .notFound }
            guard details.state == .open else { return .closed(details) }
            let submission: ValidatedSubmission
            switch request.validate(details) {
            case .failure(let errors): return .invalid(details, errors)
            case .success(let valid): submission = valid
            }
            let locale = request.language(details)
            let reasons = submission.contact == nil ? [] : CasePolicy.reasons(submission.answers, in: details.questionnaire)
            // The guard: only an unused, unrevoked, unexpired invitation changes, and exactly once.
            let claimed = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        UPDATE invitation SET used_at = ?
                        WHERE token_hash = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?
                        RETURNING department_id, channel_id, segment_id, service_id, questionnaire_version_id, issued_at
                        """), arguments: [now, tokenHash, now])
            guard let claimed, db.changesCount == 1 else {
                // Unreachable while this transaction holds the writer; kept as the last guard.
                var closed = details
                closed.state = .used
                return .closed(closed)
            }
            let followUp = try Self.insertResponse(db, submission, claimed: claimed, day: day.description, locale: locale, erasureKey: request.erasureKey)
            if let followUp, !reasons.isEmpty {
                try Self.openCase(
                    db, followUpID: followUp.id, reasons: reasons, unit: details.unit, locale: locale, scores: followUp.scores,
                    policy: self.settings.casePolicy, at: date)
            }
            // The claimed row, by column position (see the RETURNING clause above).
            let department: Int64 = claimed[0], channel: Int64 = claimed[1]
            let segment: Int64 = claimed[2] ?? 0, service: Int64 = claimed[3] ?? 0
            let questionnaire: Int64 = claimed[4], issuedAt: Int64 = claimed[5]
            cells.use(self.cellLayout(details.questionnaire, id: questionnaire), for: questionnaire)
            try cells.addResponse(
                CellAccumulator.UnitKey(
                    day: day.daysSinceEpoch, department: department, channel: channel, segment: segment, service: service, locale: locale,
                    questionnaire: questionnaire),
                answers: submission.answers, db)
            cells.addInvitations(
                CellAccumulator.InvitationKey(
                    day: CellAccumulator.day(issuedAt, self.settings.timeZone), department: department, channel: channel, segment: segment,
                    service: service),
                issued: 0, answered: 1)
            return .stored(details)
        }
    }

    /// The response, its answers and texts, and the follow-up request if one was made (its row id
    /// and the scores it carries are returned).
    private static func insertResponse(
        _ db: Database, _ submission: ValidatedSubmission, claimed: Row, day: String, locale: String, erasureKey: Data?
    ) throws -> (id: Int64, scores: [String: String])? {
        // Department, channel, segment and service ids, then the questionnaire version (RETURNING order).
        let dimensions: [DatabaseValue] = (0..<4).map { claimed[$0] }
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO response (id, day, department_id, channel_id, segment_id, service_id, locale,
                    questionnaire_version_id, source, answers)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'invitation', ?)
                """)
        let answers = AnswerColumn.encode(submission.answers)
        var generator = SystemRandomNumberGenerator()
        var id = SurveyResponse.randomID(using: &generator)
        // A random id that is already taken (about one chance in 2^63 per response) fails the
        // insert alone, inside the transaction: draw another.
        while true {
            do {
                try insert.execute(
                    arguments: StatementArguments(
                        [id.databaseValue, day.databaseValue] + dimensions + [locale.databaseValue, claimed[4] as DatabaseValue, answers.databaseValue]))
                break
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
                id = SurveyResponse.randomID(using: &generator)
            }
        }
        let textStatement = try db.cachedStatement(sql: "INSERT INTO response_text (response_id, item, body) VALUES (?, ?, ?)")
        for text in submission.texts {
            try textStatement.execute(arguments: [id, text.item, Redaction.storedComment(text.text)])
        }
        if let contact = submission.contact {
            var scores: [String: String] = [:]
            for answer in submission.answers {
                if case .value(let value) = answer.value { scores[answer.item] = String(value) } else { scores[answer.item] = "na" }
            }
            try db.cachedStatement(
                sql: """
                    INSERT INTO follow_up (day, department_id, channel_id, segment_id, service_id, locale, scores, phone, email, erasure_key)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(
                arguments: StatementArguments(
                    [day.databaseValue] + dimensions
                        + [
                            locale.databaseValue, Self.json(scores).databaseValue, contact.phone.databaseValue, contact.email.databaseValue,
                            erasureKey.databaseValue,
                        ]))
            return (db.lastInsertedRowID, scores)
        }
        return nil
    }
}

extension AppDatabase: APIKeyStore {
    public func createKey(name: String, role: Role, keyHash: Data, at date: Date) async throws {
        try await writer.write { db in
            try db.execute(
                sql: "INSERT INTO api_key (name, role, key_hash, created_at) VALUES (?, ?, ?, ?)",
                arguments: [name, role.rawValue, keyHash, Timestamp.seconds(date)])
            try Self.appendAudit(db, AuditEntry(at: date, actor: Actor.commandLine.name, action: "apikey.created", subject: name, detail: role.rawValue))
        }
    }

    public func listKeys() async throws -> [APIKey] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT name, role, created_at, last_used_at, revoked_at FROM api_key ORDER BY name").map(Self.apiKey)
        }
    }

    public func revokeKey(name: String, at date: Date) async throws -> Bool {
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE api_key SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL", arguments: [Timestamp.seconds(date), name])
            guard db.changesCount == 1 else { return false }
            try Self.appendAudit(db, AuditEntry(at: date, actor: Actor.commandLine.name, action: "apikey.revoked", subject: name))
            return true
        }
    }

    /// How fresh a key's recorded last use is kept: within this many seconds, a request is
    /// answered from a read alone, so that API calls do not each queue a write behind survey
    /// submissions.
    static let lastUseResolution: Int64 = 60

    public func authenticate(keyHash: Data, at date: Date) async throws -> APIKey? {
        let now = Timestamp.seconds(date)
        let known = try await read { db in
            try Row.fetchOne(
                db, sql: "SELECT name, role, created_at, last_used_at, revoked_at FROM api_key WHERE key_hash = ? AND revoked_at IS NULL",
                arguments: [keyHash]
            ).map(Self.apiKey)
        }
        guard let known else { return nil }
        if let last = known.lastUsedAt, (now - Self.lastUseResolution)...now ~= Timestamp.seconds(last) { return known }
        return try await writer.write { db in
            guard
                let row = try Row.fetchOne(
                    db,
                    sql: """
                        UPDATE api_key SET last_used_at = ? WHERE key_hash = ? AND revoked_at IS NULL
                        RETURNING name, role, created_at, last_used_at, revoked_at
                        """, arguments: [now, keyHash])
            else { return nil }
            return Self.apiKey(row)
        }
    }

    static func apiKey(_ row: Row) -> APIKey {
        func date(_ column: String) -> Date? { (row[column] as Int64?).map { Date(timeIntervalSince1970: TimeInterval($0)) } }
        return APIKey(
            name: row["name"], role: Role(rawValue: row["role"]) ?? .issuer, createdAt: date("created_at") ?? .distantPast,
            lastUsedAt: date("last_used_at"), revokedAt: date("revoked_at"))
    }
}
