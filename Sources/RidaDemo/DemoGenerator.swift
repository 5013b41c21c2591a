import Foundation
import RidaCore

/// Options for synthetic data.
public struct DemoOptions: Sendable, Hashable {
    public var responses: Int
    public var months: Int
    public var seed: UInt64
    /// The last month of data (its year and month); data covers the `months` months ending with it.
    public var endYear: Int
    public var endMonth: Int
    public var timeZone: TimeZone
    /// Days an invitation stays valid.
    public var invitationLifetimeDays: Int
    /// No data after this day (today, when the period ends with the current month).
    public var lastDay: CalendarDay?

    public init(
        responses: Int, months: Int, seed: UInt64, endYear: Int, endMonth: Int,
        timeZone: TimeZone = TimeZone(identifier: "Asia/Riyadh")!, invitationLifetimeDays: Int = 30, lastDay: CalendarDay? = nil
    ) {
        self.responses = responses
        self.months = months
        self.seed = seed
        self.endYear = endYear
        self.endMonth = endMonth
        self.timeZone = timeZone
        self.invitationLifetimeDays = invitationLifetimeDays
        self.lastDay = lastDay
    }
}

/// One month of synthetic invitations and responses.
public struct DemoChunk: Sendable {
    public var month: String
    public var invitations: [Invitation]
    public var responses: [SurveyResponse]
    /// Each invitation's token and the case system's reference it was issued for (`REQ-2026-000417`),
    /// by position in `invitations`: what the issuing system knows, for tests of linkage.
    public var tokens: [InvitationToken] = []
    public var references: [String] = []
}

/// Writes realistic synthetic data: Hajj and Ramadan peaks in volume (Umm al-Qura calendar),
/// lighter Fridays, real differences between departments and channels, planted trends and
/// outlier units (listed in `plantedEffects`), multilingual comments, and unanswered
/// invitations so that response rates are real. The same options give the same data.
public struct DemoGenerator: Sendable {
    public let configuration: SeedConfiguration
    public let questionnaire: Questionnaire
    public let options: DemoOptions
    let model: DemoModel
    /// Responses per day, for every day of the period.
    let days: [(day: CalendarDay, count: Int, hijriMonth: Int, hijriDay: Int)]

    public enum SetupError: Error, CustomStringConvertible {
        case noQuestionnaire
        case invalidOptions(String)

        public var description: String {
            switch self {
            case .noQuestionnaire: "the configuration has no default questionnaire"
            case .invalidOptions(let reason): reason
            }
        }
    }

    public init(configuration: SeedConfiguration, options: DemoOptions) throws {
        guard let questionnaire = configuration.currentQuestionnaire() else { throw SetupError.noQuestionnaire }
        guard options.responses >= 0 else { throw SetupError.invalidOptions("the number of responses cannot be negative") }
        guard (1...240).contains(options.months) else { throw SetupError.invalidOptions("months must be between 1 and 240") }
        guard (1...12).contains(options.endMonth) else { throw SetupError.invalidOptions("the end month must be between 1 and 12") }
        self.configuration = configuration
        self.questionnaire = questionnaire
        self.options = options
        self.model = DemoModel(configuration: configuration, questionnaire: questionnaire)
        self.days = Self.allocate(options)
    }

    /// What the data was built to show, so a reader can check the analysis finds it.
    public var plantedEffects: [String] { model.plantedEffects }

    /// The period covered: first and last day.
    public var period: ClosedRange<CalendarDay> { days.first!.day...days.last!.day }

