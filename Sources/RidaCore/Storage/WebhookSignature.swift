import Crypto
import Foundation

/// How webhook bodies are signed: HMAC-SHA256 over `"<unix seconds>.<body>"` with the shared
/// secret, sent as `Rida-Signature: t=<unix seconds>,v1=<hex>`. The receiver recomputes it,
/// compares in constant time, and refuses old timestamps, so a captured request cannot be
/// replayed later. The event id (`Rida-Event-Id`, also the body's `id`) is the idempotency key.
public enum WebhookSignature {
    public static func sign(body: String, secret: String, timestamp: Int64) -> String {
        let key = SymmetricKey(data: Data(secret.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(timestamp).\(body)".utf8), using: key)
        return "t=\(timestamp),v1=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// Checks a header against the body, within `tolerance` seconds of `now`.
    public static func verify(header: String, body: String, secret: String, now: Int64, tolerance: Int64 = 300) -> Bool {
        var timestamp: Int64?
        for part in header.split(separator: ",") where part.hasPrefix("t=") { timestamp = Int64(part.dropFirst(2)) }
        guard let timestamp, abs(now - timestamp) <= tolerance else { return false }
        let expected = Array(sign(body: body, secret: secret, timestamp: timestamp).utf8)
        let given = Array(header.utf8)
        guard expected.count == given.count else { return false }
        return zip(expected, given).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
