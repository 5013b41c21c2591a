import Foundation

/// Inline SVG charts for the HTML reports: models for the templates in `Templates/charts/`.
///
/// Coordinates are computed here and handed to the templates as strings of numbers; the only
/// other attribute values are fixed colours, fixed keywords and the sanitised id. Everything a
/// person wrote or translated goes into element text, where the templates escape it. Each chart
/// has a `<title>`, a `<desc>` and a data table; nothing is ranked, and special-cause colours are
/// blue (improvement) and orange (concern), common cause grey.
public enum Charts {
    /// Template names, for `TemplateLibrary(directory:required:)`.
    public static let templates = ["charts/control", "charts/funnel", "charts/sparkline", "charts/profile", "charts/table", "charts/legend", "charts/trend"]

    // MARK: - Control chart

    /// XmR control chart of a series (`Templates/charts/control.mustache`). In right-to-left
    /// layouts the first period is at the right.
    public static func controlChart(_ input: ControlChartInput, labels: ChartLabels) -> [String: Any] {
        let width = 640.0
        let height = 312.0
        let frame = PlotFrame(width: width, height: height, axisSide: 64, otherSide: 16, top: 16, bottom: 68, rtl: labels.rtl)
        let limitValues = [input.mean, input.upper, input.lower, input.upper2Sigma, input.lower2Sigma]
        let axis = ValueAxis(values: input.points.compactMap(\.shownValue) + limitValues, bounds: input.format.bounds)
        let count = input.points.count
        func x(_ index: Int) -> Double { frame.x(fraction: count > 1 ? Double(index) / Double(count - 1) : 0.5, inset: 12) }
        func y(_ value: Double) -> Double { axis.position(value, from: frame.bottom, to: frame.top) }
        let direction = labels.rtl ? "rtl" : "ltr"

        var model = ChartModel.base(id: input.id, labels: labels, width: width, height: height)

        // The series: a polyline per run of shown points, a gap where a point is hidden.
        var segments: [[String: Any]] = []
        var markers: [[String: Any]] = []
        var run: [(Double, Double)] = []
        func closeRun() {
            if run.count >= 2 { segments.append(["points": ChartModel.points(run)]) }
            run = []
        }
        for (index, point) in input.points.enumerated() {
            guard let value = point.shownValue else {
                closeRun()
                continue
            }
            let position = (x(index), y(value))
            run.append(position)
            markers.append([
                "cx": ChartNumber.coordinate(position.0), "cy": ChartNumber.coordinate(position.1),
                "r": point.signal == nil ? "3" : "5",
                "fill": ChartColour.signal(point.signal, higherIsBetter: input.higherIsBetter),
                "label": labels.periodName(point.period, long: true) + ": " + input.format.text(value),
            ])
        }
        closeRun()
        model["segments"] = segments
        model["markers"] = markers

        func horizontal(_ value: Double) -> [[String: Any]] {
            guard axis.contains(value) else { return [] }
            return [ChartModel.line(x1: frame.left, y1: y(value), x2: frame.right, y2: y(value))]
        }
        model["centre"] = horizontal(input.mean)
        model["limits"] = horizontal(input.upper) + horizontal(input.lower)
        model["sigma"] = horizontal(input.upper2Sigma) + horizontal(input.lower2Sigma)
        let bandTop = min(max(input.upper2Sigma, axis.low), axis.high)
        let bandBottom = min(max(input.lower2Sigma, axis.low), axis.high)
        model["band"] =
            bandTop > bandBottom
            ? [
                [
                    "x": ChartNumber.coordinate(frame.left), "y": ChartNumber.coordinate(y(bandTop)),
                    "width": ChartNumber.coordinate(frame.plotWidth), "height": ChartNumber.coordinate(y(bandBottom) - y(bandTop)),
                ]
            ] : [[String: Any]]()

        let ticks = ChartModel.verticalTicks(axis, frame: frame, format: input.format)
        model["yTicks"] = ticks.labels
        model["grid"] = ticks.grid
        model["axes"] = [
            ChartModel.line(x1: frame.left, y1: frame.bottom, x2: frame.right, y2: frame.bottom),
            ChartModel.line(x1: frame.axisX, y1: frame.top, x2: frame.axisX, y2: frame.bottom),
        ]
        model["xTicks"] = timeTicks(input.points.map(\.period), x: x, y: frame.bottom + 16, spacing: count > 1 ? abs(x(1) - x(0)) : frame.plotWidth, width: width, labels: labels)
        model["captions"] = [
            ChartModel.text(labels.xAxis, x: frame.centreX, y: height - 10, anchor: "middle", direction: direction),
            ChartModel.text(
                labels.yAxis, x: frame.axisCaptionX, y: (frame.top + frame.bottom) / 2, anchor: "middle", direction: direction, rotate: true),
        ]

        model["legend"] = [
            ChartModel.legendItem(labels.commonCause, .dot(ChartColour.common)),
            ChartModel.legendItem(labels.improvement, .dot(ChartColour.improvement)),
            ChartModel.legendItem(labels.concern, .dot(ChartColour.concern)),
            ChartModel.legendItem(labels.mean, .line(ChartColour.centre, dashed: false)),
            ChartModel.legendItem(input.trial ? labels.trialLimits : labels.limits, .line(ChartColour.limit, dashed: true)),
            ChartModel.legendItem(labels.twoSigma, .band(ChartColour.band)),
        ]
        model["tableHeaders"] = [labels.rowHeader, labels.n, labels.value, labels.interval, labels.signal]
        model["tableRows"] = input.points.map { point in
            ChartModel.dataRow(
                labels.periodName(point.period, long: true), n: point.n, value: point.shownValue, lower: point.lower, upper: point.upper, suppressed: point.suppressed,
                signal: point.signal, higherIsBetter: input.higherIsBetter, format: input.format, labels: labels)
        }
        return model
    }

