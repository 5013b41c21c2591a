import Foundation
import Testing

/// `rida report` and `rida export responses`, end to end, on imported data with known values.
extension CommandLineTests {
    static let hostileComments = [
        "<script>alert(1)</script>", "\"><img src=x onerror=alert(2)>", "=HYPERLINK(\"http://x\",\"y\")", "abc\u{202E}fed",
        "خدمة \"ممتازة\"،\nشكرًا لكم", "اتصلوا بي على 0551234567 من فضلكم", "@SUM(A1:A2)",
    ]

    /// 2026-01: registration × office 30 responses (18 satisfied, with comments), × phone 20 (9
    /// satisfied), × web 25 (10 satisfied); social-research × letter 3 responses, one with a
    /// comment, all to be withheld.
    static func reportFixture() async throws -> (db: String, directory: URL) {
        let directory = try temporaryDirectory()
        let db = try await newDatabase(in: directory)
        var lines = ["date,department,channel,overall,suggestion"]
        func quoted(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        for index in 0..<30 {
            let comment = index < hostileComments.count ? quoted(hostileComments[index]) : ""
            lines.append("2026-01-\(index % 28 + 1 < 10 ? "0" : "")\(index % 28 + 1),registration,office,\(index < 18 ? 5 : 2),\(comment)")
        }
        for index in 0..<20 { lines.append("2026-01-15,registration,phone,\(index < 9 ? 4 : 3),") }
        for index in 0..<25 { lines.append("2026-01-16,registration,web,\(index < 10 ? 5 : 1),") }
        lines.append("2026-01-20,social-research,letter,1,\"secret small cell comment\"")
        lines.append("2026-01-20,social-research,letter,2,")
        lines.append("2026-01-21,social-research,letter,1,")
        let file = directory.appendingPathComponent("data.csv")
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        let imported = try await rida(["import", "--db", db, "--seeds", shippedSeeds.path, file.path])
        #expect(imported.status == 0, "\(imported.error)")
        return (db, directory)
    }

    /// Parses CSV with Python's csv module (a real, independent parser).
    static func parseCSV(_ path: String) async throws -> [[String]] {
        let script = """
            import csv, json, sys
            with open(sys.argv[1], newline='', encoding='utf-8-sig') as f:
                print(json.dumps(list(csv.reader(f))))
            """
        let result = try await offPool { () throws -> Data in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-c", script, path]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return data
        }
        return try #require(try JSONSerialization.jsonObject(with: result) as? [[String]])
    }

    @Test func aReportHoldsTheKnownNumbersHidesSmallCellsAndMasksComments() async throws {
        let (db, directory) = try await Self.reportFixture()
        let out = directory.appendingPathComponent("report")
        let result = try await rida(
            ["report", "--db", db, "--seeds", shippedSeeds.path, "--templates", packageRoot.appendingPathComponent("Templates").path,
             "--period", "2026-01", "--out", out.path])
        #expect(result.status == 0, "\(result.error)")
        let names = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(names == ["aggregates.csv", "board.ar.html", "board.en.html", "comments.csv", "manifest.json", "responses.csv", "review.ar.html", "review.en.html"])

        // aggregates.csv against an independent count: CSAT = satisfied / answered.
        let aggregates = try await Self.parseCSV(out.appendingPathComponent("aggregates.csv").path)
        let header = try #require(aggregates.first)
        func column(_ name: String) throws -> Int { try #require(header.firstIndex(of: name)) }
        let (period, metric, level, department, channel, n, value, suppressed) = (
            try column("period"), try column("metric"), try column("level"), try column("department"), try column("channel"), try column("n"),
            try column("value"), try column("suppressed"))
        func row(_ dept: String, _ chan: String) -> [String]? {
            aggregates.first { $0[period] == "2026-01" && $0[metric] == "csat" && $0[level] == "department×channel" && $0[department] == dept && $0[channel] == chan }
        }
        let office = try #require(row("registration", "office"))
        #expect(office[n] == "30")
        #expect(abs((Double(office[value]) ?? .nan) - 18.0 / 30.0) < 1e-12)
        let small = try #require(row("social-research", "letter"))
        #expect(small[suppressed] == "true" && small[n] == "" && small[value] == "")
        // No cell is hidden to protect another: the other cells stay shown, and every total counts
        // shown cells only, so none of them contains the hidden cell.
        let phone = try #require(row("registration", "phone"))
        #expect(phone[suppressed] == "false" && phone[n] == "20")
        let web = try #require(row("registration", "web"))
        #expect(web[suppressed] == "false" && web[n] == "25")
        for line in aggregates.dropFirst() { #expect(line[suppressed] == "false" || line[n].isEmpty, "\(line)") }
        // Departments are sums of their shown department × channel cells: social-research (3) is
        // hidden, registration shows its three channels.
        func departmentRow(_ dept: String) -> [String]? {
            aggregates.first { $0[period] == "2026-01" && $0[metric] == "csat" && $0[level] == "department" && $0[department] == dept }
        }
        let registration = try #require(departmentRow("registration"))
        #expect(registration[suppressed] == "false" && registration[n] == "75")
        #expect(try #require(departmentRow("social-research"))[suppressed] == "true")
        let total = try #require(aggregates.first { $0[period] == "2026-01" && $0[metric] == "csat" && $0[level] == "all" })
        #expect(total[n] == "75" && abs((Double(total[value]) ?? .nan) - 37.0 / 75.0) < 1e-12)
        // Every shown estimate in every row has n ≥ 5.
        for line in aggregates.dropFirst() where line[suppressed] == "false" && !line[n].isEmpty {
            #expect((Int(line[n]) ?? 0) >= 5 || Int(line[n]) == 0, "\(line)")
        }

        // responses.csv: round-trips through a real parser, comments masked, small cell withheld,
        // formula-like cells neutralised.
        let responses = try await Self.parseCSV(out.appendingPathComponent("responses.csv").path)
        #expect(responses.count == 1 + 75, "only cells shown in the analysis contribute rows")
        // No day, only the month; and every row looks like at least 5 rows of its department ×
        // channel (the fixture's cells differ in nothing else, so all their details are shown).
        let head = try #require(responses.first)
        #expect(head.prefix(3) == ["month", "department", "channel"] && !head.contains("day"))
        #expect(responses.dropFirst().allSatisfy { $0[0] == "2026-01" })
        let quasi = try ["department", "channel", "segment", "service", "language", "questionnaire", "version", "source"].map { name in
            try #require(head.firstIndex(of: name))
        }
        let groups = Dictionary(grouping: responses.dropFirst(), by: { row in quasi.map { row[$0] } })
        #expect(groups.values.allSatisfy { $0.count >= 5 }, "\(groups.mapValues(\.count))")
        #expect(responses.dropFirst().allSatisfy { !$0[try! #require(head.firstIndex(of: "language"))].isEmpty })
        let suggestions = Set(responses.dropFirst().compactMap { $0.last }.filter { !$0.isEmpty })
        #expect(suggestions.contains("<script>alert(1)</script>"))
        #expect(suggestions.contains("خدمة \"ممتازة\"،\nشكرًا لكم"))
        #expect(suggestions.contains("'=HYPERLINK(\"http://x\",\"y\")") && suggestions.contains("'@SUM(A1:A2)"))
        #expect(suggestions.contains { $0.hasPrefix("اتصلوا بي على ") && !$0.contains("0551234567") })
        #expect(!suggestions.contains("secret small cell comment"))

        // No file shows the small cell's comment or the phone number; HTML escapes what it shows.
        for name in names {
            let text = try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
            #expect(!text.contains("secret small cell comment"), "\(name)")
            #expect(!text.contains("0551234567"), "\(name)")
        }
        for language in ["ar", "en"] {
            let review = try String(contentsOf: out.appendingPathComponent("review.\(language).html"), encoding: .utf8)
            #expect(review.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!review.contains("<script"))
            #expect(review.contains("<bdi dir=\"auto\">&quot;&gt;&lt;img src=x onerror=alert(2)&gt;</bdi>"))
            #expect(review.contains("<html lang=\"\(language)\" dir=\"\(language == "ar" ? "rtl" : "ltr")\">"))
        }

        // The manifest names every file with its SHA-256.
        let manifest = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("manifest.json"))) as? [String: Any])
        let files = try #require(manifest["files"] as? [[String: Any]])
        #expect(files.map { $0["name"] as? String } == names.filter { $0 != "manifest.json" })
        // How many responses the withheld cells hold is not published (with one such cell it would
        // be that cell's size); the totals count shown cells only, and say so.
        let suppression = try #require(manifest["suppression"] as? [String: Any])
        #expect(suppression["withheldResponses"] == nil)
        #expect(suppression["margins"] as? String == "shown-cells")
        #expect(suppression["secondaryCells"] as? Int == 0)
        #expect(suppression["secondaryResponses"] as? Int == 0)
    }

