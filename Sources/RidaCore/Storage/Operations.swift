import Foundation

/// Where a follow-up case stands. A case only moves forward: open → contacted → resolved
/// (an open case may also be resolved directly, e.g. when the beneficiary cannot be reached).
public enum CaseStatus: String, Hashable, Sendable, Codable, CaseIterable {
    case open, contacted, resolved

    public func canMove(to next: CaseStatus) -> Bool {
        switch (self, next) {
        case (.open, .contacted), (.open, .resolved), (.contacted, .resolved): true
        default: false
        }
    }
}

/// What the person who called back found: the beneficiary was reached, could not be reached, or
/// the matter is settled.
public enum CaseOutcome: String, Hashable, Sendable, Codable, CaseIterable {
    case reached
    case notReachable = "not-reachable"
    case resolved
}

/// One move of a case, as its history shows it: who (the key's or session's name), when, from
/// where to where, with the outcome and the note given. Deleted with the case.
public struct CaseHistoryEntry: Hashable, Sendable, Codable {
    public var at: Date
    public var actor: String
    public var previous: CaseStatus
    public var status: CaseStatus
    public var outcome: CaseOutcome?
    public var note: String?

    public init(at: Date, actor: String, previous: CaseStatus, status: CaseStatus, outcome: CaseOutcome?, note: String?) {
        self.at = at
        self.actor = actor
        self.previous = previous
        self.status = status
        self.outcome = outcome
        self.note = note
    }
}

/// A move asked for: the status the case goes to (its current one to record a call without
/// moving it), with an optional outcome and note.
public struct CaseChange: Hashable, Sendable {
    public static let maximumNoteLength = 2000

    public var status: CaseStatus
    public var outcome: CaseOutcome?
    public var note: String?

    public init(status: CaseStatus, outcome: CaseOutcome? = nil, note: String? = nil) {
        self.status = status
        self.outcome = outcome
        let trimmed = note?.trimmingCharacters(in: .whitespacesAndNewlines)
        self.note = trimmed?.isEmpty == false ? trimmed : nil
    }

    /// The status an outcome leads to from where a case stands: reached → contacted (a contacted
    /// case stays so), not reachable → where it stands, resolved → resolved.
    public static func status(for outcome: CaseOutcome, from current: CaseStatus) -> CaseStatus {
        switch outcome {
        case .reached: current == .open ? .contacted : current
        case .notReachable: current
        case .resolved: .resolved
        }
    }

    /// What is wrong with the change itself, by field: empty when valid.
    public var problems: [String: String] {
        var problems: [String: String] = [:]
        if let note, note.count > Self.maximumNoteLength { problems["note"] = "at most \(Self.maximumNoteLength) characters" }
        if outcome == .resolved, status != .resolved { problems["outcome"] = "resolved goes with the status resolved" }
        if outcome == .reached, status == .open { problems["outcome"] = "reached goes with the status contacted or resolved" }
        return problems
    }

    /// Whether it changes anything from `current`: a move forward, or a call recorded (an outcome
    /// or a note) on a case not yet resolved.
    public func applies(to current: CaseStatus) -> Bool {
        if current.canMove(to: status) { return true }
        return status == current && current != .resolved && (outcome != nil || note != nil)
    }
}

/// Why a response opened a case: a low overall score or a detractor on the recommendation scale.
public enum CaseReason: String, Hashable, Sendable, Codable {
    case lowSatisfaction = "low-satisfaction"
    case detractor
    /// Asked to be contacted, with no low score: the thank-you page promises a call all the same.
    case contactRequested = "contact-requested"
}

/// The rule that turns a contact request into a follow-up case, and the service level.
public struct CasePolicy: Hashable, Sendable {
    /// Hours from the response to the date by which the beneficiary should have been contacted.
    public var dueWithinHours: Int

    public init(dueWithinHours: Int = 72) {
        self.dueWithinHours = dueWithinHours
    }

