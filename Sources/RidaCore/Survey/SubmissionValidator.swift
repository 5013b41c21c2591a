import Foundation

/// Why one answer of a submitted form was refused; shown next to the question in the
/// beneficiary's language.
public enum FieldError: Hashable, Sendable {
    case required
    case outOfRange
    case notApplicableNotAllowed
    case tooLong(max: Int)
    case contactMissing
    case contactInvalid
    /// The phone or e-mail holds an invisible character (a bidi control, a zero-width character):
    /// the number the case worker sees would not be the one typed, or would show another.
    case contactHiddenCharacters

    public var messageKey: MessageKey {
        switch self {
        case .required: .errorRequired
        case .outOfRange: .errorOutOfRange
        case .notApplicableNotAllowed: .errorNotApplicableNotAllowed
        case .tooLong: .errorTooLong
        case .contactMissing: .errorContactMissing
        case .contactInvalid: .errorContactInvalid
        case .contactHiddenCharacters: .errorContactHiddenCharacters
        }
    }
}

/// How the beneficiary asked to be contacted, when they did.
public struct ContactRequest: Hashable, Sendable {
    public var phone: String?
    public var email: String?

    public init(phone: String? = nil, email: String? = nil) {
        self.phone = phone
        self.email = email
    }
}

/// The refused answers of a form, by item id.
public struct SubmissionErrors: Error, Hashable, Sendable {
    public var fields: [String: FieldError]
}

/// A form that passed validation: the answers to store.
public struct ValidatedSubmission: Hashable, Sendable {
    public var answers: [ItemAnswer]
    public var texts: [ItemText]
    public var contact: ContactRequest?
}

/// Checks a submitted form against the questionnaire version the invitation pinned.
///
/// Field names are item ids. A rating is its scale value, or `na` for "not applicable"; an
/// empty or missing field is a skipped item. Free text is NFC-normalised, control characters
/// other than line feed and tab are removed, surrounding white space is trimmed, and the length
/// is counted in characters as a reader sees them (grapheme clusters), so a limit never cuts
/// one — and in Unicode scalars and bytes too (see `fitsLength`), so that one character of
/// thousands of combining marks cannot pass for one. The contact item is `yes` or `no`, with
/// `<id>-phone` and `<id>-email`, which may not hold bidi controls or zero-width characters.
public struct SubmissionValidator: Sendable {
    public static let notApplicableValue = "na"

    public let questionnaire: Questionnaire

    public init(questionnaire: Questionnaire) {
        self.questionnaire = questionnaire
    }

    /// `fields` holds every value sent under each name (a name sent twice is refused).
    public func validate(_ fields: [String: [String]]) -> Result<ValidatedSubmission, SubmissionErrors> {
        var errors: [String: FieldError] = [:]
        var answers: [ItemAnswer] = []
        var texts: [ItemText] = []
        var contact: ContactRequest?
        func single(_ name: String) -> String?? {
            guard let values = fields[name] else { return .some(nil) }
            return values.count == 1 ? .some(values[0]) : nil
        }
        for item in questionnaire.items {
            guard let field = single(item.id) else {
                errors[item.id] = .outOfRange
                continue
            }
            let value = field.map(Self.clean) ?? ""
            switch item.kind {
            case .rating:
                guard let scale = item.scale else { continue }
                if value.isEmpty {
                    if item.required { errors[item.id] = .required }
                } else if value == Self.notApplicableValue {
                    if item.allowsNotApplicable {
                        answers.append(ItemAnswer(item: item.id, value: .notApplicable))
                    } else {
                        errors[item.id] = .notApplicableNotAllowed
                    }
                } else if let number = Int(value), scale.points.contains(number) {
                    answers.append(ItemAnswer(item: item.id, value: .value(number)))
                } else {
                    errors[item.id] = .outOfRange
                }
            case .text:
                let limit = item.maxLength ?? 1000
                if value.isEmpty {
                    if item.required { errors[item.id] = .required }
                } else if !Self.fitsLength(value, limit: limit) {
                    errors[item.id] = .tooLong(max: limit)
                } else {
                    texts.append(ItemText(item: item.id, text: value))
                }
            case .contact:
                switch value {
                case "", "no": break
                case "yes":
                    let phone = (single("\(item.id)-phone") ?? nil).map(Self.clean).flatMap { $0.isEmpty ? nil : $0 }
                    let email = (single("\(item.id)-email") ?? nil).map(Self.clean).flatMap { $0.isEmpty ? nil : $0 }
                    if phone == nil && email == nil {
                        errors[item.id] = .contactMissing
                    } else if [phone, email].contains(where: { $0.map(Self.hasHiddenCharacters) ?? false }) {
                        errors[item.id] = .contactHiddenCharacters
                    } else if let phone, !Self.isPhoneNumber(phone) {
                        errors[item.id] = .contactInvalid
                    } else if let email, !Self.isEmailAddress(email) {
                        errors[item.id] = .contactInvalid
                    } else {
                        contact = ContactRequest(phone: phone, email: email)
                    }
                default:
                    errors[item.id] = .outOfRange
                }
            }
        }
        guard errors.isEmpty else { return .failure(SubmissionErrors(fields: errors)) }
        return .success(ValidatedSubmission(answers: answers, texts: texts, contact: contact))
    }

