//! Reminders: each user's preferences, the outbox of owed notices, and the record of sweeps.

use std::collections::{BTreeSet, HashMap};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::dsl::{exists, not};
use diesel::prelude::*;
use serde::Serialize;

use super::requests::{seen_by, Scope};
use super::schema::{
    authorities, deadlines, outbox, reminder_preferences, reminder_sweeps, request_indicators, requests,
    users,
};
use super::{closed, DbConnection};
use crate::domain::account::Role;
use crate::domain::regime::Regime;
use crate::domain::reminders::{DeadlineFacts, Delivery, NoticeKind, Preferences, Recipient};
use crate::domain::timeline::{DeadlineKind, Party, Status};

/// The statuses a notice can have in the outbox. `failed` is retried with back-off for as
/// long as it is owed; `cancelled` is a notice no longer owed (the deadline moved or was met,
/// a later stage overtook it, or its recipient no longer wants it).
pub const PENDING: &str = "pending";
pub const SENT: &str = "sent";
pub const FAILED: &str = "failed";
pub const CANCELLED: &str = "cancelled";

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

/// Every deadline nothing has settled, of one request or of all: the sweep's one read of the
/// index. Settled deadlines owe nothing, so they are not read at all.
pub fn open_deadlines(conn: &mut DbConnection, request_id: Option<i32>) -> QueryResult<Vec<OpenDeadline>> {
    type Row = (
        i32,
        i32,
        String,
        String,
        NaiveDate,
        Option<NaiveDate>,
        i32,
        Option<i32>,
    );
    let mut query = deadlines::table
        .inner_join(requests::table)
        .filter(deadlines::settled_state.is_null())
        .select((
            deadlines::request_id,
            deadlines::position,
            requests::regime,
            deadlines::kind,
            deadlines::due,
            deadlines::latest,
            requests::organisation_id,
            requests::owner_id,
        ))
        .into_boxed::<<DbConnection as diesel::Connection>::Backend>();
    if let Some(id) = request_id {
        query = query.filter(deadlines::request_id.eq(id));
    }
    let rows: Vec<Row> = query.load(conn)?;
    rows.into_iter()
        .map(
            |(request_id, position, regime, kind, due, latest, organisation_id, owner_id)| {
                Ok(OpenDeadline {
                    facts: DeadlineFacts {
                        request_id,
                        position,
                        regime: closed(&regime)?,
                        kind: closed(&kind)?,
                        due,
                        latest,
                        settled: None,
                    },
                    organisation_id,
                    owner_id,
                })
            },
        )
        .collect()
}

/// A drafted quarterly repeat not yet sent or skipped: the request, its regime, the latest
/// day of the periods it asks for, its organisation and owner.
pub type UnsentRepeat = (i32, Regime, NaiveDate, i32, Option<i32>);

/// The drafted quarterly repeats nobody has sent or skipped, of one request or of all: each
/// owes reminders until it is.
pub fn unsent_repeats(conn: &mut DbConnection, request_id: Option<i32>) -> QueryResult<Vec<UnsentRepeat>> {
    type Row = (i32, String, NaiveDate, i32, Option<i32>);
    let mut query = requests::table
        .inner_join(request_indicators::table)
        .filter(requests::repeat_of.is_not_null())
        .filter(requests::skipped_at.is_null())
        .filter(requests::status.eq(Status::Draft.to_string()))
        .select((
            requests::id,
            requests::regime,
            request_indicators::period_end,
            requests::organisation_id,
            requests::owner_id,
        ))
        .into_boxed::<<DbConnection as diesel::Connection>::Backend>();
    if let Some(id) = request_id {
        query = query.filter(requests::id.eq(id));
    }
    let rows: Vec<Row> = query.load(conn)?;
    // One row per period asked for: the request's is the latest.
    let mut repeats: std::collections::BTreeMap<i32, UnsentRepeat> = Default::default();
    for (id, regime, end, organisation, owner) in rows {
        let regime = closed(&regime)?;
        let repeat = repeats
            .entry(id)
            .or_insert((id, regime, end, organisation, owner));
        repeat.2 = repeat.2.max(end);
    }
    Ok(repeats.into_values().collect())
}

