import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import RidaCore
import RidaStore
import Testing

@testable import RidaServer

@Suite struct InvitationsAPITests {
    func key(_ fixture: SurveyFixture, role: Role) async throws -> String {
        var generator = SystemRandomNumberGenerator()
        let key = APIKeyToken.generate(using: &generator)
        try await fixture.store.createKey(name: "\(role.rawValue)-\(UUID().uuidString)", role: role, keyHash: key.hash, at: Date())
        return key.value
    }

    @Test func anIssuerGetsLinksFromTheConfiguredBaseURL() async throws {
        let fixture = try await SurveyFixture(baseURL: URL(string: "https://survey.example.org")!)
        let key = try await key(fixture, role: .issuer)
        try await fixture.app.test(.router) { client in
            let body = ByteBuffer(string: #"{"department":"registration","channel":"phone","locale":"id","count":2}"#)
            try await client.execute(
                uri: "/api/v1/invitations", method: .post,
                headers: [.authorization: "Bearer \(key)", .contentType: "application/json", HTTPField.Name("X-Forwarded-Host")!: "evil.example.com"], body: body
            ) { response in
                #expect(response.status == .created)
                let decoded = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView)) as? [String: [[String: String]]]
                let invitations = try #require(decoded?["invitations"])
                #expect(invitations.count == 2)
                for invitation in invitations {
                    let token = try #require(invitation["token"])
                    #expect(invitation["url"] == "https://survey.example.org/s/\(token)")
                    #expect(invitation["expiresAt"] != nil)
                }
            }
        }
        #expect(try await fixture.counts().invitations == 2)
    }

    @Test func withoutAKeyOrWithAnotherRoleNothingIsIssued() async throws {
        let fixture = try await SurveyFixture()
        let analyst = try await key(fixture, role: .analyst)
        try await fixture.app.test(.router) { client in
            let body = ByteBuffer(string: #"{"department":"registration","channel":"phone"}"#)
            try await client.execute(uri: "/api/v1/invitations", method: .post, body: body) { response in
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body).contains(#""code":"unauthorized""#))
            }
            try await client.execute(uri: "/api/v1/invitations", method: .post, headers: [.authorization: "Bearer rida_\(String(repeating: "0", count: 32))"], body: body) {
                response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/api/v1/invitations", method: .post, headers: [.authorization: "Bearer \(analyst)"], body: body) { response in
                #expect(response.status == .forbidden)
            }
        }
        #expect(try await fixture.counts().invitations == 0)
    }

    @Test func badRequestsGiveAJSONErrorNamingTheField() async throws {
        let fixture = try await SurveyFixture()
        let key = try await key(fixture, role: .issuer)
        try await fixture.app.test(.router) { client in
            for (body, status, code) in [
                (#"{"department":"payroll","channel":"phone"}"#, HTTPResponse.Status.unprocessableContent, "invalid_department"),
                (#"{"department":"registration","channel":"phone","locale":"de"}"#, .unprocessableContent, "invalid_locale"),
                (#"{"department":"registration","channel":"phone","expiresInDays":0}"#, .unprocessableContent, "invalid_expiresInDays"),
                ("not json", .badRequest, "invalid_json"),
            ] {
                try await client.execute(
                    uri: "/api/v1/invitations", method: .post, headers: [.authorization: "Bearer \(key)"], body: ByteBuffer(string: body)
                ) { response in
                    #expect(response.status == status)
                    #expect(String(buffer: response.body).contains(#""code":"\#(code)""#))
                }
            }
            let once = ByteBuffer(string: #"{"department":"registration","channel":"phone","reference":"CASE-1"}"#)
            try await client.execute(uri: "/api/v1/invitations", method: .post, headers: [.authorization: "Bearer \(key)"], body: once) {
                #expect($0.status == .created)
            }
            try await client.execute(uri: "/api/v1/invitations", method: .post, headers: [.authorization: "Bearer \(key)"], body: once) {
                #expect($0.status == .conflict)
            }
        }
        #expect(try await fixture.counts().invitations == 1)
    }
}
