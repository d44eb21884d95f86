//! The email backend, chosen by configuration: SMTP when `FOI_SMTP_URL` is set, otherwise a
//! folder of `.eml` files (so that a newcomer without a mail server loses nothing), or
//! memory for unit tests.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lettre::message::{header::ContentType, Mailbox, MultiPart, SinglePart};
use lettre::{FileTransport, Message, SmtpTransport, Transport};

use crate::config::Settings;

/// One message, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// Without angle brackets. The same notice always carries the same one, so that a
    /// repeat after a crash is recognisable as the same message.
    pub message_id: String,
}

#[derive(Clone)]
pub enum Mailer {
    Smtp(Box<SmtpTransport>),
    Files(PathBuf),
    Memory(Arc<Mutex<Vec<Email>>>),
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mailer::Smtp(_) => f.write_str("Mailer::Smtp"),
            Mailer::Files(dir) => write!(f, "Mailer::Files({})", dir.display()),
            Mailer::Memory(_) => f.write_str("Mailer::Memory"),
        }
    }
}

impl Mailer {
    /// The backend the settings name. A malformed SMTP URL is refused here, at start-up,
    /// not at the first reminder.
    pub fn from_settings(settings: &Settings) -> Result<Mailer, String> {
        match settings
            .smtp_url
            .as_deref()
            .map(str::trim)
            .filter(|u| !u.is_empty())
        {
            Some(url) => {
                let transport = SmtpTransport::from_url(url)
                    .map_err(|e| format!("FOI_SMTP_URL is not a usable SMTP URL: {e}"))?
                    .timeout(Some(settings.smtp_timeout()))
                    .build();
                Ok(Mailer::Smtp(Box::new(transport)))
            }
            None => Ok(Mailer::Files(PathBuf::from(&settings.mail_dir))),
        }
    }

    pub fn memory() -> (Mailer, Arc<Mutex<Vec<Email>>>) {
        let sent = Arc::new(Mutex::new(Vec::new()));
        (Mailer::Memory(sent.clone()), sent)
    }

    /// Where mail goes, for people: never the SMTP password.
    pub fn describe(&self) -> String {
        match self {
            Mailer::Smtp(_) => "SMTP (FOI_SMTP_URL)".into(),
            Mailer::Files(dir) => format!(".eml files in {}", dir.display()),
            Mailer::Memory(_) => "memory".into(),
        }
    }

    /// The backend in words for a page: never the server's folder.
    pub fn kind(&self) -> &'static str {
        match self {
            Mailer::Smtp(_) => "SMTP",
            Mailer::Files(_) => ".eml files kept on the server",
            Mailer::Memory(_) => "memory",
        }
    }

    /// `text` (a sending error) with the mail folder's path left out, for a page.
    pub fn without_paths(&self, text: &str) -> String {
        match self {
            Mailer::Files(dir) => text.replace(&dir.display().to_string(), "the mail folder"),
            _ => text.to_string(),
        }
    }

    /// Sends one message; the error is kept in the outbox, so it says what failed in words.
    pub fn send(&self, from: &str, email: &Email) -> Result<(), String> {
        match self {
            Mailer::Memory(sent) => {
                sent.lock()
                    .map_err(|_| "the memory mailer is poisoned")?
                    .push(email.clone());
                Ok(())
            }
            Mailer::Smtp(transport) => transport
                .send(&build(from, email)?)
                .map(|_| ())
                .map_err(|e| format!("the SMTP server did not take the message: {e}")),
            // Messages hold sign-in links and names: the folder is created for the server's
            // user alone, and each file made readable by it alone.
            Mailer::Files(dir) => {
                private_folder(dir)
                    .map_err(|e| format!("cannot create the mail folder {}: {e}", dir.display()))?;
                let id = FileTransport::new(dir)
                    .send(&build(from, email)?)
                    .map_err(|e| format!("cannot write the message into {}: {e}", dir.display()))?;
                private_file(&dir.join(format!("{id}.eml")))
                    .map_err(|e| format!("cannot restrict the message in {}: {e}", dir.display()))
            }
        }
    }
}

