//! What handlers share: running a use case on a pooled connection off the async threads,
//! reading ids from paths, JSON bodies that name the field at fault, and uploaded files.

use actix_multipart::Multipart;
use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use chrono::NaiveDate;
use futures_util::future::LocalBoxFuture;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::auth::Who;
use crate::db::DbConnection;
use crate::domain::version::{self, Expected};
use crate::error::{AppError, FieldError};
use crate::tracker::holidays::CalendarStore;
use crate::tracker::input::{text_problem, Shape};
use crate::web::error_response::ApiError;
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

/// A JSON body of at most 1 MiB. Not JSON, or anything after the value, is a 400; a string
/// that breaks the text rule, or a value of the wrong type, is a 422 naming the field, e.g.
/// `tags[2]`.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<ApiJson<T>, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = json_value(req, payload);
        Box::pin(async move { typed(body.await?).map(ApiJson) })
    }
}

/// The body of a `PUT`, which replaces the whole resource: a field left out is refused (422
/// naming it) rather than read as empty, so that nothing is cleared by omission. Send `null`
/// to clear an optional field.
pub struct Replacement<T>(pub T);

/// What a `PUT` body must hold: the names of the fields missing from `value`.
pub trait Whole {
    fn missing(value: &Value) -> Vec<String>;
}

impl<T: DeserializeOwned + Whole + 'static> FromRequest for Replacement<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Replacement<T>, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let who = Who::from_request(req, payload);
        let body = json_value(req, payload);
        Box::pin(async move {
            // Who is not signed in is told so first, whatever the body lacks.
            if who.await.ok().and_then(|who| who.actor()).is_none() {
                return Err(ApiError(AppError::Unauthorized));
            }
            let value = body.await?;
            let missing = T::missing(&value);
            if !missing.is_empty() {
                return Err(ApiError(AppError::Invalid(
                    missing
                        .into_iter()
                        .map(|field| {
                            let message = format!(
                                "{field} is missing: PUT replaces the whole resource, so send every field (null to clear an optional one)"
                            );
                            FieldError::new(field, message)
                        })
                        .collect(),
                )));
            }
            typed(value).map(Replacement)
        })
    }
}

/// Properties of a create schema that a `PUT` need not send: they are read only when creating
/// (a request's date of receipt is then its `received` event). By schema name.
pub const CREATE_ONLY: &[(&str, &str)] = &[("RequestInput", "received_on")];

/// The properties of `T`'s OpenAPI schema missing from `value` (an object), each prefixed;
/// create-only ones aside.
pub fn missing_properties<T: utoipa::ToSchema>(value: &Value, prefix: &str) -> Vec<String> {
    let utoipa::openapi::RefOr::T(utoipa::openapi::schema::Schema::Object(schema)) = T::schema() else {
        return Vec::new();
    };
    let Some(object) = value.as_object() else {
        // Not an object: deserializing says so, naming the type expected.
        return Vec::new();
    };
    let name = T::name();
    schema
        .properties
        .keys()
        .filter(|property| !CREATE_ONLY.contains(&(name.as_ref(), property.as_str())))
        .filter(|property| !object.contains_key(property.as_str()))
        .map(|name| format!("{prefix}{name}"))
        .collect()
}

/// The body read as one JSON value, with nothing after it, every string within the text rule.
fn json_value(req: &HttpRequest, payload: &mut Payload) -> LocalBoxFuture<'static, Result<Value, ApiError>> {
    let json = req
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json") || v.contains("+json"));
    let body = web::Bytes::from_request(req, payload);
    Box::pin(async move {
        let bytes = body.await.map_err(payload_error)?;
        if !json {
            return Err(ApiError(AppError::BadRequest {
                field: None,
                message: "send the body as JSON, with Content-Type: application/json".into(),
            }));
        }
        // `from_slice` reads to the end: `{"a":1} x` is not JSON, whatever a lenient reader
        // would make of its first value.
        let value: Value = serde_json::from_slice(&bytes).map_err(|e| AppError::BadRequest {
            field: None,
            message: format!("the body is not valid JSON: {e}"),
        })?;
        if let Some((field, problem)) = text_fault(&value, &mut String::new()) {
            let message = format!("{} {problem}", if field.is_empty() { "The body" } else { &field });
            return Err(ApiError(AppError::invalid(
                if field.is_empty() {
                    "body".to_string()
                } else {
                    field
                },
                message,
            )));
        }
        Ok(value)
    })
}

