//! The static files, embedded in the binary, and a page rendered from the crate's templates
//! as an HTTP response.

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use handlebars::{Context, Handlebars, RenderError};
use rust_embed::RustEmbed;
use serde_json::{Map, Value};

use crate::error::AppError;

#[derive(RustEmbed)]
#[folder = "static/"]
pub struct Assets;

/// Renders a page; a template fault is an internal error, never a half page.
pub fn render(
    registry: &Handlebars<'_>,
    status: StatusCode,
    name: &str,
    data: Value,
) -> Result<HttpResponse, AppError> {
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .body(html(registry, name, data)?))
}

/// What the layout shows of a page's data.
const LAYOUT_FIELDS: [&str; 5] = ["title", "nav", "viewer", "done", "csrf"];

/// A page's template, then the layout around it. The layout is not a partial the page calls,
/// because handlebars gives a partial a deep copy of the data in scope (here the whole page);
/// and the data is handed over as a context, which `Handlebars::render` would copy first.
pub fn html(registry: &Handlebars<'_>, name: &str, data: Value) -> Result<String, AppError> {
    let failed = |e: RenderError| AppError::Internal(format!("template {name}: {e}"));
    // Only the fields present: a missing one is then a template fault, as the strict
    // registry makes any other.
    let mut layout: Map<String, Value> = LAYOUT_FIELDS
        .iter()
        .filter_map(|field| Some((field.to_string(), data.get(field)?.clone())))
        .collect();
    let body = registry
        .render_with_context(name, &Context::from(data))
        .map_err(failed)?;
    layout.insert("body".into(), Value::String(body));
    registry
        .render_with_context("layout", &Context::from(Value::Object(layout)))
        .map_err(failed)
}
