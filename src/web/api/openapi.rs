//! `GET /api/v1/openapi.json`: the OpenAPI 3 document, generated from the handlers' annotations.

use actix_web::HttpResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use crate::web::error_response::Problem;
use crate::web::extract::CREATE_ONLY;

use super::{
    authorities, calculator, demands, documents, events, figure_import, history, letters, repeats, requests,
};

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
        documents::download,
        documents::upload,
        documents::import_email,
        letters::list,
        letters::send,
        history::summary,
        history::requests,
        history::export,
        demands::catalogue,
        demands::save_indicator,
        demands::indicator,
        demands::link,
        demands::add_figure,
        demands::verify_figure,
        demands::scorecard,
        figure_import::preview,
        figure_import::import,
        repeats::set,
        repeats::skip,
        authorities::list,
        authorities::create,
        authorities::read,
        authorities::update,
        calculator::calculate,
        document,
    ),
    // Named here because the shared answers in `problems` and the 401, 403 and 503 that
    // `Bearer` adds refer to it without registering it: only a `body = Problem` tuple does.
    components(schemas(Problem)),
    modifiers(&Bearer, &Replacements),
    tags(
        (name = "requests", description = "Requests and their deadlines"),
        (name = "events", description = "What happened to a request"),
        (name = "documents", description = "The files that came with a request's events"),
        (name = "demands", description = "The petition's indicators, released figures and the scorecard"),
        (name = "history", description = "The refusal history and exports of the records"),
        (name = "letters", description = "Review requests, complaints and notices of appeal drafted from the record"),
        (name = "authorities", description = "Public authorities"),
        (name = "deadlines", description = "The deadline calculator"),
        (name = "meta", description = "This document")
    )
)]
pub struct ApiDoc;

/// Operations open to anyone; every other one needs a personal token.
const PUBLIC: &[(&str, &str)] = &[
    ("post", "/api/v1/deadline"),
    ("get", "/api/v1/openapi.json"),
    ("get", "/api/v1/scorecard"),
    ("get", "/api/v1/indicators"),
    ("get", "/api/v1/indicators/{indicator}"),
];

/// The bearer token every operation but the public ones needs, and the 401 and 403 each of
/// them may answer: added to every operation here, so that none can be forgotten.
struct Bearer;

impl Modify for Bearer {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let description = "A personal API token, from your account page or `foi-tracker token create`";
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme(
                "bearer",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .description(Some(description))
                        .build(),
                ),
            );
        let problem = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/problem+json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Problem")))
                        .build(),
                )
                .build()
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            let operations = [
                ("get", &mut item.get),
                ("put", &mut item.put),
                ("post", &mut item.post),
                ("delete", &mut item.delete),
            ];
            for (method, operation) in operations {
                let Some(operation) = operation else {
                    continue;
                };
                // Any operation may find the database held by another writer past its wait.
                operation.responses.responses.insert(
                    "503".into(),
                    problem("The database or the file readers are busy: try again after Retry-After seconds")
                        .into(),
                );
                if PUBLIC.contains(&(method, path.as_str())) {
                    operation.security = Some(vec![SecurityRequirement::default()]);
                    continue;
                }
                operation.security = Some(vec![SecurityRequirement::new("bearer", Vec::<String>::new())]);
                let responses = &mut operation.responses.responses;
                responses.insert(
                    "401".into(),
                    problem("No valid token: send Authorization: Bearer TOKEN").into(),
                );
                responses.insert(
                    "403".into(),
                    problem("The token's user may not do this (role or organisation)").into(),
                );
            }
        }
    }
}

/// A `PUT` replaces the whole resource: its body's schema is the create schema with every
/// property required (`XReplacement`), as `extract::Replacement` enforces.
struct Replacements;

impl Modify for Replacements {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::schema::{ArrayItems, Schema};
        use utoipa::openapi::RefOr;
        let components = openapi.components.get_or_insert_with(Default::default);
        // The replacement of the schema `reference` names, added once; its new reference.
        let mut replace = |reference: &mut utoipa::openapi::Ref| {
            let Some(name) = reference.ref_location.rsplit('/').next().map(str::to_string) else {
                return;
            };
            let Some(RefOr::T(Schema::Object(object))) = components.schemas.get(&name).cloned() else {
                return;
            };
            let mut whole = object;
            whole.required = whole
                .properties
                .keys()
                .filter(|property| !CREATE_ONLY.contains(&(name.as_str(), property.as_str())))
                .cloned()
                .collect();
            let replacement = format!("{name}Replacement");
            components
                .schemas
                .insert(replacement.clone(), RefOr::T(Schema::Object(whole)));
            *reference = Ref::from_schema_name(replacement);
        };
        for item in openapi.paths.paths.values_mut() {
            let Some(RefOr::T(body)) = item.put.as_mut().and_then(|put| put.request_body.as_mut()) else {
                continue;
            };
            for content in body.content.values_mut() {
                let RefOr::T(content) = content else { continue };
                match content.schema.as_mut() {
                    Some(RefOr::Ref(reference)) => replace(reference),
                    Some(RefOr::T(Schema::Array(array))) => {
                        if let ArrayItems::RefOrSchema(items) = &mut array.items {
                            if let RefOr::Ref(reference) = items.as_mut() {
                                replace(reference)
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }
}

#[utoipa::path(operation_id = "openapi_document", get, path = "/api/v1/openapi.json", tag = "meta",
    responses((status = 200, description = "This OpenAPI 3 document", content_type = "application/json")))]
pub async fn document() -> HttpResponse {
    HttpResponse::Ok().json(ApiDoc::openapi())
}
