import Crypto
import Foundation

/// The server's own secret, kept outside the database (a key file beside it, or a file named by
/// `RIDA_SECRET_FILE`). Every stored digest of something a person or another system can know —
/// an invitation's token, a case system's reference, a follow-up's erasure key — is keyed with
/// it, so that whoever holds the database files but not this secret cannot recompute one from a
/// guessed or known value.
public struct ServerSecret: Sendable, Hashable {
    public static let byteCount = 32
    let bytes: Data

    public init?(bytes: Data) {
        guard bytes.count == Self.byteCount else { return nil }
        self.bytes = bytes
    }

    /// A new secret from the system CSPRNG.
    public static func generate() -> ServerSecret {
        var generator = SystemRandomNumberGenerator()
        var bytes = Data(capacity: byteCount)
        for _ in 0..<(byteCount / 8) {
            withUnsafeBytes(of: generator.next() as UInt64) { bytes.append(contentsOf: $0) }
        }
        return ServerSecret(bytes: bytes)!
    }

    /// The key file's text: 64 hexadecimal digits and a newline.
    public var fileText: String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined() + "\n"
    }

    /// Reads the key file's text (surrounding white space ignored); nil for anything else.
    public init?(fileText: String) {
        let hex = Array(fileText.trimmingCharacters(in: .whitespacesAndNewlines).utf8)
        guard hex.count == Self.byteCount * 2 else { return nil }
        var bytes = Data(capacity: Self.byteCount)
        for index in stride(from: 0, to: hex.count, by: 2) {
            guard let byte = UInt8(String(decoding: hex[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        self.bytes = bytes
    }

    /// HMAC-SHA256 of a digest under the secret: what is stored in place of the digest. Keying
    /// the digest rather than the value lets a migration rekey hashes stored before the secret
    /// existed without knowing the values they came from.
    public func key(_ digest: Data) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: digest, using: SymmetricKey(data: bytes)))
    }
}
