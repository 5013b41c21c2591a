import Foundation
import RidaAnalytics
import RidaCore

/// The monthly review, built around its reader: the period, the headline measures and the few
/// findings that most deserve a conversation come first; then each department and channel with
/// its measures, changes, steps of service and comments; lasting differences between units apart
/// from changes; the detail (charts over 24 months, comparisons, trends, actions, methods) last.
extension ReportBuilder {
    /// Findings on the first screen.
    static let leadingFindings = 5
    /// Comments of a unit printed before its collapsed list, and the most that list holds.
    static let commentsShown = 2
    static let commentsListed = 40

    /// How a finding is shown: a change of this period (a special-cause signal or a trend), a
    /// difference from all units together that is new this period, or one that holds over the
    /// whole range too — a lasting difference, shown apart because it is not a change.
    enum FindingKind { case change, newDifference, lastingDifference }

    func kind(of finding: Finding) -> FindingKind {
        if finding.reasons.contains(where: { $0 != .flagHigh && $0 != .flagLow }) { return .change }
        guard let flag = wholeRangeFlag(finding.metric, finding.unit) else { return .newDifference }
        return flag == (finding.reasons.contains(.flagHigh) ? "high" : "low") ? .lastingDifference : .newDifference
    }

    /// The unit's flag over the whole range (`high`, `low`), if it has one.
    func wholeRangeFlag(_ metric: MetricResult, _ unit: [String: String?]) -> String? {
        metric.comparison?.units.first(where: { $0.unit == unit })?.flag
    }

    /// This period's findings: changes, and differences from all units that are new this period.
    func currentFindings() -> [Finding] { findings().filter { kind(of: $0) != .lastingDifference } }

    /// The anchor of the section that shows a unit's evidence.
    func sectionID(_ unit: [String: String?]) -> String {
        if let department = unit["department"] ?? nil { return "d-\(department)" }
        if let channel = unit["channel"] ?? nil { return "c-\(channel)" }
        return "over-time"
    }

    func direction(_ finding: Finding) -> String {
        finding.good && !finding.concern ? "improvement" : (finding.concern && !finding.good ? "concern" : "mixed")
    }

    /// A finding in neutral words, with its value, interval and n, and — in its unit's section —
    /// its evidence: the unit's control chart over the 24 periods, collapsed until asked for.
    func findingModel(_ finding: Finding, id: String, evidence: Bool) -> [String: Any] {
        let direction = direction(finding)
        var model: [String: Any] = [
            "id": id, "unit": unitName(finding.unit), "metric": metricTitle(finding.metric),
            "what": finding.reasons.map { text($0.rawValue) }.joined(separator: language == "ar" ? "؛ " : "; "),
            "value": describe(finding.series.series.last, finding.metric.kind, metric: finding.metric.metric),
            "direction": direction, "directionText": text("board.\(direction)"),
        ]
        // The evidence of all units together is the headline's own control chart.
        model["evidenceLink"] = finding.unit.isEmpty ? "review-\(finding.metric.metric.rawValue)" : "evidence-\(id)"
        if evidence, !finding.unit.isEmpty,
            let chart = ControlChartInput(
                id: "evidence-\(id)", series: finding.series, higherIsBetter: true, format: chartFormat(finding.metric.kind))
        {
            model["chart"] = Charts.controlChart(
                chart,
                labels: chartLabels(
                    title: "\(unitName(finding.unit)) — \(text("controlChartOf"))\(metricTitle(finding.metric))",
                    description: text("controlChartDescription"), yAxis: text("axis.\(finding.metric.metric.rawValue)")))
        }
        return model
    }

    /// A unit's headline measures this period: value, interval and what its n counts.
    func measureRows(_ analysis: AnalysisResult, _ unit: [String: String?]) -> [[String: Any]] {
        Self.headlineMetrics.compactMap { kind -> [String: Any]? in
            guard let metric = analysis.metrics.first(where: { $0.metric == kind }),
                let series = unit.isEmpty ? metric.total : metric.units.first(where: { $0.unit == unit })
            else { return nil }
            let point = series.series.last
            var row: [String: Any] = ["metric": metricTitle(metric), "value": describe(point, metric.kind, metric: metric.metric)]
            if kind == .responseRate, let point, !point.suppressed, let value = point.value, value < 0.2 { row["warning"] = text("lowRate") }
            return row
        }
    }

