//! What the user sees: HTML pages, the JSON API, and the router that joins them.

pub mod api;
pub mod auth;
pub mod cache;
pub mod charts;
pub mod dates;
pub mod done;
pub mod error_response;
pub mod extract;
pub mod headers;
pub mod json_body;
pub mod layers;
pub mod pages;
pub mod return_to;
pub mod routes;
pub mod state;
pub mod templates;
pub mod view;

use actix_web::{web, HttpRequest, HttpResponse, ResponseError};

use crate::error::AppError;
use crate::web::error_response::ApiError;
use extract::{payload_error, BODY_LIMIT};
pub use routes::ROUTES;

/// An error answered as problem+json under `/api/`, as an HTML page elsewhere.
pub(crate) fn respond(request: &HttpRequest, error: AppError) -> actix_web::Error {
    if request.path().starts_with("/api/") {
        actix_web::error::InternalError::from_response(error.to_string(), ApiError(error).error_response())
            .into()
    } else {
        actix_web::error::InternalError::from_response(error.to_string(), error.error_response()).into()
    }
}

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::PayloadConfig::new(BODY_LIMIT))
        .app_data(
            web::FormConfig::default()
                .limit(BODY_LIMIT)
                .error_handler(|error, request| {
                    let error = match error {
                        actix_web::error::UrlencodedError::Overflow { .. } => {
                            payload_error(actix_web::error::ErrorPayloadTooLarge(""))
                        }
                        other => AppError::BadRequest {
                            field: None,
                            message: format!("the form could not be read: {other}"),
                        },
                    };
                    respond(request, error)
                }),
        )
        .app_data(web::QueryConfig::default().error_handler(|error, request| {
            respond(
                request,
                AppError::BadRequest {
                    field: None,
                    message: format!("the query string could not be read: {error}"),
                },
            )
        }));
    routes::register(cfg);
    cfg.default_service(web::to(not_found));
}

/// What no route answers: a path served under other methods is a 405 listing them, anything
/// else a 404.
async fn not_found(request: HttpRequest) -> HttpResponse {
    let allowed = routes::allowed_methods(request.path());
    let error = if allowed.is_empty() {
        AppError::NotFound(format!("the page {}", request.path()))
    } else {
        AppError::WrongMethod {
            method: request.method().to_string(),
            path: request.path().to_string(),
            allow: allowed.join(", "),
        }
    };
    if request.path().starts_with("/api/") {
        ApiError(error).error_response()
    } else {
        error.error_response()
    }
}
