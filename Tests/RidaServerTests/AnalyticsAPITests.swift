import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import RidaAnalytics
import RidaCore
import RidaReports
import RidaSeeds
import RidaStore
import Testing

@testable import RidaServer

@Suite struct AnalyticsAPITests {
    func fixture() async throws -> SurveyFixture {
        let fixture = try await SurveyFixture()
        // Three months of responses in two channels.
        var responses: [SurveyResponse] = []
        for (index, month) in [1, 2, 3].enumerated() {
            for channel in ["office", "phone"] {
                for k in 0..<12 {
                    responses.append(
                        SurveyResponse(
                            id: Int64(index * 1000 + (channel == "office" ? 0 : 500) + k), day: CalendarDay(year: 2026, month: month, day: 10),
                            unit: ServiceUnit(department: "registration", channel: channel), locale: "ar", questionnaire: "default",
                            questionnaireVersion: 1, source: .import, answers: [ItemAnswer(item: "overall", value: .value(k % 5 + 1))]))
                }
            }
        }
        try await fixture.store.insert(invitations: [], responses: responses)
        return fixture
    }

    let uri = "/api/v1/analytics?from=2026-01&to=2026-03&by=department,channel&metric=csat,mean"

    @Test func everyRoleButAnalystAndAdminIsRefused() async throws {
        let fixture = try await fixture()
        let api = InvitationsAPITests()
        let analyst = try await api.key(fixture, role: .analyst)
        let admin = try await api.key(fixture, role: .admin)
        let issuer = try await api.key(fixture, role: .issuer)
        let board = try await api.key(fixture, role: .board)
        try await fixture.app.test(.router) { client in
            try await client.execute(uri: uri, method: .get) { #expect($0.status == .unauthorized) }
            for key in [issuer, board] {
                try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(key)"]) { #expect($0.status == .forbidden) }
            }
            for key in [analyst, admin] {
                try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(key)"]) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                }
            }
        }
    }

    /// The API and the command line share one engine and one encoding: the JSON is the engine's.
    @Test func theAnswerIsTheEnginesJSON() async throws {
        let fixture = try await fixture()
        let key = try await InvitationsAPITests().key(fixture, role: .analyst)
        let engine = AnalysisEngine(configuration: try shippedConfigurationForServer(), timeZone: fixture.store.settings.timeZone)
        let expected = try await engine.analyse(
            AnalysisRequest(from: "2026-01", to: "2026-03", by: [.department, .channel], metrics: [.csat, .mean]), cells: fixture.store)
        try await fixture.app.test(.router) { client in
            try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(key)"]) { response in
                let result = try JSONDecoder().decode(AnalysisResult.self, from: Data(response.body.readableBytesView))
                #expect(result == expected)
                #expect(result.metrics.first?.units.count == 2)
                #expect(result.metrics.first?.units.first?.series.map(\.n) == [12, 12, 12])
            }
        }
        // Each analysis given out is in the audit log, with the query that asked for it.
        let entry = try #require(try await fixture.store.auditLog(limit: 10).first { $0.action == "analytics.requested" })
        #expect(entry.detail == "from=2026-01&to=2026-03&by=department,channel&period=month&metric=csat,mean&audience=quality&provisional=exclude")
        #expect(entry.actor != "unknown")
    }

    /// The direct JSON writer gives the same document as Foundation's JSONEncoder, for an analysis
    /// with trends, control charts, comparisons, suppressed cells and empty periods.
    @Test func theJSONWriterMatchesJSONEncoder() async throws {
        let fixture = try await SurveyFixture()
        var generator = SystemRandomNumberGenerator()
        var responses: [SurveyResponse] = []
        var id: Int64 = 1
        let departments = ["registration", "social-research", "beneficiary-services"]
        for month in 1...24 where month != 7 {
            for (d, department) in departments.enumerated() {
                for channel in ["office", "phone", "web"] {
                    let count = channel == "web" ? 3 : 8 + (month + d) % 9
                    for _ in 0..<count {
                        let overall = Int.random(in: 1...5, using: &generator)
                        responses.append(
                            SurveyResponse(
                                id: id, day: CalendarDay(year: 2025 + (month - 1) / 12, month: (month - 1) % 12 + 1, day: 10),
                                unit: ServiceUnit(department: department, channel: channel), locale: "ar", questionnaire: "default",
                                questionnaireVersion: 1, source: .import,
                                answers: [
                                    ItemAnswer(item: "overall", value: .value(min(5, overall + (d == 0 && month > 12 ? 1 : 0)))),
                                    ItemAnswer(item: "recommend", value: .value(Int.random(in: 0...10, using: &generator))),
                                    ItemAnswer(item: "ease", value: .value(Int.random(in: 1...7, using: &generator))),
                                ]))
                        id += 1
                    }
                }
            }
        }
        try await fixture.store.insert(invitations: [], responses: responses)
        let engine = AnalysisEngine(configuration: try shippedConfigurationForServer(), timeZone: fixture.store.settings.timeZone)
        for by: [AnalysisDimension] in [[.department], [.department, .channel], []] {
            let result = try await engine.analyse(
                AnalysisRequest(from: "2025-01", to: "2026-12", by: by, metrics: [.csat, .nps, .ces, .mean, .bottom2, .responseRate]),
                cells: fixture.store)
            #expect(result.metrics.contains { $0.units.contains { $0.trend != nil && $0.spc != nil } } || by.isEmpty)
            for pretty in [true, false] {
                let written = try AnalysisJSON.encode(result, pretty: pretty)
                let reference = try AnalysisJSON.referenceEncode(result, pretty: pretty)
                let a = try JSONSerialization.jsonObject(with: written) as? NSDictionary
                let b = try JSONSerialization.jsonObject(with: reference) as? NSDictionary
                #expect(a != nil && a == b, "by \(by), pretty \(pretty)")
            }
            let decoder = JSONDecoder()
            decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
            #expect(try decoder.decode(AnalysisResult.self, from: AnalysisJSON.encode(result, pretty: false)) == result)
        }
    }