/// A notice found owed, as it enters the outbox (as `pending`).
#[derive(Debug, Clone, PartialEq, Eq, Insertable)]
#[diesel(table_name = outbox, treat_none_as_default_value = false)]
pub struct NewNotice {
    pub key: String,
    pub user_id: i32,
    pub delivery: String,
    pub batch: Option<String>,
    pub request_id: i32,
    pub deadline_kind: String,
    pub due: NaiveDate,
    pub stage: String,
    pub scheduled: NaiveDate,
    pub pause_overridden: bool,
    pub next_attempt_at: NaiveDateTime,
    pub planned_at: NaiveDateTime,
}

/// Rows per INSERT: SQLite allows 32,766 bound values, 11 a row.
const INSERT_CHUNK: usize = 2_000;

/// Adds the notices not yet in the outbox; returns how many were new. A key already there
/// (sent, pending, failed or cancelled) is left as it is: that is what makes a notice owed on
/// many days, or planned by two instances, one message.
pub fn plan(conn: &mut DbConnection, notices: &[NewNotice]) -> QueryResult<usize> {
    match conn {
        DbConnection::Sqlite(c) => {
            let mut added = 0;
            for chunk in notices.chunks(INSERT_CHUNK) {
                added += diesel::insert_into(outbox::table)
                    .values(chunk)
                    .on_conflict(outbox::key)
                    .do_nothing()
                    .execute(c)?;
            }
            Ok(added)
        }
        DbConnection::Postgres(c) => plan_postgres(c, notices),
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
        .bind::<Array<Text>, _>(column(|n| n.delivery.clone()))
        .bind::<Array<Nullable<Text>>, _>(chunk.iter().map(|n| n.batch.clone()).collect::<Vec<_>>())
        .bind::<Array<Integer>, _>(chunk.iter().map(|n| n.request_id).collect::<Vec<_>>())
        .bind::<Array<Text>, _>(column(|n| n.deadline_kind.clone()))
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
    match unsent.status.as_str() {
        CANCELLED => diesel::update(row.filter(outbox::status.eq(CANCELLED)))
            .set((
                addressing,
                outbox::status.eq(PENDING),
                outbox::attempts.eq(0),
                outbox::last_error.eq(None::<String>),
                outbox::next_attempt_at.eq(notice.next_attempt_at),
                outbox::planned_at.eq(notice.planned_at),
            ))
            .execute(conn),
        _ => diesel::update(row.filter(outbox::status.eq_any([PENDING, FAILED])))
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
    pub status: String,
    pub delivery: String,
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
        .filter(outbox::status.eq_any([PENDING, FAILED, CANCELLED]))
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
                .filter(outbox::status.eq_any([PENDING, FAILED])),
        )
        .set((outbox::status.eq(CANCELLED), outbox::last_error.eq(reason)))
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
            .filter(outbox::status.eq_any([PENDING, FAILED])),
    )
    .set((outbox::status.eq(CANCELLED), outbox::last_error.eq(reason)))
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
    // A drafted repeat's notices have no row in the index: planning alone decides them.
    let stale = outbox::table
        .filter(outbox::status.eq_any([PENDING, FAILED]))
        .filter(outbox::deadline_kind.ne(DeadlineKind::SendRepeat.to_string()))
        .filter(not(still_open));
    let reason = "no longer owed: the deadline was met or moved";
    let set = (outbox::status.eq(CANCELLED), outbox::last_error.eq(reason));
    match request_id {
        Some(id) => diesel::update(stale.filter(outbox::request_id.eq(id)))
            .set(set)
            .execute(conn),
        None => diesel::update(stale).set(set).execute(conn),
    }
}

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
    delivery: String,
    batch: Option<String>,
    request_id: i32,
    deadline_kind: String,
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
    fn into_notice(self, recipient: String) -> QueryResult<OutboxNotice> {
        let kind: DeadlineKind = closed(&self.deadline_kind)?;
        Ok(OutboxNotice {
            id: self.id,
            key: self.key,
            user_id: self.user_id,
            recipient,
            delivery: closed(&self.delivery)?,
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
        .filter(outbox::status.eq_any([PENDING, FAILED]))
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
    status: Option<&str>,
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
        query = query.filter(outbox::status.eq(status.to_string()));
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
        .filter(outbox::status.eq(FAILED))
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
) -> QueryResult<HashMap<String, i64>> {
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
    Ok(query.load::<(String, i64)>(conn)?.into_iter().collect())
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
            outbox::status.eq(SENT),
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
            .filter(outbox::status.eq_any([PENDING, FAILED])),
    )
    .set((
        outbox::status.eq(FAILED),
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
                .filter(outbox::status.eq(FAILED)),
        )
        .set(outbox::next_attempt_at.eq(now))
        .execute(conn)?;
    }
    Ok(retried)
}

/// What a message about a request may say of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestFacts {
    pub title: String,
    pub reference: Option<String>,
    pub regime: Regime,
    pub authority: String,
}

