//! `GET /api/v1/openapi.json`: the OpenAPI 3 document, generated from the handlers' annotations.

use actix_web::HttpResponse;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use crate::web::error_response::Problem;
use crate::web::json_body::CREATE_ONLY;

use super::openapi_bodies::{Examples, ExportRows};
use super::{
    authorities, authority_groups, batches, calculator, demands, documents, email, events, exemptions,
    figure_import, history, inbox, letters, problem_types, repeats, requests, search, wdtk,
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
        requests::patch,
        wdtk::link,
        wdtk::refresh,
        wdtk::read,
        wdtk::accept,
        events::list,
        events::add,
        events::remove_last,
        events::read,
        documents::download,
        documents::upload,
        documents::import_email,
        letters::list,
        letters::send,
        email::read,
        email::send,
        email::settle,
        email::letter,
        email::follow_up,
        inbox::list,
        inbox::read,
        inbox::file,
        inbox::dismiss,
        inbox::reply,
        inbox::classify,
        history::summary,
        history::requests,
        history::export,
        search::search,
        demands::catalogue,
        demands::save_indicator,
        demands::indicator,
        demands::link,
        demands::list_figures,
        demands::add_figure,
        demands::read_figure,
        demands::verify_figure,
        demands::scorecard,
        figure_import::preview,
        figure_import::import,
        repeats::set,
        repeats::skip,
        batches::list,
        batches::create,
        batches::read,
        batches::mark_sent,
        batches::reviews,
        batches::request_reviews,
        batches::email,
        batches::link_wdtk,
        authorities::list,
        authorities::create,
        authorities::read,
        authorities::update,
        authority_groups::list,
        authority_groups::create,
        calculator::calculate,
        exemptions::list,
        document,
        problem_types::problems,
    ),
    // Named here because the shared answers in `problems` and the 401, 403 and 503 that
    // `Bearer` adds refer to it without registering it: only a `body = Problem` tuple does.
    components(schemas(Problem)),
    modifiers(&Bearer, &NoOtherFields, &Creations, &Downloads, &Replacements, &ExportRows, &Examples),
    tags(
        (name = "requests", description = "Requests and their deadlines"),
        (name = "events", description = "What happened to a request"),
        (name = "documents", description = "The files that came with a request's events"),
        (name = "demands", description = "The petition's indicators, released figures and the scorecard"),
        (name = "history", description = "The refusal history and exports of the records"),
        (name = "search", description = "One search over requests, events and the text of every document"),
        (name = "email", description = "Requests and letters sent by email from the organisation's mailbox, and the replies read from it"),
        (name = "letters", description = "Review requests, complaints and notices of appeal drafted from the record"),
        (name = "batches", description = "One request sent to many authorities, tracked as one"),
        (name = "authorities", description = "Public authorities and the groups a batch is sent to"),
        (name = "deadlines", description = "The deadline calculator"),
        (name = "exemptions", description = "The grounds a response may cite, by law"),
        (name = "meta", description = "This document")
    )
)]
pub struct ApiDoc;

/// An answer whose body is a `Problem`, added to operations by the modifiers below.
fn problem(description: &str) -> utoipa::openapi::Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
}

