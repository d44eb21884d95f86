//! Organisations and users: adding, listing, renaming an organisation, deactivating a user
//! and handing their requests over.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::access::require_admin;
use super::account_links::{one_time_link, Purpose};
use super::audit::{record, Caller, Change};
use super::input::{names, Fields};
use super::passwords::{check_password, hash_password};
use super::sessions::end_access;
use crate::db::accounts::{self, NewUser, Organisation, User};
use crate::db::{self, sessions, DbConnection};
use crate::domain::account::Role;
use crate::error::AppError;

fn normalise_email(f: &mut Fields, email: &str) -> String {
    let email = f
        .optional_email("email", "Email", Some(email))
        .unwrap_or_default();
    if email.is_empty() {
        f.error("email", "Email is required");
    }
    email.to_lowercase()
}

/// A user as the admin form, the API and `foi-tracker user add` give it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct UserInput {
    pub email: String,
    pub name: String,
    /// The organisation's name; a new name creates it.
    pub organisation: String,
    /// admin, coordinator, researcher or auditor.
    pub role: String,
    /// Set now (the command line's --password-stdin), or left out for an invitation link.
    #[serde(skip_serializing)]
    pub password: Option<String>,
}

/// A user just added, and the invitation link to show the admin when no password was given.
pub struct Added {
    pub user: User,
    pub invitation: Option<String>,
}

fn audit_user(user: &User) -> serde_json::Value {
    json!({
        "email": user.email, "name": user.name, "role": user.role,
        "organisation_id": user.organisation_id, "active": user.active,
        "two_factor": user.two_factor(), "password": if user.has_password() { "set" } else { "not set" },
    })
}

pub fn add_user(
    conn: &mut DbConnection,
    caller: &Caller,
    input: &UserInput,
    base_url: &str,
    now: NaiveDateTime,
) -> Result<Added, AppError> {
    require_admin(caller)?;
    let mut f = Fields::new();
    let email = normalise_email(&mut f, &input.email);
    let name = f.text("name", "Name", &input.name, 200);
    let organisation = f.text("organisation", "Organisation", &input.organisation, 200);
    let role: Option<Role> = f.closed("role", "Role", &input.role, &names::<Role>());
    if let Some(password) = &input.password {
        check_password(&mut f, "password", password);
    }
    let role = f.finish(role)?.unwrap_or(Role::Researcher);
    let hash = input.password.as_deref().map(hash_password).transpose()?;
    db::write(conn, |conn| {
        if accounts::find_user_by_email(conn, &email)?.is_some() {
            return Err(AppError::conflict(
                Some("email"),
                format!("{email} already has an account"),
            ));
        }
        let organisation = organisation_named(conn, caller, &organisation, now)?;
        let id = accounts::insert_user(
            conn,
            &NewUser {
                organisation_id: organisation.id,
                email: &email,
                name: &name,
                role,
                password_hash: hash.as_deref(),
            },
            now,
        )?;
        let user = get_user(conn, id)?;
        record(
            conn,
            caller,
            Change::new("create", "user", id).after(audit_user(&user)),
            now,
        )?;
        let invitation = match user.has_password() {
            true => None,
            false => Some(one_time_link(
                conn,
                caller,
                &user,
                Purpose::Invitation,
                base_url,
                now,
            )?),
        };
        Ok(Added { user, invitation })
    })
}

/// The organisation of that name, created (and audited) if there is none yet.
fn organisation_named(
    conn: &mut DbConnection,
    caller: &Caller,
    name: &str,
    now: NaiveDateTime,
) -> Result<Organisation, AppError> {
    if let Some(organisation) = accounts::find_organisation_by_name(conn, name)? {
        return Ok(organisation);
    }
    let id = accounts::insert_organisation(conn, name, now)?;
    record(
        conn,
        caller,
        Change::new("create", "organisation", id).after(json!({"name": name})),
        now,
    )?;
    Ok(Organisation {
        id,
        name: name.to_string(),
    })
}

pub fn get_user(conn: &mut DbConnection, id: i32) -> Result<User, AppError> {
    accounts::find_user(conn, id)?.ok_or_else(|| AppError::NotFound(format!("user {id}")))
}

