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
        let (store, _, report) = try await openInitialised(database, seeds)
        let applied = try store.appliedMigrations()
        print("Database \(database.db): schema up to date (\(applied.count) migrations).")
        if report.isEmpty {
            print("Configuration: no changes.")
        } else {
            for line in report.inserted { print("  added \(line)") }
            for line in report.updated { print("  updated \(line)") }
            for line in report.deactivated { print("  deactivated \(line) (no longer in the configuration; its history is kept)") }
        }
    }
}
