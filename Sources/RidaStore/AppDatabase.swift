import Foundation
import GRDB
import RidaCore
import Synchronization

/// Connection settings checked at every start-up.
public struct DatabaseSettings: Sendable, Hashable {
    /// SQLite's `synchronous` level. FULL: an acknowledged response survives power loss.
    /// NORMAL: it survives a crash of the process, and writes are faster.
    public enum Synchronous: String, Sendable, Hashable, CaseIterable {
        case full, normal

        /// The value `PRAGMA synchronous` reports.
        var pragmaValue: Int {
            switch self {
            case .full: 2
            case .normal: 1
            }
        }
    }

    public var synchronous: Synchronous
    /// How long a writer waits for a lock before giving up.
    public var busyTimeout: TimeInterval
    /// The organisation's time zone: days and months are counted in it.
    public var timeZone: TimeZone
    /// Page cache of the writer connection; bulk loads go faster with a larger one.
    public var writerCacheMegabytes: Int
    /// Which contact requests become follow-up cases, and when they are due.
    public var casePolicy: CasePolicy
    /// The key file of the server secret; nil: `<database>.key` (see `SecretFile`).
    public var secretFile: String?

    public static let organisationTimeZone = TimeZone(identifier: "Asia/Riyadh")!

    public init(
        synchronous: Synchronous = .full, busyTimeout: TimeInterval = 5, timeZone: TimeZone = organisationTimeZone,
        writerCacheMegabytes: Int = 64, casePolicy: CasePolicy = CasePolicy(), secretFile: String? = nil
    ) {
        self.casePolicy = casePolicy
        self.secretFile = secretFile
        self.synchronous = synchronous
        self.busyTimeout = busyTimeout
        self.timeZone = timeZone
        self.writerCacheMegabytes = writerCacheMegabytes
    }
}

/// The embedded store: one SQLite file in WAL mode, accessed through a `DatabasePool`.
public final class AppDatabase: Sendable {
    public let writer: any DatabaseWriter
    public let settings: DatabaseSettings
    static let readerCount = 8
    let readGate = ReadGate(permits: AppDatabase.readerCount)
    /// Questionnaire versions by id, as read from the database.
    let questionnaireCache = Mutex<[Int64: Questionnaire]>([:])
    /// Their cell layouts.
    let layoutCache = Mutex<[Int64: CellLayout]>([:])
    /// Web submissions, committed together when they arrive together.
    let submissions: GroupCommit<SubmissionOutcome, CellAccumulator>
    /// The writer's busy handler, when it is this store's own (databases opened from a path).
    let busyWaits: BusyWaits?
    /// Keys every stored digest of a token, reference or erasure key (never stored in the database).
    let secret: ServerSecret
    /// Whether opening the database created the key file.
    public let createdSecret: Bool
    /// Connections for the survey link's one-row read on the request's own thread (databases
    /// opened from a path); the pool when none is free.
    let directReaders: DirectReaders?

    /// Times the writer found the database locked by another connection and waited to retry.
    public var busyRetries: Int { busyWaits?.retries ?? 0 }

