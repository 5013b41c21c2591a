import Foundation
import RidaCore

/// The one JSON encoding of an analysis, shared by the command line and the API.
///
/// Written directly rather than through `JSONEncoder`: a 24-month analysis of every department ×
/// channel holds tens of thousands of values, and the generic encoder spent a third of an API
/// request on them. The output is the same document: keys sorted, an absent optional of a
/// point, trend or comparison written as `null` (the shape the README documents), an absent
/// nested object left out, non-finite numbers as the strings `"NaN"`, `"Infinity"` and
/// `"-Infinity"`, slashes unescaped. Tests check it against `JSONEncoder`.
public enum AnalysisJSON {
    public static func encode(_ result: AnalysisResult, pretty: Bool = true) throws -> Data {
        var out = JSONOutput(pretty: pretty)
        out.write(result)
        return Data(out.bytes)
    }

    /// The same document through Foundation's `JSONEncoder`, as a reference for tests.
    public static func referenceEncode(_ result: AnalysisResult, pretty: Bool = true) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return try encoder.encode(result)
    }
}

/// A minimal streaming JSON writer: objects and arrays with commas and (optionally) indentation.
struct JSONOutput {
    var bytes: [UInt8] = []
    let pretty: Bool
    private var depth = 0
    private var needsComma = false

    init(pretty: Bool) {
        self.pretty = pretty
        bytes.reserveCapacity(1 << 16)
    }

    private mutating func newline() {
        guard pretty else { return }
        bytes.append(0x0A)
        for _ in 0..<depth { bytes.append(0x20); bytes.append(0x20) }
    }

