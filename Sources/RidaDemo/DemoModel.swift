import Foundation
import RidaCore

/// The behaviour behind the synthetic data: who is served where, how satisfied they are, and
/// what changes over time. Weights are keyed by the shipped seed ids; departments, channels or
/// segments added to the configuration get neutral defaults.
struct DemoModel: Sendable {
    let departments: [Department]
    let channels: [String]
    let segments: [String]
    let languages: [String]
    let ratingItems: [QuestionnaireItem]
    let textItem: QuestionnaireItem?
    let departmentChoice: WeightedChoice
    let channelChoice: [String: WeightedChoice]

    // Planted effects, on the latent satisfaction scale (about one standard deviation = 1).
    static let improvingDepartment = "registration"
    static let worseningDepartment = "beneficiary-services"
    static let lowOutlier = (department: "social-research", channel: "letter")
    static let highOutlier = (department: "gift-distribution", channel: "office")

    var plantedEffects: [String] {
        [
            "improving trend: department \(Self.improvingDepartment) (all channels)",
            "worsening trend: department \(Self.worseningDepartment) (all channels)",
            "lower than expected: \(Self.lowOutlier.department) × \(Self.lowOutlier.channel)",
            "higher than expected: \(Self.highOutlier.department) × \(Self.highOutlier.channel)",
            "weak step: decision (told when to expect a decision) in social-research",
        ]
    }

    init(configuration: SeedConfiguration, questionnaire: Questionnaire) {
        departments = configuration.departments
        channels = configuration.channels.map(\.id)
        segments = configuration.segments.map(\.id)
        languages = questionnaire.languages
        ratingItems = questionnaire.items.filter { $0.kind == .rating }
        textItem = questionnaire.items.first { $0.kind == .text }
        let departmentWeights: [String: Double] = [
            "beneficiary-services": 0.28, "social-research": 0.12, "registration": 0.20, "gift-distribution": 0.22,
            "volunteering": 0.08, "donor-relations": 0.10,
        ]
        departmentChoice = WeightedChoice(departments.map { departmentWeights[$0.id] ?? 0.1 })
        let usual: [String: Double] = ["office": 0.40, "phone": 0.25, "social": 0.12, "letter": 0.08, "web": 0.15]
        let donors: [String: Double] = ["office": 0.10, "phone": 0.30, "social": 0.10, "letter": 0.15, "web": 0.35]
        var channelChoice: [String: WeightedChoice] = [:]
        for department in departments {
            let weights = department.id == "donor-relations" ? donors : usual
            channelChoice[department.id] = WeightedChoice(configuration.channels.map { weights[$0.id] ?? 0.1 })
        }
        self.channelChoice = channelChoice
    }

    static func seasonalWeight(hijriMonth: Int, hijriDay: Int, weekday: Int) -> Double {
        var weight: Double
        switch (hijriMonth, hijriDay) {
        case (12, 1...15): weight = 4.0  // Hajj
        case (12, _): weight = 1.8  // pilgrims leaving
        case (11, 10...): weight = 2.2  // pilgrims arriving
        case (9, 21...): weight = 3.5  // last ten nights of Ramadan
        case (9, _): weight = 3.0  // Ramadan Umrah
        case (8, _), (7, _): weight = 1.4
        case (1, _): weight = 0.7
        default: weight = 1.0
        }
        switch weekday {
        case 5: weight *= 0.35  // Friday
        case 6: weight *= 0.6  // Saturday
        default: break
        }
        return weight
    }

    func unit(_ rng: inout SeededGenerator, hajjSeason: Bool) -> ServiceUnit {
        let department = departments[departmentChoice.pick(&rng)]
        let channel = channels[channelChoice[department.id]!.pick(&rng)]
        let segment: String
        switch department.id {
        case "volunteering": segment = rng.chance(0.9) ? "volunteer" : "internal"
        case "donor-relations": segment = rng.chance(0.95) ? "donor" : "internal"
        default:
            let roll = rng.unit()
            if roll < 0.03 {
                segment = "internal"
            } else {
                segment = roll < (hajjSeason ? 0.85 : 0.2) ? "hajj" : "umrah"
            }
        }
        let service = department.services.isEmpty ? nil : department.services[Int(rng.next() % UInt64(department.services.count))].id
        return ServiceUnit(
            department: department.id, channel: channel, segment: segments.contains(segment) ? segment : segments.first, service: service)
    }

    static let pilgrimLanguages: [String: Double] = ["ar": 0.35, "ur": 0.18, "id": 0.18, "bn": 0.10, "en": 0.07, "tr": 0.07, "fr": 0.05]
    static let localLanguages: [String: Double] = ["ar": 0.85, "en": 0.15]

