import RidaCore
import Yams

/// Reads and validates one questionnaire file.
struct QuestionnaireReader {
    let issues: IssueCollector
    let declaredLanguages: Set<String>

    static let defaultTextLength = 1000
    static let maximumTextLength = 10000

    func read(_ root: Located) -> Questionnaire? {
        guard
            let top = issues.mapping(
                root, allowed: ["questionnaire", "version", "languages", "drafts", "title", "promise", "scales", "items"],
                required: ["questionnaire", "version", "languages", "title", "promise", "scales", "items"])
        else { return nil }
        let key = top["questionnaire"].flatMap(issues.identifier)
        var version = top["version"].flatMap(issues.int)
        if let v = version, v < 1 {
            issues.report(top["version"]!, "the version must be 1 or more")
            version = nil
        }
        let languages = readLanguages(top["languages"])
        let drafts = readDrafts(top["drafts"], languages: languages)
        let title = top["title"].flatMap { localized($0, languages) }
        let promise = top["promise"].flatMap { localized($0, languages) }
        let scales = readScales(top["scales"], languages)
        let items = readItems(top["items"], scales: scales, languages)
        guard let key, let version, let title, let promise, let items else { return nil }
        return Questionnaire(key: key, version: version, languages: languages, drafts: drafts, title: title, promise: promise, items: items)
    }

    private func readLanguages(_ at: Located?) -> [String] {
        guard let at, let list = issues.sequence(at) else { return [] }
        var codes: [String] = []
        for entry in list {
            guard let code = issues.string(entry) else { continue }
            if !declaredLanguages.contains(code) {
                issues.report(entry, "\"\(code)\" is not declared in languages.yaml")
            } else if codes.contains(code) {
                issues.report(entry, "duplicate language \"\(code)\"")
            } else {
                codes.append(code)
            }
        }
        for required in ["ar", "en"] where !codes.contains(required) {
            issues.report(at, "every questionnaire must be offered in Arabic and English; \(required) is missing")
        }
        return codes
    }

    private func readDrafts(_ at: Located?, languages: [String]) -> [String] {
        guard let at, let list = issues.sequence(at) else { return [] }
        return list.compactMap { entry in
            guard let code = issues.string(entry) else { return nil }
            guard languages.contains(code) else {
                issues.report(entry, "\"\(code)\" is not one of this questionnaire's languages")
                return nil
            }
            return code
        }
    }

    private func localized(_ at: Located, _ languages: [String]) -> LocalizedText? {
        guard let entries = issues.mapping(at) else { return nil }
        var translations: [String: String] = [:]
        for (code, value) in entries {
            guard languages.contains(code) else {
                issues.report(value, "\"\(code)\" is not one of this questionnaire's languages")
                continue
            }
            if let text = issues.string(value) { translations[code] = text }
        }
        for code in languages where entries[code] == nil {
            issues.report(at, "missing the \(code) translation")
        }
        return LocalizedText(translations)
    }

    private func readScales(_ at: Located?, _ languages: [String]) -> [String: Scale] {
        guard let at, let list = issues.sequence(at) else { return [:] }
        var scales: [String: Scale] = [:]
        for entry in list {
            guard let fields = issues.mapping(entry, allowed: ["id", "min", "max", "labels"], required: ["id", "min", "max", "labels"])
            else { continue }
            var id = fields["id"].flatMap(issues.identifier)
            if let known = id, scales[known] != nil {
                issues.report(fields["id"]!, "duplicate scale id \"\(known)\"")
                id = nil
            }
            guard let min = fields["min"].flatMap(issues.int), let max = fields["max"].flatMap(issues.int) else { continue }
            guard min < max, max - min <= 10, min >= 0 else {
                issues.report(entry, "a scale runs over 2 to 11 consecutive whole numbers from 0 or more; \(min)…\(max) does not")
                continue
            }
            var labels: [Int: LocalizedText] = [:]
            if let labelsAt = fields["labels"], let entries = issues.mapping(labelsAt) {
                for (pointText, labelAt) in entries {
                    let keyLocation = labelAt
                    guard let point = Int(pointText) else {
                        issues.report(keyLocation, "a label key must be a scale point (a whole number)")
                        continue
                    }
                    guard (min...max).contains(point) else {
                        issues.report(keyLocation, "label for \(point), outside the scale \(min)…\(max)")
                        continue
                    }
                    if let text = localized(labelAt, languages) { labels[point] = text }
                }
                for end in [min, max] where entries[String(end)] == nil {
                    issues.report(labelsAt, "the ends of a scale must be labelled; \(end) has no label")
                }
            }
            if let id { scales[id] = Scale(id: id, min: min, max: max, labels: labels) }
        }
        return scales
    }

