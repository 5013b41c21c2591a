import Crypto
import Foundation

/// The secret in a survey link: 26 Crockford base32 symbols (130 random bits), short enough
/// for an SMS and a small QR code, case-insensitive, without look-alike letters.
public struct InvitationToken: Hashable, Sendable, CustomStringConvertible {
    public static let length = 26
    static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// The canonical (upper-case) form.
    public let value: String

    /// A new token. Production passes `SystemRandomNumberGenerator` (the system CSPRNG);
    /// synthetic data passes a seeded generator so it is reproducible.
    public static func generate(using generator: inout some RandomNumberGenerator) -> InvitationToken {
        var bytes = [UInt8](repeating: 0, count: length)
        var bits: UInt64 = 0
        var available = 0
        for index in 0..<length {
            if available < 5 {
                bits = generator.next()
                available = 64
            }
            bytes[index] = alphabet[Int(bits & 31)]
            bits >>= 5
            available -= 5
        }
        return InvitationToken(value: String(decoding: bytes, as: UTF8.self))
    }

    private init(value: String) {
        self.value = value
    }

    /// Reads a token as a person may have typed it: case-insensitive, hyphens and spaces ignored,
    /// `O` read as `0` and `I`/`L` as `1`. Nil for anything that cannot be a token.
    public init?(parsing text: some StringProtocol) {
        var out: [UInt8] = []
        out.reserveCapacity(Self.length)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "-"), UInt8(ascii: " "): continue
            default: break
            }
            var upper = byte
            if (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) { upper -= 32 }
            switch upper {
            case UInt8(ascii: "O"): upper = UInt8(ascii: "0")
            case UInt8(ascii: "I"), UInt8(ascii: "L"): upper = UInt8(ascii: "1")
            default: break
            }
            guard Self.alphabet.contains(upper) else { return nil }
            out.append(upper)
            if out.count > Self.length { return nil }
        }
        guard out.count == Self.length else { return nil }
        value = String(decoding: out, as: UTF8.self)
    }

    /// SHA-256 of the canonical form: the only thing stored.
    public var hash: Data {
        Data(SHA256.hash(data: Data(value.utf8)))
    }

    /// The key under which a follow-up request made through this invitation is kept, so the
    /// holder of the link can have it erased. It is not the stored token hash, so a copy of the
    /// database cannot join a follow-up request to its invitation.
    public var erasureKey: Data {
        Data(SHA256.hash(data: Data("rida-erasure:\(value)".utf8)))
    }

    public var description: String { value }
}
