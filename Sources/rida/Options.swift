import ArgumentParser
import Foundation
import RidaCore
import RidaSeeds
import RidaStore

/// `--settings`, `--db` and the durability level, shared by every command that opens the database.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .customLong("settings"),
        help: ArgumentHelp(
            "YAML settings file; flags, then RIDA_* environment variables, then this file (default: $RIDA_SETTINGS; see docs/settings.md).",
            valueName: "file"))
    var settingsFile: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Path of the SQLite database file; only init, demo and serve --demo create it (setting db, $RIDA_DB; default rida.sqlite).",
            valueName: "path"))
    var db: String?

    @Option(
        name: .long,
        help: ArgumentHelp(
            "SQLite synchronous level: full (an acknowledged response survives power loss) or normal (survives a crash) (setting synchronous; default full).",
            valueName: "level"))
    var synchronous: DatabaseSettings.Synchronous?

    @Option(
        name: .customLong("secret-file"),
        help: ArgumentHelp(
            "Key file of the server secret, created (mode 0600) with a new database (setting secret-file, $RIDA_SECRET_FILE; default the database path + .key). Keep it out of the database's backups, and back it up apart.",
            valueName: "path"))
    var secretFile: String?

    /// The settings of this command: the file, the environment.
    func settings() async throws -> Settings {
        try await Settings.load(path: settingsFile)
    }

    /// The database path in use.
    func path(_ settings: Settings) throws -> String {
        try settings.resolve(db, "db", default: "rida.sqlite")
    }

    /// Opens the database. Only the commands that make one (`init`, `demo`, `serve --demo`) pass
    /// `create`; any other refuses a path where there is no database, so that a mistyped path
    /// never becomes a new, empty database.
    func open(
        _ settings: Settings, create: Bool = false, writerCacheMegabytes: Int = 64, casePolicy: CasePolicy = CasePolicy()
    ) throws -> AppDatabase {
        let db = try path(settings)
        try Self.checkPath(db, create: create)
        let secretPath = try settings.resolve(secretFile, "secret-file", default: SecretFile.defaultPath(forDatabase: db))
        let synchronous = try settings.resolve(synchronous, "synchronous", default: .full)
        do {
            let store = try AppDatabase(
                path: db,
                settings: DatabaseSettings(
                    synchronous: synchronous, writerCacheMegabytes: writerCacheMegabytes, casePolicy: casePolicy, secretFile: secretPath))
            if store.createdSecret {
                printError("Created the server secret \(secretPath) (mode 0600): back it up apart from the database; see docs/storage.md.")
            }
            return store
        } catch {
            throw CLIError("cannot open the database \(db): \(error)")
        }
    }

    func open(create: Bool = false, writerCacheMegabytes: Int = 64, casePolicy: CasePolicy = CasePolicy()) async throws -> AppDatabase {
        try open(try await settings(), create: create, writerCacheMegabytes: writerCacheMegabytes, casePolicy: casePolicy)
    }

    /// Refuses a path whose directory is missing, and — unless `create` — a path with no database.
    static func checkPath(_ db: String, create: Bool) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: db, isDirectory: &isDirectory) {
            guard !isDirectory.boolValue else { throw CLIError("\(db) is a directory, not a database file") }
            return
        }
        let directory = URL(fileURLWithPath: db).deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CLIError("cannot use the database \(db): its directory \(directory) does not exist")
        }
        guard create else {
            throw CLIError("there is no database at \(db): check --db (or the db setting), or create one with `rida init --db \(db)`")
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
        help: ArgumentHelp("Directory of the seed configuration (setting seeds, $RIDA_SEEDS; default ./seeds).", valueName: "dir"))
    var seeds: String?

    func directory(_ settings: Settings) throws -> URL {
        URL(fileURLWithPath: try settings.resolve(seeds, "seeds", default: SeedLoader.defaultDirectoryName))
    }

    func load(_ settings: Settings) throws -> SeedConfiguration {
        let directory = try directory(settings)
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
    _ database: DatabaseOptions, _ seeds: SeedOptions, settings: Settings? = nil, create: Bool = false, writerCacheMegabytes: Int = 64,
    casePolicy: CasePolicy = CasePolicy()
) async throws -> (AppDatabase, SeedConfiguration, SynchronizationReport) {
    let settings = if let settings { settings } else { try await database.settings() }
    // The database path first: a mistyped one is the likelier mistake, and it must create nothing.
    try DatabaseOptions.checkPath(try database.path(settings), create: create)
    let configuration = try seeds.load(settings)
    let store = try database.open(settings, create: create, writerCacheMegabytes: writerCacheMegabytes, casePolicy: casePolicy)
    do {
        let report = try await store.synchronize(with: configuration)
        return (store, configuration, report)
    } catch let error as StoreError {
        throw CLIError("cannot load the configuration of \(try seeds.directory(settings).path) into \(try database.path(settings)): \(error)")
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

/// The public address survey links are built from.
enum PublicAddress {
    /// The flag's address, else the setting's. Without either, `fallback` (only `serve --demo`
    /// has one) or a refusal that says how to set it: a link to this machine would look like it
    /// works and be dead for the beneficiary. An explicit address on this machine is allowed
    /// (local testing), with a warning.
    static func resolve(_ flag: String?, _ settings: Settings, fallback: URL? = nil) throws -> URL {
        guard let text = try settings.resolve(flag, "base-url") as String? else {
            if let fallback { return fallback }
            throw CLIError(
                """
                links need the public address beneficiaries will open: give --base-url https://survey.example.org \
                (or set RIDA_BASE_URL, or base-url in the settings file). For a test on this machine only: --base-url http://127.0.0.1:8080
                """)
        }
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), let host = url.host, !host.isEmpty
        else {
            throw CLIError("--base-url must be an absolute http or https address, e.g. https://survey.example.org (given: \(text))")
        }
        if isThisMachine(host) {
            printError("Warning: links point at this machine (\(text)); only a browser on it can open them.")
        }
        return url
    }

    static func isThisMachine(_ host: String) -> Bool {
        let host = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return host == "localhost" || host.hasSuffix(".localhost") || host.hasPrefix("127.") || host == "::1" || host == "0.0.0.0" || host == "::"
    }
}
