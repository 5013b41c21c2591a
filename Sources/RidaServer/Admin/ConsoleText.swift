/// The words of the staff console, in English and Arabic, beside the admin area's (`AdminText`).
enum ConsoleText {
    /// The admin area's words and the console's, for the templates (`{{t.key}}`).
    static func all(_ language: String) -> [String: String] {
        let admin = AdminText(language: language)
        return admin.all.merging(words.mapValues { admin.language == "ar" ? $0.1 : $0.0 }) { _, console in console }
    }

    static func text(_ key: String, _ language: String) -> String {
        guard let pair = words[key] else { return AdminText(language: language)(key) }
        return AdminText(language: language).language == "ar" ? pair.1 : pair.0
    }

    static let words: [String: (String, String)] = [
        "consoleTitle": ("Staff console", "منصة إصدار الدعوات"),
        "toAdminDashboard": ("Admin area", "لوحة الإدارة"),
        "consoleIntro": (
            "Issue a survey link for a service that has just been completed. Each link is for one beneficiary and is shown only here: give it, print it, or send it — and do not keep it.",
            "أصدِر رابط استبيان لخدمة اكتملت للتو. كل رابط لمستفيد واحد ولا يظهر إلا هنا: سلّمه أو اطبعه أو أرسله، ولا تحتفظ به."
        ),
        "yourDepartments": ("This key issues for", "يُصدر هذا المفتاح دعوات لـ"),
        "allDepartments": ("every department", "جميع الإدارات"),
        // Issuing one link
        "issueOne": ("Issue one link", "إصدار رابط واحد"),
        "segment": ("Beneficiary group", "فئة المستفيد"),
        "service": ("Service", "الخدمة"),
        "beneficiaryLanguage": ("Beneficiary's language", "لغة المستفيد"),
        "notGiven": ("Not given", "غير محدد"),
        "issue": ("Issue the link", "إصدار الرابط"),
        "issuedTitle": ("Link issued", "صدر الرابط"),
        "issuedNote": (
            "Give this link to the beneficiary, or print a slip with its QR code. It works once, and it is not shown again after you leave this page.",
            "سلّم هذا الرابط للمستفيد، أو اطبع قسيمة برمز الاستجابة السريعة (QR). يعمل الرابط مرة واحدة، ولا يظهر مرة أخرى بعد مغادرة هذه الصفحة."
        ),
        "link": ("Link", "الرابط"),
        "qrCode": ("QR code of the link", "رمز الاستجابة السريعة للرابط"),
        "qrUnavailable": (
            "The QR code cannot be drawn on this server (libqrencode is not installed); the link works without it.",
            "يتعذّر رسم رمز الاستجابة السريعة على هذا الخادم (مكتبة libqrencode غير مثبّتة)؛ والرابط يعمل بدونه."
        ),
        "validUntil": ("Valid until", "صالح حتى"),
        "printReceipt": ("Print a receipt slip (80 mm)", "طباعة قسيمة إيصال (80 مم)"),
        "printA6": ("Print an A6 slip", "طباعة قسيمة A6"),
        "issueAnother": ("Issue another link", "إصدار رابط آخر"),
        // Uploading the day's file
        "upload": ("Issue from the day's CSV file", "الإصدار من ملف CSV لليوم"),
        "uploadNote": (
            "Paste the file's contents: a header row with department and channel, and optionally segment, service, locale, reference, expiresInDays; one completed service per row. A file with errors issues nothing.",
            "الصق محتوى الملف: سطر عناوين فيه department و channel، واختياريًا segment و service و locale و reference و expiresInDays؛ وخدمة مكتملة واحدة في كل سطر. الملف الذي فيه أخطاء لا يُصدر شيئًا."
        ),
        "csvLabel": ("CSV file contents", "محتوى ملف CSV"),
        "issueAll": ("Issue one link per row", "إصدار رابط لكل سطر"),
        "uploadErrors": ("Nothing was issued. Correct these lines and try again:", "لم يُصدر شيء. صحّح هذه الأسطر ثم حاول مرة أخرى:"),
        "uploadUnreadable": ("The text could not be read as CSV; nothing was issued.", "تعذّرت قراءة النص بصيغة CSV؛ فلم يُصدر شيء."),
        "uploadEmpty": ("The file has no rows to issue.", "لا يحتوي الملف على أسطر للإصدار."),
        "batchTitle": ("Links issued from the file", "الروابط الصادرة من الملف"),
        "batchNote": (
            "One link per row, in the file's order. Download them or print the slips now: they are not shown again after you leave this page.",
            "رابط لكل سطر بترتيب الملف. نزّلها أو اطبع القسائم الآن: فلن تظهر مرة أخرى بعد مغادرة هذه الصفحة."
        ),
        "line": ("Line", "السطر"),
        "downloadCSV": ("Download the links (CSV)", "تنزيل الروابط (CSV)"),
        "printSheet": ("Print the slips (A4 sheets)", "طباعة القسائم (صفحات A4)"),
        // Today and the last 30 days
        "today": ("Issued with this key today", "ما صدر بهذا المفتاح اليوم"),
        "todayNote": ("Counts only, by department and channel.", "أعداد فقط، حسب الإدارة وقناة التواصل."),
        "nothingToday": ("Nothing issued with this key today.", "لم يصدر شيء بهذا المفتاح اليوم."),
        "count": ("Links", "الروابط"),
        "total": ("Total", "المجموع"),
        "rateTitle": ("Response rate, last 30 days", "معدل الاستجابة، آخر 30 يومًا"),
        "rateNote": (
            "Invitations issued by the department in the last 30 days, and the share answered. A rate is shown from 5 invitations; the last days' invitations may still be answered.",
            "الدعوات التي أصدرتها الإدارة في آخر 30 يومًا، ونسبة ما أُجيب منها. يظهر المعدل ابتداءً من 5 دعوات؛ وقد تُجاب دعوات الأيام الأخيرة لاحقًا."
        ),
        "fewerThanFive": ("fewer than 5 invitations", "أقل من 5 دعوات"),
        // Refusals and errors
        "departmentRefused": ("This key may not issue invitations for that department; nothing was issued.", "لا يسمح هذا المفتاح بإصدار دعوات لتلك الإدارة؛ فلم يُصدر شيء."),
        "issueInvalid": ("Please correct the fields marked below; nothing was issued.", "يُرجى تصحيح الحقول المشار إليها أدناه؛ لم يُصدر شيء."),
        "error.department": ("Choose a department from the list.", "اختر إدارة من القائمة."),
        "error.channel": ("Choose a channel from the list.", "اختر قناة من القائمة."),
        "error.segment": ("Choose a beneficiary group from the list.", "اختر فئة من القائمة."),
        "error.service": ("Choose a service of the chosen department.", "اختر خدمة من خدمات الإدارة المختارة."),
        "error.locale": ("Choose one of the questionnaire's languages.", "اختر إحدى لغات الاستبيان."),
        "linksGone": (
            "These links are no longer open (answered, expired or revoked), or were not issued for your departments; nothing was printed.",
            "لم تعد هذه الروابط مفتوحة (أُجيبت أو انتهت أو أُلغيت)، أو لم تصدر لإداراتك؛ فلم يُطبع شيء."
        ),
        "printHint": (
            "Print this page (Ctrl+P). Choose the printer's paper: the page sets its own size.", "اطبع هذه الصفحة (Ctrl+P)، واختر ورق الطابعة: الصفحة تحدد مقاسها بنفسها."
        ),
        "backToConsole": ("Back to the console", "العودة إلى المنصة"),
    ]
}
