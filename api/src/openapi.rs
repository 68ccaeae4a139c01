//! The OpenAPI document: paths come from the handlers' annotations; this module adds what is
//! common to all of them (bearer security, problem responses) so handlers stay short.

use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{
    HttpAuthScheme, HttpBuilder, OpenIdConnect, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::OpenApi;

pub mod codes;
mod exact;
mod examples;
mod text;
mod webhooks;

use crate::error::{Problem, PROBLEM_JSON};

/// The operations of a path (the methods the API serves), for the passes that edit them all.
fn operations_mut(item: &mut utoipa::openapi::PathItem) -> impl Iterator<Item = &mut Operation> {
    [
        &mut item.get,
        &mut item.post,
        &mut item.patch,
        &mut item.put,
        &mut item.delete,
    ]
    .into_iter()
    .flatten()
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "cchc — administrative-reform reporting API",
        description = "Periodic administrative-reform (cải cách hành chính) reporting for a provincial department: \
units, API tokens, indicators, reporting periods with Decree 09 cut-off windows and deadlines, and the \
working-day calendar.\n\n\
All endpoints under `/api/v1/` take `Authorization: Bearer <token>`: an API token (create one with `cchc-api token create`) \
or, where the deployment has an identity provider, a person's access token from it (scheme `oidc`); \
the index (`/`, `/api/v1`), the health checks and the signed links of the mails (`/l/…`) take none. \
Errors are RFC 9457 `application/problem+json` with a stable `code` and, for input problems, per-field `errors`. \
Lists take `page` (from 1) and `per_page` (1–200, default 50) and answer `{items, page, per_page, total}` in a \
stable order. Timestamps are RFC 3339 with offset, shown in local time (Asia/Ho_Chi_Minh, +07:00); dates are \
`YYYY-MM-DD`. Dates and timestamps sent must fall in the years 1900–9999 and must not be a leap second (`:60`); \
others are refused with 400 `invalid_body` (or `invalid_query`) naming the field. Names and other texts must \
not contain control, zero-width or text-direction characters (422 `invalid_character`). Request \
bodies reject unknown fields. A request that loses a race with another (the same record created twice at \
once) answers 409 with the code of the duplicate, never 500. Every answer carries an `X-Request-Id` header; quote it when reporting a problem.\n\n\
The events this service sends to subscribed URLs (`/api/v1/webhooks`) are described in this document's \
`webhooks` section: each is POSTed as JSON, signed with HMAC-SHA256, and retried until the receiver answers 2xx.",
        license(name = "MIT", identifier = "MIT"),
    ),
    components(schemas(
        Problem,
        cchc_domain::error::FieldError,
        cchc_excel::filing::FilingManifest,
        cchc_domain::model::webhook::EventEnvelope,
        cchc_domain::model::webhook::PeriodEventData,
        cchc_domain::model::webhook::SubmissionEventData,
        cchc_domain::model::webhook::EscalationEventData,
        cchc_domain::model::webhook::TaskEventData,
        cchc_domain::model::webhook::AssessmentEventData,
        cchc_domain::model::webhook::CampaignRoundEventData,
        cchc_domain::model::webhook::PingEventData,
    )),
    tags(
        (name = "index", description = "What answers at `/` and `/api/v1` without a token: the service, its version, links to the docs, this document, health and the API"),
        (name = "health", description = "Liveness and readiness"),
        (name = "links", description = "What the links in the mails open in a browser without a token (`/l/{purpose}/{token}`): signed, expiring, single-purpose links to one unit's report and its prefilled form, a period's compliance board, the open periods. Vietnamese HTML pages; an altered or wrong-purpose link answers 403 and an expired one 410, as Vietnamese pages"),
        (name = "units", description = "The department's units and their contacts"),
        (name = "tokens", description = "API tokens and roles (admin only, except /me)"),
        (name = "indicators", description = "Indicators (chỉ tiêu), versioned"),
        (name = "periods", description = "Reporting periods (kỳ báo cáo): cut-off windows, deadlines, status"),
        (name = "holidays", description = "The working-day calendar"),
        (name = "submissions", description = "Units' reports: filing, review, versions, extensions"),
        (name = "jobs", description = "The worker's queue: reminders, escalations, receipts, digests (admin only)"),
        (name = "audit", description = "Who changed what, when, before and after (admin only)"),
        (name = "attachments", description = "Files of a report: the Word narrative, the Excel statistics, evidence documents"),
        (name = "documents", description = "The registry of official documents (văn bản): numbers per Decree 30/2020/NĐ-CP, files, links to periods and reports, the inbox of unmatched documents"),
        (name = "integrations", description = "Events from the document-management system (QLVB), signed with HMAC-SHA256"),
        (name = "plans", description = "The annual CCHC plan (kế hoạch cải cách hành chính): its document, legal basis, content areas with lead and coordinating units, targets, and the board of its tasks"),
        (name = "tasks", description = "Tasks of plans and directive documents: lead and coordinating units, dues as the source words them, progress, completion confirmed by the Office, extensions; the status is derived"),
        (name = "par-index", description = "The PAR Index (Chỉ số cải cách hành chính): the province's criteria sets with their points and scoring methods; the department's self-assessment rounds, scores with evidence, the readiness board and the sending"),
        (name = "campaigns", description = "Emulation campaigns (phong trào thi đua): rounds with their review dates, registrations, criteria computed from the reports and tasks inside each round or entered by the Office, and each round's leaderboard, frozen at its review"),
        (name = "webhooks", description = "Outbound events: subscriptions, delivery log, redelivery (admin only). The events are described in the `webhooks` section of this document and in docs/integrations.md"),
    )
)]
struct ApiDoc;

