/// The API's OpenAPI 3.1 document, served as it is at `GET /openapi.yaml`. It describes every
/// `/api/v1` route the router registers (OpenAPITests checks both directions, and schemathesis
/// checks the live server's answers against it): a new route means a new entry here.
enum OpenAPIDocument {
    static let yaml = #"""
openapi: 3.1.0
info:
  title: Rida
  version: "1"
  summary: One-time satisfaction survey links, honest statistics and reports.
  description: |
    The API of Rida. Callers authenticate with an API key created by `rida apikey create`, sent as
    `Authorization: Bearer <key>`; each key has one role (`issuer`, `analyst`, `board`, `admin`) and
    `admin` may call every operation. Errors are JSON `{"error": {"code": …, "message": …}}`.
    The beneficiary's pages (`/s/{token}`, and `/p/{code}` and `/k/{code}` of points of service) and the admin area are HTML for people, not part of this API.
servers:
  - url: /
security:
  - apiKey: []
tags:
  - name: invitations
  - name: analytics
  - name: reports
  - name: operations
paths:
  /healthz:
    get:
      tags: [operations]
      operationId: health
      summary: Liveness and database reachability.
      security: []
      responses:
        "200":
          description: The database answers.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Health"
        "503":
          description: The database does not answer.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Health"
  /metrics:
    get:
      tags: [operations]
      operationId: metrics
      summary: The server's metrics in Prometheus's text format (role `admin`).
      description: |
        Counters and histograms labelled by route template (never a request path): HTTP requests
        by route, method and status; request duration by route and method; survey submissions by
        outcome; invitations issued; retries on a locked database.
      responses:
        "200":
          description: Prometheus text exposition format 0.0.4.
          content:
            text/plain:
              schema:
                type: string
        "401":
          $ref: "#/components/responses/Unauthorized"
        "403":
          $ref: "#/components/responses/Forbidden"
        "503":
          $ref: "#/components/responses/Unavailable"
  /openapi.yaml:
    get:
      tags: [operations]
      operationId: openAPI
      summary: This document.
      security: []
      responses:
        "200":
          description: The OpenAPI document.
          content:
            application/yaml:
              schema:
                type: string
  /api/v1/invitations:
    post:
      tags: [invitations]
      operationId: issueInvitations
      summary: Issue one-time survey invitations for a completed service (role `issuer`).
      description: |
        Each token is returned only here: the server keeps only its hash. Department, channel,
        segment, service and locale must name entries of the configuration (`seeds/`). A
        `reference` (the case system's own identifier of the completed service) is stored hashed
        and is never issued twice. A key created for some departments only (`rida apikey create
        --department D`) is refused the others with 403 `department_forbidden`.
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: "#/components/schemas/IssueRequest"
            example:
              department: registration
              channel: office
              segment: umrah
              locale: ar
      responses:
        "201":
          description: The invitations, with their one-time links.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/IssuedInvitations"
        "400":
          description: The body is not a JSON object with the fields above.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Error"
              example:
                error: {code: invalid_json, message: the body must be a JSON object with department and channel}
        "401":
          $ref: "#/components/responses/Unauthorized"
        "403":
          description: |
            The key's role may not issue (`forbidden`), or the key is limited to other departments
            (`department_forbidden`).
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Error"
              example:
                error: {code: department_forbidden, message: "this key may not issue invitations for department \"registration\""}
        "409":
          description: An invitation was already issued for this reference.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Error"
              example:
                error: {code: duplicate_reference, message: an invitation was already issued for this reference}
        "413":
          description: The body is larger than 64 KiB.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Error"
        "422":
          description: |
            A field is not acceptable; the code names it: `invalid_department`, `invalid_channel`,
            `invalid_segment`, `invalid_service`, `invalid_locale`, `invalid_count`,
            `invalid_expiresInDays`, `invalid_reference` (or `invalid_questionnaire` when none is configured).
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Error"
              example:
                error: {code: invalid_department, message: "department: unknown department \"payroll\""}
        "503":
          $ref: "#/components/responses/Unavailable"
  /api/v1/analytics:
    get:
      tags: [analytics]
      operationId: analyse
      summary: Metrics with intervals per unit and period, trends, control charts and comparisons (role `analyst`).
      description: The same result as `rida analyze --format json`.
      parameters:
        - name: from
          in: query
          required: true
          description: First period, as a label of the period kind (`2026-01`, `2026-W05`, `2026-Q1`, Hijri `1447-09`) or a date `YYYY-MM-DD`.
          schema:
            type: string
          example: "2026-01"
        - name: to
          in: query
          required: true
          description: Last period, in the same forms as `from`.
          schema:
            type: string
          example: "2026-03"
        - name: by
          in: query
          description: Comma-separated dimensions, each at most once.
          schema:
            type: string
            default: department
          example: department,channel
        - name: period
          in: query
          schema:
            $ref: "#/components/schemas/PeriodKind"
        - name: metric
          in: query
          description: "Comma-separated metrics: `csat`, `bottom-2`, `nps`, `ces`, `ces-agree`, `mean`, `response-rate` (default `csat,nps,ces,response-rate`)."
          schema:
            type: string
          example: csat,nps
        - name: audience
          in: query
          description: "`external` applies the display threshold of 10 for audiences outside the quality team."
          schema:
            type: string
            enum: [quality, external]
            default: quality
        - name: provisional
          in: query
          description: "A period not over yet (and a response rate whose invitations may still be answered) is marked provisional; `exclude` leaves it out of trends, control-chart limits and comparisons, `include` counts it."
          schema:
            type: string
            enum: [exclude, include]
            default: exclude
      responses:
        "200":
          description: The analysis.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/AnalysisResult"
        "400":
          description: "`from` or `to` is missing."
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Error"
              example:
                error: {code: missing_range, message: from and to are required (e.g. from=2025-01&to=2026-12)}
        "401":
          $ref: "#/components/responses/Unauthorized"
        "403":
          $ref: "#/components/responses/Forbidden"
        "422":
          description: "A parameter is not acceptable; the code names it: `invalid_period`, `invalid_by`, `invalid_metric`, `invalid_audience`, `invalid_provisional`."
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Error"
              example:
                error: {code: invalid_by, message: "by: unknown dimension 'staff' (department, channel, segment, service, language, source)"}
        "503":
          $ref: "#/components/responses/Unavailable"
  /api/v1/reports/{period}/{file}:
    get:
      tags: [reports]
      operationId: reportFile
      summary: A frozen month's report file (roles `analyst` and `board`; the board receives the board pack and the manifest only).
      description: |
        A month is frozen once it is over and its grace period for late paper and phone imports
        has passed (`report-grace-days`, 5 by default). The server writes a frozen month's report
        set itself, at start and then hourly (a snapshot); a request never writes one, and a frozen
        month whose set is not written yet answers 503 `report_pending` with `Retry-After`. When a
        frozen month's data changes (a late import), the server writes an amended set beside the
        frozen one, which is kept; the latest set is served, and its manifest names the set it
        replaces. A month that has not begun or is not frozen yet is refused with 409, a month that
        ends before the first data with 404 `no_data`.
      parameters:
        - name: period
          in: path
          required: true
          description: A month, Gregorian or (with `calendar=hijri`) Hijri.
          schema:
            type: string
            pattern: "^[0-9]{4}-[0-9]{2}$"
          example: "2026-03"
        - name: file
          in: path
          required: true
          schema:
            type: string
            enum: [aggregates.csv, board.ar.html, board.en.html, comments.csv, manifest.json, responses.csv, review.ar.html, review.en.html]
        - name: calendar
          in: query
          schema:
            type: string
            enum: [gregorian, hijri]
            default: gregorian
      responses:
        "200":
          description: The file.
          headers:
            Content-Disposition:
              description: "`attachment` with a file name, for the CSV files."
              schema:
                type: string
          content:
            text/html:
              schema:
                type: string
            text/csv:
              schema:
                type: string
            application/json:
              schema:
                $ref: "#/components/schemas/ReportManifest"
        "401":
          $ref: "#/components/responses/Unauthorized"
        "403":
          $ref: "#/components/responses/Forbidden"
        "404":
          description: "No report file has this name (`unknown_file`), or there is no data for the month (`no_data`)."
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Error"
              example:
                error: {code: unknown_file, message: "files: aggregates.csv, board.ar.html, …"}
        "409":
          description: The month has not begun, or is not frozen yet (the message names the day it is).
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Error"
              example:
                error: {code: period_not_closed, message: "the report of 2026-11 is frozen on 2026-12-06, once the month and its grace period for late imports are over"}
        "422":
          description: "The period or the calendar is not acceptable: `invalid_period`, `invalid_calendar`."
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Error"
        "503":
          description: "The month is frozen but its report set is not written yet (`report_pending`, with `Retry-After`), or the database cannot answer just now (`unavailable`)."
          headers:
            Retry-After:
              description: Seconds to wait before asking again (with `report_pending`).
              schema:
                type: integer
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Error"
              example:
                error: {code: report_pending, message: "the report of 2026-10 is frozen but not written yet; the server writes it shortly"}
  /api/v1/follow-ups:
    get:
      tags: [operations]
      operationId: listFollowUps
      summary: The follow-up queue (role `admin`); open cases first, by due date.
      description: |
        Every response whose beneficiary asked to be contacted opens a case; its reasons are its low
        scores (satisfaction in the bottom two points, a recommendation of 0–6) or, without any,
        `contact-requested`. Cases carry the contact
        detail: only the admin role sees them.
      parameters:
        - name: status
          in: query
          schema:
            type: string
            enum: [open, contacted, resolved]
        - name: limit
          in: query
          description: How many, from 1 to 1000 (default 200).
          schema:
            type: integer
            minimum: 1
            maximum: 1000
      responses:
        "200":
          description: The cases.
          content:
            application/json:
              schema:
                type: object
                additionalProperties: false
                required: [cases]
                properties:
                  cases:
                    type: array
                    items:
                      $ref: "#/components/schemas/FollowUpCase"
        "401":
          $ref: "#/components/responses/Unauthorized"
        "403":
          $ref: "#/components/responses/Forbidden"
        "422":
          $ref: "#/components/responses/Invalid"
        "503":
          $ref: "#/components/responses/Unavailable"
  /api/v1/follow-ups/{id}:
    patch:
      tags: [operations]
      operationId: updateFollowUp
      summary: Move a case forward (role `admin`) — open → contacted → resolved — with the call's outcome and a note; audited under the key's name.
      description: >-
        Each change is added to the case's `history` (who, when, the move, the outcome, the note). The same status as the
        case's, with an `outcome` or a `note`, records a call without moving the case (not on a resolved case). The note
        stays with the case and is deleted with it; the audit log records the move and the outcome, never the note.
      parameters:
        - name: id
          in: path
          required: true
          description: The random identifier the listing shows.
          schema:
            type: string
          example: 0123456789abcdef0123456789abcdef
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: "#/components/schemas/StatusChange"
            example: {status: contacted, outcome: reached, note: Spoke with the beneficiary; the visit is rebooked.}
      responses:
        "200":
          description: The case as it now stands.
          content:
            application/json:
              schema:
                type: object
                additionalProperties: false
                required: [case]
                properties:
                  case:
                    $ref: "#/components/schemas/FollowUpCase"
        "401":
          $ref: "#/components/responses/Unauthorized"
        "403":
          $ref: "#/components/responses/Forbidden"
        "404":
          $ref: "#/components/responses/NotFound"
        "409":
          description: "The case cannot move there from where it stands, or is resolved and takes no note (`invalid_transition`)."
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Error"
        "422":
          $ref: "#/components/responses/Invalid"
        "503":
          $ref: "#/components/responses/Unavailable"
  /api/v1/actions:
    get:
      tags: [operations]
      operationId: listActions
      summary: The improvement-action register (roles `analyst`, `board`).
      responses:
        "200":
          description: Every registered action, latest start first.
          content:
            application/json:
              schema:
                type: object
                additionalProperties: false
                required: [actions]
                properties:
                  actions:
                    type: array
                    items:
                      $ref: "#/components/schemas/ImprovementAction"
        "401":
          $ref: "#/components/responses/Unauthorized"
        "403":
          $ref: "#/components/responses/Forbidden"
        "503":
          $ref: "#/components/responses/Unavailable"
    post:
      tags: [operations]
      operationId: addAction
      summary: Register an improvement action (role `analyst`); owned by a role, never a person.
      description: >-
        `ownerRole` is the id of one of the configured owner roles (`seeds/owners.yaml`). A request repeated with the same
        `Idempotency-Key` registers nothing more and gets the action the first one registered.
      parameters:
        - name: Idempotency-Key
          in: header
          required: false
          description: A random key of the client's, 16 to 128 letters, digits, `-` or `_`.
          schema:
            type: string
            minLength: 16
            maxLength: 128
            pattern: "^[A-Za-z0-9_-]{16,128}$"
      requestBody:
        required: true
        content:
          application/json:
            schema:
              $ref: "#/components/schemas/ActionInput"
            example: {department: registration, channel: phone, item: time, description: A second window at peak hours, ownerRole: registration-head, startDay: "2026-03-01"}
      responses:
        "201":
          description: The registered action.
          content:
            application/json:
              schema:
                type: object
                additionalProperties: false
                required: [action]
                properties:
                  action:
                    $ref: "#/components/schemas/ImprovementAction"
        "401":
          $ref: "#/components/responses/Unauthorized"
        "403":
          $ref: "#/components/responses/Forbidden"
        "422":
          $ref: "#/components/responses/Invalid"
        "503":
          $ref: "#/components/responses/Unavailable"
  /api/v1/actions/{id}:
    patch:
      tags: [operations]
      operationId: updateAction
      summary: Change an action's status, description or owner role (role `analyst`); each field given replaces the stored one.
      parameters:
        - name: id
          in: path
          required: true
          description: The random identifier the listing shows.
          schema:
            type: string
          example: 0123456789abcdef0123456789abcdef
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              minProperties: 1
              properties:
                status:
                  type: string
                  enum: [planned, active, completed, abandoned]
                description: {type: string, minLength: 1, maxLength: 2000}
                ownerRole: {type: string, description: The id of a configured owner role.}
            example: {status: completed, description: Two windows at peak hours, ownerRole: registration-head}
      responses:
        "200":
          description: The action as it now stands.
          content:
            application/json:
              schema:
                type: object
                additionalProperties: false
                required: [action]
                properties:
                  action:
                    $ref: "#/components/schemas/ImprovementAction"
        "401":
          $ref: "#/components/responses/Unauthorized"
        "403":
          $ref: "#/components/responses/Forbidden"
        "404":
          $ref: "#/components/responses/NotFound"
        "422":
          $ref: "#/components/responses/Invalid"
        "503":
          $ref: "#/components/responses/Unavailable"
  /api/v1/audit:
    get:
      tags: [operations]
      operationId: auditLog
      summary: The latest entries of the append-only audit log (role `admin`), newest first.
      parameters:
        - name: limit
          in: query
          description: How many, from 1 to 1000 (default 200).
          schema:
            type: integer
            minimum: 1
            maximum: 1000
      responses:
        "200":
          description: The entries.
          content:
            application/json:
              schema:
                type: object
                additionalProperties: false
                required: [entries]
                properties:
                  entries:
                    type: array
                    items:
                      $ref: "#/components/schemas/AuditEntry"
        "401":
          $ref: "#/components/responses/Unauthorized"
        "403":
          $ref: "#/components/responses/Forbidden"
        "422":
          $ref: "#/components/responses/Invalid"
        "503":
          $ref: "#/components/responses/Unavailable"
components:
  securitySchemes:
    apiKey:
      type: http
      scheme: bearer
      description: An API key from `rida apikey create` (`rida_` and 32 symbols).
  responses:
    NotFound:
      description: "Nothing has this id (`not_found`)."
      content:
        application/json:
          schema:
            $ref: "#/components/schemas/Error"
    Invalid:
      description: A parameter or the body is not acceptable; the message names it.
      content:
        application/json:
          schema:
            $ref: "#/components/schemas/Error"
    Unauthorized:
      description: No API key, or an unknown or revoked one.
      headers:
        WWW-Authenticate:
          required: true
          schema:
            type: string
            const: Bearer
      content:
        application/json:
          schema:
            $ref: "#/components/schemas/Error"
          example:
            error: {code: unauthorized, message: "an API key is required (Authorization: Bearer …)"}
    Forbidden:
      description: The key's role may not do this.
      content:
        application/json:
          schema:
            $ref: "#/components/schemas/Error"
          example:
            error: {code: forbidden, message: this key's role (issuer) may not do this}
    Unavailable:
      description: The database cannot answer just now; try again.
      content:
        application/json:
          schema:
            $ref: "#/components/schemas/Error"
          example:
            error: {code: unavailable, message: the service cannot check keys just now; try again}
  schemas:
    Error:
      type: object
      additionalProperties: false
      required: [error]
      properties:
        error:
          type: object
          additionalProperties: false
          required: [code, message]
          properties:
            code:
              type: string
              pattern: "^[a-z][A-Za-z_]*$"
            message:
              type: string
              minLength: 1
    Health:
      type: object
      additionalProperties: false
      required: [status]
      properties:
        status:
          type: string
          enum: [ok, unavailable]
    IssueRequest:
      type: object
      description: Optional fields may also be null, which is the same as leaving them out; other fields are ignored.
      required: [department, channel]
      properties:
        department:
          type: string
          description: A department of the configuration.
          example: registration
        channel:
          type: string
          description: A contact channel of the configuration (`office`, `phone`, `social`, `letter`, `web`).
          example: office
        segment:
          type: [string, "null"]
          example: umrah
        service:
          type: [string, "null"]
          description: A service of the department's catalogue.
        locale:
          type: [string, "null"]
          description: The beneficiary's language; the configuration's default when absent.
          example: ar
        count:
          type: [integer, "null"]
          minimum: 1
          maximum: 10000
          default: 1
        expiresInDays:
          type: [integer, "null"]
          minimum: 1
          maximum: 365
          default: 30
        reference:
          type: [string, "null"]
          minLength: 1
          description: The case system's reference of the completed service (1 to 200 characters; only with a count of 1). Stored only keyed with the server secret; never issued twice.
    IssuedInvitations:
      type: object
      additionalProperties: false
      required: [invitations]
      properties:
        invitations:
          type: array
          minItems: 1
          items:
            type: object
            additionalProperties: false
            required: [token, url, expiresAt]
            properties:
              token:
                type: string
                pattern: "^[0-9A-HJKMNP-TV-Z]{26}$"
              url:
                type: string
                format: uri
                description: The one-time link, built from the configured public address.
              expiresAt:
                type: string
                format: date-time
                description: The end of the organisation's day on which the lifetime ends (an open invitation's times are kept to the day).
    PeriodKind:
      type: string
      enum: [week, month, quarter, hijri-month]
      default: month
    Dimension:
      type: string
      enum: [department, channel, segment, service, language, source]
    Real:
      description: A number; a value that is not finite is written as the string `NaN`, `Infinity` or `-Infinity`.
      anyOf:
        - type: number
        - type: string
          enum: [NaN, Infinity, -Infinity]
    OptionalReal:
      description: A number, or null where there is none (suppressed, or too few data).
      anyOf:
        - type: number
        - type: "null"
        - type: string
          enum: [NaN, Infinity, -Infinity]
    Unit:
      description: The unit's value for each `by` dimension (null where none was recorded).
      type: object
      propertyNames:
        $ref: "#/components/schemas/Dimension"
      additionalProperties:
        type: [string, "null"]
    AnalysisResult:
      type: object
      additionalProperties: false
      required: [from, to, period, by, timeZone, methodsVersion, confidence, suppressBelow, flagFrom, periods, metrics, notes, margins, protectedAt]
      properties:
        from: {type: string}
        to: {type: string}
        period:
          $ref: "#/components/schemas/PeriodKind"
        by:
          type: array
          items:
            $ref: "#/components/schemas/Dimension"
        timeZone: {type: string}
        methodsVersion: {type: string}
        confidence: {type: number, exclusiveMinimum: 0, exclusiveMaximum: 1}
        suppressBelow: {type: integer, minimum: 0}
        flagFrom: {type: integer, minimum: 0}
        periods:
          type: array
          items:
            type: object
            additionalProperties: false
            required: [label, first, last, provisional, responseRateProvisional]
            properties:
              label: {type: string}
              first: {type: string, description: The period's first day, YYYY-MM-DD.}
              last: {type: string, description: The period's last day, YYYY-MM-DD.}
              provisional: {type: boolean, description: "Not over yet: shown, but left out of trends, control-chart limits and comparisons unless provisional=include."}
              responseRateProvisional: {type: boolean, description: "Invitations of the period may still be answered: its response rate is not final."}
        metrics:
          type: array
          items:
            $ref: "#/components/schemas/MetricResult"
        notes:
          type: array
          items: {type: string}
        margins:
          type: string
          enum: [shown-cells]
          description: Every total, margin and comparison is the sum of the shown cells only, so no hidden cell is part of a published sum.
        protectedAt:
          type: array
          description: The dimensions of the cells that are hidden below suppressBelow and then summed into the units (department and channel for analyses by either or both).
          items:
            $ref: "#/components/schemas/Dimension"
    MetricResult:
      type: object
      additionalProperties: false
      required: [metric, kind, total, units, falseDiscoveryRate, cells, hiddenCells]
      properties:
        cells: {type: integer, minimum: 0, description: Cells with at least one response, at the protected grain.}
        hiddenCells: {type: integer, minimum: 0, description: Of those, the cells hidden for having fewer than suppressBelow responses.}
        metric:
          type: string
          enum: [csat, bottom-2, nps, ces, ces-agree, mean, response-rate]
        item:
          type: string
          description: The questionnaire item (absent for the response rate).
        scale:
          type: string
        kind:
          type: string
          enum: [proportion, mean, nps]
        falseDiscoveryRate: {type: number}
        total:
          $ref: "#/components/schemas/UnitSeries"
        units:
          type: array
          description: In organisational order, never ranked.
          items:
            $ref: "#/components/schemas/UnitSeries"
        comparison:
          $ref: "#/components/schemas/Comparison"
        latest:
          $ref: "#/components/schemas/Comparison"
    UnitSeries:
      type: object
      additionalProperties: false
      required: [unit, series, changePoints, cusumSignals]
      properties:
        unit:
          $ref: "#/components/schemas/Unit"
        series:
          type: array
          items:
            $ref: "#/components/schemas/Point"
        trend:
          $ref: "#/components/schemas/Trend"
        changePoints:
          type: array
          items: {type: string}
        cusumSignals:
          type: array
          items: {type: string}
        spc:
          $ref: "#/components/schemas/ControlChart"
    Point:
      type: object
      additionalProperties: false
      required: [period, n, value, lower, upper, suppressed, secondary, lowNumbers]
      properties:
        period: {type: string}
        n: {type: [integer, "null"], minimum: 0}
        value: {$ref: "#/components/schemas/OptionalReal"}
        lower: {$ref: "#/components/schemas/OptionalReal"}
        upper: {$ref: "#/components/schemas/OptionalReal"}
        suppressed: {type: boolean}
        secondary: {type: boolean, description: Always false; no cell is hidden to protect another (kept for compatibility).}
        lowNumbers: {type: boolean}
        notApplicable: {type: boolean, description: "Present (true) only where the measure does not apply: the response rate of responses through a point of service or an import, which have no invitations to count against (by source)."}
    Trend:
      type: object
      additionalProperties: false
      required: [points, S, varS, z, p, pAdjusted, tau, senSlope, senLower, senUpper, autocorrelationCorrected, autocorrelationNote, verdict, significant]
      properties:
        points: {type: integer, minimum: 0}
        S: {type: integer}
        varS: {$ref: "#/components/schemas/Real"}
        z: {$ref: "#/components/schemas/Real"}
        p: {$ref: "#/components/schemas/Real"}
        pAdjusted: {$ref: "#/components/schemas/Real"}
        tau: {$ref: "#/components/schemas/Real"}
        senSlope: {$ref: "#/components/schemas/OptionalReal"}
        senLower: {$ref: "#/components/schemas/OptionalReal"}
        senUpper: {$ref: "#/components/schemas/OptionalReal"}
        autocorrelationCorrected: {type: boolean}
        autocorrelationNote: {type: boolean}
        verdict:
          type: string
          enum: [increasing, decreasing, no trend, insufficient data]
        significant: {type: boolean}
    ControlChart:
      type: object
      additionalProperties: false
      required: [mean, upper, lower, upper2Sigma, lower2Sigma, meanMovingRange, trial, baselinePoints, signals]
      properties:
        mean: {$ref: "#/components/schemas/Real"}
        upper: {$ref: "#/components/schemas/Real"}
        lower: {$ref: "#/components/schemas/Real"}
        upper2Sigma: {$ref: "#/components/schemas/Real"}
        lower2Sigma: {$ref: "#/components/schemas/Real"}
        meanMovingRange: {$ref: "#/components/schemas/Real"}
        trial: {type: boolean}
        baselinePoints: {type: integer, minimum: 0}
        signals:
          type: object
          additionalProperties: false
          required: [beyondLimits, runOf7, trendOf7, twoOfThree]
          properties:
            beyondLimits: {type: array, items: {type: string}}
            runOf7: {type: array, items: {type: string}}
            trendOf7: {type: array, items: {type: string}}
            twoOfThree: {type: array, items: {type: string}}
    Comparison:
      type: object
      additionalProperties: false
      required: [scope, target, phi, tau2, exploratory, units]
      properties:
        scope:
          type: string
          description: "`range`, or the label of the last complete period."
        through:
          type: [string, "null"]
          description: "For `range`: the last period it counts (the provisional periods after it are left out); null when it counts none."
        target: {$ref: "#/components/schemas/Real"}
        phi: {$ref: "#/components/schemas/OptionalReal"}
        tau2: {$ref: "#/components/schemas/Real"}
        exploratory: {type: boolean}
        units:
          type: array
          items:
            $ref: "#/components/schemas/UnitComparison"
    UnitComparison:
      type: object
      additionalProperties: false
      required: [unit, n, value, z, zAdjusted, flag, flag95, ebEstimate, ebLower, ebUpper, suppressed]
      properties:
        unit:
          $ref: "#/components/schemas/Unit"
        n: {type: [integer, "null"], minimum: 0}
        value: {$ref: "#/components/schemas/OptionalReal"}
        z: {$ref: "#/components/schemas/OptionalReal"}
        zAdjusted: {$ref: "#/components/schemas/OptionalReal"}
        flag:
          description: Outside the 99.8% funnel limits; null when consistent with common-cause variation.
          enum: [high, low, null]
        flag95:
          enum: [high, low, null]
        ebEstimate: {$ref: "#/components/schemas/OptionalReal"}
        ebLower: {$ref: "#/components/schemas/OptionalReal"}
        ebUpper: {$ref: "#/components/schemas/OptionalReal"}
        suppressed: {type: boolean}
    ReportManifest:
      type: object
      additionalProperties: false
      required: [period, calendar, first, last, timeZone, methodsVersion, questionnaireVersions, generatedAt, suppression, files]
      properties:
        period: {type: string}
        calendar:
          type: string
          enum: [gregorian, hijri]
        first: {type: string}
        last: {type: string}
        timeZone: {type: string}
        methodsVersion: {type: string}
        questionnaireVersions:
          type: array
          items: {type: string}
        generatedAt: {type: string, format: date-time}
        suppression:
          type: object
          additionalProperties: false
          required: [threshold, flagFrom, primaryCells, secondaryCells, withheldCells]
          properties:
            threshold: {type: integer, minimum: 0}
            flagFrom: {type: integer, minimum: 0}
            margins:
              type: string
              enum: [shown-cells]
              description: Every total and margin of the report set is the sum of shown department × channel cells only.
            primaryCells: {type: integer, minimum: 0, description: Department × channel × period cells hidden for their own size, over every metric.}
            secondaryCells: {type: integer, minimum: 0, description: None is hidden to protect another (reports written by earlier versions may say otherwise).}
            secondaryResponses: {type: integer, minimum: 0}
            withheldCells: {type: integer, minimum: 0, description: Department × channel cells of the month left out of responses.csv and the comments; how many responses they hold is not published.}
            withheldResponses: {type: integer, minimum: 0, description: Only in reports written by earlier versions (it gave a lone withheld cell's size).}
        files:
          type: array
          items:
            type: object
            additionalProperties: false
            required: [name, bytes, sha256]
            properties:
              name: {type: string}
              bytes: {type: integer, minimum: 0}
              sha256: {type: string, pattern: "^[0-9a-f]{64}$"}
        computedFrom:
          type: object
          additionalProperties: false
          required: [responses, invitations, cells]
          description: What the set was computed from, to tell whether the month's data changed since it was frozen (absent from sets written by earlier versions).
          properties:
            responses: {type: integer, minimum: 0, description: Responses of the month.}
            invitations: {type: integer, minimum: 0, description: Invitations issued in the month.}
            cells: {type: string, pattern: "^[0-9a-f]{64}$", description: SHA-256 of the month's response cells and invitations issued, per day and unit.}
        replaces: {type: string, description: "In an amended set: the folder name of the set it replaces (kept unchanged), e.g. `gregorian-2026-10`."}
        amendment: {type: integer, minimum: 1, description: In an amended set, its number (1 for the month's first amendment).}
        commentsRemoved:
          type: object
          additionalProperties: false
          required: [at, retentionDays, before, reason]
          description: When and why retention removed the month's comments from its files.
          properties:
            at: {type: string, format: date-time}
            retentionDays: {type: integer, minimum: 1}
            before: {type: string, format: date}
            reason: {type: string}
    StatusChange:
      type: object
      required: [status]
      properties:
        status:
          type: string
          enum: [open, contacted, resolved]
        outcome:
          type: string
          enum: [reached, not-reachable, resolved]
          description: What came of the call; `resolved` goes with the status `resolved`, `reached` with `contacted` or `resolved`.
        note:
          type: string
          maxLength: 2000
          description: What was said or agreed; kept in the case's history and deleted with the case.
    FollowUpCase:
      type: object
      additionalProperties: false
      required: [id, status, reasons, day, department, channel, locale, scores, openedAt, dueAt, updatedAt, history]
      properties:
        id: {type: string}
        status: {type: string, enum: [open, contacted, resolved]}
        reasons:
          type: array
          items: {type: string, enum: [low-satisfaction, detractor, contact-requested]}
        day: {type: string, format: date}
        department: {type: string}
        channel: {type: string}
        segment: {type: string}
        service: {type: string}
        locale: {type: string}
        scores:
          type: object
          description: The response's answers by item id (a value, or `na`).
          additionalProperties: {type: string}
        comment: {type: string, description: "The beneficiary's comment, masked as stored, copied into the case they asked for."}
        phone: {type: string}
        email: {type: string}
        openedAt: {type: string, format: date-time}
        dueAt: {type: string, format: date-time}
        updatedAt: {type: string, format: date-time}
        history:
          type: array
          description: Every move, oldest first.
          items:
            $ref: "#/components/schemas/CaseHistoryEntry"
    CaseHistoryEntry:
      type: object
      additionalProperties: false
      required: [at, actor, previous, status]
      properties:
        at: {type: string, format: date-time}
        actor: {type: string, description: The name of the API key or admin session that made the move.}
        previous: {type: string, enum: [open, contacted, resolved]}
        status: {type: string, enum: [open, contacted, resolved]}
        outcome: {type: string, enum: [reached, not-reachable, resolved]}
        note: {type: string}
    ActionInput:
      type: object
      required: [department, item, description, ownerRole, startDay]
      properties:
        department: {type: string, description: A department code from the configuration.}
        channel: {type: [string, "null"], description: A channel code; absent for every channel of the department.}
        item: {type: string, description: A rated item id of the questionnaire.}
        description: {type: string, maxLength: 2000}
        ownerRole: {type: string, maxLength: 120, description: "The id of a configured owner role (seeds/owners.yaml) — never a person's name."}
        startDay: {type: string, format: date}
        status: {type: [string, "null"], enum: [planned, active, completed, abandoned, null]}
    ImprovementAction:
      type: object
      additionalProperties: false
      required: [id, department, item, description, ownerRole, startDay, status, createdAt, updatedAt]
      properties:
        id: {type: string}
        department: {type: string}
        channel: {type: string}
        item: {type: string}
        description: {type: string}
        ownerRole: {type: string}
        startDay: {type: string, format: date}
        status: {type: string, enum: [planned, active, completed, abandoned]}
        createdAt: {type: string, format: date-time}
        updatedAt: {type: string, format: date-time}
    AuditEntry:
      type: object
      additionalProperties: false
      required: [at, actor, action]
      properties:
        at: {type: string, format: date-time}
        actor: {type: string}
        action: {type: string}
        subject: {type: string}
        detail: {type: string}
"""#
}
