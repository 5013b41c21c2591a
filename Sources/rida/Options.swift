import ArgumentParser
import Foundation
import RidaCore
import RidaSeeds
import RidaStore

/// `--db` and the durability level, shared by every command that opens the database.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Path of the SQLite database file (created if missing).", valueName: "path"))
    var db: String = ProcessInfo.processInfo.environment["RIDA_DB"] ?? "rida.sqlite"

    @Option(
        name: .long,
        help: ArgumentHelp(
            "SQLite synchronous level: full (an acknowledged response survives power loss) or normal (survives a crash).",
            valueName: "level"))
    var synchronous: DatabaseSettings.Synchronous = .full

    @Option(
        name: .customLong("secret-file"),
        help: ArgumentHelp(
            "Key file of the server secret, created (mode 0600) if missing (default: $RIDA_SECRET_FILE, else the database path + .key). Keep it out of the database's backups, and back it up apart.",
            valueName: "path"))
    var secretFile: String?

    /// The key file in use.
    var secretPath: String {
        secretFile ?? ProcessInfo.processInfo.environment["RIDA_SECRET_FILE"] ?? SecretFile.defaultPath(forDatabase: db)
    }

    func open(writerCacheMegabytes: Int = 64, casePolicy: CasePolicy = CasePolicy()) throws -> AppDatabase {
        do {
            let store = try AppDatabase(
                path: db,
                settings: DatabaseSettings(
                    synchronous: synchronous, writerCacheMegabytes: writerCacheMegabytes, casePolicy: casePolicy, secretFile: secretPath))
            if store.createdSecret {
                printError("Created the server secret \(secretPath) (mode 0600): back it up apart from the database; see README, Storage.")
            }
            return store
        } catch let error as StoreError {
            throw CLIError("cannot open \(db): \(error)")
        }
    }
}

extension DatabaseSettings.Synchronous: ExpressibleByArgument {}

/// `--retention-days`, shared by `serve` (which purges daily) and `purge`.
struct RetentionOptions: ParsableArguments {
    @Option(
        name: .customLong("retention-days"),
        help: ArgumentHelp("Days free text and contact details are kept before they are deleted for real.", valueName: "days"))
    var days: Int = 365

    func validate() throws {
        guard (1...36_500).contains(days) else { throw ValidationError("--retention-days must be between 1 and 36500") }
    }
}

/// `--seeds`, shared by commands that read the configuration.
struct SeedOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp("Directory of the seed configuration (default: $RIDA_SEEDS, else ./seeds).", valueName: "dir"))
    var seeds: String?

    var directory: URL {
        seeds.map { URL(fileURLWithPath: $0) } ?? SeedLoader.defaultDirectory()
    }

    func load() throws -> SeedConfiguration {
        do {
            return try SeedLoader(directory: directory).load()
        } catch {
            throw CLIError("the configuration in \(directory.path) has errors:\n\(error)\nRun `rida config check` for details.")
        }
    }
}

/// A message for the person at the terminal, printed without a stack trace; exit code 1.
struct CLIError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Opens the database, migrates it, and loads the seed configuration into it.
func openInitialised(
    _ database: DatabaseOptions, _ seeds: SeedOptions, writerCacheMegabytes: Int = 64, casePolicy: CasePolicy = CasePolicy()
) async throws -> (AppDatabase, SeedConfiguration, SynchronizationReport) {
    let configuration = try seeds.load()
    let store = try database.open(writerCacheMegabytes: writerCacheMegabytes, casePolicy: casePolicy)
    do {
        let report = try await store.synchronize(with: configuration)
        return (store, configuration, report)
    } catch let error as StoreError {
        throw CLIError("cannot load the configuration of \(seeds.directory.path) into \(database.db): \(error)")
    }
}

/// Writes a line to standard output at once (no buffering: scripts and tests read it live).
func say(_ message: String) {
    FileHandle.standardOutput.write(Data((message + "\n").utf8))
}

/// Writes to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}
