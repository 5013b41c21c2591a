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
    /// The blank form of each questionnaire version in each language. It holds nothing of the
    /// invitation (the form posts to its own address), so it is rendered once and reused.
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
        case message(MessageKey, MessageKey?, language: String, languages: [String])
    }

    // MARK: - Handlers

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (invitation, token, early) = try await resolve(request, context)
        if let early { return early }
        guard let invitation, token != nil else { return await unknownToken(request, context) }
        let language = negotiate(request, invitation: invitation)
        switch invitation.state {
        case .open:
            let questionnaire = invitation.questionnaire
            let page = blankForms.page(questionnaire: questionnaire.key, version: questionnaire.version, language: language) {
                ByteBuffer(string: templates.render(formModel(invitation, language, [:], [:]), template: "survey/form"))
            }
            return htmlResponse(page, status: .ok)
        case .used, .expired, .revoked: return gone(language, invitation)
        }
    }

    @Sendable func submit(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard let raw = context.parameters.get("token"), let token = InvitationToken(parsing: raw) else {
            metrics.recordSubmission(.notFound)
            return await unknownToken(request, context)
        }
        // Until the invitation is known, problems with the body are told in the negotiated language.
        let fallback = negotiate(request, invitation: nil)
        let allLanguages = configuration.languages.map(\.code)
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
        // The form's own language field wins; then the usual negotiation for this invitation.
        let language: @Sendable (InvitationDetails) -> String = { [self] invitation in
            if let chosen = fields["lang"]?.last, invitation.questionnaire.languages.contains(chosen) { return chosen }
            return negotiate(request, invitation: invitation)
        }
        let submission = SubmissionRequest(
            validate: { SubmissionValidator(questionnaire: $0.questionnaire).validate(fields) }, language: language,
            erasureKey: token.erasureKey)
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
            return redirectToThanks(token, language(invitation))
        case .invalid(let invitation, let errors):
            return render(.form(invitation, language: language(invitation), values: fields, errors: errors.fields), status: .unprocessableContent)
        case .closed(let invitation):
            switch invitation.state {
            case .used, .open: return redirectToThanks(token, language(invitation))
            case .expired, .revoked: return gone(language(invitation), invitation)
            }
        case .notFound:
            return await unknownToken(request, context)
        }
    }

    @Sendable func thanks(_ request: Request, context: AppRequestContext) async throws -> Response {
        let (found, parsed, early) = try await resolve(request, context)
        if let early { return early }
        guard let invitation = found, let token = parsed else { return await unknownToken(request, context) }
        let language = negotiate(request, invitation: invitation)
        switch invitation.state {
        case .used:
            return render(.message(.thanksTitle, .thanksBody, language: language, languages: invitation.questionnaire.languages), status: .ok)
        case .open:
            return Response(status: .seeOther, headers: [.location: "/s/\(token.value)?lang=\(language)", .cacheControl: "no-store"])
        case .expired, .revoked: return gone(language, invitation)
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
            return (nil, nil, render(
                .message(.unavailableTitle, .unavailableBody, language: language, languages: configuration.languages.map(\.code)),
                status: .serviceUnavailable))
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
            .message(.tooManyTitle, .tooManyBody, language: language, languages: configuration.languages.map(\.code)), status: .tooManyRequests)
        response.headers[.retryAfter] = String(wait)
        return response
    }

    /// `?lang=`, else the invitation's locale, else `Accept-Language`, else the default (Arabic).
    func negotiate(_ request: Request, invitation: InvitationDetails?) -> String {
        let offered = invitation?.questionnaire.languages ?? configuration.languages.map(\.code)
        if let asked = request.uri.queryParameters.get("lang"), offered.contains(asked) { return asked }
        if let locale = invitation?.locale, offered.contains(locale) { return locale }
        if let preferred = AcceptLanguage.preferred(request.headers[.acceptLanguage], among: offered) { return preferred }
        return offered.contains(configuration.defaultLanguage) ? configuration.defaultLanguage : (offered.first ?? "ar")
    }

    private func notFound(_ request: Request) -> Response {
        let language = negotiate(request, invitation: nil)
        return render(.message(.notFoundTitle, .notFoundBody, language: language, languages: configuration.languages.map(\.code)), status: .notFound)
    }

    private func gone(_ language: String, _ invitation: InvitationDetails) -> Response {
        render(.message(.goneTitle, .goneBody, language: language, languages: invitation.questionnaire.languages), status: .gone)
    }

    private func redirectToThanks(_ token: InvitationToken, _ language: String) -> Response {
        Response(status: .seeOther, headers: [.location: "/s/\(token.value)/thanks?lang=\(language)", .cacheControl: "no-store"])
    }

    // MARK: - Rendering

    private func text(_ key: MessageKey, _ language: String) -> String {
        configuration.messages[key.rawValue]?.text(in: language) ?? ""
    }

    private func direction(_ code: String) -> String {
        configuration.language(code)?.direction.rawValue ?? "ltr"
    }

    func render(_ page: Page, status: HTTPResponse.Status) -> Response {
        let html: String
        switch page {
        case .message(let title, let body, let language, _):
            html = templates.render(
                [
                    "lang": language, "dir": direction(language), "title": text(title, language),
                    "body": body.map { text($0, language) } ?? "",
                ] as [String: Any], template: "survey/message")
        case .form(let invitation, let language, let values, let errors):
            html = templates.render(formModel(invitation, language, values, errors), template: "survey/form")
        }
        return htmlResponse(ByteBuffer(string: html), status: status)
    }

    private func htmlResponse(_ page: ByteBuffer, status: HTTPResponse.Status) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: page))
    }

    private func formModel(_ invitation: InvitationDetails, _ language: String, _ values: [String: [String]], _ errors: [String: FieldError])
        -> [String: Any]
    {
        let questionnaire = invitation.questionnaire
        func value(_ name: String) -> String { values[name]?.last ?? "" }
        func errorText(_ id: String) -> Any {
            guard let error = errors[id] else { return false }
            var message = text(error.messageKey, language)
            if case .tooLong(let max) = error { message = message.replacingOccurrences(of: "{max}", with: String(max)) }
            return message
        }
        let items: [[String: Any]] = questionnaire.items.map { item in
            let requirement = text(item.required ? .surveyRequired : .surveyOptional, language)
            var model: [String: Any] = [
                "id": item.id, "text": item.text.text(in: language), "requirement": requirement, "error": errorText(item.id),
            ]
            switch item.kind {
            case .rating:
                guard let scale = item.scale else { return model }
                var options: [[String: Any]] = scale.points.map { point in
                    let label = scale.labels[point].map { "\(point) · \($0.text(in: language))" } ?? String(point)
                    return ["name": item.id, "value": String(point), "label": label, "checked": value(item.id) == String(point), "required": item.required]
                }
                if item.allowsNotApplicable {
                    options.append([
                        "name": item.id, "value": SubmissionValidator.notApplicableValue, "label": text(.surveyNotApplicable, language),
                        "checked": value(item.id) == SubmissionValidator.notApplicableValue, "required": false,
                    ])
                }
                model["rating"] = true
                model["options"] = options
                // Long scales (0–10) label only their ends; shorter ones label every point.
                let labelsEveryPoint = scale.labels.count == scale.points.count
                model["hasAnchors"] = !labelsEveryPoint
                model["lowLabel"] = scale.labels[scale.min]?.text(in: language) ?? ""
                model["highLabel"] = scale.labels[scale.max]?.text(in: language) ?? ""
                if !labelsEveryPoint {
                    model["options"] = options.map { option -> [String: Any] in
                        var option = option
                        if option["value"] as? String != SubmissionValidator.notApplicableValue { option["label"] = option["value"] }
                        return option
                    }
                }
            case .text:
                model["freeText"] = true
                model["maxLength"] = String(item.maxLength ?? 1000)
                model["value"] = value(item.id)
            case .contact:
                model["contact"] = true
                model["yes"] = value(item.id) == "yes"
                model["no"] = value(item.id) == "no"
                model["yesLabel"] = text(.surveyContactYes, language)
                model["noLabel"] = text(.surveyContactNo, language)
                model["phoneLabel"] = text(.surveyContactPhone, language)
                model["emailLabel"] = text(.surveyContactEmail, language)
                // Kept as typed, but without direction marks or zero-width characters, which would
                // show the number in another order than it reads (and are refused).
                model["phone"] = SubmissionValidator.withoutHiddenCharacters(value("\(item.id)-phone"))
                model["email"] = SubmissionValidator.withoutHiddenCharacters(value("\(item.id)-email"))
            }
            return model
        }
        let languages: [[String: Any]] = questionnaire.languages.compactMap { code in
            guard let declared = configuration.language(code) else { return nil }
            return ["code": code, "name": declared.name, "dir": declared.direction.rawValue, "current": code == language]
        }
        return [
            "lang": language, "dir": direction(language), "title": questionnaire.title.text(in: language),
            "promise": questionnaire.promise.text(in: language), "languageLabel": text(.surveyLanguage, language),
            "languages": languages,
            "hasErrors": !errors.isEmpty, "errorSummary": text(.surveyErrorSummary, language), "items": items,
            "submit": text(.surveySubmit, language), "action": "?lang=\(language)",
        ]
    }
}

/// Rendered blank forms by questionnaire version and language. A version's structure never
/// changes and its wording is read once at start-up, like the store's own questionnaire cache.
final class BlankFormCache: Sendable {
    private let pages = Mutex<[String: ByteBuffer]>([:])

    func page(questionnaire: String, version: Int, language: String, render: () -> ByteBuffer) -> ByteBuffer {
        let key = "\(questionnaire)\u{1F}\(version)\u{1F}\(language)"
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
        case .closed: .closed
        case .notFound: .notFound
        }
    }
}
