import Testing

@testable import RidaCore

struct RedactionCase: CustomTestStringConvertible, Sendable {
    let input: String
    let expected: String
    let kinds: [Redaction.Kind]

    init(_ input: String, _ expected: String, _ kinds: [Redaction.Kind]) {
        self.input = input
        self.expected = expected
        self.kinds = kinds
    }

    var testDescription: String { input }
}

/// Comments with personal data, and what the reports must show instead.
let personalData: [RedactionCase] = [
    // Saudi mobiles, local form, in Western, Arabic-Indic and Persian digits and with separators.
    .init("رقمي 0551234567 شكراً", "رقمي [phone] شكراً", [.phone]),
    .init("تواصلوا معي على 055 123 4567 بعد العصر", "تواصلوا معي على [phone] بعد العصر", [.phone]),
    .init("Call me on 055-123-4567 please", "Call me on [phone] please", [.phone]),
    .init("My number: 055.123.4567", "My number: [phone]", [.phone]),
    .init("My number is (055) 123 4567.", "My number is [phone].", [.phone]),
    .init("جوالي ٠٥٥١٢٣٤٥٦٧", "جوالي [phone]", [.phone]),
    .init("جوالي ٠٥٥ ١٢٣ ٤٥٦٧، شكراً", "جوالي [phone]، شكراً", [.phone]),
    .init("براہ کرم مجھ سے ۰۵۵۱۲۳۴۵۶۷ پر رابطہ کریں۔", "براہ کرم مجھ سے [phone] پر رابطہ کریں۔", [.phone]),
    .init("رقمي ٠٥٥ 123 ۴۵۶۷ فقط", "رقمي [phone] فقط", [.phone]),
    // Saudi mobiles, international forms.
    .init(
        "Merci de me recontacter au +966551234567, ma demande est toujours en attente.",
        "Merci de me recontacter au [phone], ma demande est toujours en attente.", [.phone]),
    .init("Please call me back on +966 55 123 4567.", "Please call me back on [phone].", [.phone]),
    .init("هاتفي 00966-55-123-4567", "هاتفي [phone]", [.phone]),
    .init("واتساب 966551234567", "واتساب [phone]", [.phone]),
    .init("رقمي +٩٦٦٥٥١٢٣٤٥٦٧ للتواصل", "رقمي [phone] للتواصل", [.phone]),
    .init("Tel: +966 (0) 55 123 4567", "Tel: [phone]", [.phone]),
    .init("(+966) 55 123 4567 is my number", "[phone] is my number", [.phone]),
    // Saudi landlines.
    .init("هاتف المنزل 0126543210 في جدة", "هاتف المنزل [phone] في جدة", [.phone]),
    .init("مكتب الرياض 011 234 5678", "مكتب الرياض [phone]", [.phone]),
    .init("Office: +966 12 654 3210", "Office: [phone]", [.phone]),
    // Other countries, +CC and 00CC, in the questionnaire's languages.
    .init(
        "Mohon hubungi saya di +62 812-3456-7890, permohonan saya belum jelas.",
        "Mohon hubungi saya di [phone], permohonan saya belum jelas.", [.phone]),
    .init("Hubungi 0062 812 3456 7890 ya", "Hubungi [phone] ya", [.phone]),
    .init("براہ کرم مجھ سے +92 300 1234567 پر رابطہ کریں۔", "براہ کرم مجھ سے [phone] پر رابطہ کریں۔", [.phone]),
    .init("অনুগ্রহ করে +880 1712-345678 নম্বরে যোগাযোগ করুন।", "অনুগ্রহ করে [phone] নম্বরে যোগাযোগ করুন।", [.phone]),
    .init("অনুগ্রহ করে +৮৮০ ১৭১২-৩৪৫৬৭৮ নম্বরে যোগাযোগ করুন।", "অনুগ্রহ করে [phone] নম্বরে যোগাযোগ করুন।", [.phone]),
    .init(
        "Lütfen benimle +90 532 123 45 67 üzerinden iletişime geçin.", "Lütfen benimle [phone] üzerinden iletişime geçin.",
        [.phone]),
    .init("Mon numéro : +33 6 12 34 56 78.", "Mon numéro : [phone].", [.phone]),
    .init("US relative: +1 (202) 555-0143", "US relative: [phone]", [.phone]),
    // A number written after a phone stays.
    .init("I called 0551234567 3 times", "I called [phone] 3 times", [.phone]),
    .init("اتصلت على 0551234567 12 مرة", "اتصلت على [phone] 12 مرة", [.phone]),
    .init("Called +966 55 123 4567 12 times", "Called [phone] 12 times", [.phone]),
    .init("Saya menelepon +62 812 3456 7890 3 kali", "Saya menelepon [phone] 3 kali", [.phone]),
    .init("موعدي 2026-03-14 0551234567", "موعدي 2026-03-14 [phone]", [.phone]),
    // E-mail addresses.
    .init("Please write to ahmad_1990@example.org, thanks", "Please write to [email], thanks", [.email]),
    .init("بريدي pilgrim.name@example.com", "بريدي [email]", [.email]),
    .init("راسلوني علىahmad.ali+survey@mail.example.com.saشكراً", "راسلوني على[email]شكراً", [.email]),
    .init("Écrivez à Fatima.Z@Students.Uni-Example.edu.sa.", "Écrivez à [email].", [.email]),
    .init("(yusuf-k@example.co.id)", "([email])", [.email]),
    // National ID / iqama numbers.
    .init("أرجو مراجعة طلبي، رقم الهوية 1000000008", "أرجو مراجعة طلبي، رقم الهوية [id]", [.nationalID]),
    .init("رقم الإقامة: 2000000006.", "رقم الإقامة: [id].", [.nationalID]),
    .init("رقم الهوية ١٢٣٤٥٦٧٨٩٧ من فضلكم", "رقم الهوية [id] من فضلكم", [.nationalID]),
    .init("اقامہ نمبر ۲۰۰۰۰۰۰۰۰۶ ہے", "اقامہ نمبر [id] ہے", [.nationalID]),
    .init("الهوية1234567897فقط", "الهوية[id]فقط", [.nationalID]),
    .init("My iqama is 2000000006", "My iqama is [id]", [.nationalID]),
    // Gaps an attacker found (2026-12): full-width digits and signs, slashes, digit by digit,
    // invisible characters between digits or inside an address, a spaced ID.
    .init("رقمي ０５０９８７６５４３ شكراً", "رقمي [phone] شكراً", [.phone]),
    .init("Call +９６６ ５０ ９８７ ６５４３ today", "Call [phone] today", [.phone]),
    .init("Call 050/987/6543 today", "Call [phone] today", [.phone]),
    .init("جوالي ٠٥٠/٩٨٧/٦٥٤٣", "جوالي [phone]", [.phone]),
    .init("رقمي 0 5 0 9 8 7 6 5 4 3 شكراً", "رقمي [phone] شكراً", [.phone]),
    .init("Number: 0 5 0 9 8 7 6 5 4 3", "Number: [phone]", [.phone]),
    .init("رقمي 055 123 456 7 شكراً", "رقمي [phone] شكراً", [.phone]),
    .init("رقمي ⓪⑤⑤①②③④⑤⑥⑦ شكراً", "رقمي [phone] شكراً", [.phone]),
    .init("Call ⁰⁵⁵¹²³⁴⁵⁶⁷", "Call [phone]", [.phone]),
    .init("Call +966 50 987 654 3 today", "Call [phone] today", [.phone]),
    .init("رقمي 050\u{200B}987\u{200B}6543 شكراً", "رقمي [phone] شكراً", [.phone]),
    .init("رقمي 0\u{200C}5\u{200C}0\u{200C}9876543", "رقمي [phone]", [.phone]),
    .init("رقمي 05\u{200D}09876543", "رقمي [phone]", [.phone]),
    .init("رقمي 050\u{2060}987\u{2060}6543", "رقمي [phone]", [.phone]),
    .init("رقمي \u{FEFF}0509\u{FEFF}876543", "رقمي \u{FEFF}[phone]", [.phone]),
    .init("رقمي 050\u{00AD}987\u{00AD}6543.", "رقمي [phone].", [.phone]),
    .init("رقمي\u{200B}0509876543\u{200B}شكراً", "رقمي\u{200B}[phone]\u{200B}شكراً", [.phone]),
    .init("+966 50\u{200B}987 6543", "[phone]", [.phone]),
    .init("بريدي ahmad＠example.com شكراً", "بريدي [email] شكراً", [.email]),
    .init("بريدي ａｈｍａｄ＠ｅｘａｍｐｌｅ．ｃｏｍ", "بريدي [email]", [.email]),
    .init("mail ahm\u{200B}ad@exa\u{200D}mple.com ok", "mail [email] ok", [.email]),
    .init("mail ahmad\u{200B}@example\u{FEFF}.com", "mail [email]", [.email]),
    .init("رقم الهوية 1000 000 008 شكراً", "رقم الهوية [id] شكراً", [.nationalID]),
    .init("رقم الهوية 1 0 0 0 0 0 0 0 0 8", "رقم الهوية [id]", [.nationalID]),
    .init("ID 2000 0000 06, thanks", "ID [id], thanks", [.nationalID]),
    .init("رقم الهوية ١٠٠٠ ٠٠٠ ٠٠٨", "رقم الهوية [id]", [.nationalID]),
    .init("رقم الهوية １０００００００08", "رقم الهوية [id]", [.nationalID]),
    .init("ID 1000\u{200B}000\u{00AD}008", "ID [id]", [.nationalID]),
]

