import ArgumentParser
import Foundation
import RidaAnalytics
import RidaCore
import RidaDemo
import RidaStore

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Write realistic synthetic data into an empty database (the same seed gives the same data).",
        discussion: """
            The data has Hajj and Ramadan peaks in volume, real differences between departments and channels, \
            planted trends and outlier units (listed at the end), multilingual comments, and unanswered \
            invitations so that response rates are real.
            """)

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var seeds: SeedOptions

    @Option(help: "Number of responses to write.")
    var responses: Int = 100_000

    @Option(help: "Number of months the data covers, ending with --end-month: two years, so that trends, control charts and Hijri-year comparisons have something to show.")
    var months: Int = 24

    @Option(help: "Seed of the random generator.")
    var seed: UInt64 = 1

    @Option(name: .customLong("end-month"), help: ArgumentHelp("Last month of data, YYYY-MM (default: the last month that is over).", valueName: "YYYY-MM"))
    var endMonth: String?

    @Option(
        name: .customLong("case-log"),
        help: ArgumentHelp(
            "Also write what the issuing case system would know, as CSV (reference, token, issuedAt, expiresAt, department, channel, segment, service): for linkage tests only.",
            valueName: "file"))
    var caseLog: String?

    func validate() throws {
        guard responses >= 0 else { throw ValidationError("--responses cannot be negative") }
        guard (1...240).contains(months) else { throw ValidationError("--months must be between 1 and 240") }
        if let endMonth, MonthOption(endMonth) == nil { throw ValidationError("--end-month must look like 2026-11") }
    }

    func run() async throws {
        // A bulk load: a larger writer cache keeps the growing tables' pages in memory.
        let settings = try await database.settings()
        let (store, configuration, _) = try await openInitialised(database, seeds, settings: settings, create: true, writerCacheMegabytes: 256)
        let end = endMonth.flatMap(MonthOption.init) ?? MonthOption.lastClosed(in: store.settings.timeZone)
        let existing = try await store.counts()
        guard existing.responses == 0, existing.invitations == 0 else {
            throw CLIError(
                "\(try database.path(settings)) already holds \(existing.responses) responses and \(existing.invitations) invitations; "
                    + "synthetic data only goes into an empty database")
        }
        let options = DemoOptions(
            responses: responses, months: months, seed: seed, endYear: end.year, endMonth: end.month, timeZone: store.settings.timeZone,
            lastDay: CalendarDay(Date(), in: store.settings.timeZone))
        let started = Date()
        let generator = try DemoGenerator(configuration: configuration, options: options)
        let log = try caseLog.map(CaseLogWriter.init(path:))
        try await writeDemo(generator, into: store, caseLog: log)
        try log?.close()
        let seconds = Date().timeIntervalSince(started)
        try await printSummary(store, generator: generator, seconds: seconds)
    }
}

/// `YYYY-MM`.
struct MonthOption {
    var year: Int
    var month: Int

    init?(_ text: String) {
        guard let day = CalendarDay(text + "-01") else { return nil }
        year = day.year
        month = day.month
    }

    init(year: Int, month: Int) {
        self.year = year
        self.month = month
    }

    static func current(in timeZone: TimeZone) -> MonthOption {
        let today = CalendarDay(Date(), in: timeZone)
        return MonthOption(year: today.year, month: today.month)
    }

    /// The last month that is over: the demo ends there, so that its reports are of closed months.
    static func lastClosed(in timeZone: TimeZone) -> MonthOption {
        let current = current(in: timeZone)
        return current.month == 1 ? MonthOption(year: current.year - 1, month: 12) : MonthOption(year: current.year, month: current.month - 1)
    }
}

/// Generates and writes month by month, with a progress bar; the next month is generated while
/// the previous one is written.
func writeDemo(_ generator: DemoGenerator, into store: AppDatabase, caseLog: CaseLogWriter? = nil) async throws {
    let progress = ProgressBar(total: generator.options.responses, label: "Writing demo data")
    var written = 0
    var pending: Task<Void, any Error>?
    try await generator.generate { chunk in
        try caseLog?.write(chunk)
        try await pending?.value
        pending = Task {
            try await store.insert(invitations: chunk.invitations, responses: chunk.responses)
        }
        written += chunk.responses.count
        progress.update(written)
    }
    try await pending?.value
    progress.finish()
    // Two improvement actions, so the reports show a measured effect and one not yet measurable:
    // the improving department's change half-way through, and a recent one.
    let first = generator.period.lowerBound.daysSinceEpoch, last = generator.period.upperBound.daysSinceEpoch
    let actions = [
        NewImprovementAction(
            department: "registration", channel: nil, item: "time", description: "مواعيد مسبقة ونافذة إضافية في أوقات الذروة",
            ownerRole: "registration-head", startDay: CalendarDay(daysSinceEpoch: first + (last - first) / 2)),
        NewImprovementAction(
            department: "beneficiary-services", channel: "phone", item: "clarity", description: "نص موحد للرد على الاستفسارات الهاتفية",
            ownerRole: "call-centre-supervisor", startDay: CalendarDay(daysSinceEpoch: last - 3)),
    ]
    for action in actions { _ = try await store.addAction(action, by: Actor("demo"), at: Date()) }
    // A handful of follow-up cases, relative to now (one overdue), so the queue has work in it.
    try await store.addFollowUpRequests(DemoCases.requests(now: Date()))
}

func printSummary(_ store: AppDatabase, generator: DemoGenerator, seconds: Double) async throws {
    let counts = try await store.counts()
    let summary = VolumeSummary(try await store.monthlyVolumes())
    say(
        String(
            format: "Wrote %d responses (%d answers, %d comments) and %d invitations (%d answered) in %.1f s.",
            counts.responses, counts.answers, counts.texts, counts.invitations, counts.usedInvitations, seconds))
    say("Period: \(generator.period.lowerBound) to \(generator.period.upperBound) (seed \(generator.options.seed))")
    say("month     responses  issued    response rate")
    for month in summary.months {
        let rate = month.responseRate.map { String(format: "%5.1f%%", $0 * 100) } ?? "    –"
        say(
            month.month.padding(toLength: 10, withPad: " ", startingAt: 0)
                + String(month.responses).leftPadded(9) + "  " + String(month.issued).leftPadded(8) + "  " + rate)
    }
    say("Planted for the analysis to find:")
    for effect in generator.plantedEffects { say("  - \(effect)") }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        String(repeating: " ", count: max(0, width - count)) + self
    }
}

/// The issuing case system's own log of the demo's invitations: which reference got which token,
/// when, in which unit. Rida never keeps this; `Benchmarks/linkage.py` plays an attacker who has it.
final class CaseLogWriter {
    private let handle: FileHandle

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data("reference,token,issuedAt,expiresAt,department,channel,segment,service\n".utf8))
        else { throw CLIError("cannot write \(path)") }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
    }

    func write(_ chunk: DemoChunk) throws {
        var text = ""
        for (position, invitation) in chunk.invitations.enumerated() {
            let fields = [
                chunk.references[position], chunk.tokens[position].value, String(Int64(invitation.issuedAt.timeIntervalSince1970)),
                String(Int64(invitation.expiresAt.timeIntervalSince1970)), invitation.unit.department, invitation.unit.channel,
                invitation.unit.segment ?? "", invitation.unit.service ?? "",
            ]
            text += fields.joined(separator: ",") + "\n"
        }
        try handle.write(contentsOf: Data(text.utf8))
    }

    func close() throws { try handle.close() }
}
