/// Writes CSV as spreadsheet users need it: RFC 4180 quoting, CRLF line ends, UTF-8 with a
/// byte-order mark (so Excel shows Arabic), and text that a spreadsheet would run as a formula
/// (a leading `=`, `+`, `-`, `@`, TAB, CR or NUL) prefixed with `'`. Numbers stay numbers.
/// Rows are handed to `sink` as they are written, so output can be streamed.
public struct CSVWriter {
    public enum Cell: Hashable, Sendable {
        case text(String)
        case integer(Int)
        case number(Double)
        case empty
    }

    private let sink: (String) throws -> Void

    /// `sink` receives the byte-order mark first, then one encoded row at a time.
    public init(sink: @escaping (String) throws -> Void) throws {
        self.sink = sink
        try sink("\u{FEFF}")
    }

    /// A header row: always text, neutralised like any other text.
    public func header(_ names: [String]) throws {
        try row(names.map(Cell.text))
    }

    public func row(_ cells: [Cell]) throws {
        try sink(cells.map(Self.encode).joined(separator: ",") + "\r\n")
    }

    static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r", "\0"]

    static func encode(_ cell: Cell) -> String {
        switch cell {
        case .empty: return ""
        case .integer(let value): return String(value)
        case .number(let value): return value.isFinite ? String(value) : ""
        case .text(var text):
            if let first = text.unicodeScalars.first, formulaStarts.contains(first) {
                text = "'" + text
            }
            let needsQuotes = text.unicodeScalars.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }
            guard needsQuotes else { return text }
            var quoted = "\""
            for scalar in text.unicodeScalars {
                if scalar == "\"" { quoted.unicodeScalars.append("\"") }
                quoted.unicodeScalars.append(scalar)
            }
            return quoted + "\""
        }
    }
}