/// Comments whose numbers are not personal data: the text must come back unchanged.
let ordinaryNumbers: [String] = [
    "تأخر صرف المساعدة وقدرها 1500 ريال",
    "The voucher was SAR 2,500.00 instead of SAR 3,000",
    "استلمت ٣٠٠ ريال فقط",
    "Visited on 2026-03-14 at 10:30",
    "راجعت المكتب يوم 14/03/2026",
    "تاريخ الموعد ١٤٤٧/٠٩/١٠",
    "موعدي 1447-09-10 الساعة 9:15",
    "Visited on 05-03-2026 10 times",
    "Le 05.03.2026 14:30, rien",
    "On 14 03 2026 0930 the office was closed",
    "Every year since 2019, and again in 1447",
    "We waited in room 12 for 3 hours, counter 7 was closed",
    "الانتظار كان طويلاً جداً، أكثر من ساعتين، راجعت المكتب 3 مرات",
    "95% satisfied, ٩٠٪ من الموظفين متعاونون",
    "Invoice 1234567890 was never paid",
    "رقم الفاتورة 2000000007",
    "Reference 10000000080 (eleven digits)",
    "لم يرد أحد على الهاتف، رقم الطلب 4512",
    "Order number 987654321 is still pending",
    "Ticket 5512345678 was closed",
    "Tracking 2123456789 from the courier",
    "Ayat al-Kursi, 2:255, was recited",
    "تأخر صرف المساعدة وقدرها 500 ريال منذ 12/03/1446",
    "Total 1,234,567,890 SAR across 1.500.000 families",
    "Score went up +5 points, 0.5 kg each, 09:00-17:00",
    "Rate 1 2 3 4 5 6 7 8 9 10",
    "Invoice INV-2024-000123 and batch 12-345-678",
    "Antreannya terlalu lama, hampir 2 jam.",
    "Write to us at info@ or the desk at @rida",
    // Next to the gaps closed above, what must stay (2026-12).
    "تأخر صرف المساعدة وقدرها 1500 ريال",
    "Paid SAR 2,500 on 2026-11-05 at 10:30",
    "موعدي 05/11/2026 الساعة 10:30",
    "موعدي ٠٥/١١/٢٠٢٦ الساعة ١٠:٣٠",
    "Visit on 2026/11/05, again 05/11/2026",
    "رقم الطلب REQ-2026-000417",
    "Reference REQ-2026-000417 from 05/11/2026",
    "Ticket REQ/2026/000417",
    "استلمت １５００ ريال فقط",
    "We were 3 / 4 of the queue, 12/30 seats",
    "Scores 1 2 3 4 5",
    "Paid 2 000 000 riyals in total",
    "Counter 7\u{200B}, room 12",
    "Step ① then ②, ½ of the queue, floor ³, Ⅻ o'clock",
]

