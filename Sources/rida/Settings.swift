import ArgumentParser
import Configuration
import Foundation
import SystemPackage
import Yams

/// Settings of the service from three places, in this order of precedence: a flag, an
/// environment variable `RIDA_<NAME>` (upper case, dashes as underscores: `RIDA_BASE_URL`), and a
/// YAML settings file (`--settings FILE` or `RIDA_SETTINGS`) whose keys are the flags' names
/// (`base-url: https://survey.example.org`). A value is parsed as its flag would be; a bad one is
/// refused, naming where it came from.
struct Settings: Sendable {
    /// Every setting's name (its flag without the dashes), as `docs/settings.md` lists them.
    static let names = [
        "db",
        "synchronous",
        "secret-file",
        "seeds",
        "templates",
        "reports",
        "host",
        "port",
        "base-url",
        "trusted-proxy",
        "idle-timeout",
        "header-timeout",
        "body-timeout",
        "max-connections",
        "min-free-disk-mb",
        "retention-days",
        "follow-up-hours",
        "webhook-url",
        "report-grace-days",
    ]

    /// `RIDA_BASE_URL` for `base-url`: the name swift-configuration's environment provider reads.
    static func variable(for name: String) -> String {
        "RIDA_" + name.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    static let environmentVariable = "RIDA_SETTINGS"

    let environment: ConfigReader
    let file: ConfigReader?
    /// The settings file in use, if any.
    let filePath: String?

    /// No settings file, and only the given environment (tests).
    init(environment: [String: String], file: ConfigReader? = nil, filePath: String? = nil) {
        self.environment = ConfigReader(
            provider: KeyMappingProvider(upstream: EnvironmentVariablesProvider(environmentVariables: environment)) { $0.prepending(["rida"]) })
        self.file = file
        self.filePath = filePath
    }

    /// The settings of this process: its environment, and the file named by `path` or by
    /// `$RIDA_SETTINGS`.
    static func load(path: String?, environment: [String: String] = ProcessInfo.processInfo.environment) async throws -> Settings {
        guard let path = path ?? environment[environmentVariable] else { return Settings(environment: environment) }
        guard FileManager.default.fileExists(atPath: path) else {
            throw CLIError("the settings file \(path) does not exist")
        }
        // Names are checked here: swift-configuration reads only the keys asked for, so a
        // mistyped one would pass unseen.
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw CLIError("cannot read the settings file \(path): \(error.localizedDescription)")
        }
        let parsed: Any?
        do {
            parsed = try Yams.load(yaml: text)
        } catch {
            throw CLIError("the settings file \(path) is not valid YAML: \(error)")
        }
        if let parsed {
            guard let mapping = parsed as? [String: Any] else {
                throw CLIError("the settings file \(path) must be a mapping of names to values, e.g. `base-url: https://survey.example.org`")
            }
            let known = Set(names)
            let unknown = mapping.keys.filter { !known.contains($0) }.sorted()
            guard unknown.isEmpty else {
                throw CLIError(
                    "the settings file \(path) has unknown setting(s): \(unknown.joined(separator: ", ")); known: \(names.joined(separator: ", "))")
            }
        }
        let provider: FileProvider<YAMLSnapshot>
        do {
            provider = try await FileProvider<YAMLSnapshot>(filePath: FilePath(path))
        } catch {
            throw CLIError("cannot read the settings file \(path): \(error)")
        }
        return Settings(environment: environment, file: ConfigReader(provider: provider), filePath: path)
    }

    /// The raw text of a setting and where it came from.
    func text(_ name: String) -> (value: String, source: String)? {
        if let value = environment.string(forKey: ConfigKey(name)) {
            return (value, "the environment variable \(Self.variable(for: name))")
        }
        if let file, let filePath {
            if let value = file.string(forKey: ConfigKey(name)) { return (value, "\(name) in \(filePath)") }
            if let value = file.int(forKey: ConfigKey(name)) { return (String(value), "\(name) in \(filePath)") }
            if let value = file.double(forKey: ConfigKey(name)) { return (String(value), "\(name) in \(filePath)") }
        }
        return nil
    }

    /// A setting parsed as its flag is; nil when it is not set.
    func value<T: ExpressibleByArgument>(_ name: String, as type: T.Type = T.self) throws -> T? {
        guard let (text, source) = text(name) else { return nil }
        guard let value = T(argument: text) else { throw CLIError("\(source) is \"\(text)\", which is not a valid --\(name)") }
        return value
    }

    /// A list setting: comma-separated in the environment, a YAML list (or one value) in the file.
    func values<T: ExpressibleByArgument>(_ name: String, as type: T.Type = T.self) throws -> [T]? {
        var found: (values: [String], source: String)?
        if let value = environment.string(forKey: ConfigKey(name)) {
            found = (value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }, "the environment variable \(Self.variable(for: name))")
        } else if let file, let filePath {
            if let list = file.stringArray(forKey: ConfigKey(name)) {
                found = (list, "\(name) in \(filePath)")
            } else if let value = file.string(forKey: ConfigKey(name)) {
                found = ([value], "\(name) in \(filePath)")
            }
        }
        guard let found else { return nil }
        return try found.values.filter { !$0.isEmpty }.map { text in
            guard let value = T(argument: text) else { throw CLIError("\(found.source) holds \"\(text)\", which is not a valid --\(name)") }
            return value
        }
    }

    /// A flag's value, else the setting's, else the default.
    func resolve<T: ExpressibleByArgument>(_ flag: T?, _ name: String, default defaultValue: T) throws -> T {
        if let flag { return flag }
        return try value(name) ?? defaultValue
    }

    func resolve<T: ExpressibleByArgument>(_ flag: T?, _ name: String) throws -> T? {
        if let flag { return flag }
        return try value(name)
    }
}
