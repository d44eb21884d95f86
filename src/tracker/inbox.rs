//! The inbox: each organisation's mailbox read over IMAP, every new message filed once with
//! the request it answers, or kept for a coordinator to file or dismiss.
//!
//! A message is matched, in order, by the reply address it was sent to (whose token must be
//! the request's), by the messages it answers (In-Reply-To, References, or the message a
//! delivery report returns) among those the tracker sent, and by the authority's reference in
//! its subject among the organisation's open requests to an authority at the sender's domain.
//! Filing changes no deadline: a person says what the message is first.

use chrono::NaiveDateTime;
use serde::Serialize;
use serde_json::json;

use super::access::require;
use super::audit::{record, Caller, Change};
use crate::config::Settings;
use crate::db::incoming_messages::{self, IncomingMessage, NewIncomingMessage};
use crate::db::mailboxes;
use crate::db::{self, DbConnection};
use crate::domain::account::Actor;
use crate::domain::email::Email;
use crate::domain::reply_address::{self, Mailbox};
use crate::error::AppError;
use crate::imap::{Fetched, ImapServer};
use crate::sealing::SealingKey;

/// What one reading of a mailbox did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct PollReport {
    /// Filed with a request, to be classified.
    pub filed: usize,
    /// Matched nothing: waiting in triage.
    pub triage: usize,
    /// Of those, reports that a message could not be delivered.
    pub bounces: usize,
    /// Already kept: read before, by this instance or another.
    pub already: usize,
}

/// What the organisation's IMAP password is sealed to.
pub fn imap_password_context(organisation_id: i32) -> String {
    format!("organisation {organisation_id} imap password")
}

/// The request a message answers, and how that was told.
fn matched(
    conn: &mut DbConnection,
    organisation_id: i32,
    reply_box: &Mailbox,
    email: &Email,
) -> Result<Option<(i32, &'static str)>, AppError> {
    for recipient in &email.recipients {
        let Some((request_id, token)) = reply_box.addressed(recipient) else {
            continue;
        };
        let Some(request) = crate::db::requests::find(conn, request_id)? else {
            continue;
        };
        let expected = crate::db::requests::reply_token(conn, request_id)?;
        if request.organisation_id == organisation_id
            && expected.is_some_and(|expected| reply_address::token_matches(&expected, &token))
        {
            return Ok(Some((request_id, "reply_address")));
        }
    }
    if let Some(request_id) =
        crate::db::outgoing_messages::request_of_any(conn, organisation_id, &email.thread)?
    {
        return Ok(Some((request_id, "thread")));
    }
    let sender_domain = email.sender.rsplit_once('@').map(|(_, d)| d.to_ascii_lowercase());
    let subject = email.subject.to_lowercase();
    let candidates: Vec<i32> = crate::db::requests::open_references_of(conn, organisation_id)?
        .into_iter()
        .filter(|(_, reference, _)| names_reference(&subject, reference))
        .filter(|(_, _, foi_email)| {
            let domain = foi_email
                .as_deref()
                .and_then(|e| e.rsplit_once('@'))
                .map(|(_, d)| d.to_ascii_lowercase());
            domain.is_some() && domain == sender_domain
        })
        .map(|(id, ..)| id)
        .collect();
    // A reference two requests share tells neither apart: a person files it.
    Ok(match candidates.as_slice() {
        [one] => Some((*one, "reference")),
        _ => None,
    })
}

