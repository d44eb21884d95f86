//! Correspondence: a request sent to its authority by email from the organisation's own
//! mailbox, with a reply address that files the answer with it.
//!
//! Sending is three steps, so that the SMTP conversation never holds the database's write
//! lock: the message is claimed ("sending", with the exact bytes it goes as), handed to the
//! server, then recorded as sent. A second click finds the claim and sends nothing; a server
//! that refuses leaves nothing behind; a crash between the last two leaves the claim, which
//! the request's page shows for a person to settle.

use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime};
use serde::Serialize;
use serde_json::json;

use super::access::writable;
use super::audit::{record, Caller, Change};
use super::documents::{self, UploadedFile};
use super::holidays::CalendarStore;
use super::input::Fields;
use super::letters::{self, CheckedLetter, LetterInput};
use super::mailboxes::smtp_password_context;
use super::requests::mark_sent;
use crate::config::Settings;
use crate::db::mailboxes::{self, MailboxRow};
use crate::db::outgoing_messages::{self, NewOutgoingMessage, OutgoingMessage};
use crate::db::requests::Request;
use crate::db::{self, DbConnection};
use crate::domain::letter::{self, LetterKind};
use crate::domain::regime::Regime;
use crate::domain::reply_address::{self, Mailbox, TOKEN_BYTES};
use crate::domain::request::SentVia;
use crate::domain::timeline::Status;
use crate::error::AppError;
use crate::mail::{self, SmtpServer};
use crate::sealing::SealingKey;

/// A request's email as it will go, or why it cannot go yet.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EmailDraft {
    /// The request's title.
    pub title: String,
    /// "Coalition FOI team <foi@coalition.example>".
    pub from: Option<String>,
    pub to: Option<String>,
    /// The request's own reply address; its token is drawn when the request is first sent.
    pub reply_to: Option<String>,
    pub subject: String,
    pub body: String,
    /// Why it cannot be sent by email now, if it cannot.
    pub unavailable: Option<String>,
    /// The request has gone: what is written now goes as a message in its thread, with this
    /// subject and an empty body for the person to write.
    pub follow_up: bool,
    /// A message claimed but not known to have gone: a crash, or a send still under way.
    pub pending: Option<PendingMessage>,
}

/// A message whose sending began at `started_at` and has not been recorded as sent.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PendingMessage {
    pub to: String,
    pub subject: String,
    #[serde(serialize_with = "crate::domain::instant::utc")]
    #[schema(value_type = String, format = DateTime)]
    pub started_at: NaiveDateTime,
    /// Long enough ago that the server must have answered: whether it went is for a person to
    /// check in the mailbox's Sent folder.
    pub stuck: bool,
}

/// What sending recorded.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SentEmail {
    pub request_id: i32,
    pub message_id: String,
    pub to: String,
    pub reply_to: String,
    pub sent_on: NaiveDate,
    /// The message exactly as it went, kept as the request's document.
    pub document: crate::db::documents::Document,
}

const NO_MAILBOX: &str =
    "Your organisation has no mailbox to send from yet: an administrator sets one up on the Mailbox page";

/// How long a claim may wait for the server before it is shown as stuck.
fn stuck_after(timeout: Duration) -> chrono::Duration {
    chrono::Duration::from_std(timeout).unwrap_or_default() + chrono::Duration::seconds(60)
}

fn subject(request: &Request) -> String {
    let kind = match request.values.regime {
        Regime::Foia | Regime::Foisa => "Freedom of Information request",
        Regime::Eir | Regime::Eisr => "Request for environmental information",
        Regime::Sar => "Subject access request",
    };
    format!("{kind}: {}", request.values.title)
}

fn from_line(mailbox: &MailboxRow) -> String {
    match mailbox.display_name.trim() {
        "" => mailbox.address.clone(),
        name => format!("{name} <{}>", mailbox.address),
    }
}

