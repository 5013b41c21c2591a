import GRDB
import GRDBSQLite

/// Binds and steps a prepared statement through SQLite's C interface, for bulk writes of
/// millions of rows (demo data, imports), where building a `StatementArguments` array per row
/// costs more than SQLite's own work. Everything else goes through GRDB.
struct BulkStatement {
    private let statement: Statement
    private let connection: OpaquePointer
    private var index: Int32 = 0

    /// SQLite copies transient text and blobs before `bind` returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    init(_ db: Database, sql: String) throws {
        // Its own statement, not one from the connection's cache: GRDB remembers the arguments it
        // bound to a cached statement, and bindings made here behind its back would confuse it.
        statement = try db.makeStatement(sql: sql)
        connection = db.sqliteConnection!
    }

    mutating func bind(_ value: Int64) {
        index += 1
        sqlite3_bind_int64(statement.sqliteStatement, index, value)
    }

    mutating func bind(_ value: Int) {
        bind(Int64(value))
    }

    mutating func bind(_ value: Int64?) {
        if let value { bind(value) } else { bindNull() }
    }

    mutating func bind(_ value: String) {
        index += 1
        let position = index
        var text = value
        text.withUTF8 { bytes in
            _ = sqlite3_bind_text(statement.sqliteStatement, position, bytes.baseAddress, Int32(bytes.count), Self.transient)
        }
    }

    mutating func bind(_ value: [UInt8]) {
        index += 1
        let position = index
        value.withUnsafeBytes { bytes in
            _ = sqlite3_bind_blob(statement.sqliteStatement, position, bytes.baseAddress, Int32(bytes.count), Self.transient)
        }
    }

    mutating func bindNull() {
        index += 1
        sqlite3_bind_null(statement.sqliteStatement, index)
    }

    /// Runs the statement with the values bound since the last step, then resets it.
    mutating func step() throws {
        let code = sqlite3_step(statement.sqliteStatement)
        index = 0
        sqlite3_reset(statement.sqliteStatement)
        sqlite3_clear_bindings(statement.sqliteStatement)
        guard code == SQLITE_DONE else {
            throw DatabaseError(
                resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(connection)), sql: statement.sql)
        }
    }
}
