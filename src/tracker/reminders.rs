//! Reminders as use cases: what is owed and when, planned into the outbox whenever the
//! register changes; and what people do with them: see the outbox, retry what failed,
//! choose what they receive. The sweep that sends them is `jobs::sweep`.

use std::collections::{BTreeSet, HashMap};

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use serde_json::json;

use super::access::{self, may_retry_reminders, may_see_outbox, outbox_organisation, require};
use super::audit::{record, Caller, Change};
use super::holidays::CalendarStore;
use super::input::{names, Fields};
use crate::db::notice_plan::{self, NewNotice};
use crate::db::outbox::{self, OutboxNotice};
use crate::db::reminders::{self as store, OpenDeadline};
use crate::db::sweeps::{self, Sweep};
use crate::db::{self, reminder_preferences, DbConnection};
use crate::domain::calendar::Calendar;
use crate::domain::recipients::{address, Preferences};
use crate::domain::reminders::OutboxStatus;
use crate::domain::reminders::{plan, DeadlineFacts, Delivery, NoticeKind, Stage};
use crate::domain::timeline::DeadlineKind;
use crate::domain::{repeat, reply_kind};
use crate::error::AppError;

/// The newest notices a page shows.
const LIST_LIMIT: i64 = 200;

/// The statuses a filter may name.
pub const STATUSES: &[OutboxStatus] = <OutboxStatus as strum::VariantArray>::VARIANTS;

/// A notice as the outbox page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct OutboxLine {
    #[serde(flatten)]
    pub notice: OutboxNotice,
    pub stage_label: String,
    /// The request it is about: its title, or for a subject access request its reference
    /// only (the title may name the person).
    pub request: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct OutboxPage {
    pub lines: Vec<OutboxLine>,
    pub counts: HashMap<OutboxStatus, i64>,
    pub status: Option<OutboxStatus>,
    pub last_sweep: Option<Sweep>,
    pub limit: i64,
}

/// The newest notices of the caller's outbox, of one status or all.
pub fn list(conn: &mut DbConnection, caller: &Caller, status: Option<&str>) -> Result<OutboxPage, AppError> {
    let actor = require(caller, may_see_outbox)?;
    let status = match status.filter(|s| !s.is_empty()) {
        None => None,
        Some(text) => Some(text.parse::<OutboxStatus>().map_err(|_| {
            let expected = names::<OutboxStatus>().join(", ");
            AppError::invalid(
                "status",
                format!("Unknown status \"{text}\" (expected one of {expected})"),
            )
        })?),
    };
    let organisation = outbox_organisation(actor);
    let notices = outbox::list(conn, organisation, access::scope_of(actor), status, LIST_LIMIT)?;
    let ids: Vec<i32> = notices.iter().map(|n| n.request_id).collect();
    let names: HashMap<i32, String> = crate::db::requests::find_many(conn, &ids)?
        .iter()
        .map(|r| (r.id, access::request_name(r)))
        .collect();
    let lines = notices
        .into_iter()
        .map(|notice| OutboxLine {
            stage_label: Stage::from_key(&notice.stage)
                .map(Stage::label)
                .unwrap_or_else(|| notice.stage.clone()),
            request: names
                .get(&notice.request_id)
                .cloned()
                .unwrap_or_else(|| format!("Request #{}", notice.request_id)),
            notice,
        })
        .collect();
    Ok(OutboxPage {
        lines,
        counts: outbox::counts(conn, organisation, access::scope_of(actor))?,
        status,
        last_sweep: sweeps::last_sweep(conn)?,
        limit: LIST_LIMIT,
    })
}

/// Makes the caller's failed notices due at once: the scheduler retries them within a minute.
pub fn retry_failed(conn: &mut DbConnection, caller: &Caller, now: NaiveDateTime) -> Result<usize, AppError> {
    let actor = require(caller, may_retry_reminders)?;
    let organisation = outbox_organisation(actor);
    db::transaction(conn, |conn| {
        let ids = outbox::failed_ids(conn, organisation, access::scope_of(actor))?;
        let retried = outbox::retry(conn, &ids, now)?;
        if retried > 0 {
            record(
                conn,
                caller,
                Change::new("retry", "outbox", None).after(json!({"notices": ids})),
                now,
            )?;
        }
        Ok(retried)
    })
}

