import CSV
import Foundation

/// A day's bulk-issue file, one completed service per row: columns `department`, `channel`, and
/// optionally `segment`, `service`, `locale`, `reference`, `expiresInDays`. Read the same way by
/// `rida issue --from-csv` and by the staff console's upload, with the same errors by line.
public enum BulkIssueCSV {
    public static let columns = ["department", "channel", "segment", "service", "locale", "reference", "expiresInDays"]

    /// One row's request and the line it came from (1 = the header).
    public struct Row: Hashable, Sendable {
        public var line: Int
        public var request: IssueRequest
    }

    /// Why a file cannot be issued: it could not be read as CSV at all, or these lines are wrong.
    public enum Failure: Error, Hashable, Sendable {
        case unreadable(String)
        case invalid([ImportIssue])
    }

    /// Every row as a request, or every problem by line and column. `allowed` says which
    /// departments the issuer may name (nil: every one); `rowLimit` refuses longer files.
    public static func read(
        _ text: String, issuer: InvitationIssuer, allowed: ((String) -> Bool)? = nil, rowLimit: Int? = nil
    ) -> Result<[Row], Failure> {
        var text = text
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var header: [String] = []
        var rows: [[String]] = []
        do {
            let reader = try CSVReader(string: text, hasHeaderRow: true)
            header = (reader.headerRow ?? []).map { $0.trimmingCharacters(in: .whitespaces) }
            while let row = reader.next() { rows.append(row) }
            if let error = reader.error { throw error }
        } catch {
            return .failure(.unreadable("\(error)"))
        }
        var issues: [ImportIssue] = []
        for name in header where !columns.contains(name) { issues.append(ImportIssue(line: 1, column: name, message: "unknown column")) }
        for name in ["department", "channel"] where !header.contains(name) {
            issues.append(ImportIssue(line: 1, column: name, message: "missing column"))
        }
        if let rowLimit, rows.count > rowLimit {
            issues.append(ImportIssue(line: rowLimit + 2, column: nil, message: "at most \(rowLimit) rows can be issued at once"))
        }
        guard issues.isEmpty else { return .failure(.invalid(issues)) }
        var requests: [Row] = []
        var references: [String: Int] = [:]
        for (index, row) in rows.enumerated() {
            let line = index + 2
            if row.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
            guard row.count == header.count else {
                issues.append(ImportIssue(line: line, column: nil, message: "\(row.count) cells, expected \(header.count)"))
                continue
            }
            var cells: [String: String] = [:]
            for (name, cell) in zip(header, row) {
                let value = cell.trimmingCharacters(in: .whitespaces)
                if !value.isEmpty { cells[name] = value }
            }
            var days: Int?
            if let text = cells["expiresInDays"] {
                days = Int(text)
                if days == nil { issues.append(ImportIssue(line: line, column: "expiresInDays", message: "not a whole number")) }
            }
            let request = IssueRequest(
                department: cells["department"] ?? "", channel: cells["channel"] ?? "", segment: cells["segment"], service: cells["service"],
                locale: cells["locale"], count: 1, expiresInDays: days, reference: cells["reference"])
            do {
                _ = try issuer.validate(request)
            } catch {
                issues.append(ImportIssue(line: line, column: error.field, message: error.message))
                continue
            }
            if let allowed, !allowed(request.department) {
                issues.append(
                    ImportIssue(line: line, column: "department", message: "this key may not issue for department \"\(request.department)\""))
                continue
            }
            if let reference = request.reference {
                if let first = references[reference] {
                    issues.append(ImportIssue(line: line, column: "reference", message: "the same reference as line \(first)"))
                    continue
                }
                references[reference] = line
            }
            requests.append(Row(line: line, request: request))
        }
        return issues.isEmpty ? .success(requests) : .failure(.invalid(issues))
    }
}
