import Foundation
import GRDB
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

/// The closed loop over HTTP: a low score with a contact request opens a case, which the admin
/// moves forward; improvement actions; the audit log; role boundaries.
@Suite struct OperationsAPITests {
    func key(_ fixture: SurveyFixture, role: Role, name: String? = nil) async throws -> String {
        var generator = SystemRandomNumberGenerator()
        let key = APIKeyToken.generate(using: &generator)
        try await fixture.store.createKey(name: name ?? "\(role.rawValue)-\(UUID().uuidString)", role: role, keyHash: key.hash, at: Date())
        return key.value
    }

    func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
    }

    @Test func aLowScoreOpensACaseThatTheAdminMovesForward() async throws {
        let fixture = try await SurveyFixture()
        let token = try await fixture.issue()
        let admin = try await key(fixture, role: .admin, name: "quality-desk")
        try await fixture.app.test(.router) { client in
            let (headers, body) = form("overall=1&recommend=2&contact=yes&contact-phone=0551234567&lang=en")
            try await client.execute(uri: "/s/\(token.value)", method: .post, headers: headers, body: body) { response in
                #expect(response.status == .seeOther)
            }
            var id = ""
            try await client.execute(uri: "/api/v1/follow-ups?status=open", method: .get, headers: [.authorization: "Bearer \(admin)"]) { response in
                #expect(response.status == .ok)
                let cases = try #require(try json(response.body)["cases"] as? [[String: Any]])
                #expect(cases.count == 1)
                id = try #require(cases.first?["id"] as? String)
                #expect(cases.first?["phone"] as? String == "0551234567")
                #expect(Set(cases.first?["reasons"] as? [String] ?? []) == ["low-satisfaction", "detractor"])
                #expect(cases.first?["status"] as? String == "open")
            }
            let change = ByteBuffer(string: #"{"status":"contacted"}"#)
            try await client.execute(
                uri: "/api/v1/follow-ups/\(id)", method: .patch, headers: [.authorization: "Bearer \(admin)", .contentType: "application/json"], body: change
            ) { response in
                #expect(response.status == .ok)
                let updated = try json(response.body)["case"] as? [String: Any]
                #expect(updated?["status"] as? String == "contacted")
            }
            // Backwards is refused; an unknown case is 404; a bad body is 422.
            try await client.execute(
                uri: "/api/v1/follow-ups/\(id)", method: .patch, headers: [.authorization: "Bearer \(admin)"], body: ByteBuffer(string: #"{"status":"open"}"#)
            ) { response in
                #expect(response.status == .conflict)
            }
            try await client.execute(
                uri: "/api/v1/follow-ups/ffff", method: .patch, headers: [.authorization: "Bearer \(admin)"], body: ByteBuffer(string: #"{"status":"resolved"}"#)
            ) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(
                uri: "/api/v1/follow-ups/\(id)", method: .patch, headers: [.authorization: "Bearer \(admin)"], body: ByteBuffer(string: "status=resolved")
            ) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains(#""code":"invalid_status""#))
            }
            try await client.execute(uri: "/api/v1/audit", method: .get, headers: [.authorization: "Bearer \(admin)"]) { response in
                let entries = try #require(try json(response.body)["entries"] as? [[String: Any]])
                let caseEntries = entries.filter { ($0["action"] as? String)?.hasPrefix("case.") == true }
                #expect(caseEntries.map { $0["action"] as? String } == ["case.contacted"])
                #expect(caseEntries.first?["actor"] as? String == "quality-desk")
            }
        }
    }

    @Test func analystsRegisterImprovementActionsAndEveryRoleSeesTheRegister() async throws {
        let fixture = try await SurveyFixture()
        let analyst = try await key(fixture, role: .analyst)
        let board = try await key(fixture, role: .board)
        try await fixture.app.test(.router) { client in
            let action = ByteBuffer(
                string: #"{"department":"registration","channel":"phone","item":"time","description":"A second line at peak hours","ownerRole":"registration-head","startDay":"2026-03-01"}"#)
            var id = ""
            try await client.execute(uri: "/api/v1/actions", method: .post, headers: [.authorization: "Bearer \(analyst)"], body: action) { response in
                #expect(response.status == .created)
                let created = try #require(try json(response.body)["action"] as? [String: Any])
                id = try #require(created["id"] as? String)
                #expect(created["status"] as? String == "active")
                #expect(created["startDay"] as? String == "2026-03-01")
            }
            try await client.execute(uri: "/api/v1/actions", method: .post, headers: [.authorization: "Bearer \(board)"], body: action) { response in
                #expect(response.status == .forbidden)
            }
            let wrong = ByteBuffer(string: #"{"department":"nobody","item":"time","description":"x","ownerRole":"lead","startDay":"2026-13-01"}"#)
            try await client.execute(uri: "/api/v1/actions", method: .post, headers: [.authorization: "Bearer \(analyst)"], body: wrong) { response in
                #expect(response.status == .unprocessableContent)
            }
            try await client.execute(
                uri: "/api/v1/actions/\(id)", method: .patch, headers: [.authorization: "Bearer \(analyst)"], body: ByteBuffer(string: #"{"status":"completed"}"#)
            ) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/v1/actions", method: .get, headers: [.authorization: "Bearer \(board)"]) { response in
                #expect(response.status == .ok)
                let actions = try #require(try json(response.body)["actions"] as? [[String: Any]])
                #expect(actions.map { $0["status"] as? String } == ["completed"])
            }
        }
    }

    /// Each operations route × each role: allowed, 401 without a key, 403 with another role.
    @Test func everyOperationsRouteRefusesTheRolesItIsNotFor() async throws {
        let fixture = try await SurveyFixture()
        var roleKeys: [Role: String] = [:]
        for role in Role.allCases { roleKeys[role] = try await key(fixture, role: role) }
        let keys = roleKeys
        let routes: [(HTTPRequest.Method, String, Set<Role>)] = [
            (.get, "/api/v1/follow-ups", [.admin]),
            (.patch, "/api/v1/follow-ups/abc", [.admin]),
            (.get, "/api/v1/actions", [.analyst, .board, .admin]),
            (.post, "/api/v1/actions", [.analyst, .admin]),
            (.patch, "/api/v1/actions/abc", [.analyst, .admin]),
            (.get, "/api/v1/audit", [.admin]),
        ]
        try await fixture.app.test(.router) { client in
            for (method, uri, allowed) in routes {
                try await client.execute(uri: uri, method: method) { response in
                    #expect(response.status == .unauthorized, "\(method) \(uri) without a key")
                }
                for role in Role.allCases {
                    try await client.execute(uri: uri, method: method, headers: [.authorization: "Bearer \(keys[role]!)"], body: ByteBuffer(string: "{}")) {
                        response in
                        if allowed.contains(role) {
                            #expect(response.status != .unauthorized && response.status != .forbidden, "\(method) \(uri) as \(role)")
                        } else {
                            #expect(response.status == .forbidden, "\(method) \(uri) as \(role)")
                        }
                    }
                }
            }
        }
    }
}

/// A local webhook receiver: answers 503 while `down`, otherwise 200, and records each
/// delivery's event id and whether its signature verified.
final class Receiver: Sendable {
    struct Delivery: Sendable {
        var eventID: String
        var bodyID: String
        var signed: Bool
    }

    let down = Mutex(true)
    let deliveries = Mutex<[Delivery]>([])
    let refused = Mutex(0)
    let secret: String

    init(secret: String) { self.secret = secret }

    func application(port: Int, onRunning: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        let router = Router()
        router.post("hook") { request, _ -> Response in
            let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
            if self.down.withLock({ $0 }) {
                self.refused.withLock { $0 += 1 }
                return Response(status: .serviceUnavailable)
            }
            let signature = request.headers[HTTPField.Name("Rida-Signature")!] ?? ""
            let signed = WebhookSignature.verify(header: signature, body: body, secret: self.secret, now: Int64(Date().timeIntervalSince1970))
            let bodyID = (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])?["id"] as? String ?? ""
            self.deliveries.withLock {
                $0.append(Delivery(eventID: request.headers[HTTPField.Name("Rida-Event-Id")!] ?? "", bodyID: bodyID, signed: signed))
            }
            return Response(status: .ok)
        }
        return Application(
            router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) })
    }
}

@Suite struct WebhookTests {
    /// The receiver is down for a while and the sender restarts in between: every event still
    /// arrives, signed, and each is acknowledged exactly once.
    @Test(.timeLimit(.minutes(3))) func everyEventIsDeliveredOnceAfterTheReceiverRecoversAcrossARestart() async throws {
        let fixture = try await SurveyFixture()
        let secret = "a-shared-secret-of-some-length"
        // Three cases: three case.opened events.
        try await fixture.app.test(.router) { client in
            for _ in 0..<3 {
                let token = try await fixture.issue()
                let (headers, body) = form("overall=2&contact=yes&contact-email=pilgrim%40example.org&lang=en")
                try await client.execute(uri: "/s/\(token.value)", method: .post, headers: headers, body: body) { #expect($0.status == .seeOther) }
            }
        }
        let receiver = Receiver(secret: secret)
        let portBox = Mutex(0)
        let receiverTask = Task {
            try await receiver.application(port: 0) { port in portBox.withLock { $0 = port } }.runService()
        }
        defer { receiverTask.cancel() }
        var port = 0
        for _ in 0..<200 where port == 0 {
            try await Task.sleep(for: .milliseconds(20))
            port = portBox.withLock { $0 }
        }
        try #require(port != 0)
        let settings = WebhookSettings(
            url: URL(string: "http://127.0.0.1:\(port)/hook")!, secret: secret, initialBackoff: 0.05, maximumBackoff: 0.2, pollInterval: 0.05)
        let logger = Logger(label: "webhook-test")
        // First run: the receiver is down; the sender keeps retrying, then is stopped (a restart).
        let first = Task { try await WebhookDelivery(store: fixture.store, settings: settings, logger: logger).run() }
        for _ in 0..<200 where receiver.refused.withLock({ $0 }) < 6 { try await Task.sleep(for: .milliseconds(20)) }
        first.cancel()
        _ = await first.result
        #expect(receiver.refused.withLock { $0 } >= 6)
        #expect(try await fixture.store.pendingEvents(at: Date().addingTimeInterval(3600), limit: 10).count == 3)
        // The receiver recovers; a new sender on a reopened database delivers everything.
        receiver.down.withLock { $0 = false }
        let reopened = try AppDatabase(path: fixture.store.writer.path)
        let second = Task { try await WebhookDelivery(store: reopened, settings: settings, logger: logger).run() }
        for _ in 0..<300 where receiver.deliveries.withLock({ $0.count }) < 3 { try await Task.sleep(for: .milliseconds(20)) }
        // Give a duplicate the time to show up, if there were to be one.
        try await Task.sleep(for: .milliseconds(300))
        second.cancel()
        _ = await second.result
        let deliveries = receiver.deliveries.withLock { $0 }
        #expect(deliveries.count == 3)
        #expect(Set(deliveries.map(\.eventID)).count == 3)
        #expect(deliveries.allSatisfy { $0.signed && $0.eventID == $0.bodyID })
        #expect(try await reopened.pendingEvents(at: Date().addingTimeInterval(3600), limit: 10).isEmpty)
    }

    @Test func aSignatureVerifiesOnlyForItsBodySecretAndTime() {
        let header = WebhookSignature.sign(body: #"{"id":"1"}"#, secret: "s3cret-s3cret-s3cret", timestamp: 1_000)
        #expect(WebhookSignature.verify(header: header, body: #"{"id":"1"}"#, secret: "s3cret-s3cret-s3cret", now: 1_010))
        #expect(!WebhookSignature.verify(header: header, body: #"{"id":"2"}"#, secret: "s3cret-s3cret-s3cret", now: 1_010))
        #expect(!WebhookSignature.verify(header: header, body: #"{"id":"1"}"#, secret: "another-secret-here", now: 1_010))
        #expect(!WebhookSignature.verify(header: header, body: #"{"id":"1"}"#, secret: "s3cret-s3cret-s3cret", now: 2_000))
    }
}
