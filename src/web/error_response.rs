//! How an AppError is answered over HTTP: its status, an HTML page for people, and
//! `application/problem+json` (RFC 9457) for the API.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::error::{AppError, FieldError};

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::WrongMethod { .. } => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Stale(_) => StatusCode::PRECONDITION_FAILED,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Upstream(_) => StatusCode::BAD_GATEWAY,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    pub fn problem(&self) -> Problem {
        let status = self.status();
        Problem {
            kind: problem_type(self),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail: self.to_string(),
            errors: self.field_errors(),
        }
    }
}

/// Each class of error, by the name its problem `type` ends in, and what it means to a client.
/// `/api/v1/problems` lists them; the type of a problem is `/api/v1/problems#<name>`.
pub const PROBLEM_TYPES: &[(&str, &str, &str)] = &[
    ("invalid", "422", "The body was read, but fields are wrong: `errors` names each, with why. Correct them and send again."),
    ("unreadable", "400", "The request could not be read at all: not JSON, a malformed query string or id, or a body that is not what the operation takes."),
    ("unauthenticated", "401", "No valid session or token: sign in, or send `Authorization: Bearer <token>`."),
    ("forbidden", "403", "Signed in, but the role or organisation may not do this."),
    ("not-found", "404", "Nothing at this path, or nothing this caller may see: the two are not told apart."),
    ("wrong-method", "405", "The path exists but does not answer this method; the `Allow` header lists those it does."),
    ("conflict", "409", "The change clashes with what is stored, such as a name already taken or a step the request's state does not allow."),
    ("stale", "412", "The record changed since the version named in `If-Match` was read: read it again (its `ETag` is the new version) and make the change on what is there now."),
    ("too-large", "413", "The body or file is larger than the limit the detail states."),
    ("throttled", "429", "Too many failed attempts: wait before trying again."),
    ("internal", "500", "A fault on the server's side. It has been logged; the detail says nothing more."),
    ("upstream", "502", "A server the tracker relies on, such as the organisation's mail server, refused or did not answer; the detail says what it answered. Nothing was recorded: try again once it is fixed."),
    ("unavailable", "503", "The database is busy: try again after the seconds in `Retry-After`."),
];

/// The problem type naming `error`'s class (RFC 9457 §3.1.1: a URI reference, here relative
/// to the server, whose page explains the class).
fn problem_type(error: &AppError) -> &'static str {
    match error {
        AppError::Invalid(_) => "/api/v1/problems#invalid",
        AppError::BadRequest { .. } => "/api/v1/problems#unreadable",
        AppError::Unauthorized => "/api/v1/problems#unauthenticated",
        AppError::Forbidden(_) => "/api/v1/problems#forbidden",
        AppError::NotFound(_) => "/api/v1/problems#not-found",
        AppError::WrongMethod { .. } => "/api/v1/problems#wrong-method",
        AppError::Conflict { .. } => "/api/v1/problems#conflict",
        AppError::Stale(_) => "/api/v1/problems#stale",
        AppError::TooLarge(_) => "/api/v1/problems#too-large",
        AppError::Throttled(_) => "/api/v1/problems#throttled",
        AppError::Internal(_) => "/api/v1/problems#internal",
        AppError::Unavailable(_) => "/api/v1/problems#unavailable",
        AppError::Upstream(_) => "/api/v1/problems#upstream",
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(error: actix_web::error::BlockingError) -> AppError {
        AppError::Internal(error.to_string())
    }
}

/// How long a client is asked to wait before trying a busy server again.
pub const RETRY_AFTER_SECONDS: &str = "5";

/// The body of every API error (RFC 9457), with the fields at fault.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// The class of error, one of those `/api/v1/problems` explains: `/api/v1/problems#invalid`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: String,
    pub status: u16,
    pub detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        self.status()
    }

    fn error_response(&self) -> HttpResponse {
        self.log();
        if let AppError::Unauthorized = self {
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, "/sign-in"))
                .finish();
        }
        let status = self.status();
        let mut response = HttpResponse::build(status);
        if let AppError::Unavailable(_) = self {
            response.insert_header((header::RETRY_AFTER, RETRY_AFTER_SECONDS));
        }
        if let AppError::WrongMethod { allow, .. } = self {
            response.insert_header((header::ALLOW, allow.as_str()));
        }
        let body = format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
             <title>{title} · foi-tracker</title><link rel=\"stylesheet\" href=\"/static/app.css\"></head>\
             <body><main class=\"page\"><h1>{title}</h1><p>{detail}</p><p><a href=\"/\">Back to the dashboard</a></p>\
             </main></body></html>",
            title = status.canonical_reason().unwrap_or("Error"),
            detail = handlebars::html_escape(&self.to_string()),
        );
        response
            .insert_header((header::CONTENT_TYPE, "text/html; charset=utf-8"))
            .body(body)
    }
}

/// An AppError answered as `application/problem+json`, for the API.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct ApiError(#[from] pub AppError);

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.0.status()
    }

    fn error_response(&self) -> HttpResponse {
        self.0.log();
        let mut response = HttpResponse::build(self.0.status());
        if let AppError::Unauthorized = self.0 {
            response.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"foi-tracker\""));
        }
        if let AppError::Unavailable(_) = self.0 {
            response.insert_header((header::RETRY_AFTER, RETRY_AFTER_SECONDS));
        }
        if let AppError::WrongMethod { allow, .. } = &self.0 {
            response.insert_header((header::ALLOW, allow.as_str()));
        }
        response
            .insert_header((header::CONTENT_TYPE, "application/problem+json"))
            .json(self.0.problem())
    }
}
