import Crypto
import Foundation
import RidaCore

/// Retention for written reports: a month whose comments are older than the retention period
/// keeps its numbers but loses its comments — the comments of `review.*.html`, the rows of
/// `comments.csv` and the free-text columns of `responses.csv` — and its manifest says when and why, with the new
/// hashes. A month is reached as soon as its first day is older than the period (its comments
/// go a little early rather than late). Months already done are left alone, so running it
/// again, or after it died halfway, is safe.
public struct ReportRetention: Sendable {
    /// The folder holding report months (`Reports/`), each a folder with a `manifest.json`.
    public let directory: URL
    /// Ids of free-text items of every stored questionnaire version: the columns of
    /// `responses.csv` that are emptied.
    public let textItems: Set<String>

    public init(directory: URL, textItems: Set<String>) {
        self.directory = directory
        self.textItems = textItems
    }

    /// The marks around each block of comments in `Templates/reports/review.mustache`.
    public static let commentsStart = "<!-- rida:comments -->"
    public static let commentsEnd = "<!-- /rida:comments -->"

    public struct Summary: Hashable, Sendable {
        /// Report folders whose comments were removed now, relative to `directory`.
        public var months: [String] = []
        /// Half-written reports left behind by a server that died while writing them, removed.
        public var abandoned: [String] = []
        public init(months: [String] = [], abandoned: [String] = []) {
            self.months = months
            self.abandoned = abandoned
        }
    }

    /// How old a hidden staging folder (`.gregorian-2026-10-<uuid>`, where the server writes a
    /// report before moving it into place) must be to count as abandoned.
    public static let abandonedAfter: TimeInterval = 3600

    public enum RetentionError: Error, CustomStringConvertible {
        case commentsNotFound(String)
        case unreadableManifest(String)

        public var description: String {
            switch self {
            case .commentsNotFound(let file): "\(file): the comments section was not found; its comments were not removed"
            case .unreadableManifest(let file): "\(file) cannot be read; the comments of its month were not removed"
            }
        }
    }

    /// Removes the comments of every month that starts before `cutoff` (the first day kept).
    public func removeComments(before cutoff: CalendarDay, retentionDays: Int, at date: Date) throws -> Summary {
        var summary = Summary()
        summary.abandoned = try removeAbandonedStaging(at: date)
        for folder in try reportFolders() {
            let manifestURL = folder.appendingPathComponent("manifest.json")
            guard let data = try? Data(contentsOf: manifestURL), var manifest = try? JSONDecoder().decode(ReportManifest.self, from: data) else {
                throw RetentionError.unreadableManifest(manifestURL.path)
            }
            guard manifest.commentsRemoved == nil, manifest.first < cutoff.description else { continue }
            for index in manifest.files.indices {
                let name = manifest.files[index].name
                let url = folder.appendingPathComponent(name)
                guard FileManager.default.fileExists(atPath: url.path) else { continue }
                let redacted: Data
                if name.hasPrefix("review."), name.hasSuffix(".html") {
                    let language = String(name.dropFirst("review.".count).dropLast(".html".count))
                    let html = try String(contentsOf: url, encoding: .utf8)
                    guard let changed = Self.withoutComments(html, notice: Self.notice(language, date: date, days: retentionDays)) else {
                        throw RetentionError.commentsNotFound(url.path)
                    }
                    redacted = Data(changed.utf8)
                } else if name == "responses.csv" {
                    redacted = Self.withoutColumns(try Data(contentsOf: url), named: textItems)
                } else if name == "comments.csv" {
                    redacted = try CommentsCSV.empty()
                } else {
                    continue
                }
                try redacted.write(to: url, options: .atomic)
                manifest.files[index] = ReportManifest.File(name: name, bytes: redacted.count, sha256: Self.sha256(redacted))
            }
            manifest.commentsRemoved = ReportManifest.CommentsRemoval(
                at: ISO8601DateFormatter().string(from: date), retentionDays: retentionDays, before: cutoff.description,
                reason: "retention: comments are kept for \(retentionDays) days; this month has comments from before \(cutoff.description)")
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            try encoder.encode(manifest).write(to: manifestURL, options: .atomic)
            summary.months.append(String(folder.path.dropFirst(directory.path.count).drop { $0 == "/" }))
        }
        summary.months.sort()
        return summary
    }

