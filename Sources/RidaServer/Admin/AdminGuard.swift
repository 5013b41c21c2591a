import Foundation
import HTTPTypes
import Hummingbird
import RidaCore

/// The checks of the admin area: which session a request belongs to, whether a form was sent by
/// this site's own pages, and the cookies that carry the session and the sign-in form's token.
struct AdminGuard: Sendable {
    static let sessionCookie = "rida_session"
    /// The sign-in form's double-submit token: set with the form, and sent back in it.
    static let loginCookie = "rida_login"

    let sessions: any AdminSessionStore
    let policy: AdminSessionPolicy
    /// Cookies are `Secure` when the configured public address is https — never judged from request headers.
    let secure: Bool
    /// The configured public origin (`https://host[:port]`), the only one forms may come from.
    let origin: String

    init(sessions: any AdminSessionStore, policy: AdminSessionPolicy, baseURL: URL) {
        self.sessions = sessions
        self.policy = policy
        let scheme = baseURL.scheme?.lowercased() ?? "http"
        secure = scheme == "https"
        var host = baseURL.host?.lowercased() ?? ""
        if host.contains(":") && !host.hasPrefix("[") { host = "[\(host)]" }
        let defaultPort = scheme == "https" ? 443 : 80
        origin = "\(scheme)://\(host)" + (baseURL.port.map { $0 == defaultPort ? "" : ":\($0)" } ?? "")
    }

    /// True when the browser says the request was sent from another site (`Sec-Fetch-Site`), or it
    /// names another origin. Pages here are served with `Referrer-Policy: no-referrer`, under which
    /// browsers send `Origin: null` even for the site's own forms, so `null` is left to the other checks.
    func isCrossSite(_ request: Request) -> Bool {
        if let site = request.headers[.secFetchSite], site.lowercased() != "same-origin" { return true }
        if let origin = request.headers[.origin]?.trimmingCharacters(in: .whitespaces), origin != "null", origin.lowercased() != self.origin {
            return true
        }
        return false
    }

    /// The session id in the request's cookie, when it has the shape of one.
    func sessionID(_ request: Request) -> AdminSecret? {
        request.cookies[Self.sessionCookie].flatMap { AdminSecret(parsing: $0.value) }
    }

    /// The request's session, when its cookie names one that is still valid.
    func session(_ request: Request) async throws -> AdminSession? {
        guard let id = sessionID(request) else { return nil }
        return try await sessions.session(idHash: id.hash, policy: policy, at: Date())
    }

    /// Only the browser sends it back, only to the admin area, never from another site.
    func sessionCookie(_ id: AdminSecret) -> String {
        cookie(Self.sessionCookie, id.value, path: "/admin")
    }

    func clearedSessionCookie() -> String {
        cookie(Self.sessionCookie, "", path: "/admin", maxAge: 0)
    }

    func loginCookie(_ token: AdminSecret) -> String {
        cookie(Self.loginCookie, token.value, path: "/admin/login", maxAge: 3600)
    }

    func clearedLoginCookie() -> String {
        cookie(Self.loginCookie, "", path: "/admin/login", maxAge: 0)
    }

    private func cookie(_ name: String, _ value: String, path: String, maxAge: Int? = nil) -> String {
        var text = "\(name)=\(value); Path=\(path); HttpOnly; SameSite=Strict"
        if let maxAge { text += "; Max-Age=\(maxAge)" }
        if secure { text += "; Secure" }
        return text
    }
}

extension HTTPField.Name {
    static let secFetchSite = Self("Sec-Fetch-Site")!
}
