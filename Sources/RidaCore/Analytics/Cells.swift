import Foundation

/// Where each rating item's counts sit in a cell's count vector, for one questionnaire version:
/// item by item in questionnaire order, one slot per scale point, then one for "not applicable".
public struct CellLayout: Sendable, Hashable {
    public struct Slot: Sendable, Hashable {
        public var item: String
        public var scale: Scale
        public var measure: Measure?
        /// Index of the count for the scale's lowest point.
        public var offset: Int
        /// Index of the "not applicable" count.
        public var notApplicableOffset: Int { offset + scale.points.count }

        /// The index of a scale point's count.
        public func offset(of value: Int) -> Int { offset + value - scale.min }

        /// Answers to the item in a cell's count vector: its scale points, "not applicable" aside.
        public func answered(in counts: [UInt32]) -> Int {
            let end = min(offset + scale.points.count, counts.count)
            guard offset < end else { return 0 }
            return counts[offset..<end].reduce(0) { $0 + Int($1) }
        }
    }

    public let slots: [Slot]
    public let width: Int
    private let byItem: [String: Int]

    public init(_ questionnaire: Questionnaire) {
        var slots: [Slot] = []
        var offset = 0
        for item in questionnaire.items where item.kind == .rating {
            guard let scale = item.scale else { continue }
            slots.append(Slot(item: item.id, scale: scale, measure: item.measure, offset: offset))
            offset += scale.points.count + 1
        }
        self.slots = slots
        width = offset
        byItem = Dictionary(uniqueKeysWithValues: slots.enumerated().map { ($1.item, $0) })
    }

    public func slot(_ item: String) -> Slot? { byItem[item].map { slots[$0] } }

    /// Adds one response's answers to a count vector of this layout. Answers to items the
    /// layout does not hold (or outside the scale) are ignored: they were validated on the way in.
    public func add(_ answers: [ItemAnswer], to counts: inout [UInt32]) {
        if counts.count < width { counts += Array(repeating: 0, count: width - counts.count) }
        for answer in answers {
            guard let slot = slot(answer.item) else { continue }
            switch answer.value {
            case .value(let value) where slot.scale.points.contains(value): counts[slot.offset(of: value)] += 1
            case .value: continue
            case .notApplicable: counts[slot.notApplicableOffset] += 1
            }
        }
    }
}

/// Count vectors are stored as little-endian 32-bit counts.
public enum CellCounts {
    public static func encode(_ counts: [UInt32]) -> Data {
        let little = counts.map { $0.littleEndian }
        return little.withUnsafeBytes { Data($0) }
    }

    public static func decode(_ data: Data) -> [UInt32] {
        var counts = [UInt32](repeating: 0, count: data.count / 4)
        data.withUnsafeBytes { raw in
            for index in counts.indices {
                counts[index] = UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self))
            }
        }
        return counts
    }

    /// Adds `other` into `counts`, growing it if needed.
    public static func add(_ other: [UInt32], to counts: inout [UInt32]) {
        if counts.count < other.count { counts += Array(repeating: 0, count: other.count - counts.count) }
        for index in other.indices { counts[index] += other[index] }
    }
}

/// How finely the stored cells are kept. Every cell holds one day.
public enum CellGrain: String, Sendable, Hashable, CaseIterable {
    /// Department × channel × questionnaire version: what most analyses ask for, kept small.
    case departmentChannel
    /// Department × channel × segment × service × language × source × questionnaire version.
    case unit

    /// The coarsest grain that can answer an analysis by these dimensions.
    public static func covering(_ dimensions: [AnalysisDimension]) -> CellGrain {
        dimensions.allSatisfy { $0 == .department || $0 == .channel } ? .departmentChannel : .unit
    }
}

/// A dimension results can be broken down by.
public enum AnalysisDimension: String, Sendable, Hashable, CaseIterable, Codable {
    case department, channel, segment, service, language
    /// How responses came: one-time invitation links, points of service (counter posters and
    /// kiosks), or imports (paper, phone). Only invitations have a response rate.
    case source
}

/// Sufficient statistics of one day's responses in one cell: how many responses, and for every
/// rating item how many gave each scale point (and "not applicable"), laid out by the
/// questionnaire version's `CellLayout`.
public struct ResponseCell: Sendable, Hashable {
    public var day: CalendarDay
    public var department: String
    public var channel: String
    /// nil at the department × channel grain, and where the response had none.
    public var segment: String?
    public var service: String?
    public var language: String?
    /// How the responses came (`ResponseSource`'s raw value); nil at the department × channel grain.
    public var source: String?
    public var questionnaireVersionID: Int64
    public var responses: Int
    public var counts: [UInt32]

    public init(
        day: CalendarDay, department: String, channel: String, segment: String? = nil, service: String? = nil, language: String? = nil,
        source: String? = nil, questionnaireVersionID: Int64, responses: Int, counts: [UInt32]
    ) {
        self.source = source
        self.day = day
        self.department = department
        self.channel = channel
        self.segment = segment
        self.service = service
        self.language = language
        self.questionnaireVersionID = questionnaireVersionID
        self.responses = responses
        self.counts = counts
    }
}

/// Invitations issued on one day in one cell, and how many of them have been answered.
public struct InvitationCell: Sendable, Hashable {
    public var day: CalendarDay
    public var department: String
    public var channel: String
    public var segment: String?
    public var service: String?
    public var issued: Int
    public var answered: Int

    public init(day: CalendarDay, department: String, channel: String, segment: String? = nil, service: String? = nil, issued: Int, answered: Int) {
        self.day = day
        self.department = department
        self.channel = channel
        self.segment = segment
        self.service = service
        self.issued = issued
        self.answered = answered
    }
}

/// Where the stored cells disagree with the raw responses and invitations.
public struct CellCheck: Sendable, Hashable {
    public var responseCells: Int
    public var invitationCells: Int
    /// Human-readable differences; empty when the cells are exact.
    public var differences: [String]

    public init(responseCells: Int, invitationCells: Int, differences: [String]) {
        self.responseCells = responseCells
        self.invitationCells = invitationCells
        self.differences = differences
    }

    public var isExact: Bool { differences.isEmpty }
}

/// Reads the per-day cells that analyses are computed from.
public protocol CellReader: Sendable {
    func responseCells(from: CalendarDay, to: CalendarDay, grain: CellGrain) async throws -> [ResponseCell]
    func invitationCells(from: CalendarDay, to: CalendarDay, grain: CellGrain) async throws -> [InvitationCell]
    /// Every stored questionnaire version, by its id.
    func questionnaireVersions() async throws -> [Int64: Questionnaire]
    /// Recomputes every cell from the raw responses and invitations and compares.
    func checkCells() async throws -> CellCheck
    /// The first day with a response or an invitation, if any.
    func firstDataDay() async throws -> CalendarDay?
}
