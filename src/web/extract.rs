//! What handlers share: running a use case on a pooled connection off the async threads,
//! reading ids from paths and query strings, versions from `If-Match`, and uploaded files (JSON
//! bodies are `json_body`'s).

use actix_multipart::Multipart;
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use chrono::NaiveDate;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;

use crate::db::DbConnection;
use crate::domain::version::{self, Expected};
use crate::error::AppError;
use crate::tracker::holidays::CalendarStore;
use crate::web::state::AppState;

/// The largest body accepted, JSON, form or upload.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// A request's query string as `T`; one that cannot be read is a 400 saying `what` could
/// not be read, and why.
pub fn query_string<T: DeserializeOwned>(request: &HttpRequest, what: &str) -> Result<T, AppError> {
    serde_urlencoded::from_str(request.query_string()).map_err(|e| AppError::BadRequest {
        field: None,
        message: format!("{what} could not be read: {e}"),
    })
}

/// Runs `f` with a pooled connection, the calendar store and today's date, on a blocking
/// thread: diesel is synchronous.
pub async fn with_db<T, F>(state: &web::Data<AppState>, f: F) -> Result<T, AppError>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConnection, &CalendarStore, NaiveDate) -> Result<T, AppError> + Send + 'static,
{
    let _turn = state.turn().await?;
    let state = state.clone();
    web::block(move || {
        let mut conn = state.pool.get()?;
        f(&mut conn, &state.calendars, state.today())
    })
    .await?
}

/// An id from the path: not a number is a bad request naming `id`.
pub fn id(raw: &str) -> Result<i32, AppError> {
    raw.parse::<i32>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| AppError::BadRequest {
            field: Some("id".into()),
            message: format!("\"{raw}\" is not an id: ids are whole numbers"),
        })
}

/// The `{id}` of a route's path, parsed as `id` parses it. Handlers take it last, so that who
/// is calling, and the body, are checked first, as they were when the id was read inside.
pub struct PathId(pub i32);

impl FromRequest for PathId {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<PathId, actix_web::Error>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let raw = request.match_info().get("id").unwrap_or_default();
        std::future::ready(id(raw).map(PathId).map_err(|e| super::respond(request, e)))
    }
}

/// The versions a change may apply to, from `If-Match`; without it, any.
pub fn if_match(request: &HttpRequest) -> Expected {
    request
        .headers()
        .get(actix_web::http::header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .map_or(Expected::Any, Expected::parse)
}

/// The `ETag` of a record last changed at `updated_at`, for a client to send back in `If-Match`.
pub fn etag(updated_at: chrono::NaiveDateTime) -> (actix_web::http::header::HeaderName, String) {
    (
        actix_web::http::header::ETAG,
        format!("\"{}\"", version::of(updated_at)),
    )
}

/// Maps a body read failure: too large is 413, anything else 400.
pub fn payload_error(error: actix_web::Error) -> AppError {
    let status = error.as_response_error().status_code();
    if status == actix_web::http::StatusCode::PAYLOAD_TOO_LARGE {
        AppError::TooLarge(format!(
            "the body is larger than the limit of {} KiB",
            BODY_LIMIT / 1024
        ))
    } else {
        AppError::BadRequest {
            field: None,
            message: format!("the body could not be read: {error}"),
        }
    }
}

type CsrfCheck = Box<dyn FnOnce(Option<&str>) -> Result<(), AppError>>;

/// The text fields and the one file of a multipart form, the whole at most `limit` bytes.
#[derive(Debug, Default)]
pub struct Upload {
    pub fields: Vec<(String, String)>,
    pub file_name: Option<String>,
    pub file: Vec<u8>,
}

impl Upload {
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Reads the form, stopping at `limit` bytes.
    pub async fn read(multipart: Multipart, file_field: &str, limit: usize) -> Result<Upload, AppError> {
        Upload::read_checked(multipart, file_field, limit, None).await
    }

    /// Reads the form, whose first part must be the `csrf` field accepted by `check`: a page's
    /// form puts it first, so that a form from elsewhere is refused before its file is read.
    pub async fn read_after_csrf(
        multipart: Multipart,
        file_field: &str,
        limit: usize,
        check: impl FnOnce(Option<&str>) -> Result<(), AppError> + 'static,
    ) -> Result<Upload, AppError> {
        Upload::read_checked(multipart, file_field, limit, Some(Box::new(check))).await
    }

    async fn read_checked(
        mut multipart: Multipart,
        file_field: &str,
        limit: usize,
        mut check: Option<CsrfCheck>,
    ) -> Result<Upload, AppError> {
        let mut upload = Upload::default();
        let mut total = 0usize;
        while let Some(part) = multipart.next().await {
            let mut part = part.map_err(|e| AppError::BadRequest {
                field: None,
                message: format!("the upload could not be read: {e}"),
            })?;
            let name = part.name().unwrap_or_default().to_string();
            let file_name = part
                .content_disposition()
                .and_then(|d| d.get_filename())
                .map(str::to_string);
            // The token is short: at most a few hundred bytes are read before it is checked.
            let first_limit = if check.is_some() { 1024 } else { usize::MAX };
            let mut data = Vec::new();
            let mut over = false;
            while let Some(chunk) = part.next().await {
                let chunk = chunk.map_err(|e| AppError::BadRequest {
                    field: Some(name.clone()),
                    message: format!("the upload could not be read: {e}"),
                })?;
                total += chunk.len();
                if total > limit {
                    return Err(AppError::TooLarge(match limit >= 1024 * 1024 {
                        true => format!(
                            "the upload is larger than the limit of {} MB",
                            limit / (1024 * 1024)
                        ),
                        false => format!("the upload is larger than the limit of {} KiB", limit / 1024),
                    }));
                }
                if data.len() + chunk.len() > first_limit {
                    over = true;
                    break;
                }
                data.extend_from_slice(&chunk);
            }
            if let Some(check) = check.take() {
                let token = (name == "csrf" && !over).then(|| String::from_utf8_lossy(&data));
                check(token.as_deref())?;
            }
            if name == file_field {
                upload.file_name = file_name.filter(|f| !f.is_empty());
                upload.file = data;
            } else {
                upload
                    .fields
                    .push((name, String::from_utf8_lossy(&data).into_owned()));
            }
        }
        Ok(upload)
    }

    /// Whether the form asks only to see what the upload would change.
    pub fn dry_run(&self) -> bool {
        self.field("dry_run").is_some_and(|v| v == "true")
    }

    /// The file as UTF-8 text, or a field error naming the file field.
    pub fn text(&self, field: &str) -> Result<&str, AppError> {
        if self.file.is_empty() {
            return Err(AppError::invalid(field, "Choose a file to upload"));
        }
        std::str::from_utf8(&self.file).map_err(|_| AppError::invalid(field, "The file is not UTF-8 text"))
    }
}

/// A GET form's query string, its dates typed as day, month and year first joined into one
/// field each (`web::dates`), as `web::Query` reads it otherwise.
pub struct DatedQuery<T>(pub T);

impl<T: DeserializeOwned> FromRequest for DatedQuery<T> {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let read = serde_urlencoded::from_str::<Vec<(String, String)>>(request.query_string())
            .map(super::dates::join_parts)
            .and_then(|pairs| serde_urlencoded::to_string(pairs).map_err(serde::de::Error::custom))
            .and_then(|joined| serde_html_form::from_str(&joined))
            .map(DatedQuery)
            .map_err(|error| {
                let error = AppError::BadRequest {
                    field: None,
                    message: format!("the query string could not be read: {error}"),
                };
                super::respond(request, error)
            });
        std::future::ready(read)
    }
}
