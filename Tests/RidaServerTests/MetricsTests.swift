import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import RidaCore
import RidaSeeds
import RidaStore
import Testing

@testable import RidaServer

/// An application whose metrics include the store's busy retries, on a fresh database.
struct MetricsFixture {
    let store: AppDatabase
    let path: String
    let app: any ApplicationProtocol
    let issuer: InvitationIssuer

    init(busyTimeout: TimeInterval = 5) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rida-metrics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appendingPathComponent("rida.sqlite").path
        let store = try AppDatabase(path: path, settings: DatabaseSettings(busyTimeout: busyTimeout))
        _ = try await store.synchronize(with: SeedLoader(directory: shippedSeeds).load())
        self.store = store
        var deps = try await dependencies(store)
        deps.metrics = ServerMetrics(databaseBusyRetries: { store.busyRetries })
        let baseURL = URL(string: "https://survey.example.org")!
        app = buildApplication(settings: ServerSettings(port: 0, baseURL: baseURL), dependencies: deps)
        issuer = InvitationIssuer(configuration: deps.configuration, store: store, baseURL: baseURL)
    }

    func issue() async throws -> InvitationToken {
        try await issuer.issue([IssueRequest(department: "registration", channel: "office", segment: "umrah")])[0].token
    }

    func key(_ role: Role) async throws -> String {
        var generator = SystemRandomNumberGenerator()
        let key = APIKeyToken.generate(using: &generator)
        try await store.createKey(name: "\(role.rawValue)-\(UUID().uuidString)", role: role, keyHash: key.hash, at: Date())
        return key.value
    }
}

/// `GET /metrics` with an admin key: the exposition text and its samples by series.
func scrape(_ client: some TestClientProtocol, key: String) async throws -> (text: String, samples: [String: Double]) {
    try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer \(key)"]) { response in
        #expect(response.status == .ok)
        #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
        let text = String(buffer: response.body)
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            samples[String(line[..<space])] = value
        }
        return (text, samples)
    }
}

