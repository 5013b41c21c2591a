import ArgumentParser
import Foundation
import RidaCore
import RidaReports
import RidaStore

/// `rida purge`: the retention policy, now.
struct PurgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge",
        abstract:
            "Delete free text and contact details older than the retention period, for real, and the comments of report months that old (the server also does this daily)."
    )

    @OptionGroup var database: DatabaseOptions
    @OptionGroup var retention: RetentionOptions

    @Option(help: ArgumentHelp("Directory of the written reports whose old comments are removed (default ./Reports).", valueName: "dir"))
    var reports: String = "Reports"

    func run() async throws {
        let store = try await database.open()
        let purge = RetentionPurge(
            store: store, retentionDays: retention.days, reportsDirectory: URL(fileURLWithPath: reports), timeZone: store.settings.timeZone)
        let result: RetentionPurge.Summary
        do {
            result = try await purge.run(at: Date(), by: .commandLine)
        } catch let error as ReportRetention.RetentionError {
            throw CLIError("\(error)")
        }
        let summary = result.database
        say("Deleted, older than \(retention.days) days: \(summary.texts) free-text answers, \(summary.contacts) contact requests, \(summary.events) delivered webhook events; \(summary.expiredInvitations) expired invitations reduced to their spent token hash.")
        say("Deleted content was overwritten and the write-ahead log truncated. Backups taken before now still hold it until they expire.")
        if !result.reports.abandoned.isEmpty {
            say("Removed reports abandoned while being written: \(result.reports.abandoned.joined(separator: ", ")).")
        }
        if result.reports.months.isEmpty {
            say("No report month in \(reports) has comments from before \(result.cutoff) left.")
        } else {
            say("Removed the comments of report months with comments from before \(result.cutoff): \(result.reports.months.joined(separator: ", ")).")
        }
    }
}

/// `rida erase --token T`: a beneficiary's request to remove what their invitation led to.
struct EraseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "erase",
        abstract: "Remove what a beneficiary's invitation led to, where it can still be found, and say what was removed.")

    @OptionGroup var database: DatabaseOptions

    @Option(help: ArgumentHelp("The invitation's token, or its whole link.", valueName: "token"))
    var token: String

    func run() async throws {
        let raw = token.split(separator: "/").last.map { String($0.split(separator: "?")[0]) } ?? token
        guard let parsed = InvitationToken(parsing: raw) else { throw CLIError("\"\(token)\" is not an invitation token or link") }
        let store = try await database.open()
        let summary = try await store.erase(token: parsed, at: Date(), by: .commandLine)
        guard summary.invitationFound else { throw CLIError("no invitation has this token (it may have been issued elsewhere)") }
        say(summary.contactsRemoved > 0 ? "Removed the contact request (phone, e-mail, scores and follow-up case): \(summary.contactsRemoved)." : "No contact request was found.")
        if summary.referenceRemoved {
            say("Removed the external reference's keyed hash (HMAC with the server secret): the reference is no longer known, and could be issued again.")
        }
        if summary.invitationRevoked { say("The invitation had not been answered; it is now revoked and cannot be used.") }
        if summary.responseSubmitted {
            say(
                "A response was submitted through this invitation. When it was answered the invitation's row was deleted (and overwritten): "
                    + "it keeps only its token's keyed hash marked \"used\", with no unit, no time and no order, and the response keeps no link "
                    + "to it. The response cannot be found — not by this command, nor by whoever holds the database files without the server "
                    + "secret — and stays only as an anonymous statistic (its day and unit, its answers, and a count in the per-day cells).")
        }
        say("Kept: the token's keyed hash and its state, so the link still shows the right page; the audit entry of this erasure (no token, no reference).")
    }
}

/// `rida audit`: the latest entries of the append-only audit log.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Show the latest entries of the audit log.")

    @OptionGroup var database: DatabaseOptions

    @Option(help: "How many entries, newest first.")
    var limit: Int = 50

    func run() async throws {
        let store = try await database.open()
        for entry in try await store.auditLog(limit: max(1, min(limit, 100_000))) {
            let parts = [entry.at.formatted(.iso8601), entry.actor, entry.action, entry.subject, entry.detail].compactMap { $0 }
            say(parts.joined(separator: "\t"))
        }
    }
}
