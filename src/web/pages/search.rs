//! `/search`: one box over requests, events and the text of every document, with filters.

use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Map, Value};

use super::filtered_page;
use super::requests::authority_choices;
use crate::db::search::Source;
use crate::db::DbConnection;
use crate::domain::regime::Regime;
use crate::domain::timeline::Status;
use crate::error::AppError;
use crate::tracker::audit::Caller;
use crate::tracker::search::{self, Results, SearchInput};
use crate::tracker::{self, authorities};
use crate::web::auth::Credentials;
use crate::web::state::AppState;

pub async fn search(
    state: web::Data<AppState>,
    credentials: Credentials,
    request: HttpRequest,
) -> Result<HttpResponse, AppError> {
    // An empty box is the form alone, not an error.
    filtered_page(
        state,
        credentials,
        &request,
        "search",
        |query: &SearchInput| match query.is_blank() {
            true => Ok(()),
            false => query.validate().map(|_| ()),
        },
        |conn, _, caller, _, query| match query.is_blank() {
            true => Ok(None),
            false => search::search(conn, caller, query).map(Some),
        },
        search_page,
    )
    .await
}

fn search_page(
    conn: &mut DbConnection,
    caller: &Caller,
    query: &SearchInput,
    results: Option<Results>,
    errors: Map<String, Value>,
) -> Result<Value, AppError> {
    let authorities = authorities::list(conn, caller)?;
    let tags = tracker::request_list::all_tags(conn, caller)?;
    let link = |number: i64| {
        let mut q = query.clone();
        q.page = Some(number.to_string());
        format!("/search?{}", serde_urlencoded::to_string(&q).unwrap_or_default())
    };
    let (prev, next) = match &results {
        Some(r) => (
            (r.page > 1).then(|| link(r.page - 1)),
            (r.page < r.pages).then(|| link(r.page + 1)),
        ),
        None => (None, None),
    };
    let sources: Vec<Value> = <Source as strum::VariantArray>::VARIANTS
        .iter()
        .map(|s| json!({"value": s.to_string(), "label": source_label(*s)}))
        .collect();
    Ok(json!({
        "title": match query.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
            Some(q) => format!("Search: {q}"),
            None => "Search".to_string(),
        },
        "nav": "search",
        "results": results, "errors": errors, "query": query,
        "statuses": crate::tracker::input::names::<Status>(),
        "regimes": crate::tracker::input::names::<Regime>(),
        "sources": sources,
        "tags": tags,
        "authorities": authority_choices(&authorities, query.authority_id.as_deref().unwrap_or_default()),
        "prev": prev, "next": next,
    }))
}

fn source_label(source: Source) -> &'static str {
    match source {
        Source::Request => "Requests' own words",
        Source::Event => "Events on the timeline",
        Source::Document => "Documents",
    }
}
