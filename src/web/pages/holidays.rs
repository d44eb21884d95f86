//! `/admin/holidays`: import a newer gov.uk file, see what it changes, and the lists in use.

use actix_multipart::Multipart;
use actix_web::{web, HttpResponse};
use chrono::Datelike;
use serde_json::{json, Map, Value};

use super::{errors, form_again, is_form_error, page};
use crate::error::AppError;
use crate::startup::AppState;
use crate::tracker::{self, holidays};
use crate::web::extract::{with_db, Upload};

fn data(
    state: &AppState,
    imports: Value,
    report: Option<&holidays::ImportReport>,
    errors: Map<String, Value>,
) -> Result<Value, AppError> {
    let mut conn = state.pool.get()?;
    let calendar = state.calendars.current(&mut conn)?;
    let year = state.today().year();
    let divisions: Vec<Value> = holidays::year(&calendar, year)
        .into_iter()
        .map(|(division, holidays)| json!({"name": division.name(), "holidays": holidays}))
        .collect();
    Ok(json!({
        "title": "Bank holidays", "nav": "holidays", "imports": imports, "report": report,
        "errors": errors, "year": year, "divisions": divisions,
    }))
}

pub async fn show(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let imports = with_db(&state, |conn, _, _| holidays::history(conn)).await?;
    let data = web::block({
        let state = state.clone();
        move || data(&state, json!(imports), None, Map::new())
    })
    .await??;
    page(&state, "admin/holidays", &data)
}

pub async fn import(state: web::Data<AppState>, multipart: Multipart) -> Result<HttpResponse, AppError> {
    let result = async {
        let upload = Upload::read(multipart, "file").await?;
        let text = upload.text("file")?.to_string();
        let source = upload
            .file_name
            .clone()
            .unwrap_or_else(|| "bank-holidays.json".into());
        let dry_run = upload.field("dry_run").is_some_and(|v| v == "true");
        let state = state.clone();
        web::block(move || {
            let mut conn = state.pool.get()?;
            holidays::import(
                &mut conn,
                &state.calendars,
                state.today(),
                &source,
                &text,
                dry_run,
                tracker::now(),
            )
        })
        .await?
    }
    .await;
    let imports = with_db(&state, |conn, _, _| holidays::history(conn)).await?;
    let (report, error) = match result {
        Ok(report) => (Some(report), None),
        Err(error) if is_form_error(&error) => (None, Some(error)),
        Err(error) => return Err(error),
    };
    let errs = error.as_ref().map(errors).unwrap_or_default();
    let data = web::block({
        let state = state.clone();
        let report = report.clone();
        move || data(&state, json!(imports), report.as_ref(), errs)
    })
    .await??;
    match error {
        Some(error) => form_again(&state, &error, "admin/holidays", &data),
        None => page(&state, "admin/holidays", &data),
    }
}
