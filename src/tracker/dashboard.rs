//! The dashboard: what is overdue, what falls due soon, the requester's own deadlines, and
//! the requests waiting on the coalition (clarification, drafts).

use chrono::NaiveDate;
use serde::Serialize;

use super::access::require;
use super::audit::Caller;
use super::holidays::CalendarStore;
use super::request_list::{ListQuery, RequestSummary};
use crate::db::deadlines::{self, Pending};
use crate::db::request_list;
use crate::db::requests::Request;
use crate::db::DbConnection;
use crate::domain::calendar::CalendarKind;
use crate::domain::timeline::{Party, Status};
use crate::error::AppError;

/// The viewer's own open requests, the next deadline first, as the request list gives them
/// (`/requests?owner=me&open=true&sort=due`).
pub fn my_requests() -> ListQuery {
    ListQuery {
        owner: Some("me".into()),
        open: Some("true".into()),
        sort: Some("due".into()),
        ..ListQuery::default()
    }
}

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
    /// The open requests the viewer owns, the next deadline first.
    pub mine: Section<RequestSummary>,
    pub overdue: Section<Pending>,
    pub due_soon: Section<Pending>,
    pub requester: Section<Pending>,
    pub awaiting_clarification: Section<Request>,
    pub drafts: Section<Request>,
    /// Replies filed from the mailbox that nobody has said what they are yet, oldest first;
    /// for those who file requests.
    pub to_classify: Section<crate::db::incoming_messages::IncomingMessage>,
}

fn pending(
    conn: &mut DbConnection,
    organisation: i32,
    party: Party,
    from: Option<NaiveDate>,
    until: Option<NaiveDate>,
) -> Result<Section<Pending>, AppError> {
    Ok(Section {
        rows: deadlines::pending(conn, organisation, party, from, until, ROWS)?,
        total: deadlines::count_pending(conn, organisation, party, from, until)?,
    })
}

fn with_status(
    conn: &mut DbConnection,
    organisation: i32,
    status: Status,
) -> Result<Section<Request>, AppError> {
    Ok(Section {
        rows: request_list::with_status(conn, organisation, status, ROWS)?,
        total: request_list::count_with_status(conn, organisation, status)?,
    })
}

/// Fourteen indexed queries (two of them the replies to classify), whatever the register holds, once the index has caught up with today.
pub fn dashboard(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
) -> Result<Dashboard, AppError> {
    let actor = require(caller, |_| true)?;
    let organisation = actor.organisation_id;
    let to_classify = match actor.files_requests() {
        true => Section {
            total: crate::db::incoming_messages::count_in_status(conn, organisation, "to_classify")?,
            rows: crate::db::incoming_messages::in_status(conn, organisation, "to_classify", ROWS)?,
        },
        false => Section {
            total: 0,
            rows: Vec::new(),
        },
    };
    super::deadline_index::catch_up(conn, calendars, today)?;
    let calendar = calendars.current(conn)?;
    let horizon = calendar
        .add_working_days(CalendarKind::Foia, today, HORIZON_WORKING_DAYS)
        .unwrap_or(today);
    let yesterday = today.pred_opt().unwrap_or(today);
    let mut overdue = pending(conn, organisation, Party::Authority, None, Some(yesterday))?;
    for deadline in &mut overdue.rows {
        deadline.working_days_late = deadline
            .regime
            .working_days_late(&calendar, deadline.due, today)
            .ok();
    }
    let mine = super::request_list::list(conn, calendars, caller, today, &my_requests())?;
    Ok(Dashboard {
        mine: Section {
            total: mine.total,
            rows: mine.items,
        },
        overdue,
        due_soon: pending(conn, organisation, Party::Authority, Some(today), Some(horizon))?,
        requester: pending(conn, organisation, Party::Requester, Some(today), None)?,
        awaiting_clarification: with_status(conn, organisation, Status::AwaitingClarification)?,
        drafts: with_status(conn, organisation, Status::Draft)?,
        to_classify,
        today,
        horizon,
    })
}
