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

    /// One character of 18 KB (a letter and 9,000 combining marks) passes a 1,000-character limit
    /// by grapheme clusters; it is refused as too long, the answers kept, nothing stored.
    @Test(arguments: ["ar", "en"])
    func oneHugeCharacterIsTooLongAndNothingIsStored(language: String) async throws {
        let fixture = try await SurveyFixture()
        let token = try await fixture.issue()
        let smear = "a" + String(repeating: "\u{0301}", count: 9_000)
        try await fixture.app.test(.router) { client in
            let (headers, body) = form("overall=4&suggestion=\(Self.encoded(smear))&lang=\(language)")
            try await client.execute(uri: "/s/\(token.value)", method: .post, headers: headers, body: body) { response in
                #expect(response.status == .unprocessableContent)
                let html = String(buffer: response.body)
                #expect(html.contains(language == "ar" ? "يُرجى اختصار إجابتك بحيث لا يتجاوز عدد أحرفها 1000" : "Please shorten your answer to at most 1000 characters."))
                #expect(html.contains(#"value="4" checked"#), "the answers are kept")
            }
        }
        #expect(try await fixture.counts().responses == 0)
        #expect(try await fixture.counts().texts == 0)
        #expect(try await fixture.used(token) == false)
    }

    @Test(arguments: ["\u{202E}0551234567", "055\u{200B}1234567", "\u{2066}0551234567\u{2069}", "\u{200F}0551234567"])
    func aContactPhoneWithHiddenCharactersIsRefusedInTheUsersLanguage(phone: String) async throws {
        let fixture = try await SurveyFixture()
        let token = try await fixture.issue()
        try await fixture.app.test(.router) { client in
            for (language, message) in [("ar", "رموز غير مرئية"), ("en", "contains invisible characters"), ("ur", "نظر نہ آنے والے حروف")] {
                let (headers, body) = form("overall=1&contact=yes&contact-phone=\(Self.encoded(phone))&lang=\(language)")
                try await client.execute(uri: "/s/\(token.value)", method: .post, headers: headers, body: body) { response in
                    #expect(response.status == .unprocessableContent)
                    let html = String(buffer: response.body)
                    #expect(html.contains(message), "\(language)")
                    #expect(html.contains(#"value="1" checked"#), "the answers are kept")
                    // The number is shown again as it reads, without the characters that were refused.
                    #expect(html.contains(#"value="0551234567""#), "\(language)")
                    #expect(!html.unicodeScalars.contains { [0x202E, 0x200B, 0x2066, 0x2069, 0x200F].contains($0.value) })
                }
            }
            let (headers, body) = form("overall=1&contact=yes&contact-email=\(Self.encoded("me\u{200D}@example.org"))&lang=en")
            try await client.execute(uri: "/s/\(token.value)", method: .post, headers: headers, body: body) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("contains invisible characters"))
            }
        }
        #expect(try await fixture.counts().responses == 0)
        #expect(try await fixture.store.writer.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM follow_up") } == 0)
        #expect(try await fixture.used(token) == false)
    }
}
