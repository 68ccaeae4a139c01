use std::sync::Arc;

use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::Service;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::HttpMessage;
use actix_web::{web, App, HttpRequest, HttpResponse};
use tracing_actix_web::{RequestId, TracingLogger};
use utoipa_actix_web::service_config::ServiceConfig;
use utoipa_actix_web::{scope, AppExt};

use crate::error::ApiError;
use crate::extract::BodyLimit;
use crate::limits::retry_after_secs;
use crate::request_log::RedactedRootSpan;
use crate::routes::{configure_v1, health, index, links};
use crate::state::AppState;

fn register(cfg: &mut ServiceConfig) {
    cfg.service(index::root)
        .service(health::healthz)
        .service(health::readyz)
        .service(links::report)
        .service(links::form)
        .service(links::board)
        .service(links::periods)
        .service(links::task)
        .service(links::assessment)
        .service(links::campaign)
        .service(links::plan_board)
        .service(links::overdue_tasks)
        .service(scope("/api/v1").configure(configure_v1));
}

/// The OpenAPI document the code describes; `openapi/openapi.json` must equal it.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, api) = App::new()
        .into_utoipa_app()
        .openapi(crate::openapi::base())
        .configure(register)
        .split_for_parts();
    crate::openapi::finish(api)
}

/// The OpenAPI document as served and committed: pretty JSON with a final newline.
pub fn openapi_json() -> String {
    let mut json = openapi()
        .to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    json.push('\n');
    json
}

pub fn app(
    state: AppState,
    spec: Arc<utoipa::openapi::OpenApi>,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let body_limit = state.config.max_body_bytes;
    let routes = KnownRoutes::from_spec(&spec);
    let cors = cors(&state.config.cors_allowed_origins);
    let rate_limiter = state.rate_limiter.clone();
    let request_timeout = state.config.request_timeout;
    let oidc_settings = state.config.oidc.clone();
    let (app, _) = App::new()
        // Innermost: sees the request after CORS and logging, and the handler's own answer.
        .wrap(actix_web::middleware::from_fn(
            crate::idempotency::middleware,
        ))
        // Inside CORS, so a 429 or a timeout carries the CORS headers and a page on another
        // origin can read its problem and Retry-After; a preflight never gets this far (CORS
        // answers it), and a stray OPTIONS is not counted either.
        .wrap_fn(move |req, srv| {
            let counted = (req.path().starts_with("/api/") || req.path().starts_with("/l/"))
                && req.method() != Method::OPTIONS;
            let verdict = if counted {
                rate_limiter.admit(&req)
            } else {
                Ok(())
            };
            let call = match verdict {
                Ok(()) => Ok(srv.call(req)),
                Err(wait) => Err(req.error_response(ApiError::RateLimited {
                    retry_after_secs: retry_after_secs(wait),
                })),
            };
            async move {
                match call {
                    // Dropping the handler's future on time-out rolls back its transaction:
                    // its connection goes back to the pool mid-transaction and is discarded.
                    // The request is gone with it, so the 503 leaves as an error; the layers
                    // outside (CORS, request id, security headers) add theirs when actix
                    // renders it.
                    Ok(response) => match tokio::time::timeout(request_timeout, response).await {
                        Ok(response) => response.map(ServiceResponse::map_into_left_body),
                        Err(_) => Err(ApiError::RequestTimeout {
                            secs: request_timeout.as_secs(),
                        }
                        .into()),
                    },
                    Err(refused) => Ok(refused.map_into_right_body()),
                }
            }
        })
        // Inside the request-id and security-header layer, so its preflight answers and
        // refusals carry them too.
        .wrap(cors)
        // Runs inside the logger, so the id it assigned is there to echo back; an operator
        // finds the log lines of a failed request by the X-Request-Id the caller reports.
        .wrap_fn(|req, srv| {
            let request_id = req.extensions().get::<RequestId>().map(ToString::to_string);
            let is_docs = req.path().starts_with("/docs");
            let response = srv.call(req);
            async move {
                let id = request_id.and_then(|id| header::HeaderValue::from_str(&id).ok());
                let decorate = move |headers: &mut header::HeaderMap| {
                    if let Some(id) = &id {
                        headers.insert(header::HeaderName::from_static("x-request-id"), id.clone());
                    }
                    add_security_headers(headers, is_docs);
                };
                match response.await {
                    Ok(mut response) => {
                        decorate(response.headers_mut());
                        Ok(response)
                    }
                    // A request timed out: actix renders the error once it is past every layer.
                    Err(mut error) => {
                        error.add_response_mapper(move |mut response| {
                            decorate(response.headers_mut());
                            response
                        });
                        Err(error)
                    }
                }
            }
        })
        .wrap(TracingLogger::<RedactedRootSpan>::new())
        .app_data(web::Data::new(state))
        .app_data(BodyLimit(body_limit))
        .app_data({
            // A path that is a route of its own for other methods (`PUT
            // /api/v1/criteria-sets/import.xlsx`, taken by `PUT /api/v1/criteria-sets/{id}`
            // with an id that does not parse) is 405 there, not 404.
            let routes = routes.clone();
            web::PathConfig::default().error_handler(move |_, req| {
                match routes.literal_methods(req.path()) {
                    Some(allowed) => ApiError::MethodNotAllowed {
                        method: req.method().to_string(),
                        allowed,
                    },
                    None => ApiError::RouteNotFound,
                }
                .into()
            })
        })
        .into_utoipa_app()
        .configure(register)
        .split_for_parts();
    // Before the Swagger UI's own files, so its `index.css` is ours.
    app.route("/docs/index.css", web::get().to(|| docs_asset(DOCS_CSS)))
        .route(
            "/docs/fonts/cousine-regular.woff2",
            web::get().to(|| docs_asset(COUSINE_REGULAR)),
        )
        .route(
            "/docs/fonts/cousine-bold.woff2",
            web::get().to(|| docs_asset(COUSINE_BOLD)),
        )
        .service(crate::docs::swagger_ui(
            (*spec).clone(),
            oidc_settings.as_ref(),
        ))
        .route(
            crate::docs::DISCOVERY_PATH,
            web::get().to(crate::docs::openid_configuration),
        )
        .route(
            "/docs",
            web::get().to(|| async {
                HttpResponse::PermanentRedirect()
                    .insert_header((header::LOCATION, "/docs/"))
                    .finish()
            }),
        )
        .default_service(web::to(move |req: HttpRequest| {
            let routes = routes.clone();
            async move {
                match routes.allowed_methods(req.path()) {
                    Some(allowed) => Err::<HttpResponse, _>(ApiError::MethodNotAllowed {
                        method: req.method().to_string(),
                        allowed,
                    }),
                    None => Err(ApiError::RouteNotFound),
                }
            }
        }))
}