@Suite struct RedactionTests {
    @Test(arguments: personalData)
    func masksPersonalDataAndKeepsTheRestExactly(example: RedactionCase) {
        let result = Redaction.mask(example.input)
        #expect(result.text == example.expected)
        #expect(result.masked == example.kinds)
    }

    @Test(arguments: ordinaryNumbers)
    func leavesOrdinaryNumbersAlone(text: String) {
        let result = Redaction.mask(text)
        #expect(result.text == text)
        #expect(result.masked.isEmpty)
    }

    @Test(arguments: personalData.map(\.input) + ordinaryNumbers)
    func maskingMaskedTextChangesNothing(text: String) {
        let once = Redaction.mask(text)
        let twice = Redaction.mask(once.text)
        #expect(twice.text == once.text)
        #expect(twice.masked.isEmpty)
    }

    @Test func masksSeveralItemsInOneCommentInOrder() {
        let comment = "Call 0551234567 or +62 812 3456 7890, mail a.b@example.com; ID 1000000008. Paid 500 SAR on 2026-03-14."
        let result = Redaction.mask(comment)
        #expect(result.text == "Call [phone] or [phone], mail [email]; ID [id]. Paid 500 SAR on 2026-03-14.")
        #expect(result.masked == [.phone, .phone, .email, .nationalID])

        let arabic = "البريد ali@example.sa والهوية ٢٠٠٠٠٠٠٠٠٦ والجوال ٠٥٠٩٨٧٦٥٤٣ والمبلغ ٣٠٠ ريال"
        let masked = Redaction.mask(arabic)
        #expect(masked.text == "البريد [email] والهوية [id] والجوال [phone] والمبلغ ٣٠٠ ريال")
        #expect(masked.masked == [.email, .nationalID, .phone])
    }

