import Crypto
import Foundation
import RidaCore
import Testing

@testable import RidaReports

/// Retention reaches written reports: an old month keeps its numbers and loses its comments.
@Suite struct ReportRetentionTests {
    static let secret = "OLD-COMMENT-تعليق-قديم"

    func month(_ directory: URL, _ name: String, first: String, last: String, markers: Bool) throws {
        let folder = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let comments = """
            <p class="note">Comments of units with fewer than 5 responses are not shown.</p>
            <h3>Registration · Office</h3>
            <ul class="comments"><li><bdi dir="auto">\(Self.secret) [phone]</bdi></li></ul>
            """
        // A review has one marked block of comments per department.
        let block = "\(ReportRetention.commentsStart)\n\(comments)\n\(ReportRetention.commentsEnd)\n"
        let section = markers ? block + "<h3>Social research</h3>\n" + block.replacingOccurrences(of: "Registration", with: "Social research") : comments + "\n"
        let review = "<html><body><section aria-labelledby=\"h-rates\"><h2>Rates</h2></section>\n<section aria-labelledby=\"h-comments\">\n<h2 id=\"h-comments\">Comments</h2>\n\(section)</section>\n<section aria-labelledby=\"h-actions\"><h2>Actions</h2></section></body></html>"
        try Data(review.utf8).write(to: folder.appendingPathComponent("review.en.html"))
        try Data(review.replacingOccurrences(of: "<html>", with: "<html lang=\"ar\">").utf8).write(to: folder.appendingPathComponent("review.ar.html"))
        try Data("<html>board</html>".utf8).write(to: folder.appendingPathComponent("board.en.html"))
        let csv = "\u{FEFF}day,department,channel,overall,suggestion,other\r\n"
            + "2025-01-03,registration,office,5,\"\(Self.secret), \"\"quoted\"\"\nline two\",x\r\n"
            + "2025-01-04,registration,office,4,,y\r\n"
            + "2025-01-05,registration,office,na,'=SUM(A1),z\r\n"
        try Data(csv.utf8).write(to: folder.appendingPathComponent("responses.csv"))
        var names = ["board.en.html", "responses.csv", "review.ar.html", "review.en.html"]
        if markers {
            let comments = "\u{FEFF}month,department,channel,satisfaction,times,comment\r\n2025-01,registration,office,5,2,\(Self.secret)\r\n"
            try Data(comments.utf8).write(to: folder.appendingPathComponent("comments.csv"))
            names.insert("comments.csv", at: 1)
        }
        let files = try names.map { name in
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            return ReportManifest.File(name: name, bytes: data.count, sha256: ReportRetention.sha256(data))
        }
        let manifest = ReportManifest(
            period: name, calendar: "gregorian", first: first, last: last, timeZone: "Asia/Riyadh", methodsVersion: "1", questionnaireVersions: ["default v1"],
            generatedAt: "2025-02-01T00:00:00Z",
            suppression: .init(threshold: 5, flagFrom: 10, primaryCells: 0, withheldCells: 0), files: files)
        try JSONEncoder().encode(manifest).write(to: folder.appendingPathComponent("manifest.json"))
    }

    func manifest(_ folder: URL) throws -> ReportManifest {
        try JSONDecoder().decode(ReportManifest.self, from: Data(contentsOf: folder.appendingPathComponent("manifest.json")))
    }

    @Test func anOldMonthLosesItsCommentsAndItsManifestSaysSo() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rida-retention-\(UUID().uuidString)")
        try month(directory, "2025-01", first: "2025-01-01", last: "2025-01-31", markers: true)
        try month(directory, "gregorian-2025-02", first: "2025-02-01", last: "2025-02-28", markers: false)
        try month(directory, "2026-11", first: "2026-11-01", last: "2026-11-30", markers: true)
        let recentBefore = try Data(contentsOf: directory.appendingPathComponent("2026-11/review.en.html"))
        let retention = ReportRetention(directory: directory, textItems: ["suggestion"])
        let now = try #require(ISO8601DateFormatter().date(from: "2026-12-01T10:00:00Z"))