    /// Opens (creating if needed) the database at `path`, migrates it, and checks its settings.
    /// The server secret is read from its key file, which is created if there is none.
    public convenience init(path: String, settings: DatabaseSettings = DatabaseSettings()) throws {
        let keyPath = settings.secretFile ?? SecretFile.defaultPath(forDatabase: path)
        let (secret, created) = try SecretFile.loadOrCreate(
            at: keyPath, mayCreate: FileManager.default.fileExists(atPath: keyPath) || (try SecretFile.mayCreate(forDatabase: path)))
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        // The writer waits for locks like SQLite's own busy timeout does, and counts each retry.
        let busyWaits = BusyWaits(timeout: settings.busyTimeout)
        configuration.busyMode = .callback { busyWaits.retry($0) }
        configuration.maximumReaderCount = AppDatabase.readerCount
        let synchronous = settings.synchronous
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous.pragmaValue)")
            // Deleted rows (spent invitations, purged texts) are overwritten, not left in free pages.
            try db.execute(sql: "PRAGMA secure_delete = ON")
            db.add(function: AppDatabase.keyFunction(secret))
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        // Opening a pool in WAL mode sets the writer to NORMAL after `prepareDatabase` has run;
        // the writer is the one connection that matters for durability, so set it again.
        let cacheKilobytes = max(2, settings.writerCacheMegabytes) * 1024
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous.pragmaValue)")
            try db.execute(sql: "PRAGMA cache_size = -\(cacheKilobytes)")
        }
        try self.init(
            writer: pool, settings: settings, secret: secret, createdSecret: created, busyWaits: busyWaits, checkpointer: Checkpointer(path: path),
            directReaders: { try DirectReaders(path: path, count: DirectReaders.defaultCount) { _ in } })
    }

    /// `directReaders` is opened once the schema is migrated (a read-only connection cannot see a
    /// table created after it started reading the schema).
    init(
        writer: any DatabaseWriter, settings: DatabaseSettings, secret: ServerSecret, createdSecret: Bool = false, busyWaits: BusyWaits? = nil,
        checkpointer: Checkpointer? = nil, directReaders: (() throws -> DirectReaders)? = nil
    ) throws {
        self.writer = writer
        self.settings = settings
        self.secret = secret
        self.createdSecret = createdSecret
        self.busyWaits = busyWaits
        self.submissions = GroupCommit(writer: writer, checkpointer: checkpointer)
        try Self.migrate(writer, timeZone: settings.timeZone)
        self.directReaders = try directReaders?()
        try verifySettings()
    }

    deinit {
        directReaders?.close()
    }

    /// `rida_key(digest)`: the digest keyed with the server secret (NULL stays NULL), for the
    /// migration that rekeys digests stored before the secret existed.
    static func keyFunction(_ secret: ServerSecret) -> DatabaseFunction {
        DatabaseFunction("rida_key", argumentCount: 1, pure: true) { values in
            guard let digest = Data.fromDatabaseValue(values[0]) else { return nil }
            return secret.key(digest)
        }
    }

    /// A stored digest: `digest` keyed with the server secret.
    func key(_ digest: Data) -> Data { secret.key(digest) }

    private static func migrate(_ writer: any DatabaseWriter, timeZone: TimeZone) throws {
        let migrator = Migrations.migrator(timeZone: timeZone)
        if try writer.read({ try migrator.hasBeenSuperseded($0) }) {
            throw StoreError.newerSchema
        }
        let maskedBefore = try writer.read { try migrator.appliedIdentifiers($0).contains(Migrations.maskedCommentsMigration) }
        try migrator.migrate(writer)
        // The comments just masked in place may still be unmasked in the log's older frames.
        if !maskedBefore { try writer.writeWithoutTransaction { try Self.truncateLog($0) } }
    }

    /// A read transaction, through the gate that keeps waiting for a reader off GRDB's threads.
    func read<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        await readGate.acquire()
        do {
            let value = try await writer.read(body)
            await readGate.release()
            return value
        } catch {
            await readGate.release()
            throw error
        }
    }

    /// Names of all migrations, in order.
    public static var migrationNames: [String] { Migrations.migrator().migrations }

    /// Migrations applied to this database, in order.
    public func appliedMigrations() throws -> [String] {
        try writer.read { try Migrations.migrator(timeZone: self.settings.timeZone).appliedMigrations($0) }
    }

    /// The connection settings as SQLite reports them.
    public struct ActualSettings: Sendable, Hashable {
        public var journalMode: String
        public var foreignKeys: Bool
        public var busyTimeoutMilliseconds: Int
        public var synchronous: Int
    }

    static func readSettings(_ db: Database) throws -> ActualSettings {
        ActualSettings(
            journalMode: try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "",
            foreignKeys: try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") ?? false,
            busyTimeoutMilliseconds: try Int.fetchOne(db, sql: "PRAGMA busy_timeout") ?? 0,
            synchronous: try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1)
    }

    /// Settings of the writer connection and of a reader connection.
    public func actualSettings() throws -> (writer: ActualSettings, reader: ActualSettings) {
        let busyWaits = self.busyWaits
        let writerSettings = try writer.write { db in
            var actual = try Self.readSettings(db)
            // SQLite reports no timeout once a busy handler replaces its own; the writer's handler
            // is this store's, and waits up to its timeout.
            if actual.busyTimeoutMilliseconds == 0, let busyWaits, case .callback = db.configuration.busyMode {
                actual.busyTimeoutMilliseconds = busyWaits.timeoutMilliseconds
            }
            return actual
        }
        let readerSettings = try writer.read { try Self.readSettings($0) }
        return (writerSettings, readerSettings)
    }

    /// Refuses to run on a connection that is not in WAL mode, without foreign keys, without a
    /// busy timeout or with another `synchronous` level than configured.
    func verifySettings() throws {
        let (writerSettings, readerSettings) = try actualSettings()
        let expectedTimeout = Int(settings.busyTimeout * 1000)
        // Readers get GRDB's own busy timeout for read-only connections; any positive value will do.
        for (actual, expectedTimeout) in [(writerSettings, expectedTimeout), (readerSettings, nil)] {
            if actual.journalMode.lowercased() != "wal" {
                throw StoreError.pragmaMismatch(name: "journal_mode", expected: "wal", actual: actual.journalMode)
            }
            if !actual.foreignKeys {
                throw StoreError.pragmaMismatch(name: "foreign_keys", expected: "on", actual: "off")
            }
            if actual.busyTimeoutMilliseconds <= 0 || expectedTimeout.map({ $0 != actual.busyTimeoutMilliseconds }) == true {
                throw StoreError.pragmaMismatch(
                    name: "busy_timeout", expected: expectedTimeout.map { "\($0)" } ?? "more than 0", actual: "\(actual.busyTimeoutMilliseconds)")
            }
            if actual.synchronous != settings.synchronous.pragmaValue {
                throw StoreError.pragmaMismatch(
                    name: "synchronous", expected: "\(settings.synchronous.pragmaValue)", actual: "\(actual.synchronous)")
            }
        }
        // Deleted rows must not linger in free pages (spent invitations, purged texts).
        for secureDelete in [try writer.write { try Int.fetchOne($0, sql: "PRAGMA secure_delete") }, try writer.read { try Int.fetchOne($0, sql: "PRAGMA secure_delete") }]
        where secureDelete != 1 {
            throw StoreError.pragmaMismatch(name: "secure_delete", expected: "1", actual: "\(secureDelete.map(String.init) ?? "?")")
        }
    }
}

