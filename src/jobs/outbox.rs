//! What people do with reminders: see the outbox, retry what failed, choose what they receive.

use std::collections::{BTreeSet, HashMap};

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use serde_json::json;

use crate::db::reminders::{self as store, OutboxNotice, Sweep, CANCELLED, FAILED, PENDING, SENT};
use crate::db::requests::Scope;
use crate::db::{self, DbConnection};
use crate::domain::account::{Actor, Role};
use crate::domain::reminders::{Delivery, NoticeKind, Preferences, Stage};
use crate::error::AppError;
use crate::tracker::access;
use crate::tracker::accounts::require;
use crate::tracker::audit::{record, Caller};
use crate::tracker::holidays::CalendarStore;
use crate::tracker::input::{names, Fields};

/// The newest notices a page shows.
const LIST_LIMIT: i64 = 200;

/// The statuses a filter may name.
pub const STATUSES: [&str; 4] = [PENDING, FAILED, SENT, CANCELLED];

/// Coordinators see their organisation's reminders; admins the reminders about every request
/// they may read; auditors everyone's.
pub fn may_see_outbox(actor: &Actor) -> bool {
    matches!(actor.role, Role::Coordinator | Role::Admin | Role::Auditor)
}

fn organisation_filter(actor: &Actor) -> Option<i32> {
    (actor.role == Role::Coordinator).then_some(actor.organisation_id)
}

/// The requests whose notices the actor may see: those they may read, no others (an
/// administrator sees no other organisation's subject access requests or drafts).
fn scope(actor: &Actor) -> Scope {
    access::scope_of(actor)
}

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

/// How the outbox names a request.
fn named(request: &crate::db::requests::Request) -> String {
    if request.regime == crate::domain::regime::Regime::Sar {
        match &request.reference {
            Some(reference) => format!("Subject access request, reference {reference}"),
            None => format!("Subject access request #{}", request.id),
        }
    } else {
        request.title.clone()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct OutboxPage {
    pub lines: Vec<OutboxLine>,
    pub counts: HashMap<String, i64>,
    pub status: Option<String>,
    pub last_sweep: Option<Sweep>,
    pub limit: i64,
}

/// The newest notices of the caller's outbox, of one status or all.
pub fn list(conn: &mut DbConnection, caller: &Caller, status: Option<&str>) -> Result<OutboxPage, AppError> {
    let actor = require(caller, may_see_outbox)?;
    let status = status.filter(|s| !s.is_empty());
    if let Some(status) = status {
        if !STATUSES.contains(&status) {
            return Err(AppError::invalid(
                "status",
                format!(
                    "Unknown status \"{status}\" (expected one of {})",
                    STATUSES.join(", ")
                ),
            ));
        }
    }
    let organisation = organisation_filter(actor);
    let notices = store::list(conn, organisation, scope(actor), status, LIST_LIMIT)?;
    let ids: Vec<i32> = notices.iter().map(|n| n.request_id).collect();
    let names: HashMap<i32, String> = crate::db::requests::find_many(conn, &ids)?
        .iter()
        .map(|r| (r.id, named(r)))
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
        counts: store::counts(conn, organisation, scope(actor))?,
        status: status.map(str::to_string),
        last_sweep: store::last_sweep(conn)?,
        limit: LIST_LIMIT,
    })
}

/// Makes the caller's failed notices due at once: the scheduler retries them within a minute.
pub fn retry_failed(conn: &mut DbConnection, caller: &Caller, now: NaiveDateTime) -> Result<usize, AppError> {
    let actor = require(caller, |a| matches!(a.role, Role::Coordinator | Role::Admin))?;
    let organisation = organisation_filter(actor);
    db::transaction(conn, |conn| {
        let ids = store::failed_ids(conn, organisation, scope(actor))?;
        let retried = store::retry(conn, &ids, now)?;
        if retried > 0 {
            record(
                conn,
                caller,
                "retry",
                "outbox",
                None,
                None,
                Some(json!({"notices": ids})),
                now,
            )?;
        }
        Ok(retried)
    })
}

/// The caller's own reminder preferences.
pub fn preferences(conn: &mut DbConnection, caller: &Caller) -> Result<Preferences, AppError> {
    let actor = require(caller, |_| true)?;
    Ok(store::preferences(conn, actor.user_id)?)
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
        let before = store::preferences(conn, actor.user_id)?;
        if &before == preferences {
            return Ok(());
        }
        store::set_preferences(conn, actor.user_id, preferences, now)?;
        let calendar = calendars.current(conn)?;
        super::sweep::replan_all(conn, &calendar, today)?;
        record(
            conn,
            caller,
            "update",
            "reminder_preferences",
            Some(actor.user_id),
            Some(json!(before)),
            Some(json!(preferences)),
            now,
        )
    })
}