/// Whether `subject` (in lower case) names `reference` as a whole: "FOI 52658" is not in
/// "FOI 526581".
fn names_reference(subject: &str, reference: &str) -> bool {
    let reference = reference.trim().to_lowercase();
    if reference.len() < 3 {
        return false;
    }
    subject.match_indices(&reference).any(|(at, found)| {
        let before = subject[..at].chars().next_back();
        let after = subject[at + found.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

/// Reads the organisation's mailbox and files every message not yet kept. The IMAP server
/// being down, or a message failing, stops the reading there: the next one starts from the
/// same place, so nothing is lost.
pub fn poll(
    conn: &mut DbConnection,
    settings: &Settings,
    organisation_id: i32,
) -> Result<PollReport, AppError> {
    let Some(mailbox) = mailboxes::find(conn, organisation_id)? else {
        return Err(AppError::conflict(None, "This organisation has no mailbox"));
    };
    let (Some(url), Some(username)) = (mailbox.imap_url.clone(), mailbox.imap_username.clone()) else {
        return Err(AppError::conflict(
            None,
            "The mailbox has no IMAP server to read replies from: an administrator sets it on the Mailbox page",
        ));
    };
    let password = match &mailbox.imap_password_sealed {
        Some(sealed) => SealingKey::from_settings(settings)
            .and_then(|key| key.open(sealed, &imap_password_context(organisation_id)))
            .map_err(|why| {
                AppError::conflict(
                    None,
                    format!("The mailbox's IMAP password cannot be read ({why}): an administrator enters it again"),
                )
            })?,
        None => String::new(),
    };
    let trusted_pem = match settings.imap_ca_file.as_deref().filter(|f| !f.trim().is_empty()) {
        Some(file) => Some(
            std::fs::read(file)
                .map_err(|e| AppError::Internal(format!("FOI_IMAP_CA_FILE {file} cannot be read: {e}")))?,
        ),
        None => None,
    };
    let reply_box = Mailbox::parse(&mailbox.address).map_err(|why| AppError::conflict(None, why))?;
    let server = ImapServer {
        url,
        username,
        password,
        timeout: settings.smtp_timeout(),
        trusted_pem,
        max_message_bytes: u32::try_from(settings.max_upload_bytes).unwrap_or(u32::MAX),
    };
    let caller = Caller::system("mail reader");
    let mut report = PollReport::default();
    let (stored_validity, last_uid) = incoming_messages::cursor(conn, organisation_id)?;
    let from = |uid_validity: u32| {
        // A new UIDVALIDITY renumbers the mailbox: read it all again; what was kept before is
        // known by its Message-ID.
        Ok(match (stored_validity, last_uid) {
            (Some(v), Some(last)) if v == i64::from(uid_validity) => {
                u32::try_from(last + 1).unwrap_or(u32::MAX)
            }
            _ => 1,
        })
    };
    let file = |uid_validity: u32, fetched: Fetched| {
        file_one(
            conn,
            &caller,
            settings,
            organisation_id,
            &reply_box,
            uid_validity,
            fetched,
            &mut report,
        )
        .map_err(|e| e.to_string())
    };
    server
        .read_new(from, file)
        .map_err(|why| AppError::Upstream(format!("The mailbox could not be read: {why}")))?;
    // A few unread documents per message filed, oldest first: the messages just filed and their
    // attachments, unless an older backlog waits, which the background reader catches up.
    if report.filed > 0 {
        super::search::read_pending(conn, report.filed as i64 * 10);
    }
    tracing::info!(
        organisation_id,
        filed = report.filed,
        triage = report.triage,
        bounces = report.bounces,
        already = report.already,
        "mailbox read"
    );
    Ok(report)
}

#[allow(clippy::too_many_arguments)]
fn file_one(
    conn: &mut DbConnection,
    caller: &Caller,
    settings: &Settings,
    organisation_id: i32,
    reply_box: &Mailbox,
    uid_validity: u32,
    fetched: Fetched,
    report: &mut PollReport,
) -> Result<(), AppError> {
    let now = crate::clock::now();
    let arrived = fetched.arrived.map_or(now, |a| a.naive_utc());
    let (validity, uid) = (i64::from(uid_validity), i64::from(fetched.uid));
    // Read outside the write lock: the parser runs in a child process under limits.
    let read = fetched
        .raw
        .as_ref()
        .map(|raw| super::untrusted::email("message.eml", raw));
    // A parser that could not be had is no verdict on the message: read it again next time.
    if let Some(Err(AppError::Unavailable(why) | AppError::Internal(why))) = &read {
        return Err(AppError::Unavailable(why.clone()));
    }
    db::write(conn, |conn| {
        let raw = fetched.raw.as_deref();
        let sha256 = raw.map(crate::db::documents::sha256_hex);
        let email = match &read {
            Some(Ok(email)) => Some(email),
            _ => None,
        };
        let dedupe_key = match (email.and_then(|e| e.message_id.clone()), &sha256) {
            (Some(id), _) => format!("message-id:{id}"),
            (None, Some(sha)) => format!("sha256:{sha}"),
            (None, None) => format!("uid:{validity}:{uid}"),
        };
        incoming_messages::set_cursor(conn, organisation_id, validity, uid)?;
        if incoming_messages::known(conn, organisation_id, validity, uid, &dedupe_key)? {
            report.already += 1;
            return Ok(());
        }
        let problem = match (&read, raw) {
            (_, None) => Some(format!(
                "Over {} MB: not downloaded; read it in the mailbox",
                settings.max_upload_bytes / (1024 * 1024)
            )),
            (Some(Err(error)), _) => Some(error.to_string()),
            _ => None,
        };
        let matched = match email {
            Some(email) => matched(conn, organisation_id, reply_box, email)?,
            None => None,
        };
        if let (Some(raw), Some(sha)) = (raw, &sha256) {
            crate::db::documents::store_hashed_blob(conn, sha, raw, now)?;
        }
        let bounce = email.is_some_and(|e| e.bounce);
        let message = NewIncomingMessage {
            organisation_id,
            uid_validity: validity,
            uid,
            dedupe_key: &dedupe_key,
            blob_sha256: sha256.as_deref(),
            size: i64::from(fetched.size),
            sender: email.map_or("(unreadable)", |e| e.sender.as_str()),
            subject: email.map_or("(unreadable)", |e| e.subject.as_str()),
            arrived_at: arrived,
            request_id: matched.map(|(id, _)| id),
            matched_by: matched.map(|(_, by)| by),
            bounce,
            status: if matched.is_some() {
                "to_classify"
            } else {
                "triage"
            },
            problem: problem.as_deref(),
            created_at: now,
        };
        let id = incoming_messages::insert(conn, &message)?;
        if let (Some((request_id, _)), Some(email), Some(raw)) = (matched, email, raw) {
            keep_documents(conn, caller, settings, id, request_id, email, raw, arrived, now)?;
        }
        record(
            conn,
            caller,
            Change::new("receive", "incoming_message", id).after(json!({
                "request_id": matched.map(|(id, _)| id), "matched_by": matched.map(|(_, by)| by),
                "bounce": bounce, "status": message.status,
            })),
            now,
        )?;
        match matched {
            Some(_) => report.filed += 1,
            None => report.triage += 1,
        }
        if bounce {
            report.bounces += 1;
        }
        Ok(())
    })
}

/// The message and its attachments as the request's documents; an attachment refused as an
/// upload would be is left in the message, which is kept whole.
#[allow(clippy::too_many_arguments)]
fn keep_documents(
    conn: &mut DbConnection,
    caller: &Caller,
    settings: &Settings,
    message_id: i32,
    request_id: i32,
    email: &Email,
    raw: &[u8],
    arrived: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let Some(request) = crate::db::requests::find(conn, request_id)? else {
        return Ok(());
    };
    let day = crate::clock::london_date(arrived);
    let name = format!("reply-{day}.eml");
    let max = settings.max_upload_bytes;
    let document = super::documents::keep_received(conn, caller, &request, &name, raw, max, now)?;
    incoming_messages::link_document(conn, document.id, message_id)?;
    for attachment in &email.attachments {
        match super::documents::keep_received(
            conn,
            caller,
            &request,
            &attachment.name,
            &attachment.content,
            max,
            now,
        ) {
            Ok(document) => {
                incoming_messages::link_document(conn, document.id, message_id)?;
            }
            Err(AppError::Invalid(_) | AppError::TooLarge(_)) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(())
}

/// Reads the caller's organisation's mailbox now, for its coordinators, who see what it
/// leaves in triage.
pub fn read_now(
    conn: &mut DbConnection,
    settings: &Settings,
    caller: &Caller,
) -> Result<PollReport, AppError> {
    let organisation_id = require(caller, Actor::triages_mail)?.organisation_id;
    poll(conn, settings, organisation_id)
}

/// Reads every organisation's mailbox that has an IMAP server; for the scheduler. One that
/// cannot be read is logged and left for the next round.
pub fn poll_all(conn: &mut DbConnection, settings: &Settings) -> Result<(), AppError> {
    for organisation_id in incoming_messages::mailboxes_to_read(conn)? {
        if let Err(error) = poll(conn, settings, organisation_id) {
            tracing::warn!(organisation_id, %error, "a mailbox could not be read");
        }
    }
    Ok(())
}

/// The messages waiting in the organisation's triage, oldest first; for coordinators.
pub fn triage(conn: &mut DbConnection, caller: &Caller) -> Result<Vec<IncomingMessage>, AppError> {
    let actor = require(caller, Actor::triages_mail)?;
    Ok(incoming_messages::in_status(
        conn,
        actor.organisation_id,
        "triage",
        500,
    )?)
}

/// Files a message from triage with a request of the organisation, for a person to classify.
#[allow(clippy::too_many_arguments)]
pub fn file_by_hand(
    conn: &mut DbConnection,
    calendars: &super::holidays::CalendarStore,
    caller: &Caller,
    settings: &Settings,
    today: chrono::NaiveDate,
    message_id: i32,
    request_id: i32,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let actor = require(caller, Actor::triages_mail)?;
    let message = triaged(conn, actor, message_id)?;
    let raw = match &message.blob_sha256 {
        Some(sha) => crate::db::documents::blob(conn, sha)?,
        None => None,
    };
    let email = match &raw {
        Some(raw) => Some(super::untrusted::email("message.eml", raw)?),
        None => None,
    };
    let filed = db::write(conn, |conn| {
        // A coordinator may change only their own organisation's requests: any other is
        // refused beside the field, as one that does not exist.
        super::access::writable(conn, caller, request_id).map_err(|error| match error {
            AppError::NotFound(_) | AppError::Forbidden(_) => AppError::invalid(
                "request_id",
                format!("Request {request_id} is not one of your organisation's that you may change"),
            ),
            other => other,
        })?;
        incoming_messages::file_with(conn, message_id, request_id, "person")?;
        if let (Some(email), Some(raw)) = (&email, &raw) {
            keep_documents(
                conn,
                caller,
                settings,
                message_id,
                request_id,
                email,
                raw,
                message.arrived_at,
                now,
            )?;
        }
        // A message that waited in triage may already be owed a reminder to classify it.
        let calendar = calendars.current(conn)?;
        super::reminders::replan(conn, &calendar, request_id, today)?;
        record(
            conn,
            caller,
            Change::new("file", "incoming_message", message_id).after(json!({"request_id": request_id})),
            now,
        )
    });
    if filed.is_ok() {
        super::search::read_new(conn, request_id);
    }
    filed
}

/// Sets a message in triage aside: it stays kept, out of the list.
pub fn dismiss(
    conn: &mut DbConnection,
    caller: &Caller,
    message_id: i32,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let actor = require(caller, Actor::triages_mail)?;
    db::write(conn, |conn| {
        triaged(conn, actor, message_id)?;
        incoming_messages::set_status(conn, message_id, "dismissed")?;
        record(
            conn,
            caller,
            Change::new("dismiss", "incoming_message", message_id),
            now,
        )
    })
}

/// A reply filed with a request, with what it most likely is, for the person who says.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Proposal {
    pub message: IncomingMessage,
    /// The event it most likely records, dated the day it arrived: a suggestion to confirm or
    /// change, never recorded by itself.
    pub event: super::events::EventInput,
    /// The words the suggestion rests on.
    pub because: String,
}

/// The reply `message_id`, waiting to be classified, of a request the caller may change.
fn to_classify(
    conn: &mut DbConnection,
    caller: &Caller,
    message_id: i32,
) -> Result<(IncomingMessage, crate::db::requests::Request), AppError> {
    // Who asks comes first: nobody learns whether a reply exists without signing in.
    require(caller, |_| true)?;
    let gone = || AppError::NotFound(format!("reply {message_id}"));
    let message = incoming_messages::find(conn, message_id)?.ok_or_else(gone)?;
    let request_id = message.request_id.ok_or_else(gone)?;
    let request = super::access::writable(conn, caller, request_id)?;
    if message.status != "to_classify" {
        return Err(AppError::conflict(
            None,
            "This reply has been classified already: its event is on the timeline",
        ));
    }
    Ok((message, request))
}

/// What a reply most likely is, from its words: a response citing "section 40(2)", a request
/// for clarification, a cost refusal…; dated the day it arrived, in London.
pub fn proposal(conn: &mut DbConnection, caller: &Caller, message_id: i32) -> Result<Proposal, AppError> {
    use crate::domain::reply_kind::{guess, Reply};
    let (message, request) = to_classify(conn, caller, message_id)?;
    let raw = match &message.blob_sha256 {
        Some(sha) => crate::db::documents::blob(conn, sha)?,
        None => None,
    };
    let email = raw
        .map(|raw| super::untrusted::email("message.eml", &raw))
        .transpose();
    // A message that cannot be read is still a reply: the person says what it is unaided.
    let (text, attachments) = match email {
        Ok(Some(email)) => (
            email.text,
            email.attachments.into_iter().map(|a| a.name).collect(),
        ),
        _ => (String::new(), Vec::<String>::new()),
    };
    let names: Vec<&str> = attachments.iter().map(String::as_str).collect();
    let guessed = guess(
        request.values.regime,
        Reply {
            subject: &message.subject,
            text: &text,
            attachments: &names,
        },
    );
    let event = super::events::EventInput {
        kind: guessed.kind.to_string(),
        occurred_on: crate::clock::london_date(message.arrived_at).to_string(),
        details: Some(format!("Email from {}: {}", message.sender, message.subject)),
        outcome: guessed.outcome.map(|o| o.to_string()),
        grounds: guessed.grounds,
        ..Default::default()
    };
    Ok(Proposal {
        message,
        event,
        because: guessed.because,
    })
}

/// Records what a reply is, as the person says: the event, exactly as recording it by hand
/// would (the same deadlines follow), with the reply's documents as its own.
pub fn classify(
    conn: &mut DbConnection,
    calendars: &super::holidays::CalendarStore,
    caller: &Caller,
    today: chrono::NaiveDate,
    message_id: i32,
    input: &super::events::EventInput,
    now: NaiveDateTime,
) -> Result<crate::db::events::EventRecord, AppError> {
    db::write(conn, |conn| {
        let (message, request) = to_classify(conn, caller, message_id)?;
        let (event, _) = super::events::add(conn, calendars, caller, today, request.id, input, now)?;
        incoming_messages::classified(conn, message.id, event.id)?;
        // Recording the event re-planned the request while the reply still waited: again, so
        // that a reminder to classify it is not sent after it was.
        let calendar = calendars.current(conn)?;
        super::reminders::replan(conn, &calendar, request.id, today)?;
        record(
            conn,
            caller,
            Change::new("classify", "incoming_message", message.id)
                .after(json!({"request_id": request.id, "event_id": event.id, "kind": input.kind})),
            now,
        )?;
        Ok(event)
    })
}

fn triaged(conn: &mut DbConnection, actor: &Actor, message_id: i32) -> Result<IncomingMessage, AppError> {
    incoming_messages::find(conn, message_id)?
        .filter(|m| m.organisation_id == actor.organisation_id)
        .filter(|m| m.status == "triage")
        .ok_or_else(|| AppError::NotFound(format!("message {message_id} in triage")))
}

#[cfg(test)]
mod tests {
    use super::names_reference;

    #[test]
    fn a_reference_is_named_only_whole() {
        assert!(names_reference(
            "re: your request foi 52658 - detention",
            "FOI 52658"
        ));
        assert!(names_reference("(cts 12345)", "CTS 12345"));
        assert!(!names_reference("foi 526581", "FOI 52658"));
        assert!(!names_reference("xfoi 52658", "FOI 52658"));
        assert!(!names_reference("ab", "ab"), "too short to tell anything apart");
    }
}
