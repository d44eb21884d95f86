//! The outbox of owed notices: what is due to send, marking it sent or failed, retrying,
//! and what people see of it.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::requests::{seen_by, Scope};
use super::schema::{outbox, requests, users};
use super::DbConnection;
use crate::domain::reminders::{Delivery, OutboxStatus};
use crate::domain::timeline::{DeadlineKind, Party};

/// A notice in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxNotice {
    pub id: i32,
    pub key: String,
    pub user_id: i32,
    /// The recipient's address now: a changed address is used from the next send.
    pub recipient: String,
    pub delivery: Delivery,
    pub batch: Option<String>,
    pub request_id: i32,
    pub kind: DeadlineKind,
    pub party: Party,
    pub due: NaiveDate,
    pub stage: String,
    pub scheduled: NaiveDate,
    pub pause_overridden: bool,
    pub status: OutboxStatus,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub next_attempt_at: NaiveDateTime,
    pub message_id: Option<String>,
    pub planned_at: NaiveDateTime,
    pub sent_at: Option<NaiveDateTime>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = outbox)]
struct OutboxRow {
    id: i32,
    key: String,
    user_id: i32,
    delivery: Delivery,
    batch: Option<String>,
    request_id: i32,
    deadline_kind: DeadlineKind,
    due: NaiveDate,
    stage: String,
    scheduled: NaiveDate,
    pause_overridden: bool,
    status: OutboxStatus,
    attempts: i32,
    last_error: Option<String>,
    next_attempt_at: NaiveDateTime,
    message_id: Option<String>,
    planned_at: NaiveDateTime,
    sent_at: Option<NaiveDateTime>,
}

impl OutboxRow {
    fn into_notice(self, recipient: String) -> QueryResult<OutboxNotice> {
        let kind = self.deadline_kind;
        Ok(OutboxNotice {
            id: self.id,
            key: self.key,
            user_id: self.user_id,
            recipient,
            delivery: self.delivery,
            batch: self.batch,
            request_id: self.request_id,
            kind,
            party: kind.party(),
            due: self.due,
            stage: self.stage,
            scheduled: self.scheduled,
            pause_overridden: self.pause_overridden,
            status: self.status,
            attempts: self.attempts,
            last_error: self.last_error,
            next_attempt_at: self.next_attempt_at,
            message_id: self.message_id,
            planned_at: self.planned_at,
            sent_at: self.sent_at,
        })
    }
}

fn notices(rows: Vec<(OutboxRow, String)>) -> QueryResult<Vec<OutboxNotice>> {
    rows.into_iter()
        .map(|(row, email)| row.into_notice(email))
        .collect()
}

/// Notices whose time to be sent (or retried) has come, oldest first, to active users. A
/// failed notice is retried for as long as it is owed: the next sweep cancels it once a
/// later stage overtakes it.
pub fn sendable(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<Vec<OutboxNotice>> {
    let rows = outbox::table
        .inner_join(users::table)
        .filter(outbox::status.eq_any([OutboxStatus::Pending, OutboxStatus::Failed]))
        .filter(outbox::next_attempt_at.le(now))
        .filter(users::active.eq(true))
        .order(outbox::id)
        .select((OutboxRow::as_select(), users::email))
        .load(conn)?;
    notices(rows)
}

/// What the outbox page lists: the newest first, of one status or all, for the requests of
/// one organisation or all.
pub fn list(
    conn: &mut DbConnection,
    organisation_id: Option<i32>,
    scope: Scope,
    status: Option<OutboxStatus>,
    limit: i64,
) -> QueryResult<Vec<OutboxNotice>> {
    let mut query = outbox::table
        .inner_join(requests::table)
        .inner_join(users::table)
        .select((OutboxRow::as_select(), users::email))
        .order(outbox::id.desc())
        .limit(limit)
        .into_boxed::<<DbConnection as diesel::Connection>::Backend>();
    if let Some(organisation_id) = organisation_id {
        query = query.filter(requests::organisation_id.eq(organisation_id));
    }
    if let Scope::SeenBy(organisation) = scope {
        query = query.filter(seen_by(organisation));
    }
    if let Some(status) = status {
        query = query.filter(outbox::status.eq(status));
    }
    notices(query.load(conn)?)
}

/// The ids of the failed notices of one organisation's requests, or of all.
pub fn failed_ids(
    conn: &mut DbConnection,
    organisation_id: Option<i32>,
    scope: Scope,
) -> QueryResult<Vec<i32>> {
    let mut query = outbox::table
        .inner_join(requests::table)
        .filter(outbox::status.eq(OutboxStatus::Failed))
        .select(outbox::id)
        .into_boxed::<<DbConnection as diesel::Connection>::Backend>();
    if let Some(organisation_id) = organisation_id {
        query = query.filter(requests::organisation_id.eq(organisation_id));
    }
    if let Scope::SeenBy(organisation) = scope {
        query = query.filter(seen_by(organisation));
    }
    query.load(conn)
}

/// How many notices of each status, for one organisation's requests or all.
pub fn counts(
    conn: &mut DbConnection,
    organisation_id: Option<i32>,
    scope: Scope,
) -> QueryResult<HashMap<OutboxStatus, i64>> {
    let mut query = outbox::table
        .inner_join(requests::table)
        .group_by(outbox::status)
        .select((outbox::status, diesel::dsl::count_star()))
        .into_boxed::<<DbConnection as diesel::Connection>::Backend>();
    if let Some(organisation_id) = organisation_id {
        query = query.filter(requests::organisation_id.eq(organisation_id));
    }
    if let Scope::SeenBy(organisation) = scope {
        query = query.filter(seen_by(organisation));
    }
    Ok(query.load::<(OutboxStatus, i64)>(conn)?.into_iter().collect())
}

/// Records a message as sent, whatever happened to its notices meanwhile: it was sent.
pub fn mark_sent(
    conn: &mut DbConnection,
    ids: &[i32],
    message_id: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(outbox::table.filter(outbox::id.eq_any(ids)))
        .set((
            outbox::status.eq(OutboxStatus::Sent),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::message_id.eq(message_id),
            outbox::sent_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Records a failed attempt; a notice cancelled meanwhile stays cancelled.
pub fn mark_failed(
    conn: &mut DbConnection,
    ids: &[i32],
    error: &str,
    next_attempt_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(
        outbox::table
            .filter(outbox::id.eq_any(ids))
            .filter(outbox::status.eq_any([OutboxStatus::Pending, OutboxStatus::Failed])),
    )
    .set((
        outbox::status.eq(OutboxStatus::Failed),
        outbox::attempts.eq(outbox::attempts + 1),
        outbox::last_error.eq(error),
        outbox::next_attempt_at.eq(next_attempt_at),
    ))
    .execute(conn)?;
    Ok(())
}

/// Makes failed notices due at once.
pub fn retry(conn: &mut DbConnection, ids: &[i32], now: NaiveDateTime) -> QueryResult<usize> {
    let mut retried = 0;
    for chunk in ids.chunks(500) {
        retried += diesel::update(
            outbox::table
                .filter(outbox::id.eq_any(chunk))
                .filter(outbox::status.eq(OutboxStatus::Failed)),
        )
        .set(outbox::next_attempt_at.eq(now))
        .execute(conn)?;
    }
    Ok(retried)
}
