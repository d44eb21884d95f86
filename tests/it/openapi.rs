//! The OpenAPI document covers exactly the API the router serves. (`.ci/run` also validates
//! it with openapi-spec-validator.)

use std::collections::BTreeSet;

use crate::support::{TestApp, TODAY};
use foi_tracker::db::Backend;
use foi_tracker::web::ROUTES;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_api_route_is_in_the_document_and_nothing_else() {
    let app = TestApp::start(Backend::Sqlite, TODAY).await.unwrap();
    let document = app.get_json("/api/v1/openapi.json").await;
    assert!(document["openapi"].as_str().unwrap().starts_with("3."));

    let served: BTreeSet<(String, String)> = ROUTES
        .iter()
        .filter(|(_, path)| path.starts_with("/api/"))
        .map(|(method, path)| (method.to_string(), path.to_string()))
        .collect();
    let documented: BTreeSet<(String, String)> = document["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, operations)| {
            operations
                .as_object()
                .unwrap()
                .keys()
                .filter(|k| ["get", "post", "put", "delete", "patch"].contains(&k.as_str()))
                .map(move |method| (method.clone(), path.clone()))
        })
        .collect();
    assert!(
        served.len() >= 13,
        "the API's routes are in the table: {served:?}"
    );
    let undocumented: Vec<_> = served.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "routes missing from the OpenAPI document: {undocumented:?}"
    );
    let phantom: Vec<_> = documented.difference(&served).collect();
    assert!(phantom.is_empty(), "documented but not served: {phantom:?}");

    // Every operation documents its problem+json errors.
    for (method, path) in &documented {
        // Lists that take no input have no error of the caller's to document.
        let plain_list = ["/api/v1/authorities", "/api/v1/indicators", "/api/v1/scorecard"];
        if path.ends_with("openapi.json") || (method == "get" && plain_list.contains(&path.as_str())) {
            continue;
        }
        let responses = &document["paths"][path][method]["responses"];
        let problem = responses
            .as_object()
            .unwrap()
            .values()
            .any(|r| r["content"]["application/problem+json"].is_object());
        assert!(problem, "{method} {path} documents its errors");
    }

    // Every operation but the public ones needs a bearer token, and says so.
    assert_eq!(
        document["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    for (method, path) in &documented {
        let operation = &document["paths"][path][method];
        let public = path == "/api/v1/deadline"
            || path.ends_with("openapi.json")
            || path.ends_with("/problems")
            || path.ends_with("/exemptions")
            || (method == "get"
                && [
                    "/api/v1/scorecard",
                    "/api/v1/indicators",
                    "/api/v1/indicators/{indicator}",
                ]
                .contains(&path.as_str()));
        let expected = if public {
            serde_json::json!([])
        } else {
            serde_json::json!([{"bearer": []}])
        };
        assert_eq!(operation["security"], expected, "{method} {path}");
        assert_eq!(
            !operation["responses"]["401"].is_null(),
            !public,
            "{method} {path} documents 401"
        );
    }
}

/// What a generated client needs of every JSON body: the fields it must send (`required`),
/// closed sets as enums, dates as dates, no field it may invent, and no `default` that a
/// generator would read as "always present".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_json_body_is_typed_for_a_generated_client() {
    let app = TestApp::start(Backend::Sqlite, TODAY).await.unwrap();
    let document = app.get_json("/api/v1/openapi.json").await;
    let schemas = &document["components"]["schemas"];
    let mut bodies = BTreeSet::new();
    for (path, operations) in document["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            let Some(schema) = operation["requestBody"]["content"]["application/json"]["schema"].as_object()
            else {
                continue;
            };
            let reference = schema
                .get("$ref")
                .or_else(|| schema.get("items").and_then(|i| i.get("$ref")));
            let name = reference
                .and_then(|r| r.as_str())
                .and_then(|r| r.rsplit('/').next());
            let name = name.unwrap_or_else(|| panic!("{method} {path}: its body is a named schema"));
            bodies.insert(name.to_string());
        }
    }
    bodies.insert("CalculatorEvent".into());
    assert!(bodies.len() >= 12, "{bodies:?}");
    for name in &bodies {
        let schema = &schemas[name.as_str()];
        assert_eq!(
            schema["additionalProperties"], false,
            "{name} admits no other field"
        );
        assert!(
            !schema["required"].as_array().unwrap_or(&Vec::new()).is_empty(),
            "{name} says what is required"
        );
        for (field, property) in schema["properties"].as_object().unwrap() {
            assert!(property.get("default").is_none(), "{name}.{field} has no default");
            // A letter's `to` is an address; a link's is the last day of its period.
            let date = [
                "period_start",
                "period_end",
                "from",
                "received",
                "date",
                "extended_to",
            ]
            .contains(&field.as_str())
                || field.ends_with("_on")
                || (name.starts_with("LinkInput") && field == "to");
            if date {
                assert_eq!(property["format"], "date", "{name}.{field} is a date");
            }
        }
    }
    // Closed sets are enums, by reference or inline.
    let event = &schemas["EventInput"]["properties"];
    assert_eq!(event["kind"]["$ref"], "#/components/schemas/EventKind");
    assert!(schemas["EventKind"]["enum"]
        .as_array()
        .unwrap()
        .contains(&"acknowledged".into()));
    assert_eq!(
        event["outcome"]["oneOf"][0]["$ref"],
        "#/components/schemas/EventOutcome"
    );
    assert!(schemas["EventOutcome"]["enum"]
        .as_array()
        .unwrap()
        .contains(&"partly_overturned".into()));
    assert_eq!(event["grounds"]["items"]["$ref"], "#/components/schemas/GroundId");
    assert!(schemas["GroundId"]["enum"]
        .as_array()
        .unwrap()
        .contains(&"foia-s40-2".into()));
    assert_eq!(
        schemas["FigureInput"]["properties"]["definition_match"]["$ref"],
        "#/components/schemas/DefinitionMatch"
    );
    assert_eq!(
        schemas["ImportInput"]["properties"]["first_row"]["type"],
        "integer"
    );
}

