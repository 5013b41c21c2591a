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
            let directory = try seeds.directory(try await Settings.load(path: nil))
            do {
                let configuration = try SeedLoader(directory: directory).load()
                let services = configuration.departments.reduce(0) { $0 + $1.services.count }
                let questionnaires = configuration.questionnaires.map { "\($0.key) v\($0.version) (\($0.items.count) items)" }
                say(
                    """
                    \(directory.path): OK
                      \(configuration.languages.count) languages, \(configuration.channels.count) channels, \
                    \(configuration.segments.count) segments, \(configuration.departments.count) departments, \(services) services
                      questionnaires: \(questionnaires.joined(separator: ", "))
                    Residual risk (unlinkability): a response keeps its day and unit (department, channel, segment, service, language), \
                    and the invitation cells count issued and answered per day of issue and unit. Whoever issues the invitations \
                    (the case system, which knows which reference got which link, when, in which unit) can single out a response \
                    when it is the only one that unit received in the invitation's lifetime: units that receive fewer than 5 \
                    invitations a day can be re-identified by whoever issues them. Measure it with Benchmarks/linkage.py.
                    """)
            } catch {
                for issue in error.issues { printError(issue.description) }
                printError("\(error.issues.count) error\(error.issues.count == 1 ? "" : "s") in \(directory.path)")
                throw ExitCode.failure
            }
        }
    }
}
