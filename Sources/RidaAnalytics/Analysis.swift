import Foundation
import RidaCore
import RidaStats

/// A metric an analysis can report.
public enum MetricKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// Share of the top two points (4–5 on 1–5) of the item that measures satisfaction.
    case csat
    /// Share of the bottom two points (1–2) of the same item.
    case bottom2 = "bottom-2"
    /// Net promoter score (0–10; promoters 9–10, detractors 0–6).
    case nps
    /// Mean of the effort item (1–7, "made it easy").
    case ces
    /// Share agreeing (5–7) on the effort item.
    case cesAgree = "ces-agree"
    /// Mean of every rating item: the item profile.
    case mean
    /// Invitations answered / issued, by the day they were issued.
    case responseRate = "response-rate"

    public static let headline: [MetricKind] = [.csat, .nps, .ces, .responseRate]
}

/// What to analyse.
public struct AnalysisRequest: Sendable, Hashable {
    public var from: String
    public var to: String
    public var period: PeriodKind
    public var by: [AnalysisDimension]
    public var metrics: [MetricKind]
    public var confidence: Double
    public var policy: SmallNumbersPolicy
    /// False discovery rate across the trend tests of one metric.
    public var falseDiscoveryRate: Double

    public init(
        from: String, to: String, period: PeriodKind = .month, by: [AnalysisDimension] = [.department], metrics: [MetricKind] = MetricKind.headline,
        confidence: Double = 0.95, policy: SmallNumbersPolicy = .quality, falseDiscoveryRate: Double = 0.10
    ) {
        self.from = from
        self.to = to
        self.period = period
        self.by = by
        self.metrics = metrics
        self.confidence = confidence
        self.policy = policy
        self.falseDiscoveryRate = falseDiscoveryRate
    }
}

public enum AnalysisError: Error, Hashable, CustomStringConvertible {
    case period(PeriodError)
    case repeatedDimension(String)
    case unknownDimension(String)
    case unknownMetric(String)
    case unknownPeriodKind(String)

    /// The request parameter at fault.
    public var parameter: String {
        switch self {
        case .period: "period"
        case .repeatedDimension, .unknownDimension: "by"
        case .unknownMetric: "metric"
        case .unknownPeriodKind: "period"
        }
    }