    /// The review's comments: grouped by unit, each distinct text once with how often it was
    /// written, the lowest satisfaction first; the full set in comments.csv; none of a small cell.
    @Test func commentsAreGroupedOnceEachLowestSatisfactionFirst() async throws {
        let directory = try temporaryDirectory()
        let db = try await newDatabase(in: directory)
        var lines = ["date,department,channel,overall,suggestion"]
        // registration × office: "too long a wait" three times (spacing, case and a full stop
        // differ) with ratings 4, 1 and 2; one comment rated 5, one rated 3; seven without comments.
        let comments = [("Too long a wait", 4), ("too  long a WAIT.", 1), ("Too long a wait ", 2), ("Kind staff", 5), ("No parking", 3)]
        for (index, (text, rating)) in comments.enumerated() { lines.append("2026-01-0\(index + 1),registration,office,\(rating),\"\(text)\"") }
        for index in 0..<7 { lines.append("2026-01-1\(index),registration,office,4,") }
        lines.append("2026-01-20,social-research,letter,1,\"small cell comment\"")
        let file = directory.appendingPathComponent("data.csv")
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        #expect(try await rida(["import", "--db", db, "--seeds", shippedSeeds.path, file.path]).status == 0)
        let out = directory.appendingPathComponent("report")
        let result = try await rida(
            ["report", "--db", db, "--seeds", shippedSeeds.path, "--templates", packageRoot.appendingPathComponent("Templates").path,
             "--period", "2026-01", "--out", out.path])
        #expect(result.status == 0, "\(result.error)")

        let rows = try await Self.parseCSV(out.appendingPathComponent("comments.csv").path)
        #expect(rows.first == ["month", "department", "channel", "satisfaction", "times", "comment"])
        #expect(Array(rows.dropFirst()) == [
            ["2026-01", "registration", "office", "1", "3", "Too long a wait"],
            ["2026-01", "registration", "office", "3", "1", "No parking"],
            ["2026-01", "registration", "office", "5", "1", "Kind staff"],
        ])
        for language in ["en", "ar"] {
            let review = try String(contentsOf: out.appendingPathComponent("review.\(language).html"), encoding: .utf8)
            #expect(!review.contains("small cell comment"))
            #expect(review.components(separatedBy: "ong a wait").count == 2, "the repeated comment is shown once")
            let order = ["Too long a wait", "No parking", "Kind staff"].compactMap { review.range(of: $0)?.lowerBound }
            #expect(order.count == 3 && order == order.sorted(), "lowest satisfaction first")
            #expect(review.contains(language == "en" ? "satisfaction 1 of 5, written 3 times" : "الرضا 1 من 5، تكررت 3 مرات"))
            #expect(review.contains(language == "en" ? "5 comments, 3 different" : "الملاحظات: 5، المختلفة منها: 3"))
            // Two are printed; the rest is one click away.
            #expect(review.contains("<details class=\"comments-more\">"))
        }
    }

    /// A report written while its month's invitations may still be answered labels that month's
    /// response rate provisional; an older month's rate is final.
    @Test func aResponseRateIsProvisionalWhileItsInvitationsMayBeAnswered() async throws {
        let directory = try temporaryDirectory()
        let db = try await newDatabase(in: directory)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Riyadh")!
        let lastMonth = try #require(calendar.date(byAdding: .month, value: -1, to: Date()))
        let old = try #require(calendar.date(byAdding: .month, value: -3, to: Date()))
        func label(_ date: Date) -> String {
            let parts = calendar.dateComponents([.year, .month], from: date)
            return String(format: "%04d-%02d", parts.year!, parts.month!)
        }
        #expect(try await rida(["demo", "--db", db, "--seeds", shippedSeeds.path, "--responses", "3000", "--months", "4", "--end-month", label(lastMonth)]).status == 0)
        for (month, provisional) in [(label(lastMonth), true), (label(old), false)] {
            let out = directory.appendingPathComponent("out-\(month)")
            let result = try await rida(
                ["report", "--db", db, "--seeds", shippedSeeds.path, "--templates", packageRoot.appendingPathComponent("Templates").path,
                 "--period", month, "--out", out.path, "--report-grace-days", "0"])
            #expect(result.status == 0, "\(result.error)")
            for (name, words) in [("review.en.html", "provisional: invitations of this period may still be answered"), ("board.ar.html", "مبدئي: قد تُجاب دعوات هذه الفترة لاحقًا")] {
                let html = try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
                #expect(html.contains(words) == provisional, "\(month) \(name)")
            }
        }
    }

    @Test func exportStreamsTheAnonymisedResponses() async throws {
        let (db, directory) = try await Self.reportFixture()
        let file = directory.appendingPathComponent("export.csv")
        let result = try await rida(["export", "responses", "--db", db, "--seeds", shippedSeeds.path, "--out", file.path])
        #expect(result.status == 0, "\(result.error)")
        #expect(result.error.contains("1 department × channel month(s)"))
        #expect(!result.error.contains("3 responses"), "how many responses were left out would give the small cell's size")
        let rows = try await Self.parseCSV(file.path)
        #expect(rows.first?.prefix(3) == ["day", "department", "channel"])
        let expectedRows = 1 + 30 + 20 + 25
        #expect(rows.count == expectedRows)
        #expect(!(rows.first ?? []).contains("id"))
        let data = try Data(contentsOf: file)
        #expect(data.prefix(3) == Data([0xEF, 0xBB, 0xBF]), "UTF-8 with a byte-order mark")
    }

    /// Reports follow how months close: none for a month that has not begun or ends before the
    /// data; an open month only as a provisional report, asked for, and labelled on every page.
    @Test func reportsFollowHowMonthsClose() async throws {
        let directory = try temporaryDirectory()
        let db = try await newDatabase(in: directory)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Riyadh")!
        let parts = calendar.dateComponents([.year, .month], from: Date())
        let month = String(format: "%04d-%02d", parts.year!, parts.month!)
        let next = String(format: "%04d-%02d", parts.month! == 12 ? parts.year! + 1 : parts.year!, parts.month! % 12 + 1)
        #expect(try await rida(["demo", "--db", db, "--seeds", shippedSeeds.path, "--responses", "3000", "--months", "3", "--end-month", month]).status == 0)
        let templates = packageRoot.appendingPathComponent("Templates").path
        func report(_ period: String, _ extra: [String] = []) async throws -> RunResult {
            try await rida(["report", "--db", db, "--seeds", shippedSeeds.path, "--templates", templates, "--period", period,
                            "--out", directory.appendingPathComponent("out-\(period)").path] + extra)
        }
        let future = try await report(next)
        #expect(future.status != 0 && future.error.contains("has not begun"))
        let before = try await report("2001-01")
        #expect(before.status != 0 && before.error.contains("there is no data for 2001-01"))
        let open = try await report(month)
        #expect(open.status != 0 && open.error.contains("is not frozen yet") && open.error.contains("--provisional"))
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("out-\(month)").path), "nothing written")
        let provisional = try await report(month, ["--provisional"])
        #expect(provisional.status == 0, "\(provisional.error)")
        #expect(provisional.output.contains("Provisional report for \(month)"))
        let out = directory.appendingPathComponent("out-\(month)")
        for name in ["review.ar.html", "review.en.html", "board.ar.html", "board.en.html"] {
            let html = try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
            #expect(html.contains(#"class="provisional""#), "\(name) does not say it is provisional")
        }
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: out.appendingPathComponent("manifest.json"))) as? [String: Any]
        #expect(manifest?["provisional"] as? Bool == true)
        // With no grace period, last month is frozen at once and needs no --provisional.
        let previous = String(format: "%04d-%02d", parts.month! == 1 ? parts.year! - 1 : parts.year!, parts.month! == 1 ? 12 : parts.month! - 1)
        let frozen = try await report(previous, ["--report-grace-days", "0"])
        #expect(frozen.status == 0, "\(frozen.error)")
        let frozenManifest = try JSONSerialization.jsonObject(
            with: Data(contentsOf: directory.appendingPathComponent("out-\(previous)/manifest.json"))) as? [String: Any]
        #expect(frozenManifest?["provisional"] == nil)
    }
}

