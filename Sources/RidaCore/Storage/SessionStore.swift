import Crypto
import Foundation

/// How long a session of the admin area lasts: at most `lifetime` after sign-in, and it ends
/// sooner when it is not used for `idleTimeout`.
public struct AdminSessionPolicy: Hashable, Sendable {
    public var lifetime: TimeInterval
    public var idleTimeout: TimeInterval

    public init(lifetime: TimeInterval = 8 * 3600, idleTimeout: TimeInterval = 30 * 60) {
        self.lifetime = lifetime
        self.idleTimeout = idleTimeout
    }

    /// When a session started at `start` and last used at `lastUse` ends.
    public func expiry(start: Date, lastUse: Date) -> Date {
        min(start.addingTimeInterval(lifetime), lastUse.addingTimeInterval(idleTimeout))
    }
}

/// A signed-in person's session in the admin area, as the store keeps it: the API key's name
/// and role, and the token every form of the session must carry.
public struct AdminSession: Hashable, Sendable {
    public var keyName: String
    public var role: Role
    public var csrf: String
    public var createdAt: Date
    public var expiresAt: Date

    public init(keyName: String, role: Role, csrf: String, createdAt: Date, expiresAt: Date) {
        self.keyName = keyName
        self.role = role
        self.csrf = csrf
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// Random secrets of the admin area: 256 bits from the system's CSPRNG (`getrandom` on Linux),
/// written as 64 lowercase hexadecimal digits.
public struct AdminSecret: Hashable, Sendable, CustomStringConvertible {
    public let value: String

    public static func generate() -> AdminSecret {
        var generator = SystemRandomNumberGenerator()
        var text = ""
        text.reserveCapacity(64)
        for _ in 0..<4 {
            let word: UInt64 = generator.next()
            let hex = String(word, radix: 16)
            text += String(repeating: "0", count: 16 - hex.count) + hex
        }
        return AdminSecret(value: text)
    }

    private init(value: String) {
        self.value = value
    }

    /// Nil unless `text` has the shape of a generated secret.
    public init?(parsing text: String) {
        guard text.utf8.count == 64, text.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else { return nil }
        value = text
    }

    /// What the store keeps of a session id: its SHA-256.
    public var hash: Data { Data(SHA256.hash(data: Data(value.utf8))) }

    public var description: String { value }

    /// Compares two secrets in time that does not depend on where they first differ.
    public static func matches(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8), right = Array(b.utf8)
        guard left.count == right.count, !left.isEmpty else { return false }
        var difference: UInt8 = 0
        for index in left.indices { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}

/// Sessions of the admin area. The session id itself is only in the person's cookie; the store
/// keeps its SHA-256, so a copy of the database opens no session.
public protocol AdminSessionStore: Sendable {
    /// Stores a new session for `key` (and removes expired ones), recording the sign-in in the audit log.
    func startSession(idHash: Data, key: APIKey, csrf: String, policy: AdminSessionPolicy, at date: Date) async throws
    /// The session with this id hash when it has not expired and its key is still active; its
    /// inactivity deadline moves on to `date` + the policy's idle timeout (never past its lifetime).
    func session(idHash: Data, policy: AdminSessionPolicy, at date: Date) async throws -> AdminSession?
    /// Deletes the session, recording the sign-out in the audit log. False when there was none.
    @discardableResult func endSession(idHash: Data, at date: Date) async throws -> Bool
}
