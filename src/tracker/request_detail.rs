//! One request as its page shows it: its events, schedule, documents and related requests.

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;

use super::access::{readable, record_view, require, UNOPENED};
use super::audit::Caller;
use super::deadline_index::schedule_of;
use super::holidays::CalendarStore;
use super::requests::tags_of;
use crate::db::authorities::Authority;
use crate::db::events::{self, EventRecord};
use crate::db::requests::{self, Request};
use crate::db::DbConnection;
use crate::domain::account::Access;
use crate::domain::calendar::Calendar;
use crate::domain::timeline::{Schedule, Status};
use crate::error::AppError;

/// A request with everything its page and its API representation show.
#[derive(Debug, Clone, Serialize)]
pub struct RequestDetail {
    pub request: Request,
    /// The batch it was sent in, if it was one of many.
    pub batch: Option<BatchRef>,
    pub authority: Authority,
    pub tags: Vec<String>,
    pub events: Vec<EventRecord>,
    pub schedule: Schedule,
    /// The coalition's other requests that the authority might add to this one for the cost
    /// limit, under `aggregation`.
    pub related: Vec<Related>,
    /// The law's aggregation rule, for the warning; none for the EIR, EI(S)R and SAR.
    pub aggregation: Option<crate::domain::regime::Aggregation>,
    /// The owner's name.
    pub owner: Option<String>,
    /// The files that came with its events.
    pub documents: Vec<crate::db::documents::Document>,
    /// The indicators it asks for: [indicator, from, to].
    pub indicators: Vec<crate::db::demands::Link>,
    /// Asked again every quarter.
    pub repeats: bool,
    /// For a quarterly repeat: the request it repeats.
    pub repeat_of: Option<i32>,
    /// A drafted repeat the researchers chose not to send.
    pub skipped: bool,
    /// Whether the viewer may change it.
    pub writable: bool,
    /// When an email of the request began to be sent that is not yet known to have gone.
    #[serde(serialize_with = "crate::domain::instant::utc_or_null")]
    pub unsettled_email: Option<NaiveDateTime>,
    /// The mail filed with it from the organisation's mailbox, oldest first.
    pub replies: Vec<crate::db::incoming_messages::IncomingMessage>,
}

/// Another request that the authority might aggregate with this one for the cost limit.
/// The batch a request belongs to.
#[derive(Debug, Clone, Serialize)]
pub struct BatchRef {
    pub id: i32,
    pub title: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Related {
    pub id: i32,
    pub title: String,
    pub sent_on: Option<NaiveDate>,
    pub status: Status,
}

pub fn show(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    id: i32,
    now: NaiveDateTime,
) -> Result<RequestDetail, AppError> {
    let calendar = calendars.current(conn)?;
    let calendar = calendar.as_ref();
    let (request, access) = readable(conn, caller, id)?;
    record_view(conn, caller, &request, now)?;
    let authority = super::authorities::get(conn, request.values.authority_id)?;
    let mut events = events::for_request(conn, id)?;
    super::events::add_warnings(&mut events, request.values.regime);
    let schedule = schedule_of(&request, &events, calendar, today)?;
    let tags = tags_of(conn, id)?;
    let related = if matches!(request.status, Status::Draft | Status::AwaitingResponse) {
        related(conn, calendar, caller, &request, today)?
    } else {
        Vec::new()
    };
    let owner = match request.values.owner_id {
        Some(owner) => crate::db::accounts::find_user(conn, owner)?.map(|u| u.name),
        None => None,
    };
    let documents = crate::db::documents::of_request(conn, id)?;
    let indicators = crate::db::demands::links_of(conn, id)?;
    let (repeats, repeat_of, skipped) = crate::db::repeats::repeat_state(conn, id)?;
    let aggregation = request.values.regime.aggregation();
    let batch = match crate::db::batches::of_request(conn, id)? {
        Some(batch) => crate::db::batches::find(conn, batch)?.map(|b| BatchRef {
            id: b.id,
            title: b.title,
        }),
        None => None,
    };
    Ok(RequestDetail {
        batch,
        request,
        authority,
        tags,
        events,
        schedule,
        related,
        aggregation,
        owner,
        documents,
        indicators,
        repeats,
        repeat_of,
        skipped: skipped.is_some(),
        writable: access == Access::Write,
        replies: crate::db::incoming_messages::of_request(conn, id)?,
        unsettled_email: match access {
            Access::Write => crate::db::outgoing_messages::unsettled_since(conn, id)?,
            _ => None,
        },
    })
}

/// The coalition's other requests under the same law to the same authority, sent within the
/// law's aggregation window before this one was sent (or before today, for a draft), and its
/// drafts to that authority; none where the law aggregates nothing.
pub fn related(
    conn: &mut DbConnection,
    calendar: &Calendar,
    caller: &Caller,
    request: &Request,
    today: NaiveDate,
) -> Result<Vec<Related>, AppError> {
    let actor = require(caller, |_| true)?;
    let Some(rule) = request.values.regime.aggregation() else {
        return Ok(Vec::new());
    };
    let until = request.values.sent_on.unwrap_or(today);
    let since = calendar
        .subtract_working_days(rule.calendar, until, rule.working_days)
        .unwrap_or(until);
    Ok(requests::to_authority_between(
        conn,
        request.organisation_id,
        request.values.authority_id,
        request.values.regime,
        since,
        until,
        Some(request.id),
    )?
    .into_iter()
    .filter(|r| actor.access(r.organisation_id, r.values.regime, r.status == Status::Draft) != Access::None)
    .map(|r| Related {
        id: r.id,
        status: r.status,
        // A list, like any other: an auditor sees a subject access request's title once they
        // open it, which is recorded.
        title: if actor.view_is_audited(r.values.regime) {
            UNOPENED.into()
        } else {
            r.values.title
        },
        sent_on: r.values.sent_on,
    })
    .collect())
}
