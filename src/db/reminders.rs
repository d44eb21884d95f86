//! Reminders: each user's preferences, the outbox of owed notices, and the record of sweeps.

use std::collections::{BTreeSet, HashMap};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::{exists, not};
use diesel::prelude::*;
use serde::Serialize;

use super::schema::{authorities, deadlines, outbox, reminder_preferences, reminder_sweeps, requests, users};
use super::{closed, DbConnection};
use crate::domain::account::Role;
use crate::domain::regime::Regime;
use crate::domain::reminders::{DeadlineFacts, Delivery, NoticeKind, Preferences, Recipient};
use crate::domain::timeline::{DeadlineKind, Party};

/// The statuses a notice can have in the outbox. `failed` is retried until it has had
/// [`MAX_ATTEMPTS`]; `cancelled` is a notice no longer owed (the deadline moved or was met).
pub const PENDING: &str = "pending";
pub const SENT: &str = "sent";
pub const FAILED: &str = "failed";
pub const CANCELLED: &str = "cancelled";

/// After this many failed attempts a notice stays failed, for a person to look at.
pub const MAX_ATTEMPTS: i32 = 10;

fn kinds_text(kinds: &BTreeSet<NoticeKind>) -> String {
    kinds.iter().map(|k| k.to_string()).collect::<Vec<_>>().join(",")
}

fn preferences_of(delivery: &str, kinds: &str, paused_until: Option<NaiveDate>) -> QueryResult<Preferences> {
    Ok(Preferences {
        delivery: closed(delivery)?,
        kinds: kinds
            .split(',')
            .filter(|k| !k.is_empty())
            .map(closed)
            .collect::<QueryResult<_>>()?,
        paused_until,
    })
}

/// A user's preferences, the defaults if they never set any.
pub fn preferences(conn: &mut DbConnection, user_id: i32) -> QueryResult<Preferences> {
    let row: Option<(String, String, Option<NaiveDate>)> = reminder_preferences::table
        .find(user_id)
        .select((
            reminder_preferences::delivery,
            reminder_preferences::kinds,
            reminder_preferences::paused_until,
        ))
        .first(conn)
        .optional()?;
    match row {
        Some((delivery, kinds, paused)) => preferences_of(&delivery, &kinds, paused),
        None => Ok(Preferences::default()),
    }
}

