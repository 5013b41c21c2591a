import Crypto
import Foundation
import RidaAnalytics
import RidaCore

/// The report sets of one month: the frozen set (`gregorian-2026-10`) and the amended sets
/// written beside it when the month's data changed after it was frozen
/// (`gregorian-2026-10-amended-1`, `-amended-2`, …). No set is ever overwritten; the latest
/// is the month's current report.
public struct ReportSets: Sendable {
    /// The folder of the frozen set; amended sets are its siblings.
    public let base: URL

    public init(base: URL) {
        self.base = base
    }

    /// The sets of `period` (`calendar`: gregorian or hijri) in a reports folder.
    public init(directory: URL, calendar: String, period: String) {
        base = directory.appendingPathComponent("\(calendar)-\(period)")
    }

    /// One written set.
    public struct Written: Sendable, Hashable {
        public let folder: URL
        /// 0 for the frozen set.
        public let amendment: Int
        public var name: String { folder.lastPathComponent }

        public func manifest() throws -> ReportManifest {
            try JSONDecoder().decode(ReportManifest.self, from: Data(contentsOf: folder.appendingPathComponent("manifest.json")))
        }
    }

    /// The folder of amendment `number` (0: the frozen set).
    public func folder(amendment number: Int) -> URL {
        number == 0 ? base : base.deletingLastPathComponent().appendingPathComponent("\(base.lastPathComponent)-amended-\(number)")
    }

    /// The sets written so far (those with a manifest: a set's manifest is written last), the
    /// frozen set first.
    public func written() -> [Written] {
        let parent = base.deletingLastPathComponent()
        let name = base.lastPathComponent
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent.path) else { return [] }
        var sets: [Written] = []
        for candidate in names {
            let number: Int
            if candidate == name {
                number = 0
            } else if candidate.hasPrefix("\(name)-amended-"), let parsed = Int(candidate.dropFirst(name.count + "-amended-".count)), parsed > 0,
                candidate == "\(name)-amended-\(parsed)"
            {
                number = parsed
            } else {
                continue
            }
            let folder = parent.appendingPathComponent(candidate)
            guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("manifest.json").path) else { continue }
            sets.append(Written(folder: folder, amendment: number))
        }
        return sets.sorted { $0.amendment < $1.amendment }
    }

    /// The month's current set: the last amendment, or the frozen set.
    public var latest: Written? { written().last }

    /// What writing the month's frozen report needs now, given what it is computed from.
    public enum Need: Sendable, Hashable {
        /// No set yet: the frozen set.
        case frozen
        /// The data changed since the latest set was computed: an amended set replacing it.
        case amended(replacing: Written, number: Int)
        /// The latest set is current.
        case current(Written)
    }

    public func need(_ source: ReportManifest.Source) -> Need {
        guard let latest else { return .frozen }
        // A set written before manifests recorded their source, or that cannot be read, is
        // left as it is: nothing tells that it is out of date.
        let manifest = try? latest.manifest()
        // A provisional set (written to this folder before the month froze) is no frozen set.
        if manifest?.provisional == true, latest.amendment == 0 { return .frozen }
        guard let recorded = manifest?.computedFrom, recorded != source else { return .current(latest) }
        return .amended(replacing: latest, number: latest.amendment + 1)
    }
}

/// An amended set's place in its month: the set it replaces, and its number.
public struct ReportAmendment: Sendable, Hashable {
    /// The folder name of the replaced set (`gregorian-2026-10`).
    public var replaces: String
    public var number: Int

    public init(replaces: String, number: Int) {
        self.replaces = replaces
        self.number = number
    }
}

extension ReportManifest {
    /// What a report set was computed from: the responses of its period and the invitations
    /// issued in it, cell by cell. Late paper and phone imports change it; answers that arrive
    /// later to the period's invitations do not (the response rate of recent periods is
    /// provisional in every report anyway).
    public struct Source: Codable, Sendable, Hashable {
        /// Responses of the period.
        public var responses: Int
        /// Invitations issued in the period.
        public var invitations: Int
        /// SHA-256 of the period's response cells and invitations issued, per day and unit.
        public var cells: String

        public init(responses: Int, invitations: Int, cells: String) {
            self.responses = responses
            self.invitations = invitations
            self.cells = cells
        }

        public static func of(first: CalendarDay, last: CalendarDay, cells: any CellReader) async throws -> Source {
            let responses = try await cells.responseCells(from: first, to: last, grain: .unit)
            let invitations = try await cells.invitationCells(from: first, to: last, grain: .unit)
            var lines = responses.map { cell in
                [
                    "r", cell.day.description, cell.department, cell.channel, cell.segment ?? "", cell.service ?? "", cell.language ?? "",
                    String(cell.questionnaireVersionID), String(cell.responses), cell.counts.map(String.init).joined(separator: " "),
                ].joined(separator: "\u{1F}")
            }
            lines += invitations.filter { $0.issued > 0 }.map { cell in
                ["i", cell.day.description, cell.department, cell.channel, cell.segment ?? "", cell.service ?? "", String(cell.issued)]
                    .joined(separator: "\u{1F}")
            }
            let digest = SHA256.hash(data: Data(lines.sorted().joined(separator: "\n").utf8)).map { String(format: "%02x", $0) }.joined()
            return Source(
                responses: responses.reduce(0) { $0 + $1.responses }, invitations: invitations.reduce(0) { $0 + $1.issued }, cells: digest)
        }
    }
}
