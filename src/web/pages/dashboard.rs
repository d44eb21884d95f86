//! `/`: the viewer's organisation's work: what is overdue, what is due soon, the requester's
//! own deadlines, clarifications, drafts.

use actix_web::{web, HttpResponse};
use serde_json::json;

use super::{always, stored_page};
use crate::domain::written;
use crate::error::AppError;
use crate::tracker;
use crate::web::auth::Credentials;
use crate::web::state::AppState;
use crate::web::view;

pub async fn show(state: web::Data<AppState>, credentials: Credentials) -> Result<HttpResponse, AppError> {
    stored_page(&state, credentials, "/", always, |conn, calendars, caller, today| {
        let d = tracker::dashboard::dashboard(conn, calendars, caller, today)?;
        Ok((
            "dashboard",
            json!({
                "title": "Dashboard", "nav": "dashboard",
                "today": d.today, "today_long": written::day(d.today),
                "horizon": d.horizon, "horizon_long": written::day(d.horizon),
                "mine": view::summaries(&d.mine, "You own no open request.", "/requests?owner=me&open=true&sort=due"),
                "overdue": view::pending(&d.overdue, "Nothing is overdue.", Some("/requests?mine=ours&overdue=true")),
                "due_soon": view::pending(&d.due_soon, "No authority's deadline falls in the next five working days.", None),
                "requester": view::pending(&d.requester, "No deadline of yours is running.", None),
                "clarification": view::requests(&d.awaiting_clarification, "No authority is waiting for clarification.", "/requests?mine=ours&status=awaiting_clarification"),
                "drafts": view::requests(&d.drafts, "No drafts.", "/requests?mine=ours&status=draft"),
            }),
        ))
    })
    .await
}