/// The writer's busy handler. It waits for a lock as SQLite's own busy timeout does — sleeps
/// growing from 1 ms to 100 ms, until the timeout is spent — and counts every retry, which a
/// plain timeout cannot report.
final class BusyWaits: Sendable {
    let timeoutMilliseconds: Int
    private let count = Atomic<Int>(0)
    /// SQLite's delays (sqliteDefaultBusyCallback) and their running totals, in milliseconds.
    private static let delays = [1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100]
    private static let totals = [0, 1, 3, 8, 18, 33, 53, 78, 103, 128, 178, 228]

    init(timeout: TimeInterval) {
        timeoutMilliseconds = Int(timeout * 1000)
    }

    var retries: Int { count.load(ordering: .relaxed) }

    /// Called by SQLite with the number of earlier calls for the same lock; false gives up with SQLITE_BUSY.
    func retry(_ tries: Int) -> Bool {
        let last = Self.delays.count - 1
        var delay = Self.delays[min(tries, last)]
        let waited = tries <= last ? Self.totals[tries] : Self.totals[last] + Self.delays[last] * (tries - last)
        if waited + delay > timeoutMilliseconds {
            delay = timeoutMilliseconds - waited
            if delay <= 0 { return false }
        }
        Thread.sleep(forTimeInterval: Double(delay) / 1000)
        count.add(1, ordering: .relaxed)
        return true
    }
}
