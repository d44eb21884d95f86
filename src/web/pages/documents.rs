//! Uploading a document to a request from its page, and downloading one.

use actix_multipart::Multipart;
use actix_web::http::header::{ContentDisposition, DispositionParam, DispositionType};
use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde_json::json;

use super::events::page_again;
use super::request_detail::PageForms;
use super::{done, errors};
use crate::db::documents::Document;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::tracker::audit::Caller;
use crate::tracker::holidays::CalendarStore;
use crate::tracker::{self, documents::ImportedEmail, documents::ReadEmail, documents::UploadedFile};
use crate::web::auth::Who;
use crate::web::extract::{with_db, PathId, Upload};
use crate::web::state::AppState;

/// Room for the form's other fields and the multipart framing around the file.
pub const FORM_OVERHEAD: usize = 64 * 1024;

pub async fn upload(
    state: web::Data<AppState>,
    who: Who,
    multipart: Multipart,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    receive(state, who, id, multipart, Kind::Document).await
}

/// An authority's reply saved as an `.eml` file, recorded as a response with its documents.
pub async fn import_email(
    state: web::Data<AppState>,
    who: Who,
    multipart: Multipart,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    receive(state, who, id, multipart, Kind::Email).await
}

/// What an upload form sends.
enum Kind {
    Document,
    Email,
}

/// Reads an upload form, once the caller is known to be allowed to add to the request, and
/// keeps its file as a document or imports it as a reply; then the request's documents, or
/// its page again with the error beside the file field.
async fn receive(
    state: web::Data<AppState>,
    who: Who,
    id: i32,
    multipart: Multipart,
    kind: Kind,
) -> Result<HttpResponse, AppError> {
    let caller = who.caller();
    // Who may add to this request is settled before a byte of the body is read.
    may_add(&state, &caller, id).await?;
    let result = match who
        .upload(multipart, "file", state.settings.max_upload_bytes + FORM_OVERHEAD)
        .await
    {
        Ok(upload) => match kind {
            Kind::Document => hand_over(&state, &caller, id, upload).await.map(|_| ()),
            Kind::Email => import_reply(&state, &caller, id, upload).await.map(|_| ()),
        },
        Err(error) => Err(error),
    };
    match result {
        Ok(()) => Ok(done(
            &state,
            &format!("/requests/{id}#documents"),
            "document-added",
        )),
        Err(error @ AppError::TooLarge(_)) | Err(error @ AppError::Invalid(_)) => {
            let mut messages = errors(&error);
            if let AppError::TooLarge(message) = &error {
                messages.insert("file".into(), json!(message));
            }
            let forms = PageForms {
                document_errors: messages,
                ..PageForms::default()
            };
            page_again(&state, &who, id, &error, forms).await
        }
        Err(error) => Err(error),
    }
}

/// Reads an uploaded reply in the sandbox, holding no database connection meanwhile; then
/// imports it into request `id`.
pub async fn import_reply(
    state: &web::Data<AppState>,
    caller: &Caller,
    id: i32,
    upload: Upload,
) -> Result<ImportedEmail, AppError> {
    let (upload, read) = read_reply(state, upload).await?;
    let caller = caller.clone();
    with_db(state, move |conn, calendars, today| {
        record_reply(conn, calendars, &caller, today, id, &upload, &read)
    })
    .await
}

/// An uploaded reply read in the sandbox, with no database connection held; the upload is
/// handed back with what was read.
pub async fn read_reply(
    state: &web::Data<AppState>,
    upload: Upload,
) -> Result<(Upload, ReadEmail), AppError> {
    let limit = state.settings.max_upload_bytes;
    let (upload, read) = web::block(move || {
        let file = UploadedFile {
            file_name: upload.file_name.as_deref(),
            content: &upload.file,
            event_id: None,
        };
        let read = tracker::documents::read_email(&file, limit);
        (upload, read)
    })
    .await?;
    Ok((upload, read?))
}

/// A reply as read, recorded on request `id`: its response event and its documents.
pub fn record_reply(
    conn: &mut DbConnection,
    calendars: &CalendarStore,
    caller: &Caller,
    today: NaiveDate,
    id: i32,
    upload: &Upload,
    read: &ReadEmail,
) -> Result<ImportedEmail, AppError> {
    let file = UploadedFile {
        file_name: upload.file_name.as_deref(),
        content: &upload.file,
        event_id: None,
    };
    tracker::documents::import_email(
        conn,
        calendars,
        caller,
        today,
        id,
        &file,
        read,
        crate::clock::now(),
    )
}

/// Refuses, before the body is read, a caller who may not add documents to request `id`.
pub async fn may_add(state: &web::Data<AppState>, caller: &Caller, id: i32) -> Result<(), AppError> {
    let caller = caller.clone();
    if caller.actor.is_none() {
        return Err(AppError::Unauthorized);
    }
    with_db(state, move |conn, _, _| {
        tracker::access::may_add(conn, &caller, id)
    })
    .await
}

/// Keeps an upload's file among request `id`'s documents, with the event it names if any.
pub async fn hand_over(
    state: &web::Data<AppState>,
    caller: &Caller,
    id: i32,
    upload: Upload,
) -> Result<Document, AppError> {
    let limit = state.settings.max_upload_bytes;
    let caller = caller.clone();
    with_db(state, move |conn, _, _| {
        store_upload(conn, &caller, id, &upload, limit)
    })
    .await
}

/// An upload stored as a document of request `id`, with the event its form names, if any.
pub fn store_upload(
    conn: &mut DbConnection,
    caller: &Caller,
    id: i32,
    upload: &Upload,
    limit: usize,
) -> Result<Document, AppError> {
    let event_id = upload
        .field("event_id")
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(|e| {
            e.parse::<i32>()
                .map_err(|_| AppError::invalid("event_id", "Choose an event from the list"))
        })
        .transpose()?;
    let file = UploadedFile {
        file_name: upload.file_name.as_deref(),
        content: &upload.file,
        event_id,
    };
    tracker::documents::upload(conn, caller, id, &file, limit, crate::clock::now())
}

/// The file itself, as an attachment of the type it was stored as.
pub async fn download(
    state: web::Data<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<HttpResponse, AppError> {
    let (document, bytes) = with_db(&state, move |conn, _, _| {
        tracker::documents::download(conn, &caller, id, crate::clock::now())
    })
    .await?;
    Ok(attachment(&document, bytes))
}

/// A document's bytes as a download of the type it was stored as, never cached.
pub fn attachment(document: &Document, bytes: Vec<u8>) -> HttpResponse {
    let disposition = ContentDisposition {
        disposition: DispositionType::Attachment,
        parameters: vec![DispositionParam::Filename(document.filename.clone())],
    };
    HttpResponse::Ok()
        .content_type(document.content_type.clone())
        .insert_header(disposition)
        .insert_header((actix_web::http::header::CACHE_CONTROL, "private, no-store"))
        .body(bytes)
}
