import ArgumentParser
import Foundation
import RidaCore

/// The input of `rida issue --from-csv`: one row per completed service (read by `BulkIssueCSV`,
/// which the staff console's upload shares).
enum BulkIssueFile {
    /// Every row as a request, or every error by line and column (and exit code 1).
    static func read(_ path: String, issuer: InvitationIssuer) throws -> [(line: Int, request: IssueRequest)] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw CLIError("cannot read \(path) as UTF-8 text")
        }
        switch BulkIssueCSV.read(text, issuer: issuer) {
        case .success(let rows):
            return rows.map { ($0.line, $0.request) }
        case .failure(.unreadable(let reason)):
            throw CLIError("\(path) is not a readable CSV file: \(reason)")
        case .failure(.invalid(let issues)):
            for issue in issues { printError("\(path): \(issue)") }
            printError("\(issues.count) error\(issues.count == 1 ? "" : "s"); nothing was issued.")
            throw ExitCode.failure
        }
    }
}
