//! `/api/v1/inbox`: the organisation's mail that matched no request, filed or dismissed by a
//! coordinator; and the mailbox read on demand.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::problems::{BodyTooLarge, NoSuchResource, Unreadable};
use crate::db::events::EventRecord;
use crate::db::incoming_messages::IncomingMessage;
use crate::tracker::audit::Caller;
use crate::tracker::events::EventInput;
use crate::tracker::inbox::{self, PollReport, Proposal};
use crate::web::error_response::{ApiError, Problem};
use crate::web::extract::{with_db, PathId};
use crate::web::json_body::ApiJson;
use crate::web::state::AppState;

#[utoipa::path(operation_id = "list_inbox", summary = "List the mail that matched no request", get, path = "/api/v1/inbox", tag = "email",
    description = "The messages of the caller's organisation's mailbox that matched no request, oldest first (at most 500); for coordinators.",
    responses((status = 200, description = "The messages waiting in triage", body = Vec<IncomingMessage>)))]
pub async fn list(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let messages = with_db(&state, move |conn, _, _| inbox::triage(conn, &caller)).await?;
    Ok(HttpResponse::Ok().json(messages))
}

#[utoipa::path(operation_id = "read_mailbox", summary = "Read the organisation's mailbox now", post, path = "/api/v1/inbox/read", tag = "email",
    description = "Reads the mailbox over IMAP and files every message not read before: with its request where it matches one, in triage where it does not. Each message is kept once, however often or by however many instances the mailbox is read.",
    responses((status = 200, description = "What the reading did", body = PollReport),
        (status = 409, description = "The organisation has no mailbox to read", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The IMAP server could not be reached or refused: nothing was lost, the next reading starts from the same place", body = Problem, content_type = "application/problem+json")))]
pub async fn read(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let settings = state.settings.clone();
    let report = with_db(&state, move |conn, _, _| {
        inbox::read_now(conn, &settings, &caller)
    })
    .await?;
    Ok(HttpResponse::Ok().json(report))
}

/// The request a message answers.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct Filing {
    pub request_id: i32,
}

#[utoipa::path(operation_id = "file_message", summary = "File a message from triage with a request", post, path = "/api/v1/inbox/{id}/file", tag = "email", request_body = Filing,
    params(("id" = i32, Path, description = "The message's id")),
    responses((status = 204, description = "Filed with the request, its attachments among the request's documents, for a person to say what it is"), Unreadable, NoSuchResource, BodyTooLarge,
        (status = 422, description = "The request is not one of the organisation's that the caller may change", body = Problem, content_type = "application/problem+json")))]
pub async fn file(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<Filing>,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let request_id = body.0.request_id;
    let settings = state.settings.clone();
    with_db(&state, move |conn, calendars, today| {
        inbox::file_by_hand(
            conn,
            calendars,
            &caller,
            &settings,
            today,
            id,
            request_id,
            crate::clock::now(),
        )
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(operation_id = "dismiss_message", summary = "Dismiss a message from triage", post, path = "/api/v1/inbox/{id}/dismiss", tag = "email",
    params(("id" = i32, Path, description = "The message's id")),
    responses((status = 204, description = "Dismissed: kept, out of the list"), Unreadable, NoSuchResource))]
pub async fn dismiss(
    state: web::Data<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    with_db(&state, move |conn, _, _| {
        inbox::dismiss(conn, &caller, id, crate::clock::now())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(operation_id = "read_reply", summary = "Show a filed reply with what it most likely is", get, path = "/api/v1/replies/{id}", tag = "email",
    description = "A reply filed with a request and not yet classified, with the event it most likely records (its kind, outcome and grounds guessed from its words, dated the day it arrived) and the words the guess rests on. Nothing is recorded until the reply is classified.",
    params(("id" = i32, Path, description = "The reply's id")),
    responses((status = 200, description = "The reply and the suggested event", body = Proposal), Unreadable, NoSuchResource,
        (status = 409, description = "The reply has been classified already", body = Problem, content_type = "application/problem+json")))]
pub async fn reply(
    state: web::Data<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let proposal = with_db(&state, move |conn, _, _| inbox::proposal(conn, &caller, id)).await?;
    Ok(HttpResponse::Ok().json(proposal))
}

#[utoipa::path(operation_id = "classify_reply", summary = "Say what a filed reply is", post, path = "/api/v1/replies/{id}/classify", tag = "email", request_body = EventInput,
    description = "Records the event the reply is (as the suggestion has it, or otherwise), exactly as recording it by hand would, with the reply's documents as the event's.",
    params(("id" = i32, Path, description = "The reply's id")),
    responses((status = 201, description = "The event recorded", body = EventRecord), Unreadable, NoSuchResource, BodyTooLarge,
        (status = 409, description = "The reply has been classified already, or the event does not fit the timeline", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is wrong", body = Problem, content_type = "application/problem+json")))]
pub async fn classify(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<EventInput>,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    let event = with_db(&state, move |conn, calendars, today| {
        inbox::classify(conn, calendars, &caller, today, id, &input, crate::clock::now())
    })
    .await?;
    Ok(super::created(
        format!("/api/v1/requests/{}/events/{}", event.request_id, event.id),
        &event,
    ))
}
