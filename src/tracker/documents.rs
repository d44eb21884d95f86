//! Documents: the files that came with a request's events, stored once by content.

use chrono::NaiveDateTime;
use serde_json::json;

use super::audit::{record, Caller};
use super::input::Fields;
use super::requests::{readable, writable};
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
    db::write(conn, |conn| {
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
        let (sha256, new_blob) = documents::store_blob(conn, file.content, now)?;
        let id = documents::insert(
            conn,
            &NewDocument {
                request_id,
                event_id: file.event_id,
                sha256: &sha256,
                filename: name,
                content_type,
                uploaded_by: caller.user_id(),
            },
            now,
        )?;
        let shown_name = match request.regime {
            Regime::Sar => json!("(withheld: subject access request)"),
            _ => json!(name),
        };
        let after = json!({
            "request_id": request_id, "event_id": file.event_id, "filename": shown_name,
            "content_type": content_type, "sha256": sha256, "size": file.content.len(), "stored_anew": new_blob,
        });
        record(
            conn,
            caller,
            "create",
            "document",
            Some(id),
            None,
            Some(after),
            now,
        )?;
        documents::find(conn, id)?.ok_or_else(|| AppError::Internal(format!("document {id} vanished")))
    })
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
    if request.regime == Regime::Sar {
        db::transaction(conn, |conn| {
            record(conn, caller, "download", "document", Some(id), None, None, now)
        })?;
    }
    let bytes = documents::blob(conn, &document.blob_sha256)?
        .ok_or_else(|| AppError::Internal(format!("the content of document {id} is missing")))?;
    Ok((document, bytes))
}

/// A document whose request the caller may read, with that request; a document of a request
/// the caller may not know of is as unknown as one that does not exist.
pub(super) fn readable_document(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i32,
) -> Result<(Document, crate::db::requests::Request), AppError> {
    let missing = || AppError::NotFound(format!("document {id}"));
    let document = documents::find(conn, id)?.ok_or_else(missing)?;
    let (request, _) = readable(conn, caller, document.request_id).map_err(|e| match e {
        AppError::NotFound(_) => missing(),
        other => other,
    })?;
    Ok((document, request))
}

/// What an imported email became.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ImportedEmail {
    pub event: crate::db::events::EventRecord,
    pub documents: Vec<Document>,
}

/// Imports an authority's reply saved as an `.eml` file: its date (in London), sender,
/// subject and text become a response event, and the message itself and each attachment
/// become its documents. All or nothing: one attachment refused refuses the import.
#[allow(clippy::too_many_arguments)]
pub fn import_email(
    conn: &mut DbConnection,
    calendars: &super::holidays::CalendarStore,
    caller: &Caller,
    today: chrono::NaiveDate,
    request_id: i32,
    file: &UploadedFile<'_>,
    max_bytes: usize,
    now: NaiveDateTime,
) -> Result<ImportedEmail, AppError> {
    use mail_parser::{MessageParser, MimeHeaders};
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
    let message = MessageParser::default()
        .parse(file.content)
        .filter(|m| m.from().is_some() || m.date().is_some())
        .ok_or_else(|| invalid(format!("{name} is not an email message")))?;
    let sent = message
        .date()
        .and_then(|d| chrono::DateTime::from_timestamp(d.to_timestamp(), 0))
        .ok_or_else(|| invalid(format!("{name} has no date: record the response by hand")))?;
    let received = sent.with_timezone(&chrono_tz::Europe::London).date_naive();
    let sender = message
        .from()
        .and_then(|a| a.first())
        .and_then(|a| a.address())
        .unwrap_or("an unknown sender")
        .to_string();
    let subject = message.subject().unwrap_or("(no subject)").to_string();
    let text = message
        .body_text(0)
        .map(|t| t.trim().to_string())
        .unwrap_or_default();
    let mut attachments = Vec::new();
    for (n, part) in message.attachments().enumerate() {
        let part_name = part
            .attachment_name()
            .map(str::to_string)
            .unwrap_or_else(|| format!("attachment-{}", n + 1));
        attachments.push((part_name, part.contents().to_vec()));
    }
    let mut details = format!("Email from {sender}: {subject}\n\n{text}");
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
    db::write(conn, |conn| {
        let (event, _) = super::events::add(conn, calendars, caller, today, request_id, &input, now)
            .map_err(|e| match e {
                AppError::Invalid(problems) => invalid(format!(
                    "The reply of {received} cannot be recorded as a response: {}",
                    problems
                        .iter()
                        .map(|p| p.message.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                )),
                other => other,
            })?;
        let mut documents = Vec::new();
        let files = std::iter::once((name.to_string(), file.content.to_vec())).chain(attachments);
        for (file_name, content) in files {
            let part = UploadedFile {
                file_name: Some(&file_name),
                content: &content,
                event_id: Some(event.id),
            };
            documents.push(upload(conn, caller, request_id, &part, max_bytes, now)?);
        }
        Ok(ImportedEmail { event, documents })
    })
}
