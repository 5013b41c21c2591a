import Foundation

/// A small chart of a measure's last months for the board pack: the values as a line with dots,
/// the usual level (the control chart's centre line) dashed, this month's dot larger and coloured
/// when it is a special-cause signal; the value axis's two ends and the first and last month
/// written, nothing else. Suppressed months are gaps.
public struct TrendStripInput: Sendable, Hashable {
    public var id: String
    /// In time order; the last one is the report's period.
    public var points: [ChartPoint]
    /// The usual level, if known (the control chart's centre line).
    public var centre: Double?
    public var higherIsBetter: Bool
    public var format: ChartValueFormat

    public init(id: String, points: [ChartPoint], centre: Double?, higherIsBetter: Bool, format: ChartValueFormat) {
        self.id = id
        self.points = points
        self.centre = centre
        self.higherIsBetter = higherIsBetter
        self.format = format
    }
}

extension Charts {
    /// `Templates/charts/trend.mustache`: 260×88 user units, time running from the right in
    /// right-to-left layouts. Month names come from `labels.periodNames` when given.
    public static func trendStrip(_ input: TrendStripInput, labels: ChartLabels) -> [String: Any] {
        // Narrow, so that four side by side on an A4 page keep their labels near 8 pt.
        let width = 200.0
        let height = 80.0
        let rtl = labels.rtl
        let frame = PlotFrame(width: width, height: height, axisSide: 44, otherSide: 8, top: 12, bottom: 24, rtl: rtl)
        let shown = input.points.compactMap(\.shownValue)
        let axis = ValueAxis(values: shown + (input.centre.map { [$0] } ?? []), bounds: input.format.bounds, tickCount: 2)
        let count = input.points.count
        func x(_ index: Int) -> Double { frame.x(fraction: count > 1 ? Double(index) / Double(count - 1) : 0.5, inset: 5) }
        func y(_ value: Double) -> Double { axis.position(value, from: frame.bottom, to: frame.top) }

        var model = ChartModel.base(id: input.id, labels: labels, width: width, height: height)
        var segments: [[String: Any]] = []
        var run: [(Double, Double)] = []
        var dots: [[String: Any]] = []
        for (index, point) in input.points.enumerated() {
            guard let value = point.shownValue else {
                if run.count >= 2 { segments.append(["points": ChartModel.points(run)]) }
                run = []
                continue
            }
            run.append((x(index), y(value)))
            let last = index == count - 1
            dots.append([
                "cx": ChartNumber.coordinate(x(index)), "cy": ChartNumber.coordinate(y(value)), "r": last ? "4.5" : "2",
                "fill": last ? ChartColour.signal(point.signal, higherIsBetter: input.higherIsBetter) : ChartColour.line,
                "label": labels.periodName(point.period, long: true) + ": " + input.format.text(value),
            ])
        }
        if run.count >= 2 { segments.append(["points": ChartModel.points(run)]) }
        model["segments"] = segments
        model["dots"] = dots
        model["centre"] = input.centre.flatMap { axis.contains($0) ? [ChartModel.line(x1: frame.left, y1: y($0), x2: frame.right, y2: y($0))] : nil } ?? [[String: Any]]()
        model["axes"] = [ChartModel.line(x1: frame.left, y1: frame.bottom, x2: frame.right, y2: frame.bottom)]
        // The two ends of the value axis, beside it.
        model["yTicks"] = [axis.low, axis.high].map { value in
            ChartModel.text(input.format.tick(value, step: axis.step), x: frame.tickLabelX, y: y(value), anchor: frame.tickLabelAnchor, direction: "ltr")
        }
        // The first and the last month, each at its end of the time axis, written inwards.
        let direction = rtl ? "rtl" : "ltr"
        var xTicks: [[String: Any]] = []
        if let first = input.points.first {
            // Text written towards the other end: in LTR from the left edge rightwards, in RTL from the right edge leftwards.
            xTicks.append(ChartModel.text(labels.periodName(first.period), x: rtl ? frame.right : frame.left, y: height - 8, anchor: "start", direction: direction))
        }
        if count > 1, let last = input.points.last {
            xTicks.append(ChartModel.text(labels.periodName(last.period), x: rtl ? frame.left : frame.right, y: height - 8, anchor: "end", direction: direction))
        }
        model["xTicks"] = xTicks
        model["tableHeaders"] = [labels.rowHeader, labels.n, labels.value, labels.interval]
        model["tableRows"] = input.points.map { point -> [String: Any] in
            let value = point.shownValue
            return ChartModel.row(
                labels.periodName(point.period, long: true),
                [
                    ChartModel.cell(point.suppressed ? "" : point.n.map(String.init) ?? "", number: true),
                    ChartModel.cell(value.map(input.format.text) ?? (point.suppressed ? labels.suppressed : ""), number: value != nil),
                    ChartModel.cell(value == nil ? "" : input.format.interval(point.lower, point.upper), number: true),
                ])
        }
        return model
    }
}