    @Test func badParametersGive422NamingTheParameter() async throws {
        let fixture = try await fixture()
        let key = try await InvitationsAPITests().key(fixture, role: .analyst)
        try await fixture.app.test(.router) { client in
            for (query, code) in [
                ("from=2026-01&to=2026-03&by=staff", "invalid_by"), ("from=2026-01&to=2026-03&metric=ranking", "invalid_metric"),
                ("from=2026-13&to=2026-03", "invalid_period"), ("from=2026-01&to=2026-03&period=decade", "invalid_period"),
            ] {
                try await client.execute(uri: "/api/v1/analytics?\(query)", method: .get, headers: [.authorization: "Bearer \(key)"]) { response in
                    #expect(response.status == .unprocessableContent, "\(query)")
                    #expect(String(buffer: response.body).contains(code), "\(query)")
                }
            }
            try await client.execute(uri: "/api/v1/analytics", method: .get, headers: [.authorization: "Bearer \(key)"]) { response in
                #expect(response.status == .badRequest)
            }
        }
    }
}

func shippedConfigurationForServer() throws -> SeedConfiguration {
    try SeedLoader(directory: shippedSeeds).load()
}

@Suite struct ReportsAPITests {
    @Test func analystsAndTheBoardGetTheReportsOthersDoNot() async throws {
        let fixture = try await AnalyticsAPITests().fixture()
        let keys = InvitationsAPITests()
        let analyst = try await keys.key(fixture, role: .analyst)
        let board = try await keys.key(fixture, role: .board)
        let issuer = try await keys.key(fixture, role: .issuer)
        // The server writes the sets of frozen months; the first of April, January to March are.
        let frozen = try await fixture.reports.run(today: CalendarDay(year: 2026, month: 4, day: 1))
        #expect(frozen.failed.isEmpty)
        try await fixture.app.test(.router) { client in
            let uri = "/api/v1/reports/2026-03/review.ar.html"
            try await client.execute(uri: uri, method: .get) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(issuer)"]) { #expect($0.status == .forbidden) }
            // The board gets the board pack, not the review, its comments or the record-level files.
            for file in ["review.ar.html", "responses.csv", "aggregates.csv"] {
                try await client.execute(uri: "/api/v1/reports/2026-03/\(file)", method: .get, headers: [.authorization: "Bearer \(board)"]) {
                    #expect($0.status == .forbidden, "\(file)")
                }
            }
            // A month not yet over has no report.
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "Asia/Riyadh")!
            let now = calendar.dateComponents([.year, .month], from: Date())
            let current = String(format: "%04d-%02d", now.year!, now.month!)
            try await client.execute(uri: "/api/v1/reports/\(current)/review.en.html", method: .get, headers: [.authorization: "Bearer \(analyst)"]) {
                #expect($0.status == .conflict)
            }
            for (key, uri) in [(analyst, uri), (board, "/api/v1/reports/2026-03/board.ar.html")] {
                try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(key)"]) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                    let html = String(buffer: response.body)
                    #expect(html.contains(#"<html lang="ar" dir="rtl">"#))
                    // The page's stylesheet is allowed by its hash.
                    let open = try #require(html.range(of: "<style>")), close = try #require(html.range(of: "</style>"))
                    let digest = Data(SHA256.hash(data: Data(html[open.upperBound..<close.lowerBound].utf8))).base64EncodedString()
                    #expect(response.headers[.contentSecurityPolicy]?.contains("'sha256-\(digest)'") == true)
                }
            }
            try await client.execute(uri: "/api/v1/reports/2026-03/aggregates.csv", method: .get, headers: [.authorization: "Bearer \(analyst)"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
                #expect(response.headers[HTTPField.Name("Content-Disposition")!]?.hasPrefix("attachment") == true)
            }
            for (uri, status) in [
                ("/api/v1/reports/2026-03/secrets.txt", HTTPResponse.Status.notFound), ("/api/v1/reports/..%2F..%2Fetc/passwd", .unprocessableContent),
                ("/api/v1/reports/2026-13/review.en.html", .unprocessableContent), ("/api/v1/reports/2026-03/review.en.html?calendar=julian", .unprocessableContent),
            ] {
                try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(analyst)"]) { response in
                    #expect(response.status == status, "\(uri)")
                }
            }
        }
    }
}
