//! `/api/v1/requests`: list with filters, create, read, update.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use super::problems::{BodyTooLarge, FieldsWrong, NoSuchResource, Stale, Unreadable};
use super::{create_once, idempotency};
use crate::db::authorities::Authority;
use crate::domain::regime::Regime;
use crate::domain::request::SentVia;
use crate::domain::timeline::{Schedule, Status};
use crate::tracker::audit::Caller;
use crate::tracker::idempotency::Answer;
use crate::tracker::request_detail::{self, Related, RequestDetail};
use crate::tracker::request_input::RequestInput;
use crate::tracker::request_list::{self, ListQuery};
use crate::tracker::requests;
use crate::web::error_response::ApiError;
use crate::web::extract::{etag, if_match, query_string, with_db, PathId};
use crate::web::json_body::{merged, missing_properties, ApiJson, MergePatch, Replacement, Whole};
use crate::web::state::AppState;

/// The authority a request goes to.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuthorityRef {
    pub id: i32,
    pub name: String,
    pub short_name: String,
}

/// A request with its status and deadlines, in the shape `foi-tracker deadline --format json` prints.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RequestJson {
    pub id: i32,
    pub title: String,
    pub body: String,
    pub authority: AuthorityRef,
    pub regime: Regime,
    pub sent_via: SentVia,
    pub sent_on: Option<NaiveDate>,
    pub reference: Option<String>,
    /// The organisation the request belongs to.
    pub organisation_id: i32,
    /// The member who looks after it.
    pub owner_id: Option<i32>,
    pub tags: Vec<String>,
    pub status: Status,
    pub overdue: bool,
    pub schedule: Schedule,
    /// The coalition's other requests that the authority might add to this one for the cost
    /// limit (on a single request only): FOIA requests to the same authority sent within 60
    /// working days, or FOISA requests within 20 Scottish working days; none for EIR, EI(S)R
    /// and subject access requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub related: Option<Vec<Related>>,
    /// The aggregation rule `related` was drawn up under, with its source (on a single request
    /// only, where the law has one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub aggregation: Option<crate::domain::regime::Aggregation>,
    /// The files that came with its events (on a single request only); download each from
    /// `/api/v1/documents/{id}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub documents: Option<Vec<crate::db::documents::Document>>,
    /// The indicators it asks for, over which periods (on a single request only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indicators: Option<Vec<crate::db::demands::Link>>,
    #[serde(serialize_with = "crate::domain::instant::utc")]
    pub created_at: NaiveDateTime,
    #[serde(serialize_with = "crate::domain::instant::utc")]
    pub updated_at: NaiveDateTime,
}

fn json_of(
    request: &crate::db::requests::Request,
    authority: AuthorityRef,
    tags: Vec<String>,
    schedule: Schedule,
    related: Option<Vec<Related>>,
    documents: Option<Vec<crate::db::documents::Document>>,
) -> RequestJson {
    RequestJson {
        id: request.id,
        title: request.values.title.clone(),
        body: request.values.body.clone(),
        authority,
        regime: request.values.regime,
        sent_via: request.values.sent_via,
        sent_on: request.values.sent_on,
        reference: request.values.reference.clone(),
        organisation_id: request.organisation_id,
        owner_id: request.values.owner_id,
        tags,
        status: schedule.status,
        overdue: schedule.overdue,
        schedule,
        related,
        aggregation: None,
        documents,
        indicators: None,
        created_at: request.created_at,
        updated_at: request.updated_at,
    }
}

fn authority_ref(a: &Authority) -> AuthorityRef {
    AuthorityRef {
        id: a.id,
        name: a.values.name.clone(),
        short_name: a.values.short_name.clone(),
    }
}

fn detail_json(detail: RequestDetail) -> RequestJson {
    let indicators = Some(detail.indicators.clone());
    let aggregation = detail.aggregation;
    let json = json_of(
        &detail.request,
        authority_ref(&detail.authority),
        detail.tags,
        detail.schedule,
        Some(detail.related),
        Some(detail.documents),
    );
    RequestJson {
        indicators,
        aggregation,
        ..json
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RequestList {
    pub items: Vec<RequestJson>,
    /// Requests matching the filters, on every page.
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub pages: i64,
}

#[utoipa::path(operation_id = "list_requests", summary = "List requests, filtered and paged", get, path = "/api/v1/requests", tag = "requests", params(ListQuery),
    responses((status = 200, description = "One page of the requests, newest first unless `sort` says otherwise", body = RequestList,
        headers(("Link" = String, description = "The first, previous, next and last pages, as `<address>; rel=\"next\"` (RFC 8288)"))),
        Unreadable, FieldsWrong))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let query: ListQuery = query_string(&request, "the query string")?;
    let asked = query.clone();
    let (page, schedules) = with_db(&state, move |conn, calendar, today| {
        let page = request_list::list(conn, calendar, &caller, today, &query)?;
        let schedules = request_list::schedules(conn, calendar, today, &page)?;
        Ok((page, schedules))
    })
    .await?;
    let links = super::page_links(page.page, page.pages, |number| {
        let mut query = asked.clone();
        query.page = Some(number.to_string());
        format!(
            "/api/v1/requests?{}",
            serde_urlencoded::to_string(&query).unwrap_or_default()
        )
    });
    let items = page
        .items
        .into_iter()
        .zip(schedules)
        .map(|(s, schedule)| {
            let authority = AuthorityRef {
                id: s.request.values.authority_id,
                name: s.authority.0.clone(),
                short_name: s.authority.1.clone(),
            };
            json_of(&s.request, authority, s.tags, schedule, None, None)
        })
        .collect();
    Ok(HttpResponse::Ok()
        .insert_header((actix_web::http::header::LINK, links))
        .json(RequestList {
            items,
            total: page.total,
            page: page.page,
            per_page: page.per_page,
            pages: page.pages,
        }))
}