extension CommandLineTests {
    /// A frozen report is kept as written: `rida report` again says it is current, and after a
    /// late import (which warns) writes an amended set beside it that names the one it replaces.
    @Test func aFrozenReportIsNeverRewrittenAndALateImportGivesAnAmendedSet() async throws {
        let (db, directory) = try await Self.reportFixture()
        let out = directory.appendingPathComponent("2026-01")
        let templates = packageRoot.appendingPathComponent("Templates").path
        func report() async throws -> RunResult {
            try await rida(["report", "--db", db, "--seeds", shippedSeeds.path, "--templates", templates, "--period", "2026-01", "--out", out.path])
        }
        func files(_ folder: URL) throws -> [String: Data] {
            var files: [String: Data] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
                files[name] = try Data(contentsOf: folder.appendingPathComponent(name))
            }
            return files
        }
        let first = try await report()
        #expect(first.status == 0, "\(first.error)")
        let frozen = try files(out)
        #expect(frozen.count == 8)

        let unchanged = try await report()
        #expect(unchanged.status == 0, "\(unchanged.error)")
        #expect(unchanged.output.contains("The frozen report set of 2026-01 in \(out.path) is current"), "\(unchanged.output)")
        #expect(try files(out) == frozen, "the frozen set was rewritten")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasPrefix("2026-01-amended") }.isEmpty)