    /// Spreads the responses over the days in proportion to a seasonal weight, exactly.
    static func allocate(_ options: DemoOptions) -> [(day: CalendarDay, count: Int, hijriMonth: Int, hijriDay: Int)] {
        var startYear = options.endYear, startMonth = options.endMonth - (options.months - 1)
        while startMonth < 1 {
            startMonth += 12
            startYear -= 1
        }
        let first = CalendarDay(year: startYear, month: startMonth, day: 1)
        var last = CalendarDay(
            year: options.endYear, month: options.endMonth, day: CalendarDay.daysIn(year: options.endYear, month: options.endMonth))
        if let cap = options.lastDay, cap < last { last = max(cap, first) }
        var hijri = Calendar(identifier: .islamicUmmAlQura)
        hijri.timeZone = options.timeZone
        let span = Double(last.daysSinceEpoch - first.daysSinceEpoch + 1)
        var entries: [(day: CalendarDay, weight: Double, hijriMonth: Int, hijriDay: Int)] = []
        for offset in 0..<Int(span) {
            let day = first.adding(days: offset)
            let noon = day.start(in: options.timeZone).addingTimeInterval(12 * 3600)
            let parts = hijri.dateComponents([.month, .day], from: noon)
            let (month, dayOfMonth) = (parts.month ?? 1, parts.day ?? 1)
            let weight = DemoModel.seasonalWeight(hijriMonth: month, hijriDay: dayOfMonth, weekday: day.weekday) * (1 + 0.15 * Double(offset) / span)
            entries.append((day, weight, month, dayOfMonth))
        }
        let total = entries.reduce(0) { $0 + $1.weight }
        var counts = entries.map { Double(options.responses) * $0.weight / total }
        var floors = counts.map { Int($0) }
        let remainder = options.responses - floors.reduce(0, +)
        // Largest remainders get the leftover responses; ties broken by date, so it is deterministic.
        let order = counts.indices.sorted { (counts[$0] - Double(floors[$0]), -$0) > (counts[$1] - Double(floors[$1]), -$1) }
        for index in order.prefix(remainder) { floors[index] += 1 }
        counts.removeAll()
        return entries.indices.map { (entries[$0].day, floors[$0], entries[$0].hijriMonth, entries[$0].hijriDay) }
    }

    /// Generates month by month, handing each month to `sink` (which typically writes it).
    public func generate(_ sink: (DemoChunk) async throws -> Void) async throws {
        var usedIDs = Set<Int64>()
        usedIDs.reserveCapacity(options.responses)
        var index = 0
        var monthIndex: UInt64 = 0
        var referenceCounters: [Int: Int] = [:]
        while index < days.count {
            let month = days[index].day.monthKey
            var end = index
            while end < days.count, days[end].day.monthKey == month { end += 1 }
            var generator = SeededGenerator(seed: options.seed, stream: monthIndex)
            var chunk = generateMonth(month, days[index..<end], &generator, &usedIDs)
            giveReferences(&chunk, counters: &referenceCounters)
            try await sink(chunk)
            index = end
            monthIndex += 1
        }
    }

