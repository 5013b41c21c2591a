import Foundation
import Testing

/// `rida analyze` end to end: responses imported so that a unit's monthly CSAT has a known series.
extension CommandLineTests {
    /// Rows of the import file: `count` responses with overall = 5 and `total - count` with overall = 2.
    static func rows(_ day: String, _ department: String, _ channel: String, satisfied: Int, total: Int) -> [String] {
        (0..<total).map { index in "\(day),\(department),\(channel),\(index < satisfied ? 5 : 2)" }
    }

    /// The known monthly series of registration × office (satisfied of 20 each month).
    static let officeSatisfied = [10, 11, 11, 12, 13, 12, 14, 15, 14, 16, 17, 18]

    static func analysisFixture() async throws -> String {
        let directory = try temporaryDirectory()
        let db = try await newDatabase(in: directory)
        var lines = ["date,department,channel,overall"]
        for month in 1...12 {
            let day = "2025-\(month < 10 ? "0" : "")\(month)-15"
            lines += rows(day, "registration", "office", satisfied: officeSatisfied[month - 1], total: 20)
            lines += rows(day, "registration", "phone", satisfied: 12, total: 20)
            lines += rows(day, "registration", "web", satisfied: 12, total: 20)
            // The planted outlier: 1 in 10 satisfied, every month.
            lines += rows(day, "registration", "letter", satisfied: 1, total: 10)
        }
        // A tiny unit (n = 9 < 10): as far below the others as the outlier, never flagged.
        lines += rows("2025-06-10", "social-research", "phone", satisfied: 0, total: 9)
        // Next year: a cell of 3 responses, to be suppressed.
        lines += rows("2026-01-10", "registration", "office", satisfied: 15, total: 20)
        lines += rows("2026-01-10", "registration", "phone", satisfied: 11, total: 21)
        lines += rows("2026-01-10", "registration", "letter", satisfied: 3, total: 3)
        let file = directory.appendingPathComponent("series.csv")
        try (lines.joined(separator: "\n") + "\n").write(to: file, atomically: true, encoding: .utf8)
        let imported = try await rida(["import", "--db", db, "--seeds", shippedSeeds.path, file.path])
        #expect(imported.status == 0, "\(imported.error)")
        return db
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func unit(_ entries: [[String: Any]], _ department: String, _ channel: String) -> [String: Any]? {
        entries.first { entry in
            let unit = entry["unit"] as? [String: Any]
            return unit?["department"] as? String == department && unit?["channel"] as? String == channel
        }
    }

    @Test func analyzeGivesTheTrendOfAKnownSeriesAndFlagsThePlantedOutlierOnly() async throws {
        let db = try await Self.analysisFixture()
        let result = try await rida(
            ["analyze", "--db", db, "--seeds", shippedSeeds.path, "--from", "2025-01", "--to", "2025-12", "--by", "department,channel",
             "--metric", "csat", "--format", "json"])
        #expect(result.status == 0, "\(result.error)")
        let json = try Self.json(result.output)
        let metrics = try #require(json["metrics"] as? [[String: Any]])
        let csat = try #require(metrics.first { $0["metric"] as? String == "csat" })
        let units = try #require(csat["units"] as? [[String: Any]])
        // Units in organisational order (departments as configured, then channels), never by value.
        let order = units.map { ($0["unit"] as! [String: Any])["channel"] as! String }
        #expect(order == ["phone", "office", "phone", "letter", "web"], "social-research comes before registration in seeds/departments.yaml")

        // Mann–Kendall S and the Sen slope, computed here independently from the known series.
        let values = Self.officeSatisfied.map { Double($0) / 20 }
        var s = 0
        var slopes: [Double] = []
        for i in values.indices {
            for j in values.indices where j > i {
                s += values[j] > values[i] ? 1 : values[j] < values[i] ? -1 : 0
                slopes.append((values[j] - values[i]) / Double(j - i))
            }
        }
        slopes.sort()
        let sen = (slopes[slopes.count / 2 - 1] + slopes[slopes.count / 2]) / 2
        let office = try #require(Self.unit(units, "registration", "office"))
        let series = try #require(office["series"] as? [[String: Any]])
        #expect(series.map { $0["value"] as? Double } == values.map { $0 as Double? })
        #expect(series.allSatisfy { $0["n"] as? Int == 20 })
        let trend = try #require(office["trend"] as? [String: Any])
        #expect(trend["S"] as? Int == s)
        #expect(abs((trend["senSlope"] as? Double ?? .nan) - sen) < 1e-12)
        #expect(trend["verdict"] as? String == "increasing")
        #expect(trend["significant"] as? Bool == true)
        let flat = try #require(Self.unit(units, "registration", "phone")?["trend"] as? [String: Any])
        #expect(flat["S"] as? Int == 0 && flat["significant"] as? Bool == false)

        // Over the whole range: the outlier (n = 120) is flagged low; the tiny unit (n = 9) is not,
        // although its exact tail is as extreme, and it is marked as low numbers.
        let comparison = try #require(csat["comparison"] as? [String: Any])
        let compared = try #require(comparison["units"] as? [[String: Any]])
        #expect(comparison["exploratory"] as? Bool == true, "fewer than 10 units")
        let letter = try #require(Self.unit(compared, "registration", "letter"))
        #expect(letter["flag"] as? String == "low")
        #expect(letter["n"] as? Int == 120)
        let tiny = try #require(Self.unit(compared, "social-research", "phone"))
        #expect(tiny["n"] as? Int == 9)
        #expect(tiny["flag"] is NSNull)
        #expect((tiny["zAdjusted"] as? Double ?? 0) < -3.09)
        let tinySeries = try #require(Self.unit(units, "social-research", "phone")?["series"] as? [[String: Any]])
        #expect(tinySeries[5]["lowNumbers"] as? Bool == true)
        #expect(Self.unit(compared, "registration", "phone")?["flag"] is NSNull)

        // The cells the analysis read match the raw responses exactly.
        let check = try await rida(["analyze", "check", "--db", db, "--seeds", shippedSeeds.path])
        #expect(check.status == 0, "\(check.error)")
        #expect(check.output.contains("Cells exact"))
    }

    @Test func aSmallCellCostsNoOtherUnitAPointAndNoRangeTotalContainsIt() async throws {
        let db = try await Self.analysisFixture()
        let result = try await rida(
            ["analyze", "--db", db, "--seeds", shippedSeeds.path, "--from", "2025-01", "--to", "2026-01", "--by", "department,channel",
             "--metric", "csat", "--format", "json"])
        #expect(result.status == 0, "\(result.error)")
        let csat = try #require((try Self.json(result.output)["metrics"] as? [[String: Any]])?.first)
        let units = try #require(csat["units"] as? [[String: Any]])
        // registration × letter has one hidden month (3 responses in 2026-01) among 12 shown ones.
        let letter = try #require(Self.unit(units, "registration", "letter")?["series"] as? [[String: Any]])
        #expect(letter.last?["suppressed"] as? Bool == true)
        // Its range total is the sum of its shown months (12 × 10), not 123: range minus shown
        // months gives 0, not the hidden month.
        let range = try #require((csat["comparison"] as? [String: Any])?["units"] as? [[String: Any]])
        let letterRange = try #require(Self.unit(range, "registration", "letter"))
        #expect(letterRange["n"] as? Int == letter.compactMap { $0["n"] as? Int }.reduce(0, +))
        #expect(letterRange["n"] as? Int == 120)
        // The other units of 2026-01 keep their point, and their trend counts all 13 months.
        for channel in ["office", "phone"] {
            let unit = try #require(Self.unit(units, "registration", channel))
            let series = try #require(unit["series"] as? [[String: Any]])
            #expect(series.last?["suppressed"] as? Bool == false, "\(channel)")
            #expect((unit["trend"] as? [String: Any])?["points"] as? Int == 13, "\(channel)")
        }
        // Every period's total is the sum of its shown cells.
        let total = try #require((csat["total"] as? [String: Any])?["series"] as? [[String: Any]])
        for (index, point) in total.enumerated() {
            let shown = units.compactMap { ($0["series"] as? [[String: Any]])?[index]["n"] as? Int }.reduce(0, +)
            #expect(point["n"] as? Int == shown, "period \(index)")
        }
    }

    @Test func noOutputShowsAnEstimateForFewerThanFiveResponsesNorLetsOneBeDerived() async throws {
        let db = try await Self.analysisFixture()
        let arguments = ["analyze", "--db", db, "--seeds", shippedSeeds.path, "--from", "2026-01", "--to", "2026-01", "--by", "department,channel",
                         "--metric", "csat,nps,mean,response-rate"]
        let result = try await rida(arguments + ["--format", "json"])
        #expect(result.status == 0, "\(result.error)")
        let json = try Self.json(result.output)
        let csat = try #require((json["metrics"] as? [[String: Any]])?.first { $0["metric"] as? String == "csat" })
        let units = try #require(csat["units"] as? [[String: Any]])
        let letter = try #require(Self.unit(units, "registration", "letter")?["series"] as? [[String: Any]])
        #expect(letter[0]["suppressed"] as? Bool == true)
        for key in ["n", "value", "lower", "upper"] { #expect(letter[0][key] is NSNull, "\(key)") }
        // Nothing else is hidden to protect it: the total and the comparison count shown cells
        // only (20 + 21), and say so, so 41 − 20 − 21 leaves nothing to derive.
        #expect(json["margins"] as? String == "shown-cells")
        let hidden = units.filter { (($0["series"] as? [[String: Any]])?[0]["suppressed"] as? Bool) == true }
        #expect(hidden.count == 1)
        #expect(units.allSatisfy { (($0["series"] as? [[String: Any]])?[0]["secondary"] as? Bool) == false })
        let total = try #require((csat["total"] as? [String: Any])?["series"] as? [[String: Any]])
        #expect(total[0]["n"] as? Int == 41)
        let shownSum = units.compactMap { ($0["series"] as? [[String: Any]])?[0]["n"] as? Int }.reduce(0, +)
        #expect(shownSum == 41)
        let range = try #require((csat["comparison"] as? [String: Any])?["units"] as? [[String: Any]])
        #expect(range.filter { $0["suppressed"] as? Bool == true }.count == 1)
        #expect(range.compactMap { $0["n"] as? Int }.reduce(0, +) == 41)
        #expect(csat["hiddenCells"] as? Int == 1)

        // By department alone, registration is the sum of its shown channels: the same 41.
        let byDepartment = try await rida(
            ["analyze", "--db", db, "--seeds", shippedSeeds.path, "--from", "2026-01", "--to", "2026-01", "--by", "department", "--metric", "csat",
             "--format", "json"])
        #expect(byDepartment.status == 0, "\(byDepartment.error)")
        let departments = try #require(
            (try Self.json(byDepartment.output)["metrics"] as? [[String: Any]])?.first?["units"] as? [[String: Any]])
        let registration = try #require(departments.first { ($0["unit"] as? [String: Any])?["department"] as? String == "registration" })
        #expect((registration["series"] as? [[String: Any]])?[0]["n"] as? Int == 41)

        // Everywhere in every metric: a shown point has n ≥ 5.
        func visit(_ value: Any) {
            if let object = value as? [String: Any] {
                if let suppressed = object["suppressed"] as? Bool, !suppressed, let n = object["n"] as? Int, n > 0 {
                    #expect(n >= 5, "a shown estimate from \(n) responses: \(object)")
                }
                if object["suppressed"] as? Bool == true {
                    for key in ["n", "value", "lower", "upper", "z", "zAdjusted", "ebEstimate"] where object[key] != nil {
                        #expect(object[key] is NSNull, "\(key) of a suppressed cell")
                    }
                }
                object.values.forEach(visit)
            } else if let array = value as? [Any] {
                array.forEach(visit)
            }
        }
        visit(json)

        let text = try await rida(arguments + ["--format", "text", "--lang", "en"])
        #expect(text.status == 0, "\(text.error)")
        #expect(text.output.contains("fewer than 5 responses: not shown"))
        #expect(!text.output.contains("n=3"))
        let arabic = try await rida(arguments + ["--format", "text", "--lang", "ar"])
        #expect(arabic.output.contains("أقل من 5 ردود"))
    }

    @Test func analyzeRefusesUnknownDimensionsAndPeriods() async throws {
        let db = try await Self.analysisFixture()
        let badDimension = try await rida(["analyze", "--db", db, "--seeds", shippedSeeds.path, "--from", "2025-01", "--to", "2025-02", "--by", "staff"])
        #expect(badDimension.status != 0)
        #expect(badDimension.error.contains("unknown dimension 'staff'"))
        let badPeriod = try await rida(["analyze", "--db", db, "--seeds", shippedSeeds.path, "--from", "2025-13", "--to", "2025-02"])
        #expect(badPeriod.status != 0)
        #expect(badPeriod.error.contains("'2025-13' is not a month"))
    }

    /// The month not over yet is shown but marked provisional, and is no evidence in trends or
    /// comparisons; a response rate stays provisional while its invitations may be answered.
    @Test func theOpenMonthIsProvisionalAndLeftOutOfComparisons() async throws {
        let directory = try temporaryDirectory()
        let db = try await newDatabase(in: directory)
        let today = Date()
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Riyadh")!
        let parts = calendar.dateComponents([.year, .month, .day], from: today)
        let month = String(format: "%04d-%02d", parts.year!, parts.month!)
        let previous = String(format: "%04d-%02d", parts.month! == 1 ? parts.year! - 1 : parts.year!, parts.month! == 1 ? 12 : parts.month! - 1)
        let demo = try await rida(["demo", "--db", db + ".demo", "--seeds", shippedSeeds.path, "--responses", "4000", "--months", "6", "--end-month", month])
        #expect(demo.status == 0, "\(demo.error)")
        let arguments = ["analyze", "--db", db + ".demo", "--seeds", shippedSeeds.path, "--from", "2000-01", "--to", month, "--metric", "csat,response-rate"]
        let start = String(format: "%04d-%02d", parts.month! > 5 ? parts.year! : parts.year! - 1, (parts.month! + 6) % 12 + 1)
        var request = arguments
        request[request.firstIndex(of: "2000-01")!] = start
        let json = try Self.json(try await rida(request).output)
        let periods = try #require(json["periods"] as? [[String: Any]])
        #expect(periods.last?["label"] as? String == month)
        #expect(periods.last?["provisional"] as? Bool == true)
        #expect(periods.dropLast().allSatisfy { $0["provisional"] as? Bool == false })
        #expect(periods.dropLast().last?["responseRateProvisional"] as? Bool == true, "last month's invitations may still be answered")
        #expect(periods.first?["responseRateProvisional"] as? Bool == false)
        let metrics = try #require(json["metrics"] as? [[String: Any]])
        let csat = try #require(metrics.first { $0["metric"] as? String == "csat" })
        #expect((csat["latest"] as? [String: Any])?["scope"] as? String == previous, "the last complete month is compared")
        let included = try Self.json(try await rida(request + ["--include-provisional"]).output)
        let csatIncluded = try #require((included["metrics"] as? [[String: Any]])?.first { $0["metric"] as? String == "csat" })
        #expect((csatIncluded["latest"] as? [String: Any])?["scope"] as? String == month)
        let text = try await rida(request + ["--format", "text", "--lang", "en"])
        #expect(text.output.contains("Last period \(month) (provisional: the period is not over)"))
        #expect(text.output.contains("Compared with the other units in \(previous)"))
    }
}