/// The caller's own reminder preferences.
pub fn preferences(conn: &mut DbConnection, caller: &Caller) -> Result<Preferences, AppError> {
    let actor = require(caller, |_| true)?;
    Ok(reminder_preferences::preferences(conn, actor.user_id)?)
}

/// Preferences as a form or the API sends them.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct PreferencesInput {
    #[serde(default)]
    pub delivery: String,
    /// One entry per kind wanted; none turns reminders off.
    #[serde(default)]
    pub kinds: Vec<String>,
    #[serde(default)]
    pub paused_until: Option<String>,
}

impl PreferencesInput {
    /// The preferences, or every problem with the field it belongs to. A pause must end
    /// today or later: one already over would silently mean nothing.
    pub fn parse(&self, today: NaiveDate) -> Result<Preferences, AppError> {
        let mut fields = Fields::new();
        let delivery = fields.closed::<Delivery>(
            "delivery",
            "How to receive reminders",
            &self.delivery,
            &names::<Delivery>(),
        );
        let mut kinds = BTreeSet::new();
        for value in &self.kinds {
            match value.trim().parse::<NoticeKind>() {
                Ok(kind) => {
                    kinds.insert(kind);
                }
                Err(_) => fields.error(
                    "kinds",
                    format!(
                        "Kinds of reminder must be among {}",
                        names::<NoticeKind>().join(", ")
                    ),
                ),
            }
        }
        let paused_until = fields.optional_date(
            "paused_until",
            "The last day of leave",
            self.paused_until.as_deref(),
            None,
        );
        if paused_until.is_some_and(|last| last < today) {
            fields.error(
                "paused_until",
                format!("The last day of leave has passed (today is {today}): leave it empty to receive reminders"),
            );
        }
        let preferences = Preferences {
            delivery: delivery.unwrap_or(Delivery::Immediate),
            kinds,
            paused_until,
        };
        fields.finish(preferences)
    }
}

/// Saves the caller's preferences, and re-plans what is owed: unsent notices they no longer
/// want are cancelled, and the rest go out as they now ask.
pub fn set_preferences(
    conn: &mut DbConnection,
    caller: &Caller,
    calendars: &CalendarStore,
    preferences: &Preferences,
    today: NaiveDate,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let actor = require(caller, |_| true)?;
    db::transaction(conn, |conn| {
        let before = reminder_preferences::preferences(conn, actor.user_id)?;
        if &before == preferences {
            return Ok(());
        }
        reminder_preferences::set_preferences(conn, actor.user_id, preferences, now)?;
        let calendar = calendars.current(conn)?;
        replan_all(conn, &calendar, today)?;
        record(
            conn,
            caller,
            Change::new("update", "reminder_preferences", actor.user_id)
                .before(json!(before))
                .after(json!(preferences)),
            now,
        )
    })
}

/// Every notice owed on `today` about the deadlines of one request, or of all, addressed,
/// as outbox rows.
pub fn owed(
    conn: &mut DbConnection,
    calendar: &Calendar,
    request_id: Option<i32>,
    today: NaiveDate,
    now: NaiveDateTime,
) -> Result<Vec<NewNotice>, AppError> {
    // The coalition's own deadlines have no row in the index, since no law sets them: a
    // drafted quarterly repeat is reminded of until it is sent or skipped, a filed reply until
    // someone says what it is.
    let repeats = store::unsent_repeats(conn, request_id)?.into_iter().filter_map(
        |(id, regime, asks_until, organisation_id, owner_id)| {
            let due = repeat::send_by(calendar, regime.calendar(), asks_until)?;
            Some(own_deadline(
                id,
                regime,
                DeadlineKind::SendRepeat,
                due,
                organisation_id,
                owner_id,
            ))
        },
    );
    let replies = store::unclassified_replies(conn, request_id)?
        .into_iter()
        .filter_map(|(id, regime, arrived_at, organisation_id, owner_id)| {
            let arrived = crate::clock::london_date(arrived_at);
            let due = reply_kind::classify_by(calendar, regime.calendar(), arrived)?;
            Some(own_deadline(
                id,
                regime,
                DeadlineKind::ClassifyReply,
                due,
                organisation_id,
                owner_id,
            ))
        });
    let own: Vec<OpenDeadline> = repeats.chain(replies).collect();
    let owing: Vec<_> = store::open_deadlines(conn, request_id)?
        .into_iter()
        .chain(own)
        .filter_map(|deadline| plan(&deadline.facts, today, calendar).map(|notice| (deadline, notice)))
        .collect();
    // Most re-plans, one per recorded event, find nothing owed: then no one need be read.
    if owing.is_empty() {
        return Ok(Vec::new());
    }
    let recipients = reminder_preferences::recipients(conn)?;
    let mut notices = Vec::new();
    for (deadline, notice) in owing {
        let owner = deadline.owner_id.and_then(|id| recipients.by_id.get(&id));
        let coordinators = recipients
            .coordinators
            .get(&deadline.organisation_id)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for addressed in address(notice, owner, coordinators, today) {
            let to = addressed.to.recipient;
            let delivery = to.preferences.delivery;
            notices.push(NewNotice {
                key: addressed.outbox_key(),
                user_id: to.user_id,
                delivery,
                batch: (delivery == Delivery::DailyDigest).then(|| format!("digest/{}/{today}", to.user_id)),
                request_id: notice.request_id,
                deadline_kind: notice.kind,
                due: notice.due,
                stage: notice.stage.key(),
                scheduled: notice.scheduled,
                pause_overridden: addressed.to.pause_overridden,
                next_attempt_at: now,
                planned_at: now,
            });
        }
    }
    Ok(notices)
}