    /// A server killed while writing a report leaves its hidden staging folder, comments and all,
    /// which no month folder lists: removed once it is clearly abandoned.
    private func removeAbandonedStaging(at date: Date) throws -> [String] {
        let manager = FileManager.default
        guard let names = try? manager.contentsOfDirectory(atPath: directory.path) else { return [] }
        var removed: [String] = []
        for name in names.sorted()
        where name.range(of: #"^\.(gregorian|hijri)-[0-9]{4}-[0-9]{2}-[0-9A-Fa-f-]{36}$"#, options: .regularExpression) != nil {
            let url = directory.appendingPathComponent(name)
            let modified = (try? manager.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date ?? date
            guard date.timeIntervalSince(modified) > Self.abandonedAfter else { continue }
            try manager.removeItem(at: url)
            removed.append(name)
        }
        return removed
    }

    /// Folders under `directory` (and `directory` itself) holding a manifest, skipping hidden
    /// ones (a report being written is staged in a hidden folder).
    private func reportFolders() throws -> [URL] {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else { return [] }
        var folders: [URL] = []
        if manager.fileExists(atPath: directory.appendingPathComponent("manifest.json").path) { folders.append(directory) }
        let children = try manager.contentsOfDirectory(at: directory, includingPropertiesForKeys: [.isDirectoryKey], options: [.skipsHiddenFiles])
        for child in children.sorted(by: { $0.path < $1.path }) {
            guard (try? child.resourceValues(forKeys: [.isDirectoryKey]))?.isDirectory == true else { continue }
            if manager.fileExists(atPath: child.appendingPathComponent("manifest.json").path) { folders.append(child) }
        }
        return folders
    }

    /// The review with its comments replaced by `notice`: between the marks, or, in a review
    /// written before they existed, everything of the comments section after its heading.
    static func withoutComments(_ html: String, notice: String) -> String? {
        let paragraph = "<p class=\"note\">\(HTMLText.escape(notice))</p>"
        // Every marked block (a review has one per department with comments).
        var result = "", rest = html[...], found = false
        while let start = rest.range(of: commentsStart), let end = rest.range(of: commentsEnd, range: start.upperBound..<rest.endIndex) {
            result += rest[..<start.upperBound] + "\n" + paragraph + "\n"
            rest = rest[end.lowerBound...]
            found = true
        }
        if found { return result + rest }
        guard let section = html.range(of: "<section aria-labelledby=\"h-comments\">"),
            let heading = html.range(of: "</h2>", range: section.upperBound..<html.endIndex),
            let close = html.range(of: "</section>", range: heading.upperBound..<html.endIndex)
        else { return nil }
        let before = String(html[..<heading.upperBound])
        let after = String(html[close.lowerBound...])
        let replaced: String = [commentsStart, paragraph, commentsEnd].joined(separator: "\n")
        return before + "\n" + replaced + "\n" + after
    }

    static func notice(_ language: String, date: Date, days: Int) -> String {
        let day = CalendarDay(date, in: TimeZone(identifier: "UTC")!).description
        switch language {
        case "ar": return "حُذفت الملاحظات في \(day) لانقضاء مدة الاحتفاظ بها (\(days) يوماً)."
        default: return "The comments were removed on \(day): comments are kept for \(days) days."
        }
    }

    /// The CSV with every cell of the named columns emptied; every other byte as it was.
    static func withoutColumns(_ data: Data, named names: Set<String>) -> Data {
        let bytes = [UInt8](data)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            output += [0xEF, 0xBB, 0xBF]
            index = 3
        }
        var emptied: Set<Int>?
        var row: [[UInt8]] = []
        var field: [UInt8] = []
        var quoted = false
        func endRow(_ terminator: [UInt8]) {
            row.append(field)
            field = []
            if emptied == nil {
                emptied = Set(row.indices.filter { names.contains(Self.unquoted(row[$0])) })
            } else if let emptied {
                for column in emptied where column < row.count { row[column] = [] }
            }
            output += row.joined(separator: [0x2C])
            output += terminator
            row = []
        }
        while index < bytes.count {
            let byte = bytes[index]
            if quoted {
                field.append(byte)
                if byte == 0x22 {
                    if index + 1 < bytes.count, bytes[index + 1] == 0x22 {
                        field.append(0x22)
                        index += 1
                    } else {
                        quoted = false
                    }
                }
            } else if byte == 0x22 {
                quoted = true
                field.append(byte)
            } else if byte == 0x2C {
                row.append(field)
                field = []
            } else if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A {
                endRow([0x0D, 0x0A])
                index += 1
            } else if byte == 0x0A {
                endRow([0x0A])
            } else {
                field.append(byte)
            }
            index += 1
        }
        if !field.isEmpty || !row.isEmpty { endRow([]) }
        return Data(output)
    }

