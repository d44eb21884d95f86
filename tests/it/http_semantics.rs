//! HTTP as its RFCs say: a JSON body is one value and nothing after it; PUT replaces the whole
//! resource, so a field left out is refused rather than cleared; HEAD answers as GET without
//! the body; PATCH is a JSON merge patch; nothing but the public static files may be stored by
//! a browser or a cache.

use crate::support::{browser, problem, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn sent_request(app: &TestApp) -> (i64, Value) {
    let home_office = app.authority("Home Office").await;
    let owner = app.get_json("/api/v1/requests").await;
    let _ = owner;
    let body = json!({
        "title": "Detention", "body": "Please provide…", "authority_id": home_office,
        "regime": "foia", "sent_via": "email", "sent_on": "2026-05-01", "received_on": null,
        "reference": "FOI-1", "tags": ["detention", "adults"],
    });
    let created = app.create_request(body.clone()).await;
    let mut whole = body;
    whole["owner_id"] = created["owner_id"].clone();
    (created["id"].as_i64().unwrap(), whole)
}

on_both_backends! {
    async fn bytes_after_the_json_value_are_refused(app) {
        let home_office = app.authority("Home Office").await;
        let before = app.snapshot();
        for trailing in [" x", "{}", " {\"title\": \"Two\"}", "\u{0}", "]"] {
            let body = format!("{{\"title\": \"One\", \"body\": \"B\", \"authority_id\": {home_office}}}{trailing}");
            let response = app
                .request(Method::POST, "/api/v1/requests")
                .header("content-type", "application/json")
                .body(body.clone())
                .send()
                .await
                .unwrap();
            let (status, _, answer) = problem(response).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
            assert!(answer["detail"].as_str().unwrap().contains("trailing characters"), "{answer}");
        }
        // White space after the value is no value.
        let response = app
            .request(Method::POST, "/api/v1/requests")
            .header("content-type", "application/json")
            .body(format!("{{\"title\": \"One\", \"body\": \"B\", \"authority_id\": {home_office}}} \r\n"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        let mut after = app.snapshot();
        let _ = &mut after;
        assert_ne!(after, before);
    }

    async fn a_put_that_leaves_a_field_out_is_refused(app) {
        let (id, whole) = sent_request(&app).await;
        let path = format!("/api/v1/requests/{id}");
        let kept = app.get_json(&path).await;
        assert_eq!(kept["tags"], json!(["adults", "detention"]), "{kept}");
        for field in ["owner_id", "tags", "reference", "regime", "title"] {
            let mut body = whole.clone();
            body.as_object_mut().unwrap().remove(field);
            let before = app.snapshot();
            let (status, fields, answer) = problem(app.put_json(&path, &body).await).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {answer}");
            assert_eq!(fields, [field], "{answer}");
            assert!(answer["errors"][0]["message"].as_str().unwrap().contains("PUT replaces the whole"), "{answer}");
            assert_eq!(app.snapshot(), before, "without {field} nothing changes");
        }
        // Several left out: each is named.
        let (_, fields, _) = problem(app.put_json(&path, &json!({"title": "T"})).await).await;
        assert!(fields.contains(&"owner_id".to_string()) && fields.contains(&"tags".to_string()), "{fields:?}");
        // The whole representation is accepted, and null or [] clear on purpose.
        let mut body = whole.clone();
        body["title"] = json!("Detention, 2025");
        let response = app.put_json(&path, &body).await;
        assert_eq!(response.status(), StatusCode::OK);
        let read = app.get_json(&path).await;
        assert_eq!(read["title"], "Detention, 2025");
        assert_eq!(read["tags"], json!(["adults", "detention"]), "tags kept");
        assert_eq!(read["owner_id"], whole["owner_id"], "owner kept");
        body["tags"] = json!([]);
        body["reference"] = Value::Null;
        assert_eq!(app.put_json(&path, &body).await.status(), StatusCode::OK);
        let read = app.get_json(&path).await;
        assert_eq!(read["tags"], json!([]));

        // Authorities and a request's indicators are replaced whole too.
        let admin = app.admin().await;
        let ukvi = app.authority("Home Office: UK Visas and Immigration").await;
        let (status, fields, _) = problem(
            admin.put_json(&format!("/api/v1/authorities/{ukvi}"), &json!({"name": "UKVI", "short_name": "UKVI", "default_regime": "foia", "nation": "uk"})).await,
        ).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(fields, ["foi_email", "website"]);
        let (status, fields, _) = problem(
            app.put_json(&format!("/api/v1/requests/{id}/indicators"), &json!([{"indicator_id": "D1.1", "from": "2025-01-01"}])).await,
        ).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(fields, ["indicators[0].to"]);
    }

    async fn head_answers_as_get_without_the_body(app) {
        let anonymous = browser();
        for (who, path) in [
            (&app.client, "/requests"),
            (&anonymous, "/scorecard"),
            (&anonymous, "/static/app.css"),
            (&anonymous, "/open-data/figures.csv"),
            (&anonymous, "/api/v1/indicators"),
        ] {
            let get = who.get(app.url(path)).send().await.unwrap();
            let head = who.head(app.url(path)).send().await.unwrap();
            assert_eq!(head.status(), get.status(), "HEAD {path}");
            assert_eq!(head.status(), StatusCode::OK, "HEAD {path}");
            for header in ["content-type", "cache-control", "content-security-policy"] {
                assert_eq!(head.headers().get(header), get.headers().get(header), "{header} of HEAD {path}");
            }
            let length = get.bytes().await.unwrap().len();
            let declared = head.headers().get("content-length").map(|v| v.to_str().unwrap().parse::<usize>().unwrap());
            assert_eq!(declared, Some(length), "HEAD {path} declares the body GET sends");
            assert!(head.bytes().await.unwrap().is_empty(), "HEAD {path} sends no body");
        }
        // With the API token, as GET.
        let head = app.request(Method::HEAD, "/api/v1/requests").send().await.unwrap();
        assert_eq!(head.status(), StatusCode::OK);
        assert_eq!(head.headers()["content-type"], "application/json");
        // HEAD of what does not exist, or of what the caller may not see, is answered as GET is.
        let head = anonymous.head(app.url("/api/v1/requests")).send().await.unwrap();
        assert_eq!(head.status(), StatusCode::UNAUTHORIZED);
        let head = anonymous.head(app.url("/nothing-here")).send().await.unwrap();
        assert_eq!(head.status(), StatusCode::NOT_FOUND);
        // HEAD changes nothing: a POST route is not reached by it.
        let before = app.snapshot();
        let head = app.client.head(app.url("/sign-out")).send().await.unwrap();
        assert_ne!(head.status(), StatusCode::SEE_OTHER);
        assert_eq!(app.snapshot(), before);
    }

    async fn nothing_but_static_files_may_be_stored(app) {
        let (id, _) = sent_request(&app).await;
        let anonymous = browser();
        let admin = app.admin().await;
        let pages = [
            (&app.client, "/".to_string()),
            (&app.client, format!("/requests/{id}")),
            (&app.client, "/requests".to_string()),
            (&app.client, "/account".to_string()),
            (&admin.client, "/audit".to_string()),
            (&admin.client, "/audit.csv".to_string()),
            (&app.client, "/history".to_string()),
            (&anonymous, "/scorecard".to_string()),
            (&anonymous, "/open-data".to_string()),
            (&anonymous, "/open-data/figures.csv".to_string()),
            (&anonymous, "/sign-in".to_string()),
            (&anonymous, "/nothing-here".to_string()),
        ];
        for (who, path) in pages {
            let response = who.get(app.url(&path)).send().await.unwrap();
            assert!(response.status().is_success() || response.status() == StatusCode::NOT_FOUND, "{path}: {}", response.status());
            assert_eq!(response.headers().get("cache-control").map(|v| v.to_str().unwrap()), Some("no-store"), "{path}");
        }
        for path in [format!("/api/v1/requests/{id}"), "/api/v1/requests".into(), "/api/v1/requests/999999".into()] {
            let response = app.get(&path).await;
            assert_eq!(response.headers()["cache-control"], "no-store", "{path}");
        }
        let response = anonymous.get(app.url("/api/v1/scorecard")).send().await.unwrap();
        assert_eq!(response.headers()["cache-control"], "no-store");
        // A refused input too: its answer may quote what was sent.
        let response = app.get("/api/v1/requests?tag=%00").await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(response.headers()["cache-control"], "no-store");
        // The stylesheet is the same for everyone.
        let response = anonymous.get(app.url("/static/app.css")).send().await.unwrap();
        assert_eq!(response.headers()["cache-control"], "public, max-age=3600");
    }

    async fn a_field_the_operation_does_not_name_is_refused_by_its_name(app) {
        let home_office = app.authority("Home Office").await;
        let before = app.snapshot();
        // A misspelt `sent_on` would otherwise make a draft without a word.
        let body = json!({"title": "Detention", "body": "B", "authority_id": home_office, "sent_om": "2026-05-01"});
        let (status, fields, answer) = problem(app.post_json("/api/v1/requests", &body).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(fields, ["sent_om"], "{answer}");
        assert_eq!(answer["type"], "/api/v1/problems#invalid", "{answer}");
        assert_eq!(app.snapshot(), before, "nothing written");
        // Nested too, and in an event's body.
        let (id, _) = sent_request(&app).await;
        let before = app.snapshot();
        let event = json!({"kind": "acknowledged", "occurred_on": "2026-05-02", "acknowleged": true});
        let (status, fields, answer) = problem(app.post_json(&format!("/api/v1/requests/{id}/events"), &event).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(fields, ["acknowleged"], "{answer}");
        assert_eq!(app.snapshot(), before);
        // A required field left out is named too, not read as false.
        let (status, fields, answer) = problem(app.post_json(&format!("/api/v1/requests/{id}/repeat"), &json!({})).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(fields, ["repeats"], "{answer}");
        assert!(answer["errors"][0]["message"].as_str().unwrap().contains("required"), "{answer}");
    }

    async fn a_value_of_the_wrong_type_is_named_in_plain_words(app) {
        let before = app.snapshot();
        let body = json!({"title": "Detention", "body": "B", "authority_id": "the Home Office"});
        let (status, fields, answer) = problem(app.post_json("/api/v1/requests", &body).await).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{answer}");
        assert_eq!(fields, ["authority_id"], "{answer}");
        let message = answer["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("must be a whole number"), "{message}");
        assert!(!message.contains("i32") && !message.contains("column"), "no parser internals: {message}");
        assert_eq!(app.snapshot(), before);
    }

    async fn a_wrong_method_is_405_with_the_methods_allowed(app) {
        let before = app.snapshot();
        let response = app.request(Method::DELETE, "/api/v1/authorities").send().await.unwrap();
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(response.headers()["allow"], "GET, HEAD, POST");
        let (_, _, answer) = problem(response).await;
        assert_eq!(answer["type"], "/api/v1/problems#wrong-method", "{answer}");
        assert!(answer["detail"].as_str().unwrap().contains("GET, HEAD, POST"), "{answer}");
        // A path with an id, and a page.
        let response = app.request(Method::POST, "/api/v1/requests/1").send().await.unwrap();
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(response.headers()["allow"], "GET, HEAD, PUT, PATCH");
        let response = app.request(Method::PUT, "/figures").send().await.unwrap();
        assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(response.headers()["allow"], "GET, HEAD, POST");
        assert!(response.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
        assert_eq!(app.snapshot(), before);
        // A path nothing serves is still 404.
        let response = app.request(Method::DELETE, "/api/v1/nothing").send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NOT_FOUND);
        let (_, _, answer) = problem(response).await;
        assert_eq!(answer["type"], "/api/v1/problems#not-found", "{answer}");
    }

    async fn every_problem_type_is_explained_where_it_points(app) {
        let anonymous = browser();
        let page = anonymous.get(app.url("/api/v1/problems")).send().await.unwrap();
        assert_eq!(page.status(), StatusCode::OK);
        let page = page.text().await.unwrap();
        let unauthenticated = anonymous.get(app.url("/api/v1/requests")).send().await.unwrap();
        let (status, _, answer) = problem(unauthenticated).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        for kind in ["invalid", "unreadable", "unauthenticated", "forbidden", "not-found", "wrong-method", "conflict", "too-large", "throttled", "internal", "unavailable"] {
            assert!(page.contains(&format!("id=\"{kind}\"")), "{kind} explained");
        }
        let anchor = answer["type"].as_str().unwrap().strip_prefix("/api/v1/problems#").unwrap();
        assert_eq!(anchor, "unauthenticated");
        assert!(page.contains("send <code>Authorization: Bearer &lt;token&gt;</code>"), "{page}");
    }

    async fn a_change_made_on_a_stale_version_is_refused_with_412(app) {
        let (id, whole) = sent_request(&app).await;
        let path = format!("/api/v1/requests/{id}");
        let read = app.get(&path).await;
        let first = read.headers()["etag"].to_str().unwrap().to_string();
        assert!(first.starts_with('"') && first.ends_with('"'), "a strong tag: {first}");
        // The first coordinator's change applies, and the request has a new version.
        let mut mine = whole.clone();
        mine["title"] = json!("Detention, mine");
        let response = app.request(Method::PUT, &path).header("if-match", &first).json(&mine).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let second = response.headers()["etag"].to_str().unwrap().to_string();
        assert_ne!(second, first);
        assert_eq!(app.get(&path).await.headers()["etag"].to_str().unwrap(), second);
        // The second, made on what they read before it, is refused and changes nothing.
        let before = app.snapshot();
        let mut theirs = whole.clone();
        theirs["title"] = json!("Detention, theirs");
        let response = app.request(Method::PUT, &path).header("if-match", &first).json(&theirs).send().await.unwrap();
        let (status, _, answer) = problem(response).await;
        assert_eq!(status, StatusCode::PRECONDITION_FAILED, "{answer}");
        assert_eq!(answer["type"], "/api/v1/problems#stale");
        assert_eq!(app.snapshot(), before, "nothing written");
        assert_eq!(app.get_json(&path).await["title"], "Detention, mine");
        // A weak tag never matches; `*`, or no condition, applies to whatever is there.
        let weak = format!("W/{second}");
        let response = app.request(Method::PUT, &path).header("if-match", weak).json(&theirs).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::PRECONDITION_FAILED);
        let response = app.request(Method::PUT, &path).header("if-match", "*").json(&theirs).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(app.put_json(&path, &whole).await.status(), StatusCode::OK);

        // An authority likewise.
        let admin = app.admin().await;
        let authority = app.authority("Home Office").await;
        let path = format!("/api/v1/authorities/{authority}");
        let read = admin.get(&path).await;
        let tag = read.headers()["etag"].to_str().unwrap().to_string();
        let mut body: Value = read.json().await.unwrap();
        body.as_object_mut().unwrap().remove("id");
        body["short_name"] = json!("HOME");
        let response = admin.request(Method::PUT, &path).header("if-match", &tag).json(&body).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        body["short_name"] = json!("HO2");
        let response = admin.request(Method::PUT, &path).header("if-match", &tag).json(&body).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::PRECONDITION_FAILED);
        assert_eq!(admin.get_json(&path).await["short_name"], "HOME");

        // An indicator: its read gives its version; a change on an older one, or on one that
        // does not exist, is refused.
        let read = app.get("/api/v1/indicators/D1.1").await;
        let tag = read.headers()["etag"].to_str().unwrap().to_string();
        let indicator = read.json::<Value>().await.unwrap()["indicator"].clone();
        let mut body = json!({});
        for field in ["id", "demand_id", "wording", "unit", "granularity", "breakdowns", "definition", "official_source"] {
            body[field] = indicator[field].clone();
        }
        body["unit"] = json!("people detained");
        let response = admin.request(Method::POST, "/api/v1/indicators").header("if-match", &tag).json(&body).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let changed = response.headers()["etag"].to_str().unwrap().to_string();
        assert_ne!(changed, tag);
        assert_eq!(app.get("/api/v1/indicators/D1.1").await.headers()["etag"].to_str().unwrap(), changed);
        body["unit"] = json!("people");
        let response = admin.request(Method::POST, "/api/v1/indicators").header("if-match", &tag).json(&body).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::PRECONDITION_FAILED);
        assert_eq!(app.get_json("/api/v1/indicators/D1.1").await["indicator"]["unit"], "people detained");
        body["id"] = json!("D1.77");
        let response = admin.request(Method::POST, "/api/v1/indicators").header("if-match", &tag).json(&body).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::PRECONDITION_FAILED, "no version of D1.77 was read");
        let response = admin.request(Method::POST, "/api/v1/indicators").header("if-match", "*").json(&body).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::PRECONDITION_FAILED, "`*` asks for one that exists");
        assert_eq!(app.get("/api/v1/indicators/D1.77").await.status(), StatusCode::NOT_FOUND);

        // What a request asks for is part of the request: its version covers it.
        let path = format!("/api/v1/requests/{id}");
        let tag = app.get(&path).await.headers()["etag"].to_str().unwrap().to_string();
        let asks = json!([{"indicator_id": "D1.1", "from": "2025-01-01", "to": "2025-12-31"}]);
        let response = app.request(Method::PUT, &format!("{path}/indicators")).header("if-match", &tag).json(&asks).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let changed = response.headers()["etag"].to_str().unwrap().to_string();
        assert_ne!(changed, tag, "the request's version moved on");
        assert_eq!(app.get(&path).await.headers()["etag"].to_str().unwrap(), changed);
        let response = app.request(Method::PUT, &format!("{path}/indicators")).header("if-match", &tag).json(&json!([])).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::PRECONDITION_FAILED);
        assert_eq!(app.get_json(&path).await["indicators"].as_array().unwrap().len(), 1, "nothing written");
    }

    async fn patch_changes_only_the_fields_it_sends(app) {
        let (id, _) = sent_request(&app).await;
        let path = format!("/api/v1/requests/{id}");
        let merge = |body: &str| {
            app.request(Method::PATCH, &path)
                .header("content-type", "application/merge-patch+json")
                .body(body.to_string())
        };
        let read = app.get(&path).await;
        let first = read.headers()["etag"].to_str().unwrap().to_string();
        let before: Value = read.json().await.unwrap();

        // One field changed, one cleared; the rest as they were.
        let response = merge(r#"{"reference": "FOI 52658", "tags": ["detention"]}"#).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let tag = response.headers()["etag"].to_str().unwrap().to_string();
        assert_ne!(tag, first, "a new version");
        let after: Value = response.json().await.unwrap();
        assert_eq!(after["reference"], "FOI 52658");
        assert_eq!(after["tags"], json!(["detention"]));
        for kept in ["title", "body", "authority", "regime", "sent_via", "sent_on", "owner_id", "status", "schedule"] {
            assert_eq!(after[kept], before[kept], "{kept} kept");
        }
        let response = merge(r#"{"reference": null}"#).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(app.get_json(&path).await["reference"], Value::Null, "null clears it");

        // Refused, each by name, and nothing written.
        let before = app.snapshot();
        for (body, field) in [
            (r#"{"sent_om": "2026-05-02"}"#, "sent_om"),
            (r#"{"sent_om": null}"#, "sent_om"),
            (r#"{"title": null}"#, "title"),
            (r#"{"authority_id": "Home Office"}"#, "authority_id"),
            (r#"{"sent_on": "2026-06-31"}"#, "sent_on"),
            ("[]", "body"),
        ] {
            let (status, fields, answer) = problem(merge(body).send().await.unwrap()).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {answer}");
            assert!(fields.contains(&field.to_string()), "{body} names {field}: {answer}");
        }
        // Made on a version read before the last change: 412.
        let (status, _, answer) =
            problem(merge(r#"{"title": "Stale"}"#).header("if-match", &first).send().await.unwrap()).await;
        assert_eq!(status, StatusCode::PRECONDITION_FAILED, "{answer}");
        assert_eq!(app.snapshot(), before, "nothing written");

        // With the current version it applies.
        let current = app.get(&path).await.headers()["etag"].to_str().unwrap().to_string();
        let response = merge(r#"{"title": "Detention of victims"}"#).header("if-match", &current).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(app.get_json(&path).await["title"], "Detention of victims");
        assert_eq!(app.get_json("/api/v1/openapi.json").await["paths"]["/api/v1/requests/{id}"]["patch"]["requestBody"]["content"]["application/merge-patch+json"]["schema"]["$ref"], "#/components/schemas/RequestInputPatch");
    }
}
