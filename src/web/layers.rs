//! What every request passes through before its handler, and every response after: the text
//! rule for the path and the query string, HEAD answered as GET, and no caching of anything
//! but the public static files.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpResponse};

use crate::error::AppError;
use crate::tracker::input::{text_problem, Shape};
use crate::web::error_response::ApiError;

/// A path or a query parameter that breaks the text rule never reaches a handler (nor a
/// database, which may refuse it with an error of its own): a path is a page that cannot
/// exist (404), a parameter a field at fault (422, naming it).
pub async fn text_rule(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let Some(error) = refusal(&request) else {
        return next
            .call(request)
            .await
            .map(|r| r.map_into_left_body::<BoxBody>());
    };
    // Built from the error, so that the request log can say what was refused.
    let response = if request.path().starts_with("/api/") {
        HttpResponse::from_error(ApiError(error))
    } else {
        HttpResponse::from_error(error)
    };
    let (request, _) = request.into_parts();
    Ok(ServiceResponse::new(request, response).map_into_right_body())
}

fn refusal(request: &ServiceRequest) -> Option<AppError> {
    let path = percent_decoded(request.path());
    if text_problem(&path, Shape::Line).is_some() {
        // The path is not echoed: it is not text.
        return Some(AppError::NotFound("the page asked for".into()));
    }
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(request.query_string()).ok()?;
    pairs.iter().find_map(|(name, value)| {
        if let Some(problem) = text_problem(name, Shape::Line) {
            return Some(AppError::invalid(
                "query",
                format!("A parameter's name {problem}"),
            ));
        }
        text_problem(value, Shape::Line)
            .map(|problem| AppError::invalid(name.clone(), format!("{name} {problem}")))
    })
}

/// A path with its %XX escapes decoded, as the router reads it; a sequence that is not UTF-8
/// becomes U+FFFD.
pub fn percent_decoded(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(high), Some(low)) => {
                decoded.push((high * 16 + low) as u8);
                i += 3;
            }
            (byte, _, _) => {
                decoded.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&decoded).into_owned()
}

/// HEAD is answered as GET is, headers and all; the server leaves the body out (RFC 9110
/// §9.3.2). The route table lists GET routes only, so HEAD is read as GET before routing.
pub async fn head_as_get(
    mut request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    if request.method() == Method::HEAD {
        request.head_mut().method = Method::GET;
    }
    next.call(request).await
}

/// Whether a response may be kept by the browser or a cache: only the public static files
/// (which say so themselves). Every other response may show someone's requests, drafts or
/// personal data, or differs by who is signed in (the layout names them), so is never stored.
pub async fn no_store(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let mut response = next.call(request).await?;
    let headers = response.headers_mut();
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(
            header::CACHE_CONTROL,
            header::HeaderValue::from_static("no-store"),
        );
    }
    Ok(response)
}

/// The id that ties a request's log lines to its response, for a person reporting a problem
/// and for the proxy's log. A well-formed `X-Request-Id` from the client (or the proxy in
/// front) is kept; anything else is replaced with a fresh one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

pub const REQUEST_ID: &str = "x-request-id";

/// Well-formed: 1 to 128 letters, digits and `-_.:`, so that the id is safe in a log line
/// and a header, and cannot be used to forge either.
fn well_formed(id: &str) -> bool {
    (1..=128).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

fn fresh_request_id() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

pub async fn request_id(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|id| well_formed(id))
        .map_or_else(fresh_request_id, str::to_string);
    request.extensions_mut().insert(RequestId(id.clone()));
    // A handler's error is a response by now, so an error page carries the id too.
    let mut response = next.call(request).await?;
    if let Ok(value) = header::HeaderValue::from_str(&id) {
        response
            .headers_mut()
            .insert(header::HeaderName::from_static(REQUEST_ID), value);
    }
    Ok(response)
}

/// Counts each request by its route's template and status, and times it, for `/metrics`.
pub async fn measure(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = std::time::Instant::now();
    // Templates and a closed set of methods only: a label taken from the path or a made-up
    // method would let any client grow the metrics without bound.
    let route = request.match_pattern().unwrap_or_else(|| "(unmatched)".into());
    let method = match *request.method() {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    };
    let state = request
        .app_data::<actix_web::web::Data<crate::web::state::AppState>>()
        .cloned();
    let outcome = next.call(request).await;
    if let Some(state) = state {
        let status = match &outcome {
            Ok(response) => response.status(),
            Err(error) => error.as_response_error().status_code(),
        };
        state
            .metrics
            .observe_request(method, &route, status.as_u16(), started.elapsed());
    }
    outcome
}

/// Pages that need a signed-in person send a signed-out one to sign in with the page asked for
/// as `next` (so that a link in a reminder works for someone signed out), and a page that does
/// not exist is shown inside the site's layout, with the viewer's navigation. Inside
/// `head_as_get`, so HEAD is GET here.
pub async fn page_answers(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let path = request.path().to_string();
    let page = !path.starts_with("/api/") && request.method() == Method::GET;
    let response = next.call(request).await?.map_into_boxed_body();
    if !page {
        return Ok(response);
    }
    let to_sign_in = response.status() == actix_web::http::StatusCode::SEE_OTHER
        && response.headers().get(header::LOCATION).is_some_and(|l| l == "/sign-in")
        && !path.starts_with("/sign-in")
        // The dashboard is where signing in leads anyway.
        && !(path == "/" && response.request().query_string().is_empty());
    if to_sign_in {
        let asked = match response.request().query_string() {
            "" => path,
            query => format!("{path}?{query}"),
        };
        let location = crate::web::return_to::with_next("/sign-in", Some(&asked));
        let mut response = response;
        if let Ok(value) = header::HeaderValue::from_str(&location) {
            response.headers_mut().insert(header::LOCATION, value);
        }
        return Ok(response);
    }
    if response.status() == actix_web::http::StatusCode::NOT_FOUND {
        let detail = response
            .response()
            .error()
            .and_then(|e| e.as_error::<AppError>())
            .map(|e| e.to_string())
            .unwrap_or_else(|| "the page you asked for was not found".into());
        let http = response.request().clone();
        let who = <crate::web::auth::Who as actix_web::FromRequest>::extract(&http).await;
        let state = http
            .app_data::<actix_web::web::Data<crate::web::state::AppState>>()
            .cloned();
        if let (Ok(who), Some(state)) = (who, state) {
            if let Ok(page) = crate::web::pages::error_page(&state, &who, response.status(), &detail) {
                return Ok(ServiceResponse::new(http, page));
            }
        }
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::{percent_decoded, well_formed};

    #[test]
    fn request_ids_are_kept_only_when_well_formed() {
        assert!(well_formed("3f2a9c1e-7b7d-4d2e-9f0a-1c2b3d4e5f60"));
        assert!(well_formed("nginx:abc.123_x"));
        assert!(!well_formed(""));
        assert!(!well_formed("two words"));
        assert!(!well_formed("line\nbreak"));
        assert!(!well_formed(&"a".repeat(129)));
    }

    #[test]
    fn paths_are_read_as_the_router_reads_them() {
        assert_eq!(percent_decoded("/scorecard/%00"), "/scorecard/\0");
        assert_eq!(percent_decoded("/a%2Fb%e2%80%aEc"), "/a/b\u{202E}c");
        assert_eq!(percent_decoded("/100%"), "/100%");
        assert_eq!(percent_decoded("/%zz%4"), "/%zz%4");
        assert_eq!(percent_decoded("/%ff"), "/\u{FFFD}");
    }
}
