//! `/requests` and `/requests.csv`: the list with its filters, and the same as CSV.

use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::{json, Map, Value};

use super::filtered_page;
use super::requests::authority_choices;
use crate::db::DbConnection;
use crate::domain::regime::Regime;
use crate::domain::timeline::Status;
use crate::error::AppError;
use crate::tracker::audit::Caller;
use crate::tracker::authorities;
use crate::tracker::request_list::{self, ListQuery};
use crate::web::auth::Credentials;
use crate::web::extract::{query_string, with_db};
use crate::web::state::AppState;
use crate::web::view;

pub async fn list(
    state: web::Data<AppState>,
    credentials: Credentials,
    request: HttpRequest,
) -> Result<HttpResponse, AppError> {
    filtered_page(
        state,
        credentials,
        &request,
        "requests/list",
        |query: &ListQuery| query.validate().map(|_| ()),
        |conn, calendars, caller, today, query| {
            request_list::list(conn, calendars, caller, today, query).map(Some)
        },
        list_page,
    )
    .await
}

fn list_page(
    conn: &mut DbConnection,
    caller: &Caller,
    query: &ListQuery,
    page: Option<request_list::RequestPage>,
    errors: Map<String, Value>,
) -> Result<Value, AppError> {
    let authorities = authorities::list(conn, caller)?;
    let tags = request_list::all_tags(conn, caller)?;
    let link = |number: i64| {
        let mut q = query.clone();
        q.page = Some(number.to_string());
        format!(
            "/requests?{}",
            serde_urlencoded::to_string(&q).unwrap_or_default()
        )
    };
    let (prev, next) = match &page {
        Some(p) => (
            (p.page > 1).then(|| link(p.page - 1)),
            (p.page < p.pages).then(|| link(p.page + 1)),
        ),
        None => (None, None),
    };
    let mut whole = query.clone();
    whole.page = None;
    let csv = format!(
        "/requests.csv?{}",
        serde_urlencoded::to_string(&whole).unwrap_or_default()
    );
    let page = page.map(|p| {
        let rows: Vec<Value> = p.items.iter().map(view::summary).collect();
        json!({"total": p.total, "page": p.page, "pages": p.pages, "rows": rows})
    });
    Ok(json!({
        "title": "Requests", "nav": "requests",
        "page": page, "errors": errors, "query": query,
        "overdue": query.overdue.as_deref().is_some_and(|o| matches!(o, "true" | "1" | "on")),
        "mine": query.mine.as_deref().is_some_and(|o| matches!(o, "ours" | "true" | "on")),
        "statuses": crate::tracker::input::names::<Status>(),
        "regimes": crate::tracker::input::names::<Regime>(),
        "tags": tags,
        "authorities": authority_choices(&authorities, query.authority_id.as_deref().unwrap_or_default()),
        "prev": prev, "next": next, "csv": csv, "columns": columns(query),
    }))
}

/// The list's column headings, the sortable ones as links that sort by them (and again
/// the other way round), the sorted one saying which way.
fn columns(query: &ListQuery) -> Vec<Value> {
    let current = query.sort.as_deref().map(str::trim).unwrap_or_default();
    let heading = |label: &str, key: Option<&str>| {
        let Some(key) = key else {
            return json!({"label": label});
        };
        // The latest sent first reads as descending; every other order starts ascending.
        let (first, second) = if key == "sent" {
            ("descending", "ascending")
        } else {
            ("ascending", "descending")
        };
        let reversed = format!("-{key}");
        let (sort, next) = if current == key {
            (Some(first), reversed.as_str())
        } else if current == reversed {
            (Some(second), key)
        } else {
            (None, key)
        };
        let mut q = query.clone();
        q.sort = Some(next.to_string());
        q.page = None;
        let href = format!(
            "/requests?{}",
            serde_urlencoded::to_string(&q).unwrap_or_default()
        );
        json!({"label": label, "href": href, "sort": sort})
    };
    vec![
        heading("Request", Some("title")),
        heading("Authority", Some("authority")),
        heading("Status", None),
        heading("Sent", Some("sent")),
        heading("Next deadline", Some("due")),
    ]
}

/// `GET /requests.csv`: the filtered list in its order, every page, as the list shows it.
pub async fn export(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let query: ListQuery = query_string(&request, "The filters")?;
    let rows = with_db(&state, move |conn, calendars, today| {
        request_list::export(conn, calendars, &caller, today, &query)
    })
    .await?;
    let header = [
        "Id",
        "Title",
        "Authority",
        "Regime",
        "Status",
        "Overdue",
        "Sent",
        "Next deadline",
        "Due",
        "Working days late",
        "Tags",
    ];
    let lines = rows.iter().map(|s| {
        let first = s.standing.next.first();
        vec![
            s.request.id.to_string(),
            s.request.values.title.clone(),
            s.authority.0.clone(),
            s.request.values.regime.short_name().to_string(),
            s.standing.status.label().to_string(),
            if s.standing.overdue { "yes" } else { "no" }.to_string(),
            s.request
                .values
                .sent_on
                .map(|d| d.to_string())
                .unwrap_or_default(),
            first.map(|d| d.kind.label().to_string()).unwrap_or_default(),
            first.map(|d| d.due.to_string()).unwrap_or_default(),
            first
                .and_then(|d| d.working_days_late)
                .map(|late| late.to_string())
                .unwrap_or_default(),
            s.tags.join(", "),
        ]
    });
    super::csv_attachment("requests.csv", &header, lines)
}
