import Crypto
import Foundation

/// A request to issue invitations for completed services of one kind.
public struct IssueRequest: Hashable, Sendable, Codable {
    public var department: String
    public var channel: String
    public var segment: String?
    public var service: String?
    /// The beneficiary's language; the questionnaire's default language when absent.
    public var locale: String?
    public var count: Int?
    public var expiresInDays: Int?
    /// The case system's own reference, stored only hashed, so a re-sent request issues nothing twice.
    public var reference: String?

    public init(
        department: String, channel: String, segment: String? = nil, service: String? = nil, locale: String? = nil, count: Int? = nil,
        expiresInDays: Int? = nil, reference: String? = nil
    ) {
        self.department = department
        self.channel = channel
        self.segment = segment
        self.service = service
        self.locale = locale
        self.count = count
        self.expiresInDays = expiresInDays
        self.reference = reference
    }
}

/// An invitation as handed back once, at issue: the only time its token exists outside the
/// beneficiary's message.
public struct IssuedInvitation: Hashable, Sendable {
    public var token: InvitationToken
    public var url: URL
    public var expiresAt: Date

    public init(token: InvitationToken, url: URL, expiresAt: Date) {
        self.token = token
        self.url = url
        self.expiresAt = expiresAt
    }
}

extension IssuedInvitation {
    /// `{"invitations":[{"token":…, "url":…, "expiresAt":…}]}`, as the CLI prints it and the API returns it.
    public static func json(_ issued: [IssuedInvitation], pretty: Bool = false) throws -> Data {
        struct Body: Encodable {
            struct Item: Encodable {
                var token: String
                var url: String
                var expiresAt: String
            }
            var invitations: [Item]
        }
        let formatter = ISO8601DateFormatter()
        let body = Body(
            invitations: issued.map { .init(token: $0.token.value, url: $0.url.absoluteString, expiresAt: formatter.string(from: $0.expiresAt)) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.withoutEscapingSlashes, .prettyPrinted, .sortedKeys] : [.withoutEscapingSlashes]
        return try encoder.encode(body)
    }
}

/// Why a request cannot be issued; `field` names the offending input.
public struct IssueRequestError: Error, Hashable, Sendable, CustomStringConvertible {
    public var field: String
    public var message: String

    public var description: String { "\(field): \(message)" }
}

/// Turns issue requests into stored invitations and one-time links.
public struct InvitationIssuer: Sendable {
    public static let defaultLifetimeDays = 30
    public static let maximumLifetimeDays = 365
    public static let maximumCount = 10_000

    public let configuration: SeedConfiguration
    public let store: any SurveyStore
    public let baseURL: URL
    /// The organisation's time zone: an invitation expires at the end of a day in it.
    public var timeZone = TimeZone(identifier: "Asia/Riyadh")!

    public init(configuration: SeedConfiguration, store: any SurveyStore, baseURL: URL) {
        self.configuration = configuration
        self.store = store
        self.baseURL = baseURL
    }

