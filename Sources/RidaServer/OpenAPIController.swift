import Hummingbird
import NIOCore

/// `GET /openapi.yaml` (anyone): the API's OpenAPI document.
struct OpenAPIController<Context: RequestContext> {
    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
        let document = ByteBuffer(string: OpenAPIDocument.yaml)
        routes.get("openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml; charset=utf-8", .cacheControl: "no-cache"],
                body: ResponseBody(byteBuffer: document))
        }
        return routes
    }
}
