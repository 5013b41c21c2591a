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
        }
    }
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