    /// The low scores among this submission's answers: a satisfaction (CSAT) answer in the bottom
    /// two points of its scale, or a recommendation (NPS) answer of 0–6.
    public static func reasons(_ answers: [ItemAnswer], in questionnaire: Questionnaire) -> [CaseReason] {
        var reasons: [CaseReason] = []
        for answer in answers {
            guard case .value(let value) = answer.value, let item = questionnaire.items.first(where: { $0.id == answer.item }),
                let scale = item.scale
            else { continue }
            // The measure's negative answers (in the version's fingerprint) open a case.
            guard let measure = item.measure, measure.definition(on: scale).negative?.contains(value) == true else { continue }
            switch measure {
            case .csat: reasons.append(.lowSatisfaction)
            case .nps: reasons.append(.detractor)
            case .ces: continue
            }
        }
        return reasons
    }

    /// Why a submission whose beneficiary asked to be contacted opens its case: its low scores,
    /// or, without any, the request itself. Every contact request is a case, since the
    /// beneficiary is told that someone will get in touch.
    public static func caseReasons(_ answers: [ItemAnswer], in questionnaire: Questionnaire) -> [CaseReason] {
        let low = reasons(answers, in: questionnaire)
        return low.isEmpty ? [.contactRequested] : low
    }
}

/// A follow-up case as the queue shows it. The contact detail is there for the person who calls
/// back; it is nowhere else, and it is deleted when the retention period ends.
public struct FollowUpCase: Hashable, Sendable, Codable {
    public var id: String
    public var status: CaseStatus
    public var reasons: [CaseReason]
    public var day: String
    public var department: String
    public var channel: String
    public var segment: String?
    public var service: String?
    public var locale: String
    public var scores: [String: String]
    /// The beneficiary's own comment (masked as stored), copied in when they asked to be contacted.
    public var comment: String?
    public var phone: String?
    public var email: String?
    public var openedAt: Date
    public var dueAt: Date
    public var updatedAt: Date
    /// Every move, oldest first.
    public var history: [CaseHistoryEntry]

    public init(
        id: String, status: CaseStatus, reasons: [CaseReason], day: String, department: String, channel: String, segment: String?,
        service: String?, locale: String, scores: [String: String], comment: String? = nil, phone: String?, email: String?, openedAt: Date,
        dueAt: Date, updatedAt: Date, history: [CaseHistoryEntry] = []
    ) {
        self.id = id
        self.status = status
        self.reasons = reasons
        self.day = day
        self.department = department
        self.channel = channel
        self.segment = segment
        self.service = service
        self.locale = locale
        self.scores = scores
        self.comment = comment
        self.phone = phone
        self.email = email
        self.openedAt = openedAt
        self.dueAt = dueAt
        self.updatedAt = updatedAt
        self.history = history
    }

    public func isOverdue(at date: Date) -> Bool { status == .open && dueAt < date }
}

public enum CaseUpdateOutcome: Hashable, Sendable {
    case updated(FollowUpCase)
    case notFound
    /// The move is not allowed from where the case stands (e.g. resolved → open).
    case refused(current: CaseStatus)
    /// The change is not valid in itself (by field), whatever the case.
    case invalid([String: String])
}

/// Who did something that the audit log records: the API key's name, or the command line.
public struct Actor: Hashable, Sendable {
    public var name: String

    public init(_ name: String) { self.name = name }

    public static let commandLine = Actor("command line")
    public static let server = Actor("server")
}

/// One line of the append-only audit log.
public struct AuditEntry: Hashable, Sendable, Codable {
    public var at: Date
    public var actor: String
    public var action: String
    public var subject: String?
    public var detail: String?

    public init(at: Date, actor: String, action: String, subject: String? = nil, detail: String? = nil) {
        self.at = at
        self.actor = actor
        self.action = action
        self.subject = subject
        self.detail = detail
    }
}

/// Where an improvement action stands.
public enum ActionStatus: String, Hashable, Sendable, Codable, CaseIterable {
    case planned, active, completed, abandoned
}

