//! `/api/v1/documents/{id}`: a request's document, as it was uploaded.

use actix_web::{web, HttpResponse};

use crate::error::{ApiError, Problem};
use crate::startup::AppState;
use crate::tracker;
use crate::web::auth::Who;
use crate::web::extract::{id, with_db};

#[utoipa::path(operation_id = "download_document", get, path = "/api/v1/documents/{id}", tag = "documents",
    params(("id" = i32, Path, description = "The document's id, from its request's `documents`")),
    responses((status = 200, description = "The file, with the type it was stored as", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 400, description = "The input could not be read; the field is named where there is one", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such resource", body = Problem, content_type = "application/problem+json")))]
pub async fn download(
    state: web::Data<AppState>,
    who: Who,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id(&path)?;
    let caller = who.caller();
    let (document, bytes) = with_db(&state, move |conn, _, _| {
        tracker::documents::download(conn, &caller, id, tracker::now())
    })
    .await?;
    Ok(crate::web::pages::documents::attachment(&document, bytes))
}
