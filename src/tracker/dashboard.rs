//! The dashboard: what is overdue, what falls due soon, the requester's own deadlines, and
//! the requests waiting on the coalition (clarification, drafts).

use chrono::NaiveDate;
use serde::Serialize;

use crate::db::deadlines::{self, Pending};
use crate::db::requests::{self, Request};
use crate::db::DbConnection;
use crate::domain::calendar::{Calendar, CalendarKind};
use crate::domain::timeline::{Party, Status};
use crate::error::AppError;

/// Each list is capped; the request list shows the rest.
const LIMIT: i64 = 50;
/// "Due soon" means within this many working days.
pub const HORIZON_WORKING_DAYS: u32 = 5;

#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    pub today: NaiveDate,
    pub horizon: NaiveDate,
    pub overdue: Vec<Pending>,
    pub due_soon: Vec<Pending>,
    pub requester: Vec<Pending>,
    pub awaiting_clarification: Vec<Request>,
    pub drafts: Vec<Request>,
}

/// Five queries, whatever the register holds.
pub fn dashboard(
    conn: &mut DbConnection,
    calendar: &Calendar,
    today: NaiveDate,
) -> Result<Dashboard, AppError> {
    let horizon = calendar
        .add_working_days(CalendarKind::Foia, today, HORIZON_WORKING_DAYS)
        .unwrap_or(today);
    let yesterday = today.pred_opt().unwrap_or(today);
    let mut overdue = deadlines::pending(conn, Party::Authority, None, Some(yesterday), LIMIT)?;
    for deadline in &mut overdue {
        deadline.working_days_late = calendar
            .working_days_between(deadline.regime.calendar(), deadline.due, today)
            .ok();
    }
    Ok(Dashboard {
        overdue,
        due_soon: deadlines::pending(conn, Party::Authority, Some(today), Some(horizon), LIMIT)?,
        requester: deadlines::pending(conn, Party::Requester, Some(today), None, LIMIT)?,
        awaiting_clarification: requests::with_status(conn, &[Status::AwaitingClarification], LIMIT)?,
        drafts: requests::with_status(conn, &[Status::Draft], LIMIT)?,
        today,
        horizon,
    })
}
