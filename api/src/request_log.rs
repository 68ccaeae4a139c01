//! The request log's root span: tracing-actix-web's fields, except that `http.target` carries
//! the path and the query's parameter names only. A caller may put a secret in the query
//! (`?access_token=…`, a signed URL's `signature`); it is refused, but the log line would keep
//! it, and logs are read by more people than tokens are given to.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Uri;
use actix_web::{Error, HttpMessage};
use tracing::field::Empty;
use tracing::Span;
use tracing_actix_web::{DefaultRootSpanBuilder, RequestId, RootSpanBuilder};

/// What stands in for a query value (and for a name that does not look like a parameter).
pub const REDACTED: &str = "REDACTED";

/// Longest parameter name kept; every parameter this API documents is far shorter.
const MAX_NAME_LEN: usize = 32;

/// The request's path and its query with every value replaced: which parameters were sent is
/// worth logging, their values may be secrets. A name is kept only if it looks like one of
/// ours (lower-case letters, digits, `_`), since a bare `?<token>` puts the secret there.
pub fn redacted_target(uri: &Uri) -> String {
    let path = uri.path();
    let Some(query) = uri.query().filter(|q| !q.is_empty()) else {
        return path.to_owned();
    };
    let params: Vec<String> = form_urlencoded::parse(query.as_bytes())
        .map(|(name, _)| {
            let plain = name.len() <= MAX_NAME_LEN
                && name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
            let name = if plain { &*name } else { REDACTED };
            format!("{name}={REDACTED}")
        })
        .collect();
    format!("{path}?{}", params.join("&"))
}

/// [`tracing_actix_web::TracingLogger`]'s root span with [`redacted_target`].
pub struct RedactedRootSpan;

impl RootSpanBuilder for RedactedRootSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let user_agent = request
            .headers()
            .get("user-agent")
            .and_then(|h| h.to_str().ok())
            .unwrap_or("");
        let route = request
            .match_pattern()
            .unwrap_or_else(|| "default".to_owned());
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(ToString::to_string)
            .unwrap_or_default();
        let connection_info = request.connection_info();
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.route = %route,
            http.flavor = ?request.version(),
            http.scheme = %connection_info.scheme(),
            http.host = %connection_info.host(),
            http.client_ip = %connection_info.realip_remote_addr().unwrap_or(""),
            http.user_agent = %user_agent,
            http.target = %redacted_target(request.uri()),
            http.status_code = Empty,
            otel.name = %format!("{} {route}", request.method()),
            otel.kind = "server",
            otel.status_code = Empty,
            request_id = %request_id,
            exception.message = Empty,
            exception.details = Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        DefaultRootSpanBuilder::on_request_end(span, outcome);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(uri: &str) -> String {
        redacted_target(&uri.parse().unwrap())
    }

    #[test]
    fn query_values_are_redacted_and_odd_names_too() {
        assert_eq!(target("/api/v1/units"), "/api/v1/units");
        assert_eq!(target("/api/v1/units?"), "/api/v1/units");
        assert_eq!(
            target("/api/v1/units?access_token=cchc_s3cret&page=2"),
            "/api/v1/units?access_token=REDACTED&page=REDACTED"
        );
        assert_eq!(
            target("/api/v1/documents?status=unmatched&signature=abc%3D&key"),
            "/api/v1/documents?status=REDACTED&signature=REDACTED&key=REDACTED"
        );
        for odd in [
            "/x?cchc_AbC-123_very_long_secret_value_xyz",
            "/x?Token=1",
            "/x?a%20b=1",
        ] {
            assert_eq!(target(odd), "/x?REDACTED=REDACTED", "{odd}");
        }
    }
}
