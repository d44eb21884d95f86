//! Listing requests: the validated filters, the sorts and pages of the request list, and the
//! dashboard's lists and counts by status.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::schema::{authorities, deadlines, request_tags, requests};
use super::{lower, DbConnection};
use crate::domain::regime::Regime;
use crate::domain::timeline::{Party, Status};

use super::requests::{seen_by, Request, Scope};

type Backend = <DbConnection as diesel::Connection>::Backend;

/// The request list's filters, already validated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestFilter {
    pub scope: Scope,
    /// Only this organisation's requests.
    pub organisation_id: Option<i32>,
    /// Only the requests this user owns.
    pub owner_id: Option<i32>,
    /// Only the requests still open: sent, and neither closed, withdrawn nor lapsed.
    pub open: bool,
    pub status: Option<Status>,
    pub authority_id: Option<i32>,
    pub regime: Option<Regime>,
    pub overdue: bool,
    pub tag: Option<String>,
    pub text: Option<String>,
    /// A tag or text search never matches a subject access request: for viewers whose every
    /// view of one is recorded, which a search would otherwise get round.
    pub sealed_sar: bool,
}

/// Sent, and neither closed, withdrawn nor lapsed, nor a skipped repeat.
const OPEN: &str =
    "requests.status NOT IN ('draft', 'closed', 'withdrawn', 'lapsed') AND requests.skipped_at IS NULL";

pub(crate) fn filtered<'a>(filter: &'a RequestFilter, today: NaiveDate) -> requests::BoxedQuery<'a, Backend> {
    let mut query = requests::table.into_boxed();
    if let Scope::SeenBy(organisation) = filter.scope {
        query = query.filter(seen_by(organisation));
    }
    if let Some(organisation) = filter.organisation_id {
        query = query.filter(requests::organisation_id.eq(organisation));
    }
    if let Some(status) = filter.status {
        query = query.filter(requests::status.eq(status.to_string()));
    }
    if let Some(owner) = filter.owner_id {
        query = query.filter(requests::owner_id.eq(owner));
    }
    if filter.open {
        // A skipped quarterly repeat is nothing to do. Written out, not bound, because it is
        // the condition of the partial index `requests_open_by_owner` (migration 16), which
        // the planner can only use when it sees the same words; the statuses are fixed.
        query = query.filter(diesel::dsl::sql::<diesel::sql_types::Bool>(OPEN));
    }
    if let Some(id) = filter.authority_id {
        query = query.filter(requests::authority_id.eq(id));
    }
    if let Some(regime) = filter.regime {
        query = query.filter(requests::regime.eq(regime.to_string()));
    }
    if filter.overdue {
        query = query.filter(diesel::dsl::exists(
            deadlines::table
                .filter(deadlines::request_id.eq(requests::id))
                .filter(deadlines::settled_state.is_null())
                .filter(deadlines::party.eq(Party::Authority.to_string()))
                .filter(deadlines::due.lt(today)),
        ));
    }
    if filter.sealed_sar && (filter.tag.is_some() || filter.text.is_some()) {
        query = query.filter(requests::regime.ne(Regime::Sar.to_string()));
    }
    if let Some(tag) = &filter.tag {
        // A set of ids read once from the tag's index, not a probe per request: a third
        // cheaper where a status keeps thousands (measured on SQLite).
        query = query.filter(
            requests::id.eq_any(
                request_tags::table
                    .filter(request_tags::tag.eq(tag))
                    .select(request_tags::request_id),
            ),
        );
    }
    if let Some(text) = &filter.text {
        let pattern = format!("%{}%", escape_like(&text.to_lowercase()));
        query = query.filter(requests::search.like(pattern).escape('\\'));
    }
    query
}

/// The ids of every request the filter keeps, in order.
pub fn ids_of(conn: &mut DbConnection, filter: &RequestFilter, today: NaiveDate) -> QueryResult<Vec<i32>> {
    filtered(filter, today)
        .order(requests::id)
        .select(requests::id)
        .load(conn)
}

pub(crate) fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// The orders the request list can be read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// The newest first.
    #[default]
    Newest,
    /// The next deadline still open, soonest first; requests with none last.
    Due,
    /// The day sent, latest first; drafts last.
    Sent,
    Authority,
    Title,
}

/// An order and its direction: `reversed` turns it round (requests without the value stay last).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Order {
    pub sort: Sort,
    pub reversed: bool,
}

fn ordered<'a>(query: requests::BoxedQuery<'a, Backend>, order: Order) -> requests::BoxedQuery<'a, Backend> {
    let next_due = requests::next_due;
    let authority = authorities::table
        .filter(authorities::id.eq(requests::authority_id))
        .select(lower(authorities::name))
        .single_value();
    let up = !order.reversed;
    // The id last, so that a page boundary never moves between two reads.
    match (order.sort, up) {
        (Sort::Newest, true) => query.order(requests::id.desc()),
        (Sort::Newest, false) => query.order(requests::id.asc()),
        (Sort::Due, true) => query.order((next_due.is_null(), next_due.asc(), requests::id.desc())),
        (Sort::Due, false) => query.order((next_due.is_null(), next_due.desc(), requests::id.desc())),
        (Sort::Sent, true) => query.order((
            requests::sent_on.is_null(),
            requests::sent_on.desc(),
            requests::id.desc(),
        )),
        (Sort::Sent, false) => query.order((
            requests::sent_on.is_null(),
            requests::sent_on.asc(),
            requests::id.desc(),
        )),
        (Sort::Authority, true) => query.order((authority.asc(), requests::id.desc())),
        (Sort::Authority, false) => query.order((authority.desc(), requests::id.desc())),
        (Sort::Title, true) => query.order((lower(requests::title).asc(), requests::id.desc())),
        (Sort::Title, false) => query.order((lower(requests::title).desc(), requests::id.desc())),
    }
}

/// One page of the filtered list in `order`, and how many match in all.
pub fn list(
    conn: &mut DbConnection,
    filter: &RequestFilter,
    order: Order,
    today: NaiveDate,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<Request>, i64)> {
    let total = filtered(filter, today).count().get_result(conn)?;
    let page = ordered(filtered(filter, today), order)
        .limit(limit)
        .offset(offset)
        .select(Request::as_select())
        .load(conn)?;
    Ok((page, total))
}

/// An organisation's requests in a status, newest first.
pub fn with_status(
    conn: &mut DbConnection,
    organisation_id: i32,
    status: Status,
    limit: i64,
) -> QueryResult<Vec<Request>> {
    requests::table
        .filter(requests::organisation_id.eq(organisation_id))
        .filter(requests::status.eq(status.to_string()))
        // A skipped quarterly repeat is nothing to do.
        .filter(requests::skipped_at.is_null())
        .order(requests::id.desc())
        .limit(limit)
        .select(Request::as_select())
        .load(conn)
}

pub fn count_with_status(conn: &mut DbConnection, organisation_id: i32, status: Status) -> QueryResult<i64> {
    requests::table
        .filter(requests::organisation_id.eq(organisation_id))
        .filter(requests::status.eq(status.to_string()))
        .filter(requests::skipped_at.is_null())
        .count()
        .get_result(conn)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The open condition is written out for the partial index: it must name exactly the
    /// statuses a request is done in.
    #[test]
    fn the_open_condition_names_every_status_a_request_is_done_in() {
        for status in [Status::Draft, Status::Closed, Status::Withdrawn, Status::Lapsed] {
            assert!(OPEN.contains(&format!("'{status}'")), "{status}");
        }
        let quoted = OPEN.matches('\'').count() / 2;
        assert_eq!(quoted, 4, "{OPEN}");
    }
}
