//! An organisation's mailbox: the address its requests go out from, the SMTP server that
//! sends them (its own, or DMARC checks at the receiving end reject them) and, for replies,
//! the IMAP server that receives them. Administrators set it; a password is sealed as it is
//! saved and never shown, logged or audited again.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::access::require_admin;
use super::audit::{record, Caller, Change};
use super::input::Fields;
use crate::db::mailboxes::{self, MailboxRow};
use crate::db::{self, DbConnection};
use crate::domain::reply_address::Mailbox;
use crate::error::AppError;
use crate::sealing::SealingKey;

/// A mailbox as a form sends it. A blank password keeps the one stored.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct MailboxInput {
    /// The address requests are sent from and replies come back to, e.g.
    /// foi@coalition.example; its server must deliver foi+anything@coalition.example to it.
    #[serde(default)]
    pub address: String,
    /// The name beside the address, e.g. "Coalition FOI team".
    #[serde(default)]
    pub display_name: String,
    /// smtp://host:587?tls=required (STARTTLS) or smtps://host:465, without credentials.
    #[serde(default)]
    pub smtp_url: String,
    pub smtp_username: Option<String>,
    /// Write-only: blank keeps the stored one.
    pub smtp_password: Option<String>,
    /// imaps://host:993 or imap://host:143 (STARTTLS), without credentials; blank: replies
    /// are not read from the mailbox.
    #[serde(default)]
    pub imap_url: String,
    pub imap_username: Option<String>,
    /// Write-only: blank keeps the stored one.
    pub imap_password: Option<String>,
}

/// What may be shown of a mailbox: everything but its passwords.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MailboxSettings {
    pub organisation_id: i32,
    pub address: String,
    pub display_name: String,
    pub smtp_url: String,
    pub smtp_username: Option<String>,
    /// Whether a password is stored.
    pub smtp_password_set: bool,
    pub imap_url: Option<String>,
    pub imap_username: Option<String>,
    pub imap_password_set: bool,
    pub updated_at: NaiveDateTime,
}

impl From<&MailboxRow> for MailboxSettings {
    fn from(row: &MailboxRow) -> MailboxSettings {
        MailboxSettings {
            organisation_id: row.organisation_id,
            address: row.address.clone(),
            display_name: row.display_name.clone(),
            smtp_url: row.smtp_url.clone(),
            smtp_username: row.smtp_username.clone(),
            smtp_password_set: row.smtp_password_sealed.is_some(),
            imap_url: row.imap_url.clone(),
            imap_username: row.imap_username.clone(),
            imap_password_set: row.imap_password_sealed.is_some(),
            updated_at: row.updated_at,
        }
    }
}

impl From<&MailboxSettings> for MailboxInput {
    fn from(settings: &MailboxSettings) -> MailboxInput {
        MailboxInput {
            address: settings.address.clone(),
            display_name: settings.display_name.clone(),
            smtp_url: settings.smtp_url.clone(),
            smtp_username: settings.smtp_username.clone(),
            smtp_password: None,
            imap_url: settings.imap_url.clone().unwrap_or_default(),
            imap_username: settings.imap_username.clone(),
            imap_password: None,
        }
    }
}

/// What the seal of an organisation's SMTP password is bound to: it opens for no other.
pub fn smtp_password_context(organisation_id: i32) -> String {
    format!("organisation {organisation_id} smtp password")
}

/// The organisation's mailbox, if it has one; for its administrators.
pub fn show(
    conn: &mut DbConnection,
    caller: &Caller,
    organisation_id: i32,
) -> Result<Option<MailboxSettings>, AppError> {
    require_admin(caller)?;
    Ok(mailboxes::find(conn, organisation_id)?
        .as_ref()
        .map(MailboxSettings::from))
}

