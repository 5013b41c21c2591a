import Foundation
import GRDB
import RidaCore

#if canImport(Glibc)
import Glibc
#endif

/// The server secret's key file: 64 hex digits, readable by its owner only (0600). It is kept
/// outside the database — never in it, nor in a backup of it.
public enum SecretFile {
    /// Where a database's key file is unless another is named: `<database>.key`.
    public static func defaultPath(forDatabase path: String) -> String { path + ".key" }

    /// Reads the key file at `path`, creating it with a new secret if there is none and `mayCreate`.
    /// A file that others than its owner may read, or that is not a key, is refused.
    public static func loadOrCreate(at path: String, mayCreate: Bool = true) throws -> (secret: ServerSecret, created: Bool) {
        if let secret = try load(at: path) { return (secret, false) }
        guard mayCreate else {
            throw StoreError.secret(
                "the key file \(path) is missing, and this database's hashes are keyed with the secret it held: restore it beside the "
                    + "database (or name it with --secret-file / RIDA_SECRET_FILE); a new secret would leave every open link unknown and "
                    + "let references be issued twice")
        }
        let secret = ServerSecret.generate()
        // O_EXCL: two commands starting together never write two different secrets.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            if errno == EEXIST, let secret = try load(at: path) { return (secret, false) }
            throw StoreError.secret("cannot create the key file \(path): \(String(cString: strerror(errno)))")
        }
        let bytes = Array(secret.fileText.utf8)
        let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == bytes.count, synced else {
            unlink(path)
            throw StoreError.secret("cannot write the key file \(path)")
        }
        return (secret, true)
    }

    /// Whether a new secret may be made for the database at `path`: only while none of its hashes
    /// are keyed yet (a new database, or one from before schema version 6).
    static func mayCreate(forDatabase path: String) throws -> Bool {
        guard FileManager.default.fileExists(atPath: path) else { return true }
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            guard try db.tableExists("grdb_migrations") else { return true }
            return try Bool.fetchOne(db, sql: "SELECT 1 FROM grdb_migrations WHERE identifier = 'v7.unlinkable-invitations'") == nil
        }
    }

    /// The secret in the key file at `path`, or nil when there is no file.
    public static func load(at path: String) throws -> ServerSecret? {
        var status = stat()
        guard stat(path, &status) == 0 else {
            if errno == ENOENT { return nil }
            throw StoreError.secret("cannot read the key file \(path): \(String(cString: strerror(errno)))")
        }
        guard status.st_mode & 0o077 == 0 else {
            throw StoreError.secret("the key file \(path) may be read by others than its owner: chmod 600 it")
        }
        guard let data = FileManager.default.contents(atPath: path), let secret = ServerSecret(fileText: String(decoding: data, as: UTF8.self))
        else { throw StoreError.secret("the key file \(path) does not hold a key (64 hexadecimal digits)") }
        return secret
    }
}
