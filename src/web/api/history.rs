//! `/api/v1/history`: the refusal history, the requests behind a figure, and exports of the
//! records as JSON or CSV, for any filter.

use actix_web::{web, HttpRequest, HttpResponse};

use super::page_answer;
use super::problems::{FilterWrong, Unreadable};
use crate::tracker::audit::Caller;
use crate::tracker::history;
use crate::tracker::history::{Behind, HistoryQuery, HistoryView};
use crate::tracker::paging::{Page, PageQuery, Paging};
use crate::web::error_response::{ApiError, Problem};
use crate::web::extract::{query_string, with_db};
use crate::web::pages::history::{ask, render, ExportQuery};
use crate::web::state::AppState;

#[utoipa::path(operation_id = "refusal_history", summary = "Summarise the refusal history", get, path = "/api/v1/history", tag = "history",
    params(HistoryQuery),
    responses((status = 200, description = "Per authority and period, and in all: timeliness, working days, outcomes, exemptions, overturn rates", body = HistoryView), Unreadable, FilterWrong))]
pub async fn summary(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<HistoryQuery>,
) -> Result<HttpResponse, ApiError> {
    let view = ask(&state, caller, query.into_inner(), history::summary).await?;
    Ok(HttpResponse::Ok().json(view))
}

#[utoipa::path(operation_id = "history_requests", summary = "List the requests behind a figure of the refusal history", get, path = "/api/v1/history/requests", tag = "history",
    params(HistoryQuery, PageQuery),
    responses((status = 200, description = "One page of the requests a figure counted", body = Vec<Behind>,
        headers(("Link" = String, description = "The first, previous, next and last pages, as `<address>; rel=\"next\"` (RFC 8288)"))),
        Unreadable, FilterWrong))]
pub async fn requests(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<HistoryQuery>,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let query = query.into_inner();
    let found = ask(&state, caller, query.clone(), history::behind).await?;
    let paging = Paging::of(&query_string(&request, "the query string")?)?;
    Ok(page_answer(
        &Page::of(found, paging),
        "/api/v1/history/requests",
        &query,
    ))
}

#[utoipa::path(operation_id = "history_export", summary = "Export the refusal history's records: requests, events, responses or appeals", get, path = "/api/v1/history/export", tag = "history",
    params(HistoryQuery, ("dataset" = String, Query, description = "requests, events, responses or appeals"),
        ("format" = Option<String>, Query, description = "json (the default) or csv")),
    responses((status = 200, description = "The records with the documented columns: as JSON, one object per row; with format=csv, as CSV with a header row, as the page's export gives it",
            content((Vec<Object> = "application/json"), (String = "text/csv"))), Unreadable,
        (status = 422, description = "A filter or the dataset is wrong", body = Problem, content_type = "application/problem+json")))]
pub async fn export(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ExportQuery>,
) -> Result<HttpResponse, ApiError> {
    let ExportQuery {
        dataset,
        format,
        filter,
    } = query.into_inner();
    // The API answers JSON unless asked for CSV; the page's export is CSV unless asked for JSON.
    let format = match format.as_str() {
        "" => "json".to_string(),
        _ => format,
    };
    let export = with_db(&state, move |conn, calendars, today| {
        history::export(conn, calendars, &caller, today, &filter, &dataset)
    })
    .await?;
    Ok(render(&export, &format)?)
}
