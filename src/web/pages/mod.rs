//! The HTML pages: parse the form or query, call the use case, render. No JavaScript needed.

pub mod account;
pub mod account_two_factor;
pub mod assets;
pub mod audit;
pub mod authorities;
pub mod authority_groups;
pub mod batches;
pub mod calculator;
pub mod dashboard;
pub mod documents;
pub mod email;
pub mod events;
pub mod figure_import;
pub mod figures;
pub mod health;
pub mod history;
pub mod holidays;
pub mod inbox;
pub mod indicator_admin;
pub mod indicators;
pub mod letters;
pub mod links;
pub mod mailbox;
pub mod metrics;
pub mod open_data;
pub mod outbox;
pub mod request_detail;
pub mod request_list;
pub mod requests;
pub mod scorecard;
pub mod search;
pub mod session;
pub mod two_factor_reset;
pub mod users;
pub mod wdtk;

use actix_multipart::Multipart;
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpResponse};
use std::sync::Arc;

use chrono::NaiveDate;
use serde_json::{json, Map, Value};

use super::auth::{removal, signed_cookie, Credentials, Who, CSRF_COOKIE};
use super::done::DONE_COOKIE;
use super::extract::BODY_LIMIT;
use super::templates::{self, render};
use crate::db::DbConnection;
use crate::domain::account::Actor;
use crate::domain::csv_cell::neutralised;
use crate::error::AppError;
use crate::tracker::audit::Caller;
use crate::tracker::holidays::CalendarStore;
use crate::tracker::passwords::new_secret;
use crate::tracker::sessions;
use crate::web::state::AppState;

/// Renders a page with 200 OK.
pub fn page(state: &AppState, who: &Who, name: &str, data: Value) -> Result<HttpResponse, AppError> {
    respond(state, who, StatusCode::OK, name, data)
}

/// An error shown as a page of the site, in its layout, with the viewer's navigation.
pub fn error_page(
    state: &AppState,
    who: &Who,
    status: StatusCode,
    detail: &str,
) -> Result<HttpResponse, AppError> {
    let title = match status {
        StatusCode::NOT_FOUND => "Page not found",
        _ => status.canonical_reason().unwrap_or("Error"),
    };
    let data = json!({"title": title, "detail": detail});
    respond(state, who, status, "error", data)
}