/// Each id once, in chunks a query can bind.
fn id_chunks(ids: &[i32]) -> Vec<Vec<i32>> {
    let unique: BTreeSet<i32> = ids.iter().copied().collect();
    let unique: Vec<i32> = unique.into_iter().collect();
    unique.chunks(500).map(<[i32]>::to_vec).collect()
}

pub fn request_facts(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<HashMap<i32, RequestFacts>> {
    let mut found = HashMap::new();
    for chunk in id_chunks(ids) {
        let rows: Vec<(i32, String, Option<String>, String, String)> = requests::table
            .inner_join(authorities::table)
            .filter(requests::id.eq_any(&chunk))
            .select((
                requests::id,
                requests::title,
                requests::reference,
                requests::regime,
                authorities::short_name,
            ))
            .load(conn)?;
        for (id, title, reference, regime, authority) in rows {
            let facts = RequestFacts {
                title,
                reference,
                regime: closed(&regime)?,
                authority,
            };
            found.insert(id, facts);
        }
    }
    Ok(found)
}

/// The rule behind each (request, kind, due) deadline of `ids`, for "why" in a message.
pub fn rules(conn: &mut DbConnection, ids: &[i32]) -> QueryResult<HashMap<(i32, String, NaiveDate), String>> {
    let mut found = HashMap::new();
    for chunk in id_chunks(ids) {
        let rows: Vec<(i32, String, NaiveDate, String)> = deadlines::table
            .filter(deadlines::request_id.eq_any(&chunk))
            .select((
                deadlines::request_id,
                deadlines::kind,
                deadlines::due,
                deadlines::rule,
            ))
            .load(conn)?;
        found.extend(
            rows.into_iter()
                .map(|(id, kind, due, rule)| ((id, kind, due), rule)),
        );
    }
    Ok(found)
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
    let counts: Vec<(String, i64)> = outbox::table
        .filter(outbox::status.eq_any([PENDING, FAILED]))
        .group_by(outbox::status)
        .select((outbox::status, diesel::dsl::count_star()))
        .load(conn)?;
    let count = |status: &str| counts.iter().find(|(s, _)| s == status).map_or(0, |(_, n)| *n);
    let oldest_planned = outbox::table
        .filter(outbox::status.eq_any([PENDING, FAILED]))
        .select(diesel::dsl::min(outbox::planned_at))
        .first(conn)?;
    Ok(Backlog {
        pending: count(PENDING),
        failed: count(FAILED),
        oldest_planned,
    })
}
