import Foundation
import RidaCore

/// The follow-up cases the demo opens, relative to now, so that a new user finds a queue to work:
/// one overdue, a few due soon, one with a failed call, one contacted and one resolved with its
/// history. Contact details are made up (`example.org`, numbers of the 050 000 0xxx block).
public enum DemoCases {
    public static func requests(now: Date) -> [FollowUpRequest] {
        func ago(hours: Double) -> Date { now.addingTimeInterval(-hours * 3600) }
        let demo = Actor("demo")
        return [
            FollowUpRequest(
                unit: ServiceUnit(department: "registration", channel: "office", segment: "hajj", service: "new-registration"), locale: "ar",
                scores: ["overall": "1", "courtesy": "2", "time": "1", "speed": "1", "recommend": "2"],
                comment: "انتظرت ثلاث ساعات عند نافذة التسجيل ولم يشرح لي أحد سبب التأخير.", phone: "0500000101", email: nil,
                reasons: [.lowSatisfaction, .detractor], answeredAt: ago(hours: 98)),
            FollowUpRequest(
                unit: ServiceUnit(department: "beneficiary-services", channel: "phone", segment: "umrah", service: "inquiry"), locale: "en",
                scores: ["overall": "2", "courtesy": "4", "clarity": "2", "decision": "na", "recommend": "5"],
                comment: "Nobody answered my first two calls; when someone did, the list of documents was still unclear.", phone: "+966500000102",
                email: "umrah.guest@example.org", reasons: [.lowSatisfaction, .detractor], answeredAt: ago(hours: 5)),
            FollowUpRequest(
                unit: ServiceUnit(department: "gift-distribution", channel: "office", segment: "hajj", service: "pilgrim-gift"), locale: "ar",
                scores: ["overall": "2", "courtesy": "5", "speed": "3", "recommend": "6"], comment: "وصلت حقيبة الهدية ناقصة ولم يكن هناك من أسأله.",
                phone: "0500000103", email: nil, reasons: [.lowSatisfaction, .detractor], answeredAt: ago(hours: 30),
                moves: [(CaseChange(status: .open, outcome: .notReachable, note: "لم يُجب على الاتصال الساعة العاشرة؛ سنعاود بعد العصر."), demo, ago(hours: 6))]
            ),
            FollowUpRequest(
                unit: ServiceUnit(department: "social-research", channel: "phone", segment: "hajj", service: "home-visit"), locale: "ar",
                scores: ["overall": "1", "time": "2", "decision": "1", "recommend": "3"], comment: "أُلغيت الزيارة المنزلية مرتين دون إبلاغي.",
                phone: "0500000104", email: nil, reasons: [.lowSatisfaction, .detractor], answeredAt: ago(hours: 52),
                moves: [
                    (CaseChange(status: .contacted, outcome: .reached, note: "تحدثنا مع المستفيد واعتذرنا؛ حُدد موعد جديد للزيارة."), demo, ago(hours: 20))
                ]),
            FollowUpRequest(
                unit: ServiceUnit(department: "volunteering", channel: "web", segment: "volunteer", service: "volunteer-training"), locale: "en",
                scores: ["overall": "4", "ease": "3", "recommend": "4"], comment: nil, phone: nil, email: "volunteer@example.org",
                reasons: [.detractor], answeredAt: ago(hours: 2)),
            FollowUpRequest(
                unit: ServiceUnit(department: "donor-relations", channel: "web", segment: "donor", service: "donation-receipt"), locale: "en",
                scores: ["overall": "2", "speed": "1", "recommend": "4"], comment: "My donation receipt arrived a month late.", phone: "0500000106",
                email: "donor@example.org", reasons: [.lowSatisfaction, .detractor], answeredAt: ago(hours: 150),
                moves: [
                    (CaseChange(status: .contacted, outcome: .reached, note: "Called; the receipt was resent by e-mail the same day."), demo, ago(hours: 120)),
                    (CaseChange(status: .resolved, outcome: .resolved, note: "The donor confirmed the receipt arrived."), demo, ago(hours: 96)),
                ]),
        ]
    }
}