        let summary = try retention.removeComments(before: try #require(CalendarDay("2025-12-01")), retentionDays: 365, at: now)
        #expect(summary.months == ["2025-01", "gregorian-2025-02"])
        for name in summary.months {
            let folder = directory.appendingPathComponent(name)
            for file in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
                let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                #expect(!text.contains("OLD-COMMENT"), "\(name)/\(file)")
            }
            let review = try String(contentsOf: folder.appendingPathComponent("review.en.html"), encoding: .utf8)
            #expect(review.contains("The comments were removed on 2026-12-01: comments are kept for 365 days."))
            #expect(review.contains("<h2 id=\"h-comments\">Comments</h2>") && review.contains("<h2>Actions</h2>") && review.contains("<h2>Rates</h2>"))
            if name == "2025-01" {
                #expect(review.contains("<h3>Social research</h3>"), "what lies between two blocks of comments stays")
                #expect(review.components(separatedBy: "The comments were removed on").count == 3, "each block says so")
                let comments = try Data(contentsOf: folder.appendingPathComponent("comments.csv"))
                #expect(comments == Data("\u{FEFF}month,department,channel,satisfaction,times,comment\r\n".utf8), "comments.csv keeps its header only")
            }
            let arabic = try String(contentsOf: folder.appendingPathComponent("review.ar.html"), encoding: .utf8)
            #expect(arabic.contains("حُذفت الملاحظات في 2026-12-01"))
            // The CSV keeps every row and every other cell, byte for byte.
            let csv = try Data(contentsOf: folder.appendingPathComponent("responses.csv"))
            #expect(
                csv == Data(("\u{FEFF}day,department,channel,overall,suggestion,other\r\n2025-01-03,registration,office,5,,x\r\n"
                    + "2025-01-04,registration,office,4,,y\r\n2025-01-05,registration,office,na,,z\r\n").utf8))
            // The manifest says when and why, and its hashes are those of the files now.
            let written = try manifest(folder)
            let removal = try #require(written.commentsRemoved)
            #expect(removal.at == "2026-12-01T10:00:00Z" && removal.retentionDays == 365 && removal.before == "2025-12-01")
            #expect(removal.reason.contains("365 days"))
            for file in written.files {
                let data = try Data(contentsOf: folder.appendingPathComponent(file.name))
                #expect(file.sha256 == ReportRetention.sha256(data) && file.bytes == data.count, "\(file.name)")
            }
        }
        #expect(try Data(contentsOf: directory.appendingPathComponent("2026-11/review.en.html")) == recentBefore)
        #expect(try manifest(directory.appendingPathComponent("2026-11")).commentsRemoved == nil)

        // Again: nothing left to do, nothing changed.
        let before = try Data(contentsOf: directory.appendingPathComponent("2025-01/manifest.json"))
        #expect(try retention.removeComments(before: try #require(CalendarDay("2025-12-01")), retentionDays: 365, at: now).months.isEmpty)
        #expect(try Data(contentsOf: directory.appendingPathComponent("2025-01/manifest.json")) == before)
    }

    @Test func aReviewWithoutACommentsSectionIsNotClaimedDone() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rida-retention-\(UUID().uuidString)")
        try month(directory, "2025-01", first: "2025-01-01", last: "2025-01-31", markers: true)
        try Data("<html>something else</html>".utf8).write(to: directory.appendingPathComponent("2025-01/review.en.html"))
        #expect(throws: ReportRetention.RetentionError.self) {
            try ReportRetention(directory: directory, textItems: ["suggestion"])
                .removeComments(before: CalendarDay(year: 2025, month: 12, day: 1), retentionDays: 365, at: Date())
        }
        #expect(try manifest(directory.appendingPathComponent("2025-01")).commentsRemoved == nil)
    }

    /// A report the server was writing when it was killed stays in a hidden folder: once it is
    /// clearly abandoned, retention removes it; one being written now is left alone.
    @Test func anAbandonedStagingFolderIsRemoved() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rida-retention-\(UUID().uuidString)")
        try month(directory, "2026-10", first: "2026-10-01", last: "2026-10-31", markers: true)
        let abandoned = ".gregorian-2026-10-\(UUID().uuidString)"
        let writing = ".gregorian-2026-11-\(UUID().uuidString)"
        let now = Date()
        for name in [abandoned, writing] {
            try FileManager.default.copyItem(at: directory.appendingPathComponent("2026-10"), to: directory.appendingPathComponent(name))
        }
        try FileManager.default.setAttributes(
            [.modificationDate: now.addingTimeInterval(-2 * 3600)], ofItemAtPath: directory.appendingPathComponent(abandoned).path)
        let summary = try ReportRetention(directory: directory, textItems: ["suggestion"])
            .removeComments(before: CalendarDay(year: 2025, month: 1, day: 1), retentionDays: 365, at: now)
        #expect(summary.abandoned == [abandoned] && summary.months.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent(abandoned).path))
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(writing).path))
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("2026-10/review.en.html").path))
    }

    @Test func aMissingReportFolderIsNothingToDo() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("rida-none-\(UUID().uuidString)")
        #expect(try ReportRetention(directory: missing, textItems: []).removeComments(before: CalendarDay(year: 2025, month: 1, day: 1), retentionDays: 1, at: Date()).months.isEmpty)
    }

    /// A manifest written before totals were sums of shown cells still reads (and keeps what it said).
    @Test func aManifestOfAnEarlierVersionStillReads() throws {
        let old = """
            {"calendar":"gregorian","files":[],"first":"2025-01-01","generatedAt":"2025-02-01T00:00:00Z","last":"2025-01-31",
             "methodsVersion":"1","period":"2025-01","questionnaireVersions":["default v1"],"timeZone":"Asia/Riyadh",
             "suppression":{"flagFrom":10,"primaryCells":15,"secondaryCells":33,"threshold":5,"withheldCells":2,"withheldResponses":7}}
            """
        let manifest = try JSONDecoder().decode(ReportManifest.self, from: Data(old.utf8))
        #expect(manifest.suppression.margins == nil && manifest.suppression.withheldResponses == 7 && manifest.suppression.secondaryCells == 33)
        let written = try JSONSerialization.jsonObject(with: JSONEncoder().encode(manifest)) as? [String: Any]
        #expect((written?["suppression"] as? [String: Any])?["withheldResponses"] as? Int == 7)
        let new = ReportManifest.Suppression(threshold: 5, flagFrom: 10, primaryCells: 1, withheldCells: 0)
        let fresh = try JSONSerialization.jsonObject(with: JSONEncoder().encode(new)) as? [String: Any]
        #expect(fresh?["withheldResponses"] == nil && fresh?["margins"] as? String == "shown-cells")
    }
}