        // Late paper responses of January: the import warns that the frozen month will be amended.
        let late = directory.appendingPathComponent("late.csv")
        try "date,department,channel,overall\n2026-01-25,registration,office,5\n2026-01-26,registration,office,4\n".write(
            to: late, atomically: true, encoding: .utf8)
        let imported = try await rida(["import", "--db", db, "--seeds", shippedSeeds.path, late.path])
        #expect(imported.status == 0, "\(imported.error)")
        #expect(imported.error.contains("warning: 2 imported responses fall in 2026-01, whose report is frozen"), "\(imported.error)")
        #expect(imported.error.contains("rida report --period 2026-01") && imported.error.contains("amended report set"))

        let amended = try await report()
        #expect(amended.status == 0, "\(amended.error)")
        #expect(amended.output.contains("Amended report 1 for 2026-01"), "\(amended.output)")
        #expect(amended.output.contains("It replaces the report set 2026-01"))
        #expect(try files(out) == frozen, "the frozen set changed")
        let folder = directory.appendingPathComponent("2026-01-amended-1")
        let manifest = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("manifest.json"))) as? [String: Any])
        #expect(manifest["replaces"] as? String == "2026-01")
        #expect(manifest["amendment"] as? Int == 1)
        for name in ["review.ar.html", "review.en.html", "board.ar.html", "board.en.html"] {
            let html = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            #expect(html.contains(#"class="amended""#) && html.contains(#"<bdi dir="ltr">2026-01</bdi>"#), "\(name)")
        }
        let current = try await report()
        #expect(current.status == 0)
        #expect(current.output.contains("\(folder.path) is current"), "\(current.output)")
    }

    /// An import into a month that is still open says nothing of amended reports.
    @Test func anImportIntoAnOpenMonthDoesNotWarn() async throws {
        let directory = try temporaryDirectory()
        let db = try await newDatabase(in: directory)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Riyadh")!
        let today = calendar.dateComponents([.year, .month, .day], from: Date())
        let file = directory.appendingPathComponent("today.csv")
        try "date,department,channel,overall\n\(String(format: "%04d-%02d-%02d", today.year!, today.month!, today.day!)),registration,office,5\n".write(
            to: file, atomically: true, encoding: .utf8)
        let imported = try await rida(["import", "--db", db, "--seeds", shippedSeeds.path, file.path])
        #expect(imported.status == 0, "\(imported.error)")
        #expect(imported.output.contains("Imported 1 response"))
        #expect(!imported.error.contains("warning"), "\(imported.error)")
    }
}
