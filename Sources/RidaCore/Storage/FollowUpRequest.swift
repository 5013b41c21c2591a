import Foundation

/// A contact request as a submission leaves it, given directly (the demo's made-up cases): the
/// unit, the scores, the masked comment and the contact detail, and the moves already made.
public struct FollowUpRequest: Sendable {
    public var unit: ServiceUnit
    public var locale: String
    public var scores: [String: String]
    public var comment: String?
    public var phone: String?
    public var email: String?
    public var reasons: [CaseReason]
    public var answeredAt: Date
    /// Moves made since, in order, each with who made it and when.
    public var moves: [(change: CaseChange, actor: Actor, at: Date)]

    public init(
        unit: ServiceUnit, locale: String, scores: [String: String], comment: String?, phone: String?, email: String?, reasons: [CaseReason],
        answeredAt: Date, moves: [(change: CaseChange, actor: Actor, at: Date)] = []
    ) {
        self.unit = unit
        self.locale = locale
        self.scores = scores
        self.comment = comment
        self.phone = phone
        self.email = email
        self.reasons = reasons
        self.answeredAt = answeredAt
        self.moves = moves
    }
}
