//! Requests, their tags, and the status index the engine writes.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{authorities, deadlines, request_tags, requests};
use super::{closed, last_insert_id, lower, DbConnection};
use crate::domain::regime::Regime;
use crate::domain::request::SentVia;
use crate::domain::timeline::{Party, Status};

type Backend = <DbConnection as diesel::Connection>::Backend;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Request {
    pub id: i32,
    pub title: String,
    pub body: String,
    pub authority_id: i32,
    pub regime: Regime,
    pub sent_via: SentVia,
    pub sent_on: Option<NaiveDate>,
    pub reference: Option<String>,
    pub organisation_id: i32,
    pub owner_id: Option<i32>,
    /// As the engine last wrote it; brought up to date on `reindex_on` before it is read.
    pub status: Status,
    pub reindex_on: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = requests)]
struct Row {
    id: i32,
    title: String,
    body: String,
    authority_id: i32,
    regime: String,
    sent_via: String,
    sent_on: Option<NaiveDate>,
    reference: Option<String>,
    organisation_id: i32,
    owner_id: Option<i32>,
    status: String,
    reindex_on: Option<NaiveDate>,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

impl TryFrom<Row> for Request {
    type Error = diesel::result::Error;

    fn try_from(row: Row) -> QueryResult<Request> {
        Ok(Request {
            regime: closed(&row.regime)?,
            sent_via: closed(&row.sent_via)?,
            status: closed(&row.status)?,
            id: row.id,
            title: row.title,
            body: row.body,
            authority_id: row.authority_id,
            sent_on: row.sent_on,
            reference: row.reference,
            organisation_id: row.organisation_id,
            owner_id: row.owner_id,
            reindex_on: row.reindex_on,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

fn rows(rows: Vec<Row>) -> QueryResult<Vec<Request>> {
    rows.into_iter().map(Request::try_from).collect()
}

/// What a user sets on a request.
#[derive(Debug, Clone, PartialEq, Eq, Insertable, AsChangeset)]
#[diesel(table_name = requests, treat_none_as_null = true)]
pub struct RequestValues {
    pub title: String,
    pub body: String,
    pub authority_id: i32,
    pub regime: String,
    pub sent_via: String,
    pub sent_on: Option<NaiveDate>,
    pub reference: Option<String>,
    pub owner_id: Option<i32>,
}

/// What the text search looks in, folded to lower case in Rust so that both backends agree
/// (SQLite's `lower` folds ASCII only).
fn search_text(values: &RequestValues) -> String {
    format!(
        "{}\n{}\n{}",
        values.title,
        values.reference.as_deref().unwrap_or_default(),
        values.body
    )
    .to_lowercase()
}

pub fn find(conn: &mut DbConnection, id: i32) -> QueryResult<Option<Request>> {
    requests::table
        .find(id)
        .select(Row::as_select())
        .first(conn)
        .optional()?
        .map(Request::try_from)
        .transpose()
}

/// Many requests by id, in one query.
pub fn find_many(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<Vec<Request>> {
    rows(
        requests::table
            .filter(requests::id.eq_any(ids))
            .order(requests::id)
            .select(Row::as_select())
            .load(conn)?,
    )
}

/// Of these requests, the ids of those under `regime` now.
pub fn of_regime(conn: &mut DbConnection, ids: &[i32], regime: Regime) -> QueryResult<Vec<i32>> {
    let mut found = Vec::new();
    for chunk in ids.chunks(1000) {
        found.extend(
            requests::table
                .filter(requests::id.eq_any(chunk))
                .filter(requests::regime.eq(regime.to_string()))
                .select(requests::id)
                .load::<i32>(conn)?,
        );
    }
    Ok(found)
}

pub fn insert(
    conn: &mut DbConnection,
    organisation_id: i32,
    values: &RequestValues,
    now: NaiveDateTime,
) -> QueryResult<i32> {
    diesel::insert_into(requests::table)
        .values((
            values,
            requests::organisation_id.eq(organisation_id),
            requests::search.eq(search_text(values)),
            requests::status.eq(Status::Draft.to_string()),
            requests::created_at.eq(now),
            requests::updated_at.eq(now),
        ))
        .execute(conn)?;
    last_insert_id(conn)
}

pub fn update(
    conn: &mut DbConnection,
    id: i32,
    values: &RequestValues,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(requests::table.find(id))
        .set((
            values,
            requests::search.eq(search_text(values)),
            requests::updated_at.eq(now),
        ))
        .execute(conn)
}

pub fn set_sent_on(
    conn: &mut DbConnection,
    id: i32,
    sent_on: NaiveDate,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(requests::table.find(id))
        .set((requests::sent_on.eq(sent_on), requests::updated_at.eq(now)))
        .execute(conn)
}

/// Writes the engine's status into the index, and the day it must be computed again.
pub fn set_status(
    conn: &mut DbConnection,
    id: i32,
    status: Status,
    reindex_on: Option<NaiveDate>,
) -> QueryResult<usize> {
    diesel::update(requests::table.find(id))
        .set((
            requests::status.eq(status.to_string()),
            requests::reindex_on.eq(reindex_on),
        ))
        .execute(conn)
}

/// Requests whose index is out of date on `today`: a deadline has passed since it was written.
pub fn due_for_reindex(conn: &mut DbConnection, today: NaiveDate, limit: i64) -> QueryResult<Vec<i32>> {
    requests::table
        .filter(requests::reindex_on.le(today))
        .order(requests::id)
        .limit(limit)
        .select(requests::id)
        .load(conn)
}

pub fn all_ids(conn: &mut DbConnection) -> QueryResult<Vec<i32>> {
    requests::table
        .select(requests::id)
        .order(requests::id)
        .load(conn)
}

pub fn tags(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<HashMap<i32, Vec<String>>> {
    let pairs: Vec<(i32, String)> = request_tags::table
        .filter(request_tags::request_id.eq_any(ids))
        .order((request_tags::request_id, request_tags::tag))
        .select((request_tags::request_id, request_tags::tag))
        .load(conn)?;
    let mut map: HashMap<i32, Vec<String>> = HashMap::new();
    for (id, tag) in pairs {
        map.entry(id).or_default().push(tag);
    }
    Ok(map)
}

pub fn set_tags(conn: &mut DbConnection, id: i32, tags: &[String]) -> QueryResult<()> {
    diesel::delete(request_tags::table.filter(request_tags::request_id.eq(id))).execute(conn)?;
    for tag in tags {
        diesel::insert_into(request_tags::table)
            .values((request_tags::request_id.eq(id), request_tags::tag.eq(tag)))
            .execute(conn)?;
    }
    Ok(())
}

/// Every tag in use on the requests a viewer may see, for the list's filter: the tags of
/// another organisation's drafts and subject access requests are theirs alone.
pub fn all_tags(conn: &mut DbConnection, scope: Scope) -> QueryResult<Vec<String>> {
    let mut query = request_tags::table
        .inner_join(requests::table)
        .select(request_tags::tag)
        .distinct()
        .order(request_tags::tag)
        .into_boxed::<Backend>();
    if let Scope::SeenBy(organisation) = scope {
        query = query.filter(seen_by(organisation));
    }
    query.load(conn)
}

/// The requests of other organisations a viewer may see: none of their drafts or subject
/// access requests, unless the viewer sees everything (auditors).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Scope {
    #[default]
    Everything,
    /// An organisation's own requests, and the others' public ones.
    SeenBy(i32),
}

/// What a member of `organisation` may see: its own requests, and the others' that are
/// neither drafts nor subject access requests.
#[diesel::dsl::auto_type]
pub(crate) fn seen_by(organisation: i32) -> _ {
    let draft: String = Status::Draft.to_string();
    let sar: String = Regime::Sar.to_string();
    requests::organisation_id
        .eq(organisation)
        .or(requests::status.ne(draft).and(requests::regime.ne(sar)))
}

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

fn filtered<'a>(filter: &'a RequestFilter, today: NaiveDate) -> requests::BoxedQuery<'a, Backend> {
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
        let done = [Status::Draft, Status::Closed, Status::Withdrawn, Status::Lapsed].map(|s| s.to_string());
        query = query
            .filter(requests::status.ne_all(done))
            // A skipped quarterly repeat is nothing to do.
            .filter(requests::skipped_at.is_null());
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
        query = query.filter(diesel::dsl::exists(
            request_tags::table
                .filter(request_tags::request_id.eq(requests::id))
                .filter(request_tags::tag.eq(tag)),
        ));
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
    let next_due = deadlines::table
        .filter(deadlines::request_id.eq(requests::id))
        .filter(deadlines::settled_state.is_null())
        .select(diesel::dsl::min(deadlines::due))
        .single_value();
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
        .select(Row::as_select())
        .load(conn)?;
    Ok((rows(page)?, total))
}

/// An organisation's requests in a status, newest first.
pub fn with_status(
    conn: &mut DbConnection,
    organisation_id: i32,
    status: Status,
    limit: i64,
) -> QueryResult<Vec<Request>> {
    rows(
        requests::table
            .filter(requests::organisation_id.eq(organisation_id))
            .filter(requests::status.eq(status.to_string()))
            // A skipped quarterly repeat is nothing to do.
            .filter(requests::skipped_at.is_null())
            .order(requests::id.desc())
            .limit(limit)
            .select(Row::as_select())
            .load(conn)?,
    )
}

pub fn count_with_status(conn: &mut DbConnection, organisation_id: i32, status: Status) -> QueryResult<i64> {
    requests::table
        .filter(requests::organisation_id.eq(organisation_id))
        .filter(requests::status.eq(status.to_string()))
        .filter(requests::skipped_at.is_null())
        .count()
        .get_result(conn)
}

/// The coalition's other requests under `regime` to an authority sent from `since` to
/// `until`, and the drafts to it of the organisation `drafts_of`.
pub fn to_authority_between(
    conn: &mut DbConnection,
    drafts_of: i32,
    authority_id: i32,
    regime: Regime,
    since: NaiveDate,
    until: NaiveDate,
    except: Option<i32>,
) -> QueryResult<Vec<Request>> {
    rows(
        requests::table
            .filter(requests::authority_id.eq(authority_id))
            .filter(requests::regime.eq(regime.to_string()))
            .filter(requests::id.ne(except.unwrap_or(0)))
            .filter(
                requests::sent_on.between(since, until).or(requests::status
                    .eq(Status::Draft.to_string())
                    .and(requests::organisation_id.eq(drafts_of))),
            )
            // Sent requests newest first, then drafts: the same order on both backends.
            .order((
                requests::sent_on.is_null(),
                requests::sent_on.desc(),
                requests::id.desc(),
            ))
            .limit(50)
            .select(Row::as_select())
            .load(conn)?,
    )
}

/// The names and short names of these authorities.
pub fn authority_names(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<HashMap<i32, (String, String)>> {
    Ok(authorities::table
        .filter(authorities::id.eq_any(ids))
        .select((authorities::id, authorities::name, authorities::short_name))
        .load::<(i32, String, String)>(conn)?
        .into_iter()
        .map(|(id, name, short)| (id, (name, short)))
        .collect())
}

/// Gives a user's requests to another; returns the ids handed over.
pub fn hand_over(conn: &mut DbConnection, from: i32, to: i32, now: NaiveDateTime) -> QueryResult<Vec<i32>> {
    let ids: Vec<i32> = requests::table
        .filter(requests::owner_id.eq(from))
        .select(requests::id)
        .order(requests::id)
        .load(conn)?;
    diesel::update(requests::table.filter(requests::owner_id.eq(from)))
        .set((requests::owner_id.eq(to), requests::updated_at.eq(now)))
        .execute(conn)?;
    Ok(ids)
}

pub fn set_repeats(
    conn: &mut DbConnection,
    id: i32,
    repeats: bool,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(requests::table.find(id))
        .set((requests::repeats.eq(repeats), requests::updated_at.eq(now)))
        .execute(conn)
}

pub fn set_repeat_of(conn: &mut DbConnection, id: i32, of: i32) -> QueryResult<usize> {
    diesel::update(requests::table.find(id))
        .set(requests::repeat_of.eq(Some(of)))
        .execute(conn)
}

pub fn skip(conn: &mut DbConnection, id: i32, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(requests::table.find(id).filter(requests::skipped_at.is_null()))
        .set((requests::skipped_at.eq(Some(now)), requests::updated_at.eq(now)))
        .execute(conn)
}

/// A request's place in a quarterly series: (repeats, repeat_of, skipped_at).
pub fn repeat_state(
    conn: &mut DbConnection,
    id: i32,
) -> QueryResult<(bool, Option<i32>, Option<NaiveDateTime>)> {
    requests::table
        .find(id)
        .select((requests::repeats, requests::repeat_of, requests::skipped_at))
        .first(conn)
}

/// The requests set to repeat that have no successor yet: the ends of their series.
pub fn series_ends(conn: &mut DbConnection) -> QueryResult<Vec<i32>> {
    let repeating: Vec<i32> = requests::table
        .filter(requests::repeats.eq(true))
        .select(requests::id)
        .load(conn)?;
    let repeated: std::collections::HashSet<i32> = requests::table
        .filter(requests::repeat_of.is_not_null())
        .select(requests::repeat_of)
        .load::<Option<i32>>(conn)?
        .into_iter()
        .flatten()
        .collect();
    Ok(repeating
        .into_iter()
        .filter(|id| !repeated.contains(id))
        .collect())
}

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    requests::table.count().get_result(conn)
}
