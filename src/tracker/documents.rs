//! Documents: the files that came with a request's events, stored once by content.

use chrono::NaiveDateTime;
use serde_json::json;

use super::access::{readable, readable_document, writable};
use super::audit::{record, Caller, Change};
use super::input::Fields;
use crate::db::documents::{self, Document, NewDocument};
use crate::db::{self, events, DbConnection};
use crate::domain::regime::Regime;
use crate::error::AppError;

/// What an upload says about the file it carries.
pub struct UploadedFile<'a> {
    pub file_name: Option<&'a str>,
    pub content: &'a [u8],
    /// The event the document came with, if one is named.
    pub event_id: Option<i32>,
}

/// Keeps a document of a request: refused, with nothing stored, if it is empty, over the
/// limit, or not what its name says.
pub fn upload(
    conn: &mut DbConnection,
    caller: &Caller,
    request_id: i32,
    file: &UploadedFile<'_>,
    max_bytes: usize,
    now: NaiveDateTime,
) -> Result<Document, AppError> {
    let checked = check(file, max_bytes)?;
    let document = db::write(conn, |conn| {
        let request = writable(conn, caller, request_id)?;
        if let Some(event_id) = file.event_id {
            if !events::for_request(conn, request_id)?
                .iter()
                .any(|e| e.id == event_id)
            {
                return Err(AppError::invalid(
                    "event_id",
                    "That event is not on this request's timeline",
                ));
            }
        }
        store(conn, caller, &request, file.event_id, &checked, file.content, now)
    })?;
    super::search::read_new(conn, request_id);
    Ok(documents::find(conn, document.id)?.unwrap_or(document))
}

/// Keeps a file that came by mail as a document of `request`, linked to no event until a person
/// says what the message was; refused, as an upload would be, if it is not what its name says.
pub(crate) fn keep_received(
    conn: &mut DbConnection,
    caller: &Caller,
    request: &crate::db::requests::Request,
    name: &str,
    content: &[u8],
    max_bytes: usize,
    now: NaiveDateTime,
) -> Result<Document, AppError> {
    let file = UploadedFile {
        file_name: Some(name),
        content,
        event_id: None,
    };
    let checked = check(&file, max_bytes)?;
    store(conn, caller, request, None, &checked, content, now)
}

/// A file checked and hashed, ready to store: the work done before the write lock is taken.
struct Checked {
    name: String,
    content_type: &'static str,
    sha256: String,
    size: usize,
}

fn check(file: &UploadedFile<'_>, max_bytes: usize) -> Result<Checked, AppError> {
    let name = file
        .file_name
        .map(|n| n.rsplit(['/', '\\']).next().unwrap_or(n).trim())
        .filter(|n| !n.is_empty())
        .ok_or_else(|| AppError::invalid("file", "Choose a file to upload"))?;
    let mut f = Fields::new();
    f.text("file", "The file's name", name, 255);
    f.finish(())?;
    if file.content.is_empty() {
        return Err(AppError::invalid("file", format!("{name} is empty")));
    }
    if file.content.len() > max_bytes {
        return Err(AppError::TooLarge(format!(
            "{name} is {} MB; documents can be at most {} MB",
            mb(file.content.len()),
            mb(max_bytes)
        )));
    }
    let content_type = crate::domain::document::content_type(name, file.content)
        .map_err(|message| AppError::invalid("file", message))?;
    Ok(Checked {
        name: name.to_string(),
        content_type,
        sha256: documents::sha256_hex(file.content),
        size: file.content.len(),
    })
}

/// Stores a checked file as a document of `request`, inside the caller's write transaction.
fn store(
    conn: &mut DbConnection,
    caller: &Caller,
    request: &crate::db::requests::Request,
    event_id: Option<i32>,
    file: &Checked,
    content: &[u8],
    now: NaiveDateTime,
) -> Result<Document, AppError> {
    let request_id = request.id;
    let new_blob = documents::store_hashed_blob(conn, &file.sha256, content, now)?;
    let id = documents::insert(
        conn,
        &NewDocument {
            request_id,
            event_id,
            sha256: &file.sha256,
            filename: &file.name,
            content_type: file.content_type,
            uploaded_by: caller.user_id(),
        },
        now,
    )?;
    let shown_name = match request.values.regime {
        Regime::Sar => json!("(withheld: subject access request)"),
        _ => json!(file.name),
    };
    let after = json!({
        "request_id": request_id, "event_id": event_id, "filename": shown_name,
        "content_type": file.content_type, "sha256": file.sha256, "size": file.size, "stored_anew": new_blob,
    });
    record(
        conn,
        caller,
        Change::new("create", "document", id).after(after),
        now,
    )?;
    documents::find(conn, id)?.ok_or_else(|| AppError::Internal(format!("document {id} vanished")))
}

fn mb(bytes: usize) -> String {
    format!("{:.1}", bytes as f64 / (1024.0 * 1024.0))
}

