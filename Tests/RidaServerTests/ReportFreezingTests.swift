import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import RidaAnalytics
import RidaCore
import RidaReports
import RidaStore
import Testing

@testable import RidaServer

/// Reports follow how months close: the server writes a frozen month's set itself (the job
/// `rida serve` runs), opening a report never writes one, and a late import into a frozen month
/// gives an amended set beside the frozen one, which is kept.
@Suite struct ReportFreezingTests {
    /// Every file under `directory` (hidden ones too) with its size and content hash: what a
    /// request could have changed.
    static func listing(_ directory: URL) -> [String: String] {
        var files: [String: String] = [:]
        guard let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else { return files }
        for case let url as URL in walker {
            let relative = String(url.path.dropFirst(directory.path.count))
            let data = (try? Data(contentsOf: url)) ?? Data()
            files[relative] = "\(data.count) \(Data(SHA256.hash(data: data)).base64EncodedString())"
        }
        return files
    }

    static func manifest(_ folder: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("manifest.json"))) as? [String: Any])
    }

    static func responses(day: CalendarDay, count: Int, firstID: Int64) -> [SurveyResponse] {
        (0..<count).map { k in
            SurveyResponse(
                id: firstID + Int64(k), day: day, unit: ServiceUnit(department: "registration", channel: "office"), locale: "ar",
                questionnaire: "default", questionnaireVersion: 1, source: .import, answers: [ItemAnswer(item: "overall", value: .value(k % 5 + 1))])
        }
    }

    @Test func openingAFrozenMonthWhoseSetIsNotWrittenWritesNothingAndAnswers503() async throws {
        let fixture = try await AnalyticsAPITests().fixture()
        let analyst = try await InvitationsAPITests().key(fixture, role: .analyst)
        let directory = fixture.reports.directory
        try await fixture.app.test(.router) { client in
            for file in ["review.en.html", "manifest.json", "aggregates.csv"] {
                try await client.execute(uri: "/api/v1/reports/2026-03/\(file)", method: .get, headers: [.authorization: "Bearer \(analyst)"]) {
                    response in
                    #expect(response.status == .serviceUnavailable, "\(file)")
                    #expect(String(buffer: response.body).contains(#""code":"report_pending""#), "\(file)")
                    #expect(response.headers[HTTPField.Name("Retry-After")!] == String(ReportFiles.retryAfterSeconds))
                }
            }
        }
        #expect(!FileManager.default.fileExists(atPath: directory.path), "a request wrote into the reports folder")
        #expect(try await fixture.store.auditLog(limit: 100).allSatisfy { $0.action != "report.downloaded" })
    }

    @Test func theAdminAreaAnswersTheSameWithoutWriting() async throws {
        let fixture = try await AdminFixture()
        let month = try await fixture.insertResponses()
        try await fixture.app.test(.router) { client in
            var browser = Browser(client)
            #expect(try await browser.signIn(try await fixture.key(.analyst, name: "analyst key")).status == .seeOther)
            let page = try await browser.get("/admin/reports/\(month)/review.en.html")
            #expect(page.status == .serviceUnavailable)
            #expect(page.headers[HTTPField.Name("Retry-After")!] == String(ReportFiles.retryAfterSeconds))
            #expect(String(buffer: page.body).contains("حاول مرة أخرى بعد بضع دقائق"))
            #expect(!FileManager.default.fileExists(atPath: fixture.reports.directory.path))
            // Once the job has written it, the same link serves it.
            _ = try await fixture.reports.run(today: CalendarDay(Date(), in: fixture.store.settings.timeZone))
            #expect(try await browser.get("/admin/reports/\(month)/review.en.html").status == .ok)
        }
    }

    /// Data from January to March 2026; five days of grace. On 3 April March is still open.
    @Test func theJobWritesDueMonthsWithDataAndNoOthers() async throws {
        let fixture = try await AnalyticsAPITests().fixture()
        var freezer = fixture.reports
        freezer.schedule = ReportSchedule(graceDays: 5)
        let directory = freezer.directory
        func folders() throws -> Set<String> { Set(try FileManager.default.contentsOfDirectory(atPath: directory.path)) }

        let early = try await freezer.run(today: CalendarDay(year: 2026, month: 4, day: 3))
        #expect(early.failed.isEmpty)
        let written = try folders()
        #expect(written.filter { $0.hasPrefix("gregorian-") } == Set(["gregorian-2026-01", "gregorian-2026-02"]))
        let hijri = PeriodCalendar(.hijriMonth)
        let firstHijri = hijri.period(containing: CalendarDay(year: 2026, month: 1, day: 10)).label
        let openHijri = hijri.period(containing: CalendarDay(year: 2026, month: 3, day: 25)).label
        #expect(written.contains("hijri-\(firstHijri)"))
        #expect(!written.contains("hijri-\(openHijri)"), "a Hijri month still open was written")
        #expect(!written.contains { $0.hasPrefix(".") }, "a staging folder was left behind")
        #expect(Set(early.written.map(\.name)) == written)
        for name in written {
            #expect(
                Set(try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent(name).path))
                    == Set(ReportWriter.files(languages: ["ar", "en"])))
        }

        // Again the same day: nothing to do.
        #expect(try await freezer.run(today: CalendarDay(year: 2026, month: 4, day: 3)).written.isEmpty)
        #expect(try folders() == written)

        // The day March freezes, its set follows; April (open) and May (not begun) do not.
        let frozen = try await freezer.run(today: CalendarDay(year: 2026, month: 4, day: 6))
        #expect(frozen.written.map(\.name).contains("gregorian-2026-03"))
        #expect(try folders().filter { $0.hasPrefix("gregorian-") } == Set(["gregorian-2026-01", "gregorian-2026-02", "gregorian-2026-03"]))
    }

    @Test func aDatabaseWithoutDataGivesNoReports() async throws {
        let fixture = try await SurveyFixture()
        let summary = try await fixture.reports.run(today: CalendarDay(Date(), in: fixture.store.settings.timeZone))
        #expect(summary.written.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: fixture.reports.directory.path))
    }

    /// The board key (and any other) can make no file appear: not for frozen months not written
    /// yet, open or future months, months before the data, odd periods or file names.
    @Test func noRequestOfTheBoardMakesAFileAppear() async throws {
        let fixture = try await AnalyticsAPITests().fixture()
        let board = try await InvitationsAPITests().key(fixture, role: .board)
        let analyst = try await InvitationsAPITests().key(fixture, role: .analyst)
        let directory = fixture.reports.directory
        let parent = directory.deletingLastPathComponent()
        func siblings() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: parent.path).filter { $0.hasPrefix(directory.lastPathComponent) }
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = fixture.store.settings.timeZone
        let now = calendar.dateComponents([.year, .month], from: Date())
        let current = String(format: "%04d-%02d", now.year!, now.month!)
        let periods = [
            "2026-01", "2026-03", "2026-04", current, "2099-12", "2025-12", "1000-10", "0001-01", "9999-12", "2026-00", "2026-13", "2026-3",
            "..", "%2E%2E", "2026-03.", "2026-03%2F..", "-2026-03", "2026-03-amended-1", "gregorian-2026-03",
        ]
        let files = ReportWriter.files(languages: ["ar", "en"]) + ["secrets.txt", "..%2Fmanifest.json", "board.fr.html"]
        @Sendable func askEverything(_ client: any TestClientProtocol) async throws -> [HTTPResponse.Status] {
            var statuses: [HTTPResponse.Status] = []
            for key in [board, analyst] {
                for period in periods {
                    for file in files {
                        for query in ["", "?calendar=hijri", "?calendar=gregorian&calendar=hijri", "?calendar=../x"] {
                            let response = try await client.execute(
                                uri: "/api/v1/reports/\(period)/\(file)\(query)", method: .get, headers: [.authorization: "Bearer \(key)"])
                            statuses.append(response.status)
                        }
                    }
                }
            }
            return statuses
        }
        #expect(try siblings().isEmpty)
        try await fixture.app.test(.router) { client in
            let statuses = try await askEverything(client)
            #expect(!statuses.contains(.ok), "a file was served before any was written")
            #expect(statuses.contains(.serviceUnavailable))
        }
        #expect(try siblings().isEmpty, "a request made a file appear")

        // Once the job has written the frozen months, the same requests change nothing either.
        _ = try await fixture.reports.run(today: CalendarDay(year: 2026, month: 4, day: 1))
        let before = Self.listing(directory)
        #expect(!before.isEmpty)
        try await fixture.app.test(.router) { client in
            let statuses = try await askEverything(client)
            #expect(statuses.contains(.ok))
        }
        #expect(Self.listing(directory) == before, "a request changed the reports folder")
        #expect(try siblings() == [directory.lastPathComponent])
    }

    @Test func aLateImportIntoAFrozenMonthGivesAnAmendedSetAndKeepsTheFrozenOne() async throws {
        let fixture = try await AnalyticsAPITests().fixture()
        let analyst = try await InvitationsAPITests().key(fixture, role: .analyst)
        let board = try await InvitationsAPITests().key(fixture, role: .board)
        let april = CalendarDay(year: 2026, month: 4, day: 1)
        _ = try await fixture.reports.run(today: april)
        let directory = fixture.reports.directory
        let frozen = directory.appendingPathComponent("gregorian-2026-03")
        let names = ReportWriter.files(languages: ["ar", "en"])
        var original: [String: Data] = [:]
        for name in names { original[name] = try Data(contentsOf: frozen.appendingPathComponent(name)) }
        let frozenManifest = try Self.manifest(frozen)
        #expect(frozenManifest["replaces"] == nil && frozenManifest["amendment"] == nil)
        let recorded = try #require(frozenManifest["computedFrom"] as? [String: Any])
        #expect(recorded["responses"] as? Int == 24)

        // Nothing changed: nothing is written.
        #expect(try await fixture.reports.run(today: april).written.isEmpty)

        // Late paper responses of 15 March.
        try await fixture.store.insert(
            invitations: [], responses: Self.responses(day: CalendarDay(year: 2026, month: 3, day: 15), count: 6, firstID: 90_000))
        let later = try await fixture.reports.run(today: CalendarDay(year: 2026, month: 4, day: 20))
        #expect(later.failed.isEmpty)
        #expect(later.written.contains(ReportFreezer.Written(name: "gregorian-2026-03-amended-1", replaces: "gregorian-2026-03")))
        #expect(!later.written.contains { $0.name.hasPrefix("gregorian-2026-02") || $0.name.hasPrefix("gregorian-2026-01") })
        // The Hijri month holding 15 March is amended too.
        let hijri = PeriodCalendar(.hijriMonth).period(containing: CalendarDay(year: 2026, month: 3, day: 15)).label
        #expect(later.written.contains { $0.name == "hijri-\(hijri)-amended-1" })

        for name in names {
            #expect(try Data(contentsOf: frozen.appendingPathComponent(name)) == original[name], "\(name) of the frozen set changed")
        }
        let amended = directory.appendingPathComponent("gregorian-2026-03-amended-1")
        let manifest = try Self.manifest(amended)
        #expect(manifest["replaces"] as? String == "gregorian-2026-03")
        #expect(manifest["amendment"] as? Int == 1)
        #expect((manifest["computedFrom"] as? [String: Any])?["responses"] as? Int == 30)
        for language in ["ar", "en"] {
            for page in ["review", "board"] {
                let html = try String(contentsOf: amended.appendingPathComponent("\(page).\(language).html"), encoding: .utf8)
                #expect(html.contains(#"<p class="amended" role="note">"#), "\(page).\(language).html does not say it is amended")
                #expect(html.contains(#"<bdi dir="ltr">gregorian-2026-03</bdi>"#), "\(page).\(language).html does not name the set it replaces")
                let before = try #require(String(data: original["\(page).\(language).html"]!, encoding: .utf8))
                #expect(!before.contains(#"class="amended""#))
            }
        }
        #expect(try String(contentsOf: amended.appendingPathComponent("review.ar.html"), encoding: .utf8).contains("تقرير مُعدَّل (التعديل رقم 1)"))

        // The API serves the latest set; the download is recorded under its folder.
        try await fixture.app.test(.router) { client in
            for key in [analyst, board] {
                let response = try await client.execute(
                    uri: "/api/v1/reports/2026-03/manifest.json", method: .get, headers: [.authorization: "Bearer \(key)"])
                #expect(response.status == .ok)
                let served = try #require(try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any])
                #expect(served["replaces"] as? String == "gregorian-2026-03")
            }
        }
        #expect(try await fixture.store.auditLog(limit: 100).contains { $0.subject == "gregorian-2026-03-amended-1/manifest.json" })

        // Unchanged since: no second amendment; another late import: the second replaces the first.
        #expect(try await fixture.reports.run(today: CalendarDay(year: 2026, month: 4, day: 21)).written.isEmpty)
        try await fixture.store.insert(
            invitations: [], responses: Self.responses(day: CalendarDay(year: 2026, month: 3, day: 16), count: 2, firstID: 91_000))
        let again = try await fixture.reports.run(today: CalendarDay(year: 2026, month: 4, day: 22))
        #expect(again.written.contains(ReportFreezer.Written(name: "gregorian-2026-03-amended-2", replaces: "gregorian-2026-03-amended-1")))
        #expect(try Self.manifest(directory.appendingPathComponent("gregorian-2026-03-amended-2"))["amendment"] as? Int == 2)
    }
}