    func locale(_ rng: inout SeededGenerator, segment: String?) -> String {
        let table = segment == "hajj" || segment == "umrah" ? Self.pilgrimLanguages : Self.localLanguages
        let weights = languages.map { table[$0] ?? 0.01 }
        return languages[WeightedChoice(weights).pick(&rng)]
    }

    /// Share of invitations answered, by channel (a QR code at the counter is answered more
    /// often than a link in a letter).
    func responseRate(_ unit: ServiceUnit) -> Double {
        let byChannel: [String: Double] = ["office": 0.62, "phone": 0.48, "social": 0.30, "letter": 0.22, "web": 0.40]
        let byDepartment: [String: Double] = ["donor-relations": 1.15, "volunteering": 1.2, "social-research": 0.85]
        return min(0.9, (byChannel[unit.channel] ?? 0.4) * (byDepartment[unit.department] ?? 1))
    }

    /// Mean latent satisfaction of a unit at `progress` (0 at the start of the period, 1 at the end).
    func latentMean(_ unit: ServiceUnit, progress: Double) -> Double {
        let byDepartment: [String: Double] = [
            "beneficiary-services": 0.3, "social-research": -0.1, "registration": 0.0, "gift-distribution": 0.4,
            "volunteering": 0.5, "donor-relations": 0.35,
        ]
        let byChannel: [String: Double] = ["office": 0.25, "phone": 0.0, "social": -0.2, "letter": -0.3, "web": 0.05]
        var mean = 0.35 + (byDepartment[unit.department] ?? 0) + (byChannel[unit.channel] ?? 0)
        if unit.department == Self.improvingDepartment { mean += -0.7 + 1.4 * progress }
        if unit.department == Self.worseningDepartment { mean += 0.5 - 1.2 * progress }
        if unit.department == Self.lowOutlier.department, unit.channel == Self.lowOutlier.channel { mean -= 1.3 }
        if unit.department == Self.highOutlier.department, unit.channel == Self.highOutlier.channel { mean += 0.9 }
        return mean
    }

    /// Cut points turning a latent value into a point on a scale of `points` points.
    static func point(_ latent: Double, min: Int, max: Int) -> Int {
        let points = max - min + 1
        // Map roughly N(0.35, 1.2) onto the scale, with the top half of the scale more common.
        let position = (latent + 2.8) / 4.6 * Double(points)
        return Swift.min(max, Swift.max(min, min + Int(position.rounded(.down))))
    }

    func answers(_ rng: inout SeededGenerator, unit: ServiceUnit, locale: String, progress: Double) -> ([ItemAnswer], [ItemText]) {
        let latent = latentMean(unit, progress: progress) + rng.normal()
        var answers: [ItemAnswer] = []
        answers.reserveCapacity(ratingItems.count)
        var overall = 3
        for item in ratingItems {
            guard let scale = item.scale else { continue }
            if !item.required, rng.chance(item.measure == .nps ? 0.10 : 0.06) { continue }  // skipped
            if item.allowsNotApplicable, rng.chance(notApplicableShare(item.id, unit)) {
                answers.append(ItemAnswer(item: item.id, value: .notApplicable))
                continue
            }
            var itemLatent = latent + 0.7 * rng.normal()
            if item.id == "decision", unit.department == "social-research" { itemLatent -= 0.8 }
            if item.id == "speed", unit.channel == "letter" { itemLatent -= 0.4 }
            if item.id == "courtesy" { itemLatent += 0.3 }
            let value = Self.point(itemLatent, min: scale.min, max: scale.max)
            if item.measure == .csat { overall = value }
            answers.append(ItemAnswer(item: item.id, value: .value(value)))
        }
        var texts: [ItemText] = []
        if let textItem, rng.chance(overall <= 2 ? 0.35 : 0.12) {
            texts.append(ItemText(item: textItem.id, text: comment(&rng, locale: locale, positive: overall >= 4)))
        }
        return (answers, texts)
    }

    private func notApplicableShare(_ item: String, _ unit: ServiceUnit) -> Double {
        switch item {
        case "decision": unit.department == "social-research" ? 0.1 : 0.55
        case "referral": 0.5
        default: 0.3
        }
    }

    private func comment(_ rng: inout SeededGenerator, locale: String, positive: Bool) -> String {
        let table = positive ? DemoComments.positive : DemoComments.negative
        let options = table[locale] ?? table["en"]!
        var text = options[Int(rng.next() % UInt64(options.count))]
        if text.contains("{contact}") {
            text = text.replacingOccurrences(of: "{contact}", with: DemoComments.contacts[Int(rng.next() % UInt64(DemoComments.contacts.count))])
        }
        if text.contains("{nationalID}") {
            text = text.replacingOccurrences(
                of: "{nationalID}", with: DemoComments.nationalIDs[Int(rng.next() % UInt64(DemoComments.nationalIDs.count))])
        }
        return text
    }
}

