import Crypto
import Foundation

/// A rating scale: consecutive integers from `min` to `max`, with labels for some or all points.
public struct Scale: Hashable, Sendable, Codable, Identifiable {
    public var id: String
    public var min: Int
    public var max: Int
    /// Labels by scale point; at least the two ends are labelled.
    public var labels: [Int: LocalizedText]

    public init(id: String, min: Int, max: Int, labels: [Int: LocalizedText]) {
        self.id = id
        self.min = min
        self.max = max
        self.labels = labels
    }

    public var points: ClosedRange<Int> { min...max }
}

/// What a headline metric is computed from.
public enum Measure: String, Hashable, Sendable, Codable, CaseIterable {
    /// Customer satisfaction: share of 4–5 on a 1–5 scale.
    case csat
    /// Net promoter score on a 0–10 likelihood scale.
    case nps
    /// Customer effort: agreement that the service was easy, on a 1–7 scale.
    case ces
}

/// One question of a questionnaire.
public struct QuestionnaireItem: Hashable, Sendable, Codable, Identifiable {
    public enum Kind: String, Hashable, Sendable, Codable, CaseIterable {
        /// A choice on a numeric scale.
        case rating
        /// Free text.
        case text
        /// "May we contact you?" with a phone number or e-mail address.
        case contact
    }

    public var id: String
    public var kind: Kind
    /// The scale, for ratings.
    public var scale: Scale?
    public var required: Bool
    /// Whether "not applicable" may be chosen (distinct from skipping the item).
    public var allowsNotApplicable: Bool
    public var measure: Measure?
    /// Maximum length in characters (grapheme clusters), for free text.
    public var maxLength: Int?
    public var text: LocalizedText

    public init(
        id: String, kind: Kind, scale: Scale? = nil, required: Bool = false, allowsNotApplicable: Bool = false,
        measure: Measure? = nil, maxLength: Int? = nil, text: LocalizedText
    ) {
        self.id = id
        self.kind = kind
        self.scale = scale
        self.required = required
        self.allowsNotApplicable = allowsNotApplicable
        self.measure = measure
        self.maxLength = maxLength
        self.text = text
    }
}

/// A versioned questionnaire. A version, once it has collected answers, never changes:
/// a response always records the version it answered.
public struct Questionnaire: Hashable, Sendable, Codable {
    /// The questionnaire's name, e.g. `default`.
    public var key: String
    public var version: Int
    /// Languages the questionnaire is offered in; the first is not special.
    public var languages: [String]
    /// Languages whose texts are drafts awaiting review.
    public var drafts: [String]
    public var title: LocalizedText
    /// The policy's promise shown under the title.
    public var promise: LocalizedText
    public var items: [QuestionnaireItem]

    public init(
        key: String, version: Int, languages: [String], drafts: [String], title: LocalizedText, promise: LocalizedText,
        items: [QuestionnaireItem]
    ) {
        self.key = key
        self.version = version
        self.languages = languages
        self.drafts = drafts
        self.title = title
        self.promise = promise
        self.items = items
    }

    public func item(_ id: String) -> QuestionnaireItem? {
        items.first { $0.id == id }
    }

    /// The item a headline metric is computed from, if the questionnaire has one.
    public func item(measuring measure: Measure) -> QuestionnaireItem? {
        items.first { $0.measure == measure }
    }

    /// A canonical JSON form of the definition (sorted keys), stored with each version.
    public func canonicalJSON() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding plain value types cannot fail.
        return (try? encoder.encode(self)) ?? Data()
    }

    /// SHA-256 of what makes answers comparable: the items, their kinds and scales, and which
    /// are required or allow "not applicable". Two definitions with the same key and version must
    /// have the same structure; their wording (a reviewed translation, say) may differ.
    public var structuralDigest: String {
        struct ItemShape: Encodable {
            var id: String
            var kind: QuestionnaireItem.Kind
            var min: Int?
            var max: Int?
            var required: Bool
            var notApplicable: Bool
            var measure: Measure?
            var maxLength: Int?
        }
        let shape = items.map {
            ItemShape(
                id: $0.id, kind: $0.kind, min: $0.scale?.min, max: $0.scale?.max, required: $0.required,
                notApplicable: $0.allowsNotApplicable, measure: $0.measure, maxLength: $0.maxLength)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(shape)) ?? Data()
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