/// An improvement action: what a unit changes to improve one measured item, owned by a role —
/// never a named person.
public struct ImprovementAction: Hashable, Sendable, Codable {
    public var id: String
    public var department: String
    /// nil: every channel of the department.
    public var channel: String?
    public var item: String
    public var description: String
    public var ownerRole: String
    /// The day the change took effect: responses before it are the baseline, after it the effect.
    public var startDay: String
    public var status: ActionStatus
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, department: String, channel: String?, item: String, description: String, ownerRole: String, startDay: String,
        status: ActionStatus, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.department = department
        self.channel = channel
        self.item = item
        self.description = description
        self.ownerRole = ownerRole
        self.startDay = startDay
        self.status = status
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// A change to an improvement action: each field given replaces the stored one.
public struct ActionChange: Hashable, Sendable {
    public var status: ActionStatus?
    public var description: String?
    public var ownerRole: String?

    public init(status: ActionStatus? = nil, description: String? = nil, ownerRole: String? = nil) {
        self.status = status
        self.description = description?.trimmingCharacters(in: .whitespacesAndNewlines)
        self.ownerRole = ownerRole?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public var isEmpty: Bool { status == nil && description == nil && ownerRole == nil }

    /// What is wrong with it, by field, checked against the configuration: empty when valid.
    public func problems(in configuration: SeedConfiguration) -> [String: String] {
        var problems: [String: String] = [:]
        if let description { problems["description"] = NewImprovementAction.descriptionProblem(description) }
        if let ownerRole { problems["ownerRole"] = NewImprovementAction.ownerProblem(ownerRole, in: configuration) }
        return problems
    }
}

/// A new improvement action, as a user enters it.
public struct NewImprovementAction: Hashable, Sendable {
    public var department: String
    public var channel: String?
    public var item: String
    public var description: String
    public var ownerRole: String
    public var startDay: CalendarDay
    public var status: ActionStatus

    public init(department: String, channel: String?, item: String, description: String, ownerRole: String, startDay: CalendarDay, status: ActionStatus = .active) {
        self.department = department
        self.channel = channel
        self.item = item
        self.description = description
        self.ownerRole = ownerRole
        self.startDay = startDay
        self.status = status
    }

    /// What is wrong with it, by field, checked against the configuration: empty when valid.
    public func problems(in configuration: SeedConfiguration) -> [String: String] {
        var problems: [String: String] = [:]
        if !configuration.departments.contains(where: { $0.id == department }) { problems["department"] = "unknown department" }
        if let channel, !configuration.channels.contains(where: { $0.id == channel }) { problems["channel"] = "unknown channel" }
        let items = Set(configuration.questionnaires.flatMap { $0.items.filter { $0.kind == .rating }.map(\.id) })
        if !items.contains(item) { problems["item"] = "unknown rated item" }
        problems["description"] = Self.descriptionProblem(description)
        problems["ownerRole"] = Self.ownerProblem(ownerRole, in: configuration)
        return problems
    }

    static func descriptionProblem(_ description: String) -> String? {
        let trimmed = description.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return "required" }
        return trimmed.count > 2000 ? "at most 2000 characters" : nil
    }

    /// An owner is one of the configured roles (`seeds/owners.yaml`), by its id.
    static func ownerProblem(_ ownerRole: String, in configuration: SeedConfiguration) -> String? {
        let role = ownerRole.trimmingCharacters(in: .whitespacesAndNewlines)
        if role.isEmpty { return "required" }
        guard configuration.owners.contains(where: { $0.id == role }) else {
            return "one of the configured owner roles: " + configuration.owners.map(\.id).joined(separator: ", ")
        }
        return nil
    }
}

/// An event for the configured webhook, kept in the outbox until the receiver acknowledges it.
public struct OutboxEvent: Hashable, Sendable {
    /// Random, and the idempotency key the receiver sees: a redelivery carries the same id.
    public var id: String
    public var kind: String
    /// The JSON body, exactly as signed and sent.
    public var body: String
    public var attempts: Int

    public init(id: String, kind: String, body: String, attempts: Int) {
        self.id = id
        self.kind = kind
        self.body = body
        self.attempts = attempts
    }
}

/// What `rida purge` removed.
public struct PurgeSummary: Hashable, Sendable, Codable {
    public var texts: Int
    public var contacts: Int
    public var events: Int
    /// Unanswered invitations past their expiry, reduced to their spent token hash.
    public var expiredInvitations: Int