pub fn base() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

const PROBLEM_RESPONSES: &[(&str, &str, &str)] = &[
    (
        "400",
        "BadRequest",
        "Malformed request: invalid JSON, wrong type, unknown field, bad query parameter",
    ),
    (
        "401",
        "Unauthenticated",
        "Missing, unknown, revoked or expired token",
    ),
    ("403", "Forbidden", "The token's role does not allow this"),
    ("404", "NotFound", "No such resource"),
    ("409", "Conflict", "Conflicts with the current state"),
    (
        "412",
        "PreconditionFailed",
        "`If-Match` names an older revision: someone changed it since you read it",
    ),
    ("413", "PayloadTooLarge", "The request body is too large"),
    (
        "415",
        "UnsupportedMediaType",
        "The request body is not of the type the operation takes (application/json unless documented otherwise)",
    ),
    (
        "422",
        "UnprocessableEntity",
        "Invalid fields; `errors` lists every one",
    ),
    (
        "429",
        "TooManyRequests",
        "This caller (token, or address without one) sent more requests than the per-minute limit, or, for a request with a token, its address had more failed authentications than its per-minute budget (`rate_limited`); `Retry-After` says when to try again",
    ),
    ("500", "InternalError", "A bug; it has been logged"),
    (
        "503",
        "ServiceUnavailable",
        "The database is unavailable (`database_unavailable`) or took longer than the statement timeout (`database_timeout`), the request took longer than the request timeout (`request_timeout`), or, for files, the file store is unavailable (`storage_unavailable`); nothing was changed",
    ),
];

fn add_problem(operation: &mut Operation, status: &str) {
    if let Some((_, name, _)) = PROBLEM_RESPONSES.iter().find(|(s, _, _)| *s == status) {
        operation
            .responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| RefOr::Ref(Ref::new(format!("#/components/responses/{name}"))));
    }
}

/// Adds the security schemes (API token, a person's OpenID Connect token), shared problem responses and per-operation error responses.
pub fn finish(mut api: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    let components = api.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("cchc_…")
                .description(Some(
                    "An API token from `cchc-api token create` or POST /api/v1/tokens",
                ))
                .build(),
        ),
    );
    components.add_security_scheme(
        "oidc",
        SecurityScheme::OpenIdConnect(OpenIdConnect::with_description(
            crate::docs::DISCOVERY_PATH,
            "A person's access token (a JWT) from the province's identity provider, for the \
             audience CCHC_OIDC_AUDIENCE. The URL is relative to this document: the service \
             answers there its provider's discovery document (CCHC_OIDC_ISSUER), or 404 when \
             it takes API tokens only. The docs page (`/docs`) signs a person in with the \
             authorization-code flow and PKCE when the deployment names a client for it \
             (CCHC_OIDC_DOCS_CLIENT_ID). The person gets a role and unit from the group rules \
             or the units' contacts; one the service does not know gets 403 unknown_person.",
        )),
    );
    for (status, name, description) in PROBLEM_RESPONSES {
        let mut response = ResponseBuilder::new().description(*description).content(
            PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .example(Some(examples::shared(status.parse().expect("a status"))))
                .build(),
        );
        if *status == "429" {
            response = response.header(
                "Retry-After",
                utoipa::openapi::HeaderBuilder::new()
                    .schema(
                        utoipa::openapi::ObjectBuilder::new()
                            .schema_type(utoipa::openapi::Type::Integer)
                            .minimum(Some(1)),
                    )
                    .description(Some("Seconds to wait before the next request"))
                    .build(),
            );
        }
        components
            .responses
            .insert((*name).to_owned(), RefOr::T(response.build()));
    }
    for (path, item) in api.paths.paths.iter_mut() {
        let secured = path.starts_with("/api/v1/");
        let has_path_params = path.contains('{');
        let operations = [
            (&mut item.get, false),
            (&mut item.post, true),
            (&mut item.patch, true),
            (&mut item.put, true),
            (&mut item.delete, false),
        ];
        for (operation, _) in operations {
            let Some(operation) = operation.as_mut() else {
                continue;
            };
            if secured {
                // Either scheme (alternatives).
                operation.security = Some(vec![
                    SecurityRequirement::new("bearer", Vec::<String>::new()),
                    SecurityRequirement::new("oidc", Vec::<String>::new()),
                ]);
                add_problem(operation, "401");
                // Even `get_me`: a person the service does not know gets 403 unknown_person.
                add_problem(operation, "403");
                add_problem(operation, "429");
                add_problem(operation, "503");
            }
            let has_query = operation.parameters.as_ref().is_some_and(|params| {
                params
                    .iter()
                    .any(|p| p.parameter_in == utoipa::openapi::path::ParameterIn::Query)
            });
            let has_body = operation.request_body.is_some();
            if has_path_params {
                add_problem(operation, "404");
            }
            if has_body || has_query {
                add_problem(operation, "400");
                add_problem(operation, "422");
            }
            if has_body {
                add_problem(operation, "413");
                add_problem(operation, "415");
            }
            if secured {
                add_problem(operation, "500");
            }
        }
    }
    add_idempotency_key(&mut api);
    add_response_headers(&mut api);
    api.servers = Some(vec![utoipa::openapi::Server::builder()
        .url("/")
        .description(Some(
            "The server that serves this document (paths are absolute: `/api/v1/…`)",
        ))
        .build()]);
    let mut api = exact::apply(api);
    text::apply(&mut api);
    webhooks::add(&mut api);
    examples::add(&mut api);
    api
}

