import Foundation
import RidaCore
import RidaSeeds
import Testing

@testable import RidaDemo

let shippedSeeds = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("seeds")

/// Everything a generator writes, collected in memory.
func generate(responses: Int, months: Int = 12, seed: UInt64 = 1, endYear: Int = 2026, endMonth: Int = 10) async throws -> (
    DemoGenerator, [SurveyResponse], [Invitation]
) {
    let configuration = try SeedLoader(directory: shippedSeeds).load()
    let generator = try DemoGenerator(
        configuration: configuration, options: DemoOptions(responses: responses, months: months, seed: seed, endYear: endYear, endMonth: endMonth))
    var allResponses: [SurveyResponse] = []
    var allInvitations: [Invitation] = []
    try await generator.generate { chunk in
        allResponses += chunk.responses
        allInvitations += chunk.invitations
    }
    return (generator, allResponses, allInvitations)
}

func csat(_ responses: some Sequence<SurveyResponse>) -> Double {
    var positive = 0, total = 0
    for response in responses {
        guard case .value(let value) = response.answers.first(where: { $0.item == "overall" })?.value else { continue }
        total += 1
        if value >= 4 { positive += 1 }
    }
    return Double(positive) / Double(max(total, 1))
}

@Suite struct DemoGeneratorTests {
    @Test func theSameSeedGivesTheSameDataAndAnotherSeedOtherData() async throws {
        let (_, first, firstInvitations) = try await generate(responses: 3000, seed: 5)
        let (_, second, secondInvitations) = try await generate(responses: 3000, seed: 5)
        let (_, other, _) = try await generate(responses: 3000, seed: 6)
        #expect(first == second)
        #expect(firstInvitations == secondInvitations)
        #expect(first != other)
    }

    @Test func writesExactlyTheRequestedResponsesOverTheRequestedMonths() async throws {
        let (generator, responses, _) = try await generate(responses: 4321, months: 24, endYear: 2026, endMonth: 3)
        #expect(responses.count == 4321)
        #expect(generator.period == CalendarDay(year: 2024, month: 4, day: 1)...CalendarDay(year: 2026, month: 3, day: 31))
        #expect(Set(responses.map(\.day.monthKey)).count == 24)
        #expect(Set(responses.map(\.id)).count == responses.count, "ids are unique")
    }

    @Test func noDataAfterTheLastDay() throws {
        let configuration = try SeedLoader(directory: shippedSeeds).load()
        let today = CalendarDay(year: 2026, month: 11, day: 27)
        let generator = try DemoGenerator(
            configuration: configuration,
            options: DemoOptions(responses: 1000, months: 12, seed: 1, endYear: 2026, endMonth: 11, lastDay: today))
        #expect(generator.period.upperBound == today)
        #expect(generator.period.lowerBound == CalendarDay(year: 2025, month: 12, day: 1))
    }

    /// Ramadan 1447 (Feb–Mar 2026) and Hajj 1447 (late May 2026) are the busiest months.
    @Test func volumePeaksInRamadanAndHajj() async throws {
        let (_, responses, _) = try await generate(responses: 20000)
        let byMonth = Dictionary(grouping: responses, by: \.day.monthKey).mapValues(\.count)
        let median = byMonth.values.sorted()[byMonth.count / 2]
        #expect(Double(byMonth["2026-03"]!) > 1.5 * Double(median), "Ramadan: \(byMonth)")
        #expect(Double(byMonth["2026-05"]!) > 1.5 * Double(median), "Hajj: \(byMonth)")
        // Fridays are quiet.
        let fridays = responses.filter { $0.day.weekday == 5 }.count
        let mondays = responses.filter { $0.day.weekday == 1 }.count
        #expect(Double(fridays) < 0.6 * Double(mondays))
    }

    @Test func plantedTrendsAndOutliersAreInTheData() async throws {
        let (_, responses, _) = try await generate(responses: 40000)
        func early(_ r: SurveyResponse) -> Bool { r.day < CalendarDay(year: 2026, month: 2, day: 1) }
        func late(_ r: SurveyResponse) -> Bool { r.day >= CalendarDay(year: 2026, month: 7, day: 1) }
        let registration = responses.filter { $0.unit.department == "registration" }
        #expect(csat(registration.filter(late)) > csat(registration.filter(early)) + 0.15, "improving")
        let services = responses.filter { $0.unit.department == "beneficiary-services" }
        #expect(csat(services.filter(late)) < csat(services.filter(early)) - 0.15, "worsening")
        let overall = csat(responses)
        let low = responses.filter { $0.unit.department == "social-research" && $0.unit.channel == "letter" }
        let high = responses.filter { $0.unit.department == "gift-distribution" && $0.unit.channel == "office" }
        #expect(low.count >= 100 && high.count >= 100)
        #expect(csat(low) < overall - 0.2)
        #expect(csat(high) > overall + 0.1)
    }

    @Test func answersRespectTheQuestionnaire() async throws {
        let (generator, responses, _) = try await generate(responses: 5000)
        let questionnaire = generator.questionnaire
        for response in responses {
            #expect(response.answers.contains { $0.item == "overall" }, "overall is required")
            for answer in response.answers {
                let item = try #require(questionnaire.item(answer.item))
                switch answer.value {
                case .notApplicable: #expect(item.allowsNotApplicable)
                case .value(let value): #expect(item.scale?.points.contains(value) == true)
                }
            }
            #expect(questionnaire.languages.contains(response.locale))
        }
        let skipped = responses.filter { $0.answers.count < 9 }.count
        #expect(skipped > 0, "optional items are sometimes skipped")
    }

    @Test func invitationsGiveRealResponseRates() async throws {
        let (_, responses, invitations) = try await generate(responses: 5000)
        // Every response but those through a counter poster answered an invitation.
        let throughInvitations = responses.filter { $0.source == .invitation }.count
        let atPoints = responses.filter { $0.source == .point }
        #expect(invitations.filter { $0.usedAt != nil }.count == throughInvitations)
        #expect(!atPoints.isEmpty && atPoints.count < responses.count / 20, "some answers came through the offices' posters (\(atPoints.count))")
        #expect(atPoints.allSatisfy { $0.unit.channel == "office" && ["registration", "gift-distribution"].contains($0.unit.department) })
        let unanswered = invitations.filter { $0.usedAt == nil }
        #expect(unanswered.count > responses.count / 2)
        #expect(invitations.contains { $0.revokedAt != nil })
        #expect(Set(invitations.map(\.tokenHash)).count == invitations.count)
        for invitation in invitations {
            #expect(invitation.expiresAt > invitation.issuedAt)
            if let used = invitation.usedAt { #expect(used > invitation.issuedAt && used < invitation.expiresAt) }
        }
        // Response rates differ by channel: a QR code at the office counter is answered more
        // often than a link in a letter.
        func rate(_ channel: String) -> Double {
            let sent = invitations.filter { $0.unit.channel == channel }
            return Double(sent.filter { $0.usedAt != nil }.count) / Double(sent.count)
        }
        #expect(rate("office") > rate("letter") + 0.2)
    }

    @Test func commentsAreMultilingualAndSomeCarryPersonalData() async throws {
        let (_, responses, _) = try await generate(responses: 20000)
        let commented = responses.filter { !$0.texts.isEmpty }
        #expect(Set(commented.map(\.locale)).count == 7)
        let texts = commented.flatMap(\.texts).map(\.text)
        #expect(texts.contains { $0.contains("@example.") })
        #expect(texts.contains { $0.contains("+966") })
        #expect(texts.contains { $0.contains("٠٥٥") }, "Arabic-Indic digits")
    }
}