pub fn user_by_email(conn: &mut DbConnection, email: &str) -> Result<User, AppError> {
    accounts::find_user_by_email(conn, &email.trim().to_lowercase())?
        .ok_or_else(|| AppError::invalid("email", format!("No user has the email {}", email.trim())))
}

/// Every user with their organisation's name, for admins.
pub fn list_users(conn: &mut DbConnection, caller: &Caller) -> Result<Vec<(User, String)>, AppError> {
    require_admin(caller)?;
    let organisations = accounts::organisations(conn)?;
    Ok(accounts::users(conn)?
        .into_iter()
        .map(|u| {
            let organisation = organisations
                .iter()
                .find(|o| o.id == u.organisation_id)
                .map(|o| o.name.clone())
                .unwrap_or_default();
            (u, organisation)
        })
        .collect())
}

pub fn organisations(conn: &mut DbConnection) -> Result<Vec<Organisation>, AppError> {
    Ok(accounts::organisations(conn)?)
}

/// Renames an organisation (its members and requests stay with it).
pub fn rename_organisation(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i32,
    name: &str,
    now: NaiveDateTime,
) -> Result<Organisation, AppError> {
    require_admin(caller)?;
    let mut f = Fields::new();
    let name = f.text("name", "Name", name, 200);
    f.finish(())?;
    db::write(conn, |conn| {
        let before = accounts::find_organisation(conn, id)?
            .ok_or_else(|| AppError::NotFound(format!("organisation {id}")))?;
        if before.name == name {
            return Ok(before);
        }
        if accounts::find_organisation_by_name(conn, &name)?.is_some() {
            return Err(AppError::conflict(
                Some("name"),
                format!("An organisation is already called {name}"),
            ));
        }
        accounts::rename_organisation(conn, id, &name)?;
        record(
            conn,
            caller,
            Change::new("rename", "organisation", id)
                .before(json!({"name": before.name}))
                .after(json!({"name": name})),
            now,
        )?;
        Ok(Organisation { id, name })
    })
}

/// Ends everything a user could do: sessions, API tokens, unused links. Their requests go to
/// `hand_over_to`, an active member of the same organisation.
pub fn deactivate(
    conn: &mut DbConnection,
    caller: &Caller,
    email: &str,
    hand_over_to: Option<&str>,
    now: NaiveDateTime,
) -> Result<(User, usize), AppError> {
    require_admin(caller)?;
    db::write(conn, |conn| {
        let user = user_by_email(conn, email)?;
        if caller.user_id() == Some(user.id) {
            return Err(AppError::conflict(
                None,
                "You cannot deactivate yourself: ask another administrator",
            ));
        }
        // An unknown heir is the hand-over field's error, not the user's email's.
        let heir = hand_over_to
            .map(|e| {
                user_by_email(conn, e).map_err(|error| match error {
                    AppError::Invalid(mut fields) => {
                        fields.iter_mut().for_each(|f| f.field = "hand_over_to".into());
                        AppError::Invalid(fields)
                    }
                    other => other,
                })
            })
            .transpose()?;
        if let Some(heir) = &heir {
            if heir.id == user.id || !heir.active || heir.organisation_id != user.organisation_id {
                return Err(AppError::invalid(
                    "hand_over_to",
                    "Hand the requests over to another active member of the same organisation",
                ));
            }
        }
        accounts::set_active(conn, user.id, false, now)?;
        end_access(conn, user.id, now)?;
        sessions::expire_one_time_tokens(conn, user.id, Purpose::Invitation.name(), now)?;
        sessions::expire_one_time_tokens(conn, user.id, Purpose::PasswordReset.name(), now)?;
        let handed_over = match &heir {
            Some(heir) => super::requests::hand_over(conn, caller, user.id, heir.id, now)?,
            None => 0,
        };
        let after = get_user(conn, user.id)?;
        record(
            conn,
            caller,
            Change::new("deactivate", "user", user.id)
                .before(audit_user(&user))
                .after(audit_user(&after)),
            now,
        )?;
        Ok((after, handed_over))
    })
}

/// An organisation's users, for choosing a request's owner.
pub fn members(conn: &mut DbConnection, organisation_id: i32) -> Result<Vec<User>, AppError> {
    Ok(accounts::users_of(conn, organisation_id)?)
}
