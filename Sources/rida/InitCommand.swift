import ArgumentParser
import RidaCore
import RidaStore

struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create or migrate the database and load the seed configuration (safe to run again).")

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var seeds: SeedOptions

    func run() async throws {
        let settings = try await database.settings()
        let (store, _, report) = try await openInitialised(database, seeds, settings: settings, create: true)
        let applied = try store.appliedMigrations()
        say("Database \(try database.path(settings)): schema up to date (\(applied.count) migrations).")
        if report.isEmpty {
            say("Configuration: no changes.")
        } else {
            for line in report.inserted { say("  added \(line)") }
            for line in report.updated { say("  updated \(line)") }
            for line in report.deactivated { say("  deactivated \(line) (no longer in the configuration; its history is kept)") }
        }
    }
}
