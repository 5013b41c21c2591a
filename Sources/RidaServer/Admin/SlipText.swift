import Foundation
import RidaCore

/// The two lines a printed slip tells the beneficiary, in their language: an invitation to rate
/// the service, and until when the link works. Languages marked `draft` in `seeds/languages.yaml`
/// also get the English lines, until a native speaker has reviewed theirs.
struct SlipText {
    /// `{date}` is replaced by the expiry date, written for the language.
    static let lines: [String: (invitation: String, expiry: String)] = [
        "ar": ("شكرًا لزيارتكم. يسعدنا أن تخبرنا كيف خدمناك اليوم: امسح الرمز أو افتح الرابط.", "الرابط لك وحدك، ويُستخدم مرة واحدة، ويبقى متاحًا حتى {date}."),
        "en": (
            "Thank you for visiting us. Please tell us how we served you today: scan the code or open the link.",
            "This link is for you only, works once, and stays open until {date}."
        ),
        "ur": (
            "تشریف لانے کا شکریہ۔ براہِ کرم بتائیں کہ آج ہم نے آپ کی خدمت کیسے کی: کوڈ اسکین کریں یا لنک کھولیں۔",
            "یہ لنک صرف آپ کے لیے ہے، ایک بار استعمال ہوتا ہے اور {date} تک کھلا رہے گا۔"
        ),
        "id": (
            "Terima kasih atas kunjungan Anda. Beri tahu kami bagaimana layanan kami hari ini: pindai kode atau buka tautannya.",
            "Tautan ini hanya untuk Anda, dapat dipakai sekali, dan terbuka sampai {date}."
        ),
        "bn": (
            "আমাদের কাছে আসার জন্য ধন্যবাদ। আজ আমরা আপনাকে কেমন সেবা দিয়েছি জানান: কোডটি স্ক্যান করুন বা লিংকটি খুলুন।",
            "এই লিংকটি শুধু আপনার জন্য, একবার ব্যবহার করা যায়, এবং {date} পর্যন্ত খোলা থাকবে।"
        ),
        "tr": (
            "Ziyaretiniz için teşekkür ederiz. Bugün size nasıl hizmet ettiğimizi bize söyleyin: kodu okutun veya bağlantıyı açın.",
            "Bu bağlantı yalnızca sizin içindir, bir kez kullanılır ve {date} tarihine kadar açıktır."
        ),
        "fr": (
            "Merci de votre visite. Dites-nous comment nous vous avons servi aujourd’hui : scannez le code ou ouvrez le lien.",
            "Ce lien vous est personnel, ne sert qu’une fois et reste ouvert jusqu’au {date}."
        ),
    ]

    let language: String
    let direction: String
    let invitation: String
    let expiry: String
    /// The English lines beside a draft translation; nil for reviewed languages and English itself.
    let english: (invitation: String, expiry: String)?

    init(language code: String, configuration: SeedConfiguration, expiresAt: Date, timeZone: TimeZone) {
        let known = Self.lines[code] != nil
        let language = known ? code : "en"
        self.language = language
        direction = configuration.language(language)?.direction == .rtl ? "rtl" : "ltr"
        let own = Self.lines[language]!
        invitation = own.invitation
        expiry = own.expiry.replacingOccurrences(of: "{date}", with: Self.slipDate(expiresAt, language: language, timeZone: timeZone))
        if language != "en", configuration.language(language)?.draft ?? false {
            let english = Self.lines["en"]!
            self.english = (english.invitation, english.expiry.replacingOccurrences(of: "{date}", with: Self.date(expiresAt, language: "en", timeZone: timeZone)))
        } else {
            english = nil
        }
    }

    /// The day in the organisation's time zone, in the language's own long form (Gregorian).
    static func date(_ date: Date, language: String, timeZone: TimeZone, calendar: Calendar.Identifier = .gregorian) -> String {
        let formatter = DateFormatter()
        formatter.calendar = Calendar(identifier: calendar)
        formatter.locale = Locale(identifier: language)
        formatter.timeZone = timeZone
        formatter.setLocalizedDateFormatFromTemplate("dMMMMy")
        return formatter.string(from: date)
    }

    /// On an Arabic slip, the Umm al-Qura date too, as the beneficiary may count days by it.
    static func slipDate(_ date: Date, language: String, timeZone: TimeZone) -> String {
        let gregorian = Self.date(date, language: language, timeZone: timeZone)
        guard language == "ar" else { return gregorian }
        return "\(gregorian) (\(Self.date(date, language: language, timeZone: timeZone, calendar: .islamicUmmAlQura)) هـ)"
    }
}
