import ArgumentParser
import CSV
import Foundation
import RidaCore

/// The input of `rida issue --from-csv`: one row per completed service.
enum BulkIssueFile {
    static let columns = ["department", "channel", "segment", "service", "locale", "reference", "expiresInDays"]

    /// Every row as a request, or every error by line and column (and exit code 1).
    static func read(_ path: String, issuer: InvitationIssuer) throws -> [(line: Int, request: IssueRequest)] {
        guard let data = FileManager.default.contents(atPath: path), var text = String(data: data, encoding: .utf8) else {
            throw CLIError("cannot read \(path) as UTF-8 text")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var header: [String] = []
        var rows: [[String]] = []
        do {
            let reader = try CSVReader(string: text, hasHeaderRow: true)
            header = (reader.headerRow ?? []).map { $0.trimmingCharacters(in: .whitespaces) }
            while let row = reader.next() { rows.append(row) }
            if let error = reader.error { throw error }
        } catch {
            throw CLIError("\(path) is not a readable CSV file: \(error)")
        }
        var errors: [String] = []
        for name in header where !columns.contains(name) { errors.append("line 1, column \(name): unknown column") }
        for name in ["department", "channel"] where !header.contains(name) { errors.append("line 1, column \(name): missing column") }
        var requests: [(line: Int, request: IssueRequest)] = []
        var references: [String: Int] = [:]
        if errors.isEmpty {
            for (index, row) in rows.enumerated() {
                let line = index + 2
                if row.allSatisfy({ $0.trimmingCharacters(in: .whitespaces).isEmpty }) { continue }
                guard row.count == header.count else {
                    errors.append("line \(line): \(row.count) cells, expected \(header.count)")
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
                    if days == nil { errors.append("line \(line), column expiresInDays: not a whole number") }
                }
                let request = IssueRequest(
                    department: cells["department"] ?? "", channel: cells["channel"] ?? "", segment: cells["segment"], service: cells["service"],
                    locale: cells["locale"], count: 1, expiresInDays: days, reference: cells["reference"])
                do {
                    _ = try issuer.validate(request)
                } catch {
                    errors.append("line \(line), column \(error.field): \(error.message)")
                    continue
                }
                if let reference = request.reference {
                    if let first = references[reference] {
                        errors.append("line \(line), column reference: the same reference as line \(first)")
                        continue
                    }
                    references[reference] = line
                }
                requests.append((line, request))
            }
        }
        guard errors.isEmpty else {
            for error in errors { printError("\(path): \(error)") }
            printError("\(errors.count) error\(errors.count == 1 ? "" : "s"); nothing was issued.")
            throw ExitCode.failure
        }
        return requests
    }
}
