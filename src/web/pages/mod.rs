//! The HTML pages: parse the form or query, call the use case, render. No JavaScript needed.

pub mod assets;
pub mod authorities;
pub mod calculator;
pub mod dashboard;
pub mod events;
pub mod health;
pub mod holidays;
pub mod requests;

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::{json, Map, Value};

use super::templates::render;
use crate::db::{self, DbConnection};
use crate::error::AppError;
use crate::startup::AppState;
use crate::tracker::holidays::CalendarStore;

/// Renders a page with 200 OK.
pub fn page(state: &AppState, name: &str, data: &impl Serialize) -> Result<HttpResponse, AppError> {
    render(&state.templates, StatusCode::OK, name, data)
}

/// A page that shows only what is stored: rendered once per register version and day, then
/// served from the cache until a write moves the version. `build` gives the template and data.
pub async fn stored_page<F>(
    state: &web::Data<AppState>,
    key: String,
    build: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce(&mut DbConnection, &CalendarStore, NaiveDate) -> Result<(&'static str, Value), AppError>
        + Send
        + 'static,
{
    let state = state.clone();
    let html = web::block(move || -> Result<String, AppError> {
        let mut conn = state.pool.get()?;
        let version = db::version(&mut conn)?;
        let today = state.today();
        let cache = state.settings.page_cache;
        if let Some(html) = state.pages.get(&key, version, today).filter(|_| cache) {
            return Ok(html);
        }
        let (name, data) = build(&mut conn, &state.calendars, today)?;
        let html = state
            .templates
            .render(name, &data)
            .map_err(|e| AppError::Internal(format!("template {name}: {e}")))?;
        if cache {
            state.pages.put(key, version, today, html.clone());
        }
        Ok(html)
    })
    .await??;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(html))
}

/// Renders a form again with its errors: the error's own status (400, 409, 413, 422) when
/// the input is at fault, else 422.
pub fn form_again(
    state: &AppState,
    error: &AppError,
    name: &str,
    data: &impl Serialize,
) -> Result<HttpResponse, AppError> {
    let status = if is_form_error(error) {
        error.status()
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    render(&state.templates, status, name, data)
}

/// After a change, send the browser on with a GET (303 See Other).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_string()))
        .finish()
}

/// Field name to message, for templates to show beside each field.
pub fn errors(error: &AppError) -> Map<String, Value> {
    let mut map = Map::new();
    for e in error.field_errors() {
        map.entry(e.field).or_insert(Value::String(e.message));
    }
    if map.is_empty() {
        map.insert("form".into(), Value::String(error.to_string()));
    }
    map
}

/// `true` when the error belongs on the form, rather than on an error page.
pub fn is_form_error(error: &AppError) -> bool {
    matches!(
        error,
        AppError::Invalid(_)
            | AppError::Conflict { .. }
            | AppError::TooLarge(_)
            | AppError::BadRequest { .. }
    )
}

/// The choices of a closed set, as `[{value, text}]` for a select.
pub fn options<T>(text: fn(T) -> &'static str) -> Vec<Value>
where
    T: strum::VariantArray + Into<&'static str> + Copy,
{
    T::VARIANTS
        .iter()
        .map(|v| json!({"value": Into::<&'static str>::into(*v), "text": text(*v)}))
        .collect()
}