/// Creates `dir` (and any missing parents) with mode 0700; an existing folder keeps its own.
fn private_folder(dir: &std::path::Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Makes a file readable and writable by its owner alone.
fn private_file(path: &std::path::Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Renders emails from `templates/email/` and sends them through the configured backend.
pub struct Postman {
    pub mailer: Mailer,
    text: handlebars::Handlebars<'static>,
    html: handlebars::Handlebars<'static>,
    pub from: String,
    /// Where links in messages point.
    pub base_url: String,
}

impl std::fmt::Debug for Postman {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Postman({:?}, from {})", self.mailer, self.from)
    }
}

impl Postman {
    pub fn from_settings(settings: &Settings) -> Result<Postman, String> {
        Postman::with_mailer(settings, Mailer::from_settings(settings)?)
    }

    pub fn with_mailer(settings: &Settings, mailer: Mailer) -> Result<Postman, String> {
        mailbox(&settings.mail_from, "FOI_MAIL_FROM")?;
        Ok(Postman {
            mailer,
            text: crate::templates::email_registry("txt")?,
            html: crate::templates::email_registry("html")?,
            from: settings.mail_from.clone(),
            base_url: settings.base_url(),
        })
    }

    /// Renders `email/TEMPLATE` in both forms; `data` gets `subject` added.
    pub fn compose(
        &self,
        template: &str,
        to: &str,
        subject: &str,
        message_id: String,
        data: serde_json::Value,
    ) -> Result<Email, String> {
        let mut data = data;
        if let Some(fields) = data.as_object_mut() {
            fields.insert("subject".into(), subject.into());
        }
        let name = format!("email/{template}");
        let render = |registry: &handlebars::Handlebars<'static>| {
            registry
                .render(&name, &data)
                .map_err(|e| format!("cannot render {name}: {e}"))
        };
        Ok(Email {
            to: to.to_string(),
            subject: subject.to_string(),
            text: render(&self.text)?,
            html: render(&self.html)?,
            message_id,
        })
    }

    pub fn send(&self, email: &Email) -> Result<(), String> {
        self.mailer.send(&self.from, email)
    }

    /// A Message-ID that depends only on `seed` and the app's address, so that the same
    /// notice always carries the same one.
    pub fn message_id(&self, seed: &str) -> String {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(seed.as_bytes());
        let hex = hex::encode(&digest[..16]);
        let host = self
            .base_url
            .split("://")
            .nth(1)
            .unwrap_or(&self.base_url)
            .split(['/', ':'])
            .next()
            .filter(|h| !h.is_empty())
            .unwrap_or("foi-tracker.invalid");
        format!("{hex}@{host}")
    }
}

/// A letter to an authority, as an organisation sends it from its own mailbox.
#[derive(Debug, Clone)]
pub struct Letter<'a> {
    pub from_name: &'a str,
    pub from: &'a str,
    /// The request's own reply address, which files the answer with it.
    pub reply_to: &'a str,
    pub to: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    /// Without angle brackets.
    pub message_id: &'a str,
    /// The messages of the thread it answers, oldest first, without angle brackets: the last
    /// is the one it replies to.
    pub thread: &'a [String],
    pub date: chrono::NaiveDateTime,
}

/// The exact bytes `letter` goes as, and the envelope to send them in.
pub fn letter(letter: &Letter<'_>) -> Result<(lettre::address::Envelope, Vec<u8>), String> {
    let from = Mailbox::new(
        Some(letter.from_name.to_string()).filter(|n| !n.trim().is_empty()),
        letter
            .from
            .parse()
            .map_err(|e| format!("the mailbox address {:?} is not valid: {e}", letter.from))?,
    );
    let mut builder = Message::builder()
        .from(from)
        .reply_to(mailbox(letter.reply_to, "reply")?)
        .to(mailbox(letter.to, "authority's")?)
        .subject(letter.subject)
        .message_id(Some(format!("<{}>", letter.message_id)))
        .date(letter.date.and_utc().into());
    if let Some(last) = letter.thread.last() {
        let references = letter.thread.iter().map(|m| format!("<{m}>")).collect::<Vec<_>>();
        builder = builder
            .in_reply_to(format!("<{last}>"))
            .references(references.join(" "));
    }
    let message = builder
        .header(ContentType::TEXT_PLAIN)
        .body(letter.body.to_string())
        .map_err(|e| format!("cannot build the message: {e}"))?;
    Ok((message.envelope().clone(), message.formatted()))
}

