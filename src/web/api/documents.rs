//! `/api/v1/documents/{id}`: a request's document, as it was uploaded; and adding one, or an
//! authority's reply as an email, to a request.

use actix_multipart::Multipart;
use actix_web::{web, HttpRequest, HttpResponse};

use super::problems::{FileTooLarge, NoSuchResource, Unreadable};
use super::{create_once, idempotency};
use crate::db::documents::Document;
use crate::tracker::audit::Caller;
use crate::tracker::idempotency::{fingerprint, Answer};
use crate::tracker::{self, documents::ImportedEmail};
use crate::web::error_response::{ApiError, Problem};
use crate::web::extract::{with_db, PathId, Upload};
use crate::web::pages::documents::{may_add, read_reply, record_reply, store_upload, FORM_OVERHEAD};
use crate::web::state::AppState;

/// A file sent as multipart/form-data: the part named `file`, and optionally `event_id`.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct FileUpload {
    /// The document, with its file name.
    #[schema(format = Binary, value_type = String)]
    file: Vec<u8>,
    /// The event it came with, if any.
    event_id: Option<i32>,
}

/// A stored file's bytes, as a download sends them.
#[derive(utoipa::ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)]
pub struct FileBytes(Vec<u8>);

/// The upload, read only once the caller is known to be allowed to add to request `id`.
async fn read(
    state: &web::Data<AppState>,
    caller: &Caller,
    id: i32,
    multipart: Multipart,
) -> Result<Upload, ApiError> {
    may_add(state, caller, id).await?;
    Ok(Upload::read(multipart, "file", state.settings.max_upload_bytes + FORM_OVERHEAD).await?)
}

#[utoipa::path(operation_id = "upload_document", summary = "Upload a document to a request", post, path = "/api/v1/requests/{id}/documents", tag = "documents",
    request_body(content = FileUpload, content_type = "multipart/form-data"),
    params(("id" = i32, Path, description = "The request's id")),
    responses((status = 201, description = "Stored (once per content)", body = Document), Unreadable, NoSuchResource, FileTooLarge,
        (status = 422, description = "Empty, or not what its name says", body = Problem, content_type = "application/problem+json")))]
pub async fn upload(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    multipart: Multipart,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let upload = read(&state, &caller, id, multipart).await?;
    let call = idempotency(&request, &call_of(&upload));
    let limit = state.settings.max_upload_bytes;
    create_once(&state, caller, call, move |conn, caller, _, _, _| {
        let document = store_upload(conn, caller, id, &upload, limit)?;
        Answer::created(format!("/api/v1/documents/{}", document.id), &document)
    })
    .await
}

/// What an upload's `Idempotency-Key` covers: the file's digest and the form's fields, so that
/// the same file sent again with the key is the same call, and another file is not.
fn call_of(upload: &Upload) -> (String, &[(String, String)]) {
    let name = upload.file_name.as_deref().unwrap_or_default();
    (fingerprint("file", name, &upload.file), &upload.fields)
}

#[utoipa::path(operation_id = "import_email", summary = "Import an authority's email into a request", post, path = "/api/v1/requests/{id}/import-email", tag = "documents",
    request_body(content = FileUpload, content_type = "multipart/form-data"),
    params(("id" = i32, Path, description = "The request's id")),
    responses((status = 201, description = "The reply recorded as a response, with the message and its attachments as documents", body = ImportedEmail), Unreadable, NoSuchResource, FileTooLarge,
        (status = 422, description = "Not an email, or its response does not fit the timeline", body = Problem, content_type = "application/problem+json")))]
pub async fn import_email(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    multipart: Multipart,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let upload = read(&state, &caller, id, multipart).await?;
    let call = idempotency(&request, &call_of(&upload));
    let (upload, read) = read_reply(&state, upload).await?;
    create_once(&state, caller, call, move |conn, caller, calendars, today, _| {
        let imported = record_reply(conn, calendars, caller, today, id, &upload, &read)?;
        let event = format!("/api/v1/requests/{id}/events/{}", imported.event.id);
        Answer::created(event, &imported)
    })
    .await
}

#[utoipa::path(operation_id = "download_document", summary = "Download a document", get, path = "/api/v1/documents/{id}", tag = "documents",
    params(("id" = i32, Path, description = "The document's id, from its request's `documents`")),
    responses((status = 200, description = "The file, with the type it was stored as (each listed)",
        content_type = "application/pdf", body = FileBytes), Unreadable, NoSuchResource))]
pub async fn download(
    state: web::Data<AppState>,
    caller: Caller,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let (document, bytes) = with_db(&state, move |conn, _, _| {
        tracker::documents::download(conn, &caller, id, crate::clock::now())
    })
    .await?;
    Ok(crate::web::pages::documents::attachment(&document, bytes))
}
