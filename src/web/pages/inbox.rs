//! `/inbox`: the organisation's mail that matched no request, for a coordinator to file with
//! one or dismiss; and the mailbox read on demand.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::events::Empty;
use super::{done, errors, form_again, is_form_error, page};
use crate::error::AppError;
use crate::tracker::inbox::{self, PollReport};
use crate::web::auth::{Posted, Who};
use crate::web::extract::{with_db, PathId};
use crate::web::state::AppState;

/// The inbox, with what a reading found, or what was refused: beside the message it was about
/// (`failed` names it), or at the top.
async fn inbox_page(
    state: &web::Data<AppState>,
    who: &Who,
    read: Option<PollReport>,
    failed: Option<(Option<i32>, &AppError)>,
) -> Result<HttpResponse, AppError> {
    let caller = who.caller();
    let messages = with_db(state, move |conn, _, _| inbox::triage(conn, &caller)).await?;
    let data = json!({
        "title": "Inbox", "nav": "inbox", "messages": messages, "read": read,
        "errors": failed.map(|(_, error)| errors(error)).unwrap_or_default(),
        "failed_id": failed.and_then(|(id, _)| id),
    });
    match failed {
        Some((_, error)) => form_again(state, who, error, "inbox/list", data),
        None => page(state, who, "inbox/list", data),
    }
}

pub async fn list(state: web::Data<AppState>, who: Who) -> Result<HttpResponse, AppError> {
    inbox_page(&state, &who, None, None).await
}

pub async fn read(state: web::Data<AppState>, posted: Posted<Empty>) -> Result<HttpResponse, AppError> {
    let who = posted.who;
    let caller = who.caller();
    let settings = state.settings.clone();
    let result = with_db(&state, move |conn, _, _| {
        inbox::read_now(conn, &settings, &caller)
    })
    .await;
    match result {
        Ok(report) => inbox_page(&state, &who, Some(report), None).await,
        Err(error) if is_form_error(&error) => inbox_page(&state, &who, None, Some((None, &error))).await,
        Err(error) => Err(error),
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FileForm {
    pub request_id: String,
}

pub async fn file(
    state: web::Data<AppState>,
    posted: Posted<FileForm>,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    let Posted { form, who } = posted;
    let request_id = match form.request_id.trim().trim_start_matches('#').parse::<i32>() {
        Ok(request_id) if request_id > 0 => request_id,
        _ => {
            let error = AppError::invalid(
                "request_id",
                "Give the number of the request it answers, e.g. 123",
            );
            return inbox_page(&state, &who, None, Some((Some(id), &error))).await;
        }
    };
    let caller = who.caller();
    let settings = state.settings.clone();
    let result = with_db(&state, move |conn, calendars, today| {
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
    .await;
    match result {
        Ok(()) => Ok(done(&state, "/inbox", "message-filed")),
        Err(error) if is_form_error(&error) => inbox_page(&state, &who, None, Some((Some(id), &error))).await,
        Err(error) => Err(error),
    }
}

pub async fn dismiss(
    state: web::Data<AppState>,
    posted: Posted<Empty>,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    let caller = posted.who.caller();
    with_db(&state, move |conn, _, _| {
        inbox::dismiss(conn, &caller, id, crate::clock::now())
    })
    .await?;
    Ok(done(&state, "/inbox", "message-dismissed"))
}
