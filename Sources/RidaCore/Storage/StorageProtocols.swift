/// The storage interfaces the server, analytics and command line depend on. The embedded
/// SQLite store implements them; another database can be added behind the same protocols.

/// What loading the seed configuration into the store changed.
public struct SynchronizationReport: Hashable, Sendable {
    public var inserted: [String]
    public var updated: [String]
    /// Rows no longer in the configuration; they are kept (old responses refer to them) but
    /// marked inactive so no new invitation can name them.
    public var deactivated: [String]

    public init(inserted: [String] = [], updated: [String] = [], deactivated: [String] = []) {
        self.inserted = inserted
        self.updated = updated
        self.deactivated = deactivated
    }

    public var isEmpty: Bool { inserted.isEmpty && updated.isEmpty && deactivated.isEmpty }
}

/// Errors the store reports in domain terms.
public enum StoreError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The configuration changed what the answers of a questionnaire version already stored mean
    /// (its items, scales, label order or measures): `change` says what, `file` where.
    case questionnaireVersionChanged(key: String, version: Int, file: String?, change: String)
    /// A record names a department, channel, segment, service or questionnaire the store does not know.
    case unknownReference(kind: String, id: String)
    /// The database was written by a newer version of Rida.
    case newerSchema
    /// A start-up check of the connection settings failed.
    case pragmaMismatch(name: String, expected: String, actual: String)
    /// The database is busy, full or read-only: try again later.
    case unavailable(String)
    /// The server secret's key file is missing, unreadable, open to others, or not a key.
    case secret(String)

    public var description: String {
        switch self {
        case .questionnaireVersionChanged(let key, let version, let file, let change):
            "\(file.map { "\($0): " } ?? "")questionnaire \(key) version \(version) is already stored, and this file changes what its "
                + "answers mean: \(change). Stored answers keep their meaning only if the version does not change: put the change "
                + "in a new file with version \(version + 1) (wording alone may still be corrected in place)"
        case .unknownReference(let kind, let id):
            "unknown \(kind) \"\(id)\""
        case .newerSchema:
            "the database was written by a newer version of Rida"
        case .pragmaMismatch(let name, let expected, let actual):
            "database setting \(name) is \(actual), expected \(expected)"
        case .unavailable(let reason):
            "the database is unavailable: \(reason)"
        case .secret(let reason):
            reason
        }
    }
}

/// Loads the seed configuration into the store.
public protocol ConfigurationStore: Sendable {
    /// Inserts what is new, updates names and order, deactivates what was removed.
    /// Running it twice with the same configuration changes nothing the second time.
    func synchronize(with configuration: SeedConfiguration) async throws -> SynchronizationReport
}

/// Bulk writes of invitations and responses, all or nothing.
public protocol SurveyBulkWriter: Sendable {
    func insert(invitations: [Invitation], responses: [SurveyResponse]) async throws
}

/// Row counts, for status output and health.
public struct StoreCounts: Hashable, Sendable, Codable {
    public var invitations: Int
    public var usedInvitations: Int
    public var responses: Int
    public var answers: Int
    public var texts: Int

    public init(invitations: Int, usedInvitations: Int, responses: Int, answers: Int, texts: Int) {
        self.invitations = invitations
        self.usedInvitations = usedInvitations
        self.responses = responses
        self.answers = answers
        self.texts = texts
    }
}

/// Issued and answered invitations and responses for one unit and Gregorian month.
public struct MonthlyVolume: Hashable, Sendable, Codable {
    /// `YYYY-MM`.
    public var month: String
    public var department: String
    public var channel: String
    /// Invitations issued in the month.
    public var issued: Int
    /// Of those, how many were answered.
    public var answered: Int
    /// Responses dated in the month (from invitations and imports).
    public var responses: Int

    public init(month: String, department: String, channel: String, issued: Int, answered: Int, responses: Int) {
        self.month = month
        self.department = department
        self.channel = channel
        self.issued = issued
        self.answered = answered
        self.responses = responses
    }
}

/// Read access the status commands and health checks need.
public protocol StoreStatusReader: Sendable {
    /// Succeeds when the database answers a query.
    func ping() async throws
    /// Whether the store can take writes now: the problems found (none when ready), checked by
    /// a committed write and the free disk space beside the database.
    func readiness(minimumFreeBytes: Int64) async -> StoreReadiness
    func counts() async throws -> StoreCounts
    /// Monthly volumes in the organisation's time zone.
    func monthlyVolumes() async throws -> [MonthlyVolume]
}

/// What `/readyz` reports.
public struct StoreReadiness: Sendable, Equatable {
    /// Why writes cannot succeed now; empty when ready.
    public var problems: [String]
    /// Free bytes on the database's file system, when known.
    public var freeBytes: Int64?

    public init(problems: [String], freeBytes: Int64? = nil) {
        self.problems = problems
        self.freeBytes = freeBytes
    }
}

extension StoreStatusReader {
    /// A store that cannot tell more is ready when it answers.
    public func readiness(minimumFreeBytes: Int64) async -> StoreReadiness {
        do {
            try await ping()
            return StoreReadiness(problems: [])
        } catch {
            return StoreReadiness(problems: ["the database does not answer"])
        }
    }
}
