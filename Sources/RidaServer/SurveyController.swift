import Foundation
import HTTPTypes
import Hummingbird
import Logging
import RidaCore
import RidaReports
import Synchronization

/// The beneficiary's pages: the questionnaire, its submission, the thank-you page, and a clear
/// page in their language for every other case.
struct SurveyController {
    let configuration: SeedConfiguration
    let store: any SurveyStore
    let templates: TemplateLibrary
    /// Slows unknown tokens per client; a token that is found never meets it.
    let throttle: FailureThrottle
    let addressing: ClientAddressing
    let metrics: ServerMetrics
    /// The cookies of points of service (nil when the store keeps no points).
    var points: PointCookies? = nil
    /// The blank form of each questionnaire version in each language, per department and
    /// service named under its title. It holds nothing else of the invitation (the form posts to
    /// its own address), so it is rendered once and reused.
    let blankForms = BlankFormCache()
    static let maximumBody = 64 * 1024
    static let maximumFields = 64

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("s/:token", use: show)
        routes.post("s/:token", use: submit)
        routes.get("s/:token/thanks", use: thanks)
        return routes
    }

    enum Page {
        case form(InvitationDetails, language: String, values: [String: [String]], errors: [String: FieldError])
        /// A title and a body; `extra`, a second paragraph (the thank-you page's promise to get
        /// in touch); `query`, what the language links keep besides `lang`.
        case message(MessageKey, MessageKey?, language: String, languages: [String], extra: MessageKey? = nil, query: String = "")
    }

    /// The point whose kiosk this browser is, if any: its pages lead back to a fresh form.
    func kiosk(_ request: Request) -> String? { points?.kioskPoint(request) }

    // MARK: - Handlers

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (invitation, token, early) = try await resolve(request, context)
        if let early { return early }
        guard let invitation, token != nil else { return await unknownToken(request, context) }
        let language = negotiate(request, invitation: invitation)
        let kiosk = kiosk(request)
        switch invitation.state {
        case .open:
            if let point = invitation.point, point != kiosk, points?.answeredPoints(request).contains(point) == true {
                return answeredAtPoint(language, invitation, kiosk: kiosk)
            }
            let questionnaire = invitation.questionnaire
            let page = blankForms.page(
                questionnaire: questionnaire.key, version: questionnaire.version, language: language,
                about: [invitation.unit?.department ?? "", invitation.unit?.service ?? "", kiosk ?? ""]
            ) {
                ByteBuffer(string: templates.render(formModel(invitation, language, [:], [:], kiosk: kiosk), template: "survey/form"))
            }
            return htmlResponse(page, status: .ok)
        case .used, .expired, .revoked: return gone(language, invitation, kiosk: kiosk)
        }
    }

    /// The form again in another language, with the answers given so far: nothing is stored and
    /// the token stays unused (the language switcher's buttons submit the form to here).
    private func switchLanguage(
        to asked: String, fields: [String: [String]], token: InvitationToken, _ request: Request, _ context: AppRequestContext
    ) async -> Response {
        let invitation: InvitationDetails?
        do {
            invitation = try await store.invitation(tokenHash: token.hash, at: Date())
        } catch {
            context.logger.error("invitation lookup failed", metadata: ["error": "\(String(describing: type(of: error)))"])
            let language = negotiate(request, invitation: nil)
            return render(.message(.unavailableTitle, .unavailableBody, language: language, languages: offeredLanguages), status: .serviceUnavailable)
        }
        guard let invitation else { return await unknownToken(request, context) }
        let offered = configuration.offeredLanguages(of: invitation.questionnaire)
        let language = offered.contains(asked) ? asked : negotiate(request, invitation: invitation)
        let kiosk = kiosk(request)
        switch invitation.state {
        case .open:
            var values = fields
            values["lang"] = [language]
            values["switch-language"] = nil
            return render(.form(invitation, language: language, values: values, errors: [:]), status: .ok, kiosk: kiosk)
        case .used, .expired, .revoked: return gone(language, invitation, kiosk: kiosk)
        }
    }

    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let raw = context.parameters.get("token"), let token = InvitationToken(parsing: raw) else {
            metrics.recordSubmission(.notFound)
            return await unknownToken(request, context)
        }
        // Until the invitation is known, problems with the body are told in the negotiated language.
        let fallback = negotiate(request, invitation: nil)
        let allLanguages = offeredLanguages
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/x-www-form-urlencoded") else {
            metrics.recordSubmission(.invalid)
            return render(.message(.unavailableTitle, .badRequestBody, language: fallback, languages: allLanguages), status: .badRequest)
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: Self.maximumBody)
        } catch {
            metrics.recordSubmission(.invalid)
            return render(.message(.unavailableTitle, .tooLargeBody, language: fallback, languages: allLanguages), status: .contentTooLarge)
        }
        guard let fields = FormDecoding.decode(body.readableBytesView) else {
            metrics.recordSubmission(.invalid)
            return render(.message(.unavailableTitle, .badRequestBody, language: fallback, languages: allLanguages), status: .badRequest)
        }
        guard fields.count <= Self.maximumFields else {
            metrics.recordSubmission(.invalid)
            return render(.message(.unavailableTitle, .tooLargeBody, language: fallback, languages: allLanguages), status: .contentTooLarge)
        }
        if let asked = fields["switch-language"]?.last {
            return await switchLanguage(to: asked, fields: fields, token: token, request, context)
        }
        // The form's own language field wins; then the usual negotiation for this invitation.
        let language: @Sendable (InvitationDetails) -> String = { [self] invitation in
            if let chosen = fields["lang"]?.last, configuration.offeredLanguages(of: invitation.questionnaire).contains(chosen) { return chosen }
            return negotiate(request, invitation: invitation)
        }
        // Only the beneficiary's own choice on this form says the thank-you page should promise a call.
        let askedForContact = fields["contact"]?.last == "yes"
        var submission = SubmissionRequest(
            validate: { SubmissionValidator(questionnaire: $0.questionnaire).validate(fields) }, language: language,
            erasureKey: token.erasureKey)
        // One answer per device, point and day — except on the point's own kiosk, a shared device.
        let kiosk = kiosk(request)
        submission.answeredPoints = (points?.answeredPoints(request) ?? []).subtracting(kiosk.map { [$0] } ?? [])
        let outcome: SubmissionOutcome
        do {
            outcome = try await store.submit(tokenHash: token.hash, submission, at: Date())
        } catch {
            context.logger.error("submission not stored", metadata: ["error": "\(String(describing: type(of: error)))"])
            metrics.recordSubmission(.unavailable)
            return render(.message(.unavailableTitle, .unavailableBody, language: fallback, languages: allLanguages), status: .serviceUnavailable)
        }
        metrics.recordSubmission(outcome.metricsOutcome)
        switch outcome {
        case .stored(let invitation):
            // Without the unit: a log line's time to the second beside a unit would tell a reader
            // of the log which invitation (issued there) was just answered.
            context.logger.info("response stored")
            var response = redirectToThanks(token, language(invitation), contact: askedForContact)
            if let point = invitation.point, point != kiosk, let points {
                response.headers[values: .setCookie].append(points.answered(point))
            }
            return response
        case .invalid(let invitation, let errors):
            return render(
                .form(invitation, language: language(invitation), values: fields, errors: errors.fields), status: .unprocessableContent, kiosk: kiosk)
        case .closed(let invitation):
            switch invitation.state {
            case .used, .open: return redirectToThanks(token, language(invitation), contact: askedForContact)
            case .expired, .revoked: return gone(language(invitation), invitation, kiosk: kiosk)
            }
        case .answeredAtPoint(let invitation):
            return answeredAtPoint(language(invitation), invitation, kiosk: kiosk)
        case .notFound:
            return await unknownToken(request, context)
        }
    }

    @Sendable func thanks(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (found, parsed, early) = try await resolve(request, context)
        if let early { return early }
        guard let invitation = found, let token = parsed else { return await unknownToken(request, context) }
        let language = negotiate(request, invitation: invitation)
        let kiosk = kiosk(request)
        switch invitation.state {
        case .used:
            let contact = request.uri.queryParameters.get("contact") == "yes"
            return render(
                .message(
                    .thanksTitle, .thanksBody, language: language, languages: configuration.offeredLanguages(of: invitation.questionnaire),
                    extra: contact ? .thanksContact : nil, query: contact ? "&contact=yes" : ""),
                status: .ok, kiosk: kiosk)
        case .open:
            return Response(status: .seeOther, headers: [.location: "/s/\(token.value)?lang=\(language)", .cacheControl: "no-store"])
        case .expired, .revoked: return gone(language, invitation, kiosk: kiosk)
        }
    }

    // MARK: - Shared steps

    /// The invitation for the request's token (nil for an unknown or malformed one), or an
    /// early response when the store cannot answer.
    private func resolve(_ request: Request, _ context: AppRequestContext) async throws -> (InvitationDetails?, InvitationToken?, Response?) {
        guard let raw = context.parameters.get("token"), let token = InvitationToken(parsing: raw) else {
            return (nil, nil, nil)
        }
        let invitation: InvitationDetails?
        do {
            invitation = try await store.invitation(tokenHash: token.hash, at: Date())
        } catch {
            context.logger.error("invitation lookup failed", metadata: ["error": "\(String(describing: type(of: error)))"])
            let language = negotiate(request, invitation: nil)
            return (nil, nil, render(.message(.unavailableTitle, .unavailableBody, language: language, languages: offeredLanguages), status: .serviceUnavailable))
        }
        return (invitation, token, nil)
    }

    /// The answer to an unknown or malformed token: the usual 404 page while its client has
    /// failed only a few times, then — later and later — a 429 page with `Retry-After`.
    private func unknownToken(_ request: Request, _ context: AppRequestContext) async -> Response {
        let key = addressing.key(socket: context.remoteAddress, headers: request.headers)
        guard let wait = await throttle.slowDown(key).retryAfter else { return notFound(request) }
        metrics.recordThrottled(.survey)
        let language = negotiate(request, invitation: nil)
        var response = render(
            .message(.tooManyTitle, .tooManyBody, language: language, languages: offeredLanguages), status: .tooManyRequests)
        response.headers[.retryAfter] = String(wait)
        return response
    }

    /// The languages beneficiaries are offered when no invitation is known: drafts only where configured.
    var offeredLanguages: [String] {
        configuration.languages.filter(\.offered).map(\.code)
    }

    /// `?lang=`, else the invitation's locale, else `Accept-Language`, else the default (Arabic),
    /// among the languages offered: a draft not offered is never chosen, even as the invitation's.
    func negotiate(_ request: Request, invitation: InvitationDetails?) -> String {
        let offered = invitation.map { configuration.offeredLanguages(of: $0.questionnaire) } ?? offeredLanguages
        if let asked = request.uri.queryParameters.get("lang"), offered.contains(asked) { return asked }
        if let locale = invitation?.locale, offered.contains(locale) { return locale }
        if let preferred = AcceptLanguage.preferred(request.headers[.acceptLanguage], among: offered) { return preferred }
        return offered.contains(configuration.defaultLanguage) ? configuration.defaultLanguage : (offered.first ?? "ar")
    }

    func notFound(_ request: Request) -> Response {
        let language = negotiate(request, invitation: nil)
        return render(.message(.notFoundTitle, .notFoundBody, language: language, languages: offeredLanguages), status: .notFound)
    }

    /// The page of a link that can no longer be answered, saying why: answered already, expired
    /// or withdrawn. All three are 410; only the spent invitation's state tells them apart.
    private func gone(_ language: String, _ invitation: InvitationDetails, kiosk: String? = nil) -> Response {
        let (title, body): (MessageKey, MessageKey) =
            switch invitation.state {
            case .used, .open: (.alreadyTitle, .alreadyBody)
            case .expired: (.expiredTitle, .expiredBody)
            case .revoked: (.revokedTitle, .revokedBody)
            }
        return render(
            .message(title, body, language: language, languages: configuration.offeredLanguages(of: invitation.questionnaire)), status: .gone,
            kiosk: kiosk)
    }

    /// A point's link on a device that already answered there today: nothing stored, 409.
    private func answeredAtPoint(_ language: String, _ invitation: InvitationDetails, kiosk: String?) -> Response {
        render(
            .message(.pointAnsweredTitle, .pointAnsweredBody, language: language, languages: configuration.offeredLanguages(of: invitation.questionnaire)),
            status: .conflict, kiosk: kiosk)
    }

    /// `contact=yes` makes the thank-you page say when and how the organisation gets in touch.
    /// It travels in the address only: nothing ties the stored request to the link.
    private func redirectToThanks(_ token: InvitationToken, _ language: String, contact: Bool = false) -> Response {
        let location = "/s/\(token.value)/thanks?lang=\(language)" + (contact ? "&contact=yes" : "")
        return Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    // MARK: - Rendering

    func render(_ page: Page, status: HTTPResponse.Status, kiosk: String? = nil) -> Response {
        let html: String
        switch page {
        case .message(let title, let body, let language, let languages, let extra, let query):
            html = templates.render(
                pages.messageModel(title, body, extra, language, languages, query: query, kiosk: kiosk), template: "survey/message")
        case .form(let invitation, let language, let values, let errors):
            html = templates.render(formModel(invitation, language, values, errors, kiosk: kiosk), template: "survey/form")
        }
        return htmlResponse(ByteBuffer(string: html), status: status)
    }

    private var pages: SurveyPageModels { SurveyPageModels(configuration: configuration) }

    private func formModel(
        _ invitation: InvitationDetails, _ language: String, _ values: [String: [String]], _ errors: [String: FieldError], kiosk: String? = nil
    ) -> [String: Any] {
        pages.formModel(invitation, language, values, errors, kiosk: kiosk)
    }

    private func htmlResponse(_ page: ByteBuffer, status: HTTPResponse.Status) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: page))
    }
}

/// Rendered blank forms by questionnaire version and language. A version's structure never
/// changes and its wording is read once at start-up, like the store's own questionnaire cache.
final class BlankFormCache: Sendable {
    private let pages = Mutex<[String: ByteBuffer]>([:])

    /// `about`: what the page names besides the questionnaire (the invitation's department and
    /// service), a handful of combinations per version and language.
    func page(questionnaire: String, version: Int, language: String, about: [String] = [], render: () -> ByteBuffer) -> ByteBuffer {
        let key = ([questionnaire, String(version), language] + about).joined(separator: "\u{1F}")
        if let page = pages.withLock({ $0[key] }) { return page }
        let page = render()
        pages.withLock { $0[key] = page }
        return page
    }
}

extension HTTPField.Name {
    static let retryAfter = Self("Retry-After")!
}

extension SubmissionOutcome {
    var metricsOutcome: ServerMetrics.SubmissionOutcome {
        switch self {
        case .stored: .stored
        case .invalid: .invalid
        case .closed, .answeredAtPoint: .closed
        case .notFound: .notFound
        }
    }
}
