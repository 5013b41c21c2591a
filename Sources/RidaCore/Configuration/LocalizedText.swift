/// One text in several languages, keyed by language code.
public struct LocalizedText: Hashable, Sendable, Codable {
    public var translations: [String: String]

    public init(_ translations: [String: String]) {
        self.translations = translations
    }

    /// The text in `language`, else in `fallback`, else any translation (in code order, so the
    /// choice is stable).
    public func text(in language: String, fallback: String = "en") -> String {
        if let text = translations[language] { return text }
        if let text = translations[fallback] { return text }
        return translations.keys.sorted().first.flatMap { translations[$0] } ?? ""
    }

    public init(from decoder: any Decoder) throws {
        translations = try [String: String](from: decoder)
    }

    public func encode(to encoder: any Encoder) throws {
        try translations.encode(to: encoder)
    }
}