    /// Before a value in an array, or a key in an object.
    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
        newline()
        needsComma = true
    }

    mutating func open(_ bracket: Character) {
        bytes.append(bracket == "{" ? UInt8(ascii: "{") : UInt8(ascii: "["))
        depth += 1
        needsComma = false
    }

    mutating func close(_ bracket: Character, empty: Bool) {
        depth -= 1
        if !empty { newline() }
        bytes.append(bracket == "}" ? UInt8(ascii: "}") : UInt8(ascii: "]"))
        needsComma = true
    }

    mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(UInt8(ascii: "\""))
        if pretty { bytes.append(contentsOf: [0x20, UInt8(ascii: ":"), 0x20]) } else { bytes.append(UInt8(ascii: ":")) }
    }

    mutating func dynamicKey(_ name: String) {
        separate()
        string(name)
        if pretty { bytes.append(contentsOf: [0x20, UInt8(ascii: ":"), 0x20]) } else { bytes.append(UInt8(ascii: ":")) }
    }

    /// Starts an array element.
    mutating func element() { separate() }

    mutating func null() { bytes.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C]) }

    mutating func bool(_ value: Bool) {
        if value { bytes.append(contentsOf: [0x74, 0x72, 0x75, 0x65]) } else { bytes.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65]) }
    }

    mutating func int(_ value: Int) { bytes.append(contentsOf: String(value).utf8) }

    /// The shortest text that reads back as the same Double, as `JSONEncoder` writes it
    /// (integral values without `.0`); non-finite values as strings.
    mutating func double(_ value: Double) {
        if value.isNaN { return string("NaN") }
        if value.isInfinite { return string(value > 0 ? "Infinity" : "-Infinity") }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x08: bytes.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x0C: bytes.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    // Optionals written as null.
    mutating func int(_ value: Int?) { if let value { int(value) } else { null() } }
    mutating func double(_ value: Double?) { if let value { double(value) } else { null() } }
    mutating func string(_ value: String?) { if let value { string(value) } else { null() } }

    /// An array, each element written by `write`.
    mutating func array<Element>(_ elements: [Element], _ write: (inout JSONOutput, Element) -> Void) {
        open("[")
        for element in elements {
            self.element()
            write(&self, element)
        }
        close("]", empty: elements.isEmpty)
    }

    mutating func strings(_ values: [String]) { array(values) { $0.string($1) } }

    /// A unit's dimension values, keys sorted.
    mutating func unit(_ unit: [String: String?]) {
        open("{")
        for name in unit.keys.sorted() {
            dynamicKey(name)
            string(unit[name] ?? nil)
        }
        close("}", empty: unit.isEmpty)
    }

    // MARK: The analysis, keys in sorted order

    mutating func write(_ result: AnalysisResult) {
        open("{")
        key("by")
        strings(result.by.map(\.rawValue))
        key("confidence")
        double(result.confidence)
        key("flagFrom")
        int(result.flagFrom)
        key("from")
        string(result.from)
        key("margins")
        string(result.margins)
        key("methodsVersion")
        string(result.methodsVersion)
        key("metrics")
        array(result.metrics) { $0.write($1) }
        key("notes")
        strings(result.notes)
        key("period")
        string(result.period.rawValue)
        key("periods")
        array(result.periods) { output, period in
            output.open("{")
            output.key("first")
            output.string(period.first)
            output.key("label")
            output.string(period.label)
            output.key("last")
            output.string(period.last)
            output.key("provisional")
            output.bool(period.provisional)
            output.key("responseRateProvisional")
            output.bool(period.responseRateProvisional)
            output.close("}", empty: false)
        }
        key("protectedAt")
        strings(result.protectedAt.map(\.rawValue))
        key("suppressBelow")
        int(result.suppressBelow)
        key("timeZone")
        string(result.timeZone)
        key("to")
        string(result.to)
        close("}", empty: false)
    }

    mutating func write(_ metric: MetricResult) {
        open("{")
        key("cells")
        int(metric.cells)
        if let comparison = metric.comparison {
            key("comparison")
            write(comparison)
        }
        key("falseDiscoveryRate")
        double(metric.falseDiscoveryRate)
        key("hiddenCells")
        int(metric.hiddenCells)
        if let item = metric.item {
            key("item")
            string(item)
        }
        key("kind")
        string(metric.kind)
        if let latest = metric.latest {
            key("latest")
            write(latest)
        }
        key("metric")
        string(metric.metric.rawValue)
        if let scale = metric.scale {
            key("scale")
            string(scale)
        }
        key("total")
        write(metric.total)
        key("units")
        array(metric.units) { $0.write($1) }
        close("}", empty: false)
    }

    mutating func write(_ series: UnitSeries) {
        open("{")
        key("changePoints")
        strings(series.changePoints)
        key("cusumSignals")
        strings(series.cusumSignals)
        key("series")
        array(series.series) { $0.write($1) }
        if let spc = series.spc {
            key("spc")
            write(spc)
        }
        if let trend = series.trend {
            key("trend")
            write(trend)
        }
        key("unit")
        unit(series.unit)
        close("}", empty: false)
    }

    mutating func write(_ point: Point) {
        open("{")
        key("lowNumbers")
        bool(point.lowNumbers)
        key("lower")
        double(point.lower)
        key("n")
        int(point.n)
        if point.notApplicable {
            key("notApplicable")
            bool(true)
        }
        key("period")
        string(point.period)
        key("secondary")
        bool(point.secondary)
        key("suppressed")
        bool(point.suppressed)
        key("upper")
        double(point.upper)
        key("value")
        double(point.value)
        close("}", empty: false)
    }

    mutating func write(_ trend: TrendResult) {
        open("{")
        key("S")
        int(trend.S)
        key("autocorrelationCorrected")
        bool(trend.autocorrelationCorrected)
        key("autocorrelationNote")
        bool(trend.autocorrelationNote)
        key("p")
        double(trend.p)
        key("pAdjusted")
        double(trend.pAdjusted)
        key("points")
        int(trend.points)
        key("senLower")
        double(trend.senLower)
        key("senSlope")
        double(trend.senSlope)
        key("senUpper")
        double(trend.senUpper)
        key("significant")
        bool(trend.significant)
        key("tau")
        double(trend.tau)
        key("varS")
        double(trend.varS)
        key("verdict")
        string(trend.verdict)
        key("z")
        double(trend.z)
        close("}", empty: false)
    }

    mutating func write(_ chart: ControlChart) {
        open("{")
        key("baselinePoints")
        int(chart.baselinePoints)
        key("lower")
        double(chart.lower)
        key("lower2Sigma")
        double(chart.lower2Sigma)
        key("mean")
        double(chart.mean)
        key("meanMovingRange")
        double(chart.meanMovingRange)
        key("signals")
        open("{")
        key("beyondLimits")
        strings(chart.signals.beyondLimits)
        key("runOf7")
        strings(chart.signals.runOf7)
        key("trendOf7")
        strings(chart.signals.trendOf7)
        key("twoOfThree")
        strings(chart.signals.twoOfThree)
        close("}", empty: false)
        key("trial")
        bool(chart.trial)
        key("upper")
        double(chart.upper)
        key("upper2Sigma")
        double(chart.upper2Sigma)
        close("}", empty: false)
    }

    mutating func write(_ comparison: Comparison) {
        open("{")
        key("exploratory")
        bool(comparison.exploratory)
        key("phi")
        double(comparison.phi)
        key("scope")
        string(comparison.scope)
        key("target")
        double(comparison.target)
        key("tau2")
        double(comparison.tau2)
        key("through")
        if let through = comparison.through { string(through) } else { null() }
        key("units")
        array(comparison.units) { $0.write($1) }
        close("}", empty: false)
    }

    mutating func write(_ unit: UnitComparison) {
        open("{")
        key("ebEstimate")
        double(unit.ebEstimate)
        key("ebLower")
        double(unit.ebLower)
        key("ebUpper")
        double(unit.ebUpper)
        key("flag")
        string(unit.flag)
        key("flag95")
        string(unit.flag95)
        key("n")
        int(unit.n)
        key("suppressed")
        bool(unit.suppressed)
        key("unit")
        self.unit(unit.unit)
        key("value")
        double(unit.value)
        key("z")
        double(unit.z)
        key("zAdjusted")
        double(unit.zAdjusted)
        close("}", empty: false)
    }
}
