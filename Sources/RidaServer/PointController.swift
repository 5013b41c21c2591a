import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import RidaCore

/// Points of service, the beneficiary's side:
/// - `GET /p/{code}` (the poster's short link): a fresh one-time link for the point's unit, and
///   its form (303 to `/s/{token}`); a device that answered at the point today is told so and
///   gets no link; each client may open 30 links at once, then one every 6 seconds (429).
/// - `GET /k/{code}`: the same on the point's kiosk, a browser staff made so in the admin area;
///   every end page of a kiosk comes back here, to a fresh form.
/// - `GET /kiosk.js`: what a kiosk's pages run (no inline script): back to a fresh form after
///   an end page or 2 idle minutes, and never a page restored from the history.
struct PointController {
    /// A minted link stays open this long (rounded up to the hour): the visit, not a day.
    static let linkLifetime: TimeInterval = 12 * 3600

    let survey: SurveyController
    let store: any PointStore
    let cookies: PointCookies
    /// Links opened per client: 30 free, one more every 6 seconds.
    let throttle: FailureThrottle
    let addressing: ClientAddressing
    let metrics: ServerMetrics

    static var throttlePolicy: FailureThrottle.Policy {
        var policy = FailureThrottle.Policy()
        policy.free = 30
        policy.forgetEvery = 6
        return policy
    }

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("p/:code", use: poster)
        routes.get("k/:code", use: kiosk)
        routes.get("kiosk.js", use: script)
        return routes
    }

    @Sendable func poster(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let code = context.parameters.get("code"), ServicePoint.isValidCode(code) else { return survey.notFound(request) }
        if survey.kiosk(request) != code, cookies.answeredPoints(request).contains(code) {
            let language = survey.negotiate(request, invitation: nil)
            return survey.render(
                .message(.pointAnsweredTitle, .pointAnsweredBody, language: language, languages: survey.offeredLanguages), status: .conflict)
        }
        return await mint(code, request, context)
    }

    @Sendable func kiosk(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let code = context.parameters.get("code"), ServicePoint.isValidCode(code) else { return survey.notFound(request) }
        guard survey.kiosk(request) == code else {
            let language = survey.negotiate(request, invitation: nil)
            return survey.render(.message(.kioskOffTitle, .kioskOffBody, language: language, languages: survey.offeredLanguages), status: .forbidden)
        }
        return await mint(code, request, context)
    }

    private func mint(_ code: String, _ request: Request, _ context: AppRequestContext) async -> Response {
        let language = survey.negotiate(request, invitation: nil)
        let client = addressing.key(socket: context.remoteAddress, headers: request.headers)
        // Every link opened counts, answered or not; none is made to wait.
        let verdict = throttle.failure(client)
        if case .delay = verdict { throttle.finished(client) }
        if let wait = verdict.retryAfter {
            metrics.recordThrottled(.survey)
            var response = survey.render(
                .message(.tooManyTitle, .tooManyBody, language: language, languages: survey.offeredLanguages), status: .tooManyRequests)
            response.headers[.retryAfter] = String(wait)
            return response
        }
        let outcome: MintOutcome
        do {
            outcome = try await store.mint(point: code, lifetime: Self.linkLifetime, at: Date())
        } catch {
            context.logger.error("point link not minted", metadata: ["error": "\(String(describing: type(of: error)))"])
            return survey.render(
                .message(.unavailableTitle, .unavailableBody, language: language, languages: survey.offeredLanguages), status: .serviceUnavailable)
        }
        switch outcome {
        case .minted(let token):
            // The language asked for travels on; otherwise the form negotiates its own.
            let asked = request.uri.queryParameters.get("lang").map { "?lang=\($0)" } ?? ""
            return Response(status: .seeOther, headers: [.location: "/s/\(token.value)\(asked)", .cacheControl: "no-store"])
        case .unknownPoint:
            return survey.notFound(request)
        case .inactivePoint:
            return survey.render(.message(.pointClosedTitle, .pointClosedBody, language: language, languages: survey.offeredLanguages), status: .gone)
        }
    }

    @Sendable func script(_ request: Request, context: AppRequestContext) async throws -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "public, max-age=3600"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: Self.kioskScript)))
    }

    static let kioskScript = """
        // Rida kiosk: the pages of a shared tablet keep nothing of the person before.
        (function () {
          var home = document.documentElement.getAttribute('data-kiosk');
          if (!home) { return; }
          function again() { window.location.replace(home); }
          // A page brought back from the browser's memory (back, forward) is never shown: a fresh form instead.
          window.addEventListener('pageshow', function (event) { if (event.persisted) { again(); } });
          var form = document.getElementById('answers');
          if (!form) { window.setTimeout(again, 8000); return; }
          var idle = 0;
          function wake() { window.clearTimeout(idle); idle = window.setTimeout(again, 120000); }
          ['pointerdown', 'keydown', 'input', 'scroll', 'touchstart'].forEach(function (type) {
            document.addEventListener(type, wake, { passive: true });
          });
          wake();
        })();

        """
}
