//! Requests, their tags, and the status index the engine writes.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{authorities, request_tags, requests};
use super::{last_insert_id, DbConnection};
use crate::domain::regime::Regime;
use crate::domain::request::SentVia;
use crate::domain::timeline::Status;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Queryable, Selectable)]
#[diesel(table_name = requests)]
pub struct Request {
    pub id: i32,
    #[diesel(embed)]
    #[serde(flatten)]
    pub values: RequestValues,
    pub organisation_id: i32,
    /// As the engine last wrote it; brought up to date on `reindex_on` before it is read.
    pub status: Status,
    pub reindex_on: Option<NaiveDate>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// What a user sets on a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = requests, treat_none_as_null = true)]
pub struct RequestValues {
    pub title: String,
    pub body: String,
    pub authority_id: i32,
    pub regime: Regime,
    pub sent_via: SentVia,
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
        .select(Request::as_select())
        .first(conn)
        .optional()
}

/// An open request that carries the authority's reference: its id, the reference, and the
/// authority's FOI address.
pub type Referenced = (i32, String, Option<String>);

/// The organisation's requests still open (sent, not closed, withdrawn or lapsed) that carry
/// the authority's reference.
pub fn open_references_of(conn: &mut DbConnection, organisation_id: i32) -> QueryResult<Vec<Referenced>> {
    use super::schema::authorities;
    let ended = [Status::Draft, Status::Closed, Status::Withdrawn, Status::Lapsed];
    requests::table
        .inner_join(authorities::table)
        .filter(requests::organisation_id.eq(organisation_id))
        .filter(requests::reference.is_not_null())
        .filter(requests::status.ne_all(ended))
        .select((
            requests::id,
            requests::reference.assume_not_null(),
            authorities::foi_email,
        ))
        .load(conn)
}

/// Many requests by id, in one query.
pub fn find_many(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<Vec<Request>> {
    requests::table
        .filter(requests::id.eq_any(ids))
        .order(requests::id)
        .select(Request::as_select())
        .load(conn)
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

/// Marks request `id` changed at `now`, when something it holds (what it asks for) changed,
/// so that its version moves on.
pub fn touch(conn: &mut DbConnection, id: i32, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(requests::table.find(id))
        .set(requests::updated_at.eq(now))
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

/// Records that a request went by `via` (the tracker's own email).
pub fn set_sent_via(conn: &mut DbConnection, id: i32, via: SentVia) -> QueryResult<usize> {
    diesel::update(requests::table.find(id))
        .set(requests::sent_via.eq(via))
        .execute(conn)
}

/// Writes the engine's status into the index, and the day it must be computed again.
pub fn set_status(
    conn: &mut DbConnection,
    id: i32,
    status: Status,
    reindex_on: Option<NaiveDate>,
    next_due: Option<NaiveDate>,
) -> QueryResult<usize> {
    diesel::update(requests::table.find(id))
        .set((
            requests::status.eq(status.to_string()),
            requests::reindex_on.eq(reindex_on),
            requests::next_due.eq(next_due),
        ))
        .execute(conn)
}

/// Requests whose index is out of date on `today`: a deadline has passed since it was written.
pub fn due_for_reindex(conn: &mut DbConnection, today: NaiveDate, limit: i64) -> QueryResult<Vec<i32>> {
    requests::table
        .filter(requests::reindex_on.le(today))
        // In the index's order: asking whether there is any costs one probe.
        .order((requests::reindex_on, requests::id))
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
    let tags = request_tags::table
        .group_by(request_tags::tag)
        .select(request_tags::tag)
        .order(request_tags::tag);
    let Scope::SeenBy(organisation) = scope else {
        return tags.load(conn);
    };
    // One probe a tag (the groups come from the tag index), not a look at every tagged
    // request: the first request the viewer may see settles it.
    let tagged = diesel::alias!(request_tags as tagged);
    tags.having(diesel::dsl::exists(
        tagged
            .inner_join(requests::table.on(requests::id.eq(tagged.field(request_tags::request_id))))
            .filter(tagged.field(request_tags::tag).eq(request_tags::tag))
            .filter(seen_by(organisation))
            .select(tagged.field(request_tags::request_id)),
    ))
    .load(conn)
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

/// The requests whose existence the public, and every other organisation, may know of:
/// neither drafts nor subject access requests.
#[diesel::dsl::auto_type]
pub(crate) fn public() -> _ {
    let draft: String = Status::Draft.to_string();
    let sar: String = Regime::Sar.to_string();
    requests::status.ne(draft).and(requests::regime.ne(sar))
}

/// What a member of `organisation` may see: its own requests, and the others' public ones.
#[diesel::dsl::auto_type]
pub(crate) fn seen_by(organisation: i32) -> _ {
    requests::organisation_id.eq(organisation).or(public())
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
        .select(Request::as_select())
        .load(conn)
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

pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    requests::table.count().get_result(conn)
}

/// Gives a request the token of its reply address.
pub fn set_reply_token(conn: &mut DbConnection, request_id: i32, token: &str) -> QueryResult<usize> {
    diesel::update(requests::table.find(request_id))
        .set(requests::reply_token.eq(token))
        .execute(conn)
}

pub fn reply_token(conn: &mut DbConnection, request_id: i32) -> QueryResult<Option<String>> {
    requests::table
        .find(request_id)
        .select(requests::reply_token)
        .first(conn)
}