    @Test func keepsBidiMarksAroundAMaskedNumber() {
        let comment = "\u{200F}رقمي \u{200E}+966 55 123 4567\u{200E} و\u{2066}a@example.com\u{2069}\u{200F}"
        let result = Redaction.mask(comment)
        #expect(result.text == "\u{200F}رقمي \u{200E}[phone]\u{200E} و\u{2066}[email]\u{2069}\u{200F}")
        #expect(result.text.unicodeScalars.filter { $0.value == 0x200F }.count == 2)
    }

    @Test func masksAPhoneWithBidiMarksBetweenItsGroups() {
        let result = Redaction.mask("رقمي 055\u{200E} 123\u{200E} 4567 شكراً")
        #expect(result.text == "رقمي [phone] شكراً")
    }

    @Test func leavesTextWithoutPersonalDataIdentical() {
        let comment = "خدمة ممتازة، شكراً\u{200F} — Çok güzel hizmet"
        #expect(Redaction.mask(comment) == Redaction.Result(text: comment, masked: []))
    }

    @Test func markersAreDistinctASCIIWithoutDigits() {
        let markers = Redaction.Kind.allCases.map(\.marker)
        #expect(markers == ["[phone]", "[email]", "[id]"])
        #expect(Set(markers).count == markers.count)
        for marker in markers {
            #expect(marker.unicodeScalars.allSatisfy { $0.isASCII && !("0"..."9").contains($0) && $0 != "@" })
        }
    }

    /// Generated IDs, checked against a Luhn written here and not the one under test.
    @Test(arguments: 0..<40)
    func masksAValidGeneratedIDButNotOneWithAWrongCheckDigit(seed: Int) {
        let prefix = generatedPrefix(seed: seed)
        let check = luhnCheckDigit(prefix)
        for zero: UInt32 in [0x30, 0x660, 0x6F0] {
            let valid = digits(prefix + [check], zero: zero)
            let masked = Redaction.mask("رقم الهوية \(valid) شكراً")
            #expect(masked.text == "رقم الهوية [id] شكراً", "\(valid)")
            #expect(masked.masked == [.nationalID])

            for wrong in 0...9 where wrong != check {
                let text = "رقم الهوية \(digits(prefix + [wrong], zero: zero)) شكراً"
                #expect(Redaction.mask(text).text == text)
            }
        }
    }

    @Test func doesNotMaskAnIDInsideALongerDigitRun() {
        #expect(Redaction.mask("1000000008").text == "[id]")
        #expect(Redaction.mask("31000000008").text == "31000000008")
        #expect(Redaction.mask("10000000083").text == "10000000083")
        #expect(Redaction.mask("٣١٠٠٠٠٠٠٠٠٨").text == "٣١٠٠٠٠٠٠٠٠٨")
        // Luhn-valid as 11 digits too, so only the length tells them from an ID.
        #expect(Redaction.mask("Account 10000000082").text == "Account 10000000082")
        #expect(Redaction.mask("حساب ٢٠٠٠٠٠٠٠٠٦٥").text == "حساب ٢٠٠٠٠٠٠٠٠٦٥")
    }

    @Test func anIDMustStartWithOneOrTwo() {
        // 3000000004 is Luhn-valid but no Saudi ID starts with 3.
        #expect(luhnCheckDigit([3, 0, 0, 0, 0, 0, 0, 0, 0]) == 4)
        #expect(Redaction.mask("3000000004").text == "3000000004")
    }
}

/// A deterministic 9-digit prefix: 1 (citizen) or 2 (resident), then 8 digits.
private func generatedPrefix(seed: Int) -> [Int] {
    var state = UInt64(seed) &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    var prefix = [seed.isMultiple(of: 2) ? 1 : 2]
    for _ in 0..<8 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        prefix.append(Int((state >> 33) % 10))
    }
    return prefix
}

/// Luhn: from the right of the full number, every second digit (starting left of the check digit)
/// is doubled, and a two-digit product counts as the sum of its digits.
private func luhnCheckDigit(_ prefix: [Int]) -> Int {
    var sum = 0
    for (offset, digit) in prefix.reversed().enumerated() {
        if offset % 2 == 0 {
            let doubled = digit * 2
            sum += doubled / 10 + doubled % 10
        } else {
            sum += digit
        }
    }
    return (10 - sum % 10) % 10
}

private func digits(_ values: [Int], zero: UInt32) -> String {
    String(String.UnicodeScalarView(values.map { Unicode.Scalar(zero + UInt32($0))! }))
}
