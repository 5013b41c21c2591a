import Foundation

/// The words of the monthly review and the board pack, in Arabic and English.
struct ReportText {
    let arabic: Bool

    init(language: String) { arabic = language == "ar" }

    func callAsFunction(_ key: String) -> String {
        guard let pair = Self.words[key] else { return key }
        return arabic ? pair.1 : pair.0
    }

    /// The text with each `{name}` replaced by its value: no format string ever carries
    /// translated text, so a `%` in a sentence stays a `%`.
    func callAsFunction(_ key: String, _ values: [String: Int]) -> String {
        ReportText.fill(self(key), values)
    }

    static func fill(_ text: String, _ values: [String: Int]) -> String {
        var text = text
        for (name, value) in values { text = text.replacingOccurrences(of: "{\(name)}", with: String(value)) }
        return text
    }

    static let words: [String: (String, String)] = [
        "reviewTitle": ("Monthly service review", "المراجعة الشهرية لجودة الخدمة"),
        "boardTitle": ("Beneficiary satisfaction — board summary", "رضا المستفيدين — ملخص لمجلس الإدارة"),
        "period": ("Period", "الفترة"),
        "policy": (
            "Evaluating the service is the beneficiary's right and a tool for development, not for punishment or defamation. No member of staff is ranked or named; small groups are not shown.",
            "تقييم الخدمة حقٌّ للمستفيد وأداةٌ للتطوير، لا للعقاب أو التشهير. لا يُرتَّب أي موظف ولا يُسمّى، ولا تُعرض المجموعات الصغيرة."
        ),
        "headline": ("Headline measures", "المؤشرات الرئيسة"),
        "csat": ("Satisfaction (share rating 4–5)", "الرضا (نسبة من قيّموا بـ4 أو 5)"),
        "nps": ("Net promoter score", "صافي نقاط الترويج"),
        "ces": ("Ease of getting the service (mean, 1–7)", "سهولة الحصول على الخدمة (متوسط من 1 إلى 7)"),
        "response-rate": ("Response rate (answered ÷ issued)", "معدل الاستجابة (المُجاب ÷ المُرسَل)"),
        "bottom-2": ("Dissatisfaction (share rating 1–2)", "عدم الرضا (نسبة من قيّموا بـ1 أو 2)"),
        "n": ("responses", "ردًّا"),
        "invitationsN": ("invitations issued", "دعوة مُرسَلة"),
        "interval": ("95% interval", "فترة الثقة 95%"),
        "controlChartOf": ("Control chart, 24 periods: ", "خريطة ضبط لأربع وعشرين فترة: "),
        "controlChartDescription": (
            "Monthly values with their mean and control limits; marked points are special-cause signals.",
            "القيم الشهرية مع متوسطها وحدود الضبط؛ النقاط المميزة إشارات لسبب خاص."
        ),
        "noChanges": (
            "Nothing this period goes beyond common-cause variation: the system is stable. Improvement comes from changing the process, not from reacting to single months.",
            "لا شيء في هذه الفترة يتجاوز التباين المعتاد: النظام مستقر. يأتي التحسين من تغيير الإجراءات لا من الاستجابة لشهر واحد."
        ),
        "signalHigh": ("higher than its usual range", "أعلى من نطاقه المعتاد"),
        "signalLow": ("lower than its usual range", "أدنى من نطاقه المعتاد"),
        "trendUp": ("a sustained rise over the period shown", "ارتفاع مستمر خلال الفترة المعروضة"),
        "trendDown": ("a sustained fall over the period shown", "انخفاض مستمر خلال الفترة المعروضة"),
        "flagHigh": ("above the other units beyond chance (99.8%)", "أعلى من الوحدات الأخرى بما يتجاوز الصدفة (99.8%)"),
        "flagLow": ("below the other units beyond chance (99.8%)", "أدنى من الوحدات الأخرى بما يتجاوز الصدفة (99.8%)"),
        "questionsGood": (
            "What is this unit doing differently? Can it be described, and tried elsewhere? Is the rise real (same population, same channel mix)?",
            "ما الذي تفعله هذه الوحدة بشكل مختلف؟ هل يمكن وصفه وتجربته في وحدات أخرى؟ هل الارتفاع حقيقي (الفئة نفسها وقنوات التواصل نفسها)؟"
        ),
        "questionsConcern": (
            "Which step of the procedure do the item scores and comments point to? What changed in the process, staffing or demand? What small change could be tested next month (plan–do–study–act)?",
            "إلى أي خطوة من إجراءات الخدمة تشير درجات البنود والملاحظات؟ ما الذي تغيّر في الإجراءات أو الموارد أو الطلب؟ ما التغيير الصغير الذي يمكن تجربته في الشهر القادم (خطط–نفّذ–ادرس–حسّن)؟"
        ),
        "comparison": ("Departments and channels compared (funnel plots)", "مقارنة الإدارات وقنوات التواصل (مخططات القُمع)"),
        "funnelDepartments": ("Satisfaction by department, this period", "الرضا حسب الإدارة في هذه الفترة"),
        "funnelChannels": ("Satisfaction by channel, this period", "الرضا حسب قناة التواصل في هذه الفترة"),
        "funnelDescription": (
            "Each dot is a unit, placed by its number of responses; dots outside the funnel differ beyond chance. There is no ranking.",
            "كل نقطة وحدة، موضعها حسب عدد ردودها؛ النقاط خارج القُمع تختلف بما يتجاوز الصدفة. لا ترتيب للوحدات."
        ),
        "exploratory": ("Fewer than 10 units: an exploratory comparison.", "أقل من 10 وحدات: مقارنة استكشافية."),
        "responses": ("Responses", "عدد الردود"),
        "trends": ("Trends over 24 periods", "الاتجاهات خلال 24 فترة"),
        "trendNote": (
            "Sen slope in percentage points per period, with its 95% interval and the Mann–Kendall test; q is the p-value after Benjamini–Hochberg control of false discoveries (10%).",
            "ميل سِن بالنقاط المئوية لكل فترة مع فترة ثقة 95% واختبار مان–كندال؛ q هي القيمة الاحتمالية بعد ضبط الاكتشافات الخاطئة (بنجاميني–هوخبرغ، 10%)."
        ),
        "unit": ("Unit", "الوحدة"),
        "slope": ("Sen slope", "ميل سِن"),
        "verdict": ("Reading", "القراءة"),
        "increasing": ("rising", "متزايد"),
        "decreasing": ("falling", "متناقص"),
        "no trend": ("no trend", "لا اتجاه"),
        "insufficient data": ("too little data", "بيانات غير كافية"),
        "profile": ("The steps of the service, by department", "خطوات الخدمة حسب الإدارة"),
        "profileDescription": (
            "Mean agreement (1–5) with each statement about the service procedure, this period.",
            "متوسط الموافقة (من 1 إلى 5) على كل عبارة عن إجراءات الخدمة في هذه الفترة."
        ),
        "rates": ("Response rates", "معدلات الاستجابة"),
        "issued": ("Invitations issued", "الدعوات المرسلة"),
        "answered": ("Answered", "المُجابة"),
        "rate": ("Rate", "المعدل"),
        "lowRate": ("low response: results may not represent everyone served", "استجابة منخفضة: قد لا تمثل النتائج جميع المستفيدين"),
        "byDepartment": ("By department", "حسب الإدارة"),
        "byChannel": ("By channel", "حسب قناة التواصل"),
        "comments": ("What beneficiaries wrote", "ما كتبه المستفيدون"),
        "commentsNote": (
            "Personal data (phone numbers, e-mail addresses, ID numbers) is masked. Units with fewer than {threshold} responses this period show no comments.",
            "البيانات الشخصية (أرقام الهواتف والبريد الإلكتروني وأرقام الهوية) محجوبة. لا تُعرض ملاحظات الوحدات التي لديها أقل من {threshold} ردود في هذه الفترة."
        ),
        "noComments": ("No comments this period.", "لا ملاحظات في هذه الفترة."),
        "followUps": ("Requests to be contacted", "طلبات التواصل"),
        "actions": ("Improvement actions and their effect", "إجراءات التحسين وأثرها"),
        "actionsNote": (
            "The mean of the targeted question in the 90 days before the action started, against the days since (up to 90): the difference with its 95% interval (Welch). An interval that includes 0 is consistent with no change. Other things change too: this is a before/after comparison, not proof of cause.",
            "متوسط السؤال المستهدف في الأيام التسعين التي سبقت بدء الإجراء مقارنةً بالأيام التي تلته (حتى تسعين يومًا): الفرق مع فترة ثقته 95% (ويلش). الفترة التي تشمل الصفر تتسق مع عدم التغيّر. وتتغير أمور أخرى أيضًا: هذه مقارنة قبل وبعد، لا دليل على السببية."
        ),
        "noActions": ("No improvement actions are registered.", "لا توجد إجراءات تحسين مسجّلة."),
        "actionItem": ("Question", "السؤال"),
        "actionOwner": ("Owner (role)", "المسؤول (الدور)"),
        "actionStatus": ("Status", "الحالة"),
        "actionBefore": ("Before (mean)", "قبل (المتوسط)"),
        "actionAfter": ("Since (mean)", "بعد (المتوسط)"),
        "actionEffect": ("Difference (95% interval)", "الفرق (فترة ثقة 95%)"),
        "actionNotStarted": ("starts after this period", "يبدأ بعد هذه الفترة"),
        "actionNotMeasurable": ("not yet measurable (fewer than {minimum} responses on a side)", "غير قابل للقياس بعد (أقل من {minimum} ردود في أحد الجانبين)"),
        "action-planned": ("planned", "مخطط"),
        "action-active": ("in progress", "قيد التنفيذ"),
        "action-completed": ("completed", "مكتمل"),
        "action-abandoned": ("abandoned", "متوقف"),
        "followUpsText": ("{count} beneficiaries asked to be contacted this period.", "طلب {count} من المستفيدين التواصل معهم في هذه الفترة."),
        "methods": ("Methods and limitations", "المنهجية وحدودها"),
        "methodsText": (
            "Proportions with Wilson intervals, means with Student t intervals, NPS with adjusted Wald intervals (95%). Control charts are XmR charts (mean ± 2.66 × mean moving range) with four special-cause rules; trends are Mann–Kendall tests with Sen slopes; units are compared on funnel plots with exact binomial tails and an over-dispersion allowance, flagged only at 99.8% and from 10 responses. A department × channel group with fewer than {threshold} responses in a period is not shown, and every total and every department or channel figure counts only the groups shown, so no hidden group can be worked out from them.",
            "النِّسب مع فترات ثقة ويلسون، والمتوسطات مع فترات ستيودنت t، وصافي نقاط الترويج مع فترات والد المعدّلة (95%). خرائط الضبط من نوع XmR (المتوسط ± 2.66 × متوسط المدى المتحرك) مع أربع قواعد للسبب الخاص؛ والاتجاهات باختبار مان–كندال وميل سِن؛ وتُقارن الوحدات بمخططات القُمع مع ذيول ذات الحدين الدقيقة وسماحية لفرط التشتت، ولا يُشار إلى وحدة إلا عند 99.8% ومن 10 ردود فأكثر. لا تُعرض مجموعة (إدارة × قناة) تقل ردودها في الفترة عن {threshold}، ولا يحسب أي مجموع أو رقم لإدارة أو قناة إلا المجموعات المعروضة، فلا يمكن استنتاج مجموعة مخفية منها."
        ),
        "limitations": (
            "No adjustment is made for differences between the people each unit serves; channels reach different populations; people who answer may differ from those who do not. Response rates of the latest periods are provisional: invitations issued then may still be answered.",
            "لا تُعدَّل النتائج لاختلاف المستفيدين بين الوحدات؛ وتصل قنوات التواصل إلى فئات مختلفة؛ وقد يختلف من يجيب عمّن لا يجيب. معدلات الاستجابة لآخر الفترات مبدئية: فالدعوات المرسلة فيها قد تُجاب لاحقًا."
        ),
        "suppressed": ("not shown (fewer than {threshold} responses)", "لا يُعرض (أقل من {threshold} ردود)"),
        "hidden": ("not shown", "لا يُعرض"),
        "lowNumbers": ("low numbers", "أعداد قليلة"),
        "rateProvisionalShort": ("provisional", "مبدئي"),
        "rateProvisional": (
            "provisional: invitations of this period may still be answered",
            "مبدئي: قد تُجاب دعوات هذه الفترة لاحقًا"
        ),
        "noData": ("no data", "لا بيانات"),
        "volumes": ("Volumes and response rates", "الحجم ومعدلات الاستجابة"),
        "all": ("All units", "جميع الوحدات"),
        "gregorian": ("Gregorian", "ميلادي"),
        "hijri": ("Hijri", "هجري"),
        "skip": ("Skip to the headline measures", "انتقل إلى المؤشرات الرئيسة"),
        // The review's reading order: this month first, then each unit, then the detail.
        "summary": ("This month at a glance", "هذا الشهر في لمحة"),
        "leading": ("Findings to discuss this month", "ما يستحق النقاش هذا الشهر"),
        "leadingNote": (
            "The largest first: how far the measure moved, times the number of people it counts. Each is listed once; its evidence is one click away.",
            "الأكبر أولًا: مقدار تحرّك المؤشر مضروبًا في عدد من يشملهم. تُذكر كل نتيجة مرة واحدة، ودليلها على بُعد نقرة."
        ),
        "moreFindings": (
            "{count} more findings are in the sections of the departments and channels below.",
            "في أقسام الإدارات وقنوات التواصل أدناه نتائج أخرى عددها {count}."
        ),
        "lastingCount": (
            "Lasting differences between units ({count}) are shown apart: they are not changes of this month.",
            "الفروق المستمرة بين الوحدات (وعددها {count}) معروضة على حدة: فهي ليست تغيّرات هذا الشهر."
        ),
        "evidence": ("Evidence", "الدليل"),
        "evidenceChart": ("Evidence: the control chart over 24 periods", "الدليل: خريطة الضبط لأربع وعشرين فترة"),
        "questions": ("Questions for the improvement conversation", "أسئلة لنقاش التحسين"),
        "questionsGoodLabel": ("Where it goes well:", "حيث تسير الأمور جيدًا:"),
        "questionsConcernLabel": ("Where it needs attention:", "حيث يستدعي الأمر الانتباه:"),
        "contents": ("Contents", "المحتويات"),
        "overTime": ("Headline measures over 24 periods", "المؤشرات الرئيسة خلال 24 فترة"),
        "departments": ("Departments", "الإدارات"),
        "channels": ("Contact channels", "قنوات التواصل"),
        "measure": ("Measure", "المؤشر"),
        "thisMonth": ("This period: value (95% interval), n", "هذه الفترة: القيمة (فترة الثقة 95%) والعدد"),
        "unitChanges": ("What changed this period", "ما تغيّر في هذه الفترة"),
        "unitNoChanges": ("Nothing beyond common-cause variation this period.", "لا شيء خارج التباين المعتاد في هذه الفترة."),
        "commentsCount": ("{written} comments, {distinct} different", "الملاحظات: {written}، المختلفة منها: {distinct}"),
        "commentsRest": ("{count} more comments", "ملاحظات أخرى عددها {count}"),
        "commentsInCSV": ("{count} more are in comments.csv.", "وفي الملف comments.csv ملاحظات أخرى عددها {count}."),
        "commentRating": ("satisfaction {score} of 5", "الرضا {score} من 5"),
        "commentTimes": ("written {count} times", "تكررت {count} مرات"),
        "lasting": ("Lasting differences between units", "فروق مستمرة بين الوحدات"),
        "lastingNote": (
            "Units whose measure differs from all units together beyond chance over the whole range, not only this period (funnel plot of all periods, 99.8%). These are not changes: they show where practices or the people served differ, and who can learn from whom.",
            "وحدات يختلف مؤشرها عن مجموع الوحدات بما يتجاوز الصدفة على امتداد المدة كلها لا في هذه الفترة وحدها (مخطط القُمع لكل الفترات، 99.8%). ليست هذه تغيّرات: بل تُبيّن أين تختلف الممارسات أو الفئات المخدومة، ومن يمكن أن يتعلم ممن."
        ),
        "lastingHigh": ("above all units together over the whole range", "أعلى من مجموع الوحدات على امتداد المدة كلها"),
        "lastingLow": ("below all units together over the whole range", "أدنى من مجموع الوحدات على امتداد المدة كلها"),
        "lastingThisMonth": ("this period too", "وفي هذه الفترة أيضًا"),
        "lastingNotThisMonth": ("not this period", "لكن ليس في هذه الفترة"),
        "lastingLevels": ("All units together over the whole range: {levels}.", "مجموع الوحدات على امتداد المدة كلها: {levels}."),
        "lastingPartlyThisMonth": ("partly this period too", "وبعضها في هذه الفترة أيضًا"),
        "noLasting": (
            "No unit differs from all units together beyond chance over the whole range.",
            "لا تختلف أي وحدة عن مجموع الوحدات بما يتجاوز الصدفة على امتداد المدة كلها."
        ),
        "detail": ("The detail", "التفاصيل"),
        "item": ("Step", "الخطوة"),
        "mean": ("Mean", "المتوسط"),
        "print": ("Printable on one A4 page.", "تُطبع في صفحة A4 واحدة."),
        "provisionalNote": (
            "Provisional: this month is not closed yet, and late paper and phone responses may still change these figures. The final report is written once the month is frozen.",
            "مبدئي: لم يُغلق هذا الشهر بعد، وقد تُغيّر الردود الورقية والهاتفية المتأخرة هذه الأرقام. يُكتب التقرير النهائي بعد تجميد الشهر."
        ),
        "signals": ("signals", "إشارات"),
        // Axis titles: what a chart measures.
        "axis.month": ("Month", "الشهر"),
        "axis.hijriMonth": ("Hijri month", "الشهر الهجري"),
        "axis.csat": ("Satisfied (rating 4–5)", "الراضون (التقييم 4 أو 5)"),
        "axis.nps": ("NPS (−100 to +100)", "صافي نقاط الترويج"),
        "axis.ces": ("Ease (mean, 1–7)", "السهولة (متوسط من 1 إلى 7)"),
        "axis.response-rate": ("Response rate", "معدل الاستجابة"),
        "axis.profile": ("Mean agreement: 1 strongly disagree … 5 strongly agree", "متوسط الموافقة: 1 لا أوافق بشدة … 5 أوافق بشدة"),
        // The board pack: plain words for readers outside the quality team.
        "board.findings": ("What stands out this month", "أبرز ما في هذا الشهر"),
        "board.noFindings": (
            "Nothing stands out this month: every measure is within its usual month-to-month range.",
            "لا شيء لافت هذا الشهر: كل المؤشرات ضمن تذبذبها المعتاد من شهر لآخر."
        ),
        "board.signalHigh": ("higher than in a usual month", "أعلى مما هو معتاد في الأشهر الأخرى"),
        "board.signalLow": ("lower than in a usual month", "أدنى مما هو معتاد في الأشهر الأخرى"),
        "board.trendUp": ("rising month after month", "في ارتفاع شهرًا بعد شهر"),
        "board.trendDown": ("falling month after month", "في انخفاض شهرًا بعد شهر"),
        "board.flagHigh": ("clearly higher than all units together", "أعلى بوضوح من مجموع الوحدات"),
        "board.flagLow": ("clearly lower than all units together", "أدنى بوضوح من مجموع الوحدات"),
        "board.improvement": ("Going well", "تحسّن"),
        "board.concern": ("Needs attention", "يستدعي الانتباه"),
        "board.mixed": ("Mixed", "متباين"),
        "board.moreFindings": ("{count} more findings are in the monthly review.", "في المراجعة الشهرية نتائج أخرى عددها {count}."),
        "board.responses": ("{count} responses", "الردود: {count}"),
        "board.answeredOfIssued": ("{answered} of {issued} invitations answered", "الدعوات: {issued}، المُجاب منها: {answered}"),
        "board.issued": ("Invitations", "الدعوات"),
        "board.answered": ("Answered", "المُجابة"),
        "board.suppressed": ("not shown: fewer than {threshold} responses", "لا يُعرض: أقل من {threshold} ردود"),
        "board.trendTitle": ("{measure}: the last {months} months", "{measure}: آخر {months} شهرًا"),
        "board.trendNote": (
            "Grey line: the last 13 months; dashed line: the usual level (the mean of 24 months); large dot: this month, blue or orange when it is outside the usual range.",
            "الخط الرمادي: آخر 13 شهرًا؛ الخط المتقطع: المستوى المعتاد (متوسط 24 شهرًا)؛ النقطة الكبيرة: هذا الشهر، زرقاء أو برتقالية إذا خرجت عن النطاق المعتاد."
        ),
        "board.notMeasurable": (
            "not yet measurable (fewer than {minimum} responses before or since)", "لا يمكن قياسه بعد (أقل من {minimum} ردود قبله أو بعده)"
        ),
        "board.effect": (
            "mean {before} before, {after} since: {difference} (95% interval {interval}; {n} responses)",
            "المتوسط {before} قبله و{after} بعده: {difference} (فترة الثقة 95%: {interval}؛ الردود {n})"
        ),
        "board.moreActions": ("{count} more actions are in the monthly review.", "في المراجعة الشهرية إجراءات أخرى عددها {count}."),
        "board.actionsNote": (
            "The targeted question's mean in the 90 days before each action and in the days since: a before/after comparison, not proof of cause.",
            "متوسط السؤال المستهدف في الأيام التسعين قبل كل إجراء وفي الأيام التي تلته: مقارنة قبل وبعد، لا دليل على السببية."
        ),
        "amendedNote": (
            "Amended report (amendment {number}): this month's data changed after its report was frozen, for instance by late paper or phone responses. It replaces the earlier report set, which is kept unchanged:",
            "تقرير مُعدَّل (التعديل رقم {number}): تغيّرت بيانات هذا الشهر بعد تجميد تقريره، بوصول ردود ورقية أو هاتفية متأخرة مثلًا. وهو يحلّ محلّ مجموعة التقارير السابقة التي تبقى محفوظة دون تغيير:"
        ),
    ]
}