    /// Period labels along a time axis: the month's name and, on a second smaller line, the other
    /// calendar's months it overlaps; thinned evenly (always keeping the first) until no two
    /// labels can touch. At most 8; every period is in the data table.
    static func timeTicks(_ periods: [String], x: (Int) -> Double, y: Double, spacing: Double, width: Double, labels: ChartLabels) -> [[String: Any]] {
        let direction = labels.rtl ? "rtl" : "ltr"
        let names = periods.map { labels.periodName($0) }
        let others = periods.map { labels.periodNames?.overlap($0) }
        let widest = zip(names, others).map { max(ChartText.width($0, fontSize: 11), ChartText.width($1 ?? "", fontSize: 9)) }.max() ?? 0
        var every = max(1, Int((Double(periods.count) / 8).rounded(.up)))
        while every < periods.count, spacing * Double(every) < widest + 8 { every += 1 }
        return periods.indices.filter { $0 % every == 0 }.map { index in
            // A label at an end of the axis is moved inwards, so that it stays inside the chart.
            let half = max(ChartText.width(names[index], fontSize: 11), ChartText.width(others[index] ?? "", fontSize: 9)) / 2
            let position = min(max(x(index), half + 2), width - half - 2)
            var tick = ChartModel.text(names[index], x: position, y: y, anchor: "middle", direction: direction)
            if let other = others[index] { tick["sub"] = other }
            return tick
        }
    }

    // MARK: - Funnel plot

