import Foundation
import GRDB
import RidaCore
import RidaSeeds

@testable import RidaStore

let shippedSeeds = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("seeds")

func shippedConfiguration() throws -> SeedConfiguration {
    try SeedLoader(directory: shippedSeeds).load()
}

/// A path for a database file in a fresh temporary directory.
func temporaryDatabasePath() -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rida-store-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.appendingPathComponent("rida.sqlite").path
}

/// Every row of every table, as text, in a stable order: equal dumps mean equal content.
func dump(_ store: AppDatabase) throws -> String {
    try store.writer.read { db in
        var lines: [String] = []
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        for table in tables {
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM \"\(table)\"")
            lines.append(contentsOf: rows.map { "\(table): \($0)" }.sorted())
        }
        return lines.joined(separator: "\n")
    }
}

let riyadh = TimeZone(identifier: "Asia/Riyadh")!

func sampleResponse(id: Int64, department: String = "registration", channel: String = "office", overall: Int = 4) -> SurveyResponse {
    SurveyResponse(
        id: id, day: CalendarDay(year: 2026, month: 3, day: 14), unit: ServiceUnit(department: department, channel: channel, segment: "umrah"),
        locale: "ur", questionnaire: "default", questionnaireVersion: 1, source: .invitation,
        answers: [
            ItemAnswer(item: "overall", value: .value(overall)), ItemAnswer(item: "referral", value: .notApplicable),
        ],
        texts: [ItemText(item: "suggestion", text: "بہت اچھی خدمت")])
}

func sampleInvitation(department: String = "registration", usedAt: Date? = nil) -> Invitation {
    var generator = SystemRandomNumberGenerator()
    let issued = Date(timeIntervalSince1970: 1_773_460_800)
    return Invitation(
        tokenHash: InvitationToken.generate(using: &generator).hash, unit: ServiceUnit(department: department, channel: "office"),
        locale: "ar", questionnaire: "default", questionnaireVersion: 1, issuedAt: issued, expiresAt: issued.addingTimeInterval(30 * 86400),
        usedAt: usedAt)
}