/// Sets the organisation's mailbox. The key seals a new password; it is asked for only then,
/// so a register without one can still keep a mailbox whose server needs no password.
pub fn save(
    conn: &mut DbConnection,
    key: impl FnOnce() -> Result<SealingKey, String>,
    caller: &Caller,
    organisation_id: i32,
    input: &MailboxInput,
    now: NaiveDateTime,
) -> Result<MailboxSettings, AppError> {
    require_admin(caller)?;
    let mut f = Fields::new();
    let address = f.text("address", "Address", &input.address, 254);
    if !f.has_error("address") {
        if let Err(why) = Mailbox::parse(&address) {
            f.error("address", why);
        }
    }
    let display_name = f.text("display_name", "Name shown", &input.display_name, 200);
    let smtp_url = f.text("smtp_url", "SMTP server", &input.smtp_url, 500);
    if !f.has_error("smtp_url") {
        if let Err(why) = check_smtp_url(&smtp_url) {
            f.error("smtp_url", why);
        }
    }
    let smtp_username = f.optional_text("smtp_username", "User name", input.smtp_username.as_deref(), 254);
    // A password is taken as typed: spaces may be part of it.
    let new_password = input.smtp_password.as_deref().filter(|p| !p.is_empty());
    if new_password.is_some_and(|p| p.len() > 1000 || p.chars().any(char::is_control)) {
        f.error(
            "smtp_password",
            "Password must be at most 1,000 characters, on one line",
        );
    }
    let imap_url = f.optional_text("imap_url", "IMAP server", Some(&input.imap_url), 500);
    if let (Some(url), false) = (&imap_url, f.has_error("imap_url")) {
        if let Err(why) = crate::imap::check_url(url) {
            f.error("imap_url", why);
        }
    }
    let imap_username = f.optional_text(
        "imap_username",
        "IMAP user name",
        input.imap_username.as_deref(),
        254,
    );
    let new_imap_password = input.imap_password.as_deref().filter(|p| !p.is_empty());
    if new_imap_password.is_some_and(|p| p.len() > 1000 || p.chars().any(char::is_control)) {
        f.error(
            "imap_password",
            "Password must be at most 1,000 characters, on one line",
        );
    }
    // The key is asked for once, and only if a new password is to be sealed.
    let wanted = |field: &str, password: Option<&str>| password.is_some() && !f.has_error(field);
    let key = (wanted("smtp_password", new_password) || wanted("imap_password", new_imap_password)).then(key);
    let seal = |f: &mut Fields, field: &str, password: Option<&str>, context: String| {
        let password = password.filter(|_| !f.has_error(field))?;
        match key.as_ref()? {
            Ok(key) => Some(key.seal(password, &context)),
            Err(why) => {
                f.error(field, format!("The password cannot be stored: {why}"));
                None
            }
        }
    };
    let sealed = seal(
        &mut f,
        "smtp_password",
        new_password,
        smtp_password_context(organisation_id),
    );
    let imap_sealed = seal(
        &mut f,
        "imap_password",
        new_imap_password,
        crate::tracker::inbox::imap_password_context(organisation_id),
    );
    f.finish(())?;
    db::write(conn, |conn| {
        let before = mailboxes::find(conn, organisation_id)?;
        let smtp_password_sealed = sealed
            .clone()
            .or_else(|| before.as_ref().and_then(|b| b.smtp_password_sealed.clone()));
        if smtp_username.is_none() && smtp_password_sealed.is_some() {
            return Err(AppError::invalid(
                "smtp_username",
                "User name is required with a password",
            ));
        }
        let row = MailboxRow {
            organisation_id,
            address: address.clone(),
            display_name: display_name.clone(),
            smtp_url: smtp_url.clone(),
            smtp_username: smtp_username.clone(),
            smtp_password_sealed,
            imap_url: imap_url.clone(),
            imap_username: imap_username.clone(),
            imap_password_sealed: imap_sealed
                .clone()
                .or_else(|| before.as_ref().and_then(|b| b.imap_password_sealed.clone())),
            updated_at: now,
        };
        if row.imap_url.is_some() && row.imap_username.is_none() {
            return Err(AppError::invalid(
                "imap_username",
                "IMAP user name is required to read the mailbox",
            ));
        }
        mailboxes::save(conn, &row)?;
        let shown = |row: &MailboxRow| {
            let settings = MailboxSettings::from(row);
            json!({
                "address": settings.address, "display_name": settings.display_name,
                "smtp_url": settings.smtp_url, "smtp_username": settings.smtp_username,
                "smtp_password_set": settings.smtp_password_set,
                "imap_url": settings.imap_url, "imap_username": settings.imap_username,
                "imap_password_set": settings.imap_password_set,
            })
        };
        let mut after = shown(&row);
        // That a password changed, never what it is.
        if sealed.is_some() {
            after["smtp_password_changed"] = json!(true);
        }
        if imap_sealed.is_some() {
            after["imap_password_changed"] = json!(true);
        }
        let action = if before.is_some() { "update" } else { "create" };
        record(
            conn,
            caller,
            Change::new(action, "mailbox", organisation_id)
                .before(before.as_ref().map(shown))
                .after(after),
            now,
        )?;
        Ok(MailboxSettings::from(&row))
    })
}

/// An SMTP server's address as lettre reads it, without credentials (they have their own
/// fields, so that the password can be sealed), over TLS unless the server is this machine.
fn check_smtp_url(url: &str) -> Result<(), String> {
    let parsed = url::Url::parse(url).map_err(|_| {
        "SMTP server must be an address like smtp://mail.example.org:587?tls=required".to_string()
    })?;
    if !matches!(parsed.scheme(), "smtp" | "smtps") {
        return Err("SMTP server must start smtp:// or smtps://".into());
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("Put the user name and password in their own fields, not in the address".into());
    }
    let host = parsed.host_str().unwrap_or_default();
    if host.is_empty() {
        return Err("SMTP server must name a host".into());
    }
    let local = matches!(host, "localhost" | "127.0.0.1" | "[::1]");
    let tls = parsed.scheme() == "smtps"
        || parsed
            .query_pairs()
            .any(|(k, v)| k == "tls" && (v == "required" || v == "opportunistic"));
    if !tls && !local {
        return Err(
            "Mail to another machine must be encrypted: use smtps://host:465 or add ?tls=required".into(),
        );
    }
    lettre::SmtpTransport::from_url(url)
        .map(|_| ())
        .map_err(|e| format!("SMTP server is not a usable address: {e}"))
}

#[cfg(test)]
mod tests {
    use super::check_smtp_url;

    #[test]
    fn an_smtp_address_is_encrypted_and_carries_no_credentials() {
        for good in [
            "smtp://mail.example.org:587?tls=required",
            "smtps://mail.example.org:465",
            "smtp://127.0.0.1:1025",
            "smtp://localhost:25",
        ] {
            assert_eq!(check_smtp_url(good), Ok(()), "{good}");
        }
        for (bad, says) in [
            ("mail.example.org", "an address like"),
            ("http://mail.example.org", "smtp://"),
            (
                "smtp://user:secret@mail.example.org:587?tls=required",
                "their own fields",
            ),
            ("smtp://mail.example.org:587", "encrypted"),
        ] {
            let error = check_smtp_url(bad).unwrap_err();
            assert!(error.contains(says), "{bad}: {error}");
            assert!(!error.contains("secret"));
        }
    }
}