/// The organisation's mailbox, and the plus-addresses it takes.
fn mailbox_of(conn: &mut DbConnection, request: &Request) -> Result<(MailboxRow, Mailbox), AppError> {
    let Some(mailbox) = mailboxes::find(conn, request.organisation_id)? else {
        return Err(AppError::conflict(None, NO_MAILBOX));
    };
    let reply_box = Mailbox::parse(&mailbox.address).map_err(|why| AppError::conflict(None, why))?;
    Ok((mailbox, reply_box))
}

/// The authority's FOI address, where the request and what follows it go.
fn authority_address(conn: &mut DbConnection, request: &Request) -> Result<String, AppError> {
    let authority = crate::db::authorities::find(conn, request.values.authority_id)?
        .ok_or_else(|| AppError::NotFound(format!("authority {}", request.values.authority_id)))?;
    authority
        .values
        .foi_email
        .clone()
        .filter(|e| !e.trim().is_empty())
        .ok_or_else(|| {
            AppError::conflict(
                None,
                format!(
                    "{} has no FOI email address: add it on the authority's page first",
                    authority.values.name
                ),
            )
        })
}

fn pending(messages: &[OutgoingMessage], timeout: Duration, now: NaiveDateTime) -> Option<PendingMessage> {
    messages
        .iter()
        .find(|m| m.status == "sending")
        .map(|m| PendingMessage {
            to: m.recipient.clone(),
            subject: m.subject.clone(),
            started_at: m.started_at,
            stuck: now - m.started_at > stuck_after(timeout),
        })
}

/// The request's email as it would go now, for the person about to send it.
pub fn draft(
    conn: &mut DbConnection,
    settings: &Settings,
    caller: &Caller,
    request_id: i32,
    now: NaiveDateTime,
) -> Result<EmailDraft, AppError> {
    let request = writable(conn, caller, request_id)?;
    let messages = outgoing_messages::for_request(conn, request_id)?;
    let follow_up = request.status != Status::Draft;
    let subject = match follow_up {
        true => format!("Re: {}", subject(&request)),
        false => subject(&request),
    };
    let request_body = match follow_up {
        true => String::new(),
        false => request.values.body.clone(),
    };
    let ready =
        mailbox_of(conn, &request).and_then(|mailbox| Ok((mailbox, authority_address(conn, &request)?)));
    let (from, to, reply_to, unavailable) = match ready {
        Ok(((mailbox, reply_box), to)) => {
            // The token is drawn when the request is first sent; until then, its shape.
            let token = crate::db::requests::reply_token(conn, request_id)?.unwrap_or_else(|| "…".into());
            let reply_to = reply_box.reply_address(request_id, &token);
            (Some(from_line(&mailbox)), Some(to), Some(reply_to), None)
        }
        Err(AppError::Conflict { message, .. }) => (None, None, None, Some(message)),
        Err(other) => return Err(other),
    };
    let body = match (&reply_to, follow_up) {
        (Some(reply_to), false) => body_text(&request_body, reply_to),
        _ => request_body,
    };
    Ok(EmailDraft {
        title: request.values.title.clone(),
        from,
        to,
        reply_to,
        subject,
        body,
        unavailable,
        follow_up,
        pending: pending(&messages, settings.smtp_timeout(), now),
    })
}

/// The messages of the request's conversation with its authority, oldest first: those the
/// tracker sent it (not those to the regulator) and those filed from it.
fn thread_of(conn: &mut DbConnection, request_id: i32) -> Result<Vec<String>, AppError> {
    let mut thread: Vec<(NaiveDateTime, String)> = outgoing_messages::for_request(conn, request_id)?
        .into_iter()
        .filter(|m| m.status == "sent" && m.purpose != "regulator_complaint")
        .map(|m| (m.sent_at.unwrap_or(m.started_at), m.message_id))
        .collect();
    thread.extend(crate::db::incoming_messages::message_ids_of(conn, request_id)?);
    thread.sort();
    Ok(thread.into_iter().map(|(_, id)| id).collect())
}

fn body_text(request_body: &str, reply_to: &str) -> String {
    format!(
        "{}\n\n-- \nPlease send your reply, and anything else about this request, to {reply_to}: \
         it reaches the team handling it.\n",
        request_body.trim_end()
    )
}