    /// Funnel plot (`Templates/charts/funnel.mustache`): value against sample size, the target,
    /// the 95% and 99.8% limits, a dot per unit. Units flagged at 99.8% are blue or orange.
    public static func funnelPlot(_ input: FunnelInput, labels: ChartLabels) -> [String: Any] {
        let width = 640.0
        let height = 360.0
        let frame = PlotFrame(width: width, height: height, axisSide: 64, otherSide: 24, top: 16, bottom: 56, rtl: labels.rtl)
        let direction = labels.rtl ? "rtl" : "ltr"
        let drawn = input.units.enumerated().compactMap { index, unit -> (Int, FunnelUnit, Double, Double)? in
            guard !unit.suppressed, let n = unit.n, n > 0, let value = unit.value, value.isFinite else { return nil }
            return (index, unit, Double(n), value)
        }
        let largest = drawn.map(\.2).max() ?? input.limits.map(\.n).max() ?? 100
        let nAxis = ValueAxis(values: [0, largest], bounds: 0...Double.greatestFiniteMagnitude)
        let smallest = drawn.map(\.2).min() ?? 1
        // The y axis reaches the 99.8% limits at the smallest unit, not the limits' blow-up near n = 0.
        let reach = input.limits.filter { $0.n >= smallest * 0.95 && $0.n <= nAxis.high }.flatMap { [$0.lower998, $0.upper998] }
        let axis = ValueAxis(values: drawn.map(\.3) + [input.target] + reach, bounds: input.format.bounds)
        func x(_ n: Double) -> Double { nAxis.position(n, from: labels.rtl ? frame.right : frame.left, to: labels.rtl ? frame.left : frame.right) }
        func y(_ value: Double) -> Double { axis.position(value, from: frame.bottom, to: frame.top) }

        var model = ChartModel.base(id: input.id, labels: labels, width: width, height: height)
        model["clip"] = [
            "x": ChartNumber.coordinate(frame.left), "y": ChartNumber.coordinate(frame.top),
            "width": ChartNumber.coordinate(frame.plotWidth), "height": ChartNumber.coordinate(frame.plotHeight),
        ]
        func curve(_ value: KeyPath<FunnelLimitPoint, Double>) -> [String: Any]? {
            let points = input.limits.filter { $0.n <= nAxis.high && $0[keyPath: value].isFinite }.map { (x($0.n), y($0[keyPath: value])) }
            return points.count >= 2 ? ["points": ChartModel.points(points)] : nil
        }
        model["limits95"] = [curve(\.lower95), curve(\.upper95)].compactMap { $0 }
        model["limits998"] = [curve(\.lower998), curve(\.upper998)].compactMap { $0 }
        model["centre"] =
            axis.contains(input.target)
            ? [ChartModel.line(x1: frame.left, y1: y(input.target), x2: frame.right, y2: y(input.target))] : [[String: Any]]()
        // Names beside their dots without touching one another or another dot, inside the plot:
        // the first free place of right, left, above, below, then further out (with a leader line).
        let fontSize = 10.0
        let plotBox = ChartBox(minX: frame.left, minY: frame.top, maxX: frame.right, maxY: frame.bottom)
        let dotBoxes = drawn.map { _, _, n, value in ChartBox(minX: x(n) - 5.5, minY: y(value) - 5.5, maxX: x(n) + 5.5, maxY: y(value) + 5.5) }
        var taken: [ChartBox] = []
        model["dots"] = drawn.enumerated().map { position, entry -> [String: Any] in
            let (_, unit, n, value) = entry
            let cx = x(n)
            let cy = y(value)
            let w = ChartText.width(unit.name, fontSize: fontSize)
            let h = fontSize * 1.5
            var candidates: [ChartBox] = []
            for step in 0..<6 {
                let shift = Double(step) * h
                for offset in step == 0 ? [0.0] : [-shift, shift] {
                    // After the dot in the reading direction first: to its right, or in Arabic to its left.
                    let after = ChartBox(minX: cx + 7, minY: cy - h / 2 + offset, maxX: cx + 7 + w, maxY: cy + h / 2 + offset)
                    let before = ChartBox(minX: cx - 7 - w, minY: cy - h / 2 + offset, maxX: cx - 7, maxY: cy + h / 2 + offset)
                    candidates += labels.rtl ? [before, after] : [after, before]
                }
                candidates.append(ChartBox(minX: cx - w / 2, minY: cy - 7 - h - shift, maxX: cx + w / 2, maxY: cy - 7 - shift))
                candidates.append(ChartBox(minX: cx - w / 2, minY: cy + 7 + shift, maxX: cx + w / 2, maxY: cy + 7 + h + shift))
            }
            let obstacles = taken + dotBoxes.enumerated().filter { $0.offset != position }.map(\.element)
            func cost(_ box: ChartBox) -> Double {
                obstacles.reduce(0) { $0 + box.overlap($1) } + (box.inside(plotBox) ? 0 : 1e6)
            }
            let box = candidates.first { cost($0) == 0 } ?? candidates.min { cost($0) < cost($1) }!
            taken.append(box)
            let labelX = (box.minX + box.maxX) / 2
            let labelY = (box.minY + box.maxY) / 2
            var model: [String: Any] = [
                "cx": ChartNumber.coordinate(cx), "cy": ChartNumber.coordinate(cy),
                "fill": ChartColour.signal(unit.flag, higherIsBetter: input.higherIsBetter),
                "label": unit.name + ": " + input.format.text(value) + " (n = \(Int(n)))",
                "name": ChartModel.text(unit.name, x: labelX, y: labelY, anchor: "middle", direction: direction),
                // A pale plate under the name, so that limit curves do not cross it.
                "plate": [
                    "x": ChartNumber.coordinate(box.minX), "y": ChartNumber.coordinate(box.minY),
                    "width": ChartNumber.coordinate(box.maxX - box.minX), "height": ChartNumber.coordinate(box.maxY - box.minY),
                ],
            ]
            // A name moved away from its dot is tied to it by a thin line.
            let nearX = min(max(cx, box.minX), box.maxX)
            let nearY = min(max(cy, box.minY), box.maxY)
            if ((nearX - cx) * (nearX - cx) + (nearY - cy) * (nearY - cy)).squareRoot() > 12 {
                model["leader"] = ChartModel.line(x1: cx, y1: cy, x2: nearX, y2: nearY)
            }
            return model
        }
        let ticks = ChartModel.verticalTicks(axis, frame: frame, format: input.format)
        model["yTicks"] = ticks.labels
        model["grid"] = ticks.grid
        model["xTicks"] = nAxis.ticks.map { tick in
            ChartModel.text(
                ChartNumber.fixed(tick, decimals: ChartNumber.decimals(forStep: nAxis.step)), x: x(tick), y: frame.bottom + 16, anchor: "middle",
                direction: "ltr")
        }
        model["tickMarks"] = nAxis.ticks.map { ChartModel.line(x1: x($0), y1: frame.bottom, x2: x($0), y2: frame.bottom + 4) }
        model["axes"] = [
            ChartModel.line(x1: frame.left, y1: frame.bottom, x2: frame.right, y2: frame.bottom),
            ChartModel.line(x1: frame.axisX, y1: frame.top, x2: frame.axisX, y2: frame.bottom),
        ]
        model["captions"] = [
            ChartModel.text(labels.xAxis, x: frame.centreX, y: height - 10, anchor: "middle", direction: direction),
            ChartModel.text(
                labels.yAxis, x: frame.axisCaptionX, y: (frame.top + frame.bottom) / 2, anchor: "middle", direction: direction, rotate: true),
        ]
        model["legend"] = [
            ChartModel.legendItem(labels.commonCause, .dot(ChartColour.common)),
            ChartModel.legendItem(labels.improvement, .dot(ChartColour.improvement)),
            ChartModel.legendItem(labels.concern, .dot(ChartColour.concern)),
            ChartModel.legendItem(labels.mean, .line(ChartColour.centre, dashed: false)),
            ChartModel.legendItem(labels.limits95, .line(ChartColour.line, dashed: true)),
            ChartModel.legendItem(labels.limits998, .line(ChartColour.limit, dashed: true)),
        ]
        model["tableHeaders"] = [labels.rowHeader, labels.n, labels.value, labels.interval, labels.signal]
        // The caller's order: a funnel plot is not a league table.
        model["tableRows"] = input.units.map { unit in
            ChartModel.dataRow(
                unit.name, n: unit.n, value: unit.suppressed ? nil : unit.value.flatMap { $0.isFinite ? $0 : nil }, lower: unit.lower,
                upper: unit.upper, suppressed: unit.suppressed, signal: unit.flag, higherIsBetter: input.higherIsBetter, format: input.format,
                labels: labels)
        }
        return model
    }

