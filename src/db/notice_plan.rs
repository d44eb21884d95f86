//! Writing the plan into the outbox: new notices, readdressed or cancelled ones, without
//! ever writing the same notice twice.

use std::collections::BTreeSet;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::{exists, not};
use diesel::prelude::*;

use super::schema::{deadlines, outbox};
use super::DbConnection;
use crate::domain::reminders::Delivery;
use crate::domain::reminders::OutboxStatus;
use crate::domain::timeline::DeadlineKind;

/// A notice found owed, as it enters the outbox (as `pending`).
#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = outbox, treat_none_as_default_value = false)]
pub struct NewNotice {
    pub key: String,
    pub user_id: i32,
    pub delivery: Delivery,
    pub batch: Option<String>,
    pub request_id: i32,
    pub deadline_kind: DeadlineKind,
    pub due: NaiveDate,
    pub stage: String,
    pub scheduled: NaiveDate,
    pub pause_overridden: bool,
    pub next_attempt_at: NaiveDateTime,
    pub planned_at: NaiveDateTime,
}

/// Rows per INSERT on SQLite: it allows 32,766 bound values, 10 a row.
const INSERT_CHUNK: usize = 3_000;

/// Adds the notices not yet in the outbox; returns how many were new. A key already there
/// (sent, pending, failed or cancelled) is left as it is: that is what makes a notice owed on
/// many days, or planned by two instances, one message.
pub fn plan(conn: &mut DbConnection, notices: &[NewNotice]) -> QueryResult<usize> {
    match conn {
        DbConnection::Sqlite(c) => plan_sqlite(c, notices),
        DbConnection::Postgres(c) => plan_postgres(c, notices),
    }
}

/// Many rows a statement, and what a sweep's notices share (when they were planned and
/// may first be tried) bound once a statement. A date is bound as the text SQLite stores it
/// as, written directly: chrono's general formatter, which Diesel uses, was a sixth of a
/// 100,000-notice sweep's writing.
fn plan_sqlite(conn: &mut diesel::SqliteConnection, notices: &[NewNotice]) -> QueryResult<usize> {
    use diesel::sql_types::{Bool, Integer, Nullable, Text, Timestamp};
    let mut added = 0;
    let same_times =
        |a: &NewNotice, b: &NewNotice| a.next_attempt_at == b.next_attempt_at && a.planned_at == b.planned_at;
    for batch in notices.chunk_by(same_times) {
        for chunk in batch.chunks(INSERT_CHUNK) {
            let rows = vec!["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"; chunk.len()].join(", ");
            let mut query = diesel::sql_query(format!(
                "INSERT INTO outbox (next_attempt_at, planned_at, key, user_id, delivery, batch, \
                 request_id, deadline_kind, due, stage, scheduled, pause_overridden) \
                 SELECT ?, ?, * FROM (VALUES {rows}) WHERE true ON CONFLICT (key) DO NOTHING"
            ))
            .into_boxed::<diesel::sqlite::Sqlite>()
            .bind::<Timestamp, _>(chunk[0].next_attempt_at)
            .bind::<Timestamp, _>(chunk[0].planned_at);
            for n in chunk {
                query = query
                    .bind::<Text, _>(&n.key)
                    .bind::<Integer, _>(n.user_id)
                    .bind::<Text, _>(&n.delivery)
                    .bind::<Nullable<Text>, _>(&n.batch)
                    .bind::<Integer, _>(n.request_id)
                    .bind::<Text, _>(&n.deadline_kind)
                    .bind::<Text, _>(iso_date(n.due))
                    .bind::<Text, _>(&n.stage)
                    .bind::<Text, _>(iso_date(n.scheduled))
                    .bind::<Bool, _>(n.pause_overridden);
            }
            added += query.execute(conn)?;
        }
    }
    Ok(added)
}

/// A date as Diesel stores it in SQLite (`%F`).
fn iso_date(date: NaiveDate) -> String {
    use chrono::Datelike;
    match date.year() {
        0..=9999 => format!("{:04}-{:02}-{:02}", date.year(), date.month(), date.day()),
        _ => date.format("%F").to_string(),
    }
}

