//! Groups of authorities a batch is sent to: read by anyone signed in, kept by administrators,
//! and seeded from `data/authority_groups.csv` into an install that has none.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::access::require_admin;
use super::audit::{record, Caller, Change};
use super::authorities::AuthorityInput;
use super::input::Fields;
use crate::db::authority_groups::{self, AuthorityGroup};
use crate::db::{self, authorities, is_unique_violation, DbConnection};
use crate::error::AppError;

/// At most this many authorities in a group (the register is a few hundred).
pub const MAX_MEMBERS: usize = 1_000;

/// A group with its members, as lists and the API show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GroupView {
    pub id: i32,
    pub name: String,
    pub description: String,
    /// Its authorities' ids, in the order of their names.
    pub authority_ids: Vec<i32>,
}

/// A group as an administrator sends it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct GroupInput {
    #[serde(default)]
    #[schema(required = true)]
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub authority_ids: Vec<i32>,
}

fn views(groups: Vec<AuthorityGroup>, members: &[(i32, i32)]) -> Vec<GroupView> {
    groups
        .into_iter()
        .map(|g| GroupView {
            authority_ids: members
                .iter()
                .filter(|(group, _)| *group == g.id)
                .map(|(_, a)| *a)
                .collect(),
            id: g.id,
            name: g.name,
            description: g.description,
        })
        .collect()
}

/// Every group, for anyone signed in.
pub fn list(conn: &mut DbConnection, caller: &Caller) -> Result<Vec<GroupView>, AppError> {
    super::access::require(caller, |_| true)?;
    let groups = authority_groups::list(conn)?;
    let members = authority_groups::members(conn)?;
    Ok(views(groups, &members))
}

pub fn read(conn: &mut DbConnection, caller: &Caller, id: i32) -> Result<GroupView, AppError> {
    super::access::require(caller, |_| true)?;
    get(conn, id)
}

pub(crate) fn get(conn: &mut DbConnection, id: i32) -> Result<GroupView, AppError> {
    let group = authority_groups::find(conn, id)?.ok_or_else(|| AppError::NotFound(format!("group {id}")))?;
    let authority_ids = authority_groups::members_of(conn, id)?;
    Ok(GroupView {
        id: group.id,
        name: group.name,
        description: group.description,
        authority_ids,
    })
}

/// The input checked: its name and description, and its authorities (each one that exists,
/// once).
fn validate(conn: &mut DbConnection, input: &GroupInput) -> Result<(String, String, Vec<i32>), AppError> {
    let mut f = Fields::new();
    let name = f.text("name", "Name", &input.name, 200);
    let description = f
        .optional_text("description", "Description", Some(&input.description), 2000)
        .unwrap_or_default();
    let mut ids = input.authority_ids.clone();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        f.error("authority_ids", "Choose the authorities in the group");
    } else if ids.len() > MAX_MEMBERS {
        f.error(
            "authority_ids",
            format!("A group holds at most {MAX_MEMBERS} authorities"),
        );
    } else if let Some(missing) = missing_authority(conn, &ids)? {
        f.error("authority_ids", format!("There is no authority {missing}"));
    }
    f.finish((name, description, ids))
}

/// The first of `ids` that is no authority's.
fn missing_authority(conn: &mut DbConnection, ids: &[i32]) -> Result<Option<i32>, AppError> {
    let known: std::collections::HashSet<i32> = authorities::list(conn)?.into_iter().map(|a| a.id).collect();
    Ok(ids.iter().copied().find(|id| !known.contains(id)))
}

fn taken(name: &str) -> AppError {
    AppError::conflict(Some("name"), format!("a group called \"{name}\" already exists"))
}

fn audit_value(group: &GroupView) -> serde_json::Value {
    json!({"name": group.name, "description": group.description, "authority_ids": group.authority_ids})
}

pub fn create(
    conn: &mut DbConnection,
    caller: &Caller,
    input: &GroupInput,
    now: NaiveDateTime,
) -> Result<GroupView, AppError> {
    require_admin(caller)?;
    db::write(conn, |conn| {
        let (name, description, ids) = validate(conn, input)?;
        if authority_groups::find_by_name(conn, &name)?.is_some() {
            return Err(taken(&name));
        }
        let id =
            authority_groups::insert(conn, &name, &description, now).map_err(
                |e| match is_unique_violation(&e) {
                    true => taken(&name),
                    false => e.into(),
                },
            )?;
        authority_groups::set_members(conn, id, &ids)?;
        let created = get(conn, id)?;
        record(
            conn,
            caller,
            Change::new("create", "authority_group", id).after(audit_value(&created)),
            now,
        )?;
        Ok(created)
    })
}

pub fn update(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i32,
    input: &GroupInput,
    now: NaiveDateTime,
) -> Result<GroupView, AppError> {
    require_admin(caller)?;
    db::write(conn, |conn| {
        let before = get(conn, id)?;
        let (name, description, ids) = validate(conn, input)?;
        if authority_groups::find_by_name(conn, &name)?.is_some_and(|other| other.id != id) {
            return Err(taken(&name));
        }
        authority_groups::update(conn, id, &name, &description, now)?;
        authority_groups::set_members(conn, id, &ids)?;
        let after = get(conn, id)?;
        record(
            conn,
            caller,
            Change::new("update", "authority_group", id)
                .before(audit_value(&before))
                .after(audit_value(&after)),
            now,
        )?;
        Ok(after)
    })
}

pub fn delete(conn: &mut DbConnection, caller: &Caller, id: i32, now: NaiveDateTime) -> Result<(), AppError> {
    require_admin(caller)?;
    db::write(conn, |conn| {
        let before = get(conn, id)?;
        authority_groups::delete(conn, id)?;
        record(
            conn,
            caller,
            Change::new("delete", "authority_group", id).before(audit_value(&before)),
            now,
        )?;
        Ok(())
    })
}

const SEED: &str = include_str!("../../data/authority_groups.csv");

#[derive(Deserialize)]
struct SeedRow {
    groups: String,
    #[serde(flatten)]
    authority: AuthorityInput,
}

/// Fills an install that has no groups with those in `data/authority_groups.csv`, adding the
/// authorities the register lacks; the groups created.
pub fn seed(conn: &mut DbConnection, now: NaiveDateTime) -> Result<usize, AppError> {
    if authority_groups::count(conn)? > 0 {
        return Ok(0);
    }
    let caller = Caller::system("first start");
    let broken = |e: &dyn std::fmt::Display| AppError::Internal(format!("data/authority_groups.csv: {e}"));
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_reader(SEED.as_bytes());
    let mut groups: Vec<(String, Vec<i32>)> = Vec::new();
    db::write(conn, |conn| {
        for row in reader.deserialize::<SeedRow>() {
            let row = row.map_err(|e| broken(&e))?;
            let id = match authorities::find_by_name(conn, row.authority.name.trim())? {
                Some(existing) => existing.id,
                None => super::authorities::create(conn, &caller, &row.authority, now)?.id,
            };
            for name in row.groups.split(';').map(str::trim).filter(|n| !n.is_empty()) {
                match groups.iter_mut().find(|(g, _)| g == name) {
                    Some((_, ids)) => ids.push(id),
                    None => groups.push((name.to_string(), vec![id])),
                }
            }
        }
        for (name, authority_ids) in &groups {
            let input = GroupInput {
                name: name.clone(),
                description: String::new(),
                authority_ids: authority_ids.clone(),
            };
            create(conn, &caller, &input, now)?;
        }
        Ok(groups.len())
    })
}