    private static func unquoted(_ field: [UInt8]) -> String {
        var text = String(decoding: field, as: UTF8.self)
        if text.hasPrefix("'") { text.removeFirst() }
        if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") {
            text = String(text.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"")
        }
        return text
    }

    static func sha256(_ data: Data) -> String {
        SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}

/// Minimal HTML text escaping for the notice (plain words and digits; escaped all the same).
enum HTMLText {
    static func escape(_ text: String) -> String {
        var output = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }
}

/// The retention policy, applied to everything Rida writes: the database (free text, contact
/// requests, delivered events), then the written reports. `rida purge` runs it once, the
/// server at start and daily: one implementation.
public struct RetentionPurge: Sendable {
    public let store: any OperationsStore & CellReader
    public let retentionDays: Int
    /// The report folder (`--reports`); nil: the database only.
    public let reportsDirectory: URL?
    public let timeZone: TimeZone

    public init(store: any OperationsStore & CellReader, retentionDays: Int, reportsDirectory: URL?, timeZone: TimeZone) {
        self.store = store
        self.retentionDays = retentionDays
        self.reportsDirectory = reportsDirectory
        self.timeZone = timeZone
    }

    public struct Summary: Sendable {
        public var database: PurgeSummary
        public var reports: ReportRetention.Summary
        /// The first day whose free text is kept.
        public var cutoff: CalendarDay
    }

    public func run(at date: Date, by actor: Actor) async throws -> Summary {
        let database = try await store.purge(retentionDays: retentionDays, at: date, by: actor)
        // The same first kept day as the database's purge.
        let cutoff = CalendarDay(date.addingTimeInterval(-Double(retentionDays) * 86_400), in: timeZone)
        var reports = ReportRetention.Summary()
        if let reportsDirectory {
            var textItems = Set<String>()
            for questionnaire in try await store.questionnaireVersions().values {
                for item in questionnaire.items where item.kind == .text { textItems.insert(item.id) }
            }
            reports = try ReportRetention(directory: reportsDirectory, textItems: textItems)
                .removeComments(before: cutoff, retentionDays: retentionDays, at: date)
            if !reports.months.isEmpty || !reports.abandoned.isEmpty {
                var detail = "comments removed from \(reports.months.isEmpty ? "none" : reports.months.joined(separator: ", "))"
                if !reports.abandoned.isEmpty { detail += "; abandoned reports removed: \(reports.abandoned.count)" }
                try await store.audit(
                    AuditEntry(at: date, actor: actor.name, action: "retention.reports", subject: "before \(cutoff)", detail: detail))
            }
        }
        return Summary(database: database, reports: reports, cutoff: cutoff)
    }
}
