import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import RidaCore
import RidaReports
import RidaStore
import Testing
import Yams

@testable import RidaServer

/// An operation of the API: a method and a path template (`/api/v1/reports/{period}/{file}`).
struct APIOperation: Hashable, Comparable, CustomStringConvertible {
    var method: String
    var path: String

    var description: String { "\(method.uppercased()) \(path)" }
    static func < (lhs: Self, rhs: Self) -> Bool { (lhs.path, lhs.method) < (rhs.path, rhs.method) }
}

/// The OpenAPI document as Yams reads it.
struct ParsedOpenAPI {
    static let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
    let root: [String: Any]

    init(_ yaml: String) throws {
        root = try #require(try Yams.load(yaml: yaml) as? [String: Any])
    }

    var paths: [String: [String: Any]] { (root["paths"] as? [String: [String: Any]]) ?? [:] }

    var operations: [APIOperation: [String: Any]] {
        var result: [APIOperation: [String: Any]] = [:]
        for (path, item) in paths {
            for (method, operation) in item where Self.methods.contains(method) {
                result[APIOperation(method: method, path: path)] = operation as? [String: Any] ?? [:]
            }
        }
        return result
    }
}

@Suite struct OpenAPITests {
    /// Routes as the router registered them, with Hummingbird's `{name}` for captures.
    func registeredOperations(_ deps: ServerDependencies) -> Set<APIOperation> {
        let router = buildRouter(settings: ServerSettings(port: 0), dependencies: deps)
        return Set(router.routes.map { APIOperation(method: $0.method.rawValue.lowercased(), path: $0.path.description) })
    }

    @Test func theDocumentIsServedToAnyoneAndIsOpenAPI3() async throws {
        let app = buildApplication(settings: ServerSettings(port: 0), dependencies: try await dependencies(try await temporaryStore()))
        try await app.test(.router) { client in
            try await client.execute(uri: "/openapi.yaml", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/yaml; charset=utf-8")
                let document = try ParsedOpenAPI(String(buffer: response.body))
                #expect((document.root["openapi"] as? String)?.hasPrefix("3.") == true)
                let schemes = (document.root["components"] as? [String: Any])?["securitySchemes"] as? [String: [String: String]]
                #expect(schemes?.values.contains { $0["type"] == "http" && $0["scheme"] == "bearer" } == true)
                for required in ["/healthz", "/metrics", "/api/v1/invitations", "/api/v1/analytics", "/api/v1/reports/{period}/{file}"] {
                    #expect(document.paths[required] != nil, "\(required)")
                }
            }
        }
    }

    /// Both directions: a route under `/api/v1` that the router serves but the document does not
    /// describe fails here, as does a documented operation that no route serves.
    @Test func everyAPIRouteIsDocumentedAndEveryDocumentedOperationIsRouted() async throws {
        let registered = registeredOperations(try await dependencies(try await temporaryStore()))
        let documented = Set(try ParsedOpenAPI(OpenAPIDocument.yaml).operations.keys)
        let registeredAPI = registered.filter { $0.path.hasPrefix("/api/") }
        #expect(!registeredAPI.isEmpty)
        let undocumented = registeredAPI.subtracting(documented).sorted()
        #expect(undocumented.isEmpty, "routes missing from the OpenAPI document: \(undocumented)")
        let unrouted = documented.subtracting(registered).sorted()
        #expect(unrouted.isEmpty, "documented operations no route serves: \(unrouted)")
    }

    /// Every secured operation documents the refusals of the bearer check, and every operation
    /// documents at least one success.
    @Test func everyOperationDocumentsItsSuccessAndItsRefusals() throws {
        let document = try ParsedOpenAPI(OpenAPIDocument.yaml)
        let globalSecurity = document.root["security"] as? [Any] ?? []
        for (operation, body) in document.operations {
            let responses = try #require(body["responses"] as? [String: Any], "\(operation)")
            #expect(responses.keys.contains { $0.hasPrefix("2") }, "\(operation) documents no success")
            let security = body["security"] as? [Any] ?? globalSecurity
            if !security.isEmpty {
                for status in ["401", "403"] {
                    #expect(responses[status] != nil, "\(operation) does not document \(status)")
                }
            }
        }
    }

