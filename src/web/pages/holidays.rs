//! `/admin/holidays`: import a newer gov.uk file, see what it changes, and the lists in use.

use actix_multipart::Multipart;
use actix_web::{web, HttpResponse};
use chrono::Datelike;
use serde_json::{json, Map, Value};

use super::{form_again_or_error, import_file, page, ImportFile};
use crate::domain::account::Actor;
use crate::error::AppError;
use crate::tracker::access::require;
use crate::tracker::holidays;
use crate::web::auth::Who;
use crate::web::extract::with_db;
use crate::web::state::AppState;

/// The import history and this year's holidays in each division, with a report if there is one.
async fn data(
    state: &web::Data<AppState>,
    report: Option<holidays::ImportReport>,
    errors: Map<String, Value>,
) -> Result<Value, AppError> {
    with_db(state, move |conn, calendars, today| {
        let imports = holidays::history(conn)?;
        let calendar = calendars.current(conn)?;
        let year = today.year();
        let divisions: Vec<Value> = holidays::year(&calendar, year)
            .into_iter()
            .map(|(division, holidays)| json!({"name": division.name(), "holidays": holidays}))
            .collect();
        Ok(json!({
            "title": "Bank holidays", "nav": "holidays", "imports": imports, "report": report,
            "errors": errors, "year": year, "divisions": divisions,
        }))
    })
    .await
}

pub async fn show(state: web::Data<AppState>, who: Who) -> Result<HttpResponse, AppError> {
    require(&who.caller(), Actor::is_admin)?;
    let data = data(&state, None, Map::new()).await?;
    page(&state, &who, "admin/holidays", data)
}

pub async fn import(
    state: web::Data<AppState>,
    who: Who,
    multipart: Multipart,
) -> Result<HttpResponse, AppError> {
    let caller = who.caller();
    require(&caller, Actor::is_admin)?;
    let result = async {
        let ImportFile {
            text,
            file_name,
            dry_run,
        } = import_file(&who, multipart).await?;
        let source = file_name.unwrap_or_else(|| "bank-holidays.json".into());
        with_db(&state, move |conn, calendars, today| {
            holidays::import(
                conn,
                calendars,
                &caller,
                today,
                &source,
                &text,
                dry_run,
                crate::clock::now(),
            )
        })
        .await
    }
    .await;
    match result {
        Ok(report) => {
            let data = data(&state, Some(report), Map::new()).await?;
            page(&state, &who, "admin/holidays", data)
        }
        Err(error) => {
            form_again_or_error(&state, &who, error, "admin/holidays", async |errors| {
                data(&state, None, errors).await
            })
            .await
        }
    }
}