    // MARK: - Sparkline

    /// A 120×28 line of a series with its Sen slope (`Templates/charts/sparkline.mustache`).
    public static func sparkline(_ input: SparklineInput, labels: ChartLabels) -> [String: Any] {
        let width = 120.0
        let height = 28.0
        let frame = PlotFrame(width: width, height: height, axisSide: 3, otherSide: 3, top: 3, bottom: 3, rtl: labels.rtl)
        let values = input.values.map { value -> Double? in value.flatMap { $0.isFinite ? $0 : nil } }
        let count = values.count
        let observed = values.enumerated().compactMap { index, value in value.map { (Double(index), $0) } }
        var trend: (Double, Double)?
        if let slope = input.slope, slope.isFinite, observed.count >= 2, count >= 2 {
            let intercept = input.intercept ?? (median(observed.map(\.1)) - median(observed.map(\.0)) * slope)
            if intercept.isFinite { trend = (intercept, intercept + slope * Double(count - 1)) }
        }
        let axis = ValueAxis(values: observed.map(\.1) + (trend.map { [$0.0, $0.1] } ?? []), bounds: input.format.bounds, tickCount: 2)
        func x(_ index: Int) -> Double { frame.x(fraction: count > 1 ? Double(index) / Double(count - 1) : 0.5) }
        func y(_ value: Double) -> Double { axis.position(value, from: frame.bottom, to: frame.top) }

        var model = ChartModel.base(id: input.id, labels: labels, width: width, height: height)
        var segments: [[String: Any]] = []
        var run: [(Double, Double)] = []
        for (index, value) in values.enumerated() {
            if let value {
                run.append((x(index), y(value)))
            } else {
                if run.count >= 2 { segments.append(["points": ChartModel.points(run)]) }
                run = []
            }
        }
        if run.count >= 2 { segments.append(["points": ChartModel.points(run)]) }
        model["segments"] = segments
        model["trend"] = trend.map { [ChartModel.line(x1: x(0), y1: y($0.0), x2: x(count - 1), y2: y($0.1))] } ?? [[String: Any]]()
        // The latest shown value as a dot; a lone value between gaps also gets one, or it would not show.
        var dots: [[String: Any]] = []
        for (index, value) in values.enumerated() {
            guard let value else { continue }
            let before = index > 0 ? values[index - 1] : nil
            let after = index + 1 < count ? values[index + 1] : nil
            if index == observed.last.map({ Int($0.0) }) || (before == nil && after == nil) {
                dots.append(["cx": ChartNumber.coordinate(x(index)), "cy": ChartNumber.coordinate(y(value))])
            }
        }
        model["dots"] = dots
        model["tableHeaders"] = [labels.rowHeader, labels.value]
        var rows = values.enumerated().map { index, value -> [String: Any] in
            let period = index < input.periods.count ? input.periods[index] : String(index + 1)
            return ChartModel.row(period, [ChartModel.cell(value.map(input.format.text) ?? labels.suppressed, number: value != nil)])
        }
        if let slope = input.slope, slope.isFinite {
            rows.append(ChartModel.row(labels.trend, [ChartModel.cell(input.format.text(slope), number: true)]))
        }
        model["tableRows"] = rows
        return model
    }

