//! What every response carries for the browser's protection, and what the request log may
//! show of a URL: the secrets some URLs carry are redacted before anything is logged.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::DefaultHeaders;
use actix_web::Error;
use tracing::Span;
use tracing_actix_web::{DefaultRootSpanBuilder, RootSpanBuilder};

/// No script at all, styles and images from this site (and the two-factor QR code, which is
/// a data: image), forms only to this site, never inside another site's frame.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; script-src 'none'; \
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

/// The request log's span, as tracing-actix-web's default one but with the URL redacted; each
/// request ends with one log line.
pub struct RedactedSpan;

impl RootSpanBuilder for RedactedSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let target = redact(request.uri().path_and_query().map(|p| p.as_str()).unwrap_or(""));
        // The peer, not a header anyone could write.
        let client = request
            .peer_addr()
            .map(|a| a.ip().to_string())
            .unwrap_or_default();
        tracing::info_span!(
            "HTTP request",
            http.method = %request.method(),
            http.route = %request.match_pattern().unwrap_or_default(),
            http.target = %target,
            http.client_ip = %client,
            http.status_code = tracing::field::Empty,
            otel.status_code = tracing::field::Empty,
            exception.message = tracing::field::Empty,
            exception.details = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        let status = match outcome {
            Ok(response) => response.status().as_u16(),
            Err(error) => error.as_response_error().status_code().as_u16(),
        };
        span.in_scope(|| tracing::info!(status, "request served"));
        DefaultRootSpanBuilder::on_request_end(span, outcome);
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
