//! `/api/v1/requests/{id}/events`: list, add, and remove the last one recorded.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Serialize;

use super::problems::{BodyTooLarge, NoSuchResource, Unreadable};
use super::{create_once, idempotency};
use crate::db::events::EventRecord;
use crate::domain::timeline::Schedule;
use crate::tracker::audit::Caller;
use crate::tracker::idempotency::Answer;
use crate::tracker::{self, events::EventInput};
use crate::web::error_response::{ApiError, Problem};
use crate::web::extract::{id, with_db, PathId};
use crate::web::json_body::ApiJson;
use crate::web::state::AppState;

/// An event recorded or removed, and the request's schedule after it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EventChange {
    pub event: EventRecord,
    pub schedule: Schedule,
}

#[utoipa::path(operation_id = "list_events", summary = "List a request's events", get, path = "/api/v1/requests/{id}/events", tag = "events",
    params(("id" = i32, Path, description = "The request's id")),
    responses((status = 200, description = "OK", body = Vec<EventRecord>), Unreadable, NoSuchResource))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let events = with_db(&state, move |conn, _, _| {
        tracker::events::list(conn, &caller, id, crate::clock::now())
    })
    .await?;
    Ok(HttpResponse::Ok().json(events))
}

#[utoipa::path(operation_id = "read_event", summary = "Read one event of a request", get, path = "/api/v1/requests/{id}/events/{event_id}", tag = "events",
    params(("id" = i32, Path, description = "The request's id"), ("event_id" = i32, Path, description = "The event's id")),
    responses((status = 200, description = "OK", body = EventRecord), Unreadable, NoSuchResource))]
pub async fn read(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (request, event) = path.into_inner();
    let (request, event) = (id(&request)?, id(&event)?);
    let record = with_db(&state, move |conn, _, _| {
        tracker::events::one(conn, &caller, request, event, crate::clock::now())
    })
    .await?;
    Ok(HttpResponse::Ok().json(record))
}

#[utoipa::path(operation_id = "add_event", summary = "Record an event of a request", post, path = "/api/v1/requests/{id}/events", tag = "events", request_body = EventInput,
    params(("id" = i32, Path, description = "The request's id")),
    responses((status = 201, description = "Created", body = EventChange), Unreadable, NoSuchResource, BodyTooLarge,
        (status = 422, description = "A field is wrong, or the event does not fit the timeline", body = Problem, content_type = "application/problem+json")))]
pub async fn add(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    body: ApiJson<EventInput>,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    let call = idempotency(&request, &input);
    create_once(&state, caller, call, move |conn, caller, calendar, today, now| {
        let (event, schedule) = tracker::events::add(conn, calendar, caller, today, id, &input, now)?;
        let location = format!("/api/v1/requests/{id}/events/{}", event.id);
        Answer::created(location, &EventChange { event, schedule })
    })
    .await
}

#[utoipa::path(operation_id = "remove_last_event", summary = "Remove a request's last event", delete, path = "/api/v1/requests/{id}/events/last", tag = "events",
    params(("id" = i32, Path, description = "The request's id")),
    responses((status = 200, description = "The event removed and the schedule without it", body = EventChange), Unreadable, NoSuchResource,
        (status = 409, description = "No event to remove, or the timeline would not hold together without it", body = Problem, content_type = "application/problem+json")))]
pub async fn remove_last(
    state: web::Data<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let (event, schedule) = with_db(&state, move |conn, calendar, today| {
        tracker::events::remove_last(conn, calendar, &caller, today, id, crate::clock::now())
    })
    .await?;
    Ok(HttpResponse::Ok().json(EventChange { event, schedule }))
}