    // MARK: - Item profile

    /// Horizontal bars of the mean score per questionnaire step with interval whiskers
    /// (`Templates/charts/profile.mustache`). In right-to-left layouts bars grow from the right.
    public static func itemProfile(_ input: ItemProfileInput, labels: ChartLabels) -> [String: Any] {
        let width = 640.0
        let fontSize = 11.0
        let lineHeight = 13.0
        let top = 12.0
        let labelColumn = 250.0
        let valueColumn = 56.0
        // Each statement wraps onto up to three lines beside its bar (cut with "…" beyond; the
        // data table and the bar's tooltip hold it whole); a row is as tall as its lines.
        let wrapped = input.steps.map { ChartText.wrap($0.label, fontSize: fontSize, maxWidth: labelColumn - 16, maxLines: 3) }
        let rowHeights = wrapped.map { max(30, Double($0.count) * lineHeight + 10) }
        let plotBottom = top + rowHeights.reduce(0, +)
        let height = plotBottom + 50
        let rtl = labels.rtl
        let direction = rtl ? "rtl" : "ltr"
        let barsLeft = rtl ? valueColumn : labelColumn
        let barsRight = width - (rtl ? labelColumn : valueColumn)
        let low = input.scale.lowerBound
        let high = input.scale.upperBound > low ? input.scale.upperBound : low + 1
        let span = high - low
        let axis = ValueAxis(low: low, high: high, step: span <= 10 ? 1 : ChartNumber.niceStep(span, count: 5))
        func x(_ value: Double) -> Double {
            let clamped = min(max(value, low), high)
            return axis.position(clamped, from: rtl ? barsRight : barsLeft, to: rtl ? barsLeft : barsRight)
        }
        let format = ChartValueFormat.number(decimals: input.decimals)

        var model = ChartModel.base(id: input.id, labels: labels, width: width, height: height)
        var bars: [[String: Any]] = []
        var whiskers: [[String: Any]] = []
        var texts: [[String: Any]] = []
        var stepLabels: [[String: Any]] = []
        var rowTop = top
        for (index, step) in input.steps.enumerated() {
            let rowHeight = rowHeights[index]
            defer { rowTop += rowHeight }
            let middle = rowTop + rowHeight / 2
            let lines = wrapped[index]
            let labelX = rtl ? width - labelColumn + 8 : labelColumn - 8
            var label = ChartModel.text(step.label, x: labelX, y: middle - Double(lines.count - 1) * lineHeight / 2, anchor: "end", direction: direction)
            label["lines"] = lines.enumerated().map { number, line -> [String: Any] in
                ["line": line, "x": ChartNumber.coordinate(labelX), "dy": number == 0 ? "0.35em" : ChartNumber.coordinate(lineHeight)]
            }
            stepLabels.append(label)
            guard !step.suppressed, let mean = step.mean, mean.isFinite else {
                texts.append(ChartModel.text(labels.suppressed, x: rtl ? x(low) - 6 : x(low) + 6, y: middle, anchor: "start", direction: direction))
                continue
            }
            let base = x(low)
            let end = x(mean)
            bars.append([
                "x": ChartNumber.coordinate(min(base, end)), "y": ChartNumber.coordinate(middle - 8),
                "width": ChartNumber.coordinate(abs(end - base)), "height": "16",
                "label": step.label + ": " + format.text(mean),
            ])
            if let lower = step.lower, let upper = step.upper, lower.isFinite, upper.isFinite {
                let from = x(lower)
                let to = x(upper)
                whiskers.append(ChartModel.line(x1: from, y1: middle, x2: to, y2: middle))
                whiskers.append(ChartModel.line(x1: from, y1: middle - 5, x2: from, y2: middle + 5))
                whiskers.append(ChartModel.line(x1: to, y1: middle - 5, x2: to, y2: middle + 5))
            }
            texts.append(
                ChartModel.text(format.text(mean), x: rtl ? barsLeft - 8 : barsRight + 8, y: middle, anchor: rtl ? "end" : "start", direction: "ltr"))
        }
        model["bars"] = bars
        model["whiskers"] = whiskers
        model["stepLabels"] = stepLabels
        model["labels"] = texts
        model["grid"] = axis.ticks.map { ChartModel.line(x1: x($0), y1: top, x2: x($0), y2: plotBottom) }
        model["xTicks"] = axis.ticks.map {
            ChartModel.text(format.tick($0, step: axis.step), x: x($0), y: plotBottom + 16, anchor: "middle", direction: "ltr")
        }
        model["axes"] = [ChartModel.line(x1: barsLeft, y1: plotBottom, x2: barsRight, y2: plotBottom)]
        model["captions"] = [ChartModel.text(labels.xAxis, x: (barsLeft + barsRight) / 2, y: height - 8, anchor: "middle", direction: direction)]
        model["tableHeaders"] = [labels.rowHeader, labels.n, labels.value, labels.interval]
        model["tableRows"] = input.steps.map { step -> [String: Any] in
            let shown = step.suppressed ? nil : step.mean.flatMap { $0.isFinite ? $0 : nil }
            return ChartModel.row(
                step.label,
                [
                    ChartModel.cell(step.suppressed ? "" : step.n.map(String.init) ?? "", number: true),
                    ChartModel.cell(shown.map(format.text) ?? (step.suppressed ? labels.suppressed : ""), number: shown != nil),
                    ChartModel.cell(shown == nil ? "" : format.interval(step.lower, step.upper), number: true),
                ])
        }
        return model
    }

    private static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .nan }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}
