//! `/api/v1/documents/{id}/import`: figures from a response's table, previewed, then imported
//! all at once or not at all.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDateTime;

use super::problems::{NoSuchResource, Unreadable};
use super::{create_once, idempotency};
use crate::db::figures::Figure;
use crate::db::DbConnection;
use crate::error::AppError;
use crate::tracker::audit::Caller;
use crate::tracker::figure_import::{self, ImportInput, ImportPreview, Table};
use crate::tracker::idempotency::Answer;
use crate::web::error_response::{ApiError, Problem};
use crate::web::extract::{with_db, PathId};
use crate::web::json_body::ApiJson;
use crate::web::state::AppState;

#[utoipa::path(operation_id = "preview_figure_import", summary = "Preview the figures a spreadsheet's table would give", post, path = "/api/v1/documents/{id}/import/preview", tag = "demands",
    request_body = ImportInput,
    params(("id" = i32, Path, description = "The document's id")),
    responses((status = 200, description = "Every figure the import would create, and each row's problems; nothing is written", body = ImportPreview), Unreadable, NoSuchResource,
        (status = 422, description = "A field is wrong, or the document is not a table", body = Problem, content_type = "application/problem+json")))]
pub async fn preview(
    state: web::Data<AppState>,
    caller: Caller,
    body: ApiJson<ImportInput>,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let preview = on_table(&state, &caller, id, body.0, figure_import::preview).await?;
    Ok(HttpResponse::Ok().json(preview))
}

#[utoipa::path(operation_id = "import_figures", summary = "Import figures from a spreadsheet's table", post, path = "/api/v1/documents/{id}/import", tag = "demands",
    request_body = ImportInput,
    params(("id" = i32, Path, description = "The document's id")),
    responses((status = 201, description = "Every figure of the table, recorded unverified", body = Vec<Figure>), Unreadable, NoSuchResource,
        (status = 422, description = "A field is wrong, or rows are (each named rows[N] by its row number): nothing was written", body = Problem, content_type = "application/problem+json")))]
pub async fn import(
    state: web::Data<AppState>,
    caller: Caller,
    request: HttpRequest,
    body: ApiJson<ImportInput>,
    PathId(id): PathId,
) -> Result<HttpResponse, ApiError> {
    let input = body.0;
    let call = idempotency(&request, &input);
    let table = table(&state, &caller, id, &input.sheet).await?;
    create_once(&state, caller, call, move |conn, caller, _, _, now| {
        let figures = figure_import::import(conn, caller, &table, &input, now)?;
        Answer::created("/api/v1/figures".into(), &figures)
    })
    .await
}

/// What `use_case` makes of document `id`'s table, read for the caller as `input` asks: the
/// preview and the import itself read the table alike, so that what one shows is what the
/// other writes.
pub async fn on_table<T: Send + 'static>(
    state: &web::Data<AppState>,
    caller: &Caller,
    id: i32,
    input: ImportInput,
    use_case: UseCase<T>,
) -> Result<T, AppError> {
    let table = table(state, caller, id, &input.sheet).await?;
    let caller = caller.clone();
    with_db(state, move |conn, _, _| {
        use_case(conn, &caller, &table, &input, crate::clock::now())
    })
    .await
}

/// `figure_import::preview` or `figure_import::import`.
pub type UseCase<T> =
    fn(&mut DbConnection, &Caller, &Table, &ImportInput, NaiveDateTime) -> Result<T, AppError>;

/// Document `id` read as a table for the caller: the database asked first, then the file read
/// in the sandbox with no database connection held, however long it takes. Sheet names are
/// matched exactly ("Table 1 " and "Table 1" can both exist); empty is the first.
pub async fn table(
    state: &web::Data<AppState>,
    caller: &Caller,
    id: i32,
    sheet: &str,
) -> Result<Table, AppError> {
    let reader = caller.clone();
    let (document, bytes) = with_db(state, move |conn, _, _| {
        figure_import::table_document(conn, &reader, id)
    })
    .await?;
    let sheet = Some(sheet.to_string()).filter(|s| !s.is_empty());
    web::block(move || figure_import::read(document, &bytes, sheet.as_deref())).await?
}