/// A message as it goes: what recording it sent keeps.
struct Outgoing {
    id: i32,
    raw: Vec<u8>,
    to: String,
    subject: String,
    reply_to: String,
    message_id: String,
}

/// A message's content, composed inside the claim from the request as it stands.
struct Composed {
    to: String,
    subject: String,
    /// Without the line that names the reply address, which the claim adds.
    body: String,
    /// The thread it continues, oldest first: empty for a new conversation.
    thread: Vec<String>,
}

/// Claims a message of `purpose` for the request, composed by `compose`; hands it to the
/// organisation's SMTP server outside any transaction; then records it with `record`. A
/// refusal by the server forgets the claim, so nothing is left half-done.
#[allow(clippy::too_many_arguments)]
fn deliver<T>(
    conn: &mut DbConnection,
    settings: &Settings,
    caller: &Caller,
    request_id: i32,
    purpose: &str,
    now: NaiveDateTime,
    compose: impl FnOnce(&mut DbConnection, &Request) -> Result<Composed, AppError>,
    record: impl FnOnce(&mut DbConnection, &Request, &Outgoing) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let (message, envelope, server) = db::write(conn, |conn| {
        claim(
            conn,
            caller,
            request_id,
            purpose,
            settings.smtp_timeout(),
            now,
            compose,
        )
    })?;
    let password = match &server.smtp_password_sealed {
        Some(sealed) => {
            let opened = SealingKey::from_settings(settings)
                .and_then(|key| key.open(sealed, &smtp_password_context(server.organisation_id)));
            match opened {
                Ok(password) => Some(password),
                Err(why) => {
                    give_up(conn, message.id)?;
                    return Err(AppError::conflict(
                        None,
                        format!("The mailbox's password cannot be read ({why}): an administrator enters it again on the Mailbox page"),
                    ));
                }
            }
        }
        None => None,
    };
    let smtp = SmtpServer {
        url: server.smtp_url.clone(),
        username: server.smtp_username.clone(),
        password,
        timeout: settings.smtp_timeout(),
    };
    if let Err(why) = smtp.send(&envelope, &message.raw) {
        give_up(conn, message.id)?;
        return Err(AppError::Upstream(format!(
            "{why}. Nothing was sent or recorded: try again once the mailbox's server is working"
        )));
    }
    let recorded = db::write(conn, |conn| {
        let request = writable(conn, caller, request_id)?;
        record(conn, &request, &message)
    })?;
    super::search::read_new(conn, request_id);
    Ok(recorded)
}

/// Forgets a claim the server never took.
fn give_up(conn: &mut DbConnection, id: i32) -> Result<(), AppError> {
    db::write(conn, |conn| outgoing_messages::discard(conn, id))?;
    Ok(())
}

fn claim(
    conn: &mut DbConnection,
    caller: &Caller,
    request_id: i32,
    purpose: &str,
    timeout: Duration,
    now: NaiveDateTime,
    compose: impl FnOnce(&mut DbConnection, &Request) -> Result<Composed, AppError>,
) -> Result<(Outgoing, lettre::address::Envelope, MailboxRow), AppError> {
    let request = writable(conn, caller, request_id)?;
    let messages = outgoing_messages::for_request(conn, request_id)?;
    if let Some(pending) = pending(&messages, timeout, now) {
        let message = if pending.stuck {
            "An email of this request was being sent when something stopped: check the mailbox's Sent folder, then say on the request's email page whether it went"
        } else {
            "An email of this request is being sent already: wait a moment and reload the page"
        };
        return Err(AppError::conflict(None, message));
    }
    let composed = compose(conn, &request)?;
    let (mailbox, reply_box) = mailbox_of(conn, &request)?;
    let token = match crate::db::requests::reply_token(conn, request_id)? {
        Some(token) => token,
        None => {
            let token = reply_address::token(rand::random::<[u8; TOKEN_BYTES]>());
            crate::db::requests::set_reply_token(conn, request_id, &token)?;
            token
        }
    };
    let reply_to = reply_box.reply_address(request_id, &token);
    let message_id = format!(
        "foi-tracker.r{request_id}.{}@{}",
        hex::encode(rand::random::<[u8; 12]>()),
        reply_box.domain()
    );
    let body = body_text(&composed.body, &reply_to);
    let (envelope, raw) = mail::letter(&mail::Letter {
        from_name: &mailbox.display_name,
        from: &mailbox.address,
        reply_to: &reply_to,
        to: &composed.to,
        subject: &composed.subject,
        body: &body,
        message_id: &message_id,
        thread: &composed.thread,
        date: now,
    })
    .map_err(|why| AppError::invalid("to", why))?;
    let id = outgoing_messages::insert(
        conn,
        &NewOutgoingMessage {
            request_id,
            purpose,
            status: "sending",
            message_id: &message_id,
            recipient: &composed.to,
            subject: &composed.subject,
            raw: Some(&raw),
            sent_by: caller.user_id(),
            started_at: now,
        },
    )?;
    let message = Outgoing {
        id,
        raw,
        to: composed.to,
        subject: composed.subject,
        reply_to,
        message_id,
    };
    Ok((message, envelope, mailbox))
}

