import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import RidaCore
import RidaStore
import Synchronization
import Testing

@testable import RidaServer

/// Keeps every log record — level, message, metadata, error and source — as one line of text.
final class LogCapture: Sendable {
    private let records = Mutex<[String]>([])

    var lines: [String] { records.withLock { $0 } }

    func logger() -> Logger {
        var logger = Logger(label: "rida") { _ in Handler(capture: self) }
        logger.logLevel = .trace
        return logger
    }

    fileprivate func append(_ line: String) {
        records.withLock { $0.append(line) }
    }

    private struct Handler: LogHandler {
        let capture: LogCapture
        var metadata: Logger.Metadata = [:]
        var metadataProvider: Logger.MetadataProvider?
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(metadataProvider?.get() ?? [:]) { $1 }.merging(event.metadata ?? [:]) { $1 }
            let fields = all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            let error = event.error.map { " error=\(String(reflecting: $0))" } ?? ""
            capture.append("\(event.level) \(event.source) \(event.message) \(fields)\(error)")
        }
    }
}

@Suite struct LogPrivacyTests {
    /// A beneficiary's whole visit, including a request to be contacted and mistakes on the way,
    /// and an API call: no log line holds the token, the phone number, the e-mail address or the key.
    @Test func noLogLineHoldsATokenAContactDetailOrAKey() async throws {
        let capture = LogCapture()
        let store = try await temporaryStore()
        let deps = try await dependencies(store)
        let app = buildApplication(settings: ServerSettings(port: 0), dependencies: deps, logger: capture.logger())
        let issuer = InvitationIssuer(configuration: deps.configuration, store: store, baseURL: URL(string: "https://survey.example.org")!)
        let token = try await issuer.issue([IssueRequest(department: "registration", channel: "office", segment: "umrah", locale: "en")])[0].token
        var generator = SystemRandomNumberGenerator()
        let key = APIKeyToken.generate(using: &generator)
        try await store.createKey(name: "case-system", role: .issuer, keyHash: key.hash, at: Date())

        let phone = "+966 55 123 4567"
        let email = "pilgrim.contact@example.org"
        let contact =
            "contact=yes&contact-phone=\(phone.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
            + "&contact-email=\(email.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
        let issuedTokens = try await app.test(.router) { client -> [String] in
            try await client.execute(uri: "/s/\(token.value)?lang=en", method: .get) { #expect($0.status == .ok) }
            // First without the required answer: the form comes back with the contact details in it.
            let (headers, _) = form("")
            try await client.execute(uri: "/s/\(token.value)", method: .post, headers: headers, body: ByteBuffer(string: "ease=3&\(contact)")) {
                #expect($0.status == .unprocessableContent)
            }
            let complete = ByteBuffer(string: "overall=2&recommend=3&suggestion=call%20me%20on%200551234567&\(contact)&lang=en")
            try await client.execute(uri: "/s/\(token.value)", method: .post, headers: headers, body: complete) { #expect($0.status == .seeOther) }
            try await client.execute(uri: "/s/\(token.value)", method: .post, headers: headers, body: complete) { #expect($0.status == .seeOther) }
            try await client.execute(uri: "/s/\(token.value)/thanks?lang=en", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/s/\(token.value.lowercased())", method: .get) { #expect($0.status == .gone) }
            try await client.execute(uri: "/s/\(String(repeating: "Z", count: 26))", method: .post, headers: headers, body: complete) {
                #expect($0.status == .notFound)
            }
            return try await client.execute(
                uri: "/api/v1/invitations", method: .post, headers: [.authorization: "Bearer \(key.value)"],
                body: ByteBuffer(string: #"{"department":"registration","channel":"phone","reference":"CASE-2025-0042"}"#)
            ) { response in
                #expect(response.status == .created)
                let decoded = try JSONDecoder().decode([String: [[String: String]]].self, from: Data(response.body.readableBytesView))
                return decoded["invitations", default: []].compactMap { $0["token"] }
            }
        }
        #expect(try await store.counts().responses == 1)

        let lines = capture.lines
        // The visit was logged — stored response, every request by its route — so the check below has something to check.
        #expect(lines.contains { $0.contains("response stored") })
        #expect(lines.filter { $0.contains("route=/s/{token}") }.count == 7)
        #expect(lines.contains { $0.contains("route=/api/v1/invitations") })
        let secrets =
            [token.value, token.value.lowercased(), String(repeating: "Z", count: 26), key.value, "CASE-2025-0042", email, "pilgrim.contact"]
            + [phone, "551234567", "0551234567", "55 123 4567", "123 4567", "%2B966"] + issuedTokens
        for line in lines {
            for secret in secrets {
                #expect(!line.contains(secret), "log line holds \(secret): \(line)")
            }
        }
    }
}
