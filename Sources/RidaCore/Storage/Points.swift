import Foundation

/// A point of service: a reusable code for an office or a counter, printed on a poster or opened
/// on a kiosk tablet. Each visit of `/p/{code}` mints a fresh one-time link for its unit; the
/// responses it brings keep the source `point` and have no response-rate denominator.
public struct ServicePoint: Hashable, Sendable {
    public var code: String
    public var department: String
    public var channel: String
    public var service: String?
    /// Where it stands, for staff and on the poster ("Makkah office, counter 3"); may be empty.
    public var place: String
    /// The poster's languages, in order; the form itself is offered in every language.
    public var languages: [String]
    public var active: Bool
    /// Configured in `seeds/points.yaml` (synchronised at start-up) rather than in the admin area.
    public var fromSeeds: Bool

    public init(
        code: String, department: String, channel: String, service: String? = nil, place: String = "", languages: [String] = ["ar", "en"],
        active: Bool = true, fromSeeds: Bool = false
    ) {
        self.code = code
        self.department = department
        self.channel = channel
        self.service = service
        self.place = place
        self.languages = languages
        self.active = active
        self.fromSeeds = fromSeeds
    }

    public var unit: ServiceUnit { ServiceUnit(department: department, channel: channel, service: service) }

    /// Lower-case letters, digits and inner hyphens, 2 to 40 characters: it goes in a short link.
    public static func isValidCode(_ code: String) -> Bool {
        guard (2...40).contains(code.count), code.first != "-", code.last != "-" else { return false }
        return code.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }
}

/// One point's day: links opened (minted) and answers stored.
public struct PointDay: Hashable, Sendable {
    public var point: String
    public var day: CalendarDay
    public var opened: Int
    public var answered: Int

    public init(point: String, day: CalendarDay, opened: Int, answered: Int) {
        self.point = point
        self.day = day
        self.opened = opened
        self.answered = answered
    }
}

/// What minting a link at a point gave.
public enum MintOutcome: Hashable, Sendable {
    case minted(InvitationToken)
    case unknownPoint
    case inactivePoint
}

/// Why a point cannot be saved.
public enum PointError: Error, Hashable, Sendable, CustomStringConvertible {
    case invalidCode(String)
    case unknownReference(field: String, code: String)
    case duplicateCode(String)

    public var description: String {
        switch self {
        case .invalidCode(let code): "code: '\(code)' is not 2 to 40 lower-case letters, digits and hyphens"
        case .unknownReference(let field, let code): "\(field): unknown code '\(code)'"
        case .duplicateCode(let code): "code: '\(code)' is already used"
        }
    }
}

/// Points of service and the links they mint.
public protocol PointStore: Sendable {
    func points() async throws -> [ServicePoint]
    /// Creates a point; throws `PointError` on a bad or taken code or an unknown unit.
    func createPoint(_ point: ServicePoint, by actor: Actor, at: Date) async throws
    /// False when no point has this code.
    func setPointActive(code: String, active: Bool, by actor: Actor, at: Date) async throws -> Bool
    /// A fresh one-time link for the point's unit, open for `lifetime` (rounded up to the hour).
    func mint(point code: String, lifetime: TimeInterval, at: Date) async throws -> MintOutcome
    /// Per point and day, the links opened and the answers stored, from `from` to `to`.
    func pointDays(from: CalendarDay, to: CalendarDay) async throws -> [PointDay]
    /// A keyed digest of `text` under the server secret, for the cookies a point sets.
    func seal(_ text: String) -> Data
}

/// A point's volume today against its usual: an alert when today is far above what its recent
/// days make likely. The usual is the mean of answers per day over the 28 days before today
/// (from the point's first day with data, if later); today alerts once it has at least 20
/// answers and a Poisson count with that mean would reach it with probability below 1/1000.
public struct PointVolume: Hashable, Sendable {
    public static let window = 28
    public static let minimumAlert = 20
    public static let tail = 0.001

    public var today: Int
    /// Answers per day, nil before any day of history.
    public var usual: Double?
    public var alert: Bool

    public init(today: Int, history: [Int]) {
        self.today = today
        let days = history.suffix(Self.window)
        usual = days.isEmpty ? nil : Double(days.reduce(0, +)) / Double(days.count)
        alert = today >= Self.minimumAlert && Self.upperTail(today, mean: max(usual ?? 0, 1)) < Self.tail
    }

    /// P(X ≥ k) for X ~ Poisson(mean), summed in log space (no overflow for large k).
    public static func upperTail(_ k: Int, mean: Double) -> Double {
        guard k > 0 else { return 1 }
        // P(X ≤ k − 1), term by term.
        var term = exp(-mean)
        var below = term
        if k > 1 {
            for i in 1..<k {
                term *= mean / Double(i)
                below += term
            }
        }
        return max(0, 1 - below)
    }
}
