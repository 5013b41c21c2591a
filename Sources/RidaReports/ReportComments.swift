import Foundation
import RidaCore

/// A comment as a report shows it: masked, once however often it was written, with how often
/// and the lowest satisfaction rating given by the responses that wrote it.
public struct ReportComment: Sendable, Hashable {
    public var text: String
    public var count: Int
    /// The lowest answer to the satisfaction question among them (nil: none answered it).
    public var satisfaction: Int?

    public init(text: String, count: Int, satisfaction: Int?) {
        self.text = text
        self.count = count
        self.satisfaction = satisfaction
    }
}

/// The comments of one department × channel of a period: distinct texts, lowest satisfaction
/// first (unrated last), then the most often written.
public struct CommentGroup: Sendable, Hashable {
    public var department: String
    public var channel: String
    public var comments: [ReportComment]

    public init(department: String, channel: String, comments: [ReportComment]) {
        self.department = department
        self.channel = channel
        self.comments = comments
    }

    /// Comments written, duplicates included.
    public var written: Int { comments.reduce(0) { $0 + $1.count } }
}

/// Gathers masked comments per unit, one entry per distinct text: texts that differ only in
/// case, spacing or surrounding punctuation are the same comment, shown in the spelling that
/// sorts first (responses arrive in random order).
struct CommentBook {
    private var entries: [String: [String: ReportComment]] = [:]
    private var order: [String: [String]] = [:]

    static func identity(_ text: String) -> String {
        let words = text.lowercased().split(whereSeparator: { $0.isWhitespace || $0.isNewline })
        return words.joined(separator: " ").trimmingCharacters(in: .punctuationCharacters.union(.whitespaces))
    }

    mutating func add(_ text: String, satisfaction: Int?, to unit: String) {
        let identity = Self.identity(text)
        guard !identity.isEmpty else { return }
        if var entry = entries[unit]?[identity] {
            entry.count += 1
            // One spelling, whichever order the responses come in.
            entry.text = min(entry.text, text)
            if let satisfaction { entry.satisfaction = min(entry.satisfaction ?? satisfaction, satisfaction) }
            entries[unit]?[identity] = entry
        } else {
            entries[unit, default: [:]][identity] = ReportComment(text: text, count: 1, satisfaction: satisfaction)
            order[unit, default: []].append(identity)
        }
    }

    /// A unit's comments, lowest satisfaction first (unrated last), then the most written, then by
    /// text: the same responses give the same order.
    func comments(of unit: String) -> [ReportComment] {
        guard let entries = entries[unit], let order = order[unit] else { return [] }
        return order.enumerated().map { ($0.offset, entries[$0.element]!) }.sorted { left, right in
            let a = left.1.satisfaction ?? Int.max, b = right.1.satisfaction ?? Int.max
            if a != b { return a < b }
            if left.1.count != right.1.count { return left.1.count > right.1.count }
            return (left.1.text, left.0) < (right.1.text, right.0)
        }.map(\.1)
    }
}

/// `comments.csv`: every distinct comment of the period's shown units, masked, with how often it
/// was written and the lowest satisfaction rating given with it; units in organisational order.
enum CommentsCSV {
    static let header = ["month", "department", "channel", "satisfaction", "times", "comment"]

    static func write(_ groups: [CommentGroup], period: String, to writer: CSVWriter) throws {
        try writer.header(header)
        for group in groups {
            for comment in group.comments {
                try writer.row([
                    .text(period), .text(group.department), .text(group.channel),
                    comment.satisfaction.map(CSVWriter.Cell.integer) ?? .empty, .integer(comment.count), .text(comment.text),
                ])
            }
        }
    }

    /// The file once retention removed the comments: its header only.
    static func empty() throws -> Data {
        var text = ""
        try CSVWriter { text += $0 }.header(header)
        return Data(text.utf8)
    }
}