@Suite struct MetricsTests {
    @Test func requestsAreCountedByRouteTemplateAndNeverByPath() async throws {
        let fixture = try await MetricsFixture()
        let stored = try await fixture.issue()
        let invalid = try await fixture.issue()
        let admin = try await fixture.key(.admin)
        let issuerKey = try await fixture.key(.issuer)
        try await fixture.app.test(.router) { client in
            try await client.execute(uri: "/s/\(stored.value)", method: .get) { #expect($0.status == .ok) }
            let (headers, body) = form("overall=5&recommend=9&lang=en")
            try await client.execute(uri: "/s/\(stored.value)", method: .post, headers: headers, body: body) { #expect($0.status == .seeOther) }
            // The same form again: the invitation is used now.
            try await client.execute(uri: "/s/\(stored.value)", method: .post, headers: headers, body: body) { #expect($0.status == .seeOther) }
            try await client.execute(uri: "/s/\(invalid.value)", method: .post, headers: headers, body: ByteBuffer(string: "ease=9")) {
                #expect($0.status == .unprocessableContent)
            }
            try await client.execute(uri: "/s/\(String(repeating: "7", count: 26))", method: .post, headers: headers, body: body) {
                #expect($0.status == .notFound)
            }
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/no/such/page", method: .get) { #expect($0.status == .notFound) }
            let apiTokens = try await client.execute(
                uri: "/api/v1/invitations", method: .post, headers: [.authorization: "Bearer \(issuerKey)"],
                body: ByteBuffer(string: #"{"department":"registration","channel":"phone","count":2}"#)
            ) { response in
                #expect(response.status == .created)
                let decoded = try JSONDecoder().decode([String: [[String: String]]].self, from: Data(response.body.readableBytesView))
                return decoded["invitations", default: []].compactMap { $0["token"] }
            }

            let (text, samples) = try await scrape(client, key: admin)
            let requests = "rida_http_requests_total"
            #expect(samples[#"\#(requests){route="/s/{token}",method="GET",status="200"}"#] == 1)
            #expect(samples[#"\#(requests){route="/s/{token}",method="POST",status="303"}"#] == 2)
            #expect(samples[#"\#(requests){route="/s/{token}",method="POST",status="422"}"#] == 1)
            #expect(samples[#"\#(requests){route="/s/{token}",method="POST",status="404"}"#] == 1)
            #expect(samples[#"\#(requests){route="/healthz",method="GET",status="200"}"#] == 1)
            #expect(samples[#"\#(requests){route="unmatched",method="GET",status="404"}"#] == 1)
            #expect(samples[#"\#(requests){route="/api/v1/invitations",method="POST",status="201"}"#] == 1)
            #expect(samples[#"rida_http_request_duration_seconds_count{route="/s/{token}",method="POST"}"#] == 4)
            #expect(samples[#"rida_http_request_duration_seconds_bucket{route="/s/{token}",method="POST",le="+Inf"}"#] == 4)
            #expect(samples[#"rida_survey_submissions_total{outcome="stored"}"#] == 1)
            #expect(samples[#"rida_survey_submissions_total{outcome="closed"}"#] == 1)
            #expect(samples[#"rida_survey_submissions_total{outcome="invalid"}"#] == 1)
            #expect(samples[#"rida_survey_submissions_total{outcome="not_found"}"#] == 1)
            #expect(samples[#"rida_survey_submissions_total{outcome="unavailable"}"#] == 0)
            #expect(samples["rida_invitations_issued_total"] == 2)
            #expect(samples["rida_database_busy_retries_total"] == 0)

            // No path, no token: only route templates.
            #expect(apiTokens.count == 2)
            for token in [stored.value, invalid.value, String(repeating: "7", count: 26)] + apiTokens {
                #expect(!text.contains(token))
            }
            #expect(!text.contains("/no/such/page"))
            #expect(!text.contains(admin) && !text.contains(issuerKey))
        }
    }

    @Test func onlyAnAdminKeyReadsTheMetrics() async throws {
        let fixture = try await MetricsFixture()
        try await fixture.app.test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == "Bearer")
                #expect(String(buffer: response.body).contains(#""code":"unauthorized""#))
                #expect(!String(buffer: response.body).contains("rida_http_requests_total"))
            }
            try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer rida_\(String(repeating: "0", count: 32))"]) {
                #expect($0.status == .unauthorized)
            }
            for role in [Role.issuer, .analyst, .board] {
                let key = try await fixture.key(role)
                try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer \(key)"]) { response in
                    #expect(response.status == .forbidden, "\(role)")
                    #expect(String(buffer: response.body).contains(#""code":"forbidden""#))
                }
            }
            let admin = try await fixture.key(.admin)
            let (text, _) = try await scrape(client, key: admin)
            #expect(text.contains(#"rida_http_requests_total{route="/metrics",method="GET",status="403"} 3"#))
            #expect(text.contains(#"rida_http_requests_total{route="/metrics",method="GET",status="401"} 2"#))
        }
    }

    /// Another connection holds the write lock: the submission waits and succeeds while the lock
    /// is released within the busy timeout, and is refused with 503 (token not consumed) when it is
    /// not — after about the timeout, not at once and not for ever. Every wait is counted.
    @Test func busyRetriesAreCountedAndTheBusyTimeoutIsHonoured() async throws {
        let fixture = try await MetricsFixture(busyTimeout: 1)
        let first = try await fixture.issue()
        let second = try await fixture.issue()
        let admin = try await fixture.key(.admin)
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true
        let other = try DatabaseQueue(path: fixture.path, configuration: configuration)
        let (headers, body) = form("overall=4")
        @Sendable func release(after delay: Duration) async throws {
            try await Task.sleep(for: delay)
            try await other.writeWithoutTransaction { try $0.execute(sql: "COMMIT") }
        }
        try await fixture.app.test(.router) { client in
            try await other.writeWithoutTransaction { try $0.execute(sql: "BEGIN IMMEDIATE") }
            async let released: Void = release(after: .milliseconds(300))
            try await client.execute(uri: "/s/\(first.value)", method: .post, headers: headers, body: body) { #expect($0.status == .seeOther) }
            try await released
            let afterWait = try await scrape(client, key: admin).samples
            let retries = try #require(afterWait["rida_database_busy_retries_total"])
            #expect(retries > 0)
            #expect(afterWait[#"rida_survey_submissions_total{outcome="stored"}"#] == 1)

            try await other.writeWithoutTransaction { try $0.execute(sql: "BEGIN IMMEDIATE") }
            let started = ContinuousClock.now
            try await client.execute(uri: "/s/\(second.value)", method: .post, headers: headers, body: body) {
                #expect($0.status == .serviceUnavailable)
            }
            let waited = ContinuousClock.now - started
            try await other.writeWithoutTransaction { try $0.execute(sql: "COMMIT") }
            #expect(waited >= .milliseconds(900), "gave up before the busy timeout: \(waited)")
            #expect(waited < .seconds(5), "waited far beyond the busy timeout: \(waited)")
            let afterTimeout = try await scrape(client, key: admin).samples
            #expect(try #require(afterTimeout["rida_database_busy_retries_total"]) > retries)
            #expect(afterTimeout[#"rida_survey_submissions_total{outcome="unavailable"}"#] == 1)
        }
        let used = try await fixture.store.invitation(tokenHash: second.hash, at: Date())?.state == .used
        #expect(used == false, "a refused submission does not consume the token")
    }
}
