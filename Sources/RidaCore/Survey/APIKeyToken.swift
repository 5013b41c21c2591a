import Crypto
import Foundation

/// An API key: `rida_` and 32 Crockford base32 symbols (160 random bits). Shown once at
/// creation; only its SHA-256 is stored.
public struct APIKeyToken: Hashable, Sendable, CustomStringConvertible {
    public static let prefix = "rida_"
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    public let value: String

    public static func generate(using generator: inout some RandomNumberGenerator) -> APIKeyToken {
        let symbols = (0..<32).map { _ in alphabet[Int(generator.next() & 31)] }
        return APIKeyToken(value: prefix + String(symbols))
    }

    private init(value: String) {
        self.value = value
    }

    public init?(parsing text: String) {
        guard text.hasPrefix(Self.prefix) else { return nil }
        let body = text.dropFirst(Self.prefix.count)
        guard body.count == 32, body.allSatisfy({ Self.alphabet.contains($0) }) else { return nil }
        value = text
    }

    public var hash: Data { Data(SHA256.hash(data: Data(value.utf8))) }
    public var description: String { value }
}