/// Sends a draft request to its authority by email from the organisation's mailbox, and
/// records it sent and received today (day 0: the law knows no cut-off hour), the message as
/// it went kept as its first document.
#[allow(clippy::too_many_arguments)]
pub fn send_request(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    settings: &Settings,
    caller: &Caller,
    today: NaiveDate,
    request_id: i32,
    now: NaiveDateTime,
) -> Result<SentEmail, AppError> {
    let compose = |conn: &mut DbConnection, request: &Request| {
        if request.status != Status::Draft {
            return Err(AppError::conflict(None, "This request has already been sent"));
        }
        Ok(Composed {
            to: authority_address(conn, request)?,
            subject: subject(request),
            body: request.values.body.clone(),
            thread: Vec::new(),
        })
    };
    let record = |conn: &mut DbConnection, request: &Request, message: &Outgoing| {
        record_request(conn, calendars, caller, today, request, message, today, now)
    };
    deliver(
        conn, settings, caller, request_id, "request", now, compose, record,
    )
}

/// Inside the caller's transaction: the request sent and received on `sent_on` by email, the
/// message kept as the document of its `received` event.
#[allow(clippy::too_many_arguments)]
fn record_request(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    request: &Request,
    message: &Outgoing,
    sent_on: NaiveDate,
    now: NaiveDateTime,
) -> Result<SentEmail, AppError> {
    crate::db::requests::set_sent_via(conn, request.id, SentVia::Email)?;
    let how = json!({"sent_via": "email", "message_id": message.message_id, "to": message.to});
    let event = mark_sent(
        conn, calendars, caller, today, request, sent_on, sent_on, how, now,
    )?;
    let file_name = format!("request-{sent_on}.eml");
    let file = UploadedFile {
        file_name: Some(&file_name),
        content: &message.raw,
        event_id: Some(event),
    };
    let document = documents::upload(conn, caller, request.id, &file, usize::MAX, now)?;
    outgoing_messages::mark_sent(conn, message.id, document.id, now)?;
    Ok(sent_email(request.id, message, sent_on, document))
}

fn sent_email(
    request_id: i32,
    message: &Outgoing,
    sent_on: NaiveDate,
    document: crate::db::documents::Document,
) -> SentEmail {
    SentEmail {
        request_id,
        message_id: message.message_id.clone(),
        to: message.to.clone(),
        reply_to: message.reply_to.clone(),
        sent_on,
        document,
    }
}

/// A letter as the person sends it by email: its date is the day it goes.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct LetterEmail {
    /// internal_review or regulator_complaint: a tribunal appeal is made on the tribunal's own
    /// form.
    #[serde(default)]
    #[schema(required = true)]
    pub kind: String,
    /// The address it goes to, alone or in brackets after a name, as drafted.
    #[serde(default)]
    #[schema(required = true)]
    pub to: String,
    #[serde(default)]
    #[schema(required = true)]
    pub subject: String,
    #[serde(default)]
    #[schema(required = true)]
    pub body: String,
}

