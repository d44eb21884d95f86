//! AppError: one enum for everything a use case can refuse or fail at. How each is answered
//! over HTTP (an HTML page for people, `application/problem+json` for the API) is the web
//! layer's business: `web::error_response`.

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
    /// The path exists, but does not answer this method (405); `allow` lists those it does.
    #[error("{path} answers {allow}, not {method}")]
    WrongMethod {
        method: String,
        path: String,
        allow: String,
    },
    /// The record changed since the client read it, so its change is not applied (412).
    #[error("{0}")]
    Stale(String),
    /// The change clashes with what is stored (409), e.g. a name already taken.
    #[error("{message}")]
    Conflict { field: Option<String>, message: String },
    /// The body is larger than allowed (413).
    #[error("{0}")]
    TooLarge(String),
    /// A server the tracker relies on for the caller, such as the organisation's mail server,
    /// did not do what was asked; nothing was recorded (502). The message says what it answered.
    #[error("{0}")]
    Upstream(String),
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

    /// Faults on our side go to the log; what the caller got wrong does not.
    pub(crate) fn log(&self) {
        match self {
            AppError::Internal(cause) => tracing::error!(?cause, "internal error"),
            AppError::Unavailable(cause) => tracing::warn!(?cause, "database unavailable"),
            // What the server answered, never what was sent: a message's addresses and body stay
            // out of the log.
            AppError::Upstream(cause) => tracing::warn!(%cause, "a server we rely on refused"),
            _ => {}
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

impl From<crate::db::DbError> for AppError {
    fn from(error: crate::db::DbError) -> AppError {
        match error {
            crate::db::DbError::Query(error) => error.into(),
            other => AppError::Internal(other.to_string()),
        }
    }
}
