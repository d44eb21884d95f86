//! Who may see what, decided here and nowhere else. Each request belongs to one
//! organisation; its drafts and subject access requests stay inside it (auditors aside, whose
//! every view of a subject access request is itself audited); the rest is readable by the
//! whole coalition, and the public sees only what comes of sent requests that are not subject
//! access requests. Pages, the API, exports, feeds, emails, search, the audit trail and the
//! public scorecard and open data all ask these functions, so that what the rules hide from
//! one output they hide from every other.

use std::collections::HashSet;

use chrono::NaiveDateTime;
use serde_json::Value;

use super::audit::{record, Caller, Change, WITHHELD};
use crate::db::audit::AuditEntry;
use crate::db::documents::{self, Document};
use crate::db::requests::{self, Request, Scope};
use crate::db::{self, DbConnection};
use crate::domain::account::{is_private, Access, Actor, Role};
use crate::domain::regime::Regime;
use crate::domain::timeline::Status;
use crate::domain::version::{self, Expected};
use crate::error::AppError;

/// Refuses a change made on a version of `what` other than the one stored (last changed at
/// `updated_at`), so that nobody overwrites a change they have not seen.
pub fn unchanged_since_read(
    expected: &Expected,
    updated_at: NaiveDateTime,
    what: &str,
) -> Result<(), AppError> {
    if expected.allows(&version::of(updated_at)) {
        return Ok(());
    }
    Err(AppError::Stale(format!(
        "{what} has changed since you read it: read it again, then make your change on what is there now"
    )))
}

/// The caller's actor when `allowed` says yes: not signed in is 401, not allowed 403.
pub fn require(caller: &Caller, allowed: impl FnOnce(&Actor) -> bool) -> Result<&Actor, AppError> {
    let actor = caller.actor.as_ref().ok_or(AppError::Unauthorized)?;
    if allowed(actor) {
        Ok(actor)
    } else {
        Err(AppError::Forbidden("Your role does not allow this".into()))
    }
}

/// An administrator, or the server itself (whose command line only someone with the server
/// can use).
pub fn require_admin(caller: &Caller) -> Result<(), AppError> {
    if caller.is_server() {
        return Ok(());
    }
    require(caller, Actor::is_admin).map(|_| ())
}

/// Which requests of other organisations a viewer sees in lists, counts and the audit trail.
pub(crate) fn scope_of(actor: &Actor) -> Scope {
    match actor.role {
        Role::Auditor => Scope::Everything,
        _ => Scope::SeenBy(actor.organisation_id),
    }
}

/// What the actor may do with this request.
pub(crate) fn access_to(actor: &Actor, request: &Request) -> Access {
    actor.access(
        request.organisation_id,
        request.values.regime,
        request.status == Status::Draft,
    )
}

/// Whether anyone, signed in or not, may know of what comes of the request (figures taken from
/// it, its place on the scorecard): sent, and not a subject access request. What it was when
/// the figure was entered does not matter: what it is now does.
pub fn is_public(regime: Regime, status: Status) -> bool {
    !is_private(regime, status == Status::Draft)
}

/// A request the caller may read: one they may not even see is "not found".
pub(crate) fn readable(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i32,
) -> Result<(Request, Access), AppError> {
    let actor = require(caller, |_| true)?;
    let request = super::requests::get(conn, id)?;
    match access_to(actor, &request) {
        Access::None => Err(AppError::NotFound(format!("request {id}"))),
        access => Ok((request, access)),
    }
}

/// A request the caller may change: one they can read but not change is forbidden.
pub(crate) fn writable(conn: &mut DbConnection, caller: &Caller, id: i32) -> Result<Request, AppError> {
    match readable(conn, caller, id)? {
        (request, Access::Write) => Ok(request),
        _ => Err(AppError::Forbidden(
            "Only researchers and coordinators of the request's organisation can change it".into(),
        )),
    }
}

/// What a list shows an auditor of a subject access request they have not opened.
pub const UNOPENED: &str = "Subject access request (open it to see it; your view is recorded)";

/// Records an auditor's view of a subject access request, before they see anything of it.
pub(crate) fn record_view(
    conn: &mut DbConnection,
    caller: &Caller,
    request: &Request,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    if caller
        .actor
        .as_ref()
        .is_some_and(|a| a.view_is_audited(request.values.regime))
    {
        db::transaction(conn, |conn| {
            record(conn, caller, Change::new("view", "request", request.id), now)
        })?;
    }
    Ok(())
}

/// The fields of a request and of what hangs on it (events, documents, appeals) that hold a
/// subject access request's personal data: the trail shows them by name only.
pub const PERSONAL: &[&str] = &["title", "body", "reference", "tags", "details", "filename"];

