//! `/api/v1/requests/{id}/letters`: the letters drafted from a request's record, and recording
//! one as sent.

use actix_web::{web, HttpRequest, HttpResponse};

use super::problems::{BodyTooLarge, NoSuchResource, Unreadable};
use super::{create_once, idempotency};
use crate::tracker::audit::Caller;
use crate::tracker::idempotency::Answer;
use crate::tracker::letters;
use crate::tracker::letters::{LetterInput, LetterOption, SentLetter};
use crate::web::error_response::{ApiError, Problem};
use crate::web::extract::{with_db, PathId};
use crate::web::json_body::ApiJson;
use crate::web::state::AppState;

#[utoipa::path(operation_id = "list_letters", summary = "List the letters a request's record allows, drafted", get, path = "/api/v1/requests/{id}/letters", tag = "letters",
    params(("id" = i32, Path, description = "The request's id")),
    responses((status = 200, description = "Every letter, drafted where the record allows it, with why not where it does not", body = Vec<LetterOption>), Unreadable, NoSuchResource))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let (_, options) = with_db(&state, move |conn, calendars, today| {
        letters::overview(conn, calendars, &caller, today, id, crate::clock::now())
    })
    .await?;
    Ok(HttpResponse::Ok().json(options))
}

#[utoipa::path(operation_id = "send_letter", summary = "Record a drafted letter as sent, with the event it starts", post, path = "/api/v1/requests/{id}/letters", tag = "letters", request_body = LetterInput,
    params(("id" = i32, Path, description = "The request's id")),
    responses((status = 201, description = "The letter recorded as sent: the event it starts, with the letter as its document", body = SentLetter), Unreadable, NoSuchResource, BodyTooLarge,
        (status = 409, description = "The record does not allow this letter now: the list of letters says why", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is wrong, or the letter's event does not fit the timeline", body = Problem, content_type = "application/problem+json")))]
pub async fn send(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    body: ApiJson<LetterInput>,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    let call = idempotency(&request, &input);
    create_once(
        &state,
        caller,
        call,
        move |conn, caller, calendars, today, now| {
            let sent = letters::send(conn, calendars, caller, today, id, &input, now)?;
            Answer::created(format!("/api/v1/documents/{}", sent.document.id), &sent)
        },
    )
    .await
}
