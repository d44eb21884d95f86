//! Who did what, from where, with the fields before and after: written in the same
//! transaction as the change it records, never edited, never deleted.

use chrono::NaiveDateTime;
use serde::Serialize;
use serde_json::Value;

use super::access;
use super::input::Fields;
use crate::db::audit::{self, AuditEntry, AuditFilter, NewEntry};
use crate::db::requests::Scope;
use crate::db::DbConnection;
use crate::domain::account::Actor;
use crate::domain::regime::Regime;
use crate::error::AppError;

/// Who does something, and from where. Every use case that changes anything takes one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub actor: Option<Actor>,
    /// Who, in words: the user's email, or "command line".
    pub label: String,
    /// The client's address, when the change came over HTTP.
    pub client: Option<String>,
    /// The server itself: its command line or the scheduler, trusted as an administrator.
    server: bool,
}

impl Caller {
    pub fn user(actor: Actor, client: Option<String>) -> Caller {
        Caller {
            label: actor.email.clone(),
            actor: Some(actor),
            client,
            server: false,
        }
    }

    /// Someone not signed in, e.g. trying to sign in.
    pub fn anonymous(client: Option<String>) -> Caller {
        Caller {
            actor: None,
            label: "anonymous".into(),
            client,
            server: false,
        }
    }

    /// An administrator at the server's command line.
    pub fn command_line() -> Caller {
        Caller {
            actor: None,
            label: "command line".into(),
            client: None,
            server: true,
        }
    }

    /// The application itself, e.g. the reminder sweep.
    pub fn system(what: &str) -> Caller {
        Caller {
            actor: None,
            label: what.into(),
            client: None,
            server: true,
        }
    }

    /// The server itself (the command line, the scheduler), not a web visitor.
    pub fn is_server(&self) -> bool {
        self.server
    }

    pub fn user_id(&self) -> Option<i32> {
        self.actor.as_ref().map(|a| a.user_id)
    }
}

/// What personal data of a subject access request becomes in the trail: its name only.
pub const WITHHELD: &str = "[withheld: subject access request]";

/// `value` as JSON with the named fields replaced by [`WITHHELD`].
pub fn withholding(value: impl Serialize, fields: &[&str]) -> Value {
    let mut value = serde_json::to_value(value).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut value {
        for field in fields {
            if let Some(v) = map.get_mut(*field) {
                if !v.is_null() {
                    *v = Value::String(WITHHELD.into());
                }
            }
        }
    }
    value
}

/// `value` as the trail records it: for a subject access request, with the named fields,
/// which hold personal data, withheld.
pub fn of_request_kind(regime: Regime, value: Value, personal: &[&str]) -> Value {
    match regime {
        Regime::Sar => withholding(value, personal),
        _ => value,
    }
}

/// One change for the trail: what was done to which record, and the record before and after
/// it, as far as the trail may show them.
#[derive(Debug, Clone, PartialEq)]
pub struct Change<'a> {
    action: &'a str,
    entity: &'a str,
    entity_id: Option<i32>,
    before: Option<Value>,
    after: Option<Value>,
}

impl<'a> Change<'a> {
    pub fn new(action: &'a str, entity: &'a str, entity_id: impl Into<Option<i32>>) -> Self {
        Change {
            action,
            entity,
            entity_id: entity_id.into(),
            before: None,
            after: None,
        }
    }

    pub fn before(self, value: impl Into<Option<Value>>) -> Self {
        Change {
            before: value.into(),
            ..self
        }
    }

    pub fn after(self, value: impl Into<Option<Value>>) -> Self {
        Change {
            after: value.into(),
            ..self
        }
    }
}

/// One entry, in the caller's transaction.
pub fn record(
    conn: &mut DbConnection,
    caller: &Caller,
    change: Change,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    audit::insert(
        conn,
        &NewEntry {
            user_id: caller.user_id(),
            actor: &caller.label,
            client: caller.client.as_deref(),
            action: change.action,
            entity: change.entity,
            entity_id: change.entity_id,
            before: change.before.as_ref(),
            after: change.after.as_ref(),
        },
        now,
    )?;
    Ok(())
}

/// The trail's filters as the query string gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct TrailQuery {
    pub user_id: Option<String>,
    /// Part of a person's name or email address.
    pub person: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub action: Option<String>,
    pub from: Option<String>,
    pub until: Option<String>,
    pub page: Option<String>,
}

pub const TRAIL_PAGE: i64 = 50;
/// The last page number asked for that is taken: far beyond any trail, far below overflow.
pub const MAX_PAGE: i64 = 100_000;

impl TrailQuery {
    pub fn validate(&self) -> Result<(AuditFilter, i64), AppError> {
        let mut f = Fields::new();
        // Bounded, so that no offset overflows a database's integer or wraps round to a page
        // that exists.
        let number = |f: &mut Fields, field: &str, value: &Option<String>, most: i64| -> Option<i64> {
            let value = value.as_deref().map(str::trim).filter(|v| !v.is_empty())?;
            let parsed = value.parse::<i64>().ok().filter(|n| (1..=most).contains(n));
            if parsed.is_none() {
                f.error(field, format!("{field} must be a whole number from 1 to {most}"));
            }
            parsed
        };
        let id = i64::from(i32::MAX);
        let user_id = number(&mut f, "user_id", &self.user_id, id).map(|n| n as i32);
        let entity_id = number(&mut f, "entity_id", &self.entity_id, id).map(|n| n as i32);
        let page = number(&mut f, "page", &self.page, MAX_PAGE).unwrap_or(1);
        let person = f.optional_text("person", "Person", self.person.as_deref(), 200);
        let entity = f.optional_text("entity", "Entity", self.entity.as_deref(), 50);
        let action = f.optional_text("action", "Action", self.action.as_deref(), 50);
        let from = f.optional_date("from", "From", self.from.as_deref(), None);
        let until = f.optional_date("until", "Until", self.until.as_deref(), None);
        f.finish((
            AuditFilter {
                user_id,
                person,
                entity,
                entity_id,
                action,
                from,
                until,
                scope: Scope::Everything,
            },
            page,
        ))
    }
}

/// A page of the trail for someone allowed to read it.
pub fn trail(
    conn: &mut DbConnection,
    caller: &Caller,
    query: &TrailQuery,
    all: bool,
) -> Result<(Vec<AuditEntry>, i64, i64), AppError> {
    let actor = super::access::require(caller, |a| a.reads_audit_trail())?;
    let (mut filter, page) = query.validate()?;
    // An administrator reads the entries about the requests they may read, no others.
    filter.scope = access::scope_of(actor);
    let (limit, offset) = if all {
        (i64::MAX, 0)
    } else {
        (TRAIL_PAGE, (page - 1) * TRAIL_PAGE)
    };
    let (mut entries, total) = audit::list(conn, &filter, limit, offset)?;
    if filter.scope != Scope::Everything {
        let unreadable = access::unreadable_entries(conn, actor, &entries)?;
        entries.retain(|e| !unreadable.contains(&e.id));
    }
    access::audited_view(conn, &mut entries)?;
    Ok((entries, total, page))
}

pub fn actions(conn: &mut DbConnection) -> Result<Vec<String>, AppError> {
    Ok(audit::actions(conn)?)
}
