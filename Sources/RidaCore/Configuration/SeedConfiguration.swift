/// Everything configured in `seeds/`: languages, dimensions, questionnaires and page texts.
public struct SeedConfiguration: Hashable, Sendable {
    public var languages: [Language]
    public var defaultLanguage: String
    /// In report order.
    public var channels: [Channel]
    /// In report order.
    public var segments: [Segment]
    /// In organisational order.
    public var departments: [Department]
    public var questionnaires: [Questionnaire]
    /// Page texts by key (`survey.submit`, `error.required`, …).
    public var messages: [String: LocalizedText]
    /// The file each questionnaire version was read from (`questionnaires/default-v1.yaml`), for messages.
    public var questionnaireFiles: [QuestionnaireVersionID: String] = [:]
    /// The organisation named on every beneficiary page; nil when `organisation.yaml` is absent.
    public var organisation: Organisation?
    /// The roles an improvement action can be owned by, in the order forms list them.
    public var owners: [OwnerRole] = []
    /// Points of service configured in `points.yaml` (more can be created in the admin area).
    public var points: [ServicePoint] = []

    public init(
        languages: [Language], defaultLanguage: String, channels: [Channel], segments: [Segment], departments: [Department],
        questionnaires: [Questionnaire], messages: [String: LocalizedText]
    ) {
        self.languages = languages
        self.defaultLanguage = defaultLanguage
        self.channels = channels
        self.segments = segments
        self.departments = departments
        self.questionnaires = questionnaires
        self.messages = messages
    }

    /// The file `questionnaire` was read from, if it was read from one.
    public func file(of questionnaire: Questionnaire) -> String? {
        questionnaireFiles[QuestionnaireVersionID(key: questionnaire.key, version: questionnaire.version)]
    }

    public func language(_ code: String) -> Language? {
        languages.first { $0.code == code }
    }

    /// The languages of `questionnaire` that beneficiaries are offered, in its order: drafts
    /// only where the configuration offers them. Never empty while the default language is
    /// one of the questionnaire's.
    public func offeredLanguages(of questionnaire: Questionnaire) -> [String] {
        questionnaire.languages.filter { language($0)?.offered ?? false }
    }

    /// Offers every draft language too (tests and previews of translations).
    public mutating func offerDrafts() {
        for index in languages.indices { languages[index].offered = true }
    }

    /// The highest version of the questionnaire named `key`: the one new invitations get.
    public func currentQuestionnaire(_ key: String = "default") -> Questionnaire? {
        questionnaires.filter { $0.key == key }.max { $0.version < $1.version }
    }
}

/// A questionnaire version's name: its key and version number.
public struct QuestionnaireVersionID: Hashable, Sendable {
    public var key: String
    public var version: Int

    public init(key: String, version: Int) {
        self.key = key
        self.version = version
    }
}
