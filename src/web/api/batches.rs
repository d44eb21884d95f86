//! `/api/v1/batches`: one question to many authorities, created in one call, read with its
//! totals, and acted on as one.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use super::problems::{BodyTooLarge, FieldsWrong, NoSuchResource, Unreadable};
use super::{create_once, idempotency, page_answer};
use crate::tracker::audit::Caller;
use crate::tracker::batch_wdtk::WdtkBatchInput;
use crate::tracker::batches::{self, BatchInput, BatchSummary, BatchView, EmailRun, ReviewDraft};
use crate::tracker::idempotency::Answer;
use crate::tracker::letters::SentLetter;
use crate::tracker::paging::{Page, PageQuery, Paging};
use crate::web::error_response::{ApiError, Problem};
use crate::web::extract::{query_string, with_db, PathId};
use crate::web::json_body::ApiJson;
use crate::web::state::AppState;

#[utoipa::path(operation_id = "list_batches", summary = "List batches with their totals", get, path = "/api/v1/batches", tag = "batches",
    params(PageQuery),
    responses((status = 200, description = "One page of the batches the caller may see a member of, newest first", body = Vec<BatchSummary>,
        headers(("Link" = String, description = "The first, previous, next and last pages, as `<address>; rel=\"next\"` (RFC 8288)"))),
        Unreadable, FieldsWrong))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let query: PageQuery = query_string(&request, "the query string")?;
    let page = with_db(&state, move |conn, _, today| {
        Ok(Page::of(
            batches::list(conn, &caller, today)?,
            Paging::of(&query)?,
        ))
    })
    .await?;
    Ok(page_answer(&page, request.path(), &()))
}

#[utoipa::path(operation_id = "create_batch", summary = "Send one request to many authorities", post, path = "/api/v1/batches", tag = "batches", request_body = BatchInput,
    responses((status = 201, description = "Created: the batch and every member's request, each under its authority's own law", body = BatchView),
        Unreadable, BodyTooLarge, FieldsWrong))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    body: ApiJson<BatchInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    let call = idempotency(&request, &input);
    create_once(
        &state,
        caller,
        call,
        move |conn, caller, calendars, today, now| {
            let id = batches::create(conn, calendars, caller, today, &input, now)?;
            Answer::created(
                format!("/api/v1/batches/{id}"),
                &batches::read(conn, caller, today, id)?,
            )
        },
    )
    .await
}

#[utoipa::path(operation_id = "read_batch", summary = "Read a batch: each member and the totals", get, path = "/api/v1/batches/{id}", tag = "batches",
    params(("id" = i32, Path, description = "The batch's id")),
    responses((status = 200, description = "OK", body = BatchView), Unreadable, NoSuchResource))]
