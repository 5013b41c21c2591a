import Foundation

/// One problem in an import file, by line (1 = the header) and column name.
public struct ImportIssue: Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: String?
    public var message: String

    public init(line: Int, column: String?, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        "line \(line)\(column.map { ", column \($0)" } ?? ""): \(message)"
    }
}

/// Everything wrong with an import file, in line order.
public struct ImportErrors: Error, Hashable, Sendable {
    public var issues: [ImportIssue]
}

/// Reads responses collected on paper, by phone or at a kiosk: columns `date`, `department`,
/// `channel`, optional `segment`, `service`, `locale`, then item ids. A missing column or a blank
/// cell means "not answered"; ratings are validated exactly as on the web form. All rows or none.
public struct ResponseImporter: Sendable {
    public static let fixedColumns = ["date", "department", "channel", "segment", "service", "locale"]

    public let configuration: SeedConfiguration
    public let questionnaire: Questionnaire
    public let timeZone: TimeZone

    public init?(configuration: SeedConfiguration, timeZone: TimeZone) {
        guard let questionnaire = configuration.currentQuestionnaire() else { return nil }
        self.configuration = configuration
        self.questionnaire = questionnaire
        self.timeZone = timeZone
    }

    /// `rows` excludes the header; row `i` is on line `i + 2`.
    public func read(header: [String], rows: [[String]], today: Date = Date()) -> Result<[SurveyResponse], ImportErrors> {
        var issues: [ImportIssue] = []
        let names = header.map { $0.trimmingCharacters(in: .whitespaces) }
        let itemIDs = Set(questionnaire.items.filter { $0.kind != .contact }.map(\.id))
        for (index, name) in names.enumerated() {
            if names[..<index].contains(name) {
                issues.append(ImportIssue(line: 1, column: name, message: "duplicate column"))
            } else if !Self.fixedColumns.contains(name) && !itemIDs.contains(name) {
                let hint = questionnaire.item(name)?.kind == .contact ? " (contact details are not imported)" : ""
                issues.append(ImportIssue(line: 1, column: name, message: "unknown column\(hint)"))
            }
        }
        for required in ["date", "department", "channel"] where !names.contains(required) {
            issues.append(ImportIssue(line: 1, column: required, message: "missing column"))
        }
        guard issues.isEmpty else { return .failure(ImportErrors(issues: issues)) }

        let latest = CalendarDay(today, in: timeZone)
        let validator = SubmissionValidator(questionnaire: questionnaire)
        var generator = SystemRandomNumberGenerator()
        var responses: [SurveyResponse] = []
        for (index, row) in rows.enumerated() {
            let line = index + 2
            if row.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            guard row.count == names.count else {
                issues.append(ImportIssue(line: line, column: nil, message: "\(row.count) cells, expected \(names.count)"))
                continue
            }
            var cells: [String: String] = [:]
            for (name, cell) in zip(names, row) { cells[name] = cell.trimmingCharacters(in: .whitespaces) }
            func cell(_ name: String) -> String? { cells[name].flatMap { $0.isEmpty ? nil : $0 } }

            var day: CalendarDay?
            if let text = cell("date") {
                day = CalendarDay(text)
                if day == nil {
                    issues.append(ImportIssue(line: line, column: "date", message: "\"\(text)\" is not a date (YYYY-MM-DD)"))
                } else if day! > latest {
                    issues.append(ImportIssue(line: line, column: "date", message: "\(text) is in the future"))
                    day = nil
                }
            } else {
                issues.append(ImportIssue(line: line, column: "date", message: "required"))
            }
            let department = cell("department").flatMap { code in configuration.departments.first { $0.id == code } }
            if department == nil {
                issues.append(ImportIssue(line: line, column: "department", message: cell("department").map { "unknown department \"\($0)\"" } ?? "required"))
            }
            let channel = cell("channel")
            if channel == nil || !configuration.channels.contains(where: { $0.id == channel }) {
                issues.append(ImportIssue(line: line, column: "channel", message: channel.map { "unknown channel \"\($0)\"" } ?? "required"))
            }
            if let segment = cell("segment"), !configuration.segments.contains(where: { $0.id == segment }) {
                issues.append(ImportIssue(line: line, column: "segment", message: "unknown segment \"\(segment)\""))
            }
            if let service = cell("service"), let department, !department.services.contains(where: { $0.id == service }) {
                issues.append(ImportIssue(line: line, column: "service", message: "unknown service \"\(service)\" of \(department.id)"))
            }
            let locale = cell("locale") ?? configuration.defaultLanguage
            if !questionnaire.languages.contains(locale) {
                issues.append(ImportIssue(line: line, column: "locale", message: "the questionnaire is not offered in \"\(locale)\""))
            }
            var fields: [String: [String]] = [:]
            for id in itemIDs { if let value = cell(id) { fields[id] = [value] } }
            switch validator.validate(fields) {
            case .failure(let errors):
                for (item, error) in errors.fields.sorted(by: { $0.key < $1.key }) {
                    issues.append(ImportIssue(line: line, column: item, message: Self.describe(error)))
                }
            case .success(let submission):
                guard let day, let department, let channel else { continue }
                responses.append(
                    SurveyResponse(
                        id: SurveyResponse.randomID(using: &generator), day: day,
                        unit: ServiceUnit(department: department.id, channel: channel, segment: cell("segment"), service: cell("service")),
                        locale: locale, questionnaire: questionnaire.key, questionnaireVersion: questionnaire.version, source: .import,
                        answers: submission.answers, texts: submission.texts))
            }
        }
        return issues.isEmpty ? .success(responses) : .failure(ImportErrors(issues: issues))
    }

    static func describe(_ error: FieldError) -> String {
        switch error {
        case .required: "required"
        case .outOfRange: "not a value of this item's scale"
        case .notApplicableNotAllowed: "\"na\" (not applicable) is not allowed for this item"
        case .tooLong(let max): "longer than \(max) characters"
        case .contactMissing, .contactInvalid, .contactHiddenCharacters: "contact details are not imported"
        }
    }
}
