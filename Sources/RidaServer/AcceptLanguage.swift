import Foundation

/// The language an `Accept-Language` header prefers among those offered: by quality, and among
/// equal qualities in the order the browser gave; a region (`ar-SA`) counts as its language.
enum AcceptLanguage {
    static func preferred(_ header: String?, among offered: some Collection<String>) -> String? {
        guard let header else { return nil }
        let ranked = header.split(separator: ",").compactMap { part -> (String, Double)? in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first?.lowercased(), !tag.isEmpty else { return nil }
            let quality = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return (String(tag.split(separator: "-").first ?? ""), quality)
        }
        let ordered = ranked.enumerated().sorted { ($0.element.1, -$0.offset) > ($1.element.1, -$1.offset) }.map(\.element)
        return ordered.first { $0.1 > 0 && offered.contains($0.0) }?.0
    }
}
