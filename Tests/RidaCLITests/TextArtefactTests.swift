import Foundation
import Testing

/// No text of a report or an analysis is built by a format string over translated words: every
/// text, rendered in both languages, is free of format artefacts, placeholders and raw keys.
@Suite struct TextArtefactTests {
    /// `%d`, `%@`, `%%`, `%+.2f`, a hexadecimal float (`0x0p+0`), an unfilled `{name}`.
    static var artefacts: Regex<AnyRegexOutput> { try! Regex(#"%[-+0#]*[0-9]*(\.[0-9]+)?[dfgs@]|%%|0x[0-9a-f.]+p[+-][0-9]+|\{[a-z]+\}"#) }

    static func visibleText(_ html: String) -> String {
        var text = html.replacing(try! Regex(#"(?s)<style.*?</style>|<[^>]+>"#), with: " ")
        for (entity, character) in [("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'")] {
            text = text.replacingOccurrences(of: entity, with: character)
        }
        return text
    }

    /// Raw keys that would show through untranslated (camelCase words of the texts' tables).
    static var keys: Regex<AnyRegexOutput> { try! Regex(#"\b[a-z]+[A-Z][a-zA-Z]+\b"#) }

    @Test func reportsAndTheAnalysisTextHaveNoFormatArtefacts() async throws {
        let directory = try temporaryDirectory()
        let db = try await newDatabase(in: directory)
        let demo = try await rida(["demo", "--db", db + ".demo", "--seeds", shippedSeeds.path, "--responses", "6000", "--months", "14", "--end-month", "2026-10", "--seed", "3"])
        #expect(demo.status == 0, "\(demo.error)")
        let out = directory.appendingPathComponent("report")
        let report = try await rida(
            ["report", "--db", db + ".demo", "--seeds", shippedSeeds.path, "--templates", packageRoot.appendingPathComponent("Templates").path,
             "--period", "2026-10", "--out", out.path])
        #expect(report.status == 0, "\(report.error)")
        var texts: [(String, String)] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: out.path) where name.hasSuffix(".html") {
            texts.append((name, Self.visibleText(try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8))))
        }
        for language in ["ar", "en"] {
            let analysis = try await rida(
                ["analyze", "--db", db + ".demo", "--seeds", shippedSeeds.path, "--from", "2025-09", "--to", "2026-10", "--format", "text",
                 "--lang", language, "--by", "department,channel", "--metric", "csat,nps,ces,response-rate,mean"])
            #expect(analysis.status == 0, "\(analysis.error)")
            texts.append(("analyze \(language)", analysis.output))
            #expect(!analysis.output.unicodeScalars.contains { (0x2066...0x2069).contains($0.value) || (0x202A...0x202E).contains($0.value) },
                    "the \(language) text holds bidi controls")
        }
        #expect(texts.count == 6)
        for (name, text) in texts {
            let found = text.matches(of: Self.artefacts).map { String(text[$0.range]) }
            #expect(found.isEmpty, "\(name): \(found.prefix(5))")
            let raw = text.matches(of: Self.keys).map { String(text[$0.range]) }.filter { !["iOS", "macOS"].contains($0) }
            #expect(raw.isEmpty, "\(name): untranslated keys \(Set(raw).sorted().prefix(8))")
        }
        // The Arabic text names no English word of its own (item texts and codes aside).
        let arabic = texts.first { $0.0 == "analyze ar" }!.1
        for english in ["department", "channel", "Sen ", "n=", "Last period", "Trend", "by "] {
            #expect(!arabic.contains(english), "the Arabic analysis text says \(english)")
        }
    }
}
