//! `/api/v1/requests/{id}/email`: a draft request sent to its authority by email from the
//! organisation's mailbox.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::problems::{BodyTooLarge, NoSuchResource, Unreadable};
use crate::tracker::audit::Caller;
use crate::tracker::correspondence::{self, EmailDraft, FollowUp, LetterEmail, SentEmail, SentLetterEmail};
use crate::web::error_response::{ApiError, Problem};
use crate::web::extract::{with_db, PathId};
use crate::web::json_body::ApiJson;
use crate::web::state::AppState;

#[utoipa::path(operation_id = "read_email", summary = "Show a draft request's email as it would go", get, path = "/api/v1/requests/{id}/email", tag = "email",
    params(("id" = i32, Path, description = "The request's id")),
    responses((status = 200, description = "The email as it would go now, or why it cannot go, and any message whose sending was interrupted", body = EmailDraft), Unreadable, NoSuchResource))]
pub async fn read(
    state: web::Data<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let settings = state.settings.clone();
    let draft = with_db(&state, move |conn, _, _| {
        correspondence::draft(conn, &settings, &caller, id, crate::clock::now())
    })
    .await?;
    Ok(HttpResponse::Ok().json(draft))
}

#[utoipa::path(operation_id = "send_email", summary = "Send a draft request to its authority by email", post, path = "/api/v1/requests/{id}/email", tag = "email",
    description = "Sends the request from the organisation's mailbox, with a reply address of its own, and records it sent and received today; the message as it went is kept as the request's document. Sending twice sends once: the second call is refused.",
    params(("id" = i32, Path, description = "The request's id")),
    responses((status = 201, description = "Sent, and recorded as sent and received today", body = SentEmail), Unreadable, NoSuchResource,
        (status = 409, description = "It cannot go: already sent or being sent, no mailbox, or the authority has no FOI email address", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The mailbox's SMTP server did not take the message: nothing was sent or recorded", body = Problem, content_type = "application/problem+json")))]
pub async fn send(
    state: web::Data<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let settings = state.settings.clone();
    let sent = with_db(&state, move |conn, calendars, today| {
        correspondence::send_request(
            conn,
            calendars,
            &settings,
            &caller,
            today,
            id,
            crate::clock::now(),
        )
    })
    .await?;
    Ok(super::created(
        format!("/api/v1/documents/{}", sent.document.id),
        &sent,
    ))
}

/// Whether an interrupted message went, as the mailbox's Sent folder shows.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct Settlement {
    /// true: it is in the Sent folder, so the request is recorded as sent that day; false: it
    /// is not, so it can be sent again.
    pub went: bool,
}

#[utoipa::path(operation_id = "settle_email", summary = "Say whether an interrupted email went", post, path = "/api/v1/requests/{id}/email/settle", tag = "email", request_body = Settlement,
    params(("id" = i32, Path, description = "The request's id")),
    responses((status = 204, description = "Settled"), Unreadable, NoSuchResource, BodyTooLarge,
        (status = 409, description = "No interrupted message waits, or it is still being sent", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is wrong", body = Problem, content_type = "application/problem+json")))]
pub async fn settle(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<Settlement>,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let went = body.0.went;
    let settings = state.settings.clone();
    with_db(&state, move |conn, calendars, today| {
        correspondence::settle(
            conn,
            calendars,
            &caller,
            today,
            id,
            went,
            &settings,
            crate::clock::now(),
        )
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[utoipa::path(operation_id = "email_letter", summary = "Send a drafted letter to its recipient by email", post, path = "/api/v1/requests/{id}/letters/email", tag = "email", request_body = LetterEmail,
    description = "Sends an internal review request (in the thread the request began: In-Reply-To and References name the messages sent before) or a complaint to the regulator (a new conversation) from the organisation's mailbox, and records it as sent today with the event it starts; the message as it went is that event's document. A tribunal appeal is made on the tribunal's own form and is refused here.",
    params(("id" = i32, Path, description = "The request's id")),
    responses((status = 201, description = "Sent, and recorded as sent today", body = SentLetterEmail), Unreadable, NoSuchResource, BodyTooLarge,
        (status = 409, description = "It cannot go: the record does not allow the letter yet, another email is being sent, or there is no mailbox", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is wrong, or the letter is a tribunal appeal", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The mailbox's SMTP server did not take the message: nothing was sent or recorded", body = Problem, content_type = "application/problem+json")))]
pub async fn letter(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<LetterEmail>,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    let settings = state.settings.clone();
    let sent = with_db(&state, move |conn, calendars, today| {
        correspondence::send_letter(
            conn,
            calendars,
            &settings,
            &caller,
            today,
            id,
            &input,
            crate::clock::now(),
        )
    })
    .await?;
    Ok(super::created(
        format!("/api/v1/documents/{}", sent.email.document.id),
        &sent,
    ))
}

#[utoipa::path(operation_id = "send_follow_up", summary = "Write to the authority about a request already sent", post, path = "/api/v1/requests/{id}/follow-ups", tag = "email", request_body = FollowUp,
    description = "Sends a message to the request's authority from the organisation's mailbox, in the thread of the messages sent and received before (In-Reply-To, References), with the request's reply address; it is kept as a document of the request and records no event.",
    params(("id" = i32, Path, description = "The request's id")),
    responses((status = 201, description = "Sent", body = SentEmail), Unreadable, NoSuchResource, BodyTooLarge,
        (status = 409, description = "The request has not been sent, another email is being sent, or there is no mailbox or FOI address", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is wrong", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The mailbox's SMTP server did not take the message: nothing was sent or recorded", body = Problem, content_type = "application/problem+json")))]
pub async fn follow_up(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<FollowUp>,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    let settings = state.settings.clone();
    let sent = with_db(&state, move |conn, _, today| {
        correspondence::send_follow_up(conn, &settings, &caller, today, id, &input, crate::clock::now())
    })
    .await?;
    Ok(super::created(
        format!("/api/v1/documents/{}", sent.document.id),
        &sent,
    ))
}