pub async fn read(
    state: web::Data<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let view = with_db(&state, move |conn, _, today| {
        batches::read(conn, &caller, today, id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The day every member not yet sent was sent.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SentInput {
    /// YYYY-MM-DD, not after today.
    #[serde(default)]
    #[schema(required = true, format = Date)]
    pub sent_on: String,
    /// YYYY-MM-DD, the day the authorities received it (default: the day sent).
    #[schema(format = Date)]
    pub received_on: Option<String>,
}

#[utoipa::path(operation_id = "mark_batch_sent", summary = "Record every member not yet sent as sent on a date", post, path = "/api/v1/batches/{id}/sent", tag = "batches", request_body = SentInput,
    params(("id" = i32, Path, description = "The batch's id")),
    responses((status = 200, description = "Sent, each member's change audited as its own: the batch as it now stands", body = BatchView),
        Unreadable, NoSuchResource, BodyTooLarge, FieldsWrong,
        (status = 409, description = "Every member has been sent already", body = Problem, content_type = "application/problem+json")))]
pub async fn mark_sent(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<SentInput>,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    let view = with_db(&state, move |conn, calendars, today| {
        let received = input.received_on.as_deref().filter(|r| !r.trim().is_empty());
        batches::mark_sent(
            conn,
            calendars,
            &caller,
            today,
            id,
            &input.sent_on,
            received,
            crate::clock::now(),
        )?;
        batches::read(conn, &caller, today, id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[utoipa::path(operation_id = "draft_batch_reviews", summary = "Draft an internal review of every member refused, late or overdue", get, path = "/api/v1/batches/{id}/reviews", tag = "batches",
    params(("id" = i32, Path, description = "The batch's id")),
    responses((status = 200, description = "Each letter as it would go, drafted from its member's record", body = Vec<ReviewDraft>), Unreadable, NoSuchResource))]
pub async fn reviews(
    state: web::Data<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let drafts = with_db(&state, move |conn, calendars, today| {
        Ok(batches::reviews(conn, calendars, &caller, today, id, crate::clock::now())?.1)
    })
    .await?;
    Ok(HttpResponse::Ok().json(drafts))
}

/// The day the review letters were sent.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReviewsInput {
    /// YYYY-MM-DD, not after today.
    #[serde(default)]
    #[schema(required = true, format = Date)]
    pub sent_on: String,
}

#[utoipa::path(operation_id = "request_batch_reviews", summary = "Record the drafted internal review letters as sent", post, path = "/api/v1/batches/{id}/reviews", tag = "batches", request_body = ReviewsInput,
    params(("id" = i32, Path, description = "The batch's id")),
    responses((status = 200, description = "Each letter recorded on its member's timeline, with the letter as its document, audited per request", body = Vec<SentLetter>),
        Unreadable, NoSuchResource, BodyTooLarge, FieldsWrong,
        (status = 409, description = "No member is refused, late or overdue with a review still to ask for", body = Problem, content_type = "application/problem+json")))]
pub async fn request_reviews(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<ReviewsInput>,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    let sent = with_db(&state, move |conn, calendars, today| {
        batches::request_reviews(
            conn,
            calendars,
            &caller,
            today,
            id,
            &input.sent_on,
            crate::clock::now(),
        )
    })
    .await?;
    Ok(HttpResponse::Ok().json(sent))
}

#[utoipa::path(operation_id = "email_batch", summary = "Send every member not yet sent by email, one message a member", post, path = "/api/v1/batches/{id}/email", tag = "batches",
    params(("id" = i32, Path, description = "The batch's id")),
    responses((status = 200, description = "The members sent (each recorded as sent today, its message kept) and those that could not go, with why", body = EmailRun),
        Unreadable, NoSuchResource,
        (status = 409, description = "No mailbox to send from, or every member sent already", body = Problem, content_type = "application/problem+json")))]
pub async fn email(
    state: web::Data<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let settings = state.settings.clone();
    let run = with_db(&state, move |conn, calendars, today| {
        batches::send_by_email(
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
    Ok(HttpResponse::Ok().json(run))
}

#[utoipa::path(operation_id = "link_wdtk_batch", summary = "Bring in a batch request made on WhatDoTheyKnow", post, path = "/api/v1/batches/wdtk", tag = "batches", request_body = WdtkBatchInput,
    responses((status = 201, description = "Each of its requests linked (read with its events, and kept in step), and the batch made of them", body = BatchView),
        Unreadable, BodyTooLarge, FieldsWrong,
        (status = 409, description = "One of the requests is in a batch already", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "WhatDoTheyKnow could not be read; the requests read before stay linked", body = Problem, content_type = "application/problem+json")))]
pub async fn link_wdtk(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<WdtkBatchInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    let site = super::wdtk::site(&state)?;
    let view = with_db(&state, move |conn, calendars, today| {
        let id = crate::tracker::batch_wdtk::link(
            conn,
            calendars,
            &site,
            &caller,
            today,
            &input,
            crate::clock::now(),
        )?;
        batches::read(conn, &caller, today, id)
    })
    .await?;
    Ok(super::created(format!("/api/v1/batches/{}", view.id), &view))
}
