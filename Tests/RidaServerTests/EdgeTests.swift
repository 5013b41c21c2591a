import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import RidaCore
import RidaStore
import Testing

@testable import RidaServer

@Suite struct FailureThrottleTests {
    @Test func theFirstFailuresAreFreeThenDelaysDoubleToTheirCap() {
        let throttle = FailureThrottle()
        let now = Date()
        var verdicts: [FailureThrottle.Verdict] = []
        for _ in 0..<17 {
            let verdict = throttle.failure("10.0.0.1", now: now)
            verdicts.append(verdict)
            if case .delay = verdict { throttle.finished("10.0.0.1") }
        }
        #expect(verdicts.prefix(10).allSatisfy { $0 == .answer })
        let delays = verdicts.dropFirst(10).compactMap { verdict -> TimeInterval? in
            if case .delay(let seconds, _) = verdict { return seconds }
            return nil
        }
        #expect(delays == [0.25, 0.5, 1, 2, 4, 8, 8])
        #expect(throttle.failure("10.0.0.2", now: now) == .answer, "another client is not affected")
    }

    @Test func failuresAreForgottenGradually() {
        let throttle = FailureThrottle()
        let now = Date()
        for _ in 0..<12 { _ = throttle.failure("k", now: now) }
        #expect(throttle.score("k", now: now) == 12)
        #expect(abs(throttle.score("k", now: now.addingTimeInterval(60)) - 10) < 1e-9, "one failure forgotten every 30 s")
        #expect(throttle.failure("k", now: now.addingTimeInterval(90)) == .answer, "after 90 s the key is below its free failures again")
    }

    @Test func oneKeyCannotHoldManyDelayedAnswers() {
        let throttle = FailureThrottle()
        let now = Date()
        for _ in 0..<10 { _ = throttle.failure("k", now: now) }
        let waiting = (0..<6).map { _ in throttle.failure("k", now: now) }
        #expect(waiting.prefix(4).allSatisfy { if case .delay = $0 { true } else { false } })
        #expect(waiting.suffix(2).allSatisfy { if case .refuse = $0 { true } else { false } })
    }

    @Test func memoryStaysBoundedUnderAFloodOfKeys() {
        var policy = FailureThrottle.Policy()
        policy.maximumKeys = 1000
        let throttle = FailureThrottle(policy: policy)
        let now = Date()
        for n in 0..<5000 { _ = throttle.failure("10.\(n / 65536).\(n / 256 % 256).\(n % 256)", now: now) }
        #expect(throttle.keyCount <= 1001)
    }
}

