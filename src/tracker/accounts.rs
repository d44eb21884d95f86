//! Organisations and users: adding, inviting, resetting passwords, two-factor sign-in,
//! deactivating and handing requests over. Passwords are hashed with argon2; links and
//! tokens are random and stored as their SHA-256 only.

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use base64::Engine;
use chrono::{Duration, NaiveDateTime};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::Digest;

use super::access::{require, require_admin};
use super::audit::{record, Caller};
use super::input::{names, Fields};
use super::sessions::{confirm_password, end_access, Ended, Throttle};
use crate::db::accounts::{self, NewUser, Organisation, User};
use crate::db::{self, sessions, DbConnection};
use crate::domain::account::{Actor, Role};
use crate::error::AppError;

pub const MIN_PASSWORD: usize = 12;
pub const MAX_PASSWORD: usize = 200;
pub const INVITATION_DAYS: i64 = 7;
pub const RESET_HOURS: i64 = 24;

/// 32 random bytes, URL-safe: for session cookies, links and API tokens.
pub fn new_secret() -> String {
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database keeps of a secret.
pub fn hash_secret(secret: &str) -> String {
    hex::encode(sha2::Sha256::digest(secret.as_bytes()))
}

/// Argon2id with its recommended parameters and a random salt, as a PHC string.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let hash: PasswordHash = Argon2::default()
        .hash_password(password.as_bytes())
        .map_err(|e| AppError::Internal(format!("cannot hash a password: {e}")))?;
    Ok(hash.to_string())
}

pub fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

fn check_password(f: &mut Fields, field: &str, password: &str) {
    let length = password.chars().count();
    if length < MIN_PASSWORD {
        f.error(
            field,
            format!("The password must have at least {MIN_PASSWORD} characters"),
        );
    } else if length > MAX_PASSWORD {
        f.error(
            field,
            format!("The password must have at most {MAX_PASSWORD} characters"),
        );
    }
}

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

/// Whether a user has a password, as the trail records it: never the password or its hash.
fn password_state(user: &User) -> serde_json::Value {
    json!({"password": if user.has_password() { "set" } else { "not set" }})
}

/// A new password as the trail records it, with what it ended.
fn password_set(ended: Ended) -> serde_json::Value {
    let mut after = ended.audit();
    after["password"] = json!("set");
    after
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
            "create",
            "user",
            Some(id),
            None,
            Some(audit_user(&user)),
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
        "create",
        "organisation",
        Some(id),
        None,
        Some(json!({"name": name})),
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
            "rename",
            "organisation",
            Some(id),
            Some(json!({"name": before.name})),
            Some(json!({"name": name})),
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
            "deactivate",
            "user",
            Some(user.id),
            Some(audit_user(&user)),
            Some(audit_user(&after)),
            now,
        )?;
        Ok((after, handed_over))
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Invitation,
    PasswordReset,
}

impl Purpose {
    fn name(self) -> &'static str {
        match self {
            Purpose::Invitation => "invitation",
            Purpose::PasswordReset => "password_reset",
        }
    }

    fn path(self) -> &'static str {
        match self {
            Purpose::Invitation => "invitations",
            Purpose::PasswordReset => "password-reset",
        }
    }

    fn lifetime(self) -> Duration {
        match self {
            Purpose::Invitation => Duration::days(INVITATION_DAYS),
            Purpose::PasswordReset => Duration::hours(RESET_HOURS),
        }
    }
}

/// Emails a single-use link to the person it is for, at once: an invitation or a reset must
/// not wait for the next sweep. It does not go through the outbox, which would have to store
/// the link's secret; if the mail server refuses it, the admin still has the link on screen
/// to pass on. `link` is an invitation for someone who never set a password, else a reset.
pub fn email_link(
    postman: &crate::mail::Postman,
    user: &User,
    organisation: &str,
    sender: &str,
    link: &str,
    now: NaiveDateTime,
) -> Result<(), String> {
    let purpose = match user.has_password() {
        true => Purpose::PasswordReset,
        false => Purpose::Invitation,
    };
    let subject = match purpose {
        Purpose::Invitation => "Your foi-tracker account",
        Purpose::PasswordReset => "Choose a new foi-tracker password",
    };
    let expires = (now + purpose.lifetime())
        .format("%-d %B %Y at %H:%M UTC")
        .to_string();
    let email = postman.compose(
        purpose.name(),
        &user.email,
        subject,
        postman.message_id(&format!("{}/user/{}/{now}", purpose.name(), user.id)),
        json!({
            "name": user.name, "inviter": sender, "role": user.role.label(),
            "organisation": organisation, "link": link, "expires": expires,
        }),
    )?;
    postman.send(&email)
}