#[utoipa::path(operation_id = "create_request", summary = "Log a request", post, path = "/api/v1/requests", tag = "requests", request_body = RequestInput,
    responses((status = 201, description = "Created", body = RequestJson), Unreadable, BodyTooLarge, FieldsWrong))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    body: ApiJson<RequestInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    let call = idempotency(&request, &input);
    create_once(&state, caller, call, move |conn, caller, calendar, today, now| {
        let id = requests::create(conn, calendar, caller, today, &input, now)?;
        let detail = request_detail::show(conn, calendar, caller, today, id, now)?;
        Answer::created(format!("/api/v1/requests/{id}"), &detail_json(detail))
    })
    .await
}

#[utoipa::path(operation_id = "read_request", summary = "Read a request with its status and deadlines", get, path = "/api/v1/requests/{id}", tag = "requests",
    params(("id" = i32, Path, description = "The request's id")),
    responses((status = 200, description = "OK", body = RequestJson,
        headers(("ETag" = String, description = "The request's version: send it back in `If-Match` to change it only if nobody has since"))),
        Unreadable, NoSuchResource))]
pub async fn read(
    state: web::Data<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let detail = with_db(&state, move |conn, calendar, today| {
        request_detail::show(conn, calendar, &caller, today, id, crate::clock::now())
    })
    .await?;
    Ok(with_version(detail))
}

#[utoipa::path(operation_id = "update_request", summary = "Replace a request's fields", put, path = "/api/v1/requests/{id}", tag = "requests", request_body = RequestInput,
    params(("id" = i32, Path, description = "The request's id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` the change was made on: if the request has changed since, nothing is written (412)")),
    responses((status = 200, description = "OK", body = RequestJson,
        headers(("ETag" = String, description = "The request's new version"))),
        Unreadable, NoSuchResource, BodyTooLarge, FieldsWrong, Stale))]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    body: Replacement<RequestInput>,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    let expected = if_match(&request);
    let detail = with_db(&state, move |conn, calendar, today| {
        let now = crate::clock::now();
        requests::update(conn, calendar, &caller, today, id, &input, &expected, now)?;
        request_detail::show(conn, calendar, &caller, today, id, now)
    })
    .await?;
    Ok(with_version(detail))
}

#[utoipa::path(operation_id = "patch_request", summary = "Change some of a request's fields", patch, path = "/api/v1/requests/{id}", tag = "requests",
    request_body(content = RequestInput, content_type = "application/merge-patch+json",
        description = "The fields to change (RFC 7396): those left out are kept, `null` clears an optional one"),
    params(("id" = i32, Path, description = "The request's id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` the change was made on: if the request has changed since, nothing is written (412)")),
    responses((status = 200, description = "The request as changed", body = RequestJson,
        headers(("ETag" = String, description = "The request's new version"))),
        Unreadable, NoSuchResource, BodyTooLarge, FieldsWrong, Stale))]
pub async fn patch(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    body: MergePatch,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let patch = body.0;
    let expected = if_match(&request);
    let detail = with_db(&state, move |conn, calendar, today| {
        let now = crate::clock::now();
        let apply = |current: RequestInput| merged(&current, &patch);
        requests::patch(conn, calendar, &caller, today, id, apply, &expected, now)?;
        request_detail::show(conn, calendar, &caller, today, id, now)
    })
    .await?;
    Ok(with_version(detail))
}

/// A request as read or changed, with its version for the next `If-Match`.
fn with_version(detail: RequestDetail) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(etag(detail.request.updated_at))
        .json(detail_json(detail))
}

impl Whole for RequestInput {
    fn missing(value: &serde_json::Value) -> Vec<String> {
        missing_properties::<RequestInput>(value, "")
    }
}
