/// A language the beneficiary can answer in, as declared in `seeds/languages.yaml`.
///
/// Text direction is declared in configuration, never guessed from the script.
public struct Language: Hashable, Sendable, Codable {
    public enum Direction: String, Hashable, Sendable, Codable, CaseIterable {
        case ltr, rtl
    }

    /// BCP 47 primary language subtag, e.g. `ar`, `en`, `ur`.
    public var code: String
    /// The language's name in itself (shown in the language switcher).
    public var name: String
    public var direction: Direction
    /// True while the translations in this language await review by a native speaker.
    public var draft: Bool
    /// Whether beneficiaries are offered this language. A reviewed language always is; a draft
    /// only where `languages.yaml` says so (`offer-drafts: true`, or `offered: true` on it).
    public var offered: Bool

    public init(code: String, name: String, direction: Direction, draft: Bool = false, offered: Bool? = nil) {
        self.code = code
        self.name = name
        self.direction = direction
        self.draft = draft
        self.offered = offered ?? !draft
    }

    private enum CodingKeys: String, CodingKey { case code, name, direction, draft, offered }

    /// `offered` is newer than the other fields: absent, it follows `draft`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            code: try container.decode(String.self, forKey: .code), name: try container.decode(String.self, forKey: .name),
            direction: try container.decode(Direction.self, forKey: .direction),
            draft: try container.decodeIfPresent(Bool.self, forKey: .draft) ?? false,
            offered: try container.decodeIfPresent(Bool.self, forKey: .offered))
    }
}
