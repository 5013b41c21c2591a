import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import RidaCore
import RidaStore
import Testing

@testable import RidaServer

/// Every API route × every role: allowed, or 401 without a valid key and 403 with a key of
/// another role; a revoked key is 401. State-changing routes reached by GET are not served.
@Suite struct RoleBoundaryTests {
    /// Method, path, the roles allowed.
    static let routes: [(HTTPRequest.Method, String, Set<Role>)] = [
        (.post, "/api/v1/invitations", [.issuer, .admin]),
        (.get, "/api/v1/analytics?from=2026-01&to=2026-02", [.analyst, .admin]),
        (.get, "/api/v1/reports/2020-01/manifest.json", [.analyst, .board, .admin]),
        (.get, "/api/v1/follow-ups", [.admin]),
        (.patch, "/api/v1/follow-ups/0123456789abcdef0123456789abcdef", [.admin]),
        (.get, "/api/v1/actions", [.analyst, .board, .admin]),
        (.post, "/api/v1/actions", [.analyst, .admin]),
        (.patch, "/api/v1/actions/0123456789abcdef0123456789abcdef", [.analyst, .admin]),
        (.get, "/api/v1/audit", [.admin]),
        (.get, "/metrics", [.admin]),
    ]

    @Test func everyRouteAnswersEachRoleAsDocumented() async throws {
        let fixture = try await SurveyFixture()
        var roleKeys: [Role: String] = [:]
        var generator = SystemRandomNumberGenerator()
        for role in Role.allCases {
            let key = APIKeyToken.generate(using: &generator)
            try await fixture.store.createKey(name: "\(role.rawValue)-key", role: role, keyHash: key.hash, at: Date())
            roleKeys[role] = key.value
        }
        let revoked = APIKeyToken.generate(using: &generator)
        try await fixture.store.createKey(name: "revoked-admin", role: .admin, keyHash: revoked.hash, at: Date())
        #expect(try await fixture.store.revokeKey(name: "revoked-admin", at: Date()))
        let keys = roleKeys
        try await fixture.app.test(.router) { client in
            for (method, uri, allowed) in Self.routes {
                try await client.execute(uri: uri, method: method) { response in
                    #expect(response.status == .unauthorized, "\(method) \(uri) without a key")
                    #expect(response.headers[.wwwAuthenticate] == "Bearer")
                }
                try await client.execute(uri: uri, method: method, headers: [.authorization: "Bearer \(revoked.value)"]) { response in
                    #expect(response.status == .unauthorized, "\(method) \(uri) with a revoked key")
                }
                for role in Role.allCases {
                    try await client.execute(
                        uri: uri, method: method, headers: [.authorization: "Bearer \(keys[role]!)", .contentType: "application/json"],
                        body: ByteBuffer(string: "{}")
                    ) { response in
                        if allowed.contains(role) {
                            #expect(![.unauthorized, .forbidden].contains(response.status), "\(method) \(uri) as \(role): \(response.status)")
                            #expect(response.status.code < 500, "\(method) \(uri) as \(role): \(response.status)")
                        } else {
                            #expect(response.status == .forbidden, "\(method) \(uri) as \(role): \(response.status)")
                        }
                    }
                }
            }
            // State-changing routes are not served by GET.
            for uri in ["/api/v1/invitations", "/api/v1/follow-ups/0123456789abcdef0123456789abcdef"] {
                try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(keys[.admin]!)"]) { response in
                    #expect([.methodNotAllowed, .notFound].contains(response.status), "GET \(uri): \(response.status)")
                }
            }
        }
    }
}