    /// Every invitation gets a case reference numbered per year of issue, in the order issued
    /// (`REQ-<year>-<6 digits>`, guessable on purpose: the store must make that useless).
    private func giveReferences(_ chunk: inout DemoChunk, counters: inout [Int: Int]) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = options.timeZone
        let order = chunk.invitations.indices.sorted { chunk.invitations[$0].issuedAt < chunk.invitations[$1].issuedAt }
        chunk.references = Array(repeating: "", count: chunk.invitations.count)
        for position in order {
            let year = calendar.component(.year, from: chunk.invitations[position].issuedAt)
            let number = (counters[year] ?? 0) + 1
            counters[year] = number
            let digits = String(number)
            let reference = "REQ-\(year)-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
            chunk.references[position] = reference
            chunk.invitations[position].referenceHash = InvitationIssuer.referenceHash(reference)
        }
    }

    private func generateMonth(
        _ month: String, _ monthDays: ArraySlice<(day: CalendarDay, count: Int, hijriMonth: Int, hijriDay: Int)>,
        _ rng: inout SeededGenerator, _ usedIDs: inout Set<Int64>
    ) -> DemoChunk {
        let expected = monthDays.reduce(0) { $0 + $1.count }
        var responses: [SurveyResponse] = []
        responses.reserveCapacity(expected)
        var invitations: [Invitation] = []
        invitations.reserveCapacity(expected * 2)
        var tokens: [InvitationToken] = []
        tokens.reserveCapacity(expected * 2)
        let totalDays = Double(days.count)
        let firstDay = days[0].day.daysSinceEpoch
        let lifetime = TimeInterval(options.invitationLifetimeDays) * 86400
        for entry in monthDays {
            let progress = Double(entry.day.daysSinceEpoch - firstDay) / max(1, totalDays - 1)
            let hajjSeason = entry.hijriMonth == 12 || (entry.hijriMonth == 11 && entry.hijriDay >= 10)
            let dayStart = entry.day.start(in: options.timeZone)
            for _ in 0..<entry.count {
                let unit = model.unit(&rng, hajjSeason: hajjSeason)
                let locale = model.locale(&rng, segment: unit.segment)
                var id = SurveyResponse.randomID(using: &rng)
                while !usedIDs.insert(id).inserted { id = SurveyResponse.randomID(using: &rng) }
                let (answers, texts) = model.answers(&rng, unit: unit, locale: locale, progress: progress)
                // About one in eight answers at the offices of registration and gift distribution
                // came through the counter's poster (chosen by the random id, so the stream of
                // draws stays the same): no invitation was issued for them.
                let atPoint = unit.channel == "office" && Self.pointDepartments.contains(unit.department) && id % 8 == 0
                responses.append(
                    SurveyResponse(
                        id: id, day: entry.day, unit: unit, locale: locale, questionnaire: questionnaire.key,
                        questionnaireVersion: questionnaire.version, source: atPoint ? .point : .invitation, answers: answers, texts: texts))

                // The invitation it answered: issued when the service was completed, 0–2 days earlier.
                let lag = rng.chance(0.7) ? 0 : (rng.chance(0.67) ? 1 : 2)
                let issuedAt = dayStart.addingTimeInterval(Double(-lag * 86400) + 8 * 3600 + rng.unit() * 12 * 3600)
                let usedAt =
                    lag == 0
                    ? issuedAt.addingTimeInterval(120 + rng.unit() * 3.5 * 3600)
                    : dayStart.addingTimeInterval(7 * 3600 + rng.unit() * 16 * 3600)
                let (answered, answeredToken) = invitation(&rng, unit, locale, issuedAt: issuedAt, lifetime: lifetime, usedAt: usedAt)
                if !atPoint {
                    invitations.append(answered)
                    tokens.append(answeredToken)
                }

                // Invitations of the same kind that were never answered.
                let rate = model.responseRate(unit)
                let unanswered = (1 - rate) / rate
                let extra = Int(unanswered) + (rng.unit() < unanswered - Double(Int(unanswered)) ? 1 : 0)
                for _ in 0..<extra {
                    let at = dayStart.addingTimeInterval(Double(-lag * 86400) + 8 * 3600 + rng.unit() * 12 * 3600)
                    var (invitation, token) = invitation(&rng, unit, locale, issuedAt: at, lifetime: lifetime, usedAt: nil)
                    if rng.chance(0.003) { invitation.revokedAt = at.addingTimeInterval(86400) }
                    guard !atPoint else { continue }
                    invitations.append(invitation)
                    tokens.append(token)
                }
            }
        }
        return DemoChunk(month: month, invitations: invitations, responses: responses, tokens: tokens)
    }

    /// Departments whose offices have a counter poster in the shipped `seeds/points.yaml`.
    static let pointDepartments: Set<String> = ["registration", "gift-distribution"]

    private func invitation(
        _ rng: inout SeededGenerator, _ unit: ServiceUnit, _ locale: String, issuedAt: Date, lifetime: TimeInterval, usedAt: Date?
    ) -> (Invitation, InvitationToken) {
        let token = InvitationToken.generate(using: &rng)
        let invitation = Invitation(
            tokenHash: token.hash, unit: unit, locale: locale, questionnaire: questionnaire.key,
            questionnaireVersion: questionnaire.version, issuedAt: issuedAt, expiresAt: issuedAt.addingTimeInterval(lifetime),
            usedAt: usedAt)
        return (invitation, token)
    }
}
