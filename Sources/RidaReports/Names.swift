import Foundation
import RidaCore

extension SeedConfiguration {
    /// A dimension value's name in a language, as configured; the code itself when unknown.
    func name(of code: String, _ dimension: AnalysisDimension, in language: String) -> String {
        switch dimension {
        case .department: departments.first { $0.id == code }?.names.text(in: language) ?? code
        case .channel: channels.first { $0.id == code }?.names.text(in: language) ?? code
        case .segment: segments.first { $0.id == code }?.names.text(in: language) ?? code
        case .service: departments.flatMap(\.services).first { $0.id == code }?.names.text(in: language) ?? code
        case .language: self.language(code)?.name ?? code
        case .source: Self.sourceNames[code]?[language == "ar" ? "ar" : "en"] ?? code
        }
    }

    /// How responses came, in the reports' languages.
    static let sourceNames: [String: [String: String]] = [
        "invitation": ["ar": "روابط الدعوة", "en": "Invitation links"],
        "point": ["ar": "ملصقات الخدمة والأجهزة اللوحية", "en": "Counter posters and kiosks"],
        "import": ["ar": "المدخلة يدوياً (ورق، هاتف)", "en": "Imported (paper, phone)"],
    ]
}

/// How a metric's value is written: a proportion as a percentage, an NPS signed, a mean with two decimals.
enum MetricNumber {
    static func text(_ value: Double, kind: String) -> String {
        switch kind {
        case "proportion": String(format: "%.1f%%", value * 100)
        case "nps": String(format: "%+.0f", value)
        default: String(format: "%.2f", value)
        }
    }
}
