//! `/open-data`: public, stable downloads of every verified figure: tidy CSV, JSON, and the
//! Frictionless Data Package that describes them.

use actix_web::{http::header, web, HttpResponse};
use serde_json::{json, Map, Value};

use super::{csv_attachment, page};
use crate::error::AppError;
use crate::tracker::open_data::{self, OPEN_COLUMNS};
use crate::web::auth::Who;
use crate::web::extract::with_db;
use crate::web::state::AppState;

fn columns() -> Vec<&'static str> {
    OPEN_COLUMNS.iter().map(|(name, ..)| *name).collect()
}

pub async fn show(state: web::Data<AppState>, who: Who) -> Result<HttpResponse, AppError> {
    let data = json!({
        "title": "Open data", "nav": "scorecard",
        "columns": OPEN_COLUMNS.iter().map(|(name, kind, description)| json!({"name": name, "type": kind, "description": description})).collect::<Vec<_>>(),
    });
    page(&state, &who, "open_data/show", data)
}

/// The downloads are public and hold only verified figures: a browser-based data tool on any
/// site may read them. Only these responses say so, never a page that may be signed in.
fn readable_anywhere(mut response: HttpResponse) -> HttpResponse {
    response.headers_mut().insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        header::HeaderValue::from_static("*"),
    );
    response
}

pub async fn csv(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let data = with_db(&state, move |conn, _, _| open_data::open_data(conn)).await?;
    csv_attachment("figures.csv", &columns(), data.rows).map(readable_anywhere)
}

pub async fn json(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let data = with_db(&state, move |conn, _, _| open_data::open_data(conn)).await?;
    let names = columns();
    let rows: Vec<Map<String, Value>> = data
        .rows
        .into_iter()
        .map(|row| {
            names
                .iter()
                .map(|n| n.to_string())
                .zip(row.into_iter().map(Value::String))
                .collect()
        })
        .collect();
    Ok(readable_anywhere(HttpResponse::Ok().json(rows)))
}

pub async fn datapackage() -> HttpResponse {
    readable_anywhere(HttpResponse::Ok().json(open_data::datapackage()))
}
