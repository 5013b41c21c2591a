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

    public init(code: String, name: String, direction: Direction, draft: Bool = false) {
        self.code = code
        self.name = name
        self.direction = direction
        self.draft = draft
    }
}
