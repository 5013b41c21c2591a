import Foundation
import RidaCore
import Yams

/// Reads `seeds/` (YAML) into a validated `SeedConfiguration`, or lists every problem found,
/// each with its file, line and key path.
public struct SeedLoader: Sendable {
    public static let defaultDirectoryName = "seeds"
    /// Environment variable naming the seeds directory when no option is given.
    public static let environmentVariable = "RIDA_SEEDS"

    public let directory: URL

    public init(directory: URL) {
        self.directory = directory
    }

    /// `$RIDA_SEEDS`, else `seeds/` in the working directory.
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        URL(fileURLWithPath: environment[environmentVariable] ?? defaultDirectoryName)
    }

    public func load() throws(ConfigurationError) -> SeedConfiguration {
        let issues = IssueCollector()
        let configuration = read(issues)
        guard issues.issues.isEmpty, let configuration else {
            throw ConfigurationError(issues: issues.issues)
        }
        return configuration
    }

    // MARK: - Reading

    private func document(_ name: String, _ issues: IssueCollector) -> Located? {
        let url = directory.appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            issues.report(file: name, "file not found in \(directory.path)")
            return nil
        }
        guard let text = String(data: data, encoding: .utf8) else {
            issues.report(file: name, "not valid UTF-8")
            return nil
        }
        do {
            guard let node = try Yams.compose(yaml: text) else {
                issues.report(file: name, "the file is empty")
                return nil
            }
            return Located(node: node, path: "", file: name)
        } catch let error as YamlError {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
                issues.report(file: name, line: mark.line, column: mark.column, "YAML syntax error: \(problem)")
            case .duplicatedKeysInMapping(let duplicates, let context):
                let keys = duplicates.map { "\"\($0)\"" }.joined(separator: ", ")
                issues.report(file: name, line: context.mark.line, column: context.mark.column, "duplicate key \(keys)")
            default:
                issues.report(file: name, "YAML syntax error: \(error)")
            }
        } catch {
            issues.report(file: name, "YAML syntax error: \(error)")
        }
        return nil
    }

    private func read(_ issues: IssueCollector) -> SeedConfiguration? {
        let (languages, defaultLanguage) = readLanguages(issues)
        let codes = languages.map(\.code)
        let channels = readNamedList("channels.yaml", key: "channels", languages: codes, issues).map {
            Channel(id: $0.id, names: $0.names)
        }
        let segments = readNamedList("segments.yaml", key: "segments", languages: codes, issues).map {
            Segment(id: $0.id, names: $0.names)
        }
        let departments = readDepartments(languages: codes, issues)
        let messages = readMessages(languages: codes, issues)
        let (questionnaires, questionnaireFiles) = readQuestionnaires(languages: Set(codes), issues)
        let organisation = readOrganisation(languages: codes, issues)
        guard let defaultLanguage else { return nil }
        var configuration = SeedConfiguration(
            languages: languages, defaultLanguage: defaultLanguage, channels: channels, segments: segments,
            departments: departments, questionnaires: questionnaires, messages: messages)
        configuration.questionnaireFiles = questionnaireFiles
        configuration.organisation = organisation
        configuration.owners = readOwners(languages: codes, issues)
        configuration.points = readPoints(configuration, issues)
        return configuration
    }

    /// `points.yaml`, optional: points of service (counter posters, kiosks) kept in the
    /// configuration. Each names a department, a channel, optionally one of the department's
    /// services, where it stands, and its poster's languages (1 to 4, declared ones).
    private func readPoints(_ configuration: SeedConfiguration, _ issues: IssueCollector) -> [ServicePoint] {
        let name = "points.yaml"
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path) else { return [] }
        guard let root = document(name, issues), let top = issues.mapping(root, allowed: ["points"], required: ["points"]),
            let list = top["points"].flatMap(issues.sequence)
        else { return [] }
        var points: [ServicePoint] = []
        var seen = Set<String>()
        for entry in list {
            guard
                let fields = issues.mapping(
                    entry, allowed: ["code", "department", "channel", "service", "place", "languages"], required: ["code", "department", "channel"]),
                let code = fields["code"].flatMap(issues.string), let department = fields["department"].flatMap(issues.string),
                let channel = fields["channel"].flatMap(issues.string)
            else { continue }
            guard ServicePoint.isValidCode(code) else {
                issues.report(fields["code"]!, "a point's code is 2 to 40 lower-case letters, digits and inner hyphens, not \"\(code)\"")
                continue
            }
            guard seen.insert(code).inserted else {
                issues.report(fields["code"]!, "point \(code) is listed twice")
                continue
            }
            guard let declared = configuration.departments.first(where: { $0.id == department }) else {
                issues.report(fields["department"]!, "unknown department \"\(department)\" (departments.yaml)")
                continue
            }
            guard configuration.channels.contains(where: { $0.id == channel }) else {
                issues.report(fields["channel"]!, "unknown channel \"\(channel)\" (channels.yaml)")
                continue
            }
            var service: String?
            if let at = fields["service"], let code = issues.string(at) {
                guard declared.services.contains(where: { $0.id == code }) else {
                    issues.report(at, "unknown service \"\(code)\" of department \(department)")
                    continue
                }
                service = code
            }
            var languages = ["ar", "en"].filter { configuration.language($0) != nil }
            if let at = fields["languages"], let items = issues.sequence(at) {
                languages = items.compactMap(issues.string)
                if languages.isEmpty || languages.count > 4 { issues.report(at, "a poster carries 1 to 4 languages") }
                for code in languages where configuration.language(code) == nil { issues.report(at, "unknown language \"\(code)\" (languages.yaml)") }
            }
            let place = fields["place"].flatMap(issues.string) ?? ""
            points.append(
                ServicePoint(
                    code: code, department: department, channel: channel, service: service, place: place, languages: languages, fromSeeds: true))
        }
        return points
    }

    /// `organisation.yaml`, optional: without it the pages name no organisation. Its `logo`, if
    /// given, names an SVG or PNG file beside it (at most 16 KiB: it is inlined in every page).
    private func readOrganisation(languages: [String], _ issues: IssueCollector) -> Organisation? {
        let name = "organisation.yaml"
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path) else { return nil }
        guard let root = document(name, issues),
            let top = issues.mapping(root, allowed: ["names", "logo"], required: ["names"]),
            let names = top["names"].flatMap({ localized($0, languages: languages, issues) })
        else { return nil }
        var logo: String?
        if let at = top["logo"], let file = issues.string(at) {
            let types = ["svg": "image/svg+xml", "png": "image/png"]
            let url = directory.appendingPathComponent(file)
            if file.contains("..") || file.hasPrefix("/") {
                issues.report(at, "the logo must be a file inside the seeds folder")
            } else if let type = types[url.pathExtension.lowercased()] {
                if let data = FileManager.default.contents(atPath: url.path) {
                    if data.count > 16 * 1024 {
                        issues.report(at, "the logo \(file) is \(data.count) bytes; at most 16384 (it is sent with every page)")
                    } else {
                        logo = "data:\(type);base64,\(data.base64EncodedString())"
                    }
                } else {
                    issues.report(at, "logo file \(file) not found in \(directory.path)")
                }
            } else {
                issues.report(at, "the logo must be an .svg or .png file, not \"\(file)\"")
            }
        }
        return Organisation(names: names, logo: logo)
    }

    private func readLanguages(_ issues: IssueCollector) -> ([Language], String?) {
        guard let root = document("languages.yaml", issues),
            let top = issues.mapping(root, allowed: ["default", "languages", "offer-drafts"], required: ["default", "languages"]),
            let list = top["languages"].flatMap(issues.sequence)
        else { return ([], nil) }
        let offerDrafts = top["offer-drafts"].flatMap(issues.bool) ?? false
        var languages: [Language] = []
        for entry in list {
            guard
                let fields = issues.mapping(
                    entry, allowed: ["code", "name", "direction", "draft", "offered"], required: ["code", "name", "direction"])
            else { continue }
            let code = fields["code"].flatMap { code in
                issues.string(code).flatMap { text -> String? in
                    guard text.range(of: "^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$", options: .regularExpression) != nil else {
                        issues.report(code, "\"\(text)\" is not a language code (BCP 47, e.g. ar, en, ur)")
                        return nil
                    }
                    if languages.contains(where: { $0.code == text }) {
                        issues.report(code, "duplicate language \"\(text)\"")
                        return nil
                    }
                    return text
                }
            }
            let name = fields["name"].flatMap(issues.string)
            let direction = fields["direction"].flatMap { at in
                issues.string(at).flatMap { text -> Language.Direction? in
                    guard let direction = Language.Direction(rawValue: text) else {
                        issues.report(at, "direction must be ltr or rtl, not \"\(text)\"")
                        return nil
                    }
                    return direction
                }
            }
            let draft = fields["draft"].flatMap(issues.bool) ?? false
            // A reviewed language is always offered; a draft when the file says so.
            let offered = fields["offered"].flatMap(issues.bool) ?? (!draft || offerDrafts)
            if let at = fields["offered"], !offered, !draft {
                issues.report(at, "a reviewed language is always offered; only a draft can have offered: false")
            }
            if let code, let name, let direction {
                languages.append(Language(code: code, name: name, direction: direction, draft: draft, offered: offered || !draft))
            }
        }
        for required in ["ar", "en"] where !languages.contains(where: { $0.code == required }) {
            issues.report(top["languages"]!, "Arabic (ar) and English (en) are required; \(required) is missing")
        }
        var defaultLanguage: String?
        if let at = top["default"], let code = issues.string(at) {
            if let declared = languages.first(where: { $0.code == code }), !declared.offered {
                issues.report(at, "default language \"\(code)\" is a draft that is not offered")
            } else if languages.contains(where: { $0.code == code }) {
                defaultLanguage = code
            } else {
                issues.report(at, "default language \"\(code)\" is not declared under languages")
            }
        }
        return (languages, defaultLanguage)
    }

    /// A text in every language (or in those of `required`, when given): reports each missing
    /// translation and any undeclared language.
    private func localized(_ at: Located, languages: [String], required: [String]? = nil, _ issues: IssueCollector) -> LocalizedText? {
        guard let entries = issues.mapping(at) else { return nil }
        var translations: [String: String] = [:]
        for (code, value) in entries {
            guard languages.contains(code) else {
                issues.report(value, "\"\(code)\" is not a declared language")
                continue
            }
            if let text = issues.string(value) { translations[code] = text }
        }
        for code in required ?? languages where entries[code] == nil {
            issues.report(at, "missing the \(code) translation")
        }
        return LocalizedText(translations)
    }

    private struct Named {
        var id: String
        var names: LocalizedText
        var fields: [String: Located]
    }

    /// A list of `{id, names}` entries (plus `extraKeys`), reporting duplicate ids.
    private func namedEntries(
        _ list: [Located], kind: String, languages: [String], required: [String]? = nil, extraKeys: Set<String> = [], _ issues: IssueCollector
    ) -> [Named] {
        var result: [Named] = []
        for entry in list {
            guard let fields = issues.mapping(entry, allowed: Set(["id", "names"]).union(extraKeys), required: ["id", "names"]) else {
                continue
            }
            var id = fields["id"].flatMap(issues.identifier)
            if let known = id, result.contains(where: { $0.id == known }) {
                issues.report(fields["id"]!, "duplicate \(kind) id \"\(known)\"")
                id = nil
            }
            let names = fields["names"].flatMap { localized($0, languages: languages, required: required, issues) }
            if let id, let names { result.append(Named(id: id, names: names, fields: fields)) }
        }
        return result
    }

    private func readNamedList(_ file: String, key: String, languages: [String], _ issues: IssueCollector) -> [Named] {
        guard let root = document(file, issues), let top = issues.mapping(root, allowed: [key], required: [key]),
            let list = top[key].flatMap(issues.sequence)
        else { return [] }
        if list.isEmpty { issues.report(top[key]!, "at least one entry is needed") }
        return namedEntries(list, kind: String(key.dropLast()), languages: languages, issues)
    }

    /// The owner roles of improvement actions, named in the admin area's languages (Arabic and
    /// English) at least.
    private func readOwners(languages: [String], _ issues: IssueCollector) -> [OwnerRole] {
        guard let root = document("owners.yaml", issues), let top = issues.mapping(root, allowed: ["owners"], required: ["owners"]),
            let list = top["owners"].flatMap(issues.sequence)
        else { return [] }
        if list.isEmpty { issues.report(top["owners"]!, "at least one owner role is needed") }
        return namedEntries(list, kind: "owner role", languages: languages, required: ["ar", "en"], issues).map {
            OwnerRole(id: $0.id, names: $0.names)
        }
    }

    private func readDepartments(languages: [String], _ issues: IssueCollector) -> [Department] {
        guard let root = document("departments.yaml", issues),
            let top = issues.mapping(root, allowed: ["departments"], required: ["departments"]),
            let list = top["departments"].flatMap(issues.sequence)
        else { return [] }
        if list.isEmpty { issues.report(top["departments"]!, "at least one department is needed") }
        return namedEntries(list, kind: "department", languages: languages, extraKeys: ["services"], issues).map { named in
            var services: [Service] = []
            if let at = named.fields["services"], let serviceList = issues.sequence(at) {
                services = namedEntries(serviceList, kind: "service", languages: languages, issues).map {
                    Service(id: $0.id, names: $0.names)
                }
            }
            return Department(id: named.id, names: named.names, services: services)
        }
    }

    private func readMessages(languages: [String], _ issues: IssueCollector) -> [String: LocalizedText] {
        guard let root = document("messages.yaml", issues),
            let top = issues.mapping(root, allowed: ["messages"], required: ["messages"]),
            let messagesAt = top["messages"]
        else { return [:] }
        let keys = Set(MessageKey.allCases.map(\.rawValue))
        guard let entries = issues.mapping(messagesAt, allowed: keys, required: MessageKey.allCases.map(\.rawValue)) else {
            return [:]
        }
        var messages: [String: LocalizedText] = [:]
        for (key, at) in entries {
            guard let text = localized(at, languages: languages, issues) else { continue }
            if key == MessageKey.errorTooLong.rawValue {
                for (code, value) in text.translations where !value.contains("{max}") {
                    issues.report(at.child(code, at.node), "must contain the {max} placeholder")
                }
            }
            messages[key] = text
        }
        return messages
    }

    private func readQuestionnaires(
        languages: Set<String>, _ issues: IssueCollector
    ) -> ([Questionnaire], [QuestionnaireVersionID: String]) {
        let folder = directory.appendingPathComponent("questionnaires")
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
            .sorted()
        if files.isEmpty {
            issues.report(file: "questionnaires/", "no questionnaire found (expected questionnaires/*.yaml)")
        }
        var result: [Questionnaire] = []
        var sources: [QuestionnaireVersionID: String] = [:]
        for file in files {
            guard let root = document("questionnaires/\(file)", issues),
                let questionnaire = QuestionnaireReader(issues: issues, declaredLanguages: languages).read(root)
            else { continue }
            if result.contains(where: { $0.key == questionnaire.key && $0.version == questionnaire.version }) {
                issues.report(root, "questionnaire \(questionnaire.key) version \(questionnaire.version) is defined twice")
                continue
            }
            result.append(questionnaire)
            sources[QuestionnaireVersionID(key: questionnaire.key, version: questionnaire.version)] = "questionnaires/\(file)"
        }
        return (result.sorted { ($0.key, $0.version) < ($1.key, $1.version) }, sources)
    }
}
