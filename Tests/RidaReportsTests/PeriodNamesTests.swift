import Testing

@testable import RidaReports

@Suite struct PeriodNamesTests {
    @Test func aGregorianMonthNamesTheHijriMonthsItOverlaps() {
        let english = PeriodNames(language: "en", hijri: false)
        // Umm al-Qura: Jumada I 1448 begins on 2026-10-12, Jumada II on 2026-11-11.
        #expect(english.name("2026-11") == "Nov 2026")
        #expect(english.full("2026-11") == "Nov 2026 (Jum. I–II 1448)")
        #expect(english.full("2026-10", long: true) == "October 2026 (Rabiʻ II–Jumada I 1448)")
        let arabic = PeriodNames(language: "ar", hijri: false)
        #expect(arabic.full("2026-11") == "نوفمبر 2026 (جمادى الأولى–الآخرة 1448)")
    }

    @Test func aHijriMonthNamesTheGregorianMonthsItOverlaps() {
        // Ramadan 1447 ran from 2026-02-18 to 2026-03-19.
        #expect(PeriodNames(language: "en", hijri: true).full("1447-09", long: true) == "Ramadan 1447 (February–March 2026)")
        #expect(PeriodNames(language: "ar", hijri: true).full("1447-09") == "رمضان 1447 (فبراير–مارس 2026)")
        // Dhuʻl-Hijjah 1447 into Muharram 1448 spans a Hijri new year but one Gregorian year.
        #expect(PeriodNames(language: "en", hijri: true).name("1447-12") == "Dhuʻl-H. 1447")
    }

    @Test func otherLabelsStayAsTheyAre() {
        let names = PeriodNames(language: "en", hijri: false)
        #expect(names.full("2026-W05") == "2026-W05")
        #expect(names.full("2026-Q1") == "2026-Q1")
        #expect(names.overlap("2026-13") == nil)
    }
}