/// The references a regulator or a tribunal gives a subject access request's appeal: they
/// lead to the person as surely as its own reference does.
pub const PERSONAL_APPEAL: &[&str] = &["reference", "decision_reference"];

/// The request an audit entry is about, if it is about one.
fn request_of(entry: &AuditEntry) -> Option<i32> {
    match entry.entity.as_str() {
        "request" | "request_indicators" => entry.entity_id,
        _ => [&entry.after, &entry.before]
            .into_iter()
            .flatten()
            .find_map(|v| v.get("request_id").and_then(Value::as_i64))
            .and_then(|id| i32::try_from(id).ok()),
    }
}

fn withhold(value: &mut Value, fields: &[&str]) {
    if let Value::Object(map) = value {
        for field in fields {
            if let Some(v) = map.get_mut(*field) {
                if !v.is_null() && v.as_str() != Some(WITHHELD) {
                    *v = Value::String(WITHHELD.into());
                }
            }
        }
    }
}

/// The trail as anyone may read it: every entry about a request that is now a subject access
/// request shows its personal data by name only, whatever the request was when the entry was
/// written (a request turned into one later, the entry that turned it).
pub(crate) fn audited_view(conn: &mut DbConnection, entries: &mut [AuditEntry]) -> Result<(), AppError> {
    let ids: Vec<i32> = entries.iter().filter_map(request_of).collect();
    let sars: HashSet<i32> = requests::of_regime(conn, &ids, Regime::Sar)?
        .into_iter()
        .collect();
    for entry in entries.iter_mut() {
        if !request_of(entry).is_some_and(|id| sars.contains(&id)) {
            continue;
        }
        for value in [&mut entry.before, &mut entry.after].into_iter().flatten() {
            withhold(value, PERSONAL);
            if let Some(appeal) = value.get_mut("appeal") {
                withhold(appeal, PERSONAL_APPEAL);
            }
        }
    }
    Ok(())
}

/// Of these audit entries, those about a request the actor may not read (from a deleted
/// event's record, which no query can join): what the database could not leave out.
pub(crate) fn unreadable_entries(
    conn: &mut DbConnection,
    actor: &Actor,
    entries: &[AuditEntry],
) -> Result<HashSet<i32>, AppError> {
    let ids: Vec<i32> = entries.iter().filter_map(request_of).collect();
    let mut readable = HashSet::new();
    for chunk in ids.chunks(1000) {
        readable.extend(
            requests::find_many(conn, chunk)?
                .iter()
                .filter(|r| access_to(actor, r) != Access::None)
                .map(|r| r.id),
        );
    }
    Ok(entries
        .iter()
        .filter(|e| request_of(e).is_some_and(|id| !readable.contains(&id)))
        .map(|e| e.id)
        .collect())
}

/// Coordinators see their organisation's reminders; admins the reminders about every request
/// they may read; auditors everyone's.
pub fn may_see_outbox(actor: &Actor) -> bool {
    matches!(actor.role, Role::Coordinator | Role::Admin | Role::Auditor)
}

/// The one organisation whose notices a coordinator's outbox is limited to; none for the
/// roles that see more.
pub(crate) fn outbox_organisation(actor: &Actor) -> Option<i32> {
    (actor.role == Role::Coordinator).then_some(actor.organisation_id)
}

/// Retrying failed reminders sends email: coordinators and administrators, not auditors.
pub(crate) fn may_retry_reminders(actor: &Actor) -> bool {
    matches!(actor.role, Role::Coordinator | Role::Admin)
}

/// How a request is named where its title might say too much: a subject access request by
/// its reference only, since its title may name the person.
pub(crate) fn request_name(request: &Request) -> String {
    if request.values.regime == Regime::Sar {
        match &request.values.reference {
            Some(reference) => format!("Subject access request, reference {reference}"),
            None => format!("Subject access request #{}", request.id),
        }
    } else {
        request.values.title.clone()
    }
}

/// Whether the caller may add documents to a request: asked before an upload's body is read,
/// so that nobody without the right can make the server read, hold or parse a file.
pub fn may_add(conn: &mut DbConnection, caller: &Caller, request_id: i32) -> Result<(), AppError> {
    require(caller, |_| true)?;
    writable(conn, caller, request_id).map(|_| ())
}

/// A document whose request the caller may read, with that request; a document of a request
/// the caller may not know of is as unknown as one that does not exist.
pub(crate) fn readable_document(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i32,
) -> Result<(Document, Request), AppError> {
    let missing = || AppError::NotFound(format!("document {id}"));
    let document = documents::find(conn, id)?.ok_or_else(missing)?;
    let (request, _) = readable(conn, caller, document.request_id).map_err(|e| match e {
        AppError::NotFound(_) => missing(),
        other => other,
    })?;
    Ok((document, request))
}
