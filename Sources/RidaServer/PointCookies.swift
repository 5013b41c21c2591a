import Foundation
import Hummingbird
import RidaCore

/// The two cookies of points of service, signed with the server secret (`PointStore.seal`):
/// - `rida_p_{code}`: this device answered at the point on this day (`DAY.MAC`). One answer per
///   device, point and day: a second link opened or posted that day is not claimed.
/// - `rida_kiosk`: this browser is the point's kiosk until a time (`CODE.UNTIL.MAC`), set when
///   staff open kiosk mode in the admin area and cleared when anyone signs in there.
/// Neither names a person or a response; both are `HttpOnly`, `SameSite=Lax` (the poster's link
/// is opened from a camera app, another "site"), and `Secure` under an https base address.
struct PointCookies: Sendable {
    static let kioskName = "rida_kiosk"
    /// A kiosk stays a kiosk for a working day.
    static let kioskLifetime: TimeInterval = 14 * 3600

    let store: any PointStore
    let timeZone: TimeZone
    let secure: Bool

    static func deviceName(_ code: String) -> String { "rida_p_\(code)" }

    private func mac(_ text: String) -> String {
        store.seal(text).prefix(16).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    private func attributes(maxAge: Int) -> String {
        "; Path=/; HttpOnly; SameSite=Lax; Max-Age=\(maxAge)" + (secure ? "; Secure" : "")
    }

    // MARK: Device

    /// The cookie that says this device answered at `code` today.
    func answered(_ code: String, at date: Date = Date()) -> String {
        let day = CalendarDay(date, in: timeZone).description
        return Self.deviceName(code) + "=" + day + "." + mac("device\u{0}\(code)\u{0}\(day)") + attributes(maxAge: 36 * 3600)
    }

    /// The points this request's device has answered at today.
    func answeredPoints(_ request: Request, at date: Date = Date()) -> Set<String> {
        let day = CalendarDay(date, in: timeZone).description
        var points = Set<String>()
        for (name, value) in Self.cookies(request) where name.hasPrefix("rida_p_") {
            let code = String(name.dropFirst("rida_p_".count))
            let parts = value.split(separator: ".", maxSplits: 1).map(String.init)
            guard parts.count == 2, parts[0] == day, ServicePoint.isValidCode(code) else { continue }
            if constantTimeEqual(parts[1], mac("device\u{0}\(code)\u{0}\(day)")) { points.insert(code) }
        }
        return points
    }

    // MARK: Kiosk

    func kiosk(_ code: String, at date: Date = Date()) -> String {
        let until = Int64(date.timeIntervalSince1970 + Self.kioskLifetime)
        return Self.kioskName + "=" + "\(code).\(until)." + mac("kiosk\u{0}\(code)\u{0}\(until)") + attributes(maxAge: Int(Self.kioskLifetime))
    }

    static var clearedKiosk: String { kioskName + "=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0" }

    /// The point this browser is the kiosk of, while its cookie is valid.
    func kioskPoint(_ request: Request, at date: Date = Date()) -> String? {
        guard let value = Self.cookies(request).first(where: { $0.name == Self.kioskName })?.value else { return nil }
        let parts = value.split(separator: ".").map(String.init)
        guard parts.count == 3, ServicePoint.isValidCode(parts[0]), let until = Int64(parts[1]), until > Int64(date.timeIntervalSince1970)
        else { return nil }
        return constantTimeEqual(parts[2], mac("kiosk\u{0}\(parts[0])\u{0}\(until)")) ? parts[0] : nil
    }

    // MARK: Parts

    /// Every cookie of the request, by name and value, in order.
    static func cookies(_ request: Request) -> [(name: String, value: String)] {
        var found: [(String, String)] = []
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                found.append((parts[0].trimmingCharacters(in: .whitespaces), parts[1].trimmingCharacters(in: .whitespaces)))
            }
        }
        return found
    }

    private func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