    /// One department's or channel's section.
    func unitSection(
        _ analysis: AnalysisResult, dimension: AnalysisDimension, id: String, findings: [(Finding, String)], profile: [String: Any]?,
        comments: [CommentGroup]
    ) -> [String: Any] {
        let unit: [String: String?] = [dimension.rawValue: id]
        var model: [String: Any] = [
            "anchor": sectionID(unit), "name": input.configuration.name(of: id, dimension, in: language),
            "measures": measureRows(analysis, unit),
        ]
        let own = findings.filter { $0.0.unit == unit }.map { findingModel($0.0, id: $0.1, evidence: true) }
        model["findings"] = own
        model["hasFindings"] = !own.isEmpty
        if let profile { model["profile"] = profile }
        let groups = comments.enumerated().map { index, group -> [String: Any] in
            let listed = group.comments.prefix(Self.commentsListed).map(commentModel)
            var model: [String: Any] = [
                "channel": input.configuration.name(of: group.channel, .channel, in: language),
                "summary": fill("commentsCount", ["written": count(group.written), "distinct": count(group.comments.count)]),
                "shown": Array(listed.prefix(Self.commentsShown)), "rest": Array(listed.dropFirst(Self.commentsShown)),
                "restSummary": fill("commentsRest", ["count": count(max(0, listed.count - Self.commentsShown))]),
            ]
            model["hasRest"] = listed.count > Self.commentsShown
            if group.comments.count > Self.commentsListed {
                model["inCSV"] = fill("commentsInCSV", ["count": count(group.comments.count - Self.commentsListed)])
            }
            return model
        }
        model["commentGroups"] = groups
        model["hasComments"] = !groups.isEmpty
        return model
    }

    func commentModel(_ comment: ReportComment) -> [String: Any] {
        var meta: [String] = []
        if let satisfaction = comment.satisfaction { meta.append(fill("commentRating", ["score": String(satisfaction)])) }
        if comment.count > 1 { meta.append(fill("commentTimes", ["count": count(comment.count)])) }
        return ["text": comment.text, "meta": meta.joined(separator: comma), "low": (comment.satisfaction ?? 5) <= 2]
    }

    /// Units outside the funnel limits over the whole range, for the headline measures, one line
    /// per unit: differences that last, not changes.
    func lastingDifferences() -> [[String: Any]] {
        var rows: [[String: Any]] = []
        for analysis in [input.byDepartment, input.byChannel] {
            var order: [[String: String?]] = []
            var parts: [[String: String?]: [(flag: String, text: String, thisMonth: Bool)]] = [:]
            for metric in analysis.metrics where Self.headlineMetrics.contains(metric.metric) {
                guard let comparison = metric.comparison, comparison.through != nil else { continue }
                for entry in comparison.units {
                    guard let flag = entry.flag, let value = entry.value, let n = entry.n else { continue }
                    let thisMonth = metric.latest?.units.first(where: { $0.unit == entry.unit })?.flag == flag
                    let counted = metric.metric == .responseRate ? text("invitationsN") : text("n")
                    if parts[entry.unit] == nil { order.append(entry.unit) }
                    parts[entry.unit, default: []].append(
                        (
                            flag,
                            "\(metricTitle(metric)) \u{2066}\(format(value, metric.kind))\u{2069} (\(count(n)) \(counted))",
                            thisMonth
                        ))
                }
            }
            for unit in order {
                guard let found = parts[unit] else { continue }
                var sentences: [String] = []
                for flag in ["high", "low"] {
                    let side = found.filter { $0.flag == flag }
                    guard !side.isEmpty else { continue }
                    sentences.append(text(flag == "high" ? "lastingHigh" : "lastingLow") + ": " + side.map(\.text).joined(separator: comma))
                }
                let highs = found.filter { $0.flag == "high" }.count
                rows.append([
                    "unit": unitName(unit), "what": sentences.joined(separator: language == "ar" ? "؛ " : "; "),
                    "direction": highs == found.count ? "improvement" : (highs == 0 ? "concern" : "mixed"),
                    "thisMonth": text(found.allSatisfy(\.thisMonth) ? "lastingThisMonth" : (found.contains(where: \.thisMonth) ? "lastingPartlyThisMonth" : "lastingNotThisMonth")),
                ])
            }
        }
        return rows
    }