    public init(texts: Int = 0, contacts: Int = 0, events: Int = 0, expiredInvitations: Int = 0) {
        self.texts = texts
        self.contacts = contacts
        self.events = events
        self.expiredInvitations = expiredInvitations
    }
}

/// What `rida erase --token` found and removed.
public struct ErasureSummary: Hashable, Sendable, Codable {
    public var invitationFound: Bool
    public var invitationRevoked: Bool
    public var referenceRemoved: Bool
    public var contactsRemoved: Int
    public var responseSubmitted: Bool

    public init(invitationFound: Bool, invitationRevoked: Bool = false, referenceRemoved: Bool = false, contactsRemoved: Int = 0, responseSubmitted: Bool = false) {
        self.invitationFound = invitationFound
        self.invitationRevoked = invitationRevoked
        self.referenceRemoved = referenceRemoved
        self.contactsRemoved = contactsRemoved
        self.responseSubmitted = responseSubmitted
    }
}

/// Counts of invitations for the admin area.
public struct InvitationStatistics: Hashable, Sendable, Codable {
    public var issued: Int
    public var answered: Int
    public var open: Int
    public var expired: Int
    public var revoked: Int

    public init(issued: Int, answered: Int, open: Int, expired: Int, revoked: Int) {
        self.issued = issued
        self.answered = answered
        self.open = open
        self.expired = expired
        self.revoked = revoked
    }
}

extension OperationsStore {
    public func updateCase(id: String, to status: CaseStatus, by actor: Actor, at date: Date) async throws -> CaseUpdateOutcome {
        try await updateCase(id: id, CaseChange(status: status), by: actor, at: date)
    }

    public func addAction(_ action: NewImprovementAction, by actor: Actor, at date: Date) async throws -> ImprovementAction {
        try await addAction(action, idempotencyKey: nil, by: actor, at: date).action
    }

    public func updateAction(id: String, status: ActionStatus, by actor: Actor, at date: Date) async throws -> ImprovementAction? {
        try await updateAction(id: id, ActionChange(status: status), by: actor, at: date)
    }
}

/// Follow-up cases, improvement actions, the audit log, the webhook outbox, retention and erasure.
public protocol OperationsStore: Sendable {
    func cases(status: CaseStatus?, limit: Int) async throws -> [FollowUpCase]
    /// Resolved cases, most recently changed first, with their history.
    func resolvedCases(limit: Int) async throws -> [FollowUpCase]
    func updateCase(id: String, _ change: CaseChange, by actor: Actor, at date: Date) async throws -> CaseUpdateOutcome

    func actions() async throws -> [ImprovementAction]
    /// Registers an action once per idempotency key: a repeat with the same key returns the
    /// action the first one registered (`created` false) and changes nothing.
    func addAction(_ action: NewImprovementAction, idempotencyKey: String?, by actor: Actor, at date: Date) async throws -> (
        action: ImprovementAction, created: Bool
    )
    func updateAction(id: String, _ change: ActionChange, by actor: Actor, at date: Date) async throws -> ImprovementAction?

    func audit(_ entry: AuditEntry) async throws
    func auditLog(limit: Int) async throws -> [AuditEntry]

    func pendingEvents(at date: Date, limit: Int) async throws -> [OutboxEvent]
    func markDelivered(_ id: String, at date: Date) async throws
    func markFailed(_ id: String, error: String, retryAt: Date) async throws

    func invitationStatistics(at date: Date) async throws -> InvitationStatistics

    /// Deletes free text and contact details older than `retentionDays` (and delivered webhook
    /// events), for real: secure_delete, then a WAL checkpoint that truncates the log.
    func purge(retentionDays: Int, at date: Date, by actor: Actor) async throws -> PurgeSummary
    /// Removes what the invitation with this token hash led to, where it can still be found.
    func erase(token: InvitationToken, at date: Date, by actor: Actor) async throws -> ErasureSummary
}