/// What a page or the command line says after emailing a link.
pub fn link_emailed(email: &str, sent: &Result<(), String>) -> String {
    match sent {
        Ok(()) => format!("The link was emailed to {email}."),
        Err(error) => format!("The link could not be emailed to {email} ({error}): pass it on yourself."),
    }
}

/// A new single-use link; older unused links of the same purpose stop working.
fn one_time_link(
    conn: &mut DbConnection,
    caller: &Caller,
    user: &User,
    purpose: Purpose,
    base_url: &str,
    now: NaiveDateTime,
) -> Result<String, AppError> {
    let secret = new_secret();
    sessions::expire_one_time_tokens(conn, user.id, purpose.name(), now)?;
    sessions::insert_one_time_token(
        conn,
        user.id,
        purpose.name(),
        &hash_secret(&secret),
        now,
        now + purpose.lifetime(),
    )?;
    record(
        conn,
        caller,
        &format!("create_{}", purpose.name()),
        "user",
        Some(user.id),
        None,
        Some(json!({"expires_at": now + purpose.lifetime()})),
        now,
    )?;
    Ok(format!(
        "{}/{}/{secret}",
        base_url.trim_end_matches('/'),
        purpose.path()
    ))
}

/// A password-reset link (or a fresh invitation, for someone who never set a password) for
/// an admin to pass on.
pub fn reset_link(
    conn: &mut DbConnection,
    caller: &Caller,
    user_id: i32,
    base_url: &str,
    now: NaiveDateTime,
) -> Result<String, AppError> {
    require_admin(caller)?;
    db::write(conn, |conn| {
        let user = get_user(conn, user_id)?;
        if !user.active {
            return Err(AppError::conflict(None, "This user is deactivated"));
        }
        let purpose = if user.has_password() {
            Purpose::PasswordReset
        } else {
            Purpose::Invitation
        };
        one_time_link(conn, caller, &user, purpose, base_url, now)
    })
}

/// The user a link is for, if it is unused, unexpired and for an active user.
pub fn link_user(
    conn: &mut DbConnection,
    secret: &str,
    purpose: Purpose,
    now: NaiveDateTime,
) -> Result<User, AppError> {
    let gone = || AppError::NotFound("this link (it may have been used or have expired)".into());
    let token = sessions::find_one_time_token(conn, &hash_secret(secret))?.ok_or_else(gone)?;
    if token.purpose != purpose.name() || token.used_at.is_some() || token.expires_at < now {
        return Err(gone());
    }
    let user = get_user(conn, token.user_id)?;
    if !user.active {
        return Err(gone());
    }
    Ok(user)
}

/// Sets the password through an invitation or reset link, once; every session, API token and
/// calendar feed of the user ends.
pub fn use_link(
    conn: &mut DbConnection,
    client: Option<String>,
    secret: &str,
    purpose: Purpose,
    password: &str,
    confirm: &str,
    now: NaiveDateTime,
) -> Result<User, AppError> {
    let mut f = Fields::new();
    check_password(&mut f, "password", password);
    if password != confirm {
        f.error("confirm", "The two passwords differ");
    }
    f.finish(())?;
    let hash = hash_password(password)?;
    db::write(conn, |conn| {
        let user = link_user(conn, secret, purpose, now)?;
        let token = sessions::find_one_time_token(conn, &hash_secret(secret))?
            .ok_or_else(|| AppError::Internal("the link vanished".into()))?;
        if sessions::use_one_time_token(conn, token.id, now)? == 0 {
            return Err(AppError::NotFound("this link (it has just been used)".into()));
        }
        accounts::set_password(conn, user.id, &hash, now)?;
        let ended = end_access(conn, user.id, now)?;
        // Whoever holds the link acts as the user it was made for.
        let caller = Caller::user(super::sessions::actor_of(&user), client);
        let action = match purpose {
            Purpose::Invitation => "accept_invitation",
            Purpose::PasswordReset => "reset_password",
        };
        record(
            conn,
            &caller,
            action,
            "user",
            Some(user.id),
            Some(password_state(&user)),
            Some(password_set(ended)),
            now,
        )?;
        Ok(user)
    })
}

