import ArgumentParser
import Foundation
import RidaStore
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Set by SIGINT or SIGTERM while a backup runs, so it stops between steps and cleans up.
private let backupInterrupted = Atomic<Bool>(false)

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the database to a file, consistently, while the service keeps running.",
        discussion: """
            Uses SQLite's online backup API: the copy is one consistent snapshot, taken in steps \
            without stopping submissions. It is written beside FILE, checked with integrity_check, \
            and only then moved into place; it is a single self-contained file (no -wal needed). \
            To restore, stop the service, copy the backup to the database path, remove any \
            -wal and -shm files beside it, and start the service again.
            """)

    @Option(name: .long, help: ArgumentHelp("Path of the database to back up ($RIDA_DB if set).", valueName: "path"))
    var db: String = ProcessInfo.processInfo.environment["RIDA_DB"] ?? "rida.sqlite"

    @Option(name: .customLong("to"), help: ArgumentHelp("The backup file to write.", valueName: "file"))
    var destination: String

    @Flag(help: "Replace FILE if it already exists.")
    var force = false

    @Option(name: .customLong("pages-per-step"), help: "Database pages copied per step of the online backup.")
    var pagesPerStep: Int = 256

    func validate() throws {
        guard !destination.isEmpty else { throw ValidationError("--to needs a file name") }
        guard pagesPerStep > 0 else { throw ValidationError("--pages-per-step must be positive") }
    }

    func run() throws {
        let handler: @convention(c) (Int32) -> Void = { _ in backupInterrupted.store(true, ordering: .relaxed) }
        let previousInterrupt = signal(SIGINT, handler)
        let previousTerminate = signal(SIGTERM, handler)
        defer {
            signal(SIGINT, previousInterrupt)
            signal(SIGTERM, previousTerminate)
        }
        try DatabaseOptions.checkPath(db, create: false)
        var bar: ProgressBar?
        let summary: BackupSummary
        do {
            summary = try AppDatabase.backup(databaseAt: db, to: destination, replacing: force, pagesPerStep: pagesPerStep) { progress in
                if backupInterrupted.load(ordering: .relaxed) { throw BackupError.interrupted }
                if bar == nil, progress.totalPages >= 25_000 { bar = ProgressBar(total: progress.totalPages, label: "Copying pages") }
                bar?.update(progress.copiedPages)
            }
            bar?.finish()
        } catch let error as BackupError {
            bar?.finish()
            throw CLIError("backup of \(db) not written: \(error)")
        }
        let megabytes = Double(summary.bytes) / 1_048_576
        say(
            "Backed up \(db) to \(destination): \(summary.pages) pages of \(summary.pageSize) bytes, \(summary.bytes) bytes"
                + String(format: " (%.1f MB), in %d step(s) and %.2f s.", megabytes, summary.steps, summary.seconds))
        say("integrity_check: \(summary.integrity)")
    }
}
