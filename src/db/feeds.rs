//! Calendar feeds: the secret that opens a user's feed (stored as its SHA-256), and the
//! deadlines a feed shows, read from the stored deadline index.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::requests::Scope;
use super::schema::{authorities, calendar_feeds, deadlines, requests};
use super::{last_insert_id, DbConnection};
use crate::domain::regime::Regime;
use crate::domain::timeline::{DeadlineKind, DeadlineState};

pub fn insert(
    conn: &mut DbConnection,
    user_id: i32,
    token_hash: &str,
    now: NaiveDateTime,
) -> QueryResult<i32> {
    diesel::insert_into(calendar_feeds::table)
        .values((
            calendar_feeds::user_id.eq(user_id),
            calendar_feeds::token_hash.eq(token_hash),
            calendar_feeds::created_at.eq(now),
        ))
        .execute(conn)?;
    last_insert_id(conn)
}

/// The user of a live feed.
pub fn user_of(conn: &mut DbConnection, token_hash: &str) -> QueryResult<Option<i32>> {
    calendar_feeds::table
        .filter(calendar_feeds::token_hash.eq(token_hash))
        .filter(calendar_feeds::revoked_at.is_null())
        .select(calendar_feeds::user_id)
        .first(conn)
        .optional()
}

/// When the user's live feed was made, if they have one.
pub fn live_since(conn: &mut DbConnection, user_id: i32) -> QueryResult<Option<NaiveDateTime>> {
    calendar_feeds::table
        .filter(calendar_feeds::user_id.eq(user_id))
        .filter(calendar_feeds::revoked_at.is_null())
        .select(calendar_feeds::created_at)
        .first(conn)
        .optional()
}

/// Revokes the user's live feeds; how many there were.
pub fn revoke(conn: &mut DbConnection, user_id: i32, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        calendar_feeds::table
            .filter(calendar_feeds::user_id.eq(user_id))
            .filter(calendar_feeds::revoked_at.is_null()),
    )
    .set(calendar_feeds::revoked_at.eq(now))
    .execute(conn)
}

/// A deadline as a feed shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedDeadline {
    pub request_id: i32,
    pub position: i32,
    pub title: String,
    pub reference: Option<String>,
    pub regime: Regime,
    pub authority: String,
    pub kind: DeadlineKind,
    pub due: NaiveDate,
    pub settled: Option<DeadlineState>,
    pub rule: String,
}

type Row = (
    i32,
    i32,
    String,
    Option<String>,
    Regime,
    String,
    DeadlineKind,
    NaiveDate,
    Option<DeadlineState>,
    String,
);

/// Every deadline, void ones aside, of the requests a viewer may see, in request order.
pub fn visible(conn: &mut DbConnection, scope: Scope) -> QueryResult<Vec<FeedDeadline>> {
    let mut query = deadlines::table
        .inner_join(requests::table.inner_join(authorities::table))
        .filter(
            deadlines::settled_state
                .is_null()
                .or(deadlines::settled_state.ne(DeadlineState::Void.to_string())),
        )
        .into_boxed::<<DbConnection as diesel::Connection>::Backend>();
    if let Scope::SeenBy(organisation) = scope {
        query = query.filter(super::requests::seen_by(organisation));
    }
    let rows: Vec<Row> = query
        .order((deadlines::request_id, deadlines::position))
        .select((
            deadlines::request_id,
            deadlines::position,
            requests::title,
            requests::reference,
            requests::regime,
            authorities::short_name,
            deadlines::kind,
            deadlines::due,
            deadlines::settled_state,
            deadlines::rule,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(
            |(request_id, position, title, reference, regime, authority, kind, due, settled, rule)| {
                Ok(FeedDeadline {
                    request_id,
                    position,
                    title,
                    reference,
                    regime,
                    authority,
                    kind,
                    due,
                    settled,
                    rule,
                })
            },
        )
        .collect()
}