/// Changes one's own password, given the current one; every session, API token and calendar
/// feed of the user ends. Both passwords are hashed or checked before the write transaction:
/// Argon2 is slow by design, and must not hold the database's write lock meanwhile.
pub fn change_password(
    conn: &mut DbConnection,
    throttle: &Throttle,
    caller: &Caller,
    current: &str,
    new: &str,
    confirm: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let actor = require(caller, |_| true)?;
    let mut f = Fields::new();
    check_password(&mut f, "new_password", new);
    if new != confirm {
        f.error("confirm", "The two passwords differ");
    }
    f.finish(())?;
    let confirmed = confirm_password(conn, throttle, caller, "current_password", current, now)?;
    let hash = hash_password(new)?;
    db::write(conn, |conn| {
        let user = get_user(conn, actor.user_id)?;
        // Changed elsewhere while this change was being checked: the password given is no
        // longer the current one.
        if user.password_hash.as_deref() != Some(confirmed.as_str()) {
            return Err(AppError::invalid(
                "current_password",
                "That is not your current password",
            ));
        }
        accounts::set_password(conn, user.id, &hash, now)?;
        let ended = end_access(conn, user.id, now)?;
        record(
            conn,
            caller,
            "change_password",
            "user",
            Some(user.id),
            Some(password_state(&user)),
            Some(password_set(ended)),
            now,
        )?;
        Ok(())
    })
}

/// The TOTP of a secret, as authenticator apps compute it: SHA-1, 6 digits, 30 s, one step
/// of clock drift either way.
pub fn totp(secret: &str, email: &str) -> Result<totp_rs::Totp, AppError> {
    let secret = totp_rs::Secret::try_from_base32(secret)
        .map_err(|_| AppError::invalid("secret", "The two-factor secret is not valid"))?;
    totp_rs::Builder::new()
        .with_algorithm(totp_rs::Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(30)
        .with_secret(secret)
        .with_issuer(Some("foi-tracker"))
        .with_account_name(email)
        .build()
        .map_err(|e| AppError::Internal(format!("two-factor: {e}")))
}

/// A new secret to set up an authenticator app: the secret, its otpauth URL and a QR code
/// (PNG, base64).
pub fn new_two_factor(email: &str) -> Result<(String, String, String), AppError> {
    let secret = totp_rs::Secret::generate().to_base32();
    let (url, qr) = setup_codes(&secret, email)?;
    Ok((secret, url, qr))
}

/// The otpauth URL of a secret and its QR code (PNG, base64), for the set-up page.
pub fn setup_codes(secret: &str, email: &str) -> Result<(String, String), AppError> {
    let totp = totp(secret, email)?;
    let url = totp
        .to_url()
        .map_err(|e| AppError::Internal(format!("two-factor URL: {e}")))?;
    let qr = totp
        .to_qr_base64()
        .map_err(|e| AppError::Internal(format!("QR code: {e}")))?;
    Ok((url, qr))
}

/// The time step of `code` if it is the current code of `secret` (give or take 30 s).
pub fn code_step(secret: &str, email: &str, code: &str) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    totp(secret, email)
        .ok()
        .and_then(|t| t.check_current(&code))
        .and_then(|step| i64::try_from(step).ok())
}

/// How a change to two-factor sign-in is confirmed.
#[derive(Debug, Clone, Copy)]
pub enum Confirmed<'a> {
    /// By the password, given again with the change.
    Password(&'a str),
    /// By the sign-in that has just checked the password: a session waiting for its first
    /// authenticator app to be set up can do nothing else.
    JustSignedIn,
}

