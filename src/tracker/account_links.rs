//! One-time links by email: invitations, password resets and two-factor resets; what a
//! link lets its holder do, once, before it expires.

use chrono::{Duration, NaiveDateTime};
use serde_json::json;

use super::access::require_admin;
use super::accounts::get_user;
use super::audit::{record, Caller, Change};
use super::input::Fields;
use super::passwords::{
    check_password, hash_password, hash_secret, new_secret, password_set, password_state,
};
use super::sessions::end_access;
use crate::db::accounts::{self, User};
use crate::db::{self, sessions, DbConnection};
use crate::domain::written;
use crate::error::AppError;

pub const INVITATION_DAYS: i64 = 7;
pub const RESET_HOURS: i64 = 24;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Invitation,
    PasswordReset,
}

impl Purpose {
    pub(crate) fn name(self) -> &'static str {
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
    let expires = written::moment_in_full(now + purpose.lifetime());
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
pub(crate) fn one_time_link(
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
        Change::new(&format!("create_{}", purpose.name()), "user", user.id)
            .after(json!({"expires_at": now + purpose.lifetime()})),
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
            Change::new(action, "user", user.id)
                .before(password_state(&user))
                .after(password_set(ended)),
            now,
        )?;
        Ok(user)
    })
}
