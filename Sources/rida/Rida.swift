import ArgumentParser

@main
struct Rida: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rida",
        abstract: "Beneficiary satisfaction surveys and honest statistics, for improvement — never for blame.",
        subcommands: [
            InitCommand.self, ConfigCommand.self, ServeCommand.self, DemoCommand.self, IssueCommand.self, ImportCommand.self, AnalyzeCommand.self,
            ReportCommand.self, ExportCommand.self,
            APIKeyCommand.self, PurgeCommand.self, EraseCommand.self, AuditCommand.self,
            BackupCommand.self,
        ]
    )
}
