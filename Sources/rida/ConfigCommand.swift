import ArgumentParser
import Foundation
import RidaCore
import RidaSeeds

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Work with the seed configuration.",
        subcommands: [Check.self])

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate the seed configuration; every error names its file, line and key.")

        @OptionGroup var seeds: SeedOptions

        func run() async throws {
            do {
                let configuration = try SeedLoader(directory: seeds.directory).load()
                let services = configuration.departments.reduce(0) { $0 + $1.services.count }
                let questionnaires = configuration.questionnaires.map { "\($0.key) v\($0.version) (\($0.items.count) items)" }
                say(
                    """
                    \(seeds.directory.path): OK
                      \(configuration.languages.count) languages, \(configuration.channels.count) channels, \
                    \(configuration.segments.count) segments, \(configuration.departments.count) departments, \(services) services
                      questionnaires: \(questionnaires.joined(separator: ", "))
                    """)
            } catch {
                for issue in error.issues { printError(issue.description) }
                printError("\(error.issues.count) error\(error.issues.count == 1 ? "" : "s") in \(seeds.directory.path)")
                throw ExitCode.failure
            }
        }
    }
}
