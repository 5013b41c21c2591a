import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import RidaCore
import RidaStore
import Testing

@testable import RidaServer

/// Answers the OpenAPI document promises, for inputs schemathesis found answered otherwise.
@Suite struct APIContractTests {
    @Test func aKnownPathAskedWithAnotherMethodGets405WithAllow() async throws {
        let fixture = try await MetricsFixture()
        let token = try await fixture.issue()
        try await fixture.app.test(.router) { client in
            for (uri, method, allow) in [
                ("/healthz", HTTPRequest.Method.post, "GET"), ("/api/v1/invitations", .get, "POST"), ("/api/v1/analytics", .delete, "GET"),
                ("/s/\(token.value)", .put, "GET, POST"), ("/metrics", .trace, "GET"),
            ] {
                try await client.execute(uri: uri, method: method) { response in
                    #expect(response.status == .methodNotAllowed, "\(method) \(uri)")
                    #expect(response.headers[.allow] == allow, "\(method) \(uri)")
                    #expect(String(buffer: response.body).contains(#""code":"method_not_allowed""#))
                }
            }
            try await client.execute(uri: "/no/such/page", method: .put) { #expect($0.status == .notFound) }
        }
        #expect(try await fixture.store.counts().responses == 0)
    }

    /// A month long before the first data (here, a database without any) is refused, without
    /// writing anything: 404 `no_data`, not 503.
    @Test func aReportOutsideTheDataIs404() async throws {
        let fixture = try await MetricsFixture()
        let analyst = try await fixture.key(.analyst)
        try await fixture.app.test(.router) { client in
            for uri in [
                "/api/v1/reports/1000-10/manifest.json", "/api/v1/reports/0001-01/aggregates.csv",
                "/api/v1/reports/0418-06/board.en.html?calendar=hijri",
            ] {
                try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(analyst)"]) { response in
                    #expect(response.status == .notFound, "\(uri)")
                    #expect(String(buffer: response.body).contains(#""code":"no_data""#), "\(uri)")
                }
            }
        }
    }

    @Test func invitationBodiesOverTheLimitGet413AndNullIsAbsent() async throws {
        let fixture = try await MetricsFixture()
        let issuer = try await fixture.key(.issuer)
        try await fixture.app.test(.router) { client in
            let huge = #"{"department":"registration","channel":"phone","reference":""# + String(repeating: "x", count: 70_000) + #""}"#
            try await client.execute(
                uri: "/api/v1/invitations", method: .post, headers: [.authorization: "Bearer \(issuer)"], body: ByteBuffer(string: huge)
            ) { response in
                #expect(response.status == .contentTooLarge)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                #expect(String(buffer: response.body).contains(#""code":"too_large""#))
            }
            let nulls =
                #"{"department":"registration","channel":"phone","segment":null,"service":null,"locale":null,"#
                + #""count":null,"expiresInDays":null,"reference":null}"#
            try await client.execute(
                uri: "/api/v1/invitations", method: .post, headers: [.authorization: "Bearer \(issuer)"], body: ByteBuffer(string: nulls)
            ) { #expect($0.status == .created) }
        }
        #expect(try await fixture.store.counts().invitations == 1)
    }
}
