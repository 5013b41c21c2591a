import Foundation
import RidaCore
import Testing

@testable import RidaSeeds

@Suite struct OrganisationSeedTests {
    @Test func theShippedOrganisationIsNamedInEveryLanguage() throws {
        let configuration = try SeedLoader(directory: shippedSeeds).load()
        let organisation = try #require(configuration.organisation)
        #expect(organisation.names.text(in: "ar") == "جمعية هدية الحاج والمعتمر الخيرية")
        #expect(Set(organisation.names.translations.keys) == Set(configuration.languages.map(\.code)))
        #expect(organisation.logo == nil)
    }

    @Test func withoutTheFileThePagesNameNoOrganisationAndNothingFails() throws {
        let seeds = try copyOfSeeds()
        try FileManager.default.removeItem(at: seeds.appendingPathComponent("organisation.yaml"))
        let configuration = try SeedLoader(directory: seeds).load()
        #expect(configuration.organisation == nil)
    }

    @Test func aLogoIsInlinedAndAMissingOrWrongOneIsReported() throws {
        let seeds = try copyOfSeeds()
        try #"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>"#.write(
            to: seeds.appendingPathComponent("logo.svg"), atomically: true, encoding: .utf8)
        try edit(seeds, "organisation.yaml") { $0 + "logo: logo.svg\n" }
        let logo = try #require(try SeedLoader(directory: seeds).load().organisation?.logo)
        #expect(logo.hasPrefix("data:image/svg+xml;base64,"))
        try edit(seeds, "organisation.yaml") { $0.replacingOccurrences(of: "logo: logo.svg", with: "logo: ../logo.gif") }
        #expect(issues(seeds).contains { $0.file == "organisation.yaml" && $0.message.contains("inside the seeds folder") })
    }

    @Test func aMissingTranslationOfTheNameIsReported() throws {
        let seeds = try copyOfSeeds()
        try edit(seeds, "organisation.yaml") { text in
            text.components(separatedBy: "\n").filter { !$0.hasPrefix("  bn:") }.joined(separator: "\n")
        }
        #expect(issues(seeds).contains { $0.file == "organisation.yaml" && $0.message == "missing the bn translation" })
    }
}

@Suite struct OfferedLanguagesTests {
    @Test func draftsAreNotOfferedInTheShippedSeeds() throws {
        let configuration = try SeedLoader(directory: shippedSeeds).load()
        #expect(configuration.languages.filter(\.offered).map(\.code) == ["ar", "en"])
        let questionnaire = try #require(configuration.currentQuestionnaire())
        #expect(configuration.offeredLanguages(of: questionnaire) == ["ar", "en"])
    }

    @Test func oneDraftOrAllCanBeOffered() throws {
        let seeds = try copyOfSeeds()
        try edit(seeds, "languages.yaml") { $0.replacingOccurrences(of: "  - code: ur\n", with: "  - code: ur\n    offered: true\n") }
        #expect(try SeedLoader(directory: seeds).load().languages.filter(\.offered).map(\.code) == ["ar", "en", "ur"])
        try edit(seeds, "languages.yaml") { $0.replacingOccurrences(of: "offer-drafts: false", with: "offer-drafts: true") }
        #expect(try SeedLoader(directory: seeds).load().languages.allSatisfy(\.offered))
    }

    @Test func aReviewedLanguageCannotBeWithdrawnNorADefaultBeADraftNotOffered() throws {
        let seeds = try copyOfSeeds()
        try edit(seeds, "languages.yaml") {
            $0.replacingOccurrences(of: "  - code: en\n", with: "  - code: en\n    offered: false\n")
                .replacingOccurrences(of: "default: ar", with: "default: ur")
        }
        let found = issues(seeds)
        #expect(found.contains { $0.file == "languages.yaml" && $0.message.hasPrefix("a reviewed language is always offered") })
        #expect(found.contains { $0.file == "languages.yaml" && $0.message.contains("is a draft that is not offered") })
    }
}