/// Sends a letter by email from the organisation's mailbox and records it as sent today, with
/// the event it starts and the message as it went as that event's document. An internal
/// review request continues the thread with the authority (In-Reply-To, References); a
/// complaint goes to the regulator as a new conversation; a tribunal appeal is not emailed.
#[allow(clippy::too_many_arguments)]
pub fn send_letter(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    settings: &Settings,
    caller: &Caller,
    today: NaiveDate,
    request_id: i32,
    input: &LetterEmail,
    now: NaiveDateTime,
) -> Result<SentLetterEmail, AppError> {
    let mut f = Fields::new();
    let as_letter = LetterInput {
        kind: input.kind.clone(),
        sent_on: today.to_string(),
        to: input.to.clone(),
        subject: input.subject.clone(),
        body: input.body.clone(),
    };
    let letter = letters::checked(&mut f, &as_letter);
    if letter
        .as_ref()
        .is_some_and(|l| l.kind == LetterKind::TribunalAppeal)
    {
        f.error(
            "kind",
            "A tribunal appeal is made on the tribunal's own form (GRC1), not by email: send it that way, then record it as sent",
        );
    }
    if !f.has_error("to") && letter::email_address(&input.to).is_none() {
        f.error(
            "to",
            "Give the email address it goes to, e.g. foi@authority.gov.uk",
        );
    }
    let Some(letter) = f.finish(letter)? else {
        return Err(AppError::invalid("kind", "Choose the letter to send"));
    };
    let to = letter::email_address(&letter.to).unwrap_or_default().to_string();
    let purpose = letter.kind.to_string();
    let compose = |conn: &mut DbConnection, request: &Request| {
        letters::check_available(conn, calendars, caller, today, request.id, letter.kind, now)?;
        // A review request answers the authority in the thread the request began; the
        // regulator is written to afresh.
        let thread = match letter.kind {
            LetterKind::InternalReview => thread_of(conn, request.id)?,
            _ => Vec::new(),
        };
        Ok(Composed {
            to,
            subject: letter.subject.clone(),
            body: letter.body.clone(),
            thread,
        })
    };
    let record = |conn: &mut DbConnection, request: &Request, message: &Outgoing| {
        record_letter(
            conn, calendars, caller, today, request, &letter, message, today, now,
        )
    };
    deliver(conn, settings, caller, request_id, &purpose, now, compose, record)
}

/// What sending a letter by email recorded.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SentLetterEmail {
    pub email: SentEmail,
    /// The event the letter starts.
    pub event: crate::db::events::EventRecord,
}

#[allow(clippy::too_many_arguments)]
fn record_letter(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    request: &Request,
    letter: &CheckedLetter,
    message: &Outgoing,
    sent_on: NaiveDate,
    now: NaiveDateTime,
) -> Result<SentLetterEmail, AppError> {
    let file_name = format!("{}-{sent_on}.eml", letter.kind.to_string().replace('_', "-"));
    let sent = letters::record(
        conn,
        calendars,
        caller,
        today,
        request.id,
        letter,
        sent_on,
        (&file_name, &message.raw),
        now,
    )?;
    outgoing_messages::mark_sent(conn, message.id, sent.document.id, now)?;
    Ok(SentLetterEmail {
        email: sent_email(request.id, message, sent_on, sent.document),
        event: sent.event,
    })
}

/// A message to the authority about a request already sent, as the person writes it.
#[derive(Debug, Clone, Default, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct FollowUp {
    #[serde(default)]
    #[schema(required = true)]
    pub subject: String,
    #[serde(default)]
    #[schema(required = true)]
    pub body: String,
}