    /// Checks a request against the configuration; returns the invitation template and count.
    public func validate(_ request: IssueRequest) throws(IssueRequestError) -> (unit: ServiceUnit, locale: String, questionnaire: Questionnaire, count: Int, days: Int) {
        guard let questionnaire = configuration.currentQuestionnaire() else {
            throw IssueRequestError(field: "questionnaire", message: "no questionnaire is configured")
        }
        guard let department = configuration.departments.first(where: { $0.id == request.department }) else {
            throw IssueRequestError(field: "department", message: "unknown department \"\(request.department)\"")
        }
        guard configuration.channels.contains(where: { $0.id == request.channel }) else {
            throw IssueRequestError(field: "channel", message: "unknown channel \"\(request.channel)\"")
        }
        if let segment = request.segment, !configuration.segments.contains(where: { $0.id == segment }) {
            throw IssueRequestError(field: "segment", message: "unknown segment \"\(segment)\"")
        }
        if let service = request.service, !department.services.contains(where: { $0.id == service }) {
            throw IssueRequestError(field: "service", message: "unknown service \"\(service)\" of department \"\(department.id)\"")
        }
        let locale = request.locale ?? configuration.defaultLanguage
        guard questionnaire.languages.contains(locale) else {
            throw IssueRequestError(
                field: "locale", message: "the questionnaire is not offered in \"\(locale)\" (offered: \(questionnaire.languages.joined(separator: ", ")))")
        }
        let count = request.count ?? 1
        guard (1...Self.maximumCount).contains(count) else {
            throw IssueRequestError(field: "count", message: "must be between 1 and \(Self.maximumCount)")
        }
        if request.reference != nil, count != 1 {
            throw IssueRequestError(field: "reference", message: "a reference names one completed service: count must be 1")
        }
        let days = request.expiresInDays ?? Self.defaultLifetimeDays
        guard (1...Self.maximumLifetimeDays).contains(days) else {
            throw IssueRequestError(field: "expiresInDays", message: "must be between 1 and \(Self.maximumLifetimeDays)")
        }
        if let reference = request.reference, reference.isEmpty || reference.count > 200 {
            throw IssueRequestError(field: "reference", message: "must be 1 to 200 characters")
        }
        let unit = ServiceUnit(department: department.id, channel: request.channel, segment: request.segment, service: request.service)
        return (unit, locale, questionnaire, count, days)
    }

    /// Issues every request, all or nothing. Tokens come from the system CSPRNG.
    /// `progress` is told how many invitations have been written so far.
    public func issue(
        _ requests: [IssueRequest], at date: Date = Date(), progress: (@Sendable (Int) -> Void)? = nil
    ) async throws -> [IssuedInvitation] {
        let (records, issued) = try prepare(requests, at: date)
        try await store.issue(records, progress: progress)
        return issued
    }

    /// Issues every request under an API key, all or nothing, adding them to the key's counts
    /// of the organisation's day.
    public func issue(_ requests: [IssueRequest], by keyName: String, ledger: any IssuerLedger, at date: Date = Date()) async throws
        -> [IssuedInvitation]
    {
        let (records, issued) = try prepare(requests, at: date)
        try await ledger.issue(records, by: keyName, on: CalendarDay(date, in: timeZone))
        return issued
    }

    /// The records to store and the links to hand back, for validated requests.
    public func prepare(_ requests: [IssueRequest], at date: Date) throws -> (records: [NewInvitation], issued: [IssuedInvitation]) {
        var generator = SystemRandomNumberGenerator()
        var issued: [IssuedInvitation] = []
        var records: [NewInvitation] = []
        for request in requests {
            let (unit, locale, questionnaire, count, days) = try validate(request)
            // At the end of the day: the store keeps an open invitation's times to the day (see
            // `InvitationTimes`), so the expiry announced is the one kept.
            let expiresAt = InvitationTimes.endOfDay(date.addingTimeInterval(TimeInterval(days) * 86400), in: timeZone)
            for _ in 0..<count {
                let token = InvitationToken.generate(using: &generator)
                records.append(
                    NewInvitation(
                        invitation: Invitation(
                            tokenHash: token.hash, unit: unit, locale: locale, questionnaire: questionnaire.key,
                            questionnaireVersion: questionnaire.version, issuedAt: date, expiresAt: expiresAt),
                        referenceHash: request.reference.map(Self.referenceHash)))
                issued.append(IssuedInvitation(token: token, url: link(for: token), expiresAt: expiresAt))
            }
        }
        return (records, issued)
    }

    /// SHA-256 of a case system's reference: what the store keys with its secret (and keeps).
    public static func referenceHash(_ reference: String) -> Data {
        Data(SHA256.hash(data: Data(reference.utf8)))
    }

    /// `<base URL>/s/<token>`: from the configured public address, never from a request.
    public func link(for token: InvitationToken) -> URL {
        baseURL.appendingPathComponent("s").appendingPathComponent(token.value)
    }
}
