import Foundation
import RidaCore
import Testing

@testable import RidaSeeds

/// The repository's `seeds/` directory.
let shippedSeeds = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("seeds")

/// A copy of the shipped seeds in a fresh temporary directory, to break on purpose.
func copyOfSeeds() throws -> URL {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rida-seeds-\(UUID().uuidString)")
    try FileManager.default.copyItem(at: shippedSeeds, to: directory)
    return directory
}

func edit(_ directory: URL, _ file: String, _ change: (String) -> String) throws {
    let url = directory.appendingPathComponent(file)
    let text = try String(contentsOf: url, encoding: .utf8)
    let changed = change(text)
    #expect(changed != text, "the edit of \(file) changed nothing")
    try changed.write(to: url, atomically: true, encoding: .utf8)
}

/// The 1-based line of the first line containing `needle`.
func line(of needle: String, in directory: URL, _ file: String) throws -> Int {
    let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
    let lines = text.components(separatedBy: "\n")
    return try #require(lines.firstIndex { $0.contains(needle) }) + 1
}

func issues(_ directory: URL) -> [ConfigurationIssue] {
    do {
        _ = try SeedLoader(directory: directory).load()
        return []
    } catch {
        return error.issues
    }
}

@Suite struct ShippedSeedsTests {
    @Test func loadWithoutErrors() throws {
        let configuration = try SeedLoader(directory: shippedSeeds).load()
        #expect(configuration.channels.map(\.id) == ["office", "phone", "social", "letter", "web"])
        #expect(configuration.segments.map(\.id) == ["hajj", "umrah", "donor", "volunteer", "internal"])
        #expect(
            configuration.departments.map(\.id) == [
                "beneficiary-services", "social-research", "registration", "gift-distribution", "volunteering", "donor-relations",
            ])
        #expect(configuration.departments.allSatisfy { !$0.services.isEmpty })
        #expect(configuration.defaultLanguage == "ar")
    }

    @Test func declareTextDirectionAndDrafts() throws {
        let configuration = try SeedLoader(directory: shippedSeeds).load()
        let directions = Dictionary(uniqueKeysWithValues: configuration.languages.map { ($0.code, $0.direction) })
        #expect(directions == ["ar": .rtl, "ur": .rtl, "en": .ltr, "id": .ltr, "bn": .ltr, "tr": .ltr, "fr": .ltr])
        let drafts = Set(configuration.languages.filter(\.draft).map(\.code))
        #expect(drafts == ["ur", "id", "bn", "tr", "fr"])
    }

    /// Questionnaire v1 exactly as in the product brief.
    @Test func defaultQuestionnaireMatchesTheProductBrief() throws {
        let configuration = try SeedLoader(directory: shippedSeeds).load()
        let questionnaire = try #require(configuration.currentQuestionnaire())
        #expect(questionnaire.key == "default" && questionnaire.version == 1)
        #expect(
            questionnaire.items.map(\.id) == [
                "overall", "courtesy", "time", "clarity", "referral", "decision", "speed", "ease", "recommend", "suggestion", "contact",
            ])
        func scale(_ id: String) -> ClosedRange<Int>? { questionnaire.item(id)?.scale?.points }
        #expect(scale("overall") == 1...5)
        for id in ["courtesy", "time", "clarity", "referral", "decision", "speed"] { #expect(scale(id) == 1...5) }
        #expect(scale("ease") == 1...7)
        #expect(scale("recommend") == 0...10)
        #expect(questionnaire.items.filter(\.required).map(\.id) == ["overall"])
        #expect(questionnaire.items.filter(\.allowsNotApplicable).map(\.id) == ["referral", "decision"])
        #expect(questionnaire.item("suggestion")?.kind == .text)
        #expect(questionnaire.item("contact")?.kind == .contact)
        #expect(questionnaire.item(measuring: .csat)?.id == "overall")
        #expect(questionnaire.item(measuring: .nps)?.id == "recommend")
        #expect(questionnaire.item(measuring: .ces)?.id == "ease")
        #expect(Set(questionnaire.languages) == ["ar", "en", "ur", "id", "bn", "tr", "fr"])
        for item in questionnaire.items {
            #expect(Set(item.text.translations.keys) == Set(questionnaire.languages), "item \(item.id)")
        }
    }

    @Test func everyPageTextExistsInEveryLanguage() throws {
        let configuration = try SeedLoader(directory: shippedSeeds).load()
        for key in MessageKey.allCases {
            let text = try #require(configuration.messages[key.rawValue], "\(key.rawValue)")
            #expect(Set(text.translations.keys) == Set(configuration.languages.map(\.code)), "\(key.rawValue)")
        }
    }
}

