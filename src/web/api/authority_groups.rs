//! `/api/v1/authority-groups`: the groups of authorities a batch is sent to.

use actix_web::{web, HttpRequest, HttpResponse};

use super::problems::{BodyTooLarge, FieldsWrong, NameTaken, Unreadable};
use super::{create_once, idempotency, paged_list};
use crate::tracker::audit::Caller;
use crate::tracker::authority_groups::{self, GroupInput, GroupView};
use crate::tracker::idempotency::Answer;
use crate::tracker::paging::PageQuery;
use crate::web::error_response::ApiError;
use crate::web::json_body::ApiJson;
use crate::web::state::AppState;

#[utoipa::path(operation_id = "list_authority_groups", summary = "List the groups of authorities", get, path = "/api/v1/authority-groups", tag = "authorities",
    params(PageQuery),
    responses((status = 200, description = "One page of the groups, by name", body = Vec<GroupView>,
        headers(("Link" = String, description = "The first, previous, next and last pages, as `<address>; rel=\"next\"` (RFC 8288)"))),
        Unreadable, FieldsWrong))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    paged_list(&state, caller, &request, authority_groups::list).await
}

#[utoipa::path(operation_id = "create_authority_group", summary = "Add a group of authorities (administrators)", post, path = "/api/v1/authority-groups", tag = "authorities", request_body = GroupInput,
    responses((status = 201, description = "Created", body = GroupView), Unreadable, NameTaken, BodyTooLarge, FieldsWrong))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    body: ApiJson<GroupInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    let call = idempotency(&request, &input);
    create_once(&state, caller, call, move |conn, caller, _, _, now| {
        let group = authority_groups::create(conn, caller, &input, now)?;
        Answer::created(format!("/api/v1/authority-groups/{}", group.id), &group)
    })
    .await
}