/// A header of a response, as a string with this description (and, when given, the only
/// value it takes).
fn string_header(description: &str, only: Option<&str>) -> utoipa::openapi::Header {
    use utoipa::openapi::{ObjectBuilder, Type};
    let mut schema = ObjectBuilder::new().schema_type(Type::String);
    if let Some(value) = only {
        schema = schema.enum_values(Some([value]));
    }
    utoipa::openapi::HeaderBuilder::new()
        .schema(schema)
        .description(Some(description))
        .build()
}

/// Headers every answer of a kind sends, documented on every response of that kind (a
/// handler's own description wins): `Location` on each 201 (every create answers through
/// `routes::created` or sets it itself), `ETag` on each 304, and `Idempotent-Replayed` on
/// the successes of every POST (each honours `Idempotency-Key`, see `crate::idempotency`).
fn add_response_headers(api: &mut utoipa::openapi::OpenApi) {
    let location = string_header("The created resource", None);
    let etag = string_header("The entity tag the request named, still current", None);
    let replayed = string_header(
        "`true` when this is the stored answer to an earlier request with the same \
`Idempotency-Key` (nothing was done again); absent otherwise",
        Some("true"),
    );
    for item in api.paths.paths.values_mut() {
        let operations = [
            (&mut item.get, false),
            (&mut item.post, true),
            (&mut item.patch, false),
            (&mut item.put, false),
            (&mut item.delete, false),
        ];
        for (operation, is_post) in operations {
            let Some(operation) = operation.as_mut() else {
                continue;
            };
            for (status, response) in operation.responses.responses.iter_mut() {
                let RefOr::T(response) = response else {
                    continue;
                };
                let headers = &mut response.headers;
                if status == "201" && !headers.contains_key("Location") {
                    headers.insert("Location".to_owned(), location.clone());
                }
                if status == "304" && !headers.contains_key("ETag") {
                    headers.insert("ETag".to_owned(), etag.clone());
                }
                if is_post && status.starts_with('2') {
                    headers
                        .entry(crate::idempotency::IDEMPOTENT_REPLAYED.to_owned())
                        .or_insert_with(|| replayed.clone());
                }
            }
        }
    }
}

/// Every POST takes an optional `Idempotency-Key` (see `crate::idempotency`).
fn add_idempotency_key(api: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    use utoipa::openapi::{ObjectBuilder, Required, Type};
    let parameter = ParameterBuilder::new()
        .name(crate::idempotency::IDEMPOTENCY_KEY)
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "Makes a retry safe: 1–255 visible ASCII characters, unique per request (a UUID). \
Keys are the caller's own: an API token's, or a person's (by their identity provider's issuer \
and subject, whichever access token they send). The same caller sending the same key with the \
same request (method, path, body) within `CCHC_IDEMPOTENCY_TTL_HOURS` (24 h) gets the first answer again (status, body, `Location`, `ETag`) \
with `Idempotent-Replayed: true`, and nothing is done twice. The same key with another request: 422 \
`idempotency_key_reused`; while the first is still running: 409 `idempotency_key_in_progress`. \
5xx answers are not kept, so such a request may be retried with the same key. An invalid key: 400 \
`invalid_header`. With a key the body is read before the operation runs, up to the operation's own \
limit (`CCHC_MAX_BODY_BYTES`; uploads `CCHC_MAX_UPLOAD_BYTES`): past it 413.",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(crate::idempotency::MAX_KEY_LEN))
                .pattern(Some("^[\\x21-\\x7E]+$")),
        ))
        .example(Some(serde_json::json!("3f1c2a9e-7b44-4c1e-9a57-0d7e3b2f6a10")))
        .build();
    for item in api.paths.paths.values_mut() {
        let Some(operation) = item.post.as_mut() else {
            continue;
        };
        operation
            .parameters
            .get_or_insert_with(Vec::new)
            .push(parameter.clone());
        add_problem(operation, "400");
        add_problem(operation, "409");
        add_problem(operation, "413");
        add_problem(operation, "422");
    }
}
