import ArgumentParser
import CSV
import Foundation
import RidaCore
import RidaStore

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import responses collected on paper, by phone or at a kiosk (CSV): all rows or none.",
        discussion: """
            Columns: date (YYYY-MM-DD), department, channel, then optionally segment, service, locale, and \
            the questionnaire's item ids (a rating, or na for "not applicable"; free text for suggestion). \
            A missing column or a blank cell means "not answered". Every error is listed by line and column, \
            and nothing is imported from a file with errors.
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var seeds: SeedOptions

    @Argument(help: ArgumentHelp("The CSV file (UTF-8, with or without a byte-order mark).", valueName: "file.csv"))
    var file: String

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("cannot read \(file)") }
        guard var text = String(data: data, encoding: .utf8) else { throw CLIError("\(file) is not UTF-8 text") }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        var header: [String] = []
        var rows: [[String]] = []
        do {
            let reader = try CSVReader(string: text, hasHeaderRow: true)
            header = reader.headerRow ?? []
            while let row = reader.next() { rows.append(row) }
            if let error = reader.error { throw error }
        } catch {
            throw CLIError("\(file) is not a readable CSV file: \(error)")
        }
        let (store, configuration, _) = try await openInitialised(database, seeds)
        guard let importer = ResponseImporter(configuration: configuration, timeZone: store.settings.timeZone) else {
            throw CLIError("no questionnaire is configured")
        }
        switch importer.read(header: header, rows: rows) {
        case .failure(let errors):
            let issues = errors.issues
            for issue in issues { printError("\(file): \(issue)") }
            printError("\(issues.count) error\(issues.count == 1 ? "" : "s"); nothing was imported.")
            throw ExitCode.failure
        case .success(let responses):
            try await store.insert(invitations: [], responses: responses)
            say("Imported \(responses.count) response\(responses.count == 1 ? "" : "s") from \(file).")
        }
    }
}