/// One array per column and one statement per 10,000 rows: binding each value of a
/// 100,000-row sweep one by one costs PostgreSQL more than the writing itself.
fn plan_postgres(conn: &mut diesel::PgConnection, notices: &[NewNotice]) -> QueryResult<usize> {
    use diesel::sql_types::{Array, Bool, Date, Integer, Nullable, Text, Timestamp};
    let mut added = 0;
    for chunk in notices.chunks(10_000) {
        let column = |f: fn(&NewNotice) -> String| chunk.iter().map(f).collect::<Vec<String>>();
        added += diesel::sql_query(
            "INSERT INTO outbox (key, user_id, delivery, batch, request_id, deadline_kind, due, stage, \
             scheduled, pause_overridden, next_attempt_at, planned_at) \
             SELECT * FROM unnest($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
             ON CONFLICT (key) DO NOTHING",
        )
        .bind::<Array<Text>, _>(column(|n| n.key.clone()))
        .bind::<Array<Integer>, _>(chunk.iter().map(|n| n.user_id).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(column(|n| n.delivery.to_string()))
        .bind::<Array<Nullable<Text>>, _>(chunk.iter().map(|n| n.batch.clone()).collect::<Vec<_>>())
        .bind::<Array<Integer>, _>(chunk.iter().map(|n| n.request_id).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(column(|n| n.deadline_kind.to_string()))
        .bind::<Array<Date>, _>(chunk.iter().map(|n| n.due).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(column(|n| n.stage.clone()))
        .bind::<Array<Date>, _>(chunk.iter().map(|n| n.scheduled).collect::<Vec<_>>())
        .bind::<Array<Bool>, _>(chunk.iter().map(|n| n.pause_overridden).collect::<Vec<_>>())
        .bind::<Array<Timestamp>, _>(chunk.iter().map(|n| n.next_attempt_at).collect::<Vec<_>>())
        .bind::<Array<Timestamp>, _>(chunk.iter().map(|n| n.planned_at).collect::<Vec<_>>())
        .execute(conn)?;
    }
    Ok(added)
}

/// Makes an unsent notice go out as `notice` plans it. A cancelled one owed again (a
/// corrected event, a reverted import, a preference turned back on) starts afresh; a waiting
/// one keeps its attempts and only changes how it is delivered.
pub fn readdress(conn: &mut DbConnection, unsent: &Unsent, notice: &NewNotice) -> QueryResult<usize> {
    let row = outbox::table.find(unsent.id);
    let addressing = (
        outbox::delivery.eq(&notice.delivery),
        outbox::batch.eq(&notice.batch),
        outbox::pause_overridden.eq(notice.pause_overridden),
    );
    match unsent.status {
        OutboxStatus::Cancelled => diesel::update(row.filter(outbox::status.eq(OutboxStatus::Cancelled)))
            .set((
                addressing,
                outbox::status.eq(OutboxStatus::Pending),
                outbox::attempts.eq(0),
                outbox::last_error.eq(None::<String>),
                outbox::next_attempt_at.eq(notice.next_attempt_at),
                outbox::planned_at.eq(notice.planned_at),
            ))
            .execute(conn),
        _ => diesel::update(row.filter(outbox::status.eq_any([OutboxStatus::Pending, OutboxStatus::Failed])))
            .set(addressing)
            .execute(conn),
    }
}

/// The keys of the given notices already in the outbox, whatever their status.
pub fn known_keys(conn: &mut DbConnection, keys: &[String]) -> QueryResult<BTreeSet<String>> {
    let mut known = BTreeSet::new();
    for chunk in keys.chunks(500) {
        known.extend(
            outbox::table
                .filter(outbox::key.eq_any(chunk))
                .select(outbox::key)
                .load::<String>(conn)?,
        );
    }
    Ok(known)
}

/// A notice not sent: waiting to go out, or cancelled.
#[derive(Debug, Clone, Queryable)]
pub struct Unsent {
    pub id: i32,
    pub key: String,
    pub status: OutboxStatus,
    pub delivery: Delivery,
    pub batch: Option<String>,
    pub pause_overridden: bool,
}

impl Unsent {
    /// Whether it goes out as `notice` would: the recipient may have changed how they take
    /// reminders, or gone on leave, since it was planned.
    pub fn addressed_as(&self, notice: &NewNotice) -> bool {
        self.delivery == notice.delivery
            && self.batch == notice.batch
            && self.pause_overridden == notice.pause_overridden
    }
}

/// Every notice not sent, of one request or all.
pub fn unsent(conn: &mut DbConnection, request_id: Option<i32>) -> QueryResult<Vec<Unsent>> {
    let mut query = outbox::table
        .filter(outbox::status.eq_any([
            OutboxStatus::Pending,
            OutboxStatus::Failed,
            OutboxStatus::Cancelled,
        ]))
        .select((
            outbox::id,
            outbox::key,
            outbox::status,
            outbox::delivery,
            outbox::batch,
            outbox::pause_overridden,
        ))
        .into_boxed::<<DbConnection as diesel::Connection>::Backend>();
    if let Some(id) = request_id {
        query = query.filter(outbox::request_id.eq(id));
    }
    query.load(conn)
}

/// Marks notices no longer owed as cancelled, with the reason kept as their last error.
pub fn cancel(conn: &mut DbConnection, ids: &[i32], reason: &str) -> QueryResult<usize> {
    let mut cancelled = 0;
    for chunk in ids.chunks(500) {
        cancelled += diesel::update(
            outbox::table
                .filter(outbox::id.eq_any(chunk))
                .filter(outbox::status.eq_any([OutboxStatus::Pending, OutboxStatus::Failed])),
        )
        .set((
            outbox::status.eq(OutboxStatus::Cancelled),
            outbox::last_error.eq(reason),
        ))
        .execute(conn)?;
    }
    Ok(cancelled)
}

/// Cancels the unsent notices about a drafted repeat being sent: when it is skipped, or what
/// it asks for changes (the next sweep plans them again if they are still owed).
pub fn cancel_repeat_notices(conn: &mut DbConnection, request_id: i32, reason: &str) -> QueryResult<usize> {
    diesel::update(
        outbox::table
            .filter(outbox::request_id.eq(request_id))
            .filter(outbox::deadline_kind.eq(DeadlineKind::SendRepeat.to_string()))
            .filter(outbox::status.eq_any([OutboxStatus::Pending, OutboxStatus::Failed])),
    )
    .set((
        outbox::status.eq(OutboxStatus::Cancelled),
        outbox::last_error.eq(reason),
    ))
    .execute(conn)
}

/// Cancels the unsent notices of `request_id` (of every request, if `None`) whose deadline is
/// no longer open at that due date: an event met it, or a recomputation moved it.
pub fn cancel_stale(conn: &mut DbConnection, request_id: Option<i32>) -> QueryResult<usize> {
    let still_open = exists(
        deadlines::table
            .filter(deadlines::request_id.eq(outbox::request_id))
            .filter(deadlines::kind.eq(outbox::deadline_kind))
            .filter(deadlines::due.eq(outbox::due))
            .filter(deadlines::settled_state.is_null()),
    );
    // The coalition's own deadlines (a repeat to send, a reply to classify) have no row in
    // the index: planning alone decides their notices.
    let unindexed: Vec<String> = <DeadlineKind as strum::VariantArray>::VARIANTS
        .iter()
        .filter(|kind| !kind.indexed())
        .map(ToString::to_string)
        .collect();
    let stale = outbox::table
        .filter(outbox::status.eq_any([OutboxStatus::Pending, OutboxStatus::Failed]))
        .filter(outbox::deadline_kind.ne_all(unindexed))
        .filter(not(still_open));
    let reason = "no longer owed: the deadline was met or moved";
    let set = (
        outbox::status.eq(OutboxStatus::Cancelled),
        outbox::last_error.eq(reason),
    );
    match request_id {
        Some(id) => diesel::update(stale.filter(outbox::request_id.eq(id)))
            .set(set)
            .execute(conn),
        None => diesel::update(stale).set(set).execute(conn),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The outbox's dates are compared with dates Diesel wrote: they must be the same text.
    #[test]
    fn a_date_is_written_as_diesel_writes_it() {
        for (y, m, d) in [
            (2026, 5, 11),
            (1, 1, 1),
            (999, 12, 31),
            (9999, 12, 31),
            (10000, 1, 1),
            (-1, 6, 30),
        ] {
            let date = NaiveDate::from_ymd_opt(y, m, d).unwrap();
            assert_eq!(iso_date(date), date.format("%F").to_string());
        }
    }
}
