import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RidaCore
import RidaReports
import RidaSeeds
import RidaStore
import Testing

@testable import RidaServer

let shippedSeeds = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("seeds")

let shippedTemplates = shippedSeeds.deletingLastPathComponent().appendingPathComponent("Templates")

func temporaryStore() async throws -> AppDatabase {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rida-server-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let store = try AppDatabase(path: directory.appendingPathComponent("rida.sqlite").path)
    _ = try await store.synchronize(with: SeedLoader(directory: shippedSeeds).load())
    return store
}

/// Everything the server needs, on a fresh database; `status` replaces the health source.
func dependencies(_ store: AppDatabase, status: (any StoreStatusReader)? = nil) async throws -> ServerDependencies {
    ServerDependencies(
        configuration: try SeedLoader(directory: shippedSeeds).load(), status: status ?? store, survey: store, keys: store, cells: store, exporter: store,
        operations: store, sessions: store,
        templates: try await TemplateLibrary(directory: shippedTemplates, required: ServerDependencies.requiredTemplates),
        timeZone: store.settings.timeZone,
        reportsDirectory: FileManager.default.temporaryDirectory.appendingPathComponent("rida-reports-\(UUID().uuidString)"))
}

/// A store whose database does not answer.
struct UnavailableStore: StoreStatusReader {
    func ping() async throws { throw StoreError.unavailable("disk I/O error") }
    func counts() async throws -> StoreCounts { throw StoreError.unavailable("disk I/O error") }
    func monthlyVolumes() async throws -> [MonthlyVolume] { throw StoreError.unavailable("disk I/O error") }
}

@Suite struct HealthTests {
    @Test func healthyWhenTheDatabaseAnswers() async throws {
        let app = buildApplication(settings: ServerSettings(port: 0), dependencies: try await dependencies(try await temporaryStore()))
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"status":"ok"}"#)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                #expect(response.headers[.cacheControl] == "no-store")
            }
        }
    }

    @Test func unavailableWithoutAStackTraceWhenTheDatabaseFails() async throws {
        let app = buildApplication(settings: ServerSettings(port: 0), dependencies: try await dependencies(try await temporaryStore(), status: UnavailableStore()))
        try await app.test(.router) { client in
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let body = String(buffer: response.body)
                #expect(body == #"{"problems":["the database does not answer"],"reason":"the database does not answer","status":"unavailable"}"#)
                #expect(!body.contains("disk I/O"))
            }
        }
    }

    @Test func everyResponseCarriesTheSecurityHeaders() async throws {
        let app = buildApplication(settings: ServerSettings(port: 0), dependencies: try await dependencies(try await temporaryStore()))
        try await app.test(.router) { client in
            for uri in ["/healthz", "/no-such-page"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                    #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
                    let policy = try #require(response.headers[.contentSecurityPolicy])
                    #expect(policy.contains("default-src 'self'") && !policy.contains("unsafe-inline"))
                }
            }
        }
    }

    @Test func stateChangingMethodsOnHealthAreNotAllowed() async throws {
        let app = buildApplication(settings: ServerSettings(port: 0), dependencies: try await dependencies(try await temporaryStore()))
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .post) { response in
                #expect(response.status == .methodNotAllowed || response.status == .notFound)
            }
        }
    }

    @Test func linksUseTheConfiguredBaseURL() {
        #expect(ServerSettings(host: "0.0.0.0", port: 8080).baseURL.absoluteString == "http://localhost:8080")
        let settings = ServerSettings(port: 8080, baseURL: URL(string: "https://survey.example.org"))
        #expect(settings.baseURL.absoluteString == "https://survey.example.org")
    }
}
