import Crypto
import Foundation
import Mustache

/// HTML escaping per Unicode scalar. swift-mustache's own HTML escaping works per `Character`,
/// so a `"` followed by a combining mark (an Arabic haraka, say) is one Character and passes
/// unescaped, breaking out of an attribute; this escapes every scalar on its own.
public struct ScalarHTMLEscaping: MustacheContentType {
    public init() {}

    public func escapeText(_ text: String) -> String {
        HTML.escape(text)
    }
}

public enum HTML {
    public static func escape(_ text: String) -> String {
        var output = String.UnicodeScalarView()
        output.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output.append(contentsOf: "&amp;".unicodeScalars)
            case "<": output.append(contentsOf: "&lt;".unicodeScalars)
            case ">": output.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": output.append(contentsOf: "&quot;".unicodeScalars)
            case "'": output.append(contentsOf: "&#39;".unicodeScalars)
            default: output.append(scalar)
            }
        }
        return String(output)
    }
}

/// The Mustache templates, loaded once at start-up from `Templates/`, every one checked to exist
/// and to declare the scalar-escaping content type.
public struct TemplateLibrary: Sendable {
    /// Each template starts with `{{% CONTENT_TYPE: RIDA_HTML}}`.
    public static let contentTypeName = "RIDA_HTML"
    public static let defaultDirectoryName = "Templates"
    public static let environmentVariable = "RIDA_TEMPLATES"

    public enum LoadError: Error, CustomStringConvertible {
        case missing([String], directory: String)
        case unsafe([String])

        public var description: String {
            switch self {
            case .missing(let names, let directory): "missing templates in \(directory): \(names.joined(separator: ", "))"
            case .unsafe(let names):
                "templates without {{% CONTENT_TYPE: \(TemplateLibrary.contentTypeName)}} on their first line: \(names.joined(separator: ", "))"
            }
        }
    }

    let library: MustacheLibrary

    /// `$RIDA_TEMPLATES`, else `Templates/` in the working directory.
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        URL(fileURLWithPath: environment[environmentVariable] ?? defaultDirectoryName)
    }

    public init(directory: URL, required: [String]) async throws {
        MustacheContentTypes.register(ScalarHTMLEscaping(), named: Self.contentTypeName)
        let library = try await MustacheLibrary(directory: directory.path)
        let missing = required.filter { library.getTemplate(named: $0) == nil }
        guard missing.isEmpty else { throw LoadError.missing(missing, directory: directory.path) }
        // A template without the pragma would escape with swift-mustache's per-Character rule.
        var unsafe: [String] = []
        let enumerator = FileManager.default.enumerator(atPath: directory.path)
        while let path = enumerator?.nextObject() as? String {
            guard path.hasSuffix(".mustache") else { continue }
            let text = (try? String(contentsOf: directory.appendingPathComponent(path), encoding: .utf8)) ?? ""
            if text.split(separator: "\n", maxSplits: 1).first?.trimmingCharacters(in: .whitespaces)
                != "{{% CONTENT_TYPE: \(Self.contentTypeName)}}"
            {
                unsafe.append(path)
            }
        }
        guard unsafe.isEmpty else { throw LoadError.unsafe(unsafe.sorted()) }
        self.library = library
    }

    public func render(_ object: Any, template: String) -> String {
        library.render(object, withTemplate: template) ?? ""
    }

    /// Content-Security-Policy sources (`'sha256-…'`) for the `<style>` blocks of these
    /// templates, which must be static (they are rendered without data). Pages keep their one
    /// stylesheet inline — one request, nothing fetched — under a policy that allows no other
    /// inline style.
    public func styleSources(of templates: [String]) -> [String] {
        var sources: [String] = []
        for name in templates {
            var rest = Substring(render([String: String](), template: name))
            while let open = rest.range(of: "<style>"), let close = rest.range(of: "</style>", range: open.upperBound..<rest.endIndex) {
                let css = rest[open.upperBound..<close.lowerBound]
                sources.append("'sha256-\(Data(SHA256.hash(data: Data(css.utf8))).base64EncodedString())'")
                rest = rest[close.upperBound...]
            }
        }
        return sources
    }
}
