import Foundation

/// The words of the admin area, in English and Arabic.
struct AdminText {
    static let languages = ["ar", "en"]
    static let defaultLanguage = "ar"

    let language: String

    init(language: String) {
        self.language = Self.languages.contains(language) ? language : Self.defaultLanguage
    }

    var direction: String { language == "ar" ? "rtl" : "ltr" }

    func callAsFunction(_ key: String) -> String {
        guard let pair = Self.words[key] else { return key }
        return language == "ar" ? pair.1 : pair.0
    }

    /// A text with its `{name}` placeholders filled in.
    func callAsFunction(_ key: String, _ values: [String: String]) -> String {
        values.reduce(self(key)) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
    }

    /// Every word, for the templates (`{{t.key}}`).
    var all: [String: String] {
        Self.words.mapValues { language == "ar" ? $0.1 : $0.0 }
    }

    /// The name of each language in itself, for the language switcher.
    static let languageNames = ["ar": "العربية", "en": "English"]

    static let words: [String: (String, String)] = [
        "product": ("Rida — administration", "رضا — الإدارة"),
        "skip": ("Skip to the content", "انتقل إلى المحتوى"),
        "language": ("Language", "اللغة"),
        // Signing in
        "loginTitle": ("Sign in", "تسجيل الدخول"),
        "loginIntro": (
            "Paste the API key you were given. It is checked and not kept in the browser; your session ends after 8 hours, or after 30 minutes without use.",
            "الصق مفتاح الواجهة البرمجية الذي أُعطي لك. يُتحقق منه ولا يُحفظ في المتصفح؛ وتنتهي الجلسة بعد 8 ساعات، أو بعد 30 دقيقة دون استخدام."
        ),
        "keyLabel": ("API key", "مفتاح الواجهة البرمجية (API)"),
        "keyHint": ("It starts with", "يبدأ بـ"),
        "signIn": ("Sign in", "دخول"),
        "wrongKey": ("This key is not valid, or it has been revoked.", "هذا المفتاح غير صالح، أو أُلغي."),
        "tooManySignIns": (
            "Too many wrong keys were tried from your network. Please wait a minute, then try again.",
            "جُرِّبت مفاتيح خاطئة كثيرة من شبكتك. يُرجى الانتظار دقيقة ثم المحاولة مرة أخرى."
        ),
        "loginExpired": ("The sign-in form had expired. Please try again.", "انتهت صلاحية نموذج الدخول. يُرجى المحاولة مرة أخرى."),
        // Refusals
        "refusedTitle": ("Not allowed", "غير مسموح"),
        "crossSite": (
            "This request did not come from the pages of this site, so nothing was changed.",
            "لم يأتِ هذا الطلب من صفحات هذا الموقع، فلم يُغيَّر شيء."
        ),
        "badToken": (
            "This form is out of date or did not come from this site, so nothing was changed. Please reload the page and try again.",
            "هذا النموذج قديم أو لم يأتِ من هذا الموقع، فلم يُغيَّر شيء. يُرجى إعادة تحميل الصفحة والمحاولة مرة أخرى."
        ),
        "signedOut": (
            "Your session has ended, so nothing was changed. Please sign in again.", "انتهت جلستك، فلم يُغيَّر شيء. يُرجى تسجيل الدخول مرة أخرى."
        ),
        "roleRefused": ("Your role cannot do this.", "لا يسمح دورك بهذا الإجراء."),
        "boardOnly": ("The board receives the board pack.", "يتسلّم مجلس الإدارة الملخص المعدّ له."),
        "toLogin": ("Go to the sign-in page", "الانتقال إلى صفحة الدخول"),
        "toDashboard": ("Back to the admin area", "العودة إلى لوحة الإدارة"),
        "unavailableTitle": ("Not available just now", "الخدمة غير متاحة الآن"),
        "unavailable": (
            "The service cannot answer just now. Please try again in a moment.", "لا تستطيع الخدمة الإجابة الآن. يُرجى المحاولة بعد قليل."
        ),
        "badForm": (
            "The form could not be read. Please reload the page and try again.", "تعذّرت قراءة النموذج. يُرجى إعادة تحميل الصفحة والمحاولة مرة أخرى."
        ),
        "tooLarge": ("The form is too large.", "النموذج أكبر من المسموح."),
        "notFoundTitle": ("Not found", "غير موجود"),
        "reportNotFound": ("There is no such report file.", "لا يوجد ملف تقرير بهذا الاسم."),
        "reportNotClosed": (
            "A month's report is written once the month is over and a few days have passed for late paper and phone responses.",
            "يُكتب تقرير الشهر بعد انتهائه ومرور أيام قليلة لاستقبال الردود الورقية والهاتفية المتأخرة."
        ),
        "reportPending": (
            "This month is closed, and its report is being written. Try again in a few minutes.",
            "أُغلق هذا الشهر، ويجري الآن إعداد تقريره. حاول مرة أخرى بعد بضع دقائق."
        ),
        // The dashboard
        "dashboardTitle": ("Admin area", "لوحة الإدارة"),
        "signedInAs": ("Signed in as", "مسجَّل الدخول باسم"),
        "role": ("Role", "الدور"),
        "role.analyst": ("Analyst", "محلل"),
        "role.board": ("Board", "مجلس الإدارة"),
        "role.admin": ("Administrator", "مسؤول النظام"),
        "role.issuer": ("Invitation issuer", "مُصدِر الدعوات"),
        "openConsole": ("Staff console: issue a link", "منصة إصدار الدعوات: أصدر رابطًا"),
        "signOut": ("Sign out", "تسجيل الخروج"),
        "invitations": ("Invitations", "الدعوات"),
        "issued": ("Issued", "المرسلة"),
        "answered": ("Answered", "المُجابة"),
        "openInvitations": ("Still open", "ما زالت مفتوحة"),
        "expired": ("Expired unanswered", "انتهت دون إجابة"),
        "revoked": ("Revoked", "الملغاة"),
        "responseRate": ("Response rate", "معدل الاستجابة"),
        "reports": ("Latest reports", "أحدث التقارير"),
        "reportsNote": (
            "A month's report is written when it is first opened after the month ends, then kept unchanged. Each download is recorded.",
            "يُكتب تقرير الشهر عند فتحه أول مرة بعد انتهاء الشهر، ثم يبقى دون تغيير. ويُسجَّل كل تنزيل."
        ),
        "month": ("Month", "الشهر"),
        "file.review.ar.html": ("Monthly review (Arabic)", "المراجعة الشهرية (عربي)"),
        "file.review.en.html": ("Monthly review (English)", "المراجعة الشهرية (إنجليزي)"),
        "file.board.ar.html": ("Board summary (Arabic)", "ملخص مجلس الإدارة (عربي)"),
        "file.board.en.html": ("Board summary (English)", "ملخص مجلس الإدارة (إنجليزي)"),
        "file.aggregates.csv": ("Aggregates (CSV)", "المجاميع (CSV)"),
        "file.comments.csv": ("Comments (CSV)", "الملاحظات (CSV)"),
        "file.responses.csv": ("Responses (CSV)", "الردود (CSV)"),
        "file.manifest.json": ("Manifest (JSON)", "بيان الملفات (JSON)"),
        // Improvement actions
        "actions": ("Improvement actions", "إجراءات التحسين"),
        "actionsNote": (
            "What a unit changes to improve one measured step of the service, owned by a role, never a named person. Its effect is measured in later reports.",
            "ما تغيّره الوحدة لتحسين خطوة مقيسة من خطوات الخدمة، يتولاه دور لا شخص مسمّى. ويُقاس أثره في التقارير اللاحقة."
        ),
        "noActions": ("No improvement action is registered yet.", "لم يُسجَّل أي إجراء تحسين بعد."),
        "department": ("Department", "الإدارة"),
        "channel": ("Channel", "قناة التواصل"),
        "allChannels": ("All channels", "جميع القنوات"),
        "item": ("Measured step", "الخطوة المقيسة"),
        "description": ("What changes", "ما الذي يتغيّر"),
        "ownerRole": ("Owned by (a role, not a person)", "المسؤول (دور لا شخص)"),
        "ownerHint": ("Roles come from the configuration (seeds/owners.yaml).", "الأدوار من إعدادات النظام (seeds/owners.yaml)."),
        "startDay": ("Takes effect on", "يسري من"),
        "status": ("Status", "الحالة"),
        "change": ("Change", "تغيير"),
        "markAs": ("Mark as", "تحويل إلى"),
        "action.planned": ("Planned", "مخطط"),
        "action.active": ("Active", "جارٍ"),
        "action.completed": ("Completed", "مكتمل"),
        "action.abandoned": ("Abandoned", "متوقف"),
        "addAction": ("Register an improvement action", "تسجيل إجراء تحسين"),
        "add": ("Register", "تسجيل"),
        "choose": ("Choose…", "اختر…"),
        "dateHint": ("A date, YYYY-MM-DD", "تاريخ بالصيغة YYYY-MM-DD"),
        "invalid": ("Please correct the fields marked below; nothing was saved.", "يُرجى تصحيح الحقول المشار إليها أدناه؛ لم يُحفظ شيء."),
        "error.department": ("Choose a department from the list.", "اختر إدارة من القائمة."),
        "error.channel": ("Choose a channel from the list, or all channels.", "اختر قناة من القائمة، أو جميع القنوات."),
        "error.item": ("Choose a measured step from the list.", "اختر خطوة مقيسة من القائمة."),
        "error.description": ("Describe the change, in at most 2000 characters.", "صِف التغيير في 2000 حرف على الأكثر."),
        "error.ownerRole": (
            "Choose the role that owns it from the list.", "اختر الدور المسؤول من القائمة."
        ),
        "error.startDay": ("Give the date as YYYY-MM-DD.", "اكتب التاريخ بالصيغة YYYY-MM-DD."),
        "error.status": ("Choose a status from the list.", "اختر حالة من القائمة."),
        "actionNotFound": ("There is no such improvement action.", "لا يوجد إجراء تحسين بهذا المعرّف."),
        // Follow-up cases
        "followUps": ("Follow-up queue", "قائمة المتابعة"),
        "followUpsNote": (
            "Beneficiaries who gave a low score and asked to be contacted. Contact details are for calling back only, and are deleted when the retention period ends.",
            "مستفيدون أعطوا تقييمًا منخفضًا وطلبوا التواصل معهم. بيانات التواصل للاتصال بهم فقط، وتُحذف بانتهاء مدة الاحتفاظ."
        ),
        "noCases": ("No open follow-up case.", "لا توجد حالات متابعة مفتوحة."),
        "answeredOn": ("Answered on", "تاريخ الإجابة"),
        "dueBy": ("Contact by", "موعد التواصل"),
        "overdue": ("Overdue", "متأخرة"),
        "reasons": ("Why", "السبب"),
        "reason.low-satisfaction": ("Low satisfaction", "رضا منخفض"),
        "reason.detractor": ("Unlikely to recommend", "غير مرجّح أن يوصي"),
        "reason.contact-requested": ("Asked to be contacted", "طلب التواصل معه"),
        "contact": ("Contact", "التواصل"),
        "phone": ("Phone", "الهاتف"),
        "email": ("E-mail", "البريد الإلكتروني"),
        "scores": ("Scores", "الدرجات"),
        "case.open": ("Open", "مفتوحة"),
        "case.contacted": ("Contacted", "تم التواصل"),
        "case.resolved": ("Resolved", "مُغلقة"),
        "caseNotFound": ("There is no such follow-up case.", "لا توجد حالة متابعة بهذا المعرّف."),
        "caseRefused": ("This case has already moved on; nothing was changed.", "تقدّمت هذه الحالة من قبل؛ فلم يُغيَّر شيء."),
        "caseStatusInvalid": ("Choose contacted or resolved.", "اختر «تم التواصل» أو «إغلاق الحالة»."),
        "caseOutcomeInvalid": ("Choose what came of the call from the list.", "اختر نتيجة الاتصال من القائمة."),
        "caseNoteTooLong": ("The note can hold at most 2000 characters; nothing was saved.", "لا تتجاوز الملاحظة 2000 حرف؛ لم يُحفظ شيء."),
        "caseCounts": ("{count} cases to work, {overdue} overdue.", "حالات للمتابعة: {count}، المتأخر منها: {overdue}."),
        "zoneNote": ("Times are in the organisation's time zone:", "الأوقات بتوقيت الجمعية:"),
        "overdueBy": ("Overdue by {time}", "متأخرة {time}"),
        "oneHour": ("1 hour", "ساعة واحدة"),
        "hours": ("{n} hours", "{n} ساعة"),
        "days": ("{n} days", "{n} أيام"),
        "unit": ("Unit", "الوحدة"),
        "segment": ("Beneficiary", "فئة المستفيد"),
        "service": ("Service", "الخدمة"),
        "answerLanguage": ("Answered in", "لغة الإجابة"),
        "comment": ("Their comment", "ملاحظة المستفيد"),
        "noComment": ("No comment was left.", "لم يترك ملاحظة."),
        "notApplicable": ("Not applicable", "لا ينطبق"),
        "call": ("Call", "اتصال"),
        "recordCall": ("Record the call", "تسجيل نتيجة الاتصال"),
        "outcome": ("What came of it", "النتيجة"),
        "outcome.reached": ("Reached", "تم الوصول إليه"),
        "outcome.not-reachable": ("Not reachable", "تعذّر الوصول إليه"),
        "outcome.resolved": ("Resolved", "تمت المعالجة"),
        "outcomeHint": (
            "Reached marks the case contacted; not reachable keeps it where it is; resolved closes it.",
            "«تم الوصول إليه» يجعل الحالة «تم التواصل»، و«تعذّر الوصول إليه» يبقيها كما هي، و«تمت المعالجة» يغلقها."
        ),
        "note": ("Note (what was said or agreed)", "ملاحظة (ما قيل أو اتُّفق عليه)"),
        "noteHint": (
            "Kept with the case and deleted with it when the retention period ends.", "تُحفظ مع الحالة وتُحذف معها بانتهاء مدة الاحتفاظ."
        ),
        "save": ("Save", "حفظ"),
        "history": ("History", "السجل"),
        "historyMoved": ("{from} → {to}", "{from} ← {to}"),
        "historyStayed": ("{status}, not moved", "{status}، دون نقل"),
        "by": ("by", "بواسطة"),
        "resolvedCases": ("Resolved cases", "الحالات المغلقة"),
        "resolvedNote": ("The latest resolved cases, with who moved them, when, and what was noted.", "أحدث الحالات المغلقة، ومن نقلها ومتى وما دُوِّن فيها."),
        "noResolved": ("No case has been resolved yet.", "لم تُغلق أي حالة بعد."),
        "case": ("Case", "حالة"),
        "score.overall": ("Overall satisfaction", "الرضا العام"),
        "score.courtesy": ("Courtesy", "اللباقة والاحترام"),
        "score.time": ("Time and answers", "الوقت والإجابة عن الأسئلة"),
        "score.clarity": ("Clear requirements", "وضوح المتطلبات"),
        "score.referral": ("Right referral", "التوجيه الصحيح"),
        "score.decision": ("Told what to expect", "معرفة موعد القرار"),
        "score.speed": ("Speed", "سرعة الإنجاز"),
        "score.ease": ("Ease", "سهولة الحصول على الخدمة"),
        "score.recommend": ("Would recommend", "احتمال التوصية"),
        // Editing an improvement action
        "editAction": ("Edit an improvement action", "تعديل إجراء تحسين"),
        "edit": ("Edit", "تعديل"),
        "backToActions": ("Back to the improvement actions", "العودة إلى إجراءات التحسين"),
    ]
}
