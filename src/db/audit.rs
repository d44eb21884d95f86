//! The audit trail: append-only. There is no update or delete here, and the database's own
//! triggers refuse them.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use serde::Serialize;
use serde_json::Value;

use super::requests::{seen_by, Scope};
use super::schema::audit_entries;
use super::DbConnection;

type Backend = <DbConnection as diesel::Connection>::Backend;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub id: i32,
    pub at: NaiveDateTime,
    pub user_id: Option<i32>,
    /// Who, in words: an email address, "command line", "system".
    pub actor: String,
    /// From where: the client's address, when known.
    pub client: Option<String>,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<i32>,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = audit_entries)]
struct Row {
    id: i32,
    at: NaiveDateTime,
    user_id: Option<i32>,
    actor: String,
    client: Option<String>,
    action: String,
    entity: String,
    entity_id: Option<i32>,
    before: Option<String>,
    after: Option<String>,
}

fn json(text: Option<String>) -> Option<Value> {
    text.map(|t| serde_json::from_str(&t).unwrap_or(Value::String(t)))
}

impl From<Row> for AuditEntry {
    fn from(row: Row) -> AuditEntry {
        AuditEntry {
            id: row.id,
            at: row.at,
            user_id: row.user_id,
            actor: row.actor,
            client: row.client,
            action: row.action,
            entity: row.entity,
            entity_id: row.entity_id,
            before: json(row.before),
            after: json(row.after),
        }
    }
}

pub struct NewEntry<'a> {
    pub user_id: Option<i32>,
    pub actor: &'a str,
    pub client: Option<&'a str>,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<i32>,
    pub before: Option<&'a Value>,
    pub after: Option<&'a Value>,
}

pub fn insert(conn: &mut DbConnection, entry: &NewEntry<'_>, at: NaiveDateTime) -> QueryResult<usize> {
    diesel::insert_into(audit_entries::table)
        .values((
            audit_entries::at.eq(at),
            audit_entries::user_id.eq(entry.user_id),
            audit_entries::actor.eq(entry.actor),
            audit_entries::client.eq(entry.client),
            audit_entries::action.eq(entry.action),
            audit_entries::entity.eq(entry.entity),
            audit_entries::entity_id.eq(entry.entity_id),
            audit_entries::before.eq(entry.before.map(Value::to_string)),
            audit_entries::after.eq(entry.after.map(Value::to_string)),
        ))
        .execute(conn)
}

/// The trail's filters, already validated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub user_id: Option<i32>,
    /// Part of a person's name or email address, in any case.
    pub person: Option<String>,
    pub entity: Option<String>,
    pub entity_id: Option<i32>,
    pub action: Option<String>,
    pub from: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    /// The requests whose entries the reader may see: entries about the others (the request
    /// itself, its indicators, events, documents and figures) are left out, counts included.
    pub scope: Scope,
}

fn filtered(filter: &AuditFilter) -> audit_entries::BoxedQuery<'_, Backend> {
    let mut query = audit_entries::table.into_boxed();
    if let Some(user) = filter.user_id {
        query = query.filter(audit_entries::user_id.eq(user));
    }
    if let Some(person) = &filter.person {
        use super::schema::users;
        use super::{lower, request_list::escape_like};
        let pattern = format!("%{}%", escape_like(&person.to_lowercase()));
        let people = users::table
            .filter(
                lower(users::name)
                    .like(pattern.clone())
                    .escape('\\')
                    .or(lower(users::email).like(pattern.clone()).escape('\\')),
            )
            .select(users::id.nullable());
        // The actor's address as recorded too: a user since renamed is found by either.
        query = query.filter(
            audit_entries::user_id
                .eq_any(people)
                .or(lower(audit_entries::actor).like(pattern).escape('\\')),
        );
    }
    if let Some(entity) = &filter.entity {
        query = query.filter(audit_entries::entity.eq(entity));
    }
    if let Some(id) = filter.entity_id {
        query = query.filter(audit_entries::entity_id.eq(id));
    }
    if let Some(action) = &filter.action {
        query = query.filter(audit_entries::action.eq(action));
    }
    if let Some(from) = filter.from.and_then(|d| d.and_hms_opt(0, 0, 0)) {
        query = query.filter(audit_entries::at.ge(from));
    }
    if let Some(until) = filter
        .until
        .and_then(|d| d.succ_opt())
        .and_then(|d| d.and_hms_opt(0, 0, 0))
    {
        query = query.filter(audit_entries::at.lt(until));
    }
    if let Scope::SeenBy(organisation) = filter.scope {
        use super::schema::{documents, events, figures, requests};
        use diesel::dsl::not;
        let hidden_requests = requests::table
            .filter(not(seen_by(organisation)))
            .select(requests::id.nullable());
        let hidden_events = events::table
            .inner_join(requests::table)
            .filter(not(seen_by(organisation)))
            .select(events::id.nullable());
        let hidden_documents = documents::table
            .inner_join(requests::table)
            .filter(not(seen_by(organisation)))
            .select(documents::id.nullable());
        let hidden_figures = figures::table
            .inner_join(requests::table.on(figures::request_id.eq(requests::id.nullable())))
            .filter(not(seen_by(organisation)))
            .select(figures::id.nullable());
        query = query
            .filter(not(audit_entries::entity
                .eq_any(["request", "request_indicators"])
                .and(audit_entries::entity_id.eq_any(hidden_requests))))
            .filter(not(audit_entries::entity
                .eq("event")
                .and(audit_entries::entity_id.eq_any(hidden_events))))
            .filter(not(audit_entries::entity
                .eq("document")
                .and(audit_entries::entity_id.eq_any(hidden_documents))))
            .filter(not(audit_entries::entity
                .eq("figure")
                .and(audit_entries::entity_id.eq_any(hidden_figures))));
        // A batch's entry names all its members: one with any request the reader may not see
        // (another organisation's drafts, not all sent) is not in their trail.
        use super::schema::batch_members;
        let unseen_requests = requests::table
            .filter(not(seen_by(organisation)))
            .select(requests::id);
        let unseen_batches = batch_members::table
            .filter(batch_members::request_id.eq_any(unseen_requests))
            .select(batch_members::batch_id.nullable());
        query = query.filter(not(audit_entries::entity
            .eq("batch")
            .and(audit_entries::entity_id.eq_any(unseen_batches))));
    }
    query
}

/// Entries matching, newest first, and how many match in all.
pub fn list(
    conn: &mut DbConnection,
    filter: &AuditFilter,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<AuditEntry>, i64)> {
    let total = filtered(filter).count().get_result(conn)?;
    let rows: Vec<Row> = filtered(filter)
        .order(audit_entries::id.desc())
        .limit(limit)
        .offset(offset)
        .select(Row::as_select())
        .load(conn)?;
    Ok((rows.into_iter().map(AuditEntry::from).collect(), total))
}

/// The distinct actions recorded, for the filter.
pub fn actions(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    audit_entries::table
        .select(audit_entries::action)
        .distinct()
        .order(audit_entries::action)
        .load(conn)
}