/// Operations open to anyone; every other one needs a personal token.
const PUBLIC: &[(&str, &str)] = &[
    ("post", "/api/v1/deadline"),
    ("get", "/api/v1/openapi.json"),
    ("get", "/api/v1/problems"),
    ("get", "/api/v1/exemptions"),
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
        for (path, item) in openapi.paths.paths.iter_mut() {
            let operations = [
                ("get", &mut item.get),
                ("put", &mut item.put),
                ("patch", &mut item.patch),
                ("post", &mut item.post),
                ("delete", &mut item.delete),
            ];
            for (method, operation) in operations {
                let Some(operation) = operation else {
                    continue;
                };
                // Any operation may fail on the server's side: the change is then not made.
                operation.responses.responses.insert(
                    "500".into(),
                    problem("The server failed and made no change; its log holds the cause").into(),
                );
                // Any operation may find the database held by another writer past its wait.
                operation.responses.responses.insert(
                    "503".into(),
                    problem("The database or the file readers are busy: try again after Retry-After seconds")
                        .into(),
                );
                if PUBLIC.contains(&(method, path.as_str())) {
                    // No requirement at all: the answer is the same with or without a token.
                    operation.security = Some(Vec::new());
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

/// Every schema a request body is made of admits no property it does not name
/// (`additionalProperties: false`), as `json_body::ApiJson` refuses them: a generated client then
/// rejects a misspelt field before sending it.
struct NoOtherFields;

impl Modify for NoOtherFields {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::schema::{AdditionalProperties, ArrayItems, Schema};
        use utoipa::openapi::RefOr;
        fn refs(schema: &RefOr<Schema>, found: &mut Vec<String>) {
            match schema {
                RefOr::Ref(reference) => {
                    if let Some(name) = reference.ref_location.rsplit('/').next() {
                        found.push(name.to_string());
                    }
                }
                RefOr::T(Schema::Array(array)) => {
                    if let ArrayItems::RefOrSchema(items) = &array.items {
                        refs(items, found);
                    }
                }
                RefOr::T(Schema::Object(object)) => object.properties.values().for_each(|p| refs(p, found)),
                RefOr::T(Schema::OneOf(one_of)) => one_of.items.iter().for_each(|i| refs(i, found)),
                RefOr::T(Schema::AllOf(all_of)) => all_of.items.iter().for_each(|i| refs(i, found)),
                RefOr::T(Schema::AnyOf(any_of)) => any_of.items.iter().for_each(|i| refs(i, found)),
                _ => {}
            }
        }
        let mut pending = Vec::new();
        for item in openapi.paths.paths.values_mut() {
            for operation in [&mut item.post, &mut item.put, &mut item.patch]
                .into_iter()
                .flatten()
            {
                let Some(RefOr::T(body)) = &operation.request_body else {
                    continue;
                };
                // What reading any JSON body may answer, whatever the operation does with it.
                if body.content.keys().any(|kind| kind.contains("json")) {
                    let responses = &mut operation.responses.responses;
                    for (status, description) in [
                        ("400", "The body could not be read: not JSON, or not one value"),
                        ("413", "The body is larger than 1 MiB"),
                        (
                            "422",
                            "A field is wrong, missing, or not one this operation takes; each is named",
                        ),
                    ] {
                        responses
                            .entry(status.into())
                            .or_insert_with(|| problem(description).into());
                    }
                }
                // JSON bodies only: a multipart upload's parts are read by name, not refused.
                for (kind, content) in &body.content {
                    if let (true, RefOr::T(content)) = (kind.contains("json"), content) {
                        if let Some(schema) = &content.schema {
                            refs(schema, &mut pending);
                        }
                    }
                }
            }
        }
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut closed = Vec::new();
        while let Some(name) = pending.pop() {
            if closed.contains(&name) {
                continue;
            }
            if let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(&name) {
                object.additional_properties = Some(Box::new(AdditionalProperties::FreeForm(false)));
                let object = RefOr::T(Schema::Object(object.clone()));
                refs(&object, &mut pending);
            }
            closed.push(name);
        }
    }
}

/// A download answers with the type its document was stored as: every one of them is listed,
/// so that a generated client knows each answer is a file.
struct Downloads;

impl Modify for Downloads {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::RefOr;
        let Some(get) = openapi
            .paths
            .paths
            .get_mut("/api/v1/documents/{id}")
            .and_then(|i| i.get.as_mut())
        else {
            return;
        };
        let Some(RefOr::T(ok)) = get.responses.responses.get_mut("200") else {
            return;
        };
        let Some(file) = ok.content.values().next().cloned() else {
            return;
        };
        ok.content = crate::domain::document::served_types()
            .into_iter()
            .map(|kind| (kind.to_string(), file.clone()))
            .collect();
    }
}

/// The calls that create something and honour `Idempotency-Key` (`tracker::idempotency`).
const IDEMPOTENT: &[&str] = &[
    "/api/v1/requests",
    "/api/v1/requests/{id}/events",
    "/api/v1/requests/{id}/letters",
    "/api/v1/figures",
    "/api/v1/authorities",
    "/api/v1/documents/{id}/import",
    "/api/v1/requests/{id}/documents",
    "/api/v1/requests/{id}/import-email",
];

/// Every 201 says where the new resource is (`Location`); the calls that create something
/// once per key take `Idempotency-Key`.
struct Creations;

impl Modify for Creations {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::header::HeaderBuilder;
        use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
        use utoipa::openapi::{RefOr, Required};
        for (path, item) in openapi.paths.paths.iter_mut() {
            let Some(post) = item.post.as_mut() else { continue };
            if let Some(RefOr::T(created)) = post.responses.responses.get_mut("201") {
                created.headers.insert(
                    "Location".into(),
                    RefOr::T(
                        HeaderBuilder::new()
                            .description(Some("Where the new resource can be read"))
                            .build(),
                    ),
                );
            }
            if IDEMPOTENT.contains(&path.as_str()) {
                let key = ParameterBuilder::new()
                    .name("Idempotency-Key")
                    .parameter_in(ParameterIn::Header)
                    .required(Required::False)
                    .description(Some(
                        "A key of your own (a UUID) for this call: sent again with the same key and body \
                         within a day, the call creates nothing more and answers as it first did \
                         (with `Idempotent-Replayed: true`); the same key with another body is refused (422).",
                    ))
                    .schema(Some(utoipa::openapi::schema::ObjectBuilder::new().schema_type(utoipa::openapi::Type::String).max_length(Some(255))))
                    .build();
                post.parameters.get_or_insert_with(Vec::new).push(RefOr::T(key));
            }
        }
    }
}

/// A `PUT` replaces the whole resource: its body's schema is the create schema with every
/// property required (`XReplacement`), as `json_body::Replacement` enforces. A `PATCH` changes
/// some: its body's schema is the create schema with none required (`XPatch`), as
/// `json_body::merged` reads it.
struct Replacements;

impl Modify for Replacements {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::schema::{ArrayItems, Schema};
        use utoipa::openapi::RefOr;
        let components = openapi.components.get_or_insert_with(Default::default);
        // The variant of the schema `reference` names, added once; its new reference.
        let mut vary = |reference: &mut utoipa::openapi::Ref, whole: bool| {
            let Some(name) = reference.ref_location.rsplit('/').next().map(str::to_string) else {
                return;
            };
            let Some(RefOr::T(Schema::Object(object))) = components.schemas.get(&name).cloned() else {
                return;
            };
            let mut variant = object;
            variant.required = match whole {
                true => variant
                    .properties
                    .keys()
                    .filter(|property| !CREATE_ONLY.contains(&(name.as_str(), property.as_str())))
                    .cloned()
                    .collect(),
                false => Vec::new(),
            };
            let variant_name = format!("{name}{}", if whole { "Replacement" } else { "Patch" });
            components
                .schemas
                .insert(variant_name.clone(), RefOr::T(Schema::Object(variant)));
            *reference = Ref::from_schema_name(variant_name);
        };
        for item in openapi.paths.paths.values_mut() {
            for (operation, whole) in [(&mut item.put, true), (&mut item.patch, false)] {
                let Some(RefOr::T(body)) = operation.as_mut().and_then(|o| o.request_body.as_mut()) else {
                    continue;
                };
                for content in body.content.values_mut() {
                    let RefOr::T(content) = content else { continue };
                    match content.schema.as_mut() {
                        Some(RefOr::Ref(reference)) => vary(reference, whole),
                        Some(RefOr::T(Schema::Array(array))) => {
                            if let ArrayItems::RefOrSchema(items) = &mut array.items {
                                if let RefOr::Ref(reference) = items.as_mut() {
                                    vary(reference, whole)
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
    }
}

#[utoipa::path(operation_id = "openapi_document", summary = "Read this OpenAPI document", get, path = "/api/v1/openapi.json", tag = "meta",
    responses((status = 200, description = "This OpenAPI 3 document", content_type = "application/json")))]
pub async fn document() -> HttpResponse {
    // Built once: the document never changes while the server runs, and building it (every
    // schema, every modifier, the examples parsed) is work an anonymous caller could repeat.
    static DOCUMENT: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| ApiDoc::openapi().to_json().unwrap_or_default());
    HttpResponse::Ok()
        .content_type("application/json")
        .body(DOCUMENT.as_str())
}
