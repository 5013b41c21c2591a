import Foundation
import RidaAnalytics
import Testing

@testable import RidaReports

#if canImport(FoundationXML)
    import FoundationXML
#endif

// MARK: - Rendering and parsing

private let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

private func chartLibrary() async throws -> TemplateLibrary {
    try await TemplateLibrary(directory: packageRoot.appendingPathComponent("Templates"), required: Charts.templates)
}

/// An element of the rendered figure, with all the text inside it and its parent's index.
private struct Element {
    var name: String
    var attributes: [String: String]
    var text: String
    var parent: Int?
}

private final class Collector: NSObject, XMLParserDelegate {
    var elements: [Element] = []
    var open: [Int] = []

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        elements.append(Element(name: elementName, attributes: attributeDict, text: "", parent: open.last))
        open.append(elements.count - 1)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        open.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        for index in open { elements[index].text += string }
    }
}

private struct Malformed: Error, CustomStringConvertible {
    var description: String
}

/// Parses markup as XML: fails on anything not well-formed.
private func parseXML(_ markup: String) throws -> [Element] {
    let parser = XMLParser(data: Data(markup.utf8))
    let collector = Collector()
    parser.delegate = collector
    guard parser.parse() else {
        throw Malformed(description: "line \(parser.lineNumber): \(parser.parserError.map { "\($0)" } ?? "?")\n\(markup)")
    }
    return collector.elements
}

/// A rendered figure, parsed.
private struct Figure {
    var markup: String
    var elements: [Element]

    init(_ markup: String) throws {
        self.markup = markup
        elements = try parseXML(markup)
        // The chart itself, on its own, is well-formed SVG too.
        let start = try #require(markup.range(of: "<svg"))
        let end = try #require(markup.range(of: "</svg>", range: start.upperBound..<markup.endIndex))
        _ = try parseXML(String(markup[start.lowerBound..<end.upperBound]))
    }

    func all(_ name: String) -> [Element] { elements.filter { $0.name == name } }

    func parent(of element: Element) -> Element? { element.parent.map { elements[$0] } }

    /// Elements inside the chart's main `<svg>` (not the legend swatches).
    var chart: [Element] {
        guard let svg = elements.firstIndex(where: { $0.name == "svg" }) else { return [] }
        return elements.indices.filter { isInside($0, svg) }.map { elements[$0] }
    }

    private func isInside(_ index: Int, _ ancestor: Int) -> Bool {
        var current = elements[index].parent
        while let parent = current {
            if parent == ancestor { return true }
            current = elements[parent].parent
        }
        return false
    }

    /// The data table's body rows, as cell texts (the row header first).
    var tableRows: [[String]] {
        elements.indices.filter { elements[$0].name == "tr" && elements[$0].parent.map({ elements[$0].name == "tbody" }) == true }.map { row in
            elements.indices.filter { elements[$0].parent == row }.map { elements[$0].text }
        }
    }

    /// Markers of the series: circles of the main chart (legend swatches are outside it).
    var markers: [Element] { chart.filter { $0.name == "circle" } }

    func number(_ element: Element, _ attribute: String) throws -> Double {
        try #require(element.attributes[attribute].flatMap(Double.init), "\(attribute) of \(element.name)")
    }
}

private func render(_ model: [String: Any], _ template: String) async throws -> Figure {
    let library = try await chartLibrary()
    let markup = library.render(model, template: template)
    #expect(!markup.isEmpty, "template \(template) rendered nothing")
    return try Figure(markup)
}

// MARK: - Fixtures

private let english = ChartLabels(title: "Satisfaction by month", description: "Share rating 4 or 5, per month, with control limits.")

private func series(_ values: [Double?], suppressed: Set<Int> = [], signals: [Int: ChartSignal] = [:]) -> [ChartPoint] {
    values.enumerated().map { index, value in
        ChartPoint(
            period: String(format: "2025-%02d", index + 1), n: suppressed.contains(index) ? nil : 40 + index,
            value: suppressed.contains(index) ? nil : value, lower: value.map { $0 - 0.05 }, upper: value.map { $0 + 0.05 },
            suppressed: suppressed.contains(index), signal: signals[index])
    }
}

