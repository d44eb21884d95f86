//! Each user's reminder preferences, and who receives reminders about what.

use std::collections::{BTreeSet, HashMap};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::closed::closed;
use super::schema::{reminder_preferences, users};
use super::DbConnection;
use crate::domain::account::Role;
use crate::domain::recipients::{Preferences, Recipient};
use crate::domain::reminders::{Delivery, NoticeKind};

fn kinds_text(kinds: &BTreeSet<NoticeKind>) -> String {
    kinds.iter().map(|k| k.to_string()).collect::<Vec<_>>().join(",")
}

/// The kinds are stored as one text of names separated by commas; each must be known.
fn preferences_of(
    delivery: Delivery,
    kinds: &str,
    paused_until: Option<NaiveDate>,
) -> QueryResult<Preferences> {
    Ok(Preferences {
        delivery,
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
    let row: Option<(Delivery, String, Option<NaiveDate>)> = reminder_preferences::table
        .find(user_id)
        .select((
            reminder_preferences::delivery,
            reminder_preferences::kinds,
            reminder_preferences::paused_until,
        ))
        .first(conn)
        .optional()?;
    match row {
        Some((delivery, kinds, paused)) => preferences_of(delivery, &kinds, paused),
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
            reminder_preferences::delivery.eq(preferences.delivery),
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
        Role,
        Option<Delivery>,
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
            (Some(delivery), Some(kinds)) => preferences_of(delivery, &kinds, paused_until)?,
            _ => Preferences::default(),
        };
        let recipient = Recipient {
            user_id,
            email,
            preferences,
        };
        if role == Role::Coordinator {
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