pub fn set_preferences(
    conn: &mut DbConnection,
    user_id: i32,
    preferences: &Preferences,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::delete(reminder_preferences::table.find(user_id)).execute(conn)?;
    diesel::insert_into(reminder_preferences::table)
        .values((
            reminder_preferences::user_id.eq(user_id),
            reminder_preferences::delivery.eq(preferences.delivery.to_string()),
            reminder_preferences::kinds.eq(kinds_text(&preferences.kinds)),
            reminder_preferences::paused_until.eq(preferences.paused_until),
            reminder_preferences::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Who may receive reminders: every active user with their preferences, by id, and the
/// coordinators of each organisation.
#[derive(Debug, Default)]
pub struct Recipients {
    pub by_id: HashMap<i32, Recipient>,
    pub coordinators: HashMap<i32, Vec<Recipient>>,
}

pub fn recipients(conn: &mut DbConnection) -> QueryResult<Recipients> {
    type Row = (
        i32,
        i32,
        String,
        String,
        Option<String>,
        Option<String>,
        Option<NaiveDate>,
    );
    let rows: Vec<Row> = users::table
        .left_join(reminder_preferences::table)
        .filter(users::active.eq(true))
        .order(users::id)
        .select((
            users::id,
            users::organisation_id,
            users::email,
            users::role,
            reminder_preferences::delivery.nullable(),
            reminder_preferences::kinds.nullable(),
            reminder_preferences::paused_until.nullable(),
        ))
        .load(conn)?;
    let mut found = Recipients::default();
    for (user_id, organisation_id, email, role, delivery, kinds, paused_until) in rows {
        let preferences = match (delivery, kinds) {
            (Some(delivery), Some(kinds)) => preferences_of(&delivery, &kinds, paused_until)?,
            _ => Preferences::default(),
        };
        let recipient = Recipient {
            user_id,
            email,
            preferences,
        };
        if closed::<Role>(&role)? == Role::Coordinator {
            found
                .coordinators
                .entry(organisation_id)
                .or_default()
                .push(recipient.clone());
        }
        found.by_id.insert(user_id, recipient);
    }
    Ok(found)
}

/// A deadline nothing has settled, with whom its request belongs to.
#[derive(Debug, Clone, Copy)]
pub struct OpenDeadline {
    pub facts: DeadlineFacts,
    pub organisation_id: i32,
    pub owner_id: Option<i32>,
}

/// Every deadline of every request that nothing has settled: the sweep's one read of the
/// index. Settled deadlines owe nothing, so they are not read at all.
pub fn open_deadlines(conn: &mut DbConnection) -> QueryResult<Vec<OpenDeadline>> {
    type Row = (i32, i32, String, String, NaiveDate, i32, Option<i32>);
    let rows: Vec<Row> = deadlines::table
        .inner_join(requests::table)
        .filter(deadlines::settled_state.is_null())
        .select((
            deadlines::request_id,
            deadlines::position,
            requests::regime,
            deadlines::kind,
            deadlines::due,
            requests::organisation_id,
            requests::owner_id,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(
            |(request_id, position, regime, kind, due, organisation_id, owner_id)| {
                Ok(OpenDeadline {
                    facts: DeadlineFacts {
                        request_id,
                        position,
                        regime: closed(&regime)?,
                        kind: closed(&kind)?,
                        due,
                        settled: None,
                    },
                    organisation_id,
                    owner_id,
                })
            },
        )
        .collect()
}

/// A notice a sweep found owed, as it enters the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = outbox)]
pub struct NewNotice {
    pub key: String,
    pub user_id: i32,
    pub recipient: String,
    pub delivery: String,
    pub request_id: i32,
    pub deadline_kind: String,
    pub party: String,
    pub due: NaiveDate,
    pub stage: String,
    pub scheduled: NaiveDate,
    pub pause_overridden: bool,
    pub status: String,
    pub next_attempt_at: NaiveDateTime,
    pub planned_at: NaiveDateTime,
}

/// Adds the notices not yet in the outbox; returns how many were new. A key already there
/// (sent, pending or cancelled) is left as it is: that is what makes a notice owed on many
/// days, or planned by two instances, one message.
pub fn plan(conn: &mut DbConnection, notices: &[NewNotice]) -> QueryResult<usize> {
    let mut added = 0;
    for chunk in notices.chunks(500) {
        added += match conn {
            DbConnection::Sqlite(c) => diesel::insert_or_ignore_into(outbox::table)
                .values(chunk)
                .execute(c)?,
            DbConnection::Postgres(c) => diesel::insert_into(outbox::table)
                .values(chunk)
                .on_conflict_do_nothing()
                .execute(c)?,
        };
    }
    Ok(added)
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

/// (id, key) of every notice still waiting to go out.
pub fn unsent(conn: &mut DbConnection) -> QueryResult<Vec<(i32, String)>> {
    outbox::table
        .filter(outbox::status.eq_any([PENDING, FAILED]))
        .select((outbox::id, outbox::key))
        .load(conn)
}

/// Marks notices no longer owed as cancelled, with the reason kept as their last error.
pub fn cancel(conn: &mut DbConnection, ids: &[i32], reason: &str) -> QueryResult<usize> {
    let mut cancelled = 0;
    for chunk in ids.chunks(500) {
        cancelled += diesel::update(outbox::table.filter(outbox::id.eq_any(chunk)))
            .set((outbox::status.eq(CANCELLED), outbox::last_error.eq(reason)))
            .execute(conn)?;
    }
    Ok(cancelled)
}

/// Cancels the unsent notices of `request_ids` (every request, if `None`) whose deadline is
/// no longer open at that due date: an event met it, or a recomputation moved it.
pub fn cancel_stale(conn: &mut DbConnection, request_ids: Option<&[i32]>) -> QueryResult<usize> {
    let still_open = exists(
        deadlines::table
            .filter(deadlines::request_id.eq(outbox::request_id))
            .filter(deadlines::kind.eq(outbox::deadline_kind))
            .filter(deadlines::due.eq(outbox::due))
            .filter(deadlines::settled_state.is_null()),
    );
    let stale = outbox::table
        .filter(outbox::status.eq_any([PENDING, FAILED]))
        .filter(not(still_open));
    let reason = "no longer owed: the deadline was met or moved";
    match request_ids {
        Some(ids) => diesel::update(stale.filter(outbox::request_id.eq_any(ids)))
            .set((outbox::status.eq(CANCELLED), outbox::last_error.eq(reason)))
            .execute(conn),
        None => diesel::update(stale)
            .set((outbox::status.eq(CANCELLED), outbox::last_error.eq(reason)))
            .execute(conn),
    }
}

/// A notice in the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxNotice {
    pub id: i32,
    pub key: String,
    pub user_id: i32,
    pub recipient: String,
    pub delivery: Delivery,
    pub request_id: i32,
    pub kind: DeadlineKind,
    pub party: Party,
    pub due: NaiveDate,
    pub stage: String,
    pub scheduled: NaiveDate,
    pub pause_overridden: bool,
    pub status: String,
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
    recipient: String,
    delivery: String,
    request_id: i32,
    deadline_kind: String,
    party: String,
    due: NaiveDate,
    stage: String,
    scheduled: NaiveDate,
    pause_overridden: bool,
    status: String,
    attempts: i32,
    last_error: Option<String>,
    next_attempt_at: NaiveDateTime,
    message_id: Option<String>,
    planned_at: NaiveDateTime,
    sent_at: Option<NaiveDateTime>,
}

impl OutboxRow {
    fn into_notice(self) -> QueryResult<OutboxNotice> {
        Ok(OutboxNotice {
            id: self.id,
            key: self.key,
            user_id: self.user_id,
            recipient: self.recipient,
            delivery: closed(&self.delivery)?,
            request_id: self.request_id,
            kind: closed(&self.deadline_kind)?,
            party: closed(&self.party)?,
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

/// Notices whose time to be sent (or retried) has come, oldest first.
pub fn sendable(conn: &mut DbConnection, now: NaiveDateTime) -> QueryResult<Vec<OutboxNotice>> {
    let rows: Vec<OutboxRow> = outbox::table
        .filter(outbox::status.eq_any([PENDING, FAILED]))
        .filter(outbox::attempts.lt(MAX_ATTEMPTS))
        .filter(outbox::next_attempt_at.le(now))
        .order(outbox::id)
        .select(OutboxRow::as_select())
        .load(conn)?;
    rows.into_iter().map(OutboxRow::into_notice).collect()
}

/// What the outbox page lists: the newest first, of one status or all, for the requests of
/// one organisation or all.
pub fn list(
    conn: &mut DbConnection,
    organisation_id: Option<i32>,
    status: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<OutboxNotice>> {
    let mut query = outbox::table
        .inner_join(requests::table)
        .select(OutboxRow::as_select())
        .order(outbox::id.desc())
        .limit(limit)
        .into_boxed::<<DbConnection as diesel::Connection>::Backend>();
    if let Some(organisation_id) = organisation_id {
        query = query.filter(requests::organisation_id.eq(organisation_id));
    }
    if let Some(status) = status {
        query = query.filter(outbox::status.eq(status.to_string()));
    }
    let rows: Vec<OutboxRow> = query.load(conn)?;
    rows.into_iter().map(OutboxRow::into_notice).collect()
}

/// How many notices of each status, for one organisation's requests or all.
pub fn counts(conn: &mut DbConnection, organisation_id: Option<i32>) -> QueryResult<HashMap<String, i64>> {
    let mut query = outbox::table
        .inner_join(requests::table)
        .group_by(outbox::status)
        .select((outbox::status, diesel::dsl::count_star()))
        .into_boxed::<<DbConnection as diesel::Connection>::Backend>();
    if let Some(organisation_id) = organisation_id {
        query = query.filter(requests::organisation_id.eq(organisation_id));
    }
    Ok(query.load::<(String, i64)>(conn)?.into_iter().collect())
}

pub fn mark_sent(
    conn: &mut DbConnection,
    ids: &[i32],
    message_id: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(outbox::table.filter(outbox::id.eq_any(ids)))
        .set((
            outbox::status.eq(SENT),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::message_id.eq(message_id),
            outbox::sent_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn mark_failed(
    conn: &mut DbConnection,
    ids: &[i32],
    error: &str,
    next_attempt_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(outbox::table.filter(outbox::id.eq_any(ids)))
        .set((
            outbox::status.eq(FAILED),
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::last_error.eq(error),
            outbox::next_attempt_at.eq(next_attempt_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Gives failed notices a fresh set of attempts, due at once.
pub fn retry(conn: &mut DbConnection, ids: &[i32], now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        outbox::table
            .filter(outbox::id.eq_any(ids))
            .filter(outbox::status.eq(FAILED)),
    )
    .set((outbox::attempts.eq(0), outbox::next_attempt_at.eq(now)))
    .execute(conn)
}

/// What a message about a request may say of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestFacts {
    pub title: String,
    pub reference: Option<String>,
    pub regime: Regime,
    pub authority: String,
}

pub fn request_facts(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<HashMap<i32, RequestFacts>> {
    let rows: Vec<(i32, String, Option<String>, String, String)> = requests::table
        .inner_join(authorities::table)
        .filter(requests::id.eq_any(ids))
        .select((
            requests::id,
            requests::title,
            requests::reference,
            requests::regime,
            authorities::short_name,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, title, reference, regime, authority)| {
            Ok((
                id,
                RequestFacts {
                    title,
                    reference,
                    regime: closed(&regime)?,
                    authority,
                },
            ))
        })
        .collect()
}

/// The rule behind each (request, kind, due) deadline of `ids`, for "why" in a message.
pub fn rules(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<HashMap<(i32, String, NaiveDate), String>> {
    let rows: Vec<(i32, String, NaiveDate, String)> = deadlines::table
        .filter(deadlines::request_id.eq_any(ids))
        .select((
            deadlines::request_id,
            deadlines::kind,
            deadlines::due,
            deadlines::rule,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, kind, due, rule)| ((id, kind, due), rule))
        .collect())
}

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
