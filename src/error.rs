//! AppError: one enum for everything a use case can refuse or fail at, rendered as an HTML
//! page for people or as `application/problem+json` (RFC 9457) for the API.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

/// A problem with one field of the input, named as the API names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The input is understood but wrong: each field says why (422).
    #[error("{}", summary(.0))]
    Invalid(Vec<FieldError>),
    /// The input could not be read at all (400).
    #[error("{message}")]
    BadRequest { field: Option<String>, message: String },
    /// Not signed in: pages send the browser to sign in, the API answers 401.
    #[error("sign in first")]
    Unauthorized,
    /// Signed in, but the role or organisation does not allow it (403).
    #[error("{0}")]
    Forbidden(String),
    /// Too many failed attempts: wait (429).
    #[error("{0}")]
    Throttled(String),
    /// "request 12", "authority 3" (404).
    #[error("{0} was not found")]
    NotFound(String),
    /// The change clashes with what is stored (409), e.g. a name already taken.
    #[error("{message}")]
    Conflict { field: Option<String>, message: String },
    /// The body is larger than allowed (413).
    #[error("{0}")]
    TooLarge(String),
    /// No database connection came in time (503).
    #[error("the database is busy; please try again in a moment")]
    Unavailable(String),
    /// A fault on our side: logged, never shown (500).
    #[error("something went wrong on our side; it has been logged")]
    Internal(String),
}

fn summary(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|e| format!("{}: {}", e.field, e.message))
        .collect::<Vec<_>>()
        .join("; ")
}

impl AppError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> AppError {
        AppError::Invalid(vec![FieldError::new(field, message)])
    }

    pub fn conflict(field: Option<&str>, message: impl Into<String>) -> AppError {
        AppError::Conflict {
            field: field.map(str::to_string),
            message: message.into(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::Unauthorized => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The field errors, for forms to show beside their fields.
    pub fn field_errors(&self) -> Vec<FieldError> {
        match self {
            AppError::Invalid(errors) => errors.clone(),
            AppError::BadRequest {
                field: Some(field),
                message,
            }
            | AppError::Conflict {
                field: Some(field),
                message,
            } => vec![FieldError::new(field.clone(), message.clone())],
            _ => Vec::new(),
        }
    }

    fn log(&self) {
        match self {
            AppError::Internal(cause) => tracing::error!(?cause, "internal error"),
            AppError::Unavailable(cause) => tracing::warn!(?cause, "database unavailable"),
            _ => {}
        }
    }

    pub fn problem(&self) -> Problem {
        let status = self.status();
        Problem {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            status: status.as_u16(),
            detail: self.to_string(),
            errors: self.field_errors(),
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(error: diesel::result::Error) -> AppError {
        // Another writer holding the database is no fault of ours: the client may try again.
        if crate::db::is_busy(&error) {
            AppError::Unavailable(error.to_string())
        } else {
            AppError::Internal(error.to_string())
        }
    }
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(error: diesel::r2d2::PoolError) -> AppError {
        AppError::Unavailable(error.to_string())
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(error: actix_web::error::BlockingError) -> AppError {
        AppError::Internal(error.to_string())
    }
}

impl From<crate::db::DbError> for AppError {
    fn from(error: crate::db::DbError) -> AppError {
        match error {
            crate::db::DbError::Query(error) => error.into(),
            other => AppError::Internal(other.to_string()),
        }
    }
}

/// How long a client is asked to wait before trying a busy server again.
pub const RETRY_AFTER_SECONDS: &str = "5";

/// The body of every API error (RFC 9457), with the fields at fault.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Problem {
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
        response
            .insert_header((header::CONTENT_TYPE, "application/problem+json"))
            .json(self.0.problem())
    }
}
