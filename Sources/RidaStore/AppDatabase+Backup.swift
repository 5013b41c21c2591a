import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a finished backup holds.
public struct BackupSummary: Sendable, Hashable {
    /// Pages copied, and their size in bytes.
    public var pages: Int
    public var pageSize: Int
    /// Steps of the online backup it took (one snapshot: the pages divided by the step size).
    public var steps: Int
    /// Size of the backup file.
    public var bytes: Int64
    /// The answer of `PRAGMA integrity_check` on the copy ("ok").
    public var integrity: String
    public var seconds: Double
}

/// How far a backup has come, after each step.
public struct BackupProgress: Sendable, Hashable {
    public var copiedPages: Int
    public var totalPages: Int
}

/// Why a backup was not written. In every case nothing is left at the destination.
public enum BackupError: Error, Sendable, Hashable, CustomStringConvertible {
    case sourceMissing(String)
    case sourceUnreadable(String, reason: String)
    case destinationExists(String)
    case destinationIsDirectory(String)
    case destinationDirectoryMissing(String)
    case destinationInUse(String, sibling: String)
    case sameFile(String)
    case copyFailed(reason: String)
    case integrityCheckFailed([String])
    case cannotWrite(String, reason: String)
    case interrupted

    public var description: String {
        switch self {
        case .sourceMissing(let path): "no database at \(path)"
        case .sourceUnreadable(let path, let reason): "cannot read \(path): \(reason)"
        case .destinationExists(let path): "\(path) already exists; give --force to replace it"
        case .destinationIsDirectory(let path): "\(path) is a directory; give the path of the backup file"
        case .destinationDirectoryMissing(let path): "the directory \(path) does not exist"
        case .destinationInUse(let path, let sibling):
            "\(sibling) exists beside \(path): it looks like a database in use; stop what uses it or choose another file"
        case .sameFile(let path): "\(path) is the database itself; choose another file"
        case .copyFailed(let reason): "the copy failed: \(reason)"
        case .integrityCheckFailed(let lines): "the copy failed integrity_check: \(lines.prefix(5).joined(separator: "; "))"
        case .cannotWrite(let path, let reason): "cannot write \(path): \(reason)"
        case .interrupted: "interrupted"
        }
    }
}

