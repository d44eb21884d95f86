//! The record of reminder sweeps and the backlog they leave.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{outbox, reminder_sweeps};
use super::DbConnection;
use crate::domain::reminders::OutboxStatus;

/// A sweep as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Queryable)]
pub struct Sweep {
    pub id: i32,
    pub today: NaiveDate,
    pub started_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
    pub planned: i32,
    pub sent: i32,
    pub failed: i32,
    pub cancelled: i32,
}

pub fn start_sweep(conn: &mut DbConnection, today: NaiveDate, now: NaiveDateTime) -> QueryResult<i32> {
    diesel::insert_into(reminder_sweeps::table)
        .values((
            reminder_sweeps::today.eq(today),
            reminder_sweeps::started_at.eq(now),
        ))
        .execute(conn)?;
    super::last_insert_id(conn)
}

pub fn finish_sweep(
    conn: &mut DbConnection,
    id: i32,
    (planned, sent, failed, cancelled): (usize, usize, usize, usize),
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(reminder_sweeps::table.find(id))
        .set((
            reminder_sweeps::finished_at.eq(now),
            reminder_sweeps::planned.eq(planned as i32),
            reminder_sweeps::sent.eq(sent as i32),
            reminder_sweeps::failed.eq(failed as i32),
            reminder_sweeps::cancelled.eq(cancelled as i32),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn last_sweep(conn: &mut DbConnection) -> QueryResult<Option<Sweep>> {
    reminder_sweeps::table
        .order(reminder_sweeps::id.desc())
        .first(conn)
        .optional()
}

/// When the last sweep that finished had started.
pub fn last_finished_sweep(conn: &mut DbConnection) -> QueryResult<Option<NaiveDateTime>> {
    reminder_sweeps::table
        .filter(reminder_sweeps::finished_at.is_not_null())
        .select(diesel::dsl::max(reminder_sweeps::started_at))
        .first(conn)
}

/// What the outbox holds unsent, for the metrics: pending and failed notices, and when the
/// oldest of them was planned.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Backlog {
    pub pending: i64,
    pub failed: i64,
    pub oldest_planned: Option<NaiveDateTime>,
}

pub fn backlog(conn: &mut DbConnection) -> QueryResult<Backlog> {
    let counts: Vec<(OutboxStatus, i64)> = outbox::table
        .filter(outbox::status.eq_any([OutboxStatus::Pending, OutboxStatus::Failed]))
        .group_by(outbox::status)
        .select((outbox::status, diesel::dsl::count_star()))
        .load(conn)?;
    let count = |status| counts.iter().find(|(s, _)| *s == status).map_or(0, |(_, n)| *n);
    let oldest_planned = outbox::table
        .filter(outbox::status.eq_any([OutboxStatus::Pending, OutboxStatus::Failed]))
        .select(diesel::dsl::min(outbox::planned_at))
        .first(conn)?;
    Ok(Backlog {
        pending: count(OutboxStatus::Pending),
        failed: count(OutboxStatus::Failed),
        oldest_planned,
    })
}