/// The first string (or key) in `value` that breaks the text rule, by its path, and why. The
/// API cannot know here which fields are one line, so it allows line breaks; each use case
/// checks its own fields further.
fn text_fault(value: &Value, path: &mut String) -> Option<(String, String)> {
    match value {
        Value::String(text) => text_problem(text, Shape::Lines).map(|p| (path.clone(), p)),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            let len = path.len();
            path.push_str(&format!("[{i}]"));
            let found = text_fault(item, path);
            path.truncate(len);
            found
        }),
        Value::Object(map) => map.iter().find_map(|(key, item)| {
            let len = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            if let Some(problem) = text_problem(key, Shape::Line) {
                return Some((
                    path.trim_end_matches('.').to_string(),
                    format!("has a name that {problem}"),
                ));
            }
            path.push_str(key);
            let found = text_fault(item, path);
            path.truncate(len);
            found
        }),
        _ => None,
    }
}

/// `value` read as `T`: a field the schema does not name, or a value of the wrong type, is a
/// 422 naming the field. Unknown fields are refused rather than ignored, so that a misspelt
/// one (`sent_om`) is not silently read as absent.
fn typed<T: DeserializeOwned>(value: Value) -> Result<T, ApiError> {
    let mut unknown = Vec::new();
    let read: Result<T, _> = serde_path_to_error::deserialize(serde_ignored::Deserializer::new(
        value,
        &mut |path: serde_ignored::Path| unknown.push(path.to_string()),
    ));
    match read {
        Ok(_) if !unknown.is_empty() => Err(ApiError(AppError::Invalid(
            unknown
                .into_iter()
                .map(|field| {
                    let message =
                        format!("{field} is not a field of this operation: see /api/v1/openapi.json");
                    FieldError::new(field, message)
                })
                .collect(),
        ))),
        Ok(read) => Ok(read),
        Err(e) => {
            let path = Some(e.path().to_string()).filter(|p| p != ".");
            let serde = e.into_inner().to_string();
            // A required field left out belongs to the object it is missing from.
            let missing = serde
                .strip_prefix("missing field `")
                .and_then(|rest| rest.split_once('`'))
                .map(|(name, _)| match &path {
                    Some(path) => format!("{path}.{name}"),
                    None => name.to_string(),
                });
            Err(ApiError(match (missing, path) {
                (Some(field), _) => AppError::invalid(field.clone(), format!("{field} is required")),
                (None, Some(field)) => {
                    AppError::invalid(field.clone(), format!("{field} {}", plain_words(&serde)))
                }
                (None, None) => AppError::BadRequest {
                    field: None,
                    message: format!("the body {}", plain_words(&serde)),
                },
            }))
        }
    }
}

/// serde's words for a value of the wrong shape, said for people: "must be a whole number, not
/// a string". Names of Rust types (`i32`, `u64`) never reach the caller.
fn plain_words(serde: &str) -> String {
    if let Some(rest) = serde.strip_prefix("unknown variant ") {
        let (given, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let expected = expected.trim_start_matches("one of ");
        return format!("must be one of {expected}, not {given}");
    }
    if serde.starts_with("data did not match any variant") {
        return "is not of the type this field takes: see /api/v1/openapi.json".into();
    }
    if let Some(rest) = serde.strip_prefix("invalid type: ") {
        let (given, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return format!("must be {}, not {given}", expected_words(expected));
    }
    if let Some(rest) = serde.strip_prefix("invalid value: ") {
        let (given, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        return format!("must be {}, not {given}", expected_words(expected));
    }
    if serde.starts_with("input contains invalid characters") || serde.starts_with("premature end of input") {
        return "must be a date, YYYY-MM-DD".into();
    }
    format!("could not be read: {serde}")
}

fn expected_words(expected: &str) -> String {
    match expected {
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" | "isize" => {
            "a whole number".into()
        }
        "f32" | "f64" => "a number".into(),
        "a boolean" => "true or false".into(),
        "a string" | "a borrowed string" => "a string".into(),
        e if e.starts_with("struct ") || e.starts_with("a map") => "an object".into(),
        e if e.starts_with("a sequence") || e.starts_with("a tuple") => "an array".into(),
        e if e.starts_with("integer") => "a whole number".into(),
        "" => "another value".into(),
        other => other.to_string(),
    }
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
