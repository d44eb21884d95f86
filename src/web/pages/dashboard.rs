//! `/`: the viewer's organisation's work: what is overdue, what is due soon, the requester's
//! own deadlines, clarifications, drafts.

use actix_web::{web, HttpResponse};
use serde_json::{json, Value};

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
                "replies": caller.actor.as_ref().filter(|a| a.files_requests()).map(|_| json!({
                    "total": d.to_classify.total, "rows": d.to_classify.rows,
                    "more": d.to_classify.total > d.to_classify.rows.len() as i64,
                })),
                "deadlines": [
                    section(view::pending(&d.overdue, "Nothing is overdue.", Some("/requests?mine=ours&overdue=true")),
                        "overdue", "Overdue", Some("Authorities' deadlines that have passed with nothing received.")),
                    section(view::pending(&d.due_soon, "No authority's deadline falls in the next five working days.", None),
                        "due-soon", "Due in the next five working days", None),
                    section(view::pending(&d.requester, "No deadline of yours is running.", None),
                        "yours", "Our rights: the coalition's deadlines", Some("These are the coalition's rights as the requester, on every request it sends, whoever owns it: to ask for an internal review, to complain to the regulator, to appeal. Each is lost when its date passes unused.")),
                ],
                "waiting": [
                    section(view::requests(&d.awaiting_clarification, "No authority is waiting for clarification.", "/requests?mine=ours&status=awaiting_clarification"),
                        "clarification", "Awaiting our clarification", None),
                    section(view::requests(&d.drafts, "No drafts.", "/requests?mine=ours&status=draft"), "drafts", "Drafts", None),
                ],
            }),
        ))
    })
    .await
}

/// A section of the dashboard with its anchor, heading and the hint under it.
fn section(mut rows: Value, id: &str, heading: &str, hint: Option<&str>) -> Value {
    rows["id"] = id.into();
    rows["heading"] = heading.into();
    rows["hint"] = hint.into();
    rows
}
