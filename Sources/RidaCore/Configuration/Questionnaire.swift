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

    /// The answers that count as positive and negative for this measure on `scale`: what
    /// analyses call satisfied (CSAT), promoters and detractors (NPS), agreeing (CES), and what
    /// opens a follow-up case.
    public func definition(on scale: Scale) -> MeasureDefinition {
        definition(min: scale.min, max: scale.max)
    }

    /// The same, for a scale known by its ends.
    public func definition(min: Int, max: Int) -> MeasureDefinition {
        switch self {
        case .csat: MeasureDefinition(positive: (max - 1)...max, negative: min...(min + 1))
        case .nps: MeasureDefinition(positive: 9...10, negative: 0...6)
        case .ces: MeasureDefinition(positive: (max - 2)...max, negative: nil)
        }
    }
}

/// Which answers of a measured item count as positive, and which as negative.
public struct MeasureDefinition: Hashable, Sendable {
    public var positive: ClosedRange<Int>
    public var negative: ClosedRange<Int>?
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

    /// SHA-256 of what an answer means: the items, their kinds, which are required or allow
    /// "not applicable", each rating item's scale (its id, its points, which points carry a
    /// label) and what it measures with the answers that count as positive or negative. Two
    /// definitions with the same key and version must have the same fingerprint; their wording
    /// (a reviewed translation, say) may differ. Prefixed with the algorithm's name, so a
    /// stored fingerprint of an older algorithm is recognised and recomputed, never compared.
    public var meaningFingerprint: String {
        struct ScaleShape: Encodable {
            var id: String
            var points: [Int]
            var labelled: [Int]
        }
        struct ItemShape: Encodable {
            var id: String
            var kind: QuestionnaireItem.Kind
            var scale: ScaleShape?
            var required: Bool
            var notApplicable: Bool
            var measure: Measure?
            var positive: [Int]?
            var negative: [Int]?
            var maxLength: Int?
        }
        let shape = items.map { item in
            let definition = item.scale.flatMap { scale in item.measure.map { $0.definition(on: scale) } }
            return ItemShape(
                id: item.id, kind: item.kind,
                scale: item.scale.map { ScaleShape(id: $0.id, points: Array($0.points), labelled: $0.labels.keys.sorted()) },
                required: item.required, notApplicable: item.allowsNotApplicable, measure: item.measure,
                positive: definition.map { Array($0.positive) }, negative: definition?.negative.map(Array.init),
                maxLength: item.maxLength)
        }
        return Self.fingerprintAlgorithm + ":" + Self.sha256(shape)
    }

    /// The name of the algorithm behind `meaningFingerprint`; change it with the algorithm.
    public static let fingerprintAlgorithm = "meaning-2"

    /// The fingerprint Rida stored before `meaningFingerprint` (items, min and max only): a stored
    /// version still carrying it is checked against it once, then given the new one.
    public var legacyStructuralDigest: String {
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
        return Self.sha256(shape)
    }

    /// Why `changed` may not replace this stored definition under the same version, or nil when
    /// it only rewords it. Beyond the fingerprint, a label text that moves to another point of
    /// its scale (a reversed or reordered scale) is a change of meaning, in any language.
    public func changeOfMeaning(to changed: Questionnaire) -> String? {
        if meaningFingerprint != changed.meaningFingerprint {
            let before = Dictionary(items.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            let after = Dictionary(changed.items.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            if items.map(\.id) != changed.items.map(\.id) { return "its items were added, removed or reordered" }
            for item in changed.items {
                guard let old = before[item.id], let new = after[item.id] else { continue }
                if old.scale?.id != new.scale?.id {
                    return "item \(item.id) changed scale (\(old.scale?.id ?? "none") → \(new.scale?.id ?? "none"))"
                }
                if old.scale?.points != new.scale?.points || old.scale?.labels.keys.sorted() != new.scale?.labels.keys.sorted() {
                    return "the points or labelled points of scale \(new.scale?.id ?? "") of item \(item.id) changed"
                }
                if old.measure != new.measure { return "what item \(item.id) measures changed" }
                if old.kind != new.kind || old.required != new.required || old.allowsNotApplicable != new.allowsNotApplicable
                    || old.maxLength != new.maxLength
                {
                    return "the type, required, notApplicable or maxLength of item \(item.id) changed"
                }
            }
            return "the meaning of its answers changed"
        }
        let oldItems = Dictionary(items.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for item in changed.items {
            guard let newScale = item.scale, let oldScale = oldItems[item.id]?.scale else { continue }
            for (point, label) in newScale.labels.sorted(by: { $0.key < $1.key }) {
                for (language, text) in label.translations.sorted(by: { $0.key < $1.key }) {
                    guard oldScale.labels[point]?.translations[language] != text else { continue }
                    if let from = oldScale.labels.first(where: { $0.key != point && $0.value.translations[language] == text })?.key {
                        return "the \(language) label of point \(from) of scale \(newScale.id) (item \(item.id)) moved to point \(point)"
                    }
                }
            }
        }
        return nil
    }

    private static func sha256(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = (try? encoder.encode(value)) ?? Data()
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