    /// All units together over the whole range, the level lasting differences are measured from.
    func wholeRangeLevels() -> String {
        input.byDepartment.metrics.filter { Self.headlineMetrics.contains($0.metric) }.compactMap { metric -> String? in
            guard let comparison = metric.comparison, comparison.through != nil else { return nil }
            return "\(metricTitle(metric)) \u{2066}\(format(comparison.target, metric.kind))\u{2069}"
        }.joined(separator: comma)
    }

    public func review() -> [String: Any] {
        var model = common(text("reviewTitle"))
        let threshold = input.byDepartment.suppressBelow
        model["headline"] = boardHeadline().map { card -> [String: Any] in
            var card = card
            card.removeValue(forKey: "chart")
            // The short name of the axis: four cards side by side, or two on a phone.
            if let kind = card["kind"] as? String { card["title"] = text("axis.\(kind)") }
            return card
        }
        model["charts"] = headline(chartPrefix: "review")

        // Every finding once, numbered in order of size; lasting differences go apart.
        let all = findings()
        let ranked = all.indices.sorted { (all[$0].size, $1) > (all[$1].size, $0) }.map { all[$0] }
        let current = ranked.filter { kind(of: $0) != .lastingDifference }
        let numbered = current.enumerated().map { ($0.element, "finding-\($0.offset + 1)") }
        let leading = numbered.prefix(Self.leadingFindings).map { findingModel($0.0, id: $0.1, evidence: false) }
        model["leading"] = leading
        model["hasLeading"] = !leading.isEmpty
        if current.count > leading.count {
            model["moreFindings"] = fill("moreFindings", ["count": count(current.count - leading.count)])
        }
        let lasting = lastingDifferences()
        model["lasting"] = lasting
        model["hasLasting"] = !lasting.isEmpty
        if !lasting.isEmpty {
            model["lastingCount"] = fill("lastingCount", ["count": count(lasting.count)])
            model["lastingLevels"] = fill("lastingLevels", ["levels": wholeRangeLevels()])
        }
        model["totalFindings"] = numbered.filter { $0.0.unit.isEmpty }.map { findingModel($0.0, id: $0.1, evidence: false) }

        let profiles = Dictionary(profiles().compactMap { profile in (profile["department"] as? String).map { ($0, profile) } }) { first, _ in first }
        model["departments"] = input.configuration.departments.map { department in
            unitSection(
                input.byDepartment, dimension: .department, id: department.id, findings: numbered, profile: profiles[department.id],
                comments: input.comments.filter { $0.department == department.id })
        }
        model["channels"] = input.configuration.channels.compactMap { channel -> [String: Any]? in
            // A channel no analysis has seen (no responses in 24 periods) has no section.
            guard input.byChannel.metrics.contains(where: { $0.units.contains { $0.unit == ["channel": channel.id] } }) else { return nil }
            return unitSection(input.byChannel, dimension: .channel, id: channel.id, findings: numbered, profile: nil, comments: [])
        }
        model["hasComments"] = !input.comments.isEmpty
        model["funnels"] = [
            funnel(input.byDepartment, id: "funnel-departments", title: text("funnelDepartments")),
            funnel(input.byChannel, id: "funnel-channels", title: text("funnelChannels")),
        ].compactMap { $0 }
        model["trendTables"] = [
            ["id": "trends-departments", "title": text("byDepartment"), "rows": trendRows(input.byDepartment, prefix: "trend-d")],
            ["id": "trends-channels", "title": text("byChannel"), "rows": trendRows(input.byChannel, prefix: "trend-c")],
        ]
        model["commentsNote"] = text("commentsNote", ["threshold": threshold])
        model["followUpsText"] = text("followUpsText", ["count": input.followUps])
        model["actions"] = actionRows()
        model["hasActions"] = !input.actionEffects.isEmpty
        model["methodsText"] = text("methodsText", ["threshold": threshold])
        return model
    }
}
