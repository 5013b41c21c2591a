import ArgumentParser
import Foundation
import RidaCore
import RidaQRCode
import RidaReports
import RidaStore

struct IssueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "issue",
        abstract: "Issue one-time survey invitations for completed services; each token is shown once.",
        discussion: """
            Examples:
              rida issue --db rida.sqlite --base-url https://survey.example.org --department beneficiary-services --channel office
              rida issue --db rida.sqlite --from-csv services.csv --format csv --qr-dir qr/
            `rida issue revoke --token TOKEN` revokes an unused invitation.
            """,
        subcommands: [Create.self, Revoke.self])

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case json, csv, text
    }

    @OptionGroup var options: IssueOptions

    func run() async throws { try await options.run() }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Issue invitations (the same as `rida issue`).")

        @OptionGroup var options: IssueOptions

        func run() async throws { try await options.run() }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an unused invitation by its token.")

        @OptionGroup var database: DatabaseOptions
        @Option(help: "The invitation's token (as in its link).") var token: String

        func run() async throws {
            guard let parsed = InvitationToken(parsing: token) else { throw CLIError("that is not an invitation token") }
            let store = try await database.open()
            switch try await store.revoke(tokenHash: parsed.hash, at: Date()) {
            case .revoked: say("Revoked.")
            case .alreadyRevoked: say("Already revoked.")
            case .expired: say("Already expired: it can no longer be used.")
            case .alreadyUsed: throw CLIError("this invitation has already been answered; its response stays (it cannot be linked to the invitation)")
            case .notFound: throw CLIError("no invitation has this token")
            }
        }
    }
}

