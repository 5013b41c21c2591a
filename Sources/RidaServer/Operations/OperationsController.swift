import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import RidaCore

/// The closed loop and the improvement register over the API:
/// - `GET /api/v1/follow-ups` (admin): the follow-up queue, with contact details;
/// - `PATCH /api/v1/follow-ups/{id}` (admin): move a case forward (`{"status": "contacted"}`), with
///   an optional `outcome` and `note` kept in its history;
/// - `GET /api/v1/actions` (analyst, board, admin): the improvement-action register;
/// - `POST /api/v1/actions` (analyst, admin): register an action (once per `Idempotency-Key`);
/// - `PATCH /api/v1/actions/{id}` (analyst, admin): change its status, description or owner;
/// - `GET /api/v1/audit` (admin): the latest audit-log entries.
struct OperationsController {
    let store: any OperationsStore
    let keys: any APIKeyStore
    let configuration: SeedConfiguration

    var routes: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.group("api/v1/follow-ups").add(middleware: BearerAuthMiddleware(keys: keys, allowed: [.admin]))
            .get(use: listCases)
            .patch(":id", use: updateCase)
        routes.group("api/v1/actions").add(middleware: BearerAuthMiddleware(keys: keys, allowed: [.analyst, .board, .admin]))
            .get(use: listActions)
        routes.group("api/v1/actions").add(middleware: BearerAuthMiddleware(keys: keys, allowed: [.analyst, .admin]))
            .post(use: addAction)
            .patch(":id", use: updateAction)
        routes.group("api/v1/audit").add(middleware: BearerAuthMiddleware(keys: keys, allowed: [.admin]))
            .get(use: auditLog)
        return routes
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }

    static func unavailable(_ context: AppRequestContext, _ error: any Error) -> Response {
        context.logger.error("operations store failed", metadata: ["error": "\(String(describing: type(of: error)))"])
        return APIError.response(.serviceUnavailable, code: "unavailable", message: "the service cannot answer just now; try again")
    }

    /// `limit`, between 1 and 1000 (default 200).
    static func limit(_ request: Request) -> Int? {
        guard let text = request.uri.queryParameters.get("limit") else { return 200 }
        guard let value = Int(text), (1...1000).contains(value) else { return nil }
        return value
    }

    /// A JSON object body of at most 64 KB, decoded; nil when it is not one.
    static func body<T: Decodable>(_ type: T.Type, _ request: Request) async -> T? {
        guard let buffer = try? await request.body.collect(upTo: 64 * 1024) else { return nil }
        return try? JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
    }

    /// A field that may be left out but, when given, is a string: an explicit null is refused
    /// (the body is then unreadable), as the document says.
    static func optionalString<Key: CodingKey>(_ container: KeyedDecodingContainer<Key>, _ key: Key) throws -> String? {
        guard container.contains(key) else { return nil }
        return try container.decode(String.self, forKey: key)
    }

    // MARK: Follow-up cases

    @Sendable func listCases(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Body: Encodable { var cases: [FollowUpCase] }
        var status: CaseStatus?
        if let text = request.uri.queryParameters.get("status") {
            guard let parsed = CaseStatus(rawValue: text) else {
                return APIError.response(.unprocessableContent, code: "invalid_status", message: "status: open, contacted or resolved")
            }
            status = parsed
        }
        guard let limit = Self.limit(request) else {
            return APIError.response(.unprocessableContent, code: "invalid_limit", message: "limit: 1 to 1000")
        }
        do {
            return try Self.json(Body(cases: try await store.cases(status: status, limit: limit)))
        } catch {
            return Self.unavailable(context, error)
        }
    }

    @Sendable func updateCase(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Change: Decodable {
            var status: String
            var outcome: String?
            var note: String?

            enum CodingKeys: String, CodingKey { case status, outcome, note }

            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                status = try container.decode(String.self, forKey: .status)
                outcome = try OperationsController.optionalString(container, .outcome)
                note = try OperationsController.optionalString(container, .note)
            }
        }
        struct Body: Encodable { var `case`: FollowUpCase }
        guard let change = await Self.body(Change.self, request), let status = CaseStatus(rawValue: change.status) else {
            return APIError.response(
                .unprocessableContent, code: "invalid_status",
                message: #"the body is {"status": "contacted" or "resolved", "outcome"?: "reached", "not-reachable" or "resolved", "note"?: text}"#)
        }
        var outcome: CaseOutcome?
        if let text = change.outcome {
            guard let parsed = CaseOutcome(rawValue: text) else {
                return APIError.response(.unprocessableContent, code: "invalid_outcome", message: "outcome: reached, not-reachable or resolved")
            }
            outcome = parsed
        }
        let id = context.parameters.get("id") ?? ""
        do {
            switch try await store.updateCase(id: id, CaseChange(status: status, outcome: outcome, note: change.note), by: Actor(context.keyName ?? "unknown"), at: Date()) {
            case .invalid(let problems):
                let message = problems.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
                return APIError.response(.unprocessableContent, code: "invalid_change", message: message)
            case .updated(let updated): return try Self.json(Body(case: updated))
            case .notFound: return APIError.response(.notFound, code: "not_found", message: "no follow-up case with this id")
            case .refused(let current):
                return APIError.response(.conflict, code: "invalid_transition", message: "the case is \(current.rawValue) and cannot become \(status.rawValue)")
            }
        } catch {
            return Self.unavailable(context, error)
        }
    }

    // MARK: Improvement actions

    @Sendable func listActions(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Body: Encodable { var actions: [ImprovementAction] }
        do {
            return try Self.json(Body(actions: try await store.actions()))
        } catch {
            return Self.unavailable(context, error)
        }
    }

    struct ActionInput: Decodable {
        var department: String
        var channel: String?
        var item: String
        var description: String
        var ownerRole: String
        var startDay: String
        var status: String?
    }

    @Sendable func addAction(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Body: Encodable { var action: ImprovementAction }
        guard let input = await Self.body(ActionInput.self, request) else {
            return APIError.response(
                .unprocessableContent, code: "invalid_body",
                message: "the body is a JSON object with department, item, description, ownerRole, startDay (YYYY-MM-DD), and optionally channel and status")
        }
        guard let day = CalendarDay(input.startDay) else {
            return APIError.response(.unprocessableContent, code: "invalid_action", message: "startDay: a date YYYY-MM-DD")
        }
        var status = ActionStatus.active
        if let text = input.status {
            guard let parsed = ActionStatus(rawValue: text) else {
                return APIError.response(.unprocessableContent, code: "invalid_action", message: "status: planned, active, completed or abandoned")
            }
            status = parsed
        }
        let new = NewImprovementAction(
            department: input.department, channel: input.channel, item: input.item, description: input.description, ownerRole: input.ownerRole,
            startDay: day, status: status)
        let problems = new.problems(in: configuration)
        guard problems.isEmpty else {
            let message = problems.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
            return APIError.response(.unprocessableContent, code: "invalid_action", message: message)
        }
        // A retried request with the same key gets the action the first one registered.
        let key = request.headers[HTTPField.Name("Idempotency-Key")!]?.trimmingCharacters(in: .whitespaces)
        if let key, !(16...128).contains(key.count) || !key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
            return APIError.response(.unprocessableContent, code: "invalid_idempotency_key", message: "Idempotency-Key: 16 to 128 letters, digits, - or _")
        }
        do {
            let added = try await store.addAction(new, idempotencyKey: key, by: Actor(context.keyName ?? "unknown"), at: Date())
            return try Self.json(Body(action: added.action), status: .created)
        } catch {
            return Self.unavailable(context, error)
        }
    }

    @Sendable func updateAction(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Change: Decodable {
            var status: String?
            var description: String?
            var ownerRole: String?

            enum CodingKeys: String, CodingKey { case status, description, ownerRole }

            init(from decoder: any Decoder) throws {
                let container = try decoder.container(keyedBy: CodingKeys.self)
                status = try OperationsController.optionalString(container, .status)
                description = try OperationsController.optionalString(container, .description)
                ownerRole = try OperationsController.optionalString(container, .ownerRole)
            }
        }
        struct Body: Encodable { var action: ImprovementAction }
        guard let input = await Self.body(Change.self, request) else {
            return APIError.response(
                .unprocessableContent, code: "invalid_body", message: "the body is a JSON object with any of status, description and ownerRole")
        }
        var status: ActionStatus?
        if let text = input.status {
            guard let parsed = ActionStatus(rawValue: text) else {
                return APIError.response(
                    .unprocessableContent, code: "invalid_status", message: #"status: "planned", "active", "completed" or "abandoned""#)
            }
            status = parsed
        }
        let change = ActionChange(status: status, description: input.description, ownerRole: input.ownerRole)
        guard !change.isEmpty else {
            return APIError.response(.unprocessableContent, code: "invalid_body", message: "give at least one of status, description and ownerRole")
        }
        let problems = change.problems(in: configuration)
        guard problems.isEmpty else {
            let message = problems.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
            return APIError.response(.unprocessableContent, code: "invalid_action", message: message)
        }
        do {
            guard
                let updated = try await store.updateAction(
                    id: context.parameters.get("id") ?? "", change, by: Actor(context.keyName ?? "unknown"), at: Date())
            else { return APIError.response(.notFound, code: "not_found", message: "no improvement action with this id") }
            return try Self.json(Body(action: updated))
        } catch {
            return Self.unavailable(context, error)
        }
    }

    // MARK: Audit log

    @Sendable func auditLog(_ request: Request, context: AppRequestContext) async throws -> Response {
        struct Body: Encodable { var entries: [AuditEntry] }
        guard let limit = Self.limit(request) else {
            return APIError.response(.unprocessableContent, code: "invalid_limit", message: "limit: 1 to 1000")
        }
        do {
            return try Self.json(Body(entries: try await store.auditLog(limit: limit)))
        } catch {
            return Self.unavailable(context, error)
        }
    }
}