@Suite struct ClientAddressingTests {
    func key(_ addressing: ClientAddressing, peer: String, _ headers: [(String, String)]) throws -> String {
        var fields = HTTPFields()
        for (name, value) in headers { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        return addressing.key(socket: try SocketAddress(ipAddress: peer, port: 4000), headers: fields)
    }

    @Test func headersOfAnUntrustedPeerAreIgnored() throws {
        let addressing = ClientAddressing(trustedProxies: [CIDR("127.0.0.1/32")!])
        #expect(try key(addressing, peer: "203.0.113.9", [("X-Forwarded-For", "10.0.0.66")]) == "203.0.113.9")
        #expect(try key(ClientAddressing(), peer: "127.0.0.1", [("X-Forwarded-For", "10.0.0.66")]) == "127.0.0.1", "no proxy is trusted by default")
    }

    @Test func aTrustedProxyNamesTheNearestUntrustedHop() throws {
        let addressing = ClientAddressing(trustedProxies: [CIDR("127.0.0.1")!, CIDR("10.1.0.0/16")!])
        #expect(try key(addressing, peer: "127.0.0.1", [("X-Forwarded-For", "198.51.100.7")]) == "198.51.100.7")
        // A client that sends its own X-Forwarded-For cannot choose its key: the proxy appends the real one.
        #expect(try key(addressing, peer: "127.0.0.1", [("X-Forwarded-For", "1.2.3.4, 198.51.100.7, 10.1.2.3")]) == "198.51.100.7")
        #expect(try key(addressing, peer: "127.0.0.1", [("X-Forwarded-For", "1.2.3.4"), ("X-Forwarded-For", "198.51.100.8")]) == "198.51.100.8")
        #expect(try key(addressing, peer: "127.0.0.1", [("Forwarded", #"for=192.0.2.60;proto=https, for="[2001:db8:cafe:1::17]:4711""#)]) == "2001:db8:cafe:1::/64")
        #expect(try key(addressing, peer: "127.0.0.1", [("X-Forwarded-For", "garbage")]) == "127.0.0.1", "an unreadable hop is not trusted")
        #expect(try key(addressing, peer: "127.0.0.1", []) == "127.0.0.1")
    }

    @Test func anIPv6ClientIsCountedByItsSlash64() throws {
        let addressing = ClientAddressing()
        #expect(try key(addressing, peer: "2001:db8:1:2:aaaa::1", []) == "2001:db8:1:2::/64")
        #expect(try key(addressing, peer: "2001:db8:1:2:bbbb::9", []) == "2001:db8:1:2::/64")
        #expect(try key(addressing, peer: "::ffff:192.0.2.1", []) == "192.0.2.1")
        #expect(CIDR("::1/129") == nil && CIDR("10.0.0.0/33") == nil && CIDR("x/8") == nil)
        #expect(CIDR("10.0.0.0/8")!.contains(IPAddress("10.255.1.1")!))
        #expect(!CIDR("10.0.0.0/8")!.contains(IPAddress("11.0.0.1")!))
    }
}

@Suite struct SharedAddressTests {
    /// 1,000 beneficiaries behind one trusted proxy (a hotel's or carrier's NAT), one of them
    /// guessing tokens throughout: every other one opens and submits their survey.
    @Test func oneGuesserBehindAProxyBlocksNoOneElse() async throws {
        let store = try await temporaryStore()
        let deps = try await dependencies(store)
        var settings = ServerSettings(host: "127.0.0.1", port: 0, baseURL: URL(string: "https://survey.example.org")!)
        settings.trustedProxies = [CIDR("127.0.0.1/32")!]
        var policy = FailureThrottle.Policy()
        policy.forgetEvery = 3600  // a loaded machine is slow; nothing is forgotten during the test
        policy.firstDelay = 0.01
        policy.maximumDelay = 0.05
        settings.throttle = policy
        let issuer = InvitationIssuer(configuration: deps.configuration, store: store, baseURL: settings.baseURL)
        let tokens = try await issuer.issue([IssueRequest(department: "registration", channel: "office", segment: "umrah", count: 1000)]).map(\.token)
        let app = buildApplication(settings: settings, dependencies: deps)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            // Connections of their own, as a proxy's upstream pool gives: one for the guesser, eight
            // shared by the 1,000 beneficiaries; generous read timeouts for a loaded machine.
            let configuration = TestClient.Configuration(timeout: .seconds(180))
            let guesses = Task {
                try await TestClient.withClient(host: "127.0.0.1", port: port, configuration: configuration) { guesser in
                    var throttled = 0
                    for attempt in 0..<300 {
                        let response = try await guesser.get(
                            "/s/\(String(format: "%026d", attempt))", headers: [HTTPField.Name("X-Forwarded-For")!: "10.9.9.9"])
                        if response.status == .tooManyRequests { throttled += 1 }
                    }
                    return throttled
                }
            }
            let answered = try await withThrowingTaskGroup(of: Int.self) { group in
                for connection in 0..<8 {
                    group.addTask {
                        try await TestClient.withClient(host: "127.0.0.1", port: port, configuration: configuration) { beneficiaries in
                            var ok = 0
                            for index in stride(from: connection, to: tokens.count, by: 8) {
                                let token = tokens[index]
                                let address: HTTPFields = [HTTPField.Name("X-Forwarded-For")!: "10.0.\(index / 250).\(index % 250 + 1)"]
                                let page = try await beneficiaries.get("/s/\(token.value)", headers: address)
                                var headers = address
                                headers[.contentType] = "application/x-www-form-urlencoded"
                                let submitted = try await beneficiaries.post(
                                    "/s/\(token.value)", headers: headers, body: ByteBuffer(string: "overall=4"))
                                if page.status == .ok && submitted.status == .seeOther { ok += 1 }
                            }
                            return ok
                        }
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(answered == 1000)
            let throttled = try await guesses.value
            #expect(throttled >= 280, "the guesser is slowed: \(throttled) of 300 guesses got 429")
            // The guesser's own neighbour on the same proxy mistypes once: a plain 404.
            let typo = try await client.execute(uri: "/s/\(String(format: "%026d", 9999))", method: .get, headers: [HTTPField.Name("X-Forwarded-For")!: "10.0.0.1"])
            #expect(typo.status == .notFound)
        }
        #expect(try await store.counts().responses == 1000)
    }
}

@Suite struct SignInThrottleTests {
    @Test func failedSignInsAreAuditedAndSlowed() async throws {
        let store = try await temporaryStore()
        let deps = try await dependencies(store)
        var settings = ServerSettings(port: 0, baseURL: URL(string: "https://survey.example.org")!)
        var policy = FailureThrottle.Policy()
        policy.forgetEvery = 3600  // a loaded machine is slow; nothing is forgotten during the test
        policy.firstDelay = 0.01
        policy.maximumDelay = 0.02
        settings.throttle = policy
        var generator = SystemRandomNumberGenerator()
        let right = APIKeyToken.generate(using: &generator)
        try await store.createKey(name: "quality", role: .analyst, keyHash: right.hash, at: Date())
        let app = buildApplication(settings: settings, dependencies: deps)
        try await app.test(.router) { client in
            var browser = Browser(client)
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<12 {
                var fresh = SystemRandomNumberGenerator()
                let wrong = APIKeyToken.generate(using: &fresh)
                statuses.append(try await browser.signIn(wrong.value).status)
            }
            #expect(statuses.prefix(10).allSatisfy { $0 == .unauthorized })
            #expect(statuses.suffix(2).allSatisfy { $0 == .tooManyRequests })
            // The right key is never refused for the wrong ones before it.
            let signedIn = try await browser.signIn(right.value)
            #expect(signedIn.status == .seeOther)
        }
        let failed = try await store.auditLog(limit: 100).filter { $0.action == "admin.sign-in-failed" }
        #expect(failed.count == 12)
        #expect(failed.allSatisfy { $0.actor == "unknown" && $0.detail == "unknown or revoked key" })
    }
}

@Suite struct ReadinessTests {
    @Test func readyWhenAWriteSucceedsAndLivenessNeedsNoDatabase() async throws {
        let store = try await temporaryStore()
        let app = buildApplication(settings: ServerSettings(port: 0), dependencies: try await dependencies(store))
        try await app.test(.router) { client in
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .ok)
            #expect(String(buffer: ready.body).contains(#""status":"ready""#))
        }
        let unavailable = buildApplication(settings: ServerSettings(port: 0), dependencies: try await dependencies(store, status: UnavailableStore()))
        try await unavailable.test(.router) { client in
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok, "liveness is the process's")
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .serviceUnavailable)
            #expect(String(buffer: ready.body).contains("the database does not answer"))
        }
    }

    @Test func notReadyBelowTheFreeSpaceMinimum() async throws {
        let store = try await temporaryStore()
        var settings = ServerSettings(port: 0)
        settings.minimumFreeBytes = Int64.max / 2
        let app = buildApplication(settings: settings, dependencies: try await dependencies(store))
        try await app.test(.router) { client in
            let ready = try await client.execute(uri: "/readyz", method: .get)
            #expect(ready.status == .serviceUnavailable)
            let body = String(buffer: ready.body)
            #expect(body.contains(#""status":"unavailable""#) && body.contains("free disk space beside the database"))
        }
    }
}