/// One of the coalition's own deadlines, as the index would hold it if a law set it.
fn own_deadline(
    request_id: i32,
    regime: crate::domain::regime::Regime,
    kind: DeadlineKind,
    due: NaiveDate,
    organisation_id: i32,
    owner_id: Option<i32>,
) -> OpenDeadline {
    OpenDeadline {
        facts: DeadlineFacts {
            request_id,
            position: 0,
            regime,
            kind,
            due,
            latest: None,
            settled: None,
        },
        organisation_id,
        owner_id,
    }
}

/// Brings the outbox in line with what is owed today, for one request or all: unsent notices
/// no longer owed are cancelled (a later stage overtook them, or the recipient no longer
/// wants them), cancelled ones owed again come back, new ones are added. Returns (cancelled,
/// added).
pub(crate) fn write_owed(
    conn: &mut DbConnection,
    owed: &[NewNotice],
    request_id: Option<i32>,
) -> Result<(usize, usize), AppError> {
    let by_key: HashMap<&str, &NewNotice> = owed.iter().map(|n| (n.key.as_str(), n)).collect();
    let mut stale = Vec::new();
    for unsent in notice_plan::unsent(conn, request_id)? {
        match (unsent.status, by_key.get(unsent.key.as_str())) {
            (OutboxStatus::Cancelled, Some(notice)) => {
                notice_plan::readdress(conn, &unsent, notice)?;
            }
            (_, Some(notice)) if !unsent.addressed_as(notice) => {
                notice_plan::readdress(conn, &unsent, notice)?;
            }
            (OutboxStatus::Pending | OutboxStatus::Failed, None) => stale.push(unsent.id),
            _ => {}
        }
    }
    let cancelled = notice_plan::cancel(
        conn,
        &stale,
        "no longer owed: overtaken by a later reminder, or no longer wanted",
    )?;
    let added = notice_plan::plan(conn, owed)?;
    Ok((cancelled, added))
}

/// Re-plans every request's notices, in the caller's transaction: after someone changes
/// what they receive, so that it holds from now, not from the next sweep.
pub fn replan_all(conn: &mut DbConnection, calendar: &Calendar, today: NaiveDate) -> Result<(), AppError> {
    let owed = owed(conn, calendar, None, today, crate::clock::now())?;
    write_owed(conn, &owed, None)?;
    Ok(())
}

/// Re-plans one request's notices after its deadlines were rewritten, in the same
/// transaction; the retry loop sends what is new within the minute.
pub fn replan(
    conn: &mut DbConnection,
    calendar: &Calendar,
    request_id: i32,
    today: NaiveDate,
) -> Result<(), AppError> {
    notice_plan::cancel_stale(conn, Some(request_id))?;
    let owed = owed(conn, calendar, Some(request_id), today, crate::clock::now())?;
    write_owed(conn, &owed, Some(request_id))?;
    Ok(())
}
