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
            || (method == "get"
                && [
                    "/api/v1/scorecard",
                    "/api/v1/indicators",
                    "/api/v1/indicators/{indicator}",
                ]
                .contains(&path.as_str()));
        let expected = if public {
            serde_json::json!([{}])
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
