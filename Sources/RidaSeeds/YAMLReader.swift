import Yams

/// A YAML node together with where it is, so every problem can name its file, line and key path.
struct Located {
    let node: Node
    let path: String
    let file: String

    var line: Int? { node.mark?.line }
    var column: Int? { node.mark?.column }

    func child(_ key: String, _ node: Node) -> Located {
        Located(node: node, path: path.isEmpty ? key : "\(path).\(key)", file: file)
    }

    func element(_ index: Int, _ node: Node) -> Located {
        Located(node: node, path: "\(path)[\(index)]", file: file)
    }
}

/// Collects problems while reading one or more YAML documents.
final class IssueCollector {
    private(set) var issues: [ConfigurationIssue] = []

    func report(_ at: Located, _ message: String) {
        issues.append(ConfigurationIssue(file: at.file, line: at.line, column: at.column, keyPath: at.path, message: message))
    }

    func report(file: String, line: Int? = nil, column: Int? = nil, keyPath: String = "", _ message: String) {
        issues.append(ConfigurationIssue(file: file, line: line, column: column, keyPath: keyPath, message: message))
    }

    /// A mapping's entries by key. Reports duplicate keys, keys not in `allowed` (typos), and
    /// missing `required` keys.
    func mapping(_ at: Located, allowed: Set<String>? = nil, required: [String] = []) -> [String: Located]? {
        guard let mapping = at.node.mapping else {
            report(at, "expected a mapping (key: value)")
            return nil
        }
        var entries: [String: Located] = [:]
        for (keyNode, valueNode) in mapping {
            guard let key = keyNode.string else {
                report(at, "a key must be a plain text")
                continue
            }
            let child = at.child(key, valueNode)
            let keyLocation = Located(node: keyNode, path: child.path, file: at.file)
            if entries[key] != nil {
                report(keyLocation, "duplicate key \"\(key)\"")
                continue
            }
            if let allowed, !allowed.contains(key) {
                report(keyLocation, "unknown key \"\(key)\" (expected one of: \(allowed.sorted().joined(separator: ", ")))")
                continue
            }
            entries[key] = child
        }
        for key in required where entries[key] == nil {
            report(at, "missing \"\(key)\"")
        }
        return entries
    }

    func sequence(_ at: Located) -> [Located]? {
        guard let sequence = at.node.sequence else {
            report(at, "expected a list")
            return nil
        }
        return sequence.enumerated().map { at.element($0.offset, $0.element) }
    }

    func string(_ at: Located) -> String? {
        guard case .scalar(let scalar) = at.node else {
            report(at, "expected a text")
            return nil
        }
        let text = scalar.string.trimmingCharactersInSet()
        if text.isEmpty {
            report(at, "must not be empty")
            return nil
        }
        return text
    }

    func int(_ at: Located) -> Int? {
        guard case .scalar = at.node, let value = at.node.int else {
            report(at, "expected a whole number")
            return nil
        }
        return value
    }

    func bool(_ at: Located) -> Bool? {
        guard case .scalar = at.node, let value = at.node.bool else {
            report(at, "expected true or false")
            return nil
        }
        return value
    }

    /// An identifier: lower-case letters, digits and hyphens, starting with a letter.
    func identifier(_ at: Located) -> String? {
        guard let text = string(at) else { return nil }
        let valid =
            text.utf8.first.map { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) } == true
            && text.utf8.allSatisfy {
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                    || $0 == UInt8(ascii: "-")
            }
        if !valid {
            report(at, "\"\(text)\" is not a valid id (lower-case letters, digits and hyphens, starting with a letter)")
            return nil
        }
        return text
    }
}

extension String {
    func trimmingCharactersInSet() -> String {
        var scalars = Substring(self).unicodeScalars
        while let first = scalars.first, first.properties.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
