import Foundation
import Testing

@testable import RidaCore

/// Length limits that a single character of many scalars cannot slip past, and contact details
/// that hide nothing.
@Suite struct SubmissionLimitsTests {
    static let questionnaire = Questionnaire(
        key: "default", version: 1, languages: ["ar", "en"], drafts: [], title: LocalizedText(["en": "t"]), promise: LocalizedText(["en": "p"]),
        items: [
            QuestionnaireItem(id: "suggestion", kind: .text, maxLength: 1000, text: LocalizedText(["en": "s"])),
            QuestionnaireItem(id: "contact", kind: .contact, text: LocalizedText(["en": "c"])),
        ])

    func validate(_ fields: [String: [String]]) -> Result<ValidatedSubmission, SubmissionErrors> {
        SubmissionValidator(questionnaire: Self.questionnaire).validate(fields)
    }

    func error(_ fields: [String: [String]], _ item: String) -> FieldError? {
        guard case .failure(let errors) = validate(fields) else { return nil }
        return errors.fields[item]
    }

    /// One grapheme cluster of 18 KB: a letter with 9,000 combining marks.
    @Test func oneCharacterOfThousandsOfCombiningMarksIsTooLong() {
        let smear = "a" + String(repeating: "\u{0301}", count: 9_000)
        #expect(smear.count == 1 && smear.utf8.count > 18_000)
        #expect(error(["suggestion": [smear]], "suggestion") == .tooLong(max: 1000))
        // Below the scalar limit, but one character of 40 marks stacks over the lines around it.
        #expect(error(["suggestion": ["ok " + "e" + String(repeating: "\u{0301}", count: 40)]], "suggestion") == .tooLong(max: 1000))
    }

    @Test func manyScalarsWithinTheCharacterLimitAreTooLong() {
        // 1,000 characters of six scalars each (a letter and five marks): 6,000 scalars.
        let text = String(repeating: "b\u{064E}\u{0651}\u{064B}\u{0652}\u{0670}", count: 1_000)
        #expect(text.count == 1_000)
        #expect(error(["suggestion": [text]], "suggestion") == .tooLong(max: 1000))
    }

    @Test func fullyVocalisedArabicAndEmojiAtTheLimitPass() throws {
        // A letter with shadda and fatha, 1,000 times; and 1,000 family emoji would be 7,000 scalars, so 500.
        let arabic = String(repeating: "ب\u{0651}\u{064E}", count: 1_000)
        let emoji = String(repeating: "👩‍👩‍👧‍👦", count: 500)
        for text in [arabic, emoji, String(repeating: "x", count: 1_000)] {
            guard case .success(let submission) = validate(["suggestion": [text]]) else {
                Issue.record("refused: \(text.prefix(10))")
                continue
            }
            #expect(submission.texts.first?.text == text.precomposedStringWithCanonicalMapping)
        }
        #expect(error(["suggestion": [String(repeating: "x", count: 1_001)]], "suggestion") == .tooLong(max: 1000))
    }

    @Test(arguments: [
        "\u{202E}0551234567", "0551234567\u{202C}", "\u{2066}0551234567\u{2069}", "\u{200E}0551234567", "\u{200F}0551234567",
        "\u{061C}0551234567", "055\u{200B}1234567", "055\u{200D}1234567", "055\u{2060}1234567", "\u{FEFF}0551234567", "055\u{00AD}1234567",
    ])
    func aPhoneWithHiddenCharactersIsRefused(phone: String) {
        #expect(error(["contact": ["yes"], "contact-phone": [phone]], "contact") == .contactHiddenCharacters)
    }

    @Test(arguments: ["a\u{200B}@example.org", "me@exa\u{202E}mple.org", "\u{2067}me@example.org", "me@example.org\u{200F}"])
    func anEmailWithHiddenCharactersIsRefused(email: String) {
        #expect(error(["contact": ["yes"], "contact-email": [email]], "contact") == .contactHiddenCharacters)
        #expect(FieldError.contactHiddenCharacters.messageKey == .errorContactHiddenCharacters)
    }

    @Test func plainContactDetailsAreAccepted() throws {
        guard case .success(let submission) = validate(["contact": ["yes"], "contact-phone": ["+966 55 123 4567"], "contact-email": ["me@example.org"]])
        else {
            Issue.record("refused")
            return
        }
        #expect(submission.contact == ContactRequest(phone: "+966 55 123 4567", email: "me@example.org"))
    }
}