@Suite struct BrokenSeedsTests {
    /// The acceptance case: a missing Urdu text and a duplicate item id are both reported, with
    /// file and line.
    @Test func missingTranslationAndDuplicateItemAreBothReported() throws {
        let seeds = try copyOfSeeds()
        let file = "questionnaires/default-v1.yaml"
        let urduLine = try line(of: "ur: ", in: seeds, file)
        try edit(seeds, file) { text in
            var lines = text.components(separatedBy: "\n")
            lines.remove(at: urduLine - 1)  // the first Urdu text: the title's
            return lines.joined(separator: "\n").replacingOccurrences(of: "  - id: time\n", with: "  - id: courtesy\n")
        }
        let found = issues(seeds)
        let missing = try #require(found.first { $0.message.contains("missing the ur translation") })
        #expect(missing.file == file)
        #expect(missing.keyPath == "title")
        #expect(missing.line == urduLine - 2, "the line of the title's texts")
        let duplicate = try #require(found.first { $0.message.contains("duplicate item id \"courtesy\"") })
        #expect(duplicate.file == file)
        let text = try String(contentsOf: seeds.appendingPathComponent(file), encoding: .utf8)
        let courtesyLines = text.components(separatedBy: "\n").indices.filter { text.components(separatedBy: "\n")[$0] == "  - id: courtesy" }
        #expect(courtesyLines.count == 2)
        #expect(duplicate.line == courtesyLines.last.map { $0 + 1 }, "the line of the second id")
        #expect(duplicate.keyPath == "items[2].id")
        #expect(found.count == 2, "\(found)")
    }

    @Test func channelWithoutANameIsReported() throws {
        let seeds = try copyOfSeeds()
        try edit(seeds, "channels.yaml") { text in
            text.replacingOccurrences(of: "  - id: phone\n    names:\n", with: "  - id: phone\n    label:\n")
        }
        let found = issues(seeds)
        #expect(found.contains { $0.file == "channels.yaml" && $0.keyPath == "channels[1]" && $0.message == "missing \"names\"" })
        #expect(found.contains { $0.file == "channels.yaml" && $0.message.hasPrefix("unknown key \"label\"") })
    }

    @Test func badScaleIsReported() throws {
        let seeds = try copyOfSeeds()
        try edit(seeds, "questionnaires/default-v1.yaml") { text in
            text.replacingOccurrences(of: "  - id: agreement-7\n    min: 1\n    max: 7", with: "  - id: agreement-7\n    min: 7\n    max: 1")
        }
        let found = issues(seeds)
        #expect(found.contains { $0.keyPath == "scales[2]" && $0.message.contains("7…1") && $0.line != nil })
        // The item using it can no longer find it.
        #expect(found.contains { $0.message == "unknown scale \"agreement-7\"" })
    }

    @Test func measureOnTheWrongScaleIsReported() throws {
        let seeds = try copyOfSeeds()
        try edit(seeds, "questionnaires/default-v1.yaml") { text in
            text.replacingOccurrences(of: "    scale: agreement-7\n    measures: ces", with: "    scale: agreement-5\n    measures: ces")
        }
        #expect(issues(seeds).contains { $0.message == "ces needs a 1…7 scale, not 1…5" })
    }

    @Test func unknownAndDuplicateIdsAreReported() throws {
        let seeds = try copyOfSeeds()
        try edit(seeds, "segments.yaml") { $0.replacingOccurrences(of: "  - id: donor\n", with: "  - id: hajj\n") }
        try edit(seeds, "questionnaires/default-v1.yaml") { $0.replacingOccurrences(of: "scale: likelihood-11", with: "scale: likelihood-10") }
        try edit(seeds, "departments.yaml") { $0.replacingOccurrences(of: "  - id: registration\n", with: "  - id: Registration!\n") }
        let found = issues(seeds)
        #expect(found.contains { $0.file == "segments.yaml" && $0.message == "duplicate segment id \"hajj\"" && $0.line != nil })
        #expect(found.contains { $0.message == "unknown scale \"likelihood-10\"" && $0.keyPath == "items[8].scale" })
        #expect(found.contains { $0.file == "departments.yaml" && $0.message.contains("is not a valid id") })
    }

    @Test func undeclaredLanguageAndMissingDirectionAreReported() throws {
        let seeds = try copyOfSeeds()
        try edit(seeds, "languages.yaml") { $0.replacingOccurrences(of: "    name: Türkçe\n    direction: ltr\n", with: "    name: Türkçe\n") }
        try edit(seeds, "channels.yaml") { $0.replacingOccurrences(of: "      en: Telephone\n", with: "      en: Telephone\n      de: Telefon\n") }
        let found = issues(seeds)
        #expect(found.contains { $0.file == "languages.yaml" && $0.message == "missing \"direction\"" })
        #expect(found.contains { $0.file == "channels.yaml" && $0.message == "\"de\" is not a declared language" })
    }

    @Test func syntaxErrorsAndMissingFilesAreReported() throws {
        let seeds = try copyOfSeeds()
        try FileManager.default.removeItem(at: seeds.appendingPathComponent("messages.yaml"))
        try edit(seeds, "segments.yaml") { $0.replacingOccurrences(of: "  - id: volunteer\n", with: "  - id: [volunteer\n") }
        let found = issues(seeds)
        #expect(found.contains { $0.file == "messages.yaml" && $0.message.hasPrefix("file not found") })
        #expect(found.contains { $0.file == "segments.yaml" && $0.message.hasPrefix("YAML syntax error") && $0.line != nil })
    }

    @Test func issuesPrintWithFileLineAndKeyPath() {
        let issue = ConfigurationIssue(file: "channels.yaml", line: 4, column: 5, keyPath: "channels[0].names", message: "missing the ur translation")
        #expect(issue.description == "channels.yaml:4:5: channels[0].names: missing the ur translation")
    }
}