/// The docs page's stylesheet (the Swagger UI's, plus a monospace font stack that renders
/// Vietnamese) and the font it bundles; see `api/assets/docs/README.md`.
const DOCS_CSS: (&str, &[u8]) = (
    "text/css; charset=utf-8",
    include_bytes!("../assets/docs/index.css"),
);
const COUSINE_REGULAR: (&str, &[u8]) = (
    "font/woff2",
    include_bytes!("../assets/docs/cousine-regular.woff2"),
);
const COUSINE_BOLD: (&str, &[u8]) = (
    "font/woff2",
    include_bytes!("../assets/docs/cousine-bold.woff2"),
);

async fn docs_asset((content_type, body): (&'static str, &'static [u8])) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(body)
}

/// Headers that keep a browser from misusing an API answer: no type sniffing, no framing, no
/// referrer, and (except for the Swagger UI, which runs its own scripts) a content policy that
/// loads nothing, so a JSON or file answer opened in a browser cannot run script. A header the
/// handler set itself (a download's caching) is kept.
fn add_security_headers(headers: &mut header::HeaderMap, is_docs: bool) {
    let mut set = |name: header::HeaderName, value: &'static str| {
        if !headers.contains_key(&name) {
            headers.insert(name, header::HeaderValue::from_static(value));
        }
    };
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "no-referrer");
    if !is_docs {
        set(
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; frame-ancestors 'none'",
        );
        // Answers carry reports and, once, token secrets: no shared cache may keep them.
        set(header::CACHE_CONTROL, "no-store");
    }
}

/// CORS for browser front ends on other origins; closed unless origins are configured.
fn cors(origins: &[String]) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods(["GET", "POST", "PATCH", "PUT", "DELETE"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            header::ACCEPT,
            header::HeaderName::from_static("idempotency-key"),
        ])
        .expose_headers([
            header::LOCATION,
            header::ETAG,
            header::HeaderName::from_static("x-request-id"),
            header::HeaderName::from_static("idempotent-replayed"),
            header::RETRY_AFTER,
            header::CONTENT_DISPOSITION,
        ])
        .max_age(3600);
    for origin in origins {
        cors = if origin == "*" {
            cors.allow_any_origin()
        } else {
            cors.allowed_origin(origin)
        };
    }
    cors
}

/// The documented routes, to tell "no such resource" (404) from "not with this method" (405):
/// actix falls through to the default service in both cases.
#[derive(Debug, Clone)]
struct KnownRoutes(Arc<Vec<(Vec<String>, Vec<String>)>>);

impl KnownRoutes {
    fn from_spec(spec: &utoipa::openapi::OpenApi) -> Self {
        let routes = spec
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let segments = path
                    .trim_matches('/')
                    .split('/')
                    .map(str::to_owned)
                    .collect();
                let methods = [
                    ("GET", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                ]
                .into_iter()
                .filter(|(_, present)| *present)
                .map(|(method, _)| method.to_owned())
                .collect();
                (segments, methods)
            })
            .collect();
        Self(Arc::new(routes))
    }

    /// The methods of the route written exactly as `path` (no parameter in it).
    fn literal_methods(&self, path: &str) -> Option<Vec<String>> {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        self.0.iter().find_map(|(template, methods)| {
            let matches = template.len() == segments.len()
                && template.iter().zip(&segments).all(|(t, s)| t == s);
            matches.then(|| methods.clone())
        })
    }

    fn allowed_methods(&self, path: &str) -> Option<Vec<String>> {
        if let Some(methods) = self.literal_methods(path) {
            return Some(methods);
        }
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        self.0.iter().find_map(|(template, methods)| {
            let matches = template.len() == segments.len()
                && template
                    .iter()
                    .zip(&segments)
                    .all(|(t, s)| (t.starts_with('{') && !s.is_empty()) || t == s);
            matches.then(|| methods.clone())
        })
    }
}
