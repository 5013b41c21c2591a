import HTTPTypes
import Hummingbird

/// Headers every response carries: no content sniffing, no referrer (survey links hold tokens),
/// no framing, and a Content-Security-Policy without inline script; inline style only for the
/// stylesheets named by their hashes.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    let contentSecurityPolicy: String

    init(styleSources: [String] = []) {
        let styles = (["'self'"] + styleSources).joined(separator: " ")
        contentSecurityPolicy =
            "default-src 'self'; style-src \(styles); script-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            // Errors (a 404, say) become responses here, so they carry the headers too.
            response = try error.response(from: request, context: context)
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "no-referrer"
        response.headers[.contentSecurityPolicy] = contentSecurityPolicy
        return response
    }
}

extension HTTPField.Name {
    static let xContentTypeOptions = Self("X-Content-Type-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
}
