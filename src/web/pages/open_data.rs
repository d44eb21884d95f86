//! `/open-data`: public, stable downloads of every verified figure: tidy CSV, JSON, and the
//! Frictionless Data Package that describes them.

use actix_web::{web, HttpResponse};
use serde_json::{json, Map, Value};

use super::{csv_attachment, page};
use crate::error::AppError;
use crate::startup::AppState;
use crate::tracker::demands::{self, OPEN_COLUMNS};
use crate::web::auth::Who;
use crate::web::extract::with_db;

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

pub async fn csv(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let data = with_db(&state, move |conn, _, _| demands::open_data(conn)).await?;
    csv_attachment("figures.csv", &columns(), data.rows)
}

pub async fn json(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let data = with_db(&state, move |conn, _, _| demands::open_data(conn)).await?;
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
    Ok(HttpResponse::Ok().json(rows))
}

pub async fn datapackage() -> HttpResponse {
    HttpResponse::Ok().json(demands::datapackage())
}
