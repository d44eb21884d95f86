//! `GET /api/v1/openapi.json`: the OpenAPI 3 document, generated from the handlers' annotations.

use actix_web::HttpResponse;
use utoipa::OpenApi;

use super::{authorities, calculator, events, requests};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "foi-tracker API",
        version = "1",
        description = "Freedom of Information requests, their events and every statutory deadline. Errors are application/problem+json (RFC 9457) naming the fields at fault."
    ),
    paths(
        requests::list,
        requests::create,
        requests::read,
        requests::update,
        events::list,
        events::add,
        events::remove_last,
        authorities::list,
        authorities::create,
        authorities::read,
        authorities::update,
        calculator::calculate,
        document,
    ),
    tags(
        (name = "requests", description = "Requests and their deadlines"),
        (name = "events", description = "What happened to a request"),
        (name = "authorities", description = "Public authorities"),
        (name = "deadlines", description = "The deadline calculator"),
        (name = "meta", description = "This document")
    )
)]
pub struct ApiDoc;

#[utoipa::path(operation_id = "openapi_document", get, path = "/api/v1/openapi.json", tag = "meta",
    responses((status = 200, description = "This OpenAPI 3 document", content_type = "application/json")))]
pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
