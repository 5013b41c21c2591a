import ArgumentParser
import RidaStore

@main
struct Rida: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rida",
        abstract: "Beneficiary satisfaction surveys and honest statistics, for improvement — never for blame.",
        version: Rida.version,
        subcommands: [
            InitCommand.self, ConfigCommand.self, ServeCommand.self, DemoCommand.self, IssueCommand.self, ImportCommand.self, AnalyzeCommand.self,
            ReportCommand.self, ExportCommand.self,
            APIKeyCommand.self, PurgeCommand.self, EraseCommand.self, AuditCommand.self,
            BackupCommand.self,
        ]
    )

    /// The release, and the database schema this build writes (its last migration).
    static var version: String {
        "rida 1.1.0 (database schema \(AppDatabase.migrationNames.last ?? "none"))"
    }
}
