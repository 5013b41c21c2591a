/// The organisation that sends the survey links (`seeds/organisation.yaml`): its name on every
/// page a beneficiary sees, so that a link from an unnamed sender does not look like phishing.
public struct Organisation: Hashable, Sendable, Codable {
    /// The name in every declared language.
    public var names: LocalizedText
    /// An optional logo, as a `data:` URI (SVG or PNG read from `seeds/`), shown beside the name.
    public var logo: String?

    public init(names: LocalizedText, logo: String? = nil) {
        self.names = names
        self.logo = logo
    }
}
