//! The reminder sweep: find every notice owed today, write it into the outbox, then send
//! what the outbox holds.
//!
//! Writing before sending is what makes a reminder survive a crash or a dead mail server: a
//! notice in the outbox is sent by this sweep, a retry, or the next sweep, and its key keeps
//! it from being planned twice. Only one process sends at a time (see
//! [`DatabaseUrl::try_exclusive`]), so two instances never send the same row. The one window
//! for a repeat is a crash after the SMTP server took a message and before the outbox
//! recorded it; the repeat then carries the same Message-ID.
//!
//! Between sweeps the outbox follows the register: recording an event or correcting one
//! re-plans that request at once (`tracker::reminders::replan`), so a deadline that a correction makes due
//! today is announced today, and one an event meets is not announced at all.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;

use crate::config::Settings;
use crate::db::outbox::{self, OutboxNotice};
use crate::db::reminders as store;
use crate::db::{self, notice_plan, reminder_preferences, sweeps, DatabaseUrl, DbConnection};
use crate::domain::recipients::split_by_delivery;
use crate::domain::reminders::Stage;
use crate::error::AppError;
use crate::mail::Postman;
use crate::tracker::audit::{record, Caller, Change};
use crate::tracker::holidays::CalendarStore;
use crate::tracker::reminders::{owed, write_owed};

use super::shutdown::Shutdown;

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
    /// For a dry run: each notice it would send, new or waiting in the outbox.
    pub would_send: Vec<String>,
    /// Quarterly repeat requests drafted because their quarter has ended.
    pub drafted: Vec<i32>,
    /// The process was asked to stop: the sweep is left unfinished, with what it planned in
    /// the outbox, and the next sweep completes it.
    pub interrupted: bool,
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
    /// Checked between messages: a stopping process sends no further one.
    pub shutdown: &'a Shutdown,
}

