import Foundation

/// Where a service was delivered: the unit ratings are aggregated by. Never a person.
public struct ServiceUnit: Hashable, Sendable, Codable {
    public var department: String
    public var channel: String
    public var segment: String?
    public var service: String?

    public init(department: String, channel: String, segment: String? = nil, service: String? = nil) {
        self.department = department
        self.channel = channel
        self.segment = segment
        self.service = service
    }
}

/// The answer to one rating item. A skipped item has no answer at all.
public enum AnswerValue: Hashable, Sendable {
    case value(Int)
    case notApplicable
}

public struct ItemAnswer: Hashable, Sendable {
    public var item: String
    public var value: AnswerValue

    public init(item: String, value: AnswerValue) {
        self.item = item
        self.value = value
    }
}

public struct ItemText: Hashable, Sendable {
    public var item: String
    public var text: String

    public init(item: String, text: String) {
        self.item = item
        self.text = text
    }
}

/// How a response reached Rida.
public enum ResponseSource: String, Hashable, Sendable, Codable, CaseIterable {
    /// Through a one-time invitation link.
    case invitation
    /// Through a link minted at a point of service (a counter poster or a kiosk): it has no
    /// invitation to count against, so no response rate.
    case point
    /// Keyed in from paper, a phone interview or a kiosk.
    case `import`
}

/// A submitted response. It holds no reference to the invitation it came from, and its date
/// is kept at day precision; its id is random so that storage order reveals nothing.
public struct SurveyResponse: Hashable, Sendable {
    public var id: Int64
    public var day: CalendarDay
    public var unit: ServiceUnit
    public var locale: String
    public var questionnaire: String
    public var questionnaireVersion: Int
    public var source: ResponseSource
    public var answers: [ItemAnswer]
    public var texts: [ItemText]

    public init(
        id: Int64, day: CalendarDay, unit: ServiceUnit, locale: String, questionnaire: String, questionnaireVersion: Int,
        source: ResponseSource, answers: [ItemAnswer], texts: [ItemText] = []
    ) {
        self.id = id
        self.day = day
        self.unit = unit
        self.locale = locale
        self.questionnaire = questionnaire
        self.questionnaireVersion = questionnaireVersion
        self.source = source
        self.answers = answers
        self.texts = texts
    }

    /// A random positive 63-bit id.
    public static func randomID(using generator: inout some RandomNumberGenerator) -> Int64 {
        Int64.random(in: 1...Int64.max, using: &generator)
    }
}

/// A one-time survey invitation. Only the SHA-256 of its token is stored.
public struct Invitation: Hashable, Sendable {
    public var tokenHash: Data
    public var unit: ServiceUnit
    public var locale: String
    public var questionnaire: String
    public var questionnaireVersion: Int
    public var issuedAt: Date
    public var expiresAt: Date
    public var usedAt: Date?
    public var revokedAt: Date?
    /// SHA-256 of the case system's reference for the completed service, if it gave one.
    public var referenceHash: Data?

    public init(
        tokenHash: Data, unit: ServiceUnit, locale: String, questionnaire: String, questionnaireVersion: Int, issuedAt: Date,
        expiresAt: Date, usedAt: Date? = nil, revokedAt: Date? = nil, referenceHash: Data? = nil
    ) {
        self.referenceHash = referenceHash
        self.tokenHash = tokenHash
        self.unit = unit
        self.locale = locale
        self.questionnaire = questionnaire
        self.questionnaireVersion = questionnaireVersion
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
        self.usedAt = usedAt
        self.revokedAt = revokedAt
    }
}