extension AppDatabase {
    /// Copies the database at `source` to `destination` with SQLite's online backup API, while
    /// other processes (a running server) go on reading and writing it.
    ///
    /// The copy is one consistent snapshot: it is read in steps of `pagesPerStep` pages inside a
    /// single read transaction, which in WAL mode never blocks writers (the server's writes
    /// after the snapshot go to its WAL and are not in the copy). It is written to a
    /// temporary file beside `destination`, switched to a rollback journal (so it needs no -wal
    /// file), checked with `PRAGMA integrity_check`, synced, and only then moved into place
    /// atomically. An existing `destination` is replaced only when `replacing` is true. On any
    /// failure the temporary file is removed and `destination` is untouched.
    ///
    /// The source is only read, and not migrated, so a database can be backed up before an
    /// upgrade. `progress` is called after every step; throwing from it abandons the backup.
    /// Blocks the calling thread until done.
    public static func backup(
        databaseAt source: String, to destination: String, replacing: Bool = false, pagesPerStep: Int = 256,
        busyTimeout: TimeInterval = 5, progress: ((BackupProgress) throws -> Void)? = nil
    ) throws -> BackupSummary {
        let started = Date()
        let fileManager = FileManager.default
        let sourceURL = URL(fileURLWithPath: source)
        let destinationURL = URL(fileURLWithPath: destination)
        let directory = destinationURL.deletingLastPathComponent()

        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: sourceURL.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw BackupError.sourceMissing(source)
        }
        guard fileManager.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw BackupError.destinationDirectoryMissing(directory.path)
        }
        try checkDestination(destinationURL, source: sourceURL, replacing: replacing)

        // Beside the destination, so the final move is a rename within one file system.
        let temporary = directory.appendingPathComponent(".\(destinationURL.lastPathComponent).\(UUID().uuidString).tmp")
        defer { removeDatabaseFiles(at: temporary) }

        // Read-write only so that, when no server runs, closing this last connection removes
        // the -wal and -shm files it needed; its reads are read-only transactions.
        var sourceConfiguration = Configuration()
        sourceConfiguration.busyMode = .timeout(busyTimeout)
        sourceConfiguration.label = "backup source"
        let reader: DatabaseQueue
        do {
            reader = try DatabaseQueue(path: sourceURL.path, configuration: sourceConfiguration)
        } catch {
            throw BackupError.sourceUnreadable(source, reason: message(error))
        }
        defer { try? reader.close() }

        var summary = BackupSummary(pages: 0, pageSize: 0, steps: 0, bytes: 0, integrity: "", seconds: 0)
        do {
            let copy = try DatabaseQueue(path: temporary.path)
            defer { try? copy.close() }
            do {
                try reader.read { source in
                    // Start the read transaction before the first step, so every step reads the
                    // same snapshot. Otherwise each step opens its own, and any write by the
                    // server in between makes SQLite restart the copy from the first page: under
                    // steady load a large backup would never finish.
                    _ = try Int.fetchOne(source, sql: "SELECT count(*) FROM sqlite_master")
                    try copy.writeWithoutTransaction { destination in
                        try source.backup(to: destination, pagesPerStep: CInt(clamping: max(1, pagesPerStep))) { step in
                            summary.steps += 1
                            try progress?(BackupProgress(copiedPages: step.completedPageCount, totalPages: step.totalPageCount))
                        }
                    }
                }
            } catch let error as DatabaseError {
                throw error.resultCode == .SQLITE_NOTADB
                    ? BackupError.sourceUnreadable(source, reason: message(error)) : BackupError.copyFailed(reason: message(error))
            }
            try copy.writeWithoutTransaction { db in
                // The pages carry the source's WAL mark; a backup must stand alone as one file.
                let mode = try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE") ?? ""
                guard mode.lowercased() == "delete" else {
                    throw BackupError.copyFailed(reason: "the copy could not leave WAL mode (journal_mode is \(mode))")
                }
                let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
                guard integrity == ["ok"] else { throw BackupError.integrityCheckFailed(integrity) }
                summary.integrity = "ok"
                summary.pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
                summary.pageSize = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0
            }
            try copy.close()
        } catch let error as BackupError {
            throw error
        } catch {
            throw BackupError.copyFailed(reason: message(error))
        }
        try progress?(BackupProgress(copiedPages: summary.pages, totalPages: summary.pages))

        try syncFile(temporary)
        try moveIntoPlace(temporary, destinationURL, source: sourceURL, replacing: replacing)
        syncDirectory(directory)
        summary.bytes = (try? fileManager.attributesOfItem(atPath: destinationURL.path)[.size] as? Int64) ?? 0
        summary.seconds = Date().timeIntervalSince(started)
        return summary
    }

    /// Refuses a destination that is the source, a directory, a live database, or (unless
    /// replacing) any existing file.
    private static func checkDestination(_ destination: URL, source: URL, replacing: Bool) throws {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: destination.path, isDirectory: &isDirectory) else { return }
        if isDirectory.boolValue { throw BackupError.destinationIsDirectory(destination.path) }
        if sameFile(destination, source) { throw BackupError.sameFile(destination.path) }
        guard replacing else { throw BackupError.destinationExists(destination.path) }
        // A stale log beside the replaced file would be replayed into the backup when it is opened.
        for suffix in ["-wal", "-journal"] where fileManager.fileExists(atPath: destination.path + suffix) {
            throw BackupError.destinationInUse(destination.path, sibling: destination.path + suffix)
        }
    }

    private static func sameFile(_ first: URL, _ second: URL) -> Bool {
        var a = stat(), b = stat()
        guard stat(first.path, &a) == 0, stat(second.path, &b) == 0 else { return false }
        return a.st_dev == b.st_dev && a.st_ino == b.st_ino
    }

    /// Renames the finished copy to `destination`. Without `replacing`, a hard link makes the
    /// "does it exist?" check and the move one atomic step.
    private static func moveIntoPlace(_ temporary: URL, _ destination: URL, source: URL, replacing: Bool) throws {
        if replacing {
            try checkDestination(destination, source: source, replacing: true)
            guard rename(temporary.path, destination.path) == 0 else {
                throw BackupError.cannotWrite(destination.path, reason: String(cString: strerror(errno)))
            }
            return
        }
        if link(temporary.path, destination.path) == 0 {
            unlink(temporary.path)
            return
        }
        let linkError = errno
        if linkError == EEXIST { throw BackupError.destinationExists(destination.path) }
        // File systems without hard links: check, then rename.
        guard [EPERM, EOPNOTSUPP, ENOTSUP, EMLINK].contains(linkError) else {
            throw BackupError.cannotWrite(destination.path, reason: String(cString: strerror(linkError)))
        }
        try checkDestination(destination, source: source, replacing: false)
        guard rename(temporary.path, destination.path) == 0 else {
            throw BackupError.cannotWrite(destination.path, reason: String(cString: strerror(errno)))
        }
    }

    private static func syncFile(_ url: URL) throws {
        let descriptor = open(url.path, O_RDONLY)
        guard descriptor >= 0, fsync(descriptor) == 0 else {
            let reason = String(cString: strerror(errno))
            if descriptor >= 0 { close(descriptor) }
            throw BackupError.cannotWrite(url.path, reason: reason)
        }
        close(descriptor)
    }

    /// Makes the rename itself durable; best effort, as some file systems refuse to sync a directory.
    private static func syncDirectory(_ url: URL) {
        let descriptor = open(url.path, O_RDONLY)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    private static func removeDatabaseFiles(at url: URL) {
        for suffix in ["", "-journal", "-wal", "-shm"] {
            unlink(url.path + suffix)
        }
    }

    private static func message(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error.resultCode)" }
        return "\(error)"
    }
}