/// Renders a form again with its errors: the error's own status (400, 403, 409, 413, 422,
/// 429) when the input is at fault, else 422.
pub fn form_again(
    state: &AppState,
    who: &Who,
    error: &AppError,
    name: &str,
    data: Value,
) -> Result<HttpResponse, AppError> {
    let status = if is_form_error(error) {
        error.status()
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    respond(state, who, status, name, data)
}

/// What a form's change that failed answers: where the input is at fault, the form again
/// with each message beside its field, on the page `data` makes from the messages; any
/// other error is passed on, to be shown as an error page.
pub async fn form_again_or_error(
    state: &AppState,
    who: &Who,
    error: AppError,
    name: &str,
    data: impl AsyncFnOnce(Map<String, Value>) -> Result<Value, AppError>,
) -> Result<HttpResponse, AppError> {
    if !is_form_error(&error) {
        return Err(error);
    }
    let data = data(errors(&error)).await?;
    form_again(state, who, &error, name, data)
}

/// A page showing a secret (a token, a link, a feed's address) once: never cached, never
/// kept by the browser.
pub fn showing_secret(
    state: &AppState,
    who: &Who,
    name: &str,
    data: Value,
) -> Result<HttpResponse, AppError> {
    let mut response = page(state, who, name, data)?;
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

/// A page's data with the layout's: the viewer, the token its forms send, the success
/// message; and `nav`, null unless the page names its place in the menu, because the strict
/// templates refuse a missing value.
fn with_layout(data: &mut Value, layout: Value) {
    if let (Value::Object(map), Value::Object(layout)) = (data, layout) {
        map.extend(layout);
        map.entry("nav").or_insert(Value::Null);
    }
}

/// Every page carries the layout's view of the viewer and the token its forms must send; a
/// browser without a session is given the cookie that token is checked against.
fn respond(
    state: &AppState,
    who: &Who,
    status: StatusCode,
    name: &str,
    mut data: Value,
) -> Result<HttpResponse, AppError> {
    let fresh = who.needs_csrf_cookie().then(new_secret);
    with_layout(&mut data, who.layout(fresh.as_deref()));
    let mut response = render(&state.templates, status, name, data)?;
    if let Some(value) = fresh {
        let _ = response.add_cookie(&signed_cookie(state, CSRF_COOKIE, value));
    }
    if who.done.is_some() {
        let _ = response.add_cookie(&removal(DONE_COOKIE));
    }
    Ok(response)
}

/// Stands for the session's CSRF token in a cached page, and is replaced on the way out.
const CSRF_PLACEHOLDER: &str = "__csrf_token__";

/// A page that shows only what is stored, for one signed-in user: rendered once per register
/// version, day and user, then served from the cache until a write moves the version, except
/// for those `uncached` names (whose every view must reach the use case). `build` gives the
/// template and data.
///
/// The session and the register's version are read in one query, on the same connection as
/// the page itself. Where a connection is idle, that query runs on this thread: a page already
/// rendered then costs one query and no hand-off to a blocking thread. Otherwise, and to
/// render, the work goes to a blocking thread.
pub async fn stored_page<F>(
    state: &web::Data<AppState>,
    credentials: Credentials,
    key: &str,
    uncached: fn(&Actor) -> bool,
    build: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce(
            &mut DbConnection,
            &CalendarStore,
            &Caller,
            NaiveDate,
        ) -> Result<(&'static str, Value), AppError>
        + Send
        + 'static,
{
    let state = state.clone();
    let key = key.to_string();
    let today = state.today();
    let mut idle = state.settings.page_cache.then(|| state.pool.try_get()).flatten();
    let mut found = None;
    if let Some(conn) = idle.as_mut() {
        found = look_up(&state, conn, credentials.clone(), &key, uncached, today, false)?;
        if let Some(Lookup {
            html: Some(html),
            csrf,
            ..
        }) = &found
        {
            return Ok(finish(html, csrf, false));
        }
    }
    // The idle connection, if taken, is this caller's already; else it waits its turn.
    let _turn = match idle {
        Some(_) => None,
        None => Some(state.turn().await?),
    };
    let (html, csrf, done) = web::block(move || -> Result<(Arc<str>, String, bool), AppError> {
        let mut conn = match idle {
            Some(conn) => conn,
            None => state.pool.get()?,
        };
        let lookup = match found {
            Some(lookup) => lookup,
            None => look_up(&state, &mut conn, credentials, &key, uncached, today, true)?
                .ok_or_else(|| AppError::Internal("a session left untouched".into()))?,
        };
        if let Some(html) = lookup.html {
            return Ok((html, lookup.csrf, false));
        }
        let who = lookup.who;
        let (name, mut data) = build(&mut conn, &state.calendars, &who.caller(), today)?;
        let mut layout = who.layout(None);
        layout["csrf"] = Value::String(CSRF_PLACEHOLDER.into());
        with_layout(&mut data, layout);
        let html: Arc<str> = templates::html(&state.templates, name, data)?.into();
        if let Some((key, version)) = lookup.cache_as {
            state.pages.put(key, version, today, html.clone());
        }
        Ok((html, lookup.csrf, who.done.is_some()))
    })
    .await??;
    Ok(finish(&html, &csrf, done))
}

/// What [`stored_page`] learns from its one query.
struct Lookup {
    who: Who,
    csrf: String,
    /// The page's key and version in the cache, if it may be kept.
    cache_as: Option<(String, i64)>,
    /// The page, if the cache has it.
    html: Option<Arc<str>>,
}

/// `None` if the session is due to be marked seen and `may_write` is false: a write may wait
/// for a lock, which the server's own thread must never do.
fn look_up(
    state: &AppState,
    conn: &mut DbConnection,
    credentials: Credentials,
    key: &str,
    uncached: fn(&Actor) -> bool,
    today: NaiveDate,
    may_write: bool,
) -> Result<Option<Lookup>, AppError> {
    let now = crate::clock::now();
    let (who, version) = credentials.resolve_page(conn, now)?;
    if let Some(viewer) = who.viewer.as_ref().filter(|v| sessions::needs_touch(v, now)) {
        if !may_write {
            return Ok(None);
        }
        sessions::touch(conn, viewer, now)?;
    }
    let actor = who.actor().ok_or(AppError::Unauthorized)?;
    let version = version.ok_or(AppError::Unauthorized)?;
    let csrf = who.csrf().unwrap_or_default().to_string();
    // A page showing a success message is not kept: the next view shows none.
    let cache = state.settings.page_cache && !uncached(&actor) && who.done.is_none();
    let cache_as = cache.then(|| (format!("{}:{key}", actor.user_id), version));
    let html = cache_as
        .as_ref()
        .and_then(|(key, version)| state.pages.get(key, *version, today));
    Ok(Some(Lookup {
        who,
        csrf,
        cache_as,
        html,
    }))
}

/// The page with this session's CSRF token in its forms.
fn finish(html: &str, csrf: &str, done: bool) -> HttpResponse {
    let mut response = HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(html.replace(CSRF_PLACEHOLDER, csrf));
    if done {
        let _ = response.add_cookie(&removal(DONE_COOKIE));
    }
    response
}

/// Builds a page from what it was asked and, when every filter is right, its answer.
pub type FilteredPage<Q, A> =
    fn(&mut DbConnection, &Caller, &Q, Option<A>, Map<String, Value>) -> Result<Value, AppError>;

/// Answers what a page was asked, or `None` when there is nothing to answer yet.
pub type Answer<Q, A> =
    fn(&mut DbConnection, &CalendarStore, &Caller, NaiveDate, &Q) -> Result<Option<A>, AppError>;

/// A page of filters read from its query string (the request list, the search): rendered once
/// per query and register version while every filter is right; otherwise the form again with
/// each field's error beside it, never cached.
pub async fn filtered_page<Q, A>(
    state: web::Data<AppState>,
    credentials: Credentials,
    request: &actix_web::HttpRequest,
    template: &'static str,
    validate: fn(&Q) -> Result<(), AppError>,
    answer: Answer<Q, A>,
    page: FilteredPage<Q, A>,
) -> Result<HttpResponse, AppError>
where
    Q: serde::de::DeserializeOwned + Default + Send + 'static,
    A: Send + 'static,
{
    let (query, error) = match serde_urlencoded::from_str::<Q>(request.query_string()) {
        Ok(query) => match validate(&query) {
            Ok(()) => {
                let key = format!("{}?{}", request.path(), request.query_string());
                return stored_page(
                    &state,
                    credentials,
                    &key,
                    always,
                    move |conn, calendars, caller, today| {
                        let answered = answer(conn, calendars, caller, today, &query)?;
                        Ok((template, page(conn, caller, &query, answered, Map::new())?))
                    },
                )
                .await;
            }
            Err(error) => (query, error),
        },
        Err(e) => {
            let message = format!("The filters could not be read: {e}");
            (Q::default(), AppError::BadRequest { field: None, message })
        }
    };
    let who = with_db_of(&state, move |conn| credentials.resolve(conn, crate::clock::now())).await?;
    let caller = who.caller();
    crate::tracker::access::require(&caller, |_| true)?;
    form_again_or_error(&state, &who, error, template, async |shown| {
        with_db_of(&state, move |conn| page(conn, &caller, &query, None, shown)).await
    })
    .await
}

async fn with_db_of<T: Send + 'static>(
    state: &web::Data<AppState>,
    work: impl FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    super::extract::with_db(state, move |conn, _, _| work(conn)).await
}

/// For [`stored_page`]: every viewer's page may be cached.
pub fn always(_: &Actor) -> bool {
    false
}

/// A CSV download: one header row, then the rows, in a file named `file_name`.
pub fn csv_attachment(
    file_name: &str,
    header: &[&str],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> Result<HttpResponse, AppError> {
    let failed = |e: csv::Error| AppError::Internal(format!("writing CSV: {e}"));
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(header).map_err(failed)?;
    for row in rows {
        // Every CSV the app writes goes through here: no cell of it runs as a formula.
        writer
            .write_record(row.iter().map(|cell| neutralised(cell).into_owned()))
            .map_err(failed)?;
    }
    let body = writer
        .into_inner()
        .map_err(|e| AppError::Internal(format!("writing CSV: {e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        ))
        .body(body))
}

/// After a change, send the browser on with a GET (303 See Other).
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location.to_string()))
        .finish()
}

/// After a change, send the browser on to a page that says it was done (see `done`).
pub fn done(state: &AppState, location: &str, code: &'static str) -> HttpResponse {
    let mut response = see_other(location);
    let _ = response.add_cookie(&super::done::cookie(code, state.settings.secure_cookies()));
    response
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
            | AppError::Throttled(_)
            // A mail server's refusal, which the person can act on.
            | AppError::Upstream(_)
    )
}

/// What an administrator's import form sends: the file as text, its name, and whether only
/// to show what the import would change.
pub struct ImportFile {
    pub text: String,
    pub file_name: Option<String>,
    pub dry_run: bool,
}

/// Reads an import form, refused like any form without this browser's token, its body
/// stopped at `BODY_LIMIT` as every form's is (uploaded documents alone may be larger).
pub async fn import_file(who: &Who, multipart: Multipart) -> Result<ImportFile, AppError> {
    let upload = who.upload(multipart, "file", BODY_LIMIT).await?;
    let text = upload.text("file")?.to_string();
    Ok(ImportFile {
        text,
        dry_run: upload.dry_run(),
        file_name: upload.file_name,
    })
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