    /// Unicode scalars a text of `limit` characters may hold: four per character leaves room for
    /// fully vocalised Arabic (a letter, shadda and haraka) and for emoji sequences, on average.
    public static func scalarLimit(_ limit: Int) -> Int { 4 * limit }

    /// Bytes (UTF-8) a text of `limit` characters may hold: four per scalar, checked first
    /// because it costs nothing.
    public static func byteLimit(_ limit: Int) -> Int { 4 * scalarLimit(limit) }

    /// The most scalars one character (grapheme cluster) may hold: the longest emoji sequences
    /// have 10, and Unicode's stream-safe format allows 30 combining marks in a row.
    public static let scalarsPerCharacterLimit = 32

    /// Whether `text` is within `limit` characters, its scalar and byte limits, and holds no
    /// character of more than `scalarsPerCharacterLimit` scalars.
    public static func fitsLength(_ text: String, limit: Int) -> Bool {
        guard text.utf8.count <= byteLimit(limit), text.unicodeScalars.count <= scalarLimit(limit) else { return false }
        var characters = 0
        for character in text {
            characters += 1
            if characters > limit || character.unicodeScalars.count > scalarsPerCharacterLimit { return false }
        }
        return true
    }

    /// Bidi controls (embeddings, overrides, isolates, marks, the Arabic letter mark) and
    /// zero-width or other invisible characters (the ones `Redaction` skips).
    /// `text` without the characters `hasHiddenCharacters` looks for: what a form shown again
    /// after that refusal holds, so the person sees the number or address as it really reads.
    public static func withoutHiddenCharacters(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.append(contentsOf: text.unicodeScalars.filter { !hasHiddenCharacters(String($0)) })
        return String(scalars)
    }

    public static func hasHiddenCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { scalar in
            switch scalar.value {
            case 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F, 0x061C: true
            default: Redaction.isInvisible(scalar)
            }
        }
    }

    /// NFC, without control characters other than line feed and tab, trimmed.
    public static func clean(_ text: String) -> String {
        // Most fields are a scale value or a code: printable ASCII, already NFC, with nothing to
        // strip or trim.
        let utf8 = text.utf8
        if utf8.allSatisfy({ (0x20...0x7E).contains($0) }), utf8.first != 0x20, utf8.last != 0x20 { return text }
        let normalised = text.replacingOccurrences(of: "\r\n", with: "\n").precomposedStringWithCanonicalMapping
        var scalars = String.UnicodeScalarView()
        for scalar in normalised.unicodeScalars {
            switch scalar.value {
            case 0x0A, 0x09: scalars.append(scalar)
            case 0x00...0x1F, 0x7F...0x9F: continue
            default: scalars.append(scalar)
            }
        }
        return String(scalars).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// 7 to 15 digits (Western or Arabic-Indic), with an optional leading `+` and spaces,
    /// dashes, dots or brackets between them.
    public static func isPhoneNumber(_ text: String) -> Bool {
        guard text.count <= 32 else { return false }
        var digits = 0
        for (offset, scalar) in text.unicodeScalars.enumerated() {
            switch scalar.value {
            case 0x30...0x39, 0x660...0x669, 0x6F0...0x6F9: digits += 1
            case 0x2B where offset == 0: continue
            case 0x20, 0x2D, 0x2E, 0x28, 0x29: continue
            default: return false
            }
        }
        return (7...15).contains(digits)
    }

    /// A plausible address: one `@`, a non-empty local part, a dotted domain, no spaces.
    public static func isEmailAddress(_ text: String) -> Bool {
        guard text.count <= 254, !text.contains(where: \.isWhitespace) else { return false }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64 else { return false }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        return labels.count >= 2 && labels.allSatisfy { !$0.isEmpty && !$0.hasPrefix("-") && !$0.hasSuffix("-") }
    }
}