/// A request's documents, for its page.
pub fn of_request(
    conn: &mut DbConnection,
    caller: &Caller,
    request_id: i32,
) -> Result<Vec<Document>, AppError> {
    readable(conn, caller, request_id)?;
    Ok(documents::of_request(conn, request_id)?)
}

/// A document and its bytes, for whoever may read its request. Every download of a subject
/// access request's document is recorded, whoever makes it.
pub fn download(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i32,
    now: NaiveDateTime,
) -> Result<(Document, Vec<u8>), AppError> {
    let (document, request) = readable_document(conn, caller, id)?;
    if request.values.regime == Regime::Sar {
        db::transaction(conn, |conn| {
            record(conn, caller, Change::new("download", "document", id), now)
        })?;
    }
    let bytes = documents::blob(conn, &document.blob_sha256)?
        .ok_or_else(|| AppError::Internal(format!("the content of document {id} is missing")))?;
    Ok((document, bytes))
}

/// What an imported email became.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ImportedEmail {
    pub event: crate::db::events::EventRecord,
    pub documents: Vec<Document>,
}

/// An authority's reply read from its `.eml` file, checked and hashed: all the work done
/// before a database connection is taken, so that a large message holds neither a connection
/// nor the write lock while it is parsed.
pub struct ReadEmail {
    received: chrono::NaiveDate,
    input: super::events::EventInput,
    message: Checked,
    attachments: Vec<(Checked, Vec<u8>)>,
}

/// Reads an `.eml` upload in the sandbox: refused, before anything is stored, if it is not an
/// email, is over the limits, or carries an attachment that is not what its name says.
pub fn read_email(file: &UploadedFile<'_>, max_bytes: usize) -> Result<ReadEmail, AppError> {
    let invalid = |message: String| AppError::invalid("file", message);
    let name = file.file_name.unwrap_or("reply.eml");
    if file.content.is_empty() {
        return Err(invalid("Choose the .eml file of the reply".into()));
    }
    if file.content.len() > max_bytes {
        return Err(AppError::TooLarge(format!(
            "{name} is {} MB; documents can be at most {} MB",
            mb(file.content.len()),
            mb(max_bytes)
        )));
    }
    let email = super::untrusted::email(name, file.content)?;
    let sent = chrono::DateTime::from_timestamp(email.sent, 0)
        .ok_or_else(|| invalid(format!("{name} has no date: record the response by hand")))?;
    let received = sent.with_timezone(&chrono_tz::Europe::London).date_naive();
    let mut details = format!("Email from {}: {}\n\n{}", email.sender, email.subject, email.text);
    if details.chars().count() > super::events::MAX_DETAILS {
        details = details
            .chars()
            .take(super::events::MAX_DETAILS - 1)
            .collect::<String>()
            + "…";
    }
    let input = super::events::EventInput {
        kind: "response".into(),
        occurred_on: received.to_string(),
        details: Some(details),
        ..Default::default()
    };
    let message = check(
        &UploadedFile {
            file_name: Some(name),
            content: file.content,
            event_id: None,
        },
        max_bytes,
    )?;
    let mut attachments = Vec::with_capacity(email.attachments.len());
    for attachment in email.attachments {
        let part = UploadedFile {
            file_name: Some(&attachment.name),
            content: &attachment.content,
            event_id: None,
        };
        let checked = check(&part, max_bytes)?;
        attachments.push((checked, attachment.content));
    }
    Ok(ReadEmail {
        received,
        input,
        message,
        attachments,
    })
}

/// Imports an authority's reply read by [`read_email`] from `file`: its date (in London),
/// sender, subject and text become a response event, and the message itself and each
/// attachment become its documents. All or nothing.
#[allow(clippy::too_many_arguments)]
pub fn import_email(
    conn: &mut DbConnection,
    calendars: &super::holidays::CalendarStore,
    caller: &Caller,
    today: chrono::NaiveDate,
    request_id: i32,
    file: &UploadedFile<'_>,
    read: &ReadEmail,
    now: NaiveDateTime,
) -> Result<ImportedEmail, AppError> {
    let received = read.received;
    let imported = db::write(conn, |conn| {
        let (event, _) = super::events::add(conn, calendars, caller, today, request_id, &read.input, now)
            .map_err(|e| match e {
                AppError::Invalid(problems) => AppError::invalid(
                    "file",
                    format!(
                        "The reply of {received} cannot be recorded as a response: {}",
                        problems
                            .iter()
                            .map(|p| p.message.as_str())
                            .collect::<Vec<_>>()
                            .join("; ")
                    ),
                ),
                other => other,
            })?;
        let request = writable(conn, caller, request_id)?;
        let mut documents = vec![store(
            conn,
            caller,
            &request,
            Some(event.id),
            &read.message,
            file.content,
            now,
        )?];
        for (checked, content) in &read.attachments {
            documents.push(store(
                conn,
                caller,
                &request,
                Some(event.id),
                checked,
                content,
                now,
            )?);
        }
        Ok::<_, AppError>(ImportedEmail { event, documents })
    })?;
    super::search::read_new(conn, request_id);
    Ok(imported)
}