    /// Each documented operation, called with an admin key and the document's own examples, is
    /// served — not 404 or 405 — with a success status the document lists.
    @Test func everyDocumentedOperationAnswersItsOwnExample() async throws {
        let store = try await temporaryStore()
        var generator = SystemRandomNumberGenerator()
        let admin = APIKeyToken.generate(using: &generator)
        try await store.createKey(name: "admin", role: .admin, keyHash: admin.hash, at: Date())
        // Data in the documented example month, so that its report can be written.
        try await store.insert(
            invitations: [],
            responses: (0..<6).map { k in
                SurveyResponse(
                    id: Int64(k), day: CalendarDay(year: 2026, month: 3, day: 10), unit: ServiceUnit(department: "registration", channel: "office"),
                    locale: "ar", questionnaire: "default", questionnaireVersion: 1, source: .import,
                    answers: [ItemAnswer(item: "overall", value: .value(k % 5 + 1))])
            })
        var settings = ServerSettings(port: 0)
        settings.reportGraceDays = 0
        let deps = try await dependencies(store)
        let app = buildApplication(settings: settings, dependencies: deps)
        // The server writes the example month's report once it is frozen.
        _ = try await deps.reportFreezer(graceDays: 0).run(today: CalendarDay(year: 2026, month: 4, day: 1))
        try await app.test(.router) { client in
            let document = try ParsedOpenAPI(OpenAPIDocument.yaml)
            for (operation, body) in document.operations.sorted(by: { $0.key < $1.key }) {
                var path = operation.path
                var query: [String] = []
                for parameter in body["parameters"] as? [[String: Any]] ?? [] {
                    let name = try #require(parameter["name"] as? String)
                    let schema = parameter["schema"] as? [String: Any] ?? [:]
                    let value = (parameter["example"] as? String) ?? (schema["enum"] as? [String])?.first ?? (schema["default"] as? String)
                    switch parameter["in"] as? String {
                    case "path": path = path.replacingOccurrences(of: "{\(name)}", with: try #require(value, "\(operation): no example for \(name)"))
                    case "query" where parameter["required"] as? Bool == true:
                        query.append("\(name)=\(try #require(value, "\(operation): no example for \(name)"))")
                    default: break
                    }
                }
                var requestBody: ByteBuffer?
                if let content = (body["requestBody"] as? [String: Any])?["content"] as? [String: Any],
                    let example = (content["application/json"] as? [String: Any])?["example"]
                {
                    requestBody = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: example))
                }
                let uri = query.isEmpty ? path : "\(path)?\(query.joined(separator: "&"))"
                let method = HTTPRequest.Method(operation.method.uppercased())!
                let documentedStatuses = Set((body["responses"] as? [String: Any] ?? [:]).keys)
                try await client.execute(
                    uri: uri, method: method, headers: [.authorization: "Bearer \(admin.value)", .contentType: "application/json"], body: requestBody
                ) { response in
                    // An operation on one record, given an example id that names none, answers the
                    // API's own 404 (a JSON error), which still shows the route is served.
                    let unknownRecord =
                        operation.path.contains("{id}") && response.status == .notFound
                        && String(buffer: response.body).contains(#""code":"not_found""#)
                    #expect(unknownRecord || (response.status != .notFound && response.status != .methodNotAllowed), "\(operation) is not served")
                    #expect(
                        unknownRecord || (200..<300).contains(response.status.code),
                        "\(operation): \(response.status) \(String(buffer: response.body).prefix(200))")
                    #expect(documentedStatuses.contains(String(response.status.code)), "\(operation) answered an undocumented \(response.status)")
                }
            }
        }
    }
}
