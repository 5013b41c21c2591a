import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import RidaCore

/// `POST /api/v1/invitations` for the case system (role `issuer`).
struct InvitationsController {
    let issuer: InvitationIssuer
    /// Counts what each key issues today, for the staff console; without one, nothing is counted.
    let ledger: (any IssuerLedger)?

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.add(middleware: BearerAuthMiddleware(keys: keys, allowed: [.issuer, .admin]))
        routes.post("api/v1/invitations", use: create)
        return routes
    }

    let keys: any APIKeyStore
    let metrics: ServerMetrics

    @Sendable func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: 64 * 1024)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            return APIError.response(.contentTooLarge, code: "too_large", message: "the body must be at most 64 KiB")
        }
        let issue: IssueRequest
        do {
            issue = try JSONDecoder().decode(IssueRequest.self, from: Data(body.readableBytesView))
        } catch {
            return APIError.response(.badRequest, code: "invalid_json", message: "the body must be a JSON object with department and channel")
        }
        let issued: [IssuedInvitation]
        do {
            // A key limited to some departments is refused the others, once the request is known to be valid.
            _ = try issuer.validate(issue)
            guard context.departments.isEmpty || context.departments.contains(issue.department) else {
                return APIError.response(
                    .forbidden, code: "department_forbidden", message: "this key may not issue invitations for department \"\(issue.department)\"")
            }
            if let ledger, let keyName = context.keyName {
                issued = try await issuer.issue([issue], by: keyName, ledger: ledger)
            } else {
                issued = try await issuer.issue([issue])
            }
        } catch let error as IssueRequestError {
            return APIError.response(.unprocessableContent, code: "invalid_\(error.field)", message: error.description)
        } catch IssueError.duplicateReferences {
            return APIError.response(.conflict, code: "duplicate_reference", message: "an invitation was already issued for this reference")
        } catch {
            context.logger.error("invitations not issued", metadata: ["error": "\(String(describing: type(of: error)))"])
            return APIError.response(.serviceUnavailable, code: "unavailable", message: "the invitations could not be stored just now; try again")
        }
        metrics.recordInvitationsIssued(issued.count)
        return Response(
            status: .created, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: try IssuedInvitation.json(issued))))
    }
}

/// API errors as `{"error": {"code": …, "message": …}}`.
enum APIError {
    static func response(_ status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) -> Response {
        struct Body: Encodable {
            struct Detail: Encodable {
                var code: String
                var message: String
            }
            var error: Detail
        }
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        fields[.cacheControl] = "no-store"
        let data = (try? JSONEncoder().encode(Body(error: .init(code: code, message: message)))) ?? Data()
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Requires `Authorization: Bearer <API key>` of an allowed role: 401 without a valid key,
/// 403 with a key of another role.
struct BearerAuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let keys: any APIKeyStore
    let allowed: Set<Role>

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer "),
            let key = APIKeyToken(parsing: String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces))
        else {
            return APIError.response(
                .unauthorized, code: "unauthorized", message: "an API key is required (Authorization: Bearer …)",
                headers: [.wwwAuthenticate: "Bearer"])
        }
        let authenticated: APIKey?
        do {
            authenticated = try await keys.authenticate(keyHash: key.hash, at: Date())
        } catch {
            return APIError.response(.serviceUnavailable, code: "unavailable", message: "the service cannot check keys just now; try again")
        }
        guard let found = authenticated else {
            return APIError.response(.unauthorized, code: "unauthorized", message: "unknown or revoked API key", headers: [.wwwAuthenticate: "Bearer"])
        }
        guard allowed.contains(found.role) else {
            return APIError.response(.forbidden, code: "forbidden", message: "this key's role (\(found.role.rawValue)) may not do this")
        }
        var context = context
        context.role = found.role
        context.keyName = found.name
        context.departments = found.departments
        return try await next(request, context)
    }
}
