import Foundation
import RidaAnalytics
import RidaCore

/// A readable table of an analysis, in Arabic or English: per metric and unit, the last
/// period's value with its interval and n, the trend over the range, the comparison flag and the
/// control chart's signals. Units in organisational order; hidden cells say so.
public struct AnalysisText {
    let configuration: SeedConfiguration
    let language: String

    public init(configuration: SeedConfiguration, language: String) {
        self.configuration = configuration
        self.language = language == "ar" ? "ar" : "en"
    }

    private static let labels: [String: (en: String, ar: String)] = [
        "csat": ("Satisfaction (CSAT, share 4–5)", "الرضا (نسبة 4–5)"),
        "bottom-2": ("Dissatisfaction (share 1–2)", "عدم الرضا (نسبة 1–2)"),
        "nps": ("Net promoter score", "صافي نقاط الترويج"),
        "ces": ("Effort (mean, 1–7)", "سهولة الحصول على الخدمة (متوسط 1–7)"),
        "ces-agree": ("Effort: share agreeing (5–7)", "سهولة الحصول على الخدمة: نسبة الموافقة (5–7)"),
        "mean": ("Mean score", "متوسط التقييم"),
        "response-rate": ("Response rate (answered / issued)", "معدل الاستجابة (المُجاب ÷ المُرسَل)"),
        "unit": ("Unit", "الوحدة"),
        "all": ("All units", "جميع الوحدات"),
        "latest": ("Last period", "آخر فترة"),
        "trend": ("Trend", "الاتجاه"),
        "comparison": ("Compared with the others", "مقارنةً بالوحدات الأخرى"),
        "signals": ("Control chart", "خريطة الضبط"),
        "suppressed": ("fewer than %d responses: not shown", "أقل من %d ردود: لا يُعرض"),
        "low": ("low numbers", "أعداد قليلة"),
        "increasing": ("increasing", "متزايد"),
        "decreasing": ("decreasing", "متناقص"),
        "no trend": ("no trend", "لا اتجاه"),
        "insufficient data": ("insufficient data", "بيانات غير كافية"),
        "high": ("higher than expected (99.8%)", "أعلى من المتوقع (99.8%)"),
        "low-flag": ("lower than expected (99.8%)", "أدنى من المتوقع (99.8%)"),
        "common": ("consistent with common-cause variation", "ضمن التباين المعتاد"),
        "special": ("%d special-cause signal(s)", "%d إشارة/إشارات لسبب خاص"),
        "none-signal": ("common cause only", "أسباب معتادة فقط"),
        "no-data": ("no responses", "لا ردود"),
        "per-period": ("per period", "لكل فترة"),
        "period": ("Periods", "الفترات"),
        "by": ("by", "حسب"),
        "exploratory": ("fewer than 10 units: exploratory comparison, 99.8% flags only", "أقل من 10 وحدات: مقارنة استكشافية"),
        "purpose": (
            "Ratings are for improving services, never for punishing staff.",
            "التقييم أداة للتطوير لا للعقاب أو التشهير."
        ),
    ]

    func label(_ key: String) -> String {
        guard let pair = Self.labels[key] else { return key }
        return language == "ar" ? pair.ar : pair.en
    }

    func unitName(_ unit: [String: String?], _ by: [AnalysisDimension]) -> String {
        guard !unit.isEmpty else { return label("all") }
        return by.map { dimension in (unit[dimension.rawValue] ?? nil).map { configuration.name(of: $0, dimension, in: language) } ?? "—" }
            .joined(separator: " × ")
    }

    func number(_ value: Double, _ kind: String) -> String { MetricNumber.text(value, kind: kind) }

    func describe(_ point: Point?, _ kind: String, suppressBelow: Int) -> String {
        guard let point else { return label("no-data") }
        if point.suppressed { return String(format: label("suppressed"), suppressBelow) }
        guard let value = point.value, let n = point.n else { return label("no-data") }
        var text = "\(number(value, kind)) [\(number(point.lower ?? value, kind))–\(number(point.upper ?? value, kind))] n=\(n)"
        if point.lowNumbers { text += " (\(label("low")))" }
        return text
    }

    public func render(_ result: AnalysisResult) -> String {
        var lines: [String] = []
        // Right-to-left text in a terminal: each line is isolated so numbers keep their order.
        let isolate: (String) -> String = language == "ar" ? { "\u{2067}\($0)\u{2069}" } : { $0 }
        lines.append(isolate("\(label("period")): \(result.from) … \(result.to) (\(result.period.rawValue), \(result.timeZone)); \(label("by")) \(result.by.map(\.rawValue).joined(separator: " × "))"))
        lines.append(isolate(label("purpose")))
        for metric in result.metrics {
            lines.append("")
            var title = label(metric.metric.rawValue)
            if let item = metric.item, metric.metric == .mean {
                let text = configuration.currentQuestionnaire()?.items.first { $0.id == item }?.text.text(in: language)
                title += " — \(item)\(text.map { ": \($0)" } ?? "")"
            }
            lines.append(isolate(title))
            lines.append(String(repeating: "─", count: 60))
            if let comparison = metric.comparison, comparison.exploratory { lines.append(isolate("  (\(label("exploratory")))")) }
            for series in [metric.total] + metric.units {
                let name = unitName(series.unit, result.by)
                lines.append(isolate("• \(name)"))
                lines.append(isolate("    \(label("latest")) \(series.series.last?.period ?? ""): \(describe(series.series.last, metric.kind, suppressBelow: result.suppressBelow))"))
                if let trend = series.trend {
                    var text = label(trend.significant ? trend.verdict : (trend.verdict == "insufficient data" ? trend.verdict : "no trend"))
                    if let slope = trend.senSlope, let lower = trend.senLower, let upper = trend.senUpper {
                        text += String(format: "; Sen %+.4f [%+.4f, %+.4f] %@, Mann–Kendall p=%.3g, q=%.3g", slope, lower, upper, label("per-period"), trend.p, trend.pAdjusted)
                    }
                    lines.append(isolate("    \(label("trend")): \(text)"))
                }
                if !series.unit.isEmpty, let entry = metric.comparison?.units.first(where: { $0.unit == series.unit }), !entry.suppressed {
                    let flag = entry.flag == "high" ? label("high") : entry.flag == "low" ? label("low-flag") : label("common")
                    lines.append(isolate("    \(label("comparison")): \(flag)"))
                }
                if let spc = series.spc {
                    let count = Set(spc.signals.beyondLimits + spc.signals.runOf7 + spc.signals.trendOf7 + spc.signals.twoOfThree).count
                    lines.append(isolate("    \(label("signals")): \(count == 0 ? label("none-signal") : String(format: label("special"), count))"))
                }
            }
        }
        for note in result.notes { lines.append(isolate("* \(note)")) }
        return lines.joined(separator: "\n")
    }
}
