//! The reminder sweep: find every notice owed today, write it into the outbox, then send
//! what the outbox holds.
//!
//! Writing before sending is what makes a reminder survive a crash or a dead mail server: a
//! notice in the outbox is sent by this sweep, a retry, or the next sweep, and its key keeps
//! it from being planned twice. Only one process sweeps at a time (see
//! [`DatabaseUrl::try_exclusive`]), so two instances never send the same row. The one window
//! for a repeat is a crash after the SMTP server took a message and before the outbox
//! recorded it; the repeat then carries the same Message-ID.

use std::collections::HashSet;

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use serde_json::json;

use crate::config::Settings;
use crate::db::reminders::{self as store, NewNotice, OutboxNotice, PENDING};
use crate::db::{self, DatabaseUrl, DbConnection};
use crate::domain::reminders::{address, plan, split_by_delivery, Stage};
use crate::error::AppError;
use crate::mail::Postman;
use crate::tracker::audit::{record, Caller};
use crate::tracker::holidays::CalendarStore;

/// The lock only one sweep (or retry) holds at a time.
const LOCK: &str = "reminder-sweep";

/// What a sweep did, or for a dry run would do.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SweepReport {
    pub today: Option<NaiveDate>,
    pub dry_run: bool,
    /// Another process was sweeping, so this one did nothing.
    pub locked_out: bool,
    /// Notices owed today, one per recipient.
    pub owed: usize,
    /// Of those, the ones not in the outbox before (for a dry run: that would be added).
    pub planned: usize,
    /// Unsent notices no longer owed.
    pub cancelled: usize,
    pub delivery: Delivered,
    /// For a dry run: "to: subject" of each notice it would add.
    pub would_send: Vec<String>,
}

/// What one pass over the outbox sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Delivered {
    pub messages: usize,
    pub notices: usize,
    /// Messages that failed, to be retried.
    pub failed: usize,
}

/// Everything a sweep needs besides a connection.
pub struct Sweeper<'a> {
    pub database: &'a DatabaseUrl,
    pub calendars: &'a CalendarStore,
    pub postman: &'a Postman,
    pub settings: &'a Settings,
}

impl Sweeper<'_> {
    /// Plans today's notices and sends what the outbox holds. For a dry run, only says what
    /// it would add; it takes no lock and writes nothing.
    pub fn sweep(
        &self,
        conn: &mut DbConnection,
        today: NaiveDate,
        dry_run: bool,
    ) -> Result<SweepReport, AppError> {
        let mut report = SweepReport {
            today: Some(today),
            dry_run,
            ..SweepReport::default()
        };
        let now = crate::tracker::now();
        if dry_run {
            let owed = owed(conn, self.calendars, today, now)?;
            let keys: Vec<String> = owed.iter().map(|n| n.key.clone()).collect();
            let known = store::known_keys(conn, &keys)?;
            report.owed = owed.len();
            report.would_send = owed
                .iter()
                .filter(|n| !known.contains(&n.key))
                .map(|n| {
                    let stage = Stage::from_key(&n.stage).map(|s| s.label()).unwrap_or_default();
                    format!(
                        "{}: request {} {} due {} ({stage}, {})",
                        n.recipient, n.request_id, n.deadline_kind, n.due, n.delivery
                    )
                })
                .collect();
            report.planned = report.would_send.len();
            return Ok(report);
        }
        let Some(_lock) = self.database.try_exclusive(LOCK)? else {
            report.locked_out = true;
            return Ok(report);
        };
        // Requests whose state changed with the passing days are brought up to date first, so
        // the index the sweep reads is today's.
        while crate::tracker::requests::catch_up(conn, self.calendars, today)? > 0 {}
        let owed = owed(conn, self.calendars, today, now)?;
        report.owed = owed.len();
        let sweep_id = db::transaction(conn, |conn| -> Result<i32, AppError> {
            let sweep_id = store::start_sweep(conn, today, now)?;
            // Only what is owed today is sent: an unsent notice overtaken by a later stage,
            // or about a deadline since met or moved, is cancelled rather than sent late.
            let owed_keys: HashSet<&str> = owed.iter().map(|n| n.key.as_str()).collect();
            let stale: Vec<i32> = store::unsent(conn)?
                .into_iter()
                .filter(|(_, key)| !owed_keys.contains(key.as_str()))
                .map(|(id, _)| id)
                .collect();
            report.cancelled = store::cancel(conn, &stale, "no longer owed at the next sweep")?;
            report.planned = store::plan(conn, &owed)?;
            Ok(sweep_id)
        })?;
        report.delivery = self.deliver_locked(conn, today)?;
        let counts = (
            report.planned,
            report.delivery.notices,
            report.delivery.failed,
            report.cancelled,
        );
        db::transaction(conn, |conn| -> Result<(), AppError> {
            let done = crate::tracker::now();
            store::finish_sweep(conn, sweep_id, counts, done)?;
            record(
                conn,
                &Caller::system("reminder sweep"),
                "sweep",
                "reminder_sweep",
                Some(sweep_id),
                None,
                Some(json!({
                    "today": today,
                    "owed": report.owed,
                    "planned": report.planned,
                    "cancelled": report.cancelled,
                    "messages": report.delivery.messages,
                    "notices_sent": report.delivery.notices,
                    "failed": report.delivery.failed,
                })),
                done,
            )
        })?;
        Ok(report)
    }

    /// Sends what the outbox holds whose time has come (new notices and retries), unless
    /// another process holds the sweep lock: between sweeps, this is the retry loop.
    pub fn deliver(&self, conn: &mut DbConnection, today: NaiveDate) -> Result<Option<Delivered>, AppError> {
        let Some(_lock) = self.database.try_exclusive(LOCK)? else {
            return Ok(None);
        };
        self.deliver_locked(conn, today).map(Some)
    }

    fn deliver_locked(&self, conn: &mut DbConnection, today: NaiveDate) -> Result<Delivered, AppError> {
        let due = store::sendable(conn, crate::tracker::now())?;
        let mut delivered = Delivered::default();
        if due.is_empty() {
            return Ok(delivered);
        }
        let ids: Vec<i32> = due.iter().map(|n| n.request_id).collect();
        let requests = store::request_facts(conn, &ids)?;
        let rules = store::rules(conn, &ids)?;
        for (notices, digest) in messages(&due) {
            let email = super::messages::compose(self.postman, &notices, &requests, &rules, today, digest);
            let ids: Vec<i32> = notices.iter().map(|n| n.id).collect();
            let sent = email.and_then(|email| self.postman.send(&email).map(|()| email.message_id));
            let now = crate::tracker::now();
            match sent {
                Ok(message_id) => {
                    db::transaction(conn, |conn| store::mark_sent(conn, &ids, &message_id, now))?;
                    delivered.messages += 1;
                    delivered.notices += ids.len();
                }
                Err(error) => {
                    let attempts = notices.iter().map(|n| n.attempts).max().unwrap_or(0);
                    let retry_at = now + backoff(self.settings.mail_retry_seconds, attempts);
                    tracing::warn!(%error, notices = ids.len(), "a reminder could not be sent; it will be retried");
                    db::transaction(conn, |conn| store::mark_failed(conn, &ids, &error, retry_at))?;
                    delivered.failed += 1;
                }
            }
        }
        Ok(delivered)
    }
}

