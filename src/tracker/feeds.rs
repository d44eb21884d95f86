//! Calendar feeds: each user's secret iCalendar URL with every deadline of the requests they
//! may see, for their calendar app to subscribe to. The URL is the only key, so it is
//! revocable, stored hashed, and redacted from the request log.

use std::collections::HashMap;

use chrono::{Duration, NaiveDateTime};
use icalendar::{Alarm, Calendar, Component, Event, EventLike, Trigger};
use serde_json::json;

use super::access::require;
use super::audit::{record, Caller, Change};
use super::passwords::{hash_secret, new_secret};
use crate::db::feeds::{self, FeedDeadline};
use crate::db::{self, DbConnection};
use crate::domain::request::shareable_name;
use crate::domain::timeline::DeadlineState;
use crate::error::AppError;

/// A new feed URL for the caller; the old one stops working. Shown once.
pub fn create(
    conn: &mut DbConnection,
    caller: &Caller,
    base_url: &str,
    now: NaiveDateTime,
) -> Result<String, AppError> {
    let actor = require(caller, |_| true)?;
    let secret = new_secret();
    db::transaction(conn, |conn| {
        let revoked = feeds::revoke(conn, actor.user_id, now)?;
        feeds::insert(conn, actor.user_id, &hash_secret(&secret), now)?;
        record(
            conn,
            caller,
            Change::new("create", "calendar_feed", actor.user_id)
                .before(json!({"live": revoked > 0}))
                .after(json!({"live": true})),
            now,
        )
    })?;
    Ok(format!(
        "{}/calendar/{secret}.ics",
        base_url.trim_end_matches('/')
    ))
}

/// Stops the caller's feed.
pub fn revoke(conn: &mut DbConnection, caller: &Caller, now: NaiveDateTime) -> Result<(), AppError> {
    let actor = require(caller, |_| true)?;
    db::transaction(conn, |conn| {
        if feeds::revoke(conn, actor.user_id, now)? > 0 {
            let (before, after) = (json!({"live": true}), json!({"live": false}));
            record(
                conn,
                caller,
                Change::new("revoke", "calendar_feed", actor.user_id)
                    .before(before)
                    .after(after),
                now,
            )?;
        }
        Ok(())
    })
}

/// Since when the caller's feed has been live, if it is.
pub fn live_since(conn: &mut DbConnection, caller: &Caller) -> Result<Option<NaiveDateTime>, AppError> {
    let actor = require(caller, |_| true)?;
    Ok(feeds::live_since(conn, actor.user_id)?)
}

/// The iCalendar text of the feed `secret` opens (the `.ics` suffix allowed), or 404.
pub fn calendar(conn: &mut DbConnection, secret: &str, base_url: &str) -> Result<String, AppError> {
    let gone = || AppError::NotFound("this calendar feed (it may have been replaced or revoked)".into());
    let secret = secret.strip_suffix(".ics").unwrap_or(secret);
    let user_id = feeds::user_of(conn, &hash_secret(secret))?.ok_or_else(gone)?;
    let user = crate::db::accounts::find_user(conn, user_id)?
        .filter(|u| u.active)
        .ok_or_else(gone)?;
    let actor = super::sessions::actor_of(&user);
    let mut deadlines = feeds::visible(conn, super::access::scope_of(&actor))?;
    // A feed is a list: an auditor sees a subject access request's reference once they open
    // it, which is recorded, and not before.
    for d in deadlines.iter_mut().filter(|d| actor.view_is_audited(d.regime)) {
        d.reference = None;
    }
    Ok(render(&deadlines, base_url))
}

/// How long before an all-day deadline its reminder goes off: such an event starts at
/// midnight in the calendar's own time zone, so 15 hours before is 09:00 on the day before,
/// a working hour rather than the stroke of midnight.
fn reminder_before() -> Duration {
    Duration::hours(15)
}

fn render(deadlines: &[FeedDeadline], base_url: &str) -> String {
    let base = base_url.trim_end_matches('/');
    let mut calendar = Calendar::new();
    calendar.name("foi-tracker deadlines").ttl(&Duration::hours(1));
    // A deadline's UID is its request, its kind and which of that kind it is (a clarification
    // restarts the response deadline: the second is another event), so that recording an
    // unrelated event, or moving a date, updates the same calendar entry.
    let mut seen: HashMap<(i32, String), u32> = HashMap::new();
    for d in deadlines {
        let ordinal = seen.entry((d.request_id, d.kind.to_string())).or_insert(0);
        *ordinal += 1;
        let name = shareable_name(d.request_id, &d.title, d.reference.as_deref(), d.regime);
        let state = match d.settled {
            None => String::new(),
            Some(DeadlineState::Met) => " (met)".into(),
            Some(state) => format!(" ({state})"),
        };
        let url = format!("{base}/requests/{}", d.request_id);
        let uid = format!("request-{}-{}-{}@foi-tracker", d.request_id, d.kind, ordinal);
        let mut event = Event::new();
        event
            .uid(&uid)
            // An all-day event's end is exclusive: a deadline on one day ends the next.
            .starts(d.due)
            .ends(d.due.succ_opt().unwrap_or(d.due))
            .summary(&one_line(&format!(
                "{}: {name} ({}){state}",
                d.kind.label(),
                d.authority
            )))
            .description(&format!("{}\n\n{url}", lines(&d.rule)))
            .url(&url);
        if d.settled.is_none() {
            // The alarm's UID comes from its event's, so that a calendar app fetching the feed
            // again sees the same reminder rather than a new one each time.
            event.alarm(
                Alarm::display(
                    &one_line(&format!("{}: {name}", d.kind.label())),
                    Trigger::before_start(reminder_before()),
                )
                .uid(&format!("alarm-{uid}"))
                .done(),
            );
        }
        calendar.push(event.done());
    }
    calendar.done().to_string()
}

/// Text as one line: each run of line breaks or other control characters becomes a space.
/// The iCalendar crate escapes a line feed but writes a carriage return as it is, which
/// breaks the line for whoever reads the feed; titles stored before text input refused
/// control characters may hold one.
fn one_line(text: &str) -> String {
    text.split(char::is_control)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Text of several lines, each made safe as [`one_line`].
fn lines(text: &str) -> String {
    text.lines().map(one_line).collect::<Vec<_>>().join("\n")
}
