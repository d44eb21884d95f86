//! `/api/v1/requests/{id}/repeat` and `/skip`: quarterly repeat requests.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::problems::{NoSuchResource, Unreadable};
use crate::tracker::audit::Caller;
use crate::tracker::repeats;
use crate::web::error_response::{ApiError, Problem};
use crate::web::extract::{with_db, PathId};
use crate::web::json_body::ApiJson;
use crate::web::state::AppState;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct RepeatInput {
    /// True to ask again every quarter, false to stop. Required: a body that leaves it out is
    /// refused, not read as "stop".
    pub repeats: bool,
}

#[utoipa::path(operation_id = "set_repeat", summary = "Set whether a request is repeated every quarter", post, path = "/api/v1/requests/{id}/repeat", tag = "demands", request_body = RepeatInput,
    params(("id" = i32, Path, description = "The request's id")),
    responses((status = 204, description = "Set: its successor is drafted once the next quarter has ended"), Unreadable, NoSuchResource,
        (status = 422, description = "The request names no indicator and quarter to repeat", body = Problem, content_type = "application/problem+json")))]
pub async fn set(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<RepeatInput>,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let repeats = body.0.repeats;
    with_db(&state, move |conn, _, _| {
        repeats::set(conn, &caller, id, repeats, crate::clock::now())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(operation_id = "skip_repeat", summary = "Skip the next quarter's repeat of a request", post, path = "/api/v1/requests/{id}/skip", tag = "demands",
    params(("id" = i32, Path, description = "The drafted repeat's id")),
    responses((status = 204, description = "Skipped: not sent; the next quarter is drafted from it"), Unreadable, NoSuchResource,
        (status = 409, description = "Not a drafted repeat, sent, or skipped already", body = Problem, content_type = "application/problem+json")))]
pub async fn skip(
    state: web::Data<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    with_db(&state, move |conn, _, _| {
        repeats::skip(conn, &caller, id, crate::clock::now())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
