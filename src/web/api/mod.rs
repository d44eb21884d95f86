//! The JSON API under `/api/v1`: the same use cases as the pages; every error is
//! `application/problem+json` naming the field at fault.

pub mod authorities;
pub mod authority_groups;
pub mod batches;
pub mod calculator;
pub mod demands;
pub mod documents;
pub mod email;
pub mod events;
pub mod exemptions;
pub mod figure_import;
pub mod history;
pub mod inbox;
pub mod letters;
pub mod openapi;
pub mod openapi_bodies;
pub mod problem_types;
pub mod problems;
pub mod repeats;
pub mod requests;
pub mod search;
pub mod wdtk;

use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use crate::db::DbConnection;
use crate::error::AppError;
use crate::tracker::audit::Caller;
use crate::tracker::holidays::CalendarStore;
use crate::tracker::idempotency::{self, Answer};
use crate::tracker::paging::{Page, PageQuery, Paging};
use crate::web::error_response::ApiError;
use crate::web::extract::{query_string, with_db};
use crate::web::state::AppState;

/// A call that may create something, as `idempotency::once` needs it: its `Idempotency-Key`
/// if it carries one, and its fingerprint (its method, path and body as read).
pub fn idempotency(request: &HttpRequest, body: &impl Serialize) -> (Option<String>, String) {
    let key = request
        .headers()
        .get("idempotency-key")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let body = serde_json::to_vec(body).unwrap_or_default();
    let print = idempotency::fingerprint(request.method().as_str(), request.path(), &body);
    (key, print)
}

/// Creates something once per `Idempotency-Key`: runs `create` (given the connection, the
/// caller, the calendars, today and now) unless the key's call was answered before, and
/// answers as that call first was.
pub async fn create_once<F>(
    state: &web::Data<AppState>,
    caller: Caller,
    (key, print): (Option<String>, String),
    create: F,
) -> Result<HttpResponse, ApiError>
where
    F: FnOnce(
            &mut DbConnection,
            &Caller,
            &CalendarStore,
            NaiveDate,
            NaiveDateTime,
        ) -> Result<Answer, AppError>
        + Send
        + 'static,
{
    let answered = with_db(state, move |conn, calendars, today| {
        let now = crate::clock::now();
        idempotency::once(conn, &caller, key.as_deref(), &print, now, |conn| {
            create(conn, &caller, calendars, today, now)
        })
    })
    .await?;
    Ok(answer(answered))
}

/// An answer of `idempotency::once`, as it was first given.
pub fn answer(answer: Answer) -> HttpResponse {
    let status =
        actix_web::http::StatusCode::from_u16(answer.status).unwrap_or(actix_web::http::StatusCode::OK);
    let mut response = HttpResponse::build(status);
    if let Some(location) = answer.location {
        response.insert_header((header::LOCATION, location));
    }
    if answer.replayed {
        response.insert_header(("Idempotent-Replayed", "true"));
    }
    response.content_type("application/json").body(answer.body)
}

/// The `Link` header of a list's page (RFC 8288): its first, previous, next and last pages,
/// each the address `at` gives for a page number.
pub fn page_links(page: i64, pages: i64, at: impl Fn(i64) -> String) -> String {
    let mut links = vec![format!("<{}>; rel=\"first\"", at(1))];
    if page > 1 {
        links.push(format!("<{}>; rel=\"prev\"", at((page - 1).min(pages))));
    }
    if page < pages {
        links.push(format!("<{}>; rel=\"next\"", at(page + 1)));
    }
    links.push(format!("<{}>; rel=\"last\"", at(pages)));
    links.join(", ")
}

/// 201 Created with the new resource's address.
pub fn created(location: String, body: &impl Serialize) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::LOCATION, location))
        .json(body)
}

/// A page of a list as the API answers it: its items as a JSON array, with `Link` to the
/// first, previous, next and last pages of the same query (`query`, without the page's own
/// parameters, at `path`).
pub fn page_answer<T: Serialize>(page: &Page<T>, path: &str, query: &impl Serialize) -> HttpResponse {
    // The query's own parameters, those left empty aside.
    let asked = serde_urlencoded::to_string(query).unwrap_or_default();
    let asked = asked
        .split('&')
        .filter(|pair| !pair.is_empty() && !pair.ends_with('='))
        .collect::<Vec<_>>()
        .join("&");
    let links = page_links(page.page, page.pages, |number| {
        let paging = format!("page={number}&per_page={}", page.per_page);
        match asked.is_empty() {
            true => format!("{path}?{paging}"),
            false => format!("{path}?{asked}&{paging}"),
        }
    });
    HttpResponse::Ok()
        .insert_header((header::LINK, links))
        .json(&page.items)
}

/// The whole list `read` gives the caller, answered a page at a time as `request`'s query asks.
pub async fn paged_list<T: Serialize + Send + 'static>(
    state: &web::Data<AppState>,
    caller: Caller,
    request: &HttpRequest,
    read: fn(&mut DbConnection, &Caller) -> Result<Vec<T>, AppError>,
) -> Result<HttpResponse, ApiError> {
    let query: PageQuery = query_string(request, "the query string")?;
    let page = with_db(state, move |conn, _, _| {
        Ok(Page::of(read(conn, &caller)?, Paging::of(&query)?))
    })
    .await?;
    Ok(page_answer(&page, request.path(), &()))
}