    public var description: String {
        switch self {
        case .period(let error): error.description
        case .repeatedDimension(let name): "by: \(name) is named twice"
        case .unknownDimension(let name):
            "by: unknown dimension '\(name)' (\(AnalysisDimension.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .unknownMetric(let name): "metric: unknown metric '\(name)' (\(MetricKind.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .unknownPeriodKind(let name): "period: unknown kind '\(name)' (\(PeriodKind.allCases.map(\.rawValue).joined(separator: ", ")))"
        }
    }
}

extension AnalysisRequest {
    /// Dimensions from a comma-separated list, e.g. `department,channel`.
    public static func dimensions(_ text: String) throws -> [AnalysisDimension] {
        try text.split(separator: ",").map { name in
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard let dimension = AnalysisDimension(rawValue: trimmed) else { throw AnalysisError.unknownDimension(trimmed) }
            return dimension
        }
    }

    /// Metrics from a comma-separated list; nil gives the headline metrics.
    public static func metrics(_ text: String?) throws -> [MetricKind] {
        guard let text else { return MetricKind.headline }
        return try text.split(separator: ",").map { name in
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard let metric = MetricKind(rawValue: trimmed) else { throw AnalysisError.unknownMetric(trimmed) }
            return metric
        }
    }
}

/// Computes metrics with their intervals per unit and period, trends, change points, control
/// charts and the comparison of units, from per-day cells.
public struct AnalysisEngine: Sendable {
    public static let methodsVersion = "1"
    let configuration: SeedConfiguration
    let timeZone: TimeZone

    public init(configuration: SeedConfiguration, timeZone: TimeZone) {
        self.configuration = configuration
        self.timeZone = timeZone
    }

    /// Reads the cells the request needs and analyses them.
    public func analyse(_ request: AnalysisRequest, cells reader: any CellReader) async throws -> AnalysisResult {
        let calendar = PeriodCalendar(request.period)
        let periods: [Period]
        do { periods = try calendar.periods(from: request.from, to: request.to) } catch let error as PeriodError { throw AnalysisError.period(error) }
        if let repeated = Dictionary(grouping: request.by, by: { $0 }).first(where: { $0.value.count > 1 }) {
            throw AnalysisError.repeatedDimension(repeated.key.rawValue)
        }
        let grain = CellGrain.covering(request.by)
        let first = periods.first!.first, last = periods.last!.last
        let responseCells = try await reader.responseCells(from: first, to: last, grain: grain)
        let invitationCells = request.metrics.contains(.responseRate) ? try await reader.invitationCells(from: first, to: last, grain: grain) : []
        return analyse(request, periods: periods, responses: responseCells, invitations: invitationCells, questionnaires: try await reader.questionnaireVersions())
    }

    // MARK: - Aggregation

    /// An item as analysed: items of different questionnaire versions are pooled only when their
    /// id and scale agree.
    struct ItemKey: Hashable, Comparable {
        var item: String
        var scale: String
        var min: Int
        var max: Int
        static func < (a: ItemKey, b: ItemKey) -> Bool { (a.item, a.scale, a.min) < (b.item, b.scale, b.min) }
    }

    struct Tally {
        var counts: [Int]
        var notApplicable = 0
        init(points: Int) { counts = Array(repeating: 0, count: points) }
        var n: Int { counts.reduce(0, +) }
    }

    struct Bucket {
        var responses = 0
        /// By item index (see `ItemTable`); nil where the item was not asked.
        var items: [Tally?]
        var issued = 0
        var answered = 0
        init(items: Int) { self.items = Array(repeating: nil, count: items) }
    }

    /// Items as analysed, each given a dense index.
    struct ItemTable {
        var keys: [ItemKey] = []
        var index: [ItemKey: Int] = [:]
        var measures: [Int: Measure] = [:]
        /// Per questionnaire version: its layout and, per slot, the item index.
        var versions: [Int64: (layout: CellLayout, items: [Int])] = [:]

        init(_ questionnaires: [Int64: Questionnaire]) {
            for (id, questionnaire) in questionnaires.sorted(by: { $0.key < $1.key }) {
                let layout = CellLayout(questionnaire)
                let items = layout.slots.map { slot -> Int in
                    let key = ItemKey(item: slot.item, scale: slot.scale.id, min: slot.scale.min, max: slot.scale.max)
                    if let known = index[key] { return known }
                    keys.append(key)
                    index[key] = keys.count - 1
                    return keys.count - 1
                }
                for (slot, item) in zip(layout.slots, items) { if let measure = slot.measure { measures[item] = measure } }
                versions[id] = (layout, items)
            }
        }
    }

    /// A unit's key: its value for each `by` dimension. Invitations carry no language (nil).
    func unitKey(_ by: [AnalysisDimension], department: String, channel: String, segment: String?, service: String?, language: String?)
        -> [String?]
    {
        by.map { dimension in
            switch dimension {
            case .department: department
            case .channel: channel
            case .segment: segment
            case .service: service
            case .language: language
            }
        }
    }

    func analyse(
        _ request: AnalysisRequest, periods: [Period], responses: [ResponseCell], invitations: [InvitationCell], questionnaires: [Int64: Questionnaire]
    ) -> AnalysisResult {
        // Day → period index, computed once per day.
        let firstDay = periods.first!.first.daysSinceEpoch
        var periodOfDay = [Int](repeating: -1, count: periods.last!.last.daysSinceEpoch - firstDay + 1)
        for (index, period) in periods.enumerated() {
            for day in period.first.daysSinceEpoch...period.last.daysSinceEpoch { periodOfDay[day - firstDay] = index }
        }
        func periodIndex(_ day: CalendarDay) -> Int? {
            let offset = day.daysSinceEpoch - firstDay
            guard periodOfDay.indices.contains(offset), periodOfDay[offset] >= 0 else { return nil }
            return periodOfDay[offset]
        }
        let items = ItemTable(questionnaires)
        var unitIndex: [[String?]: Int] = [:]
        var unitKeys: [[String?]] = []
        var buckets: [[Bucket]] = []
        func bucketRow(_ unit: [String?]) -> Int {
            if let index = unitIndex[unit] { return index }
            unitKeys.append(unit)
            buckets.append(Array(repeating: Bucket(items: items.keys.count), count: periods.count))
            unitIndex[unit] = unitKeys.count - 1
            return unitKeys.count - 1
        }
        for cell in responses {
            guard let period = periodIndex(cell.day), let version = items.versions[cell.questionnaireVersionID] else { continue }
            let row = bucketRow(
                unitKey(
                    request.by, department: cell.department, channel: cell.channel, segment: cell.segment, service: cell.service,
                    language: cell.language))
            buckets[row][period].responses += cell.responses
            for (slot, item) in zip(version.layout.slots, version.items) {
                let points = slot.scale.points.count
                var tally = buckets[row][period].items[item] ?? Tally(points: points)
                let end = min(slot.offset + points, cell.counts.count)
                if slot.offset < end {
                    for position in slot.offset..<end { tally.counts[position - slot.offset] += Int(cell.counts[position]) }
                }
                if slot.notApplicableOffset < cell.counts.count { tally.notApplicable += Int(cell.counts[slot.notApplicableOffset]) }
                buckets[row][period].items[item] = tally
            }
        }
        for cell in invitations {
            guard let period = periodIndex(cell.day) else { continue }
            let unit = unitKey(
                request.by, department: cell.department, channel: cell.channel, segment: cell.segment, service: cell.service, language: nil)
            let row = bucketRow(unit)
            buckets[row][period].issued += cell.issued
            buckets[row][period].answered += cell.answered
        }
        let order = unitKeys.indices.sorted { organisationalOrder(unitKeys[$0], unitKeys[$1], request.by) }
        let units = order.map { unitKeys[$0] }
        var notes: [String] = []
        if request.by.contains(.language) && request.metrics.contains(.responseRate) {
            notes.append("Response rates are not broken down by language: an invitation's language is the one it was issued in.")
        }

        let asked = Set(buckets.flatMap { $0.flatMap { bucket in bucket.items.indices.filter { bucket.items[$0] != nil } } })
        let allItems = asked.map { items.keys[$0] }.sorted()
        var metrics: [MetricResult] = []
        for kind in request.metrics {
            let targets: [ItemKey?]
            func measuring(_ measure: Measure) -> [ItemKey] { allItems.filter { items.measures[items.index[$0]!] == measure } }
            switch kind {
            case .csat, .bottom2: targets = measuring(.csat)
            case .nps: targets = measuring(.nps)
            case .ces, .cesAgree: targets = measuring(.ces)
            case .mean: targets = orderedItems(allItems, questionnaires)
            case .responseRate: targets = [nil]
            }
            for item in targets {
                let itemIndex = item.flatMap { items.index[$0] }
                metrics.append(
                    metric(kind, item: item, request: request, periods: periods, units: units) { position, period in
                        Statistic.of(kind, item: item, tally: itemIndex.flatMap { buckets[order[position]][period].items[$0] },
                            bucket: buckets[order[position]][period])
                    })
            }
        }
        return AnalysisResult(
            from: periods.first!.label, to: periods.last!.label, period: request.period, by: request.by, timeZone: timeZone.identifier,
            methodsVersion: Self.methodsVersion, confidence: request.confidence,
            suppressBelow: request.policy.suppressBelow, flagFrom: request.policy.eligibleFrom,
            periods: periods.map { PeriodInfo(label: $0.label, first: $0.first.description, last: $0.last.description) },
            metrics: metrics, notes: notes)
    }

    /// Items in questionnaire order (of the newest version that holds them).
    func orderedItems(_ items: [ItemKey], _ questionnaires: [Int64: Questionnaire]) -> [ItemKey] {
        var position: [String: Int] = [:]
        for (_, questionnaire) in questionnaires.sorted(by: { $0.key > $1.key }) {
            for (index, item) in questionnaire.items.enumerated() where position[item.id] == nil { position[item.id] = index }
        }
        return items.sorted { (position[$0.item] ?? .max, $0) < (position[$1.item] ?? .max, $1) }
    }

    /// Units in the organisation's order of departments, channels, segments, services and
    /// languages — never by value.
    func organisationalOrder(_ a: [String?], _ b: [String?], _ by: [AnalysisDimension]) -> Bool {
        for (index, dimension) in by.enumerated() {
            let left = rank(a[index], dimension), right = rank(b[index], dimension)
            if left != right { return left < right }
        }
        return false
    }

    func rank(_ code: String?, _ dimension: AnalysisDimension) -> Int {
        guard let code else { return Int.max }
        let position: Int?
        switch dimension {
        case .department: position = configuration.departments.firstIndex { $0.id == code }
        case .channel: position = configuration.channels.firstIndex { $0.id == code }
        case .segment: position = configuration.segments.firstIndex { $0.id == code }
        case .service:
            position = configuration.departments.flatMap(\.services).firstIndex { $0.id == code }
        case .language: position = configuration.languages.firstIndex { $0.code == code }
        }
        return position ?? (Int.max - 1)
    }
}
