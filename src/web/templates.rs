//! The static files, embedded in the binary, and a page rendered from the crate's templates
//! as an HTTP response.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use handlebars::Handlebars;
use rust_embed::RustEmbed;
use serde::Serialize;

use crate::error::AppError;

#[derive(RustEmbed)]
#[folder = "static/"]
pub struct Assets;

/// Renders a page; a template fault is an internal error, never a half page.
pub fn render(
    registry: &Handlebars<'_>,
    status: StatusCode,
    name: &str,
    data: &impl Serialize,
) -> Result<HttpResponse, AppError> {
    let html = registry
        .render(name, data)
        .map_err(|e| AppError::Internal(format!("template {name}: {e}")))?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(html))
}
