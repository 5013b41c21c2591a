/// One problem found in the seed configuration, located by file, line and key path.
public struct ConfigurationIssue: Error, Hashable, Sendable, CustomStringConvertible {
    /// Path of the file relative to the seeds directory, e.g. `questionnaires/default-v1.yaml`.
    public var file: String
    /// 1-based line, when the YAML parser could tell.
    public var line: Int?
    public var column: Int?
    /// Where in the document, e.g. `items[3].text.ur`.
    public var keyPath: String
    public var message: String

    public init(file: String, line: Int?, column: Int?, keyPath: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.keyPath = keyPath
        self.message = message
    }

    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        if let column { location += ":\(column)" }
        let path = keyPath.isEmpty ? "" : " \(keyPath):"
        return "\(location):\(path) \(message)"
    }
}

/// The configuration could not be loaded; every problem found is listed, in file order.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible {
    public var issues: [ConfigurationIssue]

    /// Issues are kept sorted by file, then line, so output is stable.
    public init(issues: [ConfigurationIssue]) {
        self.issues = issues.enumerated().sorted { a, b in
            (a.element.file, a.element.line ?? 0, a.element.column ?? 0, a.offset)
                < (b.element.file, b.element.line ?? 0, b.element.column ?? 0, b.offset)
        }.map(\.element)
    }

    public var description: String {
        issues.map(\.description).joined(separator: "\n")
    }
}