private func control(
    _ points: [ChartPoint], higherIsBetter: Bool = true, id: String = "c1"
) -> ControlChartInput {
    ControlChartInput(
        id: id, points: points, mean: 0.75, upper: 0.9, lower: 0.6, upper2Sigma: 0.85, lower2Sigma: 0.65, trial: true,
        higherIsBetter: higherIsBetter, format: .proportion)
}

private let steps = [
    ItemProfileStep(label: "Courtesy", n: 120, mean: 4.0, lower: 3.8, upper: 4.2),
    ItemProfileStep(label: "Waiting time", n: 118, mean: 3.25, lower: 3.0, upper: 3.5),
    ItemProfileStep(label: "Referral", n: nil, mean: nil, suppressed: true),
]

private let funnelUnits = [
    FunnelUnit(name: "North", n: 200, value: 0.95, flag: .high),
    FunnelUnit(name: "South", n: 150, value: 0.55, flag: .low),
    FunnelUnit(name: "East", n: 80, value: 0.78),
    FunnelUnit(name: "West", n: 3, value: nil, suppressed: true),
]

private let improvementBlue = "#1f5fa8"
private let concernOrange = "#c2570c"
private let commonGrey = "#767676"

// MARK: - Tests

@Suite struct ChartTests {
    @Test func controlChartHasTitleDescriptionAndTheExactNumbersInItsTable() async throws {
        let figure = try await render(Charts.controlChart(control(series([0.725, 0.8, 0.7])), labels: english), "charts/control")
        let svg = try #require(figure.all("svg").first)
        #expect(svg.attributes["role"] == "img")
        #expect(svg.attributes["aria-labelledby"] == "c1-title c1-desc")
        #expect(svg.attributes["viewBox"] == "0 0 640 312")
        #expect(figure.all("title").first?.attributes["id"] == "c1-title")
        #expect(figure.all("title").first?.text == "Satisfaction by month")
        #expect(figure.all("desc").first?.attributes["id"] == "c1-desc")
        #expect(figure.all("desc").first?.text == "Share rating 4 or 5, per month, with control limits.")
        #expect(figure.all("summary").first?.text == "The data as a table")
        #expect(figure.all("th").filter { $0.attributes["scope"] == "col" }.map(\.text) == ["Period", "n", "Value", "95% interval", "Signal"])
        #expect(
            figure.tableRows == [
                ["2025-01", "40", "72.5%", "67.5–77.5%", "Common cause"],
                ["2025-02", "41", "80.0%", "75.0–85.0%", "Common cause"],
                ["2025-03", "42", "70.0%", "65.0–75.0%", "Common cause"],
            ])
        #expect(figure.all("span").map(\.text).contains(" Trial control limits"), "trial limits are labelled as such")
        // Mean, two limits and the 2σ lines are drawn.
        let dashed = figure.chart.filter { $0.name == "line" && figure.parent(of: $0)?.attributes["stroke-dasharray"] == "6 4" }
        #expect(dashed.count == 2)
    }

    @Test(arguments: [true, false])
    func aPointBeyondTheUpperLimitIsBlueWhenHigherIsBetterAndOrangeOtherwise(higherIsBetter: Bool) async throws {
        let points = series([0.75, 0.74, 0.76, 0.95, 0.75], signals: [3: .high])
        let figure = try await render(
            Charts.controlChart(control(points, higherIsBetter: higherIsBetter), labels: english), "charts/control")
        let beyond = try #require(figure.markers.first { $0.text.hasPrefix("2025-04") })
        #expect(beyond.attributes["fill"] == (higherIsBetter ? improvementBlue : concernOrange))
        #expect(beyond.attributes["r"] == "5")
        let others = figure.markers.filter { !$0.text.hasPrefix("2025-04") }
        #expect(others.count == 4)
        #expect(others.allSatisfy { $0.attributes["fill"] == commonGrey })
        #expect(figure.tableRows[3].last == (higherIsBetter ? "Special cause: improvement" : "Special cause: concern"))
        // Never the traffic-light colours.
        for red in ["red", "#ff0000", "#f00", "green", "#008000", "amber", "#ffbf00"] {
            #expect(!figure.markup.lowercased().contains("\"\(red)\""))
        }
    }

    @Test func aLowSignalIsTheImprovementWhenLowerIsBetter() async throws {
        let points = series([0.75, 0.74, 0.5, 0.75], signals: [2: .low])
        let figure = try await render(Charts.controlChart(control(points, higherIsBetter: false), labels: english), "charts/control")
        #expect(figure.markers.first { $0.text.hasPrefix("2025-03") }?.attributes["fill"] == improvementBlue)
    }

    @Test func aSuppressedPointIsAGapWithoutAMarker() async throws {
        let points = series([0.7, 0.72, 0.99, 0.74, 0.76], suppressed: [2])
        let figure = try await render(Charts.controlChart(control(points), labels: english), "charts/control")
        #expect(figure.markers.count == 4)
        #expect(!figure.markers.contains { $0.text.hasPrefix("2025-03") })
        let lines = figure.chart.filter { $0.name == "polyline" }
        #expect(lines.count == 2, "the line breaks at the hidden point")
        #expect(lines.map { $0.attributes["points"]?.split(separator: " ").count } == [2, 2])
        // The hidden value appears nowhere: not in the table, not as a coordinate.
        #expect(figure.tableRows[2] == ["2025-03", "", "Too few responses to show", "", ""])
        #expect(!figure.markup.contains("99.0%"))
        // The period keeps its place on the axis: the points after the gap are further along.
        let xs = try figure.markers.map { try figure.number($0, "cx") }
        #expect(xs == xs.sorted())
        #expect(xs[2] - xs[1] > 1.5 * (xs[1] - xs[0]))
    }

    @Test func rightToLeftDrawsTheFirstPeriodAtTheRight() async throws {
        let points = series([0.7, 0.72, 0.74, 0.76])
        let arabic = ChartLabels.arabic(title: "الرضا حسب الشهر", description: "نسبة من قيّموا 4 أو 5")
        let rtl = try await render(Charts.controlChart(control(points), labels: arabic), "charts/control")
        let ltr = try await render(Charts.controlChart(control(points), labels: english), "charts/control")
        let rtlX = try rtl.markers.map { try rtl.number($0, "cx") }
        let ltrX = try ltr.markers.map { try ltr.number($0, "cx") }
        #expect(rtlX == rtlX.sorted(by: >), "right to left: the first period is drawn at the right")
        #expect(ltrX == ltrX.sorted())
        for (r, l) in zip(rtlX, ltrX) { #expect(abs(r - (640 - l)) < 0.011, "mirrored") }
        let figure = try #require(rtl.all("figure").first)
        #expect(figure.attributes["dir"] == "rtl")
        #expect(figure.attributes["lang"] == "ar")
        // Period labels follow the points; value labels move to the right-hand side.
        let first = try #require(rtl.chart.first { $0.name == "text" && $0.text == "2025-01" })
        let last = try #require(rtl.chart.first { $0.name == "text" && $0.text == "2025-04" })
        #expect(try rtl.number(first, "x") > rtl.number(last, "x"))
        #expect(first.attributes["direction"] == "rtl")
        let ticks = rtl.chart.filter { $0.name == "text" && $0.text.hasSuffix("%") }
        #expect(!ticks.isEmpty)
        #expect(
            try ticks.allSatisfy { try rtl.number($0, "x") > 580 && $0.attributes["text-anchor"] == "start" && $0.attributes["direction"] == "ltr" })
        let ltrTicks = ltr.chart.filter { $0.name == "text" && $0.text.hasSuffix("%") }
        #expect(try ltrTicks.allSatisfy { try ltr.number($0, "x") < 60 && $0.attributes["text-anchor"] == "end" })
        #expect(rtl.chart.contains { $0.name == "text" && $0.text == "الفترة" }, "the axis caption is in Arabic")
        #expect(rtl.all("span").contains { $0.text.contains("سبب خاص: تحسّن") })
    }

    @Test func manyPeriodsAreThinnedOnTheAxisButAllInTheTable() async throws {
        let values = (0..<36).map { 0.7 + Double($0 % 5) / 100 }
        let figure = try await render(Charts.controlChart(control(series(values)), labels: english), "charts/control")
        let periodLabels = figure.chart.filter { $0.name == "text" && $0.text.hasPrefix("2025-") }
        #expect(periodLabels.count <= 8 && periodLabels.count >= 4)
        #expect(figure.tableRows.count == 36)
    }

    @Test func coordinatesHaveAtMostTwoDecimals() async throws {
        let figure = try await render(Charts.controlChart(control(series([0.7131313, 0.72777, 0.7461])), labels: english), "charts/control")
        let numeric = ["cx", "cy", "r", "x", "y", "x1", "y1", "x2", "y2", "width", "height"]
        var checked = 0
        for element in figure.chart {
            for name in numeric {
                guard let value = element.attributes[name] else { continue }
                #expect(value.wholeMatch(of: /-?\d+(\.\d{1,2})?/) != nil, "\(name)=\(value)")
                checked += 1
            }
            if let points = element.attributes["points"] {
                #expect(points.wholeMatch(of: /(-?\d+(\.\d{1,2})?,-?\d+(\.\d{1,2})? ?)+/) != nil, "points=\(points)")
                checked += 1
            }
        }
        #expect(checked > 20)
    }

    @Test func funnelPlotColoursFlaggedUnitsAndKeepsTheGivenOrder() async throws {
        let input = FunnelInput(id: "f1", target: 0.8, units: funnelUnits, higherIsBetter: true, format: .proportion)
        let labels = ChartLabels(title: "Units compared", description: "Satisfaction against number of responses.", rowHeader: "Unit")
        let figure = try await render(Charts.funnelPlot(input, labels: labels), "charts/funnel")
        let dots = figure.markers
        #expect(dots.count == 3, "the suppressed unit has no dot")
        #expect(dots.first { $0.text.hasPrefix("North") }?.attributes["fill"] == improvementBlue)
        #expect(dots.first { $0.text.hasPrefix("South") }?.attributes["fill"] == concernOrange)
        #expect(dots.first { $0.text.hasPrefix("East") }?.attributes["fill"] == commonGrey)
        // Each dot is labelled with the unit's name, as text.
        #expect(Set(figure.chart.filter { $0.name == "text" }.map(\.text)).isSuperset(of: ["North", "South", "East"]))
        // No ranking: the table keeps the caller's order, whatever the values.
        #expect(figure.tableRows.map(\.first) == ["North", "South", "East", "West"])
        #expect(figure.tableRows[1] == ["South", "150", "55.0%", "", "Special cause: concern"])
        #expect(figure.tableRows[3] == ["West", "", "Too few responses to show", "", ""])
        // Two curves at 95%, two at 99.8%, clipped to the plot area.
        let curves = figure.chart.filter { $0.name == "polyline" }
        #expect(curves.filter { figure.parent(of: $0)?.attributes["stroke-dasharray"] == "3 3" }.count == 2)
        #expect(curves.filter { figure.parent(of: $0)?.attributes["stroke-dasharray"] == "6 4" }.count == 2)
        #expect(figure.chart.contains { $0.name == "clipPath" && $0.attributes["id"] == "f1-clip" })
        // The larger unit is further along the n axis.
        let north = try figure.number(try #require(dots.first { $0.text.hasPrefix("North") }), "cx")
        let east = try figure.number(try #require(dots.first { $0.text.hasPrefix("East") }), "cx")
        #expect(north > east)

        let lower = try await render(
            Charts.funnelPlot(FunnelInput(id: "f2", target: 0.8, units: funnelUnits, higherIsBetter: false, format: .proportion), labels: labels),
            "charts/funnel")
        #expect(lower.markers.first { $0.text.hasPrefix("North") }?.attributes["fill"] == concernOrange)
        #expect(lower.markers.first { $0.text.hasPrefix("South") }?.attributes["fill"] == improvementBlue)
    }

    @Test func funnelPlotRightToLeftRunsTheSampleSizeFromTheRight() async throws {
        let input = FunnelInput(id: "f3", target: 0.8, units: funnelUnits, higherIsBetter: true, format: .proportion)
        let figure = try await render(Charts.funnelPlot(input, labels: .arabic(title: "مقارنة الوحدات", description: "وصف")), "charts/funnel")
        let north = try figure.number(try #require(figure.markers.first { $0.text.hasPrefix("North") }), "cx")
        let east = try figure.number(try #require(figure.markers.first { $0.text.hasPrefix("East") }), "cx")
        #expect(north < east)
        let name = try #require(figure.chart.first { $0.name == "text" && $0.text == "North" })
        #expect(try figure.number(name, "x") < north, "the name sits on the left of its dot")
        #expect(name.attributes["direction"] == "rtl")
    }

    @Test func normalApproximationFunnelLimitsForAProportion() {
        let limits = FunnelLimitPoint.proportion(target: 0.8, range: 100...400, samples: 2)
        #expect(limits.map(\.n) == [100, 400])
        #expect(abs(limits[0].upper998 - (0.8 + 3.090232306167813 * 0.04)) < 1e-12)
        #expect(abs(limits[0].lower95 - (0.8 - 1.959963984540054 * 0.04)) < 1e-12)
        #expect(abs(limits[1].upper95 - (0.8 + 1.959963984540054 * 0.02)) < 1e-12)
        #expect(FunnelLimitPoint.proportion(target: 0.99, range: 4...4, samples: 2)[0].upper998 == 1, "clamped to 1")
    }

    @Test func sparklineDrawsTheSeriesWithGapsAndTheSenLine() async throws {
        let input = SparklineInput(
            id: "s1", periods: ["Jan", "Feb", "Mar", "Apr", "May"], values: [0.5, 0.6, nil, 0.7, 0.8], slope: 0.075, intercept: 0.5,
            format: .proportion)
        let labels = ChartLabels(title: "Trend", description: "Rising by 7.5 points a month.")
        let figure = try await render(Charts.sparkline(input, labels: labels), "charts/sparkline")
        let svg = try #require(figure.all("svg").first)
        #expect(svg.attributes["viewBox"] == "0 0 120 28")
        #expect(figure.all("title").first?.text == "Trend")
        let lines = figure.chart.filter { $0.name == "polyline" }
        #expect(lines.count == 2)
        let trend = try #require(figure.chart.first { $0.name == "line" })
        // The Sen line starts at the intercept: the first value here.
        let firstPoint = try #require(lines.first?.attributes["points"]?.split(separator: " ").first?.split(separator: ","))
        #expect(trend.attributes["x1"] == String(firstPoint[0]))
        #expect(trend.attributes["y1"] == String(firstPoint[1]))
        #expect(try figure.number(trend, "y2") < figure.number(trend, "y1"), "rising: the line ends higher")
        #expect(
            figure.tableRows == [
                ["Jan", "50.0%"], ["Feb", "60.0%"], ["Mar", "Too few responses to show"], ["Apr", "70.0%"], ["May", "80.0%"],
                ["Trend (Sen slope)", "7.5%"],
            ])

        let rtl = try await render(Charts.sparkline(input, labels: .arabic(title: "الاتجاه", description: "وصف")), "charts/sparkline")
        let rtlTrend = try #require(rtl.chart.first { $0.name == "line" })
        #expect(try rtl.number(rtlTrend, "x1") > rtl.number(rtlTrend, "x2"), "right to left: the series starts at the right")
    }

    @Test func sparklineComputesTheSenInterceptWhenNotGiven() async throws {
        // y = 1 + 2t exactly: the intercept from medians is 1.
        let input = SparklineInput(id: "s2", values: [1, 3, 5, 7], slope: 2, format: .number(decimals: 1))
        let figure = try await render(Charts.sparkline(input, labels: english), "charts/sparkline")
        let trend = try #require(figure.chart.first { $0.name == "line" })
        let points = try #require(figure.chart.first { $0.name == "polyline" }?.attributes["points"]).split(separator: " ")
        #expect("\(trend.attributes["x1"]!),\(trend.attributes["y1"]!)" == points.first.map(String.init))
        #expect("\(trend.attributes["x2"]!),\(trend.attributes["y2"]!)" == points.last.map(String.init))
    }

    @Test func itemProfileBarsStartAtTheScaleAndGrowFromTheRightInArabic() async throws {
        let input = ItemProfileInput(id: "p1", steps: steps, scale: 1...5)
        let labels = ChartLabels(title: "Steps of the visit", description: "Mean score per step.", xAxis: "Mean score (1–5)", rowHeader: "Step")
        let figure = try await render(Charts.itemProfile(input, labels: labels), "charts/profile")
        let bars = figure.chart.filter { $0.name == "rect" }
        #expect(bars.count == 2, "the suppressed step has no bar")
        // Bars run from 1 (x = 250) over a 334-wide area: 4.0 is three quarters of the way.
        #expect(try bars.map { try figure.number($0, "x") } == [250, 250])
        #expect(try abs(figure.number(bars[0], "width") - 250.5) < 0.011)
        #expect(try abs(figure.number(bars[1], "width") - 187.88) < 0.011)
        #expect(figure.chart.contains { $0.name == "text" && $0.text == "Too few responses to show" })
        #expect(
            figure.tableRows == [
                ["Courtesy", "120", "4.00", "3.80–4.20"], ["Waiting time", "118", "3.25", "3.00–3.50"],
                ["Referral", "", "Too few responses to show", ""],
            ])
        // Whiskers: the interval 3.8–4.2 spans 33.4 units of x.
        let whisker = try #require(
            figure.chart.first { $0.name == "line" && $0.attributes["y1"] == $0.attributes["y2"] && $0.attributes["y1"] == "27" })
        #expect(try abs(abs(figure.number(whisker, "x2") - figure.number(whisker, "x1")) - 33.4) < 0.011)

        let arabic = try await render(
            Charts.itemProfile(input, labels: .arabic(title: "خطوات الزيارة", description: "متوسط التقييم", rowHeader: "الخطوة")), "charts/profile")
        let rtlBars = arabic.chart.filter { $0.name == "rect" }
        // Mirrored: the bars end at the right edge of the bar area (640 − 250 = 390) and grow leftwards.
        #expect(try rtlBars.map { try arabic.number($0, "x") + arabic.number($0, "width") } == [390, 390])
        #expect(try arabic.number(rtlBars[0], "x") < arabic.number(rtlBars[1], "x"), "the higher mean reaches further left")
    }

    enum Kind: String, CaseIterable, Sendable {
        case control, funnel, sparkline, profile
    }

    private static func hostileFigure(_ kind: Kind, label: String, id: String = "h1") async throws -> Figure {
        let labels = ChartLabels(
            language: "ar\" onmouseover=\"x", rtl: true, title: "<script>alert(1)</script>", description: "\"><img src=x onerror=alert(1)>",
            xAxis: label, yAxis: label, dataTable: label, rowHeader: label, improvement: label)
        switch kind {
        case .control:
            var points = series([0.7, 0.75, 0.95], signals: [2: .high])
            points[0].period = label
            return try await render(Charts.controlChart(control(points, id: id), labels: labels), "charts/control")
        case .funnel:
            var units = funnelUnits
            units[0].name = label
            return try await render(
                Charts.funnelPlot(FunnelInput(id: id, target: 0.8, units: units, higherIsBetter: true, format: .proportion), labels: labels),
                "charts/funnel")
        case .sparkline:
            return try await render(
                Charts.sparkline(
                    SparklineInput(id: id, periods: [label, "b"], values: [0.5, 0.6], slope: 0.1, format: .proportion), labels: labels),
                "charts/sparkline")
        case .profile:
            var profileSteps = steps
            profileSteps[0].label = label
            return try await render(Charts.itemProfile(ItemProfileInput(id: id, steps: profileSteps, scale: 1...5), labels: labels), "charts/profile")
        }
    }

    @Test(arguments: Kind.allCases)
    func textFromPeopleIsEscapedAndNeverInAnAttribute(kind: Kind) async throws {
        let label = "\"\u{064E} onmouseover=alert(1) <b>"
        let figure = try await Self.hostileFigure(kind, label: label)
        let markup = figure.markup
        #expect(!markup.lowercased().contains("<script"))
        #expect(!markup.lowercased().contains("<img"))
        #expect(!markup.contains("<b>"))
        #expect(markup.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(markup.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"))
        // A quote followed by a combining mark is one Character: escaped scalar by scalar all the same.
        let scalars = Array(markup.unicodeScalars)
        let quoteThenMark = zip(scalars, scalars.dropFirst()).filter { $0.0 == "\"" && $0.1 == "\u{064E}" }
        #expect(quoteThenMark.isEmpty)
        #expect(markup.unicodeScalars.map(String.init).joined().contains("&quot;\u{064E}"))
        // Parsed, the text comes back as it was written: it is text, not markup.
        #expect(figure.all("title").first?.text == "<script>alert(1)</script>")
        #expect(figure.all("desc").first?.text == "\"><img src=x onerror=alert(1)>")
        #expect(figure.all("summary").first?.text == label)
        #expect(figure.elements.allSatisfy { !["script", "img", "b", "foreignObject"].contains($0.name) })
        // Attributes hold only numbers, colours, keywords and the id: no quotes, no markup, no Arabic.
        for element in figure.elements {
            for (name, value) in element.attributes {
                #expect(!name.lowercased().hasPrefix("on"), "\(element.name) \(name)")
                #expect(value.wholeMatch(of: /[A-Za-z0-9 .,#%()\-_:\/']*/) != nil, "\(element.name) \(name)=\(value)")
                #expect(!value.contains("alert"))
            }
        }
        #expect(try #require(figure.all("figure").first).attributes["lang"] == "und")
    }

    @Test(arguments: Kind.allCases)
    func noInlineStyleAndNoScript(kind: Kind) async throws {
        let figure = try await Self.hostileFigure(kind, label: "label")
        #expect(!figure.markup.contains("style="))
        #expect(!figure.markup.lowercased().contains("<script"))
        #expect(!figure.markup.lowercased().contains("javascript:"))
        #expect(figure.elements.allSatisfy { $0.attributes["style"] == nil && $0.name != "style" && $0.name != "script" })
        // Nothing fetched: no href or src anywhere.
        #expect(figure.elements.allSatisfy { $0.attributes.keys.allSatisfy { !["href", "xlink:href", "src"].contains($0) } })
    }

    @Test(arguments: Kind.allCases)
    func idsComeFromTheSanitisedPrefixAndAreUnique(kind: Kind) async throws {
        let figure = try await Self.hostileFigure(kind, label: "label", id: "q\" onload=\"alert(1)")
        let ids = figure.elements.compactMap { $0.attributes["id"] }
        #expect(ids.first == "qonloadalert1")
        #expect(Set(ids).count == ids.count, "ids are unique")
        let svg = try #require(figure.all("svg").first)
        let references = try #require(svg.attributes["aria-labelledby"]).split(separator: " ").map(String.init)
        #expect(references == ["qonloadalert1-title", "qonloadalert1-desc"])
        #expect(references.allSatisfy(ids.contains))
        #expect(ChartModel.safeID("١٢٣") == "chart")
        #expect(ChartModel.safeID("9x") == "chart-9x")
    }

    @Test func theTablePartialEscapesScalarByScalarToo() async throws {
        // A partial starts with swift-mustache's per-Character escaping unless it declares its own content type.
        let library = try await chartLibrary()
        let markup = library.render(["tableSummary": "\"\u{064E}", "tableHeaders": ["a"], "tableRows": [[String: Any]]()], template: "charts/table")
        #expect(markup.unicodeScalars.map(String.init).joined().contains("&quot;\u{064E}"))
        let scalars = Array(markup.unicodeScalars)
        #expect(!zip(scalars, scalars.dropFirst()).contains { $0.0 == "\"" && $0.1 == "\u{064E}" })
    }

    @Test func seriesFromAnAnalysisTakeTheirSignalsFromTheControlChart() throws {
        let json = """
            {"unit": {}, "changePoints": [], "cusumSignals": [],
             "series": [
               {"period": "p1", "n": 50, "value": 0.70, "suppressed": false, "secondary": false, "lowNumbers": false},
               {"period": "p2", "n": null, "value": null, "suppressed": true, "secondary": false, "lowNumbers": false},
               {"period": "p3", "n": 50, "value": 0.95, "suppressed": false, "secondary": false, "lowNumbers": false},
               {"period": "p4", "n": 50, "value": 0.74, "suppressed": false, "secondary": false, "lowNumbers": false},
               {"period": "p5", "n": 50, "value": 0.72, "suppressed": false, "secondary": false, "lowNumbers": false},
               {"period": "p6", "n": 50, "value": 0.71, "suppressed": false, "secondary": false, "lowNumbers": false}
             ],
             "spc": {"mean": 0.76, "upper": 0.9, "lower": 0.62, "upper2Sigma": 0.85, "lower2Sigma": 0.67,
                     "meanMovingRange": 0.05, "trial": true, "baselinePoints": 5,
                     "signals": {"beyondLimits": ["p3"], "runOf7": [], "trendOf7": ["p4", "p5", "p6"], "twoOfThree": []}}}
            """
        let series = try JSONDecoder().decode(UnitSeries.self, from: Data(json.utf8))
        let input = try #require(ControlChartInput(id: "a", series: series, higherIsBetter: true, format: .proportion))
        #expect(input.points.map(\.signal) == [nil, nil, .high, .low, .low, .low])
        #expect(input.points[1].suppressed)
        #expect(input.trial)
        #expect(input.upper == 0.9)
    }
}