/// Every operation that takes or gives JSON shows an example of it, recorded from the server
/// (`clients/record_examples.py`), and each example is valid against the schema it illustrates.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_example_is_valid_against_its_schema() {
    use crate::support::contract::schema_errors;
    let app = TestApp::start(Backend::Sqlite, TODAY).await.unwrap();
    let document = app.get_json("/api/v1/openapi.json").await;
    let mut shown = 0;
    let mut faults = Vec::new();
    for (path, operations) in document["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            if path.ends_with("openapi.json") {
                continue;
            }
            let mut places = Vec::new();
            for (kind, content) in operation["requestBody"]["content"]
                .as_object()
                .into_iter()
                .flatten()
            {
                if kind.contains("json") {
                    places.push((format!("{method} {path} body"), content));
                }
            }
            for (status, response) in operation["responses"].as_object().unwrap() {
                if let (true, Some(content)) = (
                    status.starts_with('2'),
                    response["content"].get("application/json"),
                ) {
                    places.push((format!("{method} {path} {status}"), content));
                }
            }
            for (place, content) in places {
                match content.get("example") {
                    None => faults.push(format!("{place}: no example")),
                    Some(example) => {
                        shown += 1;
                        for fault in schema_errors(&format!("example {place}"), &content["schema"], example) {
                            faults.push(format!("{place}: {fault}"));
                        }
                    }
                }
            }
        }
    }
    assert!(faults.is_empty(), "{}", faults.join("\n"));
    assert!(shown >= 45, "examples checked: {shown}");

    // The check fails on an example that breaks its schema.
    let create = &document["paths"]["/api/v1/requests"]["post"]["requestBody"]["content"]["application/json"];
    let mut broken = create["example"].clone();
    broken["sent_on"] = serde_json::json!("1 May 2026");
    assert!(!schema_errors("broken example", &create["schema"], &broken).is_empty());
}

/// Who is calling is checked before the body is read: a body that would be refused (a NUL in
/// a string, or not JSON at all) sent with no token, or a wrong one, to any operation that
/// needs a token is a 401, so nobody learns what the API would make of a body without signing
/// in, and no body is read for them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_without_a_token_is_refused_before_the_body_is_read() {
    let app = TestApp::start(Backend::Sqlite, TODAY).await.unwrap();
    let document = app.get_json("/api/v1/openapi.json").await;
    let anonymous = reqwest::Client::new();
    let mut checked = 0;
    for (path, operations) in document["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            let content = &operation["requestBody"]["content"];
            let Some(media) = content
                .as_object()
                .and_then(|c| c.keys().find(|k| k.contains("json")))
            else {
                continue;
            };
            if operation["responses"]["401"].is_null() {
                continue;
            }
            // Every path parameter is a number or a short name; 1 is either.
            let concrete = path
                .split('/')
                .map(|part| if part.starts_with('{') { "1" } else { part })
                .collect::<Vec<_>>()
                .join("/");
            let method: reqwest::Method = method.to_uppercase().parse().unwrap();
            for (token, body) in [
                (None, "{\"title\": \"a\\u0000b\"}"),
                (None, "not json"),
                (Some("Bearer foi_wrong"), "{\"title\": \"a\\u0000b\"}"),
            ] {
                let mut request = anonymous
                    .request(method.clone(), format!("{}{concrete}", app.address))
                    .header("Content-Type", media.as_str())
                    .body(body);
                if let Some(token) = token {
                    request = request.header("Authorization", token);
                }
                let response = request.send().await.unwrap();
                assert_eq!(
                    response.status().as_u16(),
                    401,
                    "{method} {path} with {token:?} and {body}: {}",
                    response.text().await.unwrap()
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 15, "only {checked} operations take a JSON body");
}
