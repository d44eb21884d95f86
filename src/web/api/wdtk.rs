//! `/api/v1/requests/wdtk`: requests made on WhatDoTheyKnow, linked and read again.

use actix_web::{web, HttpResponse};

use super::problems::{BodyTooLarge, FieldsWrong, NoSuchResource, Unreadable};
use crate::db::wdtk::WdtkImported;
use crate::error::AppError;
use crate::tracker::audit::Caller;
use crate::tracker::wdtk::{self, WdtkLink, WdtkLinkInput, WdtkReport};
use crate::web::error_response::{ApiError, Problem};
use crate::web::extract::{with_db, PathId};
use crate::web::json_body::ApiJson;
use crate::web::state::AppState;

/// The site `FOI_WDTK_URL` names, as checked at start-up.
pub(crate) fn site(state: &AppState) -> Result<crate::alaveteli::Site, AppError> {
    crate::alaveteli::Site::from_settings(&state.settings).map_err(AppError::Internal)
}

#[utoipa::path(operation_id = "link_wdtk", summary = "Link a WhatDoTheyKnow request", post, path = "/api/v1/requests/wdtk", tag = "requests", request_body = WdtkLinkInput,
    description = "Reads the request from WhatDoTheyKnow (the Alaveteli site `FOI_WDTK_URL` names) and logs it here, owned by the caller: its authority matched by name (or added), its law chosen from the authority (FOISA or EI(S)R for a Scottish one), and every event the site shows, each kept with its WhatDoTheyKnow id. A reply the site does not describe waits for a person to classify it. A request the organisation linked already is read again instead: only what is new is added.",
    responses((status = 201, description = "Linked: the request was created", body = WdtkReport),
        (status = 200, description = "Linked already: read again, only what is new added", body = WdtkReport),
        Unreadable, BodyTooLarge, FieldsWrong,
        (status = 502, description = "WhatDoTheyKnow did not answer in time, or answered something that is not the request: nothing was changed", body = Problem, content_type = "application/problem+json")))]
pub async fn link(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<WdtkLinkInput>,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    let site = site(&state)?;
    let report = with_db(&state, move |conn, calendars, today| {
        wdtk::link(
            conn,
            calendars,
            &site,
            &caller,
            today,
            &input,
            crate::clock::now(),
        )
    })
    .await?;
    Ok(match report.created {
        true => super::created(format!("/api/v1/requests/{}", report.request_id), &report),
        false => HttpResponse::Ok().json(report),
    })
}

#[utoipa::path(operation_id = "refresh_wdtk", summary = "Read a linked request from WhatDoTheyKnow again", post, path = "/api/v1/requests/{id}/wdtk/refresh", tag = "requests",
    description = "Adds the events WhatDoTheyKnow shows that were not read before. An event read before that the site now describes otherwise is not changed: the difference is kept for a person to look at. A failed reading changes nothing but the problem shown on the request.",
    params(("id" = i32, Path, description = "The request's id")),
    responses((status = 200, description = "What the reading added", body = WdtkReport), Unreadable, NoSuchResource,
        (status = 422, description = "The site's new events do not fit the request's timeline: nothing was changed", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "WhatDoTheyKnow did not answer in time, or answered something that is not the request: nothing was changed, and the problem is kept on the request", body = Problem, content_type = "application/problem+json")))]
pub async fn refresh(
    state: web::Data<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let site = site(&state)?;
    let report = with_db(&state, move |conn, calendars, today| {
        wdtk::refresh(conn, calendars, &site, &caller, today, id, crate::clock::now())
    })
    .await?;
    Ok(HttpResponse::Ok().json(report))
}

#[utoipa::path(operation_id = "read_wdtk", summary = "Show a request's link to WhatDoTheyKnow", get, path = "/api/v1/requests/{id}/wdtk", tag = "requests",
    description = "The request's page on WhatDoTheyKnow, when it was last read and what went wrong if the last reading failed, and every event read from it with what it became here and any difference the site now shows.",
    params(("id" = i32, Path, description = "The request's id")),
    responses((status = 200, description = "The link", body = WdtkLink), Unreadable, NoSuchResource))]
pub async fn read(
    state: web::Data<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let view = with_db(&state, move |conn, _, _| {
        wdtk::of_request(conn, &caller, id)?
            .ok_or_else(|| AppError::NotFound(format!("WhatDoTheyKnow link of request {id}")))
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// A positive id from the path, as the site numbers its events.
fn event_id(raw: &str) -> Result<i64, AppError> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| AppError::BadRequest {
            field: Some("wdtk_event_id".into()),
            message: format!(
                "\"{}\" is not an event's number",
                crate::domain::text::quoted(raw, 40)
            ),
        })
}

#[utoipa::path(operation_id = "accept_wdtk_difference", summary = "Accept what WhatDoTheyKnow now says of an event", post, path = "/api/v1/requests/{id}/wdtk/events/{wdtk_event_id}/accept", tag = "requests",
    description = "Replaces the event a WhatDoTheyKnow event became here by what the site's description of it now makes of it (a reply still waiting to be classified is set aside), exactly as if it had been read so first; the deadlines follow. A reply a person has classified stands.",
    params(("id" = i32, Path, description = "The request's id"), ("wdtk_event_id" = i64, Path, description = "The event's id on WhatDoTheyKnow")),
    responses((status = 200, description = "The event as it now stands", body = WdtkImported), Unreadable, NoSuchResource,
        (status = 409, description = "There is no difference to accept, a person classified the reply, or the timeline would not hold together: nothing was changed", body = Problem, content_type = "application/problem+json")))]
pub async fn accept(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let (request, event) = path.into_inner();
    let (request, event) = (crate::web::extract::id(&request)?, event_id(&event)?);
    let accepted = with_db(&state, move |conn, calendars, today| {
        wdtk::accept(
            conn,
            calendars,
            &caller,
            today,
            request,
            event,
            crate::clock::now(),
        )
    })
    .await?;
    Ok(HttpResponse::Ok().json(accepted))
}