struct APIKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apikey", abstract: "Manage API keys (stored hashed; a key is shown once).", subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a key and print it once.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "A name for the key (who or what uses it).") var name: String
        @Option(help: "Role: issuer, analyst, board or admin.") var role: Role
        @Option(
            name: .customLong("department"),
            help: ArgumentHelp(
                "Limit the key to issuing for this department (repeatable; default: every department). Issuer and admin keys only.",
                valueName: "id"))
        var departments: [String] = []

        func validate() throws {
            if !departments.isEmpty, ![.issuer, .admin].contains(role) {
                throw ValidationError("--department limits what a key may issue: only for --role issuer or admin")
            }
        }

        func run() async throws {
            let store = try await database.open()
            var generator = SystemRandomNumberGenerator()
            let key = APIKeyToken.generate(using: &generator)
            do {
                try await store.createKey(name: name, role: role, departments: departments, keyHash: key.hash, at: Date())
            } catch StoreError.unknownReference(_, let code) {
                throw CLIError("cannot create the key: there is no department \"\(code)\" (see seeds/departments.yaml)")
            } catch {
                throw CLIError("cannot create the key: a key named \"\(name)\" may already exist")
            }
            say(key.value)
            printError("Keep this key now: it is not stored and cannot be shown again.")
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (names, roles, dates; never the keys).")
        @OptionGroup var database: DatabaseOptions

        func run() async throws {
            let formatter = ISO8601DateFormatter()
            for key in try await database.open().listKeys() {
                let used = key.lastUsedAt.map { formatter.string(from: $0) } ?? "never"
                let state = key.revokedAt.map { "revoked \(formatter.string(from: $0))" } ?? "active"
                let scope = key.departments.isEmpty ? "" : "\tdepartments \(key.departments.joined(separator: ","))"
                say("\(key.name)\t\(key.role.rawValue)\(scope)\tcreated \(formatter.string(from: key.createdAt))\tlast used \(used)\t\(state)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by name.")
        @OptionGroup var database: DatabaseOptions
        @Option(help: "The key's name.") var name: String

        func run() async throws {
            guard try await database.open().revokeKey(name: name, at: Date()) else { throw CLIError("no active key is named \"\(name)\"") }
            say("Revoked.")
        }
    }
}

extension Role: ExpressibleByArgument {}

/// What `rida issue` (and `rida issue create`) take.
struct IssueOptions: ParsableArguments {
    @OptionGroup var database: DatabaseOptions
    @OptionGroup var seeds: SeedOptions

    @Option(help: "Department id (seeds/departments.yaml).") var department: String?
    @Option(help: "Channel id: office, phone, social, letter, web.") var channel: String?
    @Option(
        name: .customLong("from-csv"),
        help: ArgumentHelp(
            "Issue one invitation per row of this CSV (columns department, channel, and optionally segment, service, locale, reference, expiresInDays); nothing is issued from a file with errors.",
            valueName: "file.csv"))
    var fromCSV: String?
    @Option(help: "Segment id.") var segment: String?
    @Option(help: "Service id within the department.") var service: String?
    @Option(help: "The beneficiary's language (default: the configuration's default).") var locale: String?
    @Option(help: "How many invitations.") var count: Int = 1
    @Option(name: .customLong("expires-in-days"), help: "Days each link stays valid.") var expiresInDays: Int = InvitationIssuer.defaultLifetimeDays
    @Option(help: "Output format: json, csv or text.") var format: IssueCommand.Format = .json
    @Option(
        name: .customLong("qr-dir"),
        help: ArgumentHelp("Also write a QR code of each link to this directory, as TOKEN.svg and TOKEN.png.", valueName: "dir"))
    var qrDir: String?
    @Option(
        name: .customLong("base-url"),
        help: ArgumentHelp(
            "Public address links are built from, e.g. https://survey.example.org (setting base-url, $RIDA_BASE_URL; required).",
            valueName: "url"))
    var baseURL: String?

    /// Checked when issuing, not when parsing: `rida issue revoke` parses these too.
    func check() throws {
        if fromCSV == nil, department == nil || channel == nil {
            throw ValidationError("give --department and --channel, or --from-csv FILE")
        }
        if fromCSV != nil, department != nil || channel != nil {
            throw ValidationError("--from-csv takes the department and channel from the file")
        }
    }

    func run() async throws {
        try check()
        let settings = try await database.settings()
        let baseURL = try PublicAddress.resolve(baseURL, settings)
        // Checked before anything is issued: a link without its code would be half the work.
        if qrDir != nil {
            do { try QRCode.checkAvailable() } catch { throw CLIError("\(error)") }
        }
        let (store, configuration, _) = try await openInitialised(database, seeds, settings: settings)
        var issuer = InvitationIssuer(configuration: configuration, store: store, baseURL: baseURL)
        issuer.timeZone = store.settings.timeZone
        // The input line of each request, for bulk files.
        var lines: [Int]?
        let requests: [IssueRequest]
        if let fromCSV {
            let rows = try BulkIssueFile.read(fromCSV, issuer: issuer)
            lines = rows.map(\.line)
            requests = rows.map(\.request)
        } else {
            requests = [
                IssueRequest(
                    department: department!, channel: channel!, segment: segment, service: service, locale: locale, count: count,
                    expiresInDays: expiresInDays)
            ]
        }
        let issued: [IssuedInvitation]
        let total = requests.reduce(0) { $0 + ($1.count ?? 1) }
        let bar = total >= 1000 ? ProgressBar(total: total, label: "Issuing invitations") : nil
        do {
            var report: (@Sendable (Int) -> Void)?
            if let bar { report = { done in bar.update(done) } }
            issued = try await issuer.issue(requests, progress: report)
            bar?.finish()
        } catch let error as IssueRequestError {
            throw CLIError("cannot issue: \(error)")
        } catch IssueError.duplicateReferences(let positions) {
            for position in positions {
                printError("\(fromCSV ?? "request"): line \(lines?[position] ?? 0), column reference: already issued")
            }
            throw CLIError("\(positions.count) reference(s) already issued; nothing was issued")
        }
        if let qrDir {
            try IssueOptions.writeQRCodes(issued, to: URL(fileURLWithPath: qrDir))
        }
        let formatter = ISO8601DateFormatter()
        switch format {
        case .json:
            say(String(decoding: try IssuedInvitation.json(issued, pretty: true), as: UTF8.self))
        case .csv:
            var output = ""
            let writer = try CSVWriter { output += $0 }
            // Bulk output names each row's input line, so the case system can match links to services.
            try writer.header((lines == nil ? [] : ["line"]) + ["token", "url", "expiresAt"])
            for (index, invitation) in issued.enumerated() {
                let line: [CSVWriter.Cell] = lines.map { [.integer($0[index])] } ?? []
                try writer.row(line + [.text(invitation.token.value), .text(invitation.url.absoluteString), .text(formatter.string(from: invitation.expiresAt))])
            }
            FileHandle.standardOutput.write(Data(output.utf8))
        case .text:
            for invitation in issued { say("\(invitation.url.absoluteString)  (until \(formatter.string(from: invitation.expiresAt)))") }
        }
    }

    static func writeQRCodes(_ issued: [IssuedInvitation], to directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let bar = issued.count >= 100 ? ProgressBar(total: issued.count, label: "Writing QR codes") : nil
        defer { bar?.finish() }
        for (done, invitation) in issued.enumerated() {
            bar?.update(done)
            let code = try QRCode(invitation.url.absoluteString)
            let base = directory.appendingPathComponent(invitation.token.value)
            try Data(code.svg().utf8).write(to: base.appendingPathExtension("svg"))
            try code.png().write(to: base.appendingPathExtension("png"))
        }
    }
}
