import Foundation

/// Numbers as they go into attributes and text: ASCII digits, at most a few decimals.
enum ChartNumber {
    /// A coordinate: at most 2 decimals, trailing zeros dropped.
    static func coordinate(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        var text = String(format: "%.2f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }

    static func fixed(_ value: Double, decimals: Int) -> String {
        guard value.isFinite else { return "" }
        let text = String(format: "%.\(min(max(decimals, 0), 6))f", value)
        // "-0.0" would read as a negative number.
        if text.hasPrefix("-"), text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { return String(text.dropFirst()) }
        return text
    }

    static func decimals(forStep step: Double) -> Int {
        guard step > 0, step.isFinite else { return 0 }
        return min(max(Int((-log10(step)).rounded(.up)), 0), 4)
    }

    /// A step of 1, 2 or 5 × 10^k giving about `count` intervals over `span`.
    static func niceStep(_ span: Double, count: Int) -> Double {
        let raw = span / Double(max(count, 1))
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let fraction = raw / magnitude
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        return nice * magnitude
    }
}

/// A value axis: a domain widened to whole ticks and kept within the values' natural bounds.
struct ValueAxis {
    var low: Double
    var high: Double
    var step: Double

    init(values: [Double], bounds: ClosedRange<Double>?, tickCount: Int = 5) {
        let finite = values.filter(\.isFinite)
        var low = finite.min() ?? 0
        var high = finite.max() ?? 1
        if high - low < 1e-12 {
            let pad = max(abs(high) * 0.1, 0.01)
            low -= pad
            high += pad
        }
        let pad = (high - low) * 0.05
        low -= pad
        high += pad
        if let bounds {
            low = max(low, bounds.lowerBound)
            high = min(high, bounds.upperBound)
        }
        let step = ChartNumber.niceStep(high - low, count: tickCount)
        low = (low / step).rounded(.down) * step
        high = (high / step).rounded(.up) * step
        if let bounds {
            low = max(low, bounds.lowerBound)
            high = min(high, bounds.upperBound)
        }
        self.low = low
        self.high = high
        self.step = step
    }

    init(low: Double, high: Double, step: Double) {
        self.low = low
        self.high = high
        self.step = step
    }

    var ticks: [Double] {
        var ticks: [Double] = []
        var tick = (low / step).rounded(.up) * step
        while tick <= high + step * 1e-6, ticks.count < 50 {
            ticks.append(abs(tick) < step * 1e-9 ? 0 : tick)
            tick += step
        }
        return ticks
    }

    func contains(_ value: Double) -> Bool {
        value.isFinite && value >= low - step * 1e-9 && value <= high + step * 1e-9
    }

    /// Position of `value` between `from` (at `low`) and `to` (at `high`).
    func position(_ value: Double, from: Double, to: Double) -> Double {
        guard high > low else { return (from + to) / 2 }
        return from + (value - low) / (high - low) * (to - from)
    }
}

/// The plot area of a chart with a horizontal axis that runs from the right in right-to-left
/// layouts, and the vertical axis's labels on the side where the horizontal axis starts.
struct PlotFrame {
    var width: Double
    var height: Double
    var left: Double
    var right: Double
    var top: Double
    var bottom: Double
    var rtl: Bool

    /// `axisSide` is the margin on the side of the value axis (left in LTR, right in RTL).
    init(width: Double, height: Double, axisSide: Double, otherSide: Double, top: Double, bottom: Double, rtl: Bool) {
        self.width = width
        self.height = height
        self.rtl = rtl
        self.left = rtl ? otherSide : axisSide
        self.right = width - (rtl ? axisSide : otherSide)
        self.top = top
        self.bottom = height - bottom
    }

    /// Horizontal position for a fraction 0…1 of the way along the horizontal axis from its start.
    func x(fraction: Double, inset: Double = 0) -> Double {
        let start = left + inset
        let end = right - inset
        return rtl ? end - fraction * (end - start) : start + fraction * (end - start)
    }

    /// The x of the value axis line, and where its tick labels go.
    var axisX: Double { rtl ? right : left }
    var tickLabelX: Double { rtl ? right + 6 : left - 6 }
    /// Tick labels are numbers, written left-to-right; anchored towards the plot.
    var tickLabelAnchor: String { rtl ? "start" : "end" }
    var axisCaptionX: Double { rtl ? width - 16 : 16 }
    var centreX: Double { (left + right) / 2 }
    var plotWidth: Double { right - left }
    var plotHeight: Double { bottom - top }
}

enum ChartColour {
    static let improvement = "#1f5fa8"
    static let concern = "#c2570c"
    static let common = "#767676"
    static let line = "#8c8c8c"
    static let centre = "#333333"
    static let limit = "#595959"
    static let band = "#eef2f7"
    static let grid = "#e0e0e0"
    static let axis = "#6e6e6e"
    static let bar = "#a9b8c6"
    static let ink = "#1a1a1a"

    static func signal(_ signal: ChartSignal?, higherIsBetter: Bool) -> String {
        switch signal {
        case nil: common
        case .high: higherIsBetter ? improvement : concern
        case .low: higherIsBetter ? concern : improvement
        }
    }
}

/// Pieces of the template model shared by every chart.
enum ChartModel {
    /// An id usable in attributes: ASCII letters, digits, `-` and `_`, starting with a letter.
    static func safeID(_ id: String) -> String {
        let kept = String(
            String.UnicodeScalarView(id.unicodeScalars.filter { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_") }))
        guard let first = kept.unicodeScalars.first else { return "chart" }
        return CharacterSet.letters.contains(first) ? kept : "chart-" + kept
    }

    static func safeLanguage(_ language: String) -> String {
        let ok =
            !language.isEmpty && language.count <= 35
            && language.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-") }
        return ok ? language : "und"
    }

    static func base(id: String, labels: ChartLabels, width: Double, height: Double) -> [String: Any] {
        [
            "id": safeID(id),
            "lang": safeLanguage(labels.language),
            "dir": labels.rtl ? "rtl" : "ltr",
            "title": labels.title,
            "description": labels.description,
            "width": ChartNumber.coordinate(width),
            "height": ChartNumber.coordinate(height),
            "tableSummary": labels.dataTable,
        ]
    }

    static func text(_ text: String, x: Double, y: Double, anchor: String, direction: String, rotate: Bool = false) -> [String: Any] {
        [
            "text": text, "x": ChartNumber.coordinate(x), "y": ChartNumber.coordinate(y), "anchor": anchor, "direction": direction,
            "rotate": rotate,
        ]
    }

    static func line(x1: Double, y1: Double, x2: Double, y2: Double) -> [String: Any] {
        ["x1": ChartNumber.coordinate(x1), "y1": ChartNumber.coordinate(y1), "x2": ChartNumber.coordinate(x2), "y2": ChartNumber.coordinate(y2)]
    }

    static func points(_ points: [(Double, Double)]) -> String {
        points.map { ChartNumber.coordinate($0.0) + "," + ChartNumber.coordinate($0.1) }.joined(separator: " ")
    }

    enum Swatch {
        case dot(String)
        case line(String, dashed: Bool)
        case band(String)
    }

    static func legendItem(_ text: String, _ swatch: Swatch) -> [String: Any] {
        var item: [String: Any] = ["text": text, "dot": false, "line": false, "band": false, "dash": "none"]
        switch swatch {
        case .dot(let colour):
            item["dot"] = true
            item["colour"] = colour
        case .line(let colour, let dashed):
            item["line"] = true
            item["colour"] = colour
            item["dash"] = dashed ? "6 4" : "none"
        case .band(let colour):
            item["band"] = true
            item["colour"] = colour
        }
        return item
    }

    /// A data-table cell; numbers are isolated left-to-right so an interval reads the same in Arabic.
    static func cell(_ text: String, number: Bool) -> [String: Any] {
        ["text": text, "number": number && !text.isEmpty]
    }

    static func row(_ head: String, _ cells: [[String: Any]]) -> [String: Any] {
        ["head": head, "cells": cells]
    }

    /// A row of the data table of a control chart or a funnel plot: n, the value, its interval and
    /// the signal in words (nothing for a hidden or missing value).
    static func dataRow(
        _ head: String, n: Int?, value shown: Double?, lower: Double?, upper: Double?, suppressed: Bool, signal: ChartSignal?,
        higherIsBetter: Bool, format: ChartValueFormat, labels: ChartLabels
    ) -> [String: Any] {
        var words = ""
        if shown != nil {
            switch ChartColour.signal(signal, higherIsBetter: higherIsBetter) {
            case ChartColour.improvement: words = labels.improvement
            case ChartColour.concern: words = labels.concern
            default: words = labels.commonCause
            }
        }
        return row(
            head,
            [
                cell(suppressed ? "" : n.map(String.init) ?? "", number: true),
                cell(shown.map(format.text) ?? (suppressed ? labels.suppressed : ""), number: shown != nil),
                cell(shown == nil ? "" : format.interval(lower, upper), number: true),
                cell(words, number: false),
            ])
    }

    /// Tick labels of a value axis along the vertical side of a frame.
    static func verticalTicks(_ axis: ValueAxis, frame: PlotFrame, format: ChartValueFormat) -> (labels: [[String: Any]], grid: [[String: Any]]) {
        var labels: [[String: Any]] = []
        var grid: [[String: Any]] = []
        for tick in axis.ticks {
            let y = axis.position(tick, from: frame.bottom, to: frame.top)
            labels.append(text(format.tick(tick, step: axis.step), x: frame.tickLabelX, y: y, anchor: frame.tickLabelAnchor, direction: "ltr"))
            grid.append(line(x1: frame.left, y1: y, x2: frame.right, y2: y))
        }
        return (labels, grid)
    }
}

/// Estimated widths of chart text, for laying labels out without a browser: on the wide side
/// (DejaVu Sans, the widest of the fonts a chart may get), so that estimated room is real room.
enum ChartText {
    static func width(_ text: String, fontSize: Double) -> Double {
        var em = 0.0
        for scalar in text.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .format, .control: continue
            default: break
            }
            switch scalar.value {
            case 0x20: em += 0.32
            case 0x2E, 0x2C, 0x3A, 0x3B, 0x27, 0x7C, 0x2BB, 0x60C: em += 0.34
            case 0x30...0x39: em += 0.64
            case 0x41...0x5A, 0x25, 0x2D, 0x2013, 0x2014: em += 0.72
            case 0x61...0x7A: em += 0.62
            case 0x600...0x6FF, 0x750...0x77F, 0xFB50...0xFDFF, 0xFE70...0xFEFF: em += 0.62
            default: em += 0.75
            }
        }
        return em * fontSize
    }

    /// Words into lines of at most `maxWidth`; at most `maxLines`, the last one cut with "…" when
    /// the text is longer (the full text stays in the chart's title or data table).
    static func wrap(_ text: String, fontSize: Double, maxWidth: Double, maxLines: Int) -> [String] {
        let words = text.split(separator: " ").map(String.init)
        var lines: [String] = []
        var current = ""
        for word in words {
            let candidate = current.isEmpty ? word : current + " " + word
            if width(candidate, fontSize: fontSize) <= maxWidth || current.isEmpty {
                current = candidate
            } else {
                lines.append(current)
                current = word
            }
        }
        if !current.isEmpty { lines.append(current) }
        // A single word wider than the room is cut too.
        lines = lines.map { fit($0, fontSize: fontSize, maxWidth: maxWidth, always: false) }
        guard lines.count > maxLines else { return lines }
        var kept = Array(lines.prefix(maxLines))
        kept[maxLines - 1] = fit(kept[maxLines - 1] + " " + lines[maxLines], fontSize: fontSize, maxWidth: maxWidth, always: true)
        return kept
    }

    /// The text, or as much of it as fits with "…" after it.
    static func fit(_ text: String, fontSize: Double, maxWidth: Double, always: Bool) -> String {
        if !always, width(text, fontSize: fontSize) <= maxWidth { return text }
        var characters = Array(text)
        while !characters.isEmpty, width(String(characters) + "…", fontSize: fontSize) > maxWidth { characters.removeLast() }
        while characters.last == " " { characters.removeLast() }
        return String(characters) + "…"
    }
}

/// A rectangle in a chart's user units, for keeping labels apart.
struct ChartBox {
    var minX: Double
    var minY: Double
    var maxX: Double
    var maxY: Double

    func intersects(_ other: ChartBox) -> Bool {
        minX < other.maxX && other.minX < maxX && minY < other.maxY && other.minY < maxY
    }

    func inside(_ other: ChartBox) -> Bool {
        minX >= other.minX && maxX <= other.maxX && minY >= other.minY && maxY <= other.maxY
    }

    func overlap(_ other: ChartBox) -> Double {
        max(0, min(maxX, other.maxX) - max(minX, other.minX)) * max(0, min(maxY, other.maxY) - max(minY, other.minY))
    }
}