/// Where an organisation's mail goes out, and how it signs in.
#[derive(Clone)]
pub struct SmtpServer {
    pub url: String,
    pub username: Option<String>,
    pub password: Option<String>,
    pub timeout: Duration,
}

impl std::fmt::Debug for SmtpServer {
    // Never the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SmtpServer({})", self.url)
    }
}

impl SmtpServer {
    /// Hands `raw` to the server; what it answered, in words, if it did not take it.
    pub fn send(&self, envelope: &lettre::address::Envelope, raw: &[u8]) -> Result<(), String> {
        let mut builder = SmtpTransport::from_url(&self.url)
            .map_err(|e| format!("the mailbox's SMTP server address is not usable: {e}"))?
            .timeout(Some(self.timeout));
        if let (Some(username), Some(password)) = (&self.username, &self.password) {
            builder = builder.credentials(lettre::transport::smtp::authentication::Credentials::new(
                username.clone(),
                password.clone(),
            ));
        }
        builder
            .build()
            .send_raw(envelope, raw)
            .map(|_| ())
            .map_err(|e| format!("the mail server did not take the message: {e}"))
    }
}

fn mailbox(address: &str, what: &str) -> Result<Mailbox, String> {
    address
        .parse()
        .map_err(|e| format!("the {what} address {address:?} is not valid: {e}"))
}

fn build(from: &str, email: &Email) -> Result<Message, String> {
    Message::builder()
        .from(mailbox(from, "sender")?)
        .to(mailbox(&email.to, "recipient")?)
        .subject(&email.subject)
        .message_id(Some(format!("<{}>", email.message_id)))
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(email.text.clone()),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(email.html.clone()),
                ),
        )
        .map_err(|e| format!("cannot build the message: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn email() -> Email {
        Email {
            to: "coordinator@example.org".into(),
            subject: "Due today".into(),
            text: "plain".into(),
            html: "<p>html</p>".into(),
            message_id: "abc@foi-tracker".into(),
        }
    }

    #[test]
    fn a_message_carries_both_bodies_and_its_message_id() {
        let formatted = String::from_utf8(
            build("foi-tracker <robot@example.org>", &email())
                .unwrap()
                .formatted(),
        )
        .unwrap();
        assert!(formatted.contains("Message-ID: <abc@foi-tracker>"), "{formatted}");
        assert!(formatted.contains("multipart/alternative"), "{formatted}");
        assert!(formatted.contains("text/plain"), "{formatted}");
        assert!(formatted.contains("<p>html</p>"), "{formatted}");
    }

    #[test]
    fn a_bad_address_is_an_error_in_words() {
        let mut bad = email();
        bad.to = "not an address".into();
        let error = build("robot@example.org", &bad).unwrap_err();
        assert!(error.contains("recipient address \"not an address\""), "{error}");
    }

    #[test]
    fn the_memory_backend_keeps_what_it_sent() {
        let (mailer, sent) = Mailer::memory();
        mailer.send("robot@example.org", &email()).unwrap();
        assert_eq!(sent.lock().unwrap().as_slice(), &[email()]);
    }

    #[test]
    fn the_file_backend_writes_an_eml_file() {
        let dir = tempfile::tempdir().unwrap();
        let mailer = Mailer::Files(dir.path().join("mail"));
        mailer.send("robot@example.org", &email()).unwrap();
        let files: Vec<_> = std::fs::read_dir(dir.path().join("mail")).unwrap().collect();
        assert_eq!(files.len(), 1);
        let path = files[0].as_ref().unwrap().path();
        assert_eq!(path.extension().unwrap(), "eml");
        let content = std::fs::read_to_string(path).unwrap();
        assert!(content.contains("Subject: Due today"), "{content}");
    }

    #[test]
    fn a_malformed_smtp_url_is_refused_at_start() {
        let settings = Settings {
            smtp_url: Some("http://example.org".into()),
            ..Settings::default()
        };
        let error = Mailer::from_settings(&settings).unwrap_err();
        assert!(
            error.starts_with("FOI_SMTP_URL is not a usable SMTP URL"),
            "{error}"
        );
    }
}
