import Foundation
import GRDB
import RidaCore
import Synchronization

extension AppDatabase: SurveyStore {
    public func issue(_ invitations: [NewInvitation], progress: (@Sendable (Int) -> Void)?) async throws {
        try await writer.write { db in try self.insertIssued(invitations, db, progress: progress) }
    }

    /// Stores new invitations in the caller's transaction, refusing references already issued.
    func insertIssued(_ invitations: [NewInvitation], _ db: Database, progress: (@Sendable (Int) -> Void)?) throws {
        let index = try DimensionIndex(db)
        let references = invitations.enumerated().compactMap { item in item.element.referenceHash.map { (item.offset, self.key($0)) } }
        var duplicates: [Int] = []
        var seen = Set<Data>()
        for (position, key) in references {
            // A reference is never issued twice: neither while its invitation is open nor once it is spent.
            let known = try SpentInvitations.referenceKnown(db, key)
            if known || !seen.insert(key).inserted { duplicates.append(position) }
        }
        guard duplicates.isEmpty else { throw IssueError.duplicateReferences(duplicates) }
        try Self.insert(
            invitations.map(\.invitation), db, index, timeZone: self.settings.timeZone, secret: self.secret, now: nil,
            referenceHashes: invitations.map(\.referenceHash), progress: progress)
    }

