//! The dashboard: what is overdue, what falls due soon, the requester's own deadlines, and
//! the requests waiting on the coalition (clarification, drafts).

use chrono::NaiveDate;
use serde::Serialize;

use super::holidays::CalendarStore;
use crate::db::deadlines::{self, Pending};
use crate::db::requests::{self, Request};
use crate::db::DbConnection;
use crate::domain::calendar::CalendarKind;
use crate::domain::timeline::{Party, Status};
use crate::error::AppError;

/// Each list shows its first rows and how many there are in all.
pub const ROWS: i64 = 25;
/// "Due soon" means within this many working days.
pub const HORIZON_WORKING_DAYS: u32 = 5;

#[derive(Debug, Clone, Serialize)]
pub struct Section<T> {
    pub total: i64,
    pub rows: Vec<T>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Dashboard {
    pub today: NaiveDate,
    pub horizon: NaiveDate,
    pub overdue: Section<Pending>,
    pub due_soon: Section<Pending>,
    pub requester: Section<Pending>,
    pub awaiting_clarification: Section<Request>,
    pub drafts: Section<Request>,
}

fn pending(
    conn: &mut DbConnection,
    party: Party,
    from: Option<NaiveDate>,
    until: Option<NaiveDate>,
) -> Result<Section<Pending>, AppError> {
    Ok(Section {
        rows: deadlines::pending(conn, party, from, until, ROWS)?,
        total: deadlines::count_pending(conn, party, from, until)?,
    })
}

fn with_status(conn: &mut DbConnection, status: Status) -> Result<Section<Request>, AppError> {
    Ok(Section {
        rows: requests::with_status(conn, status, ROWS)?,
        total: requests::count_with_status(conn, status)?,
    })
}

/// Ten indexed queries, whatever the register holds, once the index has caught up with today.
pub fn dashboard(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    today: NaiveDate,
) -> Result<Dashboard, AppError> {
    super::requests::catch_up(conn, calendars, today)?;
    let calendar = calendars.current(conn)?;
    let horizon = calendar
        .add_working_days(CalendarKind::Foia, today, HORIZON_WORKING_DAYS)
        .unwrap_or(today);
    let yesterday = today.pred_opt().unwrap_or(today);
    let mut overdue = pending(conn, Party::Authority, None, Some(yesterday))?;
    for deadline in &mut overdue.rows {
        deadline.working_days_late = calendar
            .working_days_between(deadline.regime.calendar(), deadline.due, today)
            .ok();
    }
    Ok(Dashboard {
        overdue,
        due_soon: pending(conn, Party::Authority, Some(today), Some(horizon))?,
        requester: pending(conn, Party::Requester, Some(today), None)?,
        awaiting_clarification: with_status(conn, Status::AwaitingClarification)?,
        drafts: with_status(conn, Status::Draft)?,
        today,
        horizon,
    })
}