    private func readItems(_ at: Located?, scales: [String: Scale], _ languages: [String]) -> [QuestionnaireItem]? {
        guard let at, let list = issues.sequence(at) else { return nil }
        if list.isEmpty { issues.report(at, "a questionnaire needs at least one item") }
        var items: [QuestionnaireItem] = []
        var measured: [Measure: String] = [:]
        for entry in list {
            guard
                let fields = issues.mapping(
                    entry, allowed: ["id", "type", "scale", "required", "notApplicable", "measures", "maxLength", "text"],
                    required: ["id", "type", "text"])
            else { continue }
            var id = fields["id"].flatMap(issues.identifier)
            if let known = id, items.contains(where: { $0.id == known }) {
                issues.report(fields["id"]!, "duplicate item id \"\(known)\"")
                id = nil
            }
            let kind = fields["type"].flatMap { typeAt in
                issues.string(typeAt).flatMap { text -> QuestionnaireItem.Kind? in
                    guard let kind = QuestionnaireItem.Kind(rawValue: text) else {
                        let known = QuestionnaireItem.Kind.allCases.map(\.rawValue).joined(separator: ", ")
                        issues.report(typeAt, "unknown item type \"\(text)\" (expected one of: \(known))")
                        return nil
                    }
                    return kind
                }
            }
            let text = fields["text"].flatMap { localized($0, languages) }
            let required = fields["required"].flatMap(issues.bool) ?? false
            let allowsNotApplicable = fields["notApplicable"].flatMap(issues.bool) ?? false
            var scale: Scale?
            if let scaleAt = fields["scale"], let scaleID = issues.string(scaleAt) {
                scale = scales[scaleID]
                if scale == nil { issues.report(scaleAt, "unknown scale \"\(scaleID)\"") }
            }
            var measure: Measure?
            if let measureAt = fields["measures"], let name = issues.string(measureAt) {
                measure = Measure(rawValue: name)
                if measure == nil {
                    issues.report(measureAt, "unknown measure \"\(name)\" (expected one of: csat, nps, ces)")
                } else if let other = measured[measure!] {
                    issues.report(measureAt, "\(name) is already measured by item \"\(other)\"")
                    measure = nil
                }
            }
            var maxLength: Int?
            if let lengthAt = fields["maxLength"], let length = issues.int(lengthAt) {
                if (1...Self.maximumTextLength).contains(length) {
                    maxLength = length
                } else {
                    issues.report(lengthAt, "maxLength must be between 1 and \(Self.maximumTextLength)")
                }
            }
            guard let id, let kind, let text else { continue }
            switch kind {
            case .rating:
                if fields["scale"] == nil { issues.report(entry, "a rating item needs a scale") }
                if fields["maxLength"] != nil { issues.report(fields["maxLength"]!, "maxLength applies to text items only") }
                if let measure, let scale, !Self.fits(measure, scale) {
                    issues.report(fields["measures"]!, "\(measure.rawValue) needs a \(Self.expectedScale(measure)) scale, not \(scale.min)…\(scale.max)")
                }
            case .text, .contact:
                for key in ["scale", "notApplicable", "measures"] where fields[key] != nil {
                    issues.report(fields[key]!, "\(key) applies to rating items only")
                }
                if kind == .contact, fields["maxLength"] != nil { issues.report(fields["maxLength"]!, "maxLength applies to text items only") }
                if kind == .contact, required { issues.report(fields["required"]!, "asking to be contacted is always optional") }
            }
            if let measure { measured[measure] = id }
            items.append(
                QuestionnaireItem(
                    id: id, kind: kind, scale: kind == .rating ? scale : nil, required: required,
                    allowsNotApplicable: kind == .rating && allowsNotApplicable, measure: kind == .rating ? measure : nil,
                    maxLength: kind == .text ? (maxLength ?? Self.defaultTextLength) : nil, text: text))
        }
        return items
    }

    static func fits(_ measure: Measure, _ scale: Scale) -> Bool {
        switch measure {
        case .csat: scale.min == 1 && scale.max == 5
        case .nps: scale.min == 0 && scale.max == 10
        case .ces: scale.min == 1 && scale.max == 7
        }
    }

    static func expectedScale(_ measure: Measure) -> String {
        switch measure {
        case .csat: "1…5"
        case .nps: "0…10"
        case .ces: "1…7"
        }
    }
}