    public func revoke(tokenHash: Data, at date: Date) async throws -> RevocationOutcome {
        let tokenKey = key(tokenHash)
        return try await writer.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT revoked_at FROM invitation WHERE token_hash = ?", arguments: [tokenKey]) else {
                switch try SpentInvitations.state(db, tokenKey: tokenKey) {
                case .used: return .alreadyUsed
                case .revoked: return .alreadyRevoked
                case .expired: return .expired
                case nil: return .notFound
                }
            }
            if row["revoked_at"] as Int64? != nil { return .alreadyRevoked }
            try db.execute(
                sql: "UPDATE invitation SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
                arguments: [Timestamp.seconds(date), tokenKey])
            // Revocation, key creation and key revocation are done on the command line.
            try Self.appendAudit(db, AuditEntry(at: date, actor: Actor.commandLine.name, action: "invitation.revoked"))
            return .revoked
        }
    }

    public func invitation(tokenHash: Data, at date: Date) async throws -> InvitationDetails? {
        let tokenKey = key(tokenHash)
        // One indexed read: on this thread when a direct connection is free, else through the pool.
        if let direct = try directReaders?.read({ db in try self.invitation(db, tokenKey: tokenKey, at: date) }) { return direct }
        return try await read { db in try self.invitation(db, tokenKey: tokenKey, at: date) }
    }

    /// The invitation whose keyed token hash is `tokenKey`, with its pinned questionnaire and
    /// where it stands. A spent invitation has no unit, locale or questionnaire left: it is
    /// described by its state and the newest questionnaire version (whose languages the page offers).
    func invitation(_ db: Database, tokenKey: Data, at date: Date) throws -> InvitationDetails? {
        let row = try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT department.code AS department, channel.code AS channel, segment.code AS segment,
                        service.code AS service, invitation.locale, invitation.questionnaire_version_id,
                        invitation.expires_at, invitation.revoked_at
                    FROM invitation
                    JOIN department ON department.id = invitation.department_id
                    JOIN channel ON channel.id = invitation.channel_id
                    LEFT JOIN segment ON segment.id = invitation.segment_id
                    LEFT JOIN service ON service.id = invitation.service_id
                    WHERE invitation.token_hash = ?
                    """), arguments: [tokenKey])
        guard let row else {
            guard let spent = try SpentInvitations.state(db, tokenKey: tokenKey) else { return try pointLink(db, tokenKey: tokenKey, at: date) }
            guard
                let newest = try Int64.fetchOne(
                    db.cachedStatement(sql: "SELECT id FROM questionnaire_version ORDER BY created_at DESC, id DESC LIMIT 1"))
            else { return nil }
            let state: InvitationState =
                switch spent {
                case .used: .used
                case .expired: .expired
                case .revoked: .revoked
                }
            return InvitationDetails(unit: nil, locale: "", questionnaire: try questionnaire(db, id: newest), state: state, expiresAt: .distantPast)
        }
        // By column position, in the order selected above.
        let expiresAt: Int64 = row[6]
        let state: InvitationState =
            if row[7] as Int64? != nil { .revoked }
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
        let tokenKey = key(tokenHash)
        let erasureKey = request.erasureKey.map(key)
        // Looking the invitation up on a reader first, beside the writer, measured slower: the
        // extra hop spreads submissions out, so fewer of them share each commit.
        return try await submissions.run { db, cells in
            guard let details = try self.invitation(db, tokenKey: tokenKey, at: date) else { return .notFound }
            guard details.state == .open, let unit = details.unit else { return .closed(details) }
            let submission: ValidatedSubmission
            switch request.validate(details) {
            case .failure(let errors): return .invalid(details, errors)
            case .success(let valid): submission = valid
            }
            let locale = request.language(details)
            let reasons = submission.contact == nil ? [] : CasePolicy.caseReasons(submission.answers, in: details.questionnaire)
            if let point = details.point {
                if request.answeredPoints.contains(point) { return .answeredAtPoint(details) }
                return try self.claimPointLink(
                    db, &cells, tokenKey: tokenKey, details: details, submission: submission, unit: unit, locale: locale, reasons: reasons,
                    erasureKey: erasureKey, day: day, at: date)
            }
            // The guard: only an unrevoked, unexpired invitation is claimed, and exactly once. The
            // claim deletes its row, so nothing of it (unit, times, position) outlives the answer;
            // only the keyed token hash stays, spent.
            let claimed = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        DELETE FROM invitation
                        WHERE token_hash = ? AND revoked_at IS NULL AND expires_at > ?
                        RETURNING department_id, channel_id, segment_id, service_id, questionnaire_version_id, issued_at, reference_hash
                        """), arguments: [tokenKey, now])
            guard let claimed, db.changesCount == 1 else {
                // Unreachable while this transaction holds the writer; kept as the last guard.
                var closed = details
                closed.state = .used
                return .closed(closed)
            }
            try db.cachedStatement(sql: "INSERT INTO spent_invitation (token_hash, state, reference_hash) VALUES (?, 'used', ?)")
                .execute(arguments: [tokenKey, claimed[6] as DatabaseValue])
            let followUp = try Self.insertResponse(
                db, submission, dimensions: (0..<4).map { claimed[$0] }, questionnaire: claimed[4], source: .invitation, day: day.description,
                locale: locale, erasureKey: erasureKey)
            if let followUp, !reasons.isEmpty {
                try Self.openCase(
                    db, followUpID: followUp.id, reasons: reasons, unit: unit, locale: locale, scores: followUp.scores,
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
                    questionnaire: questionnaire, source: ResponseSource.invitation.rawValue),
                answers: submission.answers, db)
            cells.addInvitations(
                CellAccumulator.InvitationKey(
                    day: CellAccumulator.day(issuedAt, self.settings.timeZone), department: department, channel: channel, segment: segment,
                    service: service),
                issued: 0, answered: 1)
            return .stored(details)
        }
    }

    /// A minted link of a point of service, claimed as an invitation is (deleted, its keyed hash
    /// kept spent), with its response: source `point`, counted in the point's day and in no
    /// invitation cell (a point has no denominator).
    private func claimPointLink(
        _ db: Database, _ cells: inout CellAccumulator, tokenKey: Data, details: InvitationDetails, submission: ValidatedSubmission, unit: ServiceUnit,
        locale: String, reasons: [CaseReason], erasureKey: Data?, day: CalendarDay, at date: Date
    ) throws -> SubmissionOutcome {
        guard
            let claimed = try Row.fetchOne(
                db.cachedStatement(
                    sql: """
                        DELETE FROM point_link WHERE token_hash = ? AND expires_at > ?
                        RETURNING point_id, questionnaire_version_id
                        """), arguments: [tokenKey, Timestamp.seconds(date)]),
            let ids = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT department_id, channel_id, service_id FROM point WHERE id = ? AND active = 1"),
                arguments: [claimed[0] as Int64])
        else {
            var closed = details
            closed.state = .used
            return .closed(closed)
        }
        try db.cachedStatement(sql: "INSERT INTO spent_point_link (token_hash) VALUES (?)").execute(arguments: [tokenKey])
        let dimensions: [DatabaseValue] = [ids[0], ids[1], .null, ids[2]]
        let followUp = try Self.insertResponse(
            db, submission, dimensions: dimensions, questionnaire: claimed[1], source: .point, day: day.description, locale: locale,
            erasureKey: erasureKey)
        if let followUp, !reasons.isEmpty {
            try Self.openCase(
                db, followUpID: followUp.id, reasons: reasons, unit: unit, locale: locale, scores: followUp.scores, policy: self.settings.casePolicy,
                at: date)
        }
        let questionnaire: Int64 = claimed[1]
        cells.use(self.cellLayout(details.questionnaire, id: questionnaire), for: questionnaire)
        try cells.addResponse(
            CellAccumulator.UnitKey(
                day: day.daysSinceEpoch, department: ids[0], channel: ids[1], segment: 0, service: ids[2] ?? 0, locale: locale,
                questionnaire: questionnaire, source: ResponseSource.point.rawValue),
            answers: submission.answers, db)
        try PointTables.count(db, point: claimed[0], day: day.description, opened: 0, answered: 1)
        return .stored(details)
    }

    /// The response, its answers and texts, and the follow-up request if one was made (its row id
    /// and the scores it carries are returned). `dimensions`: department, channel, segment and
    /// service ids.
    private static func insertResponse(
        _ db: Database, _ submission: ValidatedSubmission, dimensions: [DatabaseValue], questionnaire: DatabaseValue, source: ResponseSource,
        day: String, locale: String, erasureKey: Data?
    ) throws -> (id: Int64, scores: [String: String])? {
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO response (id, day, department_id, channel_id, segment_id, service_id, locale,
                    questionnaire_version_id, source, answers)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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
                        [id.databaseValue, day.databaseValue] + dimensions
                            + [locale.databaseValue, questionnaire, source.rawValue.databaseValue, answers.databaseValue]))
                break
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
                id = SurveyResponse.randomID(using: &generator)
            }
        }
        let textStatement = try db.cachedStatement(sql: "INSERT INTO response_text (response_id, item, body) VALUES (?, ?, ?)")
        var masked: [String] = []
        for text in submission.texts {
            let body = Redaction.storedComment(text.text)
            masked.append(body)
            try textStatement.execute(arguments: [id, text.item, body])
        }
        if let contact = submission.contact {
            var scores: [String: String] = [:]
            for answer in submission.answers {
                if case .value(let value) = answer.value { scores[answer.item] = String(value) } else { scores[answer.item] = "na" }
            }
            // A random row id (63 bits; a taken one fails this submission alone, which the
            // beneficiary may send again): follow-up requests keep no order of arrival.
            let followUpID = SpentInvitations.randomRowID(using: &generator)
            let head: [DatabaseValue] = [followUpID.databaseValue, day.databaseValue]
            // The comment, masked as stored, goes with the contact request: the beneficiary asked to
            // be contacted about their answers, and the caller needs to read what they wrote.
            let comment = masked.filter { !$0.isEmpty }.joined(separator: "\n\n")
            let tail: [DatabaseValue] = [
                locale.databaseValue, Self.json(scores).databaseValue, contact.phone.databaseValue, contact.email.databaseValue,
                erasureKey.databaseValue, (comment.isEmpty ? nil : comment).databaseValue,
            ]
            try db.cachedStatement(
                sql: """
                    INSERT INTO follow_up (id, day, department_id, channel_id, segment_id, service_id, locale, scores, phone, email, erasure_key, comment)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            ).execute(arguments: StatementArguments(head + dimensions + tail))
            return (followUpID, scores)
        }
        return nil
    }
}

extension AppDatabase: APIKeyStore {
    public func createKey(name: String, role: Role, departments: [String], keyHash: Data, at date: Date) async throws {
        let scope = departments.isEmpty ? nil : String(decoding: try JSONEncoder().encode(departments), as: UTF8.self)
        try await writer.write { db in
            for code in departments {
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM department WHERE code = ?", arguments: [code]) == true else {
                    throw StoreError.unknownReference(kind: "department", id: code)
                }
            }
            try db.execute(
                sql: "INSERT INTO api_key (name, role, key_hash, created_at, departments) VALUES (?, ?, ?, ?, ?)",
                arguments: [name, role.rawValue, keyHash, Timestamp.seconds(date), scope])
            let detail = role.rawValue + (departments.isEmpty ? "" : " for " + departments.joined(separator: ", "))
            try Self.appendAudit(db, AuditEntry(at: date, actor: Actor.commandLine.name, action: "apikey.created", subject: name, detail: detail))
        }
    }

    public func listKeys() async throws -> [APIKey] {
        try await read { db in
            try Row.fetchAll(db, sql: "SELECT name, role, created_at, last_used_at, revoked_at, departments FROM api_key ORDER BY name").map(Self.apiKey)
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
                db, sql: "SELECT name, role, created_at, last_used_at, revoked_at, departments FROM api_key WHERE key_hash = ? AND revoked_at IS NULL",
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
                        RETURNING name, role, created_at, last_used_at, revoked_at, departments
                        """, arguments: [now, keyHash])
            else { return nil }
            return Self.apiKey(row)
        }
    }

    static func apiKey(_ row: Row) -> APIKey {
        func date(_ column: String) -> Date? { (row[column] as Int64?).map { Date(timeIntervalSince1970: TimeInterval($0)) } }
        return APIKey(
            name: row["name"], role: Role(rawValue: row["role"]) ?? .issuer, createdAt: date("created_at") ?? .distantPast,
            lastUsedAt: date("last_used_at"), revokedAt: date("revoked_at"),
            departments: scope(row["departments"]))
    }

    /// A stored scope; one that cannot be read allows no department (never every one).
    static func scope(_ text: String?) -> [String] {
        guard let text else { return [] }
        guard let codes = try? JSONDecoder().decode([String].self, from: Data(text.utf8)), !codes.isEmpty else { return [""] }
        return codes
    }
}
