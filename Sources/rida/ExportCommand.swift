import ArgumentParser
import Foundation
import RidaCore
import RidaReports
import RidaStore

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Export data.", subcommands: [Responses.self])

    struct Responses: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "responses",
            abstract: "Stream the anonymised responses as CSV (UTF-8 with BOM), comments masked.",
            discussion: """
                One read transaction: a consistent snapshot while submissions arrive. No response id, no \
                link to an invitation, the day only. Responses of department × channel months with fewer than \
                5 responses, or with a question answered by fewer than 5, are left out (the number of such \
                months is given on standard error).
                """)

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var seeds: SeedOptions
        @Option(help: "First day, YYYY-MM-DD.") var from: String?
        @Option(help: "Last day, YYYY-MM-DD.") var to: String?
        @Option(help: "Write to this file instead of standard output.") var out: String?

        func run() async throws {
            let first = try from.map { text -> CalendarDay in
                guard let day = CalendarDay(text) else { throw ValidationError("--from: a date YYYY-MM-DD") }
                return day
            }
            let last = try to.map { text -> CalendarDay in
                guard let day = CalendarDay(text) else { throw ValidationError("--to: a date YYYY-MM-DD") }
                return day
            }
            let (store, _, _) = try await openInitialised(database, seeds)
            let cells = try await store.responseCells(
                from: first ?? CalendarDay(year: 1970, month: 1, day: 1), to: last ?? CalendarDay(year: 9999, month: 12, day: 31), grain: .departmentChannel)
            let questionnaires = try await store.questionnaireVersions()
            let small = SmallCells(cells: cells, questionnaires: questionnaires, threshold: 5)
            let handle: FileHandle
            if let out {
                _ = FileManager.default.createFile(atPath: out, contents: nil)  // a failure shows when it is opened
                handle = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
            } else {
                handle = FileHandle.standardOutput
            }
            let output = BufferedOutput(handle)
            let exporter = ExportSink(csv: try ResponsesCSV(questionnaires: Array(questionnaires.values), sink: output.write), small: small)
            try await store.exportResponses(from: first, to: last) { response in try exporter.add(response) }
            try output.flush()
            if out != nil { try handle.close() }
            try await store.audit(
                AuditEntry(
                    at: Date(), actor: Actor.commandLine.name, action: "export.responses",
                    subject: "\(first?.description ?? "start")…\(last?.description ?? "end")", detail: "\(exporter.written) responses"))
            // How many responses were left out is not said: with one such month it would be its size.
            if exporter.withheld > 0 {
                printError("\(small.count) department × channel month(s) with fewer than 5 responses to a question were left out.")
            }
        }
    }
}

/// Writes exported responses, leaving out small cells. Called from one read transaction, one
/// response at a time.
final class ExportSink: @unchecked Sendable {
    let csv: ResponsesCSV
    let small: SmallCells
    var withheld = 0
    var written = 0

    init(csv: ResponsesCSV, small: SmallCells) {
        self.csv = csv
        self.small = small
    }

    func add(_ response: ExportedResponse) throws {
        if small.contains(response) {
            withheld += 1
        } else {
            try csv.write(response)
            written += 1
        }
    }
}
