import Foundation
import Testing

@testable import RidaCore

@Suite struct CalendarDayTests {
    @Test func parsesOnlyRealDates() {
        #expect(CalendarDay("2026-03-14") == CalendarDay(year: 2026, month: 3, day: 14))
        #expect(CalendarDay("2024-02-29") != nil)
        for bad in ["2026-02-29", "2026-13-01", "2026-3-14", "14/03/2026", "", "2026-03-14T00:00"] {
            #expect(CalendarDay(bad) == nil, "\(bad)")
        }
    }

    @Test func dayNumbersRoundTripAndWeekdaysAreRight() {
        for offset in stride(from: -800_000, through: 800_000, by: 997) {
            #expect(CalendarDay(daysSinceEpoch: offset).daysSinceEpoch == offset)
        }
        #expect(CalendarDay(year: 1970, month: 1, day: 1).daysSinceEpoch == 0)
        #expect(CalendarDay(year: 2026, month: 11, day: 27).weekday == 5, "a Friday")
        #expect(CalendarDay(year: 2026, month: 2, day: 28).adding(days: 1) == CalendarDay(year: 2026, month: 3, day: 1))
    }

    @Test func theDayIsTakenInTheOrganisationsTimeZone() {
        // 22:30 UTC on 13 March is 01:30 on 14 March in Riyadh.
        let instant = Date(timeIntervalSince1970: 1_773_441_000)
        #expect(CalendarDay(instant, in: TimeZone(identifier: "Asia/Riyadh")!) == CalendarDay(year: 2026, month: 3, day: 14))
        #expect(CalendarDay(instant, in: TimeZone(identifier: "UTC")!) == CalendarDay(year: 2026, month: 3, day: 13))
        #expect(CalendarDay(year: 2026, month: 3, day: 14).description == "2026-03-14")
        #expect(CalendarDay(year: 2026, month: 3, day: 14).monthKey == "2026-03")
    }
}

@Suite struct InvitationTokenTests {
    @Test func tokensAreShortUnambiguousAndDistinct() {
        var generator = SystemRandomNumberGenerator()
        var seen = Set<String>()
        for _ in 0..<2000 {
            let token = InvitationToken.generate(using: &generator)
            #expect(token.value.count == 26)
            #expect(token.value.allSatisfy { "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains($0) })
            seen.insert(token.value)
        }
        #expect(seen.count == 2000)
    }

    @Test func typedTokensAreReadLeniently() throws {
        var generator = SystemRandomNumberGenerator()
        let token = InvitationToken.generate(using: &generator)
        let typed = token.value.lowercased().replacingOccurrences(of: "0", with: "o").replacingOccurrences(of: "1", with: "l")
        let grouped = stride(from: 0, to: 26, by: 5).map { start in
            String(typed.dropFirst(start).prefix(5))
        }.joined(separator: "-")
        #expect(InvitationToken(parsing: grouped) == token)
        #expect(InvitationToken(parsing: grouped)?.hash == token.hash)
    }

    @Test func anythingElseIsNotAToken() {
        for bad in ["", "short", String(repeating: "A", count: 27), String(repeating: "U", count: 26), "../../etc/passwd", "٠١٢٣"] {
            #expect(InvitationToken(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test func onlyTheHashIsKeptAndItIsSHA256() {
        var generator = SystemRandomNumberGenerator()
        let token = InvitationToken.generate(using: &generator)
        #expect(token.hash.count == 32)
        #expect(token.hash != Data(token.value.utf8))
    }
}

@Suite struct LocalizedTextTests {
    @Test func fallsBackToEnglishThenToAStableChoice() {
        let text = LocalizedText(["ar": "شكراً", "en": "Thank you", "fr": "Merci"])
        #expect(text.text(in: "ar") == "شكراً")
        #expect(text.text(in: "ur") == "Thank you")
        #expect(LocalizedText(["fr": "Merci", "ar": "شكراً"]).text(in: "ur") == "شكراً")
    }
}
