import Foundation

/// One response as exported: no id, no link to its invitation, the day only.
public struct ExportedResponse: Sendable, Hashable {
    public var day: CalendarDay
    public var department: String
    public var channel: String
    public var segment: String?
    public var service: String?
    public var language: String
    public var questionnaire: String
    public var version: Int
    /// `invitation` (web) or `import` (paper, phone, kiosk).
    public var source: String
    public var answers: [String: AnswerValue]
    /// Free text by item id, as stored (mask before showing it).
    public var texts: [String: String]

    public init(
        day: CalendarDay, department: String, channel: String, segment: String?, service: String?, language: String, questionnaire: String,
        version: Int, source: String, answers: [String: AnswerValue], texts: [String: String]
    ) {
        self.day = day
        self.department = department
        self.channel = channel
        self.segment = segment
        self.service = service
        self.language = language
        self.questionnaire = questionnaire
        self.version = version
        self.source = source
        self.answers = answers
        self.texts = texts
    }
}

/// Streams stored responses for exports and reports.
public protocol ResponseExporter: Sendable {
    /// Every response with a day in the range (all when nil), from one read transaction — a
    /// consistent snapshot while submissions arrive — handed to `body` one at a time, so memory
    /// does not grow with the number of responses. Order: by random id (not arrival).
    func exportResponses(from: CalendarDay?, to: CalendarDay?, _ body: @escaping @Sendable (ExportedResponse) throws -> Void) async throws
    /// Follow-up requests (beneficiaries who asked to be contacted) with a day in the range.
    func followUpCount(from: CalendarDay, to: CalendarDay) async throws -> Int
}
