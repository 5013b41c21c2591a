import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import RidaCore
import RidaStore
import Testing

@testable import RidaServer

/// The form as the beneficiary meets it: who sends it and about what, numbered questions, a
/// language change that keeps the answers, and a clear end page for every case.
@Suite struct SurveyFormTests {
    @Test func theFormNamesTheOrganisationAndTheServiceItAsksAbout() async throws {
        let fixture = try await SurveyFixture()
        let token = try await fixture.issue(service: "new-registration")
        try await fixture.app.test(.router) { client in
            try await client.execute(uri: "/s/\(token.value)?lang=en", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("Hajj and Umrah Gift Charitable Association"))
                #expect(html.contains("Registration — New registration"), "department and service, in English")
                #expect(html.contains(#"<span class="number">1.</span>"#) && html.contains(#"<span class="number">11.</span>"#))
                #expect(html.contains(#"id="f-overall""#), "the first point of a scale is the summary's target")
            }
            try await client.execute(uri: "/s/\(token.value)?lang=ar", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("جمعية هدية الحاج والمعتمر الخيرية"))
                #expect(html.contains("التسجيل"), "the department, in Arabic")
            }
        }
    }

    @Test func aLanguageChangeKeepsTheAnswersAndStoresNothing() async throws {
        let fixture = try await SurveyFixture()
        let token = try await fixture.issue()
        try await fixture.app.test(.router) { client in
            let (headers, body) = form("lang=ar&overall=4&recommend=9&suggestion=%D8%B4%D9%83%D8%B1%D8%A7&contact=yes&contact-phone=0551234567&switch-language=en")
            try await client.execute(uri: "/s/\(token.value)?lang=ar", method: .post, headers: headers, body: body) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.contains(#"<html lang="en" dir="ltr">"#))
                #expect(html.contains(#"value="4" checked"#) && html.contains(#"value="9" checked"#))
                #expect(html.contains("شكرا</textarea>"))
                #expect(html.contains(#"value="0551234567""#))
                #expect(html.contains(#"<input type="hidden" name="lang" value="en">"#))
                #expect(!html.contains("Error"), "a language change is not an error")
            }
            // Nothing at all yet: still just the form in the other language.
            try await client.execute(uri: "/s/\(token.value)", method: .post, headers: form("switch-language=ur").0, body: form("switch-language=ur").1) {
                #expect($0.status == .ok)
                #expect(String(buffer: $0.body).contains(#"<html lang="ur" dir="rtl">"#))
            }
        }
        #expect(try await fixture.counts().responses == 0)
        #expect(try await fixture.used(token) == false)
    }

    @Test func theSwitcherSubmitsTheFormAndEnterStillSends() async throws {
        let fixture = try await SurveyFixture()
        let token = try await fixture.issue()
        try await fixture.app.test(.router) { client in
            try await client.execute(uri: "/s/\(token.value)", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(html.contains(#"<button type="submit" class="language" name="switch-language" value="en" formnovalidate"#))
                // The first submit button of the form (the one Enter presses) sends the answers.
                let first = try #require(html.range(of: "<button"))
                #expect(html[first.lowerBound...].hasPrefix(#"<button type="submit" class="implicit""#))
                #expect(!html.contains("style="), "no inline style attributes: the policy forbids them")
            }
        }
    }

    @Test func aRepeatedVisitAfterAnsweringSaysTheAnswersWereReceived() async throws {
        let fixture = try await SurveyFixture()
        let token = try await fixture.issue()
        try await fixture.app.test(.router) { client in
            let (headers, body) = form("overall=5&lang=en")
            try await client.execute(uri: "/s/\(token.value)", method: .post, headers: headers, body: body) { #expect($0.status == .seeOther) }
            try await client.execute(uri: "/s/\(token.value)?lang=en", method: .get) { response in
                #expect(response.status == .gone)
                let html = String(buffer: response.body)
                #expect(html.contains("Already received"))
                #expect(!html.contains("no longer valid"))
                #expect(html.contains("Hajj and Umrah Gift Charitable Association"))
                #expect(html.contains(#"<a class="language" href="?lang=ar""#), "a way back to Arabic")
            }
        }
    }

    @Test func expiredRevokedAndUnknownLinksEachSayWhy() async throws {
        let fixture = try await SurveyFixture()
        let expired = try await fixture.issue(days: 1, at: Date().addingTimeInterval(-3 * 86400))
        let revoked = try await fixture.issue()
        #expect(try await fixture.store.revoke(tokenHash: revoked.hash, at: Date()) == .revoked)
        try await fixture.app.test(.router) { client in
            let cases: [(String, HTTPResponse.Status, String)] = [
                (expired.value, .gone, "This link has expired"), (revoked.value, .gone, "This link has been withdrawn"),
                ("AAAAAAAAAAAAAAAAAAAAAAAAAA", .notFound, "Survey not found"),
            ]
            for (token, status, title) in cases {
                try await client.execute(uri: "/s/\(token)?lang=en", method: .get) { response in
                    #expect(response.status == status)
                    let html = String(buffer: response.body)
                    #expect(html.contains("<title>\(title)</title>"), "\(title)")
                    #expect(html.contains("Hajj and Umrah Gift Charitable Association"))
                    #expect(html.contains(#"<nav class="languages""#) && html.contains(#"hreflang="ar""#))
                }
            }
        }
    }

    @Test func a422PageSaysErrorFirstAndLinksEachQuestionInError() async throws {
        let fixture = try await SurveyFixture()
        let token = try await fixture.issue()
        try await fixture.app.test(.router) { client in
            for (language, word) in [("en", "Error: "), ("ar", "خطأ: ")] {
                let (headers, body) = form("courtesy=4&ease=9&contact=yes&lang=\(language)")
                try await client.execute(uri: "/s/\(token.value)", method: .post, headers: headers, body: body) { response in
                    #expect(response.status == .unprocessableContent)
                    let html = String(buffer: response.body)
                    #expect(html.contains("<title>\(word)"))
                    for target in ["f-overall", "f-ease", "f-contact"] {
                        #expect(html.contains("<a href=\"#\(target)\">"), "\(target)")
                        #expect(html.contains(#"id="\#(target)""#), "\(target) is a field")
                    }
                }
            }
        }
    }

    @Test func theThankYouPageSaysWhenTheAssociationGetsInTouch() async throws {
        let fixture = try await SurveyFixture()
        let token = try await fixture.issue()
        try await fixture.app.test(.router) { client in
            let (headers, body) = form("overall=2&contact=yes&contact-phone=0551234567&lang=en")
            try await client.execute(uri: "/s/\(token.value)", method: .post, headers: headers, body: body) { response in
                #expect(response.headers[.location] == "/s/\(token.value)/thanks?lang=en&contact=yes")
            }
            try await client.execute(uri: "/s/\(token.value)/thanks?lang=en&contact=yes", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("within three days"))
                #expect(html.contains(#"href="?lang=ar&amp;contact=yes""#) || html.contains(#"href="?lang=ar&contact=yes""#))
            }
            try await client.execute(uri: "/s/\(token.value)/thanks?lang=en", method: .get) { response in
                #expect(!String(buffer: response.body).contains("within three days"))
            }
        }
    }

    @Test func draftLanguagesAreNotOfferedUnlessConfigured() async throws {
        let fixture = try await SurveyFixture(offeringDrafts: false)
        let urdu = try await fixture.issue(locale: "ur")
        try await fixture.app.test(.router) { client in
            try await client.execute(uri: "/s/\(urdu.value)", method: .get, headers: [.acceptLanguage: "ur,en;q=0.8"]) { response in
                let html = String(buffer: response.body)
                #expect(html.contains(#"<html lang="en" dir="ltr">"#), "a draft is not offered: the browser's next language")
                #expect(!html.contains(#"value="ur""#) && !html.contains("اردو"))
            }
            try await client.execute(uri: "/s/\(urdu.value)?lang=bn", method: .get) { response in
                #expect(String(buffer: response.body).contains(#"<html lang="ar" dir="rtl">"#))
            }
        }
    }
}