/// Turns on two-factor sign-in, or replaces the authenticator app, once the user has shown a
/// code from the new app, and their password: whoever finds a session left open must not be
/// able to put their own app on the account. The recovery codes the set-up page showed
/// become the user's set; the old ones stop working.
#[allow(clippy::too_many_arguments)]
pub fn enable_two_factor(
    conn: &mut DbConnection,
    throttle: &Throttle,
    caller: &Caller,
    secret: &str,
    code: &str,
    recovery: &[String],
    confirmed: Confirmed<'_>,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let actor = require(caller, |_| true)?;
    super::recovery_codes::check_set(recovery)?;
    let step = code_step(secret, &actor.email, code);
    let mut f = Fields::new();
    if step.is_none() {
        f.error("code", "That code is wrong or has expired: try the next one");
    }
    if matches!(confirmed, Confirmed::Password("")) {
        f.error("password", "Enter your current password");
    }
    // A step is there: its absence was refused just above.
    let step = f.finish(step)?.unwrap_or_default();
    if let Confirmed::Password(password) = confirmed {
        confirm_password(conn, throttle, caller, "password", password, now)?;
    }
    let set = Some((secret, step, recovery));
    db::transaction(conn, |conn| {
        set_two_factor(conn, caller, actor.user_id, set, "enable_two_factor", now)
    })
}

/// Sets the TOTP secret (with the step of the code that proved it, and the recovery codes)
/// or clears it with the codes, and records the change as `action`, in the caller's
/// transaction. No page that is cached shows it, so the register's version stays.
fn set_two_factor(
    conn: &mut DbConnection,
    caller: &Caller,
    user_id: i32,
    set: Option<(&str, i64, &[String])>,
    action: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let before = get_user(conn, user_id)?.two_factor();
    accounts::set_totp_secret(conn, user_id, set.map(|(s, _, _)| s), now)?;
    match set {
        Some((_, step, codes)) => {
            accounts::use_totp_step(conn, user_id, step)?;
            super::recovery_codes::store(conn, user_id, codes, now)?;
        }
        None => {
            crate::db::recovery_codes::delete_all(conn, user_id)?;
        }
    }
    record(
        conn,
        caller,
        action,
        "user",
        Some(user_id),
        Some(json!({"two_factor": before})),
        Some(json!({"two_factor": set.is_some()})),
        now,
    )
}

/// An administrator turns off another user's two-factor sign-in, when its app is lost and
/// its recovery codes gone, after giving their own password again: the user's sessions end,
/// and an administrator must set it up again at their next sign-in. The user, returned, is
/// to be told by email.
pub fn reset_two_factor(
    conn: &mut DbConnection,
    throttle: &Throttle,
    caller: &Caller,
    user_id: i32,
    password: &str,
    now: NaiveDateTime,
) -> Result<User, AppError> {
    let actor = require(caller, Actor::is_admin)?.clone();
    let user = get_user(conn, user_id)?;
    if user.id == actor.user_id {
        return Err(AppError::conflict(
            None,
            "You cannot reset your own two-factor sign-in: use your recovery codes, or ask another administrator",
        ));
    }
    if user.totp_secret.is_none() {
        return Err(AppError::conflict(
            None,
            "This user has no two-factor sign-in to reset",
        ));
    }
    confirm_password(conn, throttle, caller, "password", password, now)?;
    db::transaction(conn, |conn| {
        set_two_factor(conn, caller, user.id, None, "reset_two_factor", now)?;
        sessions::delete_sessions_of(conn, user.id)?;
        Ok::<_, AppError>(())
    })?;
    get_user(conn, user.id)
}

/// Tells a user that an administrator reset their two-factor sign-in.
pub fn email_two_factor_reset(
    postman: &crate::mail::Postman,
    user: &User,
    by: &str,
    now: NaiveDateTime,
) -> Result<(), String> {
    let email = postman.compose(
        "two_factor_reset",
        &user.email,
        "Your foi-tracker two-factor sign-in was reset",
        postman.message_id(&format!("two_factor_reset/user/{}/{now}", user.id)),
        json!({
            "name": user.name, "by": by, "when": now.format("%-d %B %Y at %H:%M UTC").to_string(),
            "must_set_up": user.role == Role::Admin,
        }),
    )?;
    postman.send(&email)
}

/// Turns two-factor sign-in off, given the password (admins must keep it on).
pub fn disable_two_factor(
    conn: &mut DbConnection,
    throttle: &Throttle,
    caller: &Caller,
    password: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let actor = require(caller, |a| !a.needs_two_factor())?;
    confirm_password(conn, throttle, caller, "password", password, now)?;
    db::transaction(conn, |conn| {
        set_two_factor(conn, caller, actor.user_id, None, "disable_two_factor", now)
    })
}

/// An organisation's users, for choosing a request's owner.
pub fn members(conn: &mut DbConnection, organisation_id: i32) -> Result<Vec<User>, AppError> {
    Ok(accounts::users_of(conn, organisation_id)?)
}