/// How long to wait before the next attempt after `attempts` earlier ones: the base, doubled
/// at each failure, at most six hours.
pub fn backoff(base_seconds: i64, attempts: i32) -> chrono::Duration {
    let doubled = base_seconds.max(0).saturating_mul(1_i64 << attempts.clamp(0, 20));
    chrono::Duration::seconds(doubled.min(6 * 3600))
}

/// The messages `notices` make: one per notice for those who take them as they fall due, one
/// per person for those who take a daily digest.
fn messages(notices: &[OutboxNotice]) -> Vec<(Vec<&OutboxNotice>, bool)> {
    let (immediate, digests) = split_by_delivery(
        notices,
        |n| (n.user_id, n.delivery),
        |n| (n.due, n.request_id, n.kind.to_string()),
    );
    let mut messages: Vec<(Vec<&OutboxNotice>, bool)> =
        immediate.into_iter().map(|n| (vec![n], false)).collect();
    messages.extend(digests.into_iter().map(|(_, notices)| (notices, true)));
    messages
}

/// Every notice owed on `today`, addressed, as outbox rows.
pub fn owed(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    today: NaiveDate,
    now: NaiveDateTime,
) -> Result<Vec<NewNotice>, AppError> {
    let calendar = calendars.current(conn)?;
    let open = store::open_deadlines(conn)?;
    let recipients = store::recipients(conn)?;
    let mut notices = Vec::new();
    for deadline in &open {
        let Some(notice) = plan(&deadline.facts, today, &calendar) else {
            continue;
        };
        let owner = deadline.owner_id.and_then(|id| recipients.by_id.get(&id));
        let coordinators = recipients
            .coordinators
            .get(&deadline.organisation_id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for addressed in address(notice, owner, coordinators, today) {
            let to = addressed.to.recipient;
            notices.push(NewNotice {
                key: addressed.outbox_key(),
                user_id: to.user_id,
                recipient: to.email.clone(),
                delivery: to.preferences.delivery.to_string(),
                request_id: notice.request_id,
                deadline_kind: notice.kind.to_string(),
                party: notice.party.to_string(),
                due: notice.due,
                stage: notice.stage.key(),
                scheduled: notice.scheduled,
                pause_overridden: addressed.to.pause_overridden,
                status: PENDING.to_string(),
                next_attempt_at: now,
                planned_at: now,
            });
        }
    }
    Ok(notices)
}

#[cfg(test)]
mod tests {
    use super::backoff;

    #[test]
    fn backoff_doubles_from_the_base_up_to_six_hours() {
        let minutes: Vec<i64> = (0..12).map(|n| backoff(60, n).num_minutes()).collect();
        assert_eq!(minutes, [1, 2, 4, 8, 16, 32, 64, 128, 256, 360, 360, 360]);
        assert_eq!(backoff(0, 5).num_seconds(), 0);
    }
}