impl Sweeper<'_> {
    /// Plans today's notices and sends what the outbox holds. A dry run reads the index as
    /// it stands and says what it would send; it takes no lock and writes nothing.
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
        if dry_run {
            return self.dry_run(conn, today, report);
        }
        let Some(_lock) = self.database.try_exclusive(LOCK)? else {
            report.locked_out = true;
            return Ok(report);
        };
        // Requests whose state changed with the passing days are brought up to date first, so
        // the index the sweep reads is today's.
        while crate::tracker::deadline_index::catch_up(conn, self.calendars, today)? > 0 {}
        let now = crate::clock::now();
        // A quarter that ended yesterday: its repeat requests are drafted before the reminders
        // are planned.
        report.drafted = crate::tracker::repeats::draft_due(conn, self.calendars, today, now)?;
        let calendar = self.calendars.current(conn)?;
        let owed = owed(conn, &calendar, None, today, now)?;
        report.owed = owed.len();
        let sweep_id = db::transaction(conn, |conn| -> Result<i32, AppError> {
            let sweep_id = sweeps::start_sweep(conn, today, now)?;
            let (cancelled, planned) = write_owed(conn, &owed, None)?;
            (report.cancelled, report.planned) = (cancelled, planned);
            Ok(sweep_id)
        })?;
        report.delivery = self.deliver_locked(conn, today)?;
        if self.shutdown.requested() {
            report.interrupted = true;
            return Ok(report);
        }
        let counts = (
            report.planned,
            report.delivery.notices,
            report.delivery.failed,
            report.cancelled,
        );
        db::transaction(conn, |conn| -> Result<(), AppError> {
            let done = crate::clock::now();
            sweeps::finish_sweep(conn, sweep_id, counts, done)?;
            record(
                conn,
                &Caller::system("reminder sweep"),
                Change::new("sweep", "reminder_sweep", sweep_id).after(json!({
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

    fn dry_run(
        &self,
        conn: &mut DbConnection,
        today: NaiveDate,
        mut report: SweepReport,
    ) -> Result<SweepReport, AppError> {
        let now = crate::clock::now();
        let calendar = self.calendars.current(conn)?;
        let owed = owed(conn, &calendar, None, today, now)?;
        let keys: Vec<String> = owed.iter().map(|n| n.key.clone()).collect();
        let known = notice_plan::known_keys(conn, &keys)?;
        let emails = reminder_preferences::recipients(conn)?;
        let describe =
            |user_id: i32, request_id: i32, kind: &str, due: NaiveDate, stage: &str, delivery: &str| {
                let to = emails.by_id.get(&user_id).map_or("?", |r| r.email.as_str());
                let stage = Stage::from_key(stage).map(Stage::label).unwrap_or_default();
                format!("{to}: request {request_id} {kind} due {due} ({stage}, {delivery})")
            };
        let new: Vec<String> = owed
            .iter()
            .filter(|n| !known.contains(&n.key))
            .map(|n| {
                describe(
                    n.user_id,
                    n.request_id,
                    n.deadline_kind.into(),
                    n.due,
                    &n.stage,
                    n.delivery.into(),
                )
            })
            .collect();
        report.owed = owed.len();
        report.planned = new.len();
        report.would_send = new;
        // What waits in the outbox and is still owed; the rest the sweep would cancel.
        let owed_keys: std::collections::HashSet<&str> = owed.iter().map(|n| n.key.as_str()).collect();
        let waiting = outbox::sendable(conn, now)?;
        report.would_send.extend(
            waiting
                .iter()
                .filter(|n| owed_keys.contains(n.key.as_str()))
                .map(|n| {
                    let line = describe(
                        n.user_id,
                        n.request_id,
                        &n.kind.to_string(),
                        n.due,
                        &n.stage,
                        &n.delivery.to_string(),
                    );
                    format!("{line}, waiting in the outbox")
                }),
        );
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
        // The last look before sending: nothing about a deadline met or moved since it was
        // planned goes out, whoever changed the register meanwhile.
        db::transaction(conn, |conn| notice_plan::cancel_stale(conn, None))?;
        let due = outbox::sendable(conn, crate::clock::now())?;
        let mut delivered = Delivered::default();
        if due.is_empty() {
            return Ok(delivered);
        }
        let ids: Vec<i32> = due.iter().map(|n| n.request_id).collect();
        let requests = store::request_facts(conn, &ids)?;
        let rules = store::rules(conn, &ids)?;
        for (notices, digest) in messages(&due) {
            if self.shutdown.requested() {
                break;
            }
            let ids: Vec<i32> = notices.iter().map(|n| n.id).collect();
            let attempts = notices.iter().map(|n| n.attempts).max().unwrap_or(0);
            let retry_at = |now| now + backoff(self.settings.mail_retry_seconds, attempts);
            let email =
                match super::messages::compose(self.postman, &notices, &requests, &rules, today, digest) {
                    Ok(email) => email,
                    Err(error) => {
                        let now = crate::clock::now();
                        db::transaction(conn, |conn| {
                            outbox::mark_failed(conn, &ids, &error, retry_at(now))
                        })?;
                        delivered.failed += 1;
                        continue;
                    }
                };
            let sent = self.postman.send(&email);
            let now = crate::clock::now();
            match sent {
                Ok(()) => {
                    db::transaction(conn, |conn| outbox::mark_sent(conn, &ids, &email.message_id, now))?;
                    delivered.messages += 1;
                    delivered.notices += ids.len();
                }
                Err(error) => {
                    tracing::warn!(%error, notices = ids.len(), "a reminder could not be sent; it will be retried");
                    db::transaction(conn, |conn| {
                        outbox::mark_failed(conn, &ids, &error, retry_at(now))
                    })?;
                    delivered.failed += 1;
                    // A mail server that is down, or that takes the connection and never
                    // answers, would fail every message in turn, each after the timeout: the
                    // rest wait for the next retry instead of holding the lock meanwhile.
                    break;
                }
            }
        }
        Ok(delivered)
    }
}

/// How long to wait before the next attempt after `attempts` earlier ones: the base, doubled
/// at each failure, at most an hour, so that a notice due today is tried again today.
pub fn backoff(base_seconds: i64, attempts: i32) -> chrono::Duration {
    let doubled = base_seconds.max(0).saturating_mul(1_i64 << attempts.clamp(0, 20));
    chrono::Duration::seconds(doubled.min(3600))
}

/// The messages `notices` make: one per notice for those who take them as they fall due, one
/// per day's digest for those who take digests.
fn messages(notices: &[OutboxNotice]) -> Vec<(Vec<&OutboxNotice>, bool)> {
    let (immediate, digests) = split_by_delivery(
        notices,
        |n| ((n.user_id, n.batch.clone()), n.delivery),
        |n| (n.due, n.request_id, n.kind.to_string()),
    );
    let mut messages: Vec<(Vec<&OutboxNotice>, bool)> =
        immediate.into_iter().map(|n| (vec![n], false)).collect();
    messages.extend(digests.into_iter().map(|(_, notices)| (notices, true)));
    messages
}

#[cfg(test)]
mod tests {
    use super::backoff;

    #[test]
    fn backoff_doubles_from_the_base_up_to_an_hour() {
        let minutes: Vec<i64> = (0..9).map(|n| backoff(60, n).num_minutes()).collect();
        assert_eq!(minutes, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(backoff(0, 5).num_seconds(), 0);
    }
}
