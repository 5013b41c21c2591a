import Foundation

/// Who may call which part of the API.
public enum Role: String, Hashable, Sendable, Codable, CaseIterable {
    case issuer, analyst, board, admin
}

/// An API key as listed: the key itself is never stored, only its SHA-256.
public struct APIKey: Hashable, Sendable {
    public var name: String
    public var role: Role
    public var createdAt: Date
    public var lastUsedAt: Date?
    public var revokedAt: Date?
    /// The departments an issuing key may issue for; empty: every department.
    public var departments: [String]

    public init(name: String, role: Role, createdAt: Date, lastUsedAt: Date? = nil, revokedAt: Date? = nil, departments: [String] = []) {
        self.name = name
        self.role = role
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
        self.departments = departments
    }

    /// Whether this key may issue invitations for `department`.
    public func mayIssue(for department: String) -> Bool {
        departments.isEmpty || departments.contains(department)
    }
}

/// Where an invitation stands.
public enum InvitationState: Hashable, Sendable {
    case open, used, expired, revoked
}

/// What the questionnaire page needs to know about an invitation.
public struct InvitationDetails: Sendable {
    /// Nil once the invitation is spent (answered or expired): it then keeps no unit.
    public var unit: ServiceUnit?
    /// Empty once the invitation is spent.
    public var locale: String
    /// The questionnaire version pinned when the invitation was issued; once it is spent, the
    /// newest stored version (its languages serve the page that says so).
    public var questionnaire: Questionnaire
    public var state: InvitationState
    /// Once spent, unknown (`distantPast`).
    public var expiresAt: Date
    /// The point of service that minted this link, while it is open; nil for an invitation.
    public var point: String?

    public init(unit: ServiceUnit?, locale: String, questionnaire: Questionnaire, state: InvitationState, expiresAt: Date) {
        self.unit = unit
        self.locale = locale
        self.questionnaire = questionnaire
        self.state = state
        self.expiresAt = expiresAt
    }
}

/// What happened to a submission.
public enum SubmissionOutcome: Sendable {
    /// Stored, and the invitation marked used, in one transaction.
    case stored(InvitationDetails)
    /// The answers do not fit the invitation's questionnaire: nothing stored, token not used.
    case invalid(InvitationDetails, SubmissionErrors)
    /// The invitation is used, expired or revoked (`state` says which): nothing stored.
    case closed(InvitationDetails)
    /// A link of a point this device has already answered at today (`SubmissionRequest.answeredPoints`):
    /// nothing stored, the link still open.
    case answeredAtPoint(InvitationDetails)
    case notFound
}

/// How a submission is checked and labelled once its invitation is known: the validation
/// against the pinned questionnaire, and the language the response was given in.
public struct SubmissionRequest: Sendable {
    public var validate: @Sendable (InvitationDetails) -> Result<ValidatedSubmission, SubmissionErrors>
    public var language: @Sendable (InvitationDetails) -> String
    /// Kept with a follow-up request so the holder of the link can have it erased
    /// (`InvitationToken.erasureKey`).
    public var erasureKey: Data?
    /// Points of service the submitting device has answered at today (its signed cookies): a
    /// link of one of them is not claimed.
    public var answeredPoints: Set<String> = []

    public init(
        validate: @escaping @Sendable (InvitationDetails) -> Result<ValidatedSubmission, SubmissionErrors>,
        language: @escaping @Sendable (InvitationDetails) -> String, erasureKey: Data? = nil
    ) {
        self.validate = validate
        self.language = language
        self.erasureKey = erasureKey
    }
}

/// A new invitation to store: only the hash of its token and of its external reference.
public struct NewInvitation: Sendable {
    public var invitation: Invitation
    public var referenceHash: Data?

    public init(invitation: Invitation, referenceHash: Data? = nil) {
        self.invitation = invitation
        self.referenceHash = referenceHash
    }
}

/// Errors when issuing invitations.
public enum IssueError: Error, Hashable, Sendable {
    /// These external references (by position in the batch) were already issued.
    case duplicateReferences([Int])
}

/// What happened to a revocation.
public enum RevocationOutcome: Hashable, Sendable {
    /// `expired`: past its expiry, the invitation can no longer be used, so there is nothing to revoke.
    case revoked, alreadyRevoked, alreadyUsed, expired, notFound
}

/// The beneficiary's side: invitations, the questionnaire they pin, and exactly-once submission.
public protocol SurveyStore: Sendable {
    /// All or nothing.
    /// `progress`, if given, is told how many have been written so far (the write stays one
    /// transaction: all or nothing).
    func issue(_ invitations: [NewInvitation], progress: (@Sendable (Int) -> Void)?) async throws
    func revoke(tokenHash: Data, at: Date) async throws -> RevocationOutcome
    func invitation(tokenHash: Data, at: Date) async throws -> InvitationDetails?
    /// In one write transaction: finds the invitation, validates the answers against its pinned
    /// questionnaire, marks it used only where it is unused, unexpired and not revoked, and
    /// stores the response (and a follow-up request, when the beneficiary asked for one).
    func submit(tokenHash: Data, _ request: SubmissionRequest, at: Date) async throws -> SubmissionOutcome
}

extension SurveyStore {
    public func issue(_ invitations: [NewInvitation]) async throws {
        try await issue(invitations, progress: nil)
    }
}

/// API keys, stored hashed.
public protocol APIKeyStore: Sendable {
    /// `departments` limits what the key may issue for (empty: every department); each must be known.
    func createKey(name: String, role: Role, departments: [String], keyHash: Data, at: Date) async throws
    func listKeys() async throws -> [APIKey]
    /// False when no active key has this name.
    func revokeKey(name: String, at: Date) async throws -> Bool
    /// The active key with this hash, its last use recorded (to the minute).
    func authenticate(keyHash: Data, at: Date) async throws -> APIKey?
}

extension APIKeyStore {
    /// A key for every department.
    public func createKey(name: String, role: Role, keyHash: Data, at date: Date) async throws {
        try await createKey(name: name, role: role, departments: [], keyHash: keyHash, at: date)
    }
}
