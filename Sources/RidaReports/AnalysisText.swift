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
        "comparison": ("Compared with the other units over the whole range", "مقارنةً بالوحدات الأخرى على المدى كله"),
        "latest-comparison": ("Compared with the other units in {period}", "مقارنةً بالوحدات الأخرى في {period}"),
        "provisional": ("provisional: the period is not over", "مبدئي: لم تنتهِ الفترة"),
        "sen": ("Sen slope", "ميل سِن"),
        "mann-kendall": ("Mann–Kendall", "مان–كندال"),
        "n": ("n", "العدد"),
        "department": ("department", "الإدارة"),
        "channel": ("channel", "قناة التواصل"),
        "segment": ("segment", "الفئة"),
        "service": ("service", "الخدمة"),
        "language": ("language", "اللغة"),
        "source": ("source", "مصدر الرد"),
        "not-applicable": ("not applicable: no invitations to count against", "لا ينطبق: لا دعوات يُحسب منها"),
        "note-rate-sources": (
            "Response rates count one-time invitation links only: responses through counter posters and kiosks, and imported ones, have no invitations to count against.",
            "لا تحسب معدلات الاستجابة إلا روابط الدعوة ذات الاستخدام الواحد: فالردود الواردة عبر ملصقات نقاط الخدمة والأجهزة اللوحية والردود المدخلة يدوياً لا دعوات يُحسب منها."
        ),
        "month": ("month", "شهر"),
        "week": ("week", "أسبوع"),
        "quarter": ("quarter", "ربع سنة"),
        "hijri-month": ("Hijri month", "شهر هجري"),
        "none": ("all units together", "جميع الوحدات معًا"),
        "note-cells": (
            "Cells of fewer than {threshold} responses (by {grain} and period) are hidden and left out of every total, margin and comparison, which count shown cells only; no cell is hidden to protect another.",
            "الخلايا التي تقل ردودها عن {threshold} (حسب {grain} والفترة) لا تُعرض، ولا تدخل في أي مجموع أو هامش أو مقارنة، فهذه لا تحسب إلا الخلايا المعروضة؛ ولا تُخفى خلية لحماية أخرى."
        ),
        "note-language": (
            "Response rates are not broken down by language: an invitation's language is the one it was issued in.",
            "لا تُقسَّم معدلات الاستجابة حسب اللغة: لغة الدعوة هي التي أُرسلت بها."
        ),
        "signals": ("Control chart", "خريطة الضبط"),
        "suppressed": ("fewer than {threshold} responses: not shown", "أقل من {threshold} ردود: لا يُعرض"),
        "low": ("low numbers", "أعداد قليلة"),
        "increasing": ("increasing", "متزايد"),
        "decreasing": ("decreasing", "متناقص"),
        "no trend": ("no trend", "لا اتجاه"),
        "insufficient data": ("insufficient data", "بيانات غير كافية"),
        "high": ("higher than expected (99.8%)", "أعلى من المتوقع (99.8%)"),
        "low-flag": ("lower than expected (99.8%)", "أدنى من المتوقع (99.8%)"),
        "common": ("consistent with common-cause variation", "ضمن التباين المعتاد"),
        "special": ("{count} special-cause signal(s)", "إشارات لسبب خاص: {count}"),
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

    /// The comma and semicolon of the language.
    var comma: String { language == "ar" ? "،" : "," }
    var semicolon: String { language == "ar" ? "؛" : ";" }

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
        if point.notApplicable { return label("not-applicable") }
        if point.suppressed { return label("suppressed").replacingOccurrences(of: "{threshold}", with: String(suppressBelow)) }
        guard let value = point.value, let n = point.n else { return label("no-data") }
        var text = "\(number(value, kind)) (\(number(point.lower ?? value, kind)) – \(number(point.upper ?? value, kind)))\(comma) \(label("n")) \(n)"
        if point.lowNumbers { text += " (\(label("low")))" }
        return text
    }

    public func render(_ result: AnalysisResult) -> String {
        var lines: [String] = []
        // Plain text in logical order, without bidi controls: a terminal shows what it can, and a
        // browser or editor lays it out by the Unicode algorithm.
        let by = result.by.isEmpty ? label("none") : result.by.map { label($0.rawValue) }.joined(separator: " × ")
        lines.append("\(label("period")): \(result.from) – \(result.to) (\(label(result.period.rawValue))\(comma) \(result.timeZone))\(semicolon) \(label("by")) \(by)")
        lines.append(label("purpose"))
        for metric in result.metrics {
            lines.append("")
            var title = label(metric.metric.rawValue)
            if let item = metric.item, metric.metric == .mean {
                let text = configuration.currentQuestionnaire()?.items.first { $0.id == item }?.text.text(in: language)
                title += " — \(item)\(text.map { ": \($0)" } ?? "")"
            }
            lines.append(title)
            lines.append(String(repeating: "─", count: 60))
            if let comparison = metric.comparison, comparison.exploratory { lines.append("  (\(label("exploratory")))") }
            for series in [metric.total] + metric.units {
                let name = unitName(series.unit, result.by)
                lines.append("• \(name)")
                let provisional = result.periods.last?.provisional == true ? " (\(label("provisional")))" : ""
                lines.append("    \(label("latest")) \(series.series.last?.period ?? "")\(provisional): \(describe(series.series.last, metric.kind, suppressBelow: result.suppressBelow))")
                if !series.unit.isEmpty, let entry = metric.latest?.units.first(where: { $0.unit == series.unit }), !entry.suppressed {
                    let flag = entry.flag == "high" ? label("high") : entry.flag == "low" ? label("low-flag") : label("common")
                    let scope = metric.latest?.scope ?? ""
                    lines.append("    \(label("latest-comparison").replacingOccurrences(of: "{period}", with: scope)): \(flag)")
                }
                if let trend = series.trend {
                    var text = label(trend.significant ? trend.verdict : (trend.verdict == "insufficient data" ? trend.verdict : "no trend"))
                    if let slope = trend.senSlope, let lower = trend.senLower, let upper = trend.senUpper {
                        let numbers = String(format: "%+.4f (%+.4f – %+.4f)", slope, lower, upper)
                        let tests = String(format: "p = %.3g", trend.p) + "\(comma) " + String(format: "q = %.3g", trend.pAdjusted)
                        text += "\(semicolon) \(label("sen")) \(numbers) \(label("per-period"))\(semicolon) \(label("mann-kendall")) \(tests)"
                    }
                    lines.append("    \(label("trend")): \(text)")
                }
                if !series.unit.isEmpty, let entry = metric.comparison?.units.first(where: { $0.unit == series.unit }), !entry.suppressed {
                    let flag = entry.flag == "high" ? label("high") : entry.flag == "low" ? label("low-flag") : label("common")
                    lines.append("    \(label("comparison")) (\(result.from) – \(result.to)): \(flag)")
                }
                if let spc = series.spc {
                    let count = Set(spc.signals.beyondLimits + spc.signals.runOf7 + spc.signals.trendOf7 + spc.signals.twoOfThree).count
                    lines.append("    \(label("signals")): \(count == 0 ? label("none-signal") : label("special").replacingOccurrences(of: "{count}", with: String(count)))")
                }
            }
        }
        // The analysis's notes, in the text's language.
        let grain = result.protectedAt.map { label($0.rawValue) }.joined(separator: " × ")
        lines.append(
            "* " + label("note-cells").replacingOccurrences(of: "{threshold}", with: String(result.suppressBelow)).replacingOccurrences(of: "{grain}", with: grain))
        if result.by.contains(.language) && result.metrics.contains(where: { $0.metric == .responseRate }) { lines.append("* \(label("note-language"))") }
        if result.metrics.contains(where: { $0.metric == .responseRate }) { lines.append("* \(label("note-rate-sources"))") }
        return lines.joined(separator: "\n")
    }
}
