//! `/outbox`: the reminders owed, sent and failed, for coordinators (their organisation's),
//! admins and auditors (everyone's).

use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::json;

use super::events::Empty;
use super::{errors, form_again, page, see_other};
use crate::domain::reminders::OutboxStatus;
use crate::error::AppError;
use crate::tracker::reminders::{self as outbox, STATUSES};
use crate::web::auth::{Posted, Who};
use crate::web::extract::with_db;
use crate::web::state::AppState;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct OutboxQuery {
    pub status: String,
}

pub async fn list(
    state: web::Data<AppState>,
    who: Who,
    query: web::Query<OutboxQuery>,
) -> Result<HttpResponse, AppError> {
    let caller = who.caller();
    let status = query.into_inner().status;
    let filter = status.clone();
    let result = with_db(&state, move |conn, _, _| {
        outbox::list(conn, &caller, Some(filter.as_str()))
    })
    .await;
    let mut data = json!({
        "title": "Reminders", "nav": "outbox", "mail": state.postman.mailer.kind(),
        "statuses": STATUSES, "status": status, "summary": [],
        "retries": who.actor().is_some_and(|a| a.role != crate::domain::account::Role::Auditor),
    });
    match result {
        Ok(mut found) => {
            for line in &mut found.lines {
                let mailer = &state.postman.mailer;
                line.notice.last_error = line.notice.last_error.as_deref().map(|e| mailer.without_paths(e));
            }
            data["page"] = json!(found);
            let count = |s: &OutboxStatus| found.counts.get(s).copied().unwrap_or(0);
            data["summary"] = json!(STATUSES
                .iter()
                .map(|s| json!({"status": s, "count": count(s)}))
                .collect::<Vec<_>>());
            page(&state, &who, "outbox/list", data)
        }
        Err(error @ AppError::Invalid(_)) => {
            data["errors"] = json!(errors(&error));
            form_again(&state, &who, &error, "outbox/list", data)
        }
        Err(error) => Err(error),
    }
}

/// Gives every failed reminder a fresh set of attempts; the scheduler retries within a minute.
pub async fn retry(state: web::Data<AppState>, posted: Posted<Empty>) -> Result<HttpResponse, AppError> {
    let caller = posted.who.caller();
    with_db(&state, move |conn, _, _| {
        outbox::retry_failed(conn, &caller, crate::clock::now())
    })
    .await?;
    Ok(see_other("/outbox?status=failed"))
}
