import HTTPTypes
import Hummingbird
import Synchronization

/// The methods each route template answers, filled in once every route is registered.
final class RouteMethods: Sendable {
    private let routes = Mutex<[(components: [Substring], methods: Set<HTTPRequest.Method>)]>([])

    /// Records the router's routes; templates whose components are `{name}` match any one component.
    func register(_ descriptions: [Router<AppRequestContext>.RouteDescription]) {
        var byPath: [String: Set<HTTPRequest.Method>] = [:]
        for route in descriptions { byPath[route.path.description, default: []].insert(route.method) }
        let table = byPath.map { (components: $0.key.split(separator: "/"), methods: $0.value) }
        routes.withLock { $0 = table }
    }

    /// The methods the routes matching `path` answer; empty when no route matches it.
    func methods(for path: String) -> Set<HTTPRequest.Method> {
        let components = path.split(separator: "/")
        return routes.withLock { table in
            table.reduce(into: Set<HTTPRequest.Method>()) { found, route in
                guard route.components.count == components.count,
                    zip(route.components, components).allSatisfy({ template, actual in
                        (template.hasPrefix("{") && template.hasSuffix("}")) || template == actual
                    })
                else { return }
                found.formUnion(route.methods)
            }
        }
    }
}

/// The router answers 404 both for a path it does not know and for a known path asked with
/// another method; the second becomes 405 with `Allow`, so `GET` on a form's `POST` route, or
/// `DELETE` on an API route, says what it is.
struct MethodNotAllowedMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteMethods

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError where error.status == .notFound && context.endpointPath == "NotFound" {
            let allowed = routes.methods(for: request.uri.path)
            guard !allowed.isEmpty, !allowed.contains(request.method) else { throw error }
            let allow = allowed.map(\.rawValue).sorted().joined(separator: ", ")
            return APIError.response(
                .methodNotAllowed, code: "method_not_allowed", message: "\(request.method.rawValue) is not allowed here (\(allow))",
                headers: [.allow: allow])
        }
    }
}
