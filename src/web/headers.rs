//! What every response carries for the browser's protection, and what the request log may
//! show of a URL: the secrets some URLs carry are redacted before anything is logged.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::DefaultHeaders;
use actix_web::{Error, HttpMessage};
use tracing::Span;
use tracing_actix_web::RootSpanBuilder;

use super::auth::client_address;
use crate::domain::text::quoted as loggable;
use crate::error::AppError;
use crate::web::error_response::ApiError;
use crate::web::state::AppState;

/// Scripts, styles and images from this site only (and the two-factor QR code, which is a
/// data: image): no inline script, so injected markup cannot run. Forms only to this site,
/// never inside another site's frame. Every page works without its scripts.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; script-src 'self'; \
     style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

pub fn security_headers(https: bool) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
        .add(("X-Content-Type-Options", "nosniff"))
        // Reset and invitation links must not leak to other sites through the Referer.
        .add(("Referrer-Policy", "no-referrer"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Cross-Origin-Opener-Policy", "same-origin"));
    if https {
        headers.add(("Strict-Transport-Security", "max-age=31536000"))
    } else {
        headers
    }
}

/// Path segments that follow these hold a secret.
const SECRET_PATHS: &[&str] = &["invitations", "password-reset", "calendar"];
pub const REDACTED: &str = "[redacted]";

/// The path and query as the log may show them.
pub fn redact(path_and_query: &str) -> String {
    let (path, query) = match path_and_query.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (path_and_query, None),
    };
    let mut segments: Vec<&str> = path.split('/').collect();
    for i in 1..segments.len() {
        if SECRET_PATHS.contains(&segments[i - 1]) && !segments[i].is_empty() {
            segments[i] = REDACTED;
        }
    }
    let mut redacted = segments.join("/");
    if let Some(query) = query {
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((key, _)) if key.eq_ignore_ascii_case("token") => format!("{key}={REDACTED}"),
                _ => pair.to_string(),
            })
            .collect();
        redacted.push('?');
        redacted.push_str(&pairs.join("&"));
    }
    redacted
}

/// The request log's span, as tracing-actix-web's default one but with the URL redacted and
/// escaped, and the client's address as the trusted proxy gave it; each request ends with one
/// log line, after its outcome is recorded. Nothing a client sent in a body or a rejected field
/// is logged: the line says which fields were refused, never their values (a subject access
/// request's personal data would be among them).
pub struct RedactedSpan;

impl RootSpanBuilder for RedactedSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        // The address the trusted proxy saw (as the sign-in limit and the audit trail take
        // it), the peer's when there is none: never a header the client writes.
        let client = match request.app_data::<actix_web::web::Data<AppState>>() {
            Some(state) => client_address(request.request(), &state.settings),
            None => request
                .peer_addr()
                .map(|a| a.ip().to_string())
                .unwrap_or_default(),
        };
        let id = request
            .extensions()
            .get::<super::layers::RequestId>()
            .map(|id| id.0.clone())
            .unwrap_or_default();
        tracing::info_span!(
            "HTTP request",
            request_id = %id,
            http.method = %request.method(),
            http.route = %request.match_pattern().unwrap_or_default(),
            http.target = tracing::field::Empty,
            http.client_ip = %client,
            http.status_code = tracing::field::Empty,
            otel.status_code = tracing::field::Empty,
            exception.message = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let (status, error) = match outcome {
            Ok(response) => (response.status(), response.response().error()),
            Err(error) => (error.as_response_error().status_code(), Some(error)),
        };
        if let Ok(response) = outcome {
            span.record(
                "http.target",
                tracing::field::display(target_of(response.request(), status)),
            );
        }
        span.record("http.status_code", status.as_u16());
        span.record(
            "otel.status_code",
            if status.is_server_error() { "ERROR" } else { "OK" },
        );
        if let Some(error) = error {
            span.record("exception.message", tracing::field::display(outcome_of(error)));
        }
        span.in_scope(|| tracing::info!(status = status.as_u16(), "request served"));
    }
}

/// Query parameters whose values the log shows: numbers and closed sets. Any other value (a
/// search, a tag) may be someone's name, and is redacted.
const SHOWN_PARAMETERS: &[&str] = &[
    "page",
    "format",
    "status",
    "regime",
    "overdue",
    "mine",
    "authority_id",
    "entity",
    "action",
    "dry_run",
];

/// The URL as the log shows it: secrets and free-text parameters redacted, escaped. A refused
/// request shows its route's pattern rather than its path, which may hold what was refused.
fn target_of(request: &actix_web::HttpRequest, status: actix_web::http::StatusCode) -> String {
    let path = if status.is_client_error() {
        request.match_pattern().unwrap_or_else(|| "(no route)".into())
    } else {
        request.path().to_string()
    };
    let query: Vec<String> = request
        .query_string()
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.split_once('=') {
            Some((key, _)) if !SHOWN_PARAMETERS.contains(&key) => format!("{key}={REDACTED}"),
            _ => pair.to_string(),
        })
        .collect();
    let target = match query.is_empty() {
        true => path,
        false => format!("{path}?{}", query.join("&")),
    };
    loggable(&redact(&target), 500)
}

/// What the log says of an error: the fields at fault by name, or the kind of error; never the
/// message, which may quote what was sent.
fn outcome_of(error: &Error) -> String {
    let app_error = error
        .as_error::<AppError>()
        .or_else(|| error.as_error::<ApiError>().map(|e| &e.0));
    match app_error {
        Some(AppError::Invalid(errors)) => format!(
            "invalid: {}",
            errors
                .iter()
                .map(|e| loggable(&e.field, 100))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Some(AppError::BadRequest {
            field: Some(field), ..
        }) => {
            format!("bad request: {}", loggable(field, 100))
        }
        _ => error
            .as_response_error()
            .status_code()
            .canonical_reason()
            .unwrap_or("error")
            .to_lowercase(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn secrets_in_urls_are_redacted() {
        assert_eq!(redact("/invitations/abc123"), "/invitations/[redacted]");
        assert_eq!(
            redact("/password-reset/xyz?x=1"),
            "/password-reset/[redacted]?x=1"
        );
        assert_eq!(redact("/calendar/s3cret.ics"), "/calendar/[redacted]");
        assert_eq!(
            redact("/requests/3?token=abc&page=2"),
            "/requests/3?token=[redacted]&page=2"
        );
        assert_eq!(redact("/requests/3"), "/requests/3");
        assert_eq!(redact("/invitations/"), "/invitations/");
    }
}
