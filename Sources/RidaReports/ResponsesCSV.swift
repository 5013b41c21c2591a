import Foundation
import RidaCore

/// The anonymised responses as CSV: no id, no invitation, the day only (or, in a report, only
/// the period); one column per rating item (a value, `na`, or empty when not answered) and per
/// free-text item, with personal data masked. Streamed: each response is written as it arrives.
public final class ResponsesCSV {
    let ratingItems: [String]
    let textItems: [String]
    let writer: CSVWriter
    /// In a report: the period every row is written with, in place of its day.
    let period: String?

    public static let fixedColumns = [
        "day", "department", "channel", "segment", "service", "language", "questionnaire", "version", "source",
    ]

    /// What a row may say about the response besides its department, channel and answers.
    public enum Detail: Sendable, Hashable, CaseIterable {
        case segment, service, language, source, version
    }

    /// Item columns: every item of every stored version, in the order of the newest version.
    /// With `period`, the first column is `month` and holds it, in place of each row's day.
    public init(questionnaires: [Questionnaire], period: String? = nil, sink: @escaping (String) throws -> Void) throws {
        var rating: [String] = [], text: [String] = []
        for questionnaire in questionnaires.sorted(by: { $0.version > $1.version }) {
            for item in questionnaire.items {
                switch item.kind {
                case .rating where !rating.contains(item.id): rating.append(item.id)
                case .text where !text.contains(item.id): text.append(item.id)
                default: break
                }
            }
        }
        ratingItems = rating
        textItems = text
        self.period = period
        writer = try CSVWriter(sink: sink)
        try writer.header((period == nil ? Self.fixedColumns : ["month"] + Self.fixedColumns.dropFirst()) + rating + text)
    }

    /// Writes a row; the details in `withheld` are left empty.
    public func write(_ response: ExportedResponse, withheld: Set<Detail> = []) throws {
        func detail(_ kind: Detail, _ value: String?) -> CSVWriter.Cell {
            guard !withheld.contains(kind), let value else { return .empty }
            return .text(value)
        }
        var cells: [CSVWriter.Cell] = [
            .text(period ?? response.day.description), .text(response.department), .text(response.channel),
            detail(.segment, response.segment), detail(.service, response.service), detail(.language, response.language),
            withheld.contains(.version) ? .empty : .text(response.questionnaire),
            withheld.contains(.version) ? .empty : .integer(response.version), detail(.source, response.source),
        ]
        for item in ratingItems {
            switch response.answers[item] {
            case .value(let value): cells.append(.integer(value))
            case .notApplicable: cells.append(.text("na"))
            case nil: cells.append(.empty)
            }
        }
        for item in textItems {
            cells.append(response.texts[item].map { .text(Redaction.mask($0).text) } ?? .empty)
        }
        try writer.row(cells)
    }

    /// A response's details, in `Detail.allCases` order.
    public static func details(_ response: ExportedResponse) -> [String] {
        Detail.allCases.map { detail in
            switch detail {
            case .segment: response.segment ?? ""
            case .service: response.service ?? ""
            case .language: response.language
            case .source: response.source
            case .version: "\(response.questionnaire) \(response.version)"
            }
        }
    }

    /// How much a report's rows may tell of their unit, finest first: every detail; segment,
    /// language, source and version; language and version; nothing.
    static let levels: [Set<Detail>] = [
        Set(Detail.allCases), [.segment, .language, .source, .version], [.language, .version], [],
    ]

    /// Details projected onto what a level shows (the others empty).
    static func project(_ details: [String], _ level: Set<Detail>) -> [String] {
        zip(Detail.allCases, details).map { level.contains($0) ? $1 : "" }
    }

    /// For one department × channel, given how many of its rows have each combination of details:
    /// the finest level at which every combination shown holds at least `threshold` rows, as the
    /// details to withhold, and the combinations that level shows. (A cell with fewer rows than
    /// `threshold` is not published at all.)
    public static func withheld(_ combinations: [[String]: Int], threshold: Int) -> (withheld: Set<Detail>, shown: Set<[String]>) {
        for level in levels {
            var groups: [[String]: Int] = [:]
            for (details, count) in combinations { groups[project(details, level), default: 0] += count }
            if groups.values.allSatisfy({ $0 >= threshold }) { return (Set(Detail.allCases).subtracting(level), Set(groups.keys)) }
        }
        return (Set(Detail.allCases), [])
    }
}

/// Collects output into large writes, for streaming to a file or standard output.
public final class BufferedOutput {
    private let handle: FileHandle
    private var buffer = Data()
    private let capacity: Int

    public init(_ handle: FileHandle, capacity: Int = 1 << 16) {
        self.handle = handle
        self.capacity = capacity
        buffer.reserveCapacity(capacity)
    }

    public func write(_ text: String) throws {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= capacity { try flush() }
    }

    public func flush() throws {
        guard !buffer.isEmpty else { return }
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Which department × channel cells of each month are too small to be published: their
/// responses are left out of exports. A cell is small when it holds fewer responses than the
/// threshold, or when any rating question was answered there (not "not applicable") by fewer:
/// the analyses hide that question's cell, and the rows would give its n.
public struct SmallCells: Sendable {
    struct Key: Hashable { var month: String, department: String, channel: String }
    private let small: Set<Key>

    /// `questionnaires`: the stored versions the cells refer to, by id.
    public init(cells: [ResponseCell], questionnaires: [Int64: Questionnaire], threshold: Int) {
        struct Question: Hashable { var key: Key, item: String, scale: String, min: Int, max: Int }
        let layouts = questionnaires.mapValues(CellLayout.init)
        var totals: [Key: Int] = [:]
        var answered: [Question: Int] = [:]
        for cell in cells {
            let key = Key(month: cell.day.monthKey, department: cell.department, channel: cell.channel)
            totals[key, default: 0] += cell.responses
            for slot in layouts[cell.questionnaireVersionID]?.slots ?? [] {
                let n = slot.answered(in: cell.counts)
                answered[Question(key: key, item: slot.item, scale: slot.scale.id, min: slot.scale.min, max: slot.scale.max), default: 0] += n
            }
        }
        var small = Set(totals.filter { $0.value < threshold }.map(\.key))
        for (question, n) in answered where n > 0 && n < threshold { small.insert(question.key) }
        self.small = small
    }

    public func contains(_ response: ExportedResponse) -> Bool {
        small.contains(Key(month: response.day.monthKey, department: response.department, channel: response.channel))
    }

    public var count: Int { small.count }
}