/// Writes to the authority about a request already sent, in the thread of the messages that
/// went and came before (In-Reply-To, References), from the organisation's mailbox; the message
/// is kept as a document of the request. It records no event: a message that answers a request
/// for clarification, say, is recorded as that event as well.
pub fn send_follow_up(
    conn: &mut DbConnection,
    settings: &Settings,
    caller: &Caller,
    today: NaiveDate,
    request_id: i32,
    input: &FollowUp,
    now: NaiveDateTime,
) -> Result<SentEmail, AppError> {
    let mut f = Fields::new();
    let subject = f.text("subject", "Subject", &input.subject, 300);
    let body = f.lines("body", "Message", &input.body, 50_000);
    f.finish(())?;
    let compose = |conn: &mut DbConnection, request: &Request| {
        if request.status == Status::Draft {
            return Err(AppError::conflict(None, "Send the request itself first"));
        }
        Ok(Composed {
            to: authority_address(conn, request)?,
            subject: subject.clone(),
            body: body.clone(),
            thread: thread_of(conn, request.id)?,
        })
    };
    let record = |conn: &mut DbConnection, request: &Request, message: &Outgoing| {
        record_follow_up(conn, caller, request, message, today, now)
    };
    deliver(
        conn,
        settings,
        caller,
        request_id,
        "follow_up",
        now,
        compose,
        record,
    )
}

/// Inside the caller's transaction: a follow-up kept as a document of the request, no event.
fn record_follow_up(
    conn: &mut DbConnection,
    caller: &Caller,
    request: &Request,
    message: &Outgoing,
    sent_on: NaiveDate,
    now: NaiveDateTime,
) -> Result<SentEmail, AppError> {
    let file_name = format!("follow-up-{sent_on}.eml");
    let file = UploadedFile {
        file_name: Some(&file_name),
        content: &message.raw,
        event_id: None,
    };
    let document = documents::upload(conn, caller, request.id, &file, usize::MAX, now)?;
    outgoing_messages::mark_sent(conn, message.id, document.id, now)?;
    record(
        conn,
        caller,
        Change::new("email", "request", request.id)
            .after(json!({"purpose": "follow_up", "message_id": message.message_id, "to": message.to})),
        now,
    )?;
    Ok(sent_email(request.id, message, sent_on, document))
}

/// Settles a message left "sending" by a crash, once a person has looked in the mailbox's
/// Sent folder: if it `went`, it is recorded as sent on the day it was sent (the request sent,
/// or the letter's event), kept as a document; if not, the claim is dropped and it can be sent
/// again.
#[allow(clippy::too_many_arguments)]
pub fn settle(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    request_id: i32,
    went: bool,
    settings: &Settings,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    db::write(conn, |conn| {
        let request = writable(conn, caller, request_id)?;
        let messages = outgoing_messages::for_request(conn, request_id)?;
        let Some(message) = messages.iter().find(|m| m.status == "sending") else {
            return Err(AppError::conflict(
                None,
                "No email of this request is waiting to be settled",
            ));
        };
        if now - message.started_at <= stuck_after(settings.smtp_timeout()) {
            return Err(AppError::conflict(
                None,
                "This request's email is being sent now: wait a moment and reload the page",
            ));
        }
        if !went {
            outgoing_messages::discard(conn, message.id)?;
            record(
                conn,
                caller,
                Change::new("discard_unsent", "request", request_id)
                    .before(json!({"message_id": message.message_id, "to": message.recipient})),
                now,
            )?;
            return Ok(());
        }
        let sent_on = crate::clock::london_date(message.started_at).min(today);
        let outgoing = Outgoing {
            id: message.id,
            raw: outgoing_messages::raw(conn, message.id)?.unwrap_or_default(),
            to: message.recipient.clone(),
            subject: message.subject.clone(),
            // Settling answers nothing about the message, so its reply address is not read.
            reply_to: String::new(),
            message_id: message.message_id.clone(),
        };
        match message.purpose.as_str() {
            "request" => {
                record_request(conn, calendars, caller, today, &request, &outgoing, sent_on, now)?;
            }
            "follow_up" => {
                record_follow_up(conn, caller, &request, &outgoing, sent_on, now)?;
            }
            letter => {
                let letter = CheckedLetter {
                    kind: letter
                        .parse()
                        .map_err(|_| AppError::Internal(format!("an email for {letter}")))?,
                    to: outgoing.to.clone(),
                    subject: outgoing.subject.clone(),
                    body: String::new(),
                };
                record_letter(
                    conn, calendars, caller, today, &request, &letter, &outgoing, sent_on, now,
                )?;
            }
        }
        Ok(())
    })
}
