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
    /// Today in the organisation's time zone: a period that has not ended by then is
    /// provisional, and so is a period's response rate while its invitations may still be
    /// answered. Nil: every period counts as complete.
    public var today: CalendarDay?
    /// Days an invitation stays open, for the response rates' provisional periods.
    public var invitationLifetimeDays = InvitationIssuer.defaultLifetimeDays
    /// Whether provisional periods count in trends, control-chart limits and comparisons.
    public var includeProvisional = false

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

extension AnalysisRequest {
    /// A period that has not ended by `today`.
    public func isProvisional(_ period: Period) -> Bool {
        guard let today else { return false }
        return period.last >= today
    }

    /// A period some of whose invitations may still be answered.
    public func isRateProvisional(_ period: Period) -> Bool {
        guard let today else { return false }
        return period.last.adding(days: invitationLifetimeDays) >= today
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
    /// The dimensions of the cells that small-number protection applies to. Analyses by
    /// department, by channel, by both or by neither are all sums of the same department ×
    /// channel cells, each hidden on its own size and left out of every sum when hidden: their
    /// totals and margins agree with one another, and none of them lets a hidden cell be
    /// derived from another. Other breakdowns are protected at their own units.
    public var protectedDimensions: [AnalysisDimension] {
        by.allSatisfy { $0 == .department || $0 == .channel } ? [.department, .channel] : by
    }

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
    public let timeZone: TimeZone

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
        // The three reads are independent: they run side by side, each on its own connection.
        let wantsInvitations = request.metrics.contains(.responseRate)
        async let responseCells = reader.responseCells(from: first, to: last, grain: grain)
        async let invitationCells = wantsInvitations ? reader.invitationCells(from: first, to: last, grain: grain) : []
        async let questionnaires = reader.questionnaireVersions()
        return await analyse(
            request, periods: periods, responses: try await responseCells, invitations: try await invitationCells,
            questionnaires: try await questionnaires)
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

    /// An item's counts per scale point ("not applicable" answers are not part of any metric).
    struct Tally {
        var counts: [Int]
        var n: Int { counts.reduce(0, +) }
    }

    /// A unit's dimension values as a hashable key, without allocating.
    struct UnitKey: Hashable {
        var department: String?
        var channel: String?
        var segment: String?
        var service: String?
        var language: String?
        var source: String?
    }

    /// Where one slot of a questionnaire version's count vector goes.
    struct SlotTarget {
        var item: Int
        /// The slot's first count in the cell, and its number of scale points.
        var offset: Int
        var points: Int
    }

    /// The cells summed per unit and period, in flat arrays indexed by `unit × periods + period`
    /// (for item counts, then by the item's place in a block of every item's points).
    struct Sums {
        let periods: Int
        let itemCount: Int
        /// Per item: where its counts start in a block, and how many scale points it has.
        let itemStart: [Int]
        let itemPoints: [Int]
        let blockWidth: Int
        private(set) var units: [[String?]] = []
        private var unitIndex: [UnitKey: Int] = [:]
        private var issued: [Int] = []
        private var answered: [Int] = []
        /// Per unit, period and item: whether the item was asked there.
        private var asked: [Bool] = []
        private var counts: [Int] = []

        init(items: ItemTable, periods: Int) {
            self.periods = periods
            itemCount = items.keys.count
            itemPoints = items.keys.map { $0.max - $0.min + 1 }
            var start = 0
            var starts: [Int] = []
            for points in itemPoints {
                starts.append(start)
                start += points
            }
            itemStart = starts
            blockWidth = start
        }

        /// The row of a unit, added (with zero sums) when first seen.
        mutating func row(_ key: UnitKey, _ by: [AnalysisDimension]) -> Int {
            if let index = unitIndex[key] { return index }
            units.append(
                by.map { dimension in
                    switch dimension {
                    case .department: key.department
                    case .channel: key.channel
                    case .segment: key.segment
                    case .service: key.service
                    case .language: key.language
                    case .source: key.source
                    }
                })
            issued += repeatElement(0, count: periods)
            answered += repeatElement(0, count: periods)
            asked += repeatElement(false, count: periods * itemCount)
            counts += repeatElement(0, count: periods * blockWidth)
            unitIndex[key] = units.count - 1
            return units.count - 1
        }

        /// Adds a cell's count vector, laid out as `slots` say, to a unit and period.
        mutating func add(_ cell: [UInt32], slots: [SlotTarget], row: Int, period: Int) {
            let position = row * periods + period
            let block = position * blockWidth
            for slot in slots {
                asked[position * itemCount + slot.item] = true
                let start = block + itemStart[slot.item]
                let end = min(slot.offset + slot.points, cell.count)
                if slot.offset < end {
                    for index in slot.offset..<end { counts[start + index - slot.offset] += Int(cell[index]) }
                }
            }
        }

        mutating func addInvitations(issued: Int, answered: Int, row: Int, period: Int) {
            self.issued[row * periods + period] += issued
            self.answered[row * periods + period] += answered
        }

        /// An item's counts in a unit and period; nil where it was not asked.
        func tally(row: Int, period: Int, item: Int) -> Tally? {
            let position = row * periods + period
            guard asked[position * itemCount + item] else { return nil }
            let start = position * blockWidth + itemStart[item]
            let points = itemPoints[item]
            return Tally(counts: Array(counts[start..<(start + points)]))
        }

        func invitations(row: Int, period: Int) -> (issued: Int, answered: Int) {
            (issued[row * periods + period], answered[row * periods + period])
        }

        /// Indices of the items asked anywhere.
        var askedItems: [Int] {
            var any = [Bool](repeating: false, count: itemCount)
            for position in 0..<(units.count * periods) {
                for item in 0..<itemCount where asked[position * itemCount + item] { any[item] = true }
            }
            return any.indices.filter { any[$0] }
        }
    }

    /// Items as analysed, each given a dense index.
    struct ItemTable {
        var keys: [ItemKey] = []
        var index: [ItemKey: Int] = [:]
        var measures: [Int: Measure] = [:]
        /// Per questionnaire version: where each slot of its cells goes.
        var versions: [Int64: [SlotTarget]] = [:]

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
                versions[id] = zip(layout.slots, items).map { slot, item in SlotTarget(item: item, offset: slot.offset, points: slot.scale.points.count) }
            }
        }
    }

    /// A unit's key: its value for each `by` dimension, nil for the others. Invitations carry no
    /// language (nil).
    func unitKey(
        _ by: [AnalysisDimension], department: String, channel: String, segment: String?, service: String?, language: String?, source: String?
    ) -> UnitKey {
        var key = UnitKey()
        for dimension in by {
            switch dimension {
            case .department: key.department = department
            case .channel: key.channel = channel
            case .segment: key.segment = segment
            case .service: key.service = service
            case .language: key.language = language
            case .source: key.source = source
            }
        }
        return key
    }

    func analyse(
        _ request: AnalysisRequest, periods: [Period], responses: [ResponseCell], invitations: [InvitationCell], questionnaires: [Int64: Questionnaire]
    ) async -> AnalysisResult {
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
        // Cells are summed at the protected grain first: each of its cells is shown or hidden on
        // its own size, and the request's units are sums of the shown ones.
        let fineBy = request.protectedDimensions
        var sums = Sums(items: items, periods: periods.count)
        for cell in responses {
            guard let period = periodIndex(cell.day), let slots = items.versions[cell.questionnaireVersionID] else { continue }
            let unit = unitKey(
                fineBy, department: cell.department, channel: cell.channel, segment: cell.segment, service: cell.service, language: cell.language,
                source: cell.source)
            sums.add(cell.counts, slots: slots, row: sums.row(unit, fineBy), period: period)
        }
        for cell in invitations {
            guard let period = periodIndex(cell.day) else { continue }
            let unit = unitKey(
                fineBy, department: cell.department, channel: cell.channel, segment: cell.segment, service: cell.service, language: nil,
                source: ResponseSource.invitation.rawValue)
            sums.addInvitations(issued: cell.issued, answered: cell.answered, row: sums.row(unit, fineBy), period: period)
        }
        let fineKeys = sums.units
        let order = fineKeys.indices.sorted { organisationalOrder(fineKeys[$0], fineKeys[$1], fineBy) }
        // Each fine unit's place among the request's units (its values for the `by` dimensions).
        let projection = request.by.map { fineBy.firstIndex(of: $0)! }
        var coarseIndex: [[String?]: Int] = [:]
        var coarseKeys: [[String?]] = []
        let firstSeen = order.map { fine -> Int in
            let key = projection.map { fineKeys[fine][$0] }
            if let known = coarseIndex[key] { return known }
            coarseIndex[key] = coarseKeys.count
            coarseKeys.append(key)
            return coarseKeys.count - 1
        }
        let coarseOrder = coarseKeys.indices.sorted { organisationalOrder(coarseKeys[$0], coarseKeys[$1], request.by) }
        let units = coarseOrder.map { coarseKeys[$0] }
        var placeOfCoarse = [Int](repeating: 0, count: coarseKeys.count)
        for (place, index) in coarseOrder.enumerated() { placeOfCoarse[index] = place }
        let coarseOf = firstSeen.map { placeOfCoarse[$0] }
        var notes: [String] = [
            "Cells of fewer than \(request.policy.suppressBelow) responses (by \(fineBy.map(\.rawValue).joined(separator: " × ")) and period) "
                + "are hidden and left out of every total, margin and comparison, which count shown cells only; "
                + "no cell is hidden to protect another (secondary suppression: none)."
        ]
        if request.by.contains(.language) && request.metrics.contains(.responseRate) {
            notes.append("Response rates are not broken down by language: an invitation's language is the one it was issued in.")
        }
        if request.metrics.contains(.responseRate) {
            notes.append(
                "Response rates count one-time invitation links only: responses through points of service (counter posters, kiosks) "
                    + "and imported ones (paper, phone) have no invitations to count against"
                    + (request.by.contains(.source) ? "; by source, their response rate is not applicable." : "."))
        }

        let allItems = sums.askedItems.map { items.keys[$0] }.sorted()
        var jobs: [(kind: MetricKind, item: ItemKey?)] = []
        for kind in request.metrics {
            func measuring(_ measure: Measure) -> [ItemKey] { allItems.filter { items.measures[items.index[$0]!] == measure } }
            let targets: [ItemKey?] =
                switch kind {
                case .csat, .bottom2: measuring(.csat)
                case .nps: measuring(.nps)
                case .ces, .cesAgree: measuring(.ces)
                case .mean: orderedItems(allItems, questionnaires)
                case .responseRate: [nil]
                }
            jobs += targets.map { (kind, $0) }
        }
        // Each metric is computed on its own, so they are computed side by side.
        let itemIndex = items.index, totals = sums
        let metrics = await withTaskGroup(of: (Int, MetricResult).self) { group in
            for (position, job) in jobs.enumerated() {
                group.addTask {
                    let item = job.item.flatMap { itemIndex[$0] }
                    // Provisional periods are shown, but are no evidence of a trend, a signal or a difference.
                    let open = periods.filter { job.kind == .responseRate ? request.isRateProvisional($0) : request.isProvisional($0) }.count
                    let complete = request.includeProvisional ? periods.count : periods.count - open
                    let result = metric(
                        job.kind, item: job.item, request: request, periods: periods, complete: complete, units: units, coarseOf: coarseOf
                    ) { unit, period in
                        Statistic.of(
                            job.kind, item: job.item, tally: item.flatMap { totals.tally(row: order[unit], period: period, item: $0) },
                            invitations: totals.invitations(row: order[unit], period: period))
                    }
                    return (position, result)
                }
            }
            var results = [MetricResult?](repeating: nil, count: jobs.count)
            for await (position, result) in group { results[position] = result }
            return results.map { $0! }
        }.map { metric in Self.markingNotApplicable(metric) }
        return AnalysisResult(
            from: periods.first!.label, to: periods.last!.label, period: request.period, by: request.by, timeZone: timeZone.identifier,
            methodsVersion: Self.methodsVersion, confidence: request.confidence,
            suppressBelow: request.policy.suppressBelow, flagFrom: request.policy.eligibleFrom,
            periods: periods.map {
                PeriodInfo(
                    label: $0.label, first: $0.first.description, last: $0.last.description, provisional: request.isProvisional($0),
                    responseRateProvisional: request.isRateProvisional($0))
            },
            metrics: metrics, notes: notes, protectedAt: fineBy)
    }

    /// A response rate by source: only invitations have one; the other sources' points say so.
    static func markingNotApplicable(_ metric: MetricResult) -> MetricResult {
        guard metric.metric == .responseRate else { return metric }
        var marked = metric
        for index in marked.units.indices {
            guard let source = marked.units[index].unit["source"] ?? nil, source != ResponseSource.invitation.rawValue else { continue }
            for point in marked.units[index].series.indices { marked.units[index].series[point].notApplicable = true }
        }
        return marked
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
        case .source: position = ResponseSource.allCases.firstIndex { $0.rawValue == code }
        }
        return position ?? (Int.max - 1)
    }
}
