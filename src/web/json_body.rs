//! JSON bodies as the API reads them: one value and nothing after it, every string within the
//! text rule, no field the operation does not name, a wrong type named in plain words, and a
//! `PUT` that must send every field, a `PATCH` that is a merge patch.

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use super::auth::Who;
use super::extract::payload_error;
use crate::error::{AppError, FieldError};
use crate::tracker::input::{text_problem, Shape};
use crate::web::error_response::ApiError;

/// A signed-in caller's JSON body of at most 1 MiB. Who is not signed in gets a 401 before a
/// byte of it is read. Not JSON, or anything after the value, is a 400; a string that breaks
/// the text rule, or a value of the wrong type, is a 422 naming the field, e.g. `tags[2]`.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for ApiJson<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<ApiJson<T>, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = signed_in_body(req, payload);
        Box::pin(async move { typed(body.await?).map(ApiJson) })
    }
}

/// The JSON body of an operation open to everyone (the deadline calculator), read as
/// [`ApiJson`] reads a signed-in caller's.
pub struct PublicJson<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for PublicJson<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<PublicJson<T>, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = json_value(req, payload);
        Box::pin(async move { typed(body.await?).map(PublicJson) })
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
        let body = signed_in_body(req, payload);
        Box::pin(async move {
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

/// The body of a `PATCH`: a JSON merge patch (RFC 7396, `application/merge-patch+json`), an
/// object whose fields replace the resource's, `null` clearing one, the fields left out kept.
/// It is applied with [`merged`] to the resource as it stands.
pub struct MergePatch(pub Value);

impl FromRequest for MergePatch {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<MergePatch, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = signed_in_body(req, payload);
        Box::pin(async move {
            match body.await? {
                // A patch that is not an object would replace the whole resource with itself.
                patch @ Value::Object(_) => Ok(MergePatch(patch)),
                _ => Err(ApiError(AppError::invalid(
                    "body",
                    "A merge patch is an object of the fields to change",
                ))),
            }
        })
    }
}

/// `current` with `patch` merged in, read back as `T` with the same checks as any body: a
/// field `T` does not have, or a value of the wrong type, is refused by name.
pub fn merged<T: Serialize + DeserializeOwned + utoipa::ToSchema>(
    current: &T,
    patch: &Value,
) -> Result<T, AppError> {
    // A `null` for a field `T` does not have would vanish in the merge: named here instead.
    if let utoipa::openapi::RefOr::T(utoipa::openapi::schema::Schema::Object(schema)) = T::schema() {
        let unknown: Vec<FieldError> = patch
            .as_object()
            .into_iter()
            .flat_map(|object| object.keys())
            .filter(|key| !schema.properties.contains_key(key.as_str()))
            .map(|field| FieldError::new(field.clone(), not_a_field(field)))
            .collect();
        if !unknown.is_empty() {
            return Err(AppError::Invalid(unknown));
        }
    }
    let mut value = serde_json::to_value(current).map_err(|e| AppError::Internal(e.to_string()))?;
    json_patch::merge(&mut value, patch);
    typed(value).map_err(|ApiError(error)| error)
}

/// The JSON body of a signed-in caller; who is not signed in is told so first, whatever the
/// body lacks.
fn signed_in_body(
    req: &HttpRequest,
    payload: &mut Payload,
) -> LocalBoxFuture<'static, Result<Value, ApiError>> {
    let who = Who::from_request(req, payload);
    let body = json_value(req, payload);
    Box::pin(async move {
        if who.await.ok().and_then(|who| who.actor()).is_none() {
            return Err(ApiError(AppError::Unauthorized));
        }
        body.await
    })
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

fn not_a_field(field: &str) -> String {
    format!("{field} is not a field of this operation: see /api/v1/openapi.json")
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
                    let message = not_a_field(&field);
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
