//! `/api/v1/authorities`: list, create, read, update.

use actix_web::{web, HttpRequest, HttpResponse};

use super::problems::{BodyTooLarge, FieldsWrong, NameTaken, NoSuchResource, Stale, Unreadable};
use super::{create_once, idempotency, paged_list};
use crate::db::authorities::Authority;
use crate::tracker::audit::Caller;
use crate::tracker::idempotency::Answer;
use crate::tracker::paging::PageQuery;
use crate::tracker::{authorities, authorities::AuthorityInput};
use crate::web::error_response::ApiError;
use crate::web::extract::{etag, if_match, with_db, PathId};
use crate::web::json_body::{missing_properties, ApiJson, Replacement, Whole};
use crate::web::state::AppState;

#[utoipa::path(operation_id = "list_authorities", summary = "List authorities", get, path = "/api/v1/authorities", tag = "authorities",
    params(PageQuery),
    responses((status = 200, description = "One page of the authorities, by name", body = Vec<Authority>,
        headers(("Link" = String, description = "The first, previous, next and last pages, as `<address>; rel=\"next\"` (RFC 8288)"))),
        Unreadable, FieldsWrong))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    paged_list(&state, caller, &request, authorities::list).await
}

#[utoipa::path(operation_id = "create_authority", summary = "Add an authority", post, path = "/api/v1/authorities", tag = "authorities", request_body = AuthorityInput,
    responses((status = 201, description = "Created", body = Authority), Unreadable, NameTaken, BodyTooLarge, FieldsWrong))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    body: ApiJson<AuthorityInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    let call = idempotency(&request, &input);
    create_once(&state, caller, call, move |conn, caller, _, _, now| {
        let authority = authorities::create(conn, caller, &input, now)?;
        Answer::created(format!("/api/v1/authorities/{}", authority.id), &authority)
    })
    .await
}

#[utoipa::path(operation_id = "read_authority", summary = "Read an authority", get, path = "/api/v1/authorities/{id}", tag = "authorities",
    params(("id" = i32, Path, description = "The authority's id")),
    responses((status = 200, description = "OK", body = Authority,
        headers(("ETag" = String, description = "The authority's version: send it back in `If-Match` to change it only if nobody has since"))),
        Unreadable, NoSuchResource))]
pub async fn read(
    state: web::Data<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let authority = with_db(&state, move |conn, _, _| authorities::read(conn, &caller, id)).await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(authority.updated_at))
        .json(authority))
}

#[utoipa::path(operation_id = "update_authority", summary = "Replace an authority's fields", put, path = "/api/v1/authorities/{id}", tag = "authorities", request_body = AuthorityInput,
    params(("id" = i32, Path, description = "The authority's id"),
        ("If-Match" = Option<String>, Header, description = "The `ETag` the change was made on: if the authority has changed since, nothing is written (412)")),
    responses((status = 200, description = "OK", body = Authority,
        headers(("ETag" = String, description = "The authority's new version"))),
        Unreadable, NoSuchResource, NameTaken, BodyTooLarge, FieldsWrong, Stale))]
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    body: Replacement<AuthorityInput>,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    let expected = if_match(&request);
    let authority = with_db(&state, move |conn, _, _| {
        authorities::update(conn, &caller, id, &input, &expected, crate::clock::now())
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(authority.updated_at))
        .json(authority))
}

impl Whole for AuthorityInput {
    fn missing(value: &serde_json::Value) -> Vec<String> {
        missing_properties::<AuthorityInput>(value, "")
    }
}
