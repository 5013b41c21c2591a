import Foundation
import GRDB
import HummingbirdTesting
import Hummingbird
import RidaCore
import RidaStore
import Testing

@testable import RidaServer

/// What a beneficiary types reaches the database masked, or not at all.
@Suite struct SurveyPrivacyTests {
    static func encoded(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics)! }

    /// The database file and its write-ahead log, as bytes.
    static func files(_ path: String) throws -> Data {
        var data = try Data(contentsOf: URL(fileURLWithPath: path))
        if let wal = try? Data(contentsOf: URL(fileURLWithPath: path + "-wal")) { data.append(wal) }
        return data
    }

    @Test func aCommentIsStoredMaskedAndTheTypedDetailsAreInNeitherFile() async throws {
        let fixture = try await SurveyFixture()
        let token = try await fixture.issue()
        let comment = "اتصلوا على ０５０/９８７/６５４３ أو ali\u{200B}@example.org"
        try await fixture.app.test(.router) { client in
            let (headers, body) = form("overall=2&suggestion=\(Self.encoded(comment))&lang=ar")
            try await client.execute(uri: "/s/\(token.value)", method: .post, headers: headers, body: body) { response in
                #expect(response.status == .seeOther)
            }
        }
        let stored = try await fixture.store.writer.read { try String.fetchOne($0, sql: "SELECT body FROM response_text") }
        #expect(stored == "اتصلوا على [phone] أو [email]")
        let path = try #require(try await fixture.store.writer.read { try String.fetchOne($0, sql: "SELECT file FROM pragma_database_list WHERE name = 'main'") })
        let data = try Self.files(path)
        for needle in ["０５０", "６５４３", "example.org", "ali\u{200B}@"] { #expect(data.range(of: Data(needle.utf8)) == nil, "\(needle)") }
    }
}
