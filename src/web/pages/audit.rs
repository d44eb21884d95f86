//! `/audit`: the audit trail for auditors and admins, filtered, paged, and as CSV.

use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde_json::{json, Map, Value};

use super::{errors, form_again, page};
use crate::db::audit::AuditEntry;
use crate::domain::written;
use crate::error::AppError;
use crate::templates::label_of;
use crate::tracker::audit::Caller;
use crate::tracker::audit::{self, TrailQuery, TRAIL_PAGE};
use crate::web::auth::Who;
use crate::web::extract::{with_db, DatedQuery};
use crate::web::state::AppState;

fn shown(value: &Option<Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(v) => v.to_string(),
    }
}

fn row(entry: &AuditEntry) -> Value {
    json!({
        "id": entry.id, "at": entry.at.format("%Y-%m-%d %H:%M:%S").to_string(), "actor": entry.actor,
        "user_id": entry.user_id, "client": entry.client, "action": entry.action, "entity": entry.entity,
        "entity_id": entry.entity_id, "changes": changes(&entry.before, &entry.after),
    })
}

/// A change as people read it, field by field: `old → new` for the fields that changed, the
/// new values of a creation, the old values of a deletion.
fn changes(before: &Option<Value>, after: &Option<Value>) -> Vec<Value> {
    let fields = |value: &Option<Value>| match value {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(map)) => map.clone(),
        Some(other) => Map::from_iter([("value".to_string(), other.clone())]),
    };
    let (old, new) = (fields(before), fields(after));
    let mut names: Vec<&String> = old.keys().collect();
    names.extend(new.keys().filter(|k| !old.contains_key(*k)));
    names
        .into_iter()
        .filter(|name| old.get(*name) != new.get(*name))
        .map(|name| {
            json!({
                "field": humanize(name),
                "old": old.get(name).map(|v| readable(name, v)),
                "new": new.get(name).map(|v| readable(name, v)),
            })
        })
        .collect()
}

/// `sent_on` as "Sent on".
fn humanize(name: &str) -> String {
    let words = name.replace('_', " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A stored value as the app writes it elsewhere: labels for its closed sets, dates written
/// out, yes and no.
fn readable(field: &str, value: &Value) -> String {
    match value {
        Value::Null => "(none)".into(),
        Value::Bool(yes) => if *yes { "yes" } else { "no" }.into(),
        Value::Number(n) => n.to_string(),
        Value::String(text) => match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(date) => written::day(date),
            Err(_) => {
                let set = match field {
                    "kind" => "event",
                    "status" | "regime" | "outcome" | "sent_via" | "nation" | "appeal_outcome" => field,
                    _ => "",
                };
                label_of(set, text)
            }
        },
        Value::Array(items) => items
            .iter()
            .map(|item| readable(field, item))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(_) => value.to_string(),
    }
}

pub async fn list(
    state: web::Data<AppState>,
    who: Who,
    query: DatedQuery<TrailQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.0;
    let caller = who.caller();
    let filters = query.clone();
    let result = with_db(&state, move |conn, _, _| {
        let actions = audit::actions(conn)?;
        Ok((audit::trail(conn, &caller, &filters, false)?, actions))
    })
    .await;
    let mut data = json!({"title": "Audit trail", "nav": "audit", "query": query, "actions": [], "csv": ""});
    match result {
        Ok(((entries, total, page_number), actions)) => {
            let pages = (total + TRAIL_PAGE - 1) / TRAIL_PAGE;
            let link = |n: i64| {
                let mut q = query.clone();
                q.page = Some(n.to_string());
                serde_urlencoded::to_string(&q).unwrap_or_default()
            };
            let mut csv = query.clone();
            csv.page = None;
            data["entries"] = entries.iter().map(row).collect();
            data["total"] = json!(total);
            data["actions"] = json!(actions);
            data["csv"] = json!(serde_urlencoded::to_string(&csv).unwrap_or_default());
            data["previous"] = json!((page_number > 1).then(|| link(page_number - 1)));
            data["next"] = json!((page_number < pages).then(|| link(page_number + 1)));
            data["page"] = json!({"number": page_number, "of": pages.max(1)});
            page(&state, &who, "audit/list", data)
        }
        Err(error @ (AppError::Invalid(_) | AppError::BadRequest { .. })) => {
            data["errors"] = json!(errors(&error));
            form_again(&state, &who, &error, "audit/list", data)
        }
        Err(error) => Err(error),
    }
}

/// The whole filtered trail as CSV, oldest last as on the page.
pub async fn export(
    state: web::Data<AppState>,
    caller: Caller,
    query: DatedQuery<TrailQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.0;
    let (entries, _, _) = with_db(&state, move |conn, _, _| {
        audit::trail(conn, &caller, &query, true)
    })
    .await?;
    let number = |n: Option<i32>| n.map(|n| n.to_string()).unwrap_or_default();
    let rows = entries.iter().map(|e| {
        vec![
            e.id.to_string(),
            e.at.format("%Y-%m-%dT%H:%M:%S").to_string(),
            number(e.user_id),
            e.actor.clone(),
            e.client.clone().unwrap_or_default(),
            e.action.clone(),
            e.entity.clone(),
            number(e.entity_id),
            shown(&e.before),
            shown(&e.after),
        ]
    });
    super::csv_attachment(
        "audit-trail.csv",
        &[
            "id",
            "at",
            "user_id",
            "actor",
            "client",
            "action",
            "entity",
            "entity_id",
            "before",
            "after",
        ],
        rows,
    )
}
