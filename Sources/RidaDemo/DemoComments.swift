/// Sample comments in the questionnaire's languages. Some carry personal data (phone numbers in
/// several forms, e-mail addresses, an ID number) that reports must mask, and some carry numbers
/// that must NOT be masked (amounts, dates, counts).
enum DemoComments {
    /// `{contact}` is replaced by a phone number or e-mail address.
    static let positive: [String: [String]] = [
        "ar": [
            "شكراً لكم على حسن الاستقبال والتعامل الراقي.",
            "الخدمة كانت سريعة وواضحة، جزاكم الله خيراً.",
            "الموظفون متعاونون جداً، استلمت الهدية خلال 10 دقائق.",
            "تجربة ممتازة، أتمنى أن تستمروا على هذا المستوى.",
        ],
        "en": [
            "Thank you, the staff were very kind and patient.",
            "Quick and clear service, everything was explained well.",
            "Received our gift bags in 15 minutes, well organised.",
        ],
        "ur": [
            "بہت اچھی خدمت، عملہ بہت مہربان تھا۔",
            "سب کچھ واضح طور پر سمجھایا گیا، شکریہ۔",
            "تیز اور منظم خدمت، اللہ آپ کو جزائے خیر دے۔",
        ],
        "id": [
            "Pelayanan sangat baik dan ramah, terima kasih.",
            "Prosesnya cepat dan jelas, semoga terus seperti ini.",
            "Petugas sangat membantu kami, jazakallah khairan.",
        ],
        "bn": [
            "খুব ভালো সেবা, কর্মীরা খুব আন্তরিক ছিলেন।",
            "সবকিছু পরিষ্কারভাবে বুঝিয়ে দেওয়া হয়েছে, ধন্যবাদ।",
        ],
        "tr": [
            "Çok güzel hizmet, görevliler çok nazikti.",
            "Hızlı ve düzenli hizmet için teşekkürler.",
        ],
        "fr": [
            "Merci, le personnel était très aimable et patient.",
            "Service rapide et clair, tout était bien expliqué.",
        ],
    ]

    static let negative: [String: [String]] = [
        "ar": [
            "الانتظار كان طويلاً جداً، أكثر من ساعتين.",
            "لم يتم إبلاغي بموعد الرد على طلبي، أرجو التواصل على {contact}",
            "المعلومات المطلوبة لم تكن واضحة، راجعت المكتب 3 مرات.",
            "لم يرد أحد على الهاتف، رقمي {contact} ورقم الطلب 4512",
            "أرجو مراجعة طلبي، رقم الهوية {nationalID}",
            "تأخر صرف المساعدة وقدرها 500 ريال منذ 12/03/1446",
        ],
        "en": [
            "Waited a long time and nobody explained the next steps.",
            "Please call me back on {contact}, my request is still pending.",
            "The documents list on the website was not clear.",
        ],
        "ur": [
            "بہت لمبا انتظار کرنا پڑا، کوئی رہنمائی نہیں ملی۔",
            "براہ کرم مجھ سے {contact} پر رابطہ کریں۔",
            "فون پر کوئی جواب نہیں ملا۔",
        ],
        "id": [
            "Antreannya terlalu lama, hampir 2 jam.",
            "Mohon hubungi saya di {contact}, permohonan saya belum jelas.",
            "Informasi dokumen yang diperlukan kurang jelas.",
        ],
        "bn": [
            "অনেকক্ষণ অপেক্ষা করতে হয়েছে।",
            "অনুগ্রহ করে {contact} নম্বরে যোগাযোগ করুন।",
        ],
        "tr": [
            "Çok uzun süre bekledik, kimse bilgi vermedi.",
            "Lütfen benimle {contact} üzerinden iletişime geçin.",
        ],
        "fr": [
            "L'attente était très longue, personne ne nous a informés.",
            "Merci de me recontacter au {contact}, ma demande est toujours en attente.",
        ],
    ]

    /// Contact details as beneficiaries write them: Saudi mobile numbers in local and
    /// international forms, with spaces or dashes, in Western or Arabic-Indic digits, and e-mails.
    static let contacts = [
        "0551234567", "055 123 4567", "+966551234567", "+966 55 123 4567", "00966-55-123-4567",
        "٠٥٥١٢٣٤٥٦٧", "+٩٦٦٥٥١٢٣٤٥٦٧", "pilgrim.name@example.com", "ahmad_1990@example.org", "+62 812 3456 7890",
    ]

    /// Luhn-valid Saudi national ID / iqama numbers (fictitious).
    static let nationalIDs = ["1000000008", "2000000006", "1234567897"]
}
