//! Bad input never gives a 500 and never changes the database: the API answers problem+json
//! naming the field, forms show the message beside the field. On both backends.

use crate::support::{problem, refused_to, TestApp};
use reqwest::StatusCode;
use serde_json::{json, Value};

/// A request to the API by the default user that must be refused with `status`, naming
/// `field`, changing nothing.
async fn refused(
    app: &TestApp,
    method: &str,
    path: &str,
    body: Option<Value>,
    status: StatusCode,
    field: Option<&str>,
) {
    refused_to(app, &app.session, method, path, body, status, field).await;
}

/// A request body with one field replaced.
fn with(base: &Value, field: &str, value: Value) -> Value {
    let mut body = base.clone();
    body[field] = value;
    body
}

/// A request's body as a PUT sends it: every field (PUT replaces the whole request).
fn whole(body: &Value) -> Value {
    let mut body = body.clone();
    for field in ["regime", "sent_via", "reference", "owner_id"] {
        if body.get(field).is_none() {
            body[field] = Value::Null;
        }
    }
    if body.get("tags").is_none() {
        body["tags"] = json!([]);
    }
    body
}

async fn sent_request(app: &TestApp) -> (i64, Value) {
    let home_office = app.authority("Home Office").await;
    let body = json!({"title": "Detention", "body": "Please provide…", "authority_id": home_office, "sent_on": "2026-05-01"});
    let id = app.create_request(body.clone()).await["id"].as_i64().unwrap();
    (id, body)
}

on_both_backends! {
    async fn request_fields_are_checked(app) {
        let before = app.snapshot();
        let (_, good) = sent_request(&app).await;
        assert_ne!(app.snapshot(), before, "the snapshot sees a change when there is one");
        let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
        let cases: Vec<(Value, &str)> = vec![
            (with(&good, "title", json!("")), "title"),
            (with(&good, "title", json!("   ")), "title"),
            (with(&good, "title", json!("x".repeat(201))), "title"),
            (with(&good, "title", json!("\u{0000}")), "title"),
            (with(&good, "body", json!("a\u{0000}b")), "body"),
            (with(&good, "body", json!("")), "body"),
            (with(&good, "authority_id", Value::Null), "authority_id"),
            (with(&good, "authority_id", json!(999_999)), "authority_id"),
            (with(&good, "authority_id", json!("one")), "authority_id"),
            (with(&good, "regime", json!("foi")), "regime"),
            (with(&good, "sent_via", json!("pigeon")), "sent_via"),
            (with(&good, "sent_on", json!("2026-13-01")), "sent_on"),
            (with(&good, "sent_on", json!("01/05/2026")), "sent_on"),
            (with(&good, "sent_on", json!("2026-06-02")), "sent_on"),
            (with(&good, "received_on", json!("2026-04-30")), "received_on"),
            (with(&good, "reference", json!("r".repeat(101))), "reference"),
            (with(&good, "tags", json!(["ok", "not/ok"])), "tags"),
            (with(&good, "tags", json!("detention")), "tags"),
            (with(&good, "tags", json!(["t".repeat(41)])), "tags"),
        ];
        for (body, field) in cases {
            refused(&app, "POST", "/api/v1/requests", Some(body), unprocessable, Some(field)).await;
        }
    }

    async fn bodies_that_cannot_be_read(app) {
        let before = app.snapshot();
        let malformed = app
            .request(reqwest::Method::POST, "/api/v1/requests")
            .header("content-type", "application/json")
            .body("{\"title\": ")
            .send()
            .await
            .unwrap();
        let (status, _, answer) = problem(malformed).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{answer}");
        assert!(answer["detail"].as_str().unwrap().contains("not valid JSON"), "{answer}");

        let not_json = app
            .request(reqwest::Method::POST, "/api/v1/requests")
            .body("title=x")
            .send()
            .await
            .unwrap();
        let (status, _, _) = problem(not_json).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);

        let huge = json!({"title": "Huge", "body": "x".repeat(1024 * 1024 + 1), "authority_id": 1});
        let (status, _, answer) = problem(app.post_json("/api/v1/requests", &huge).await).await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{answer}");

        let form = app
            .client
            .post(app.url("/requests"))
            .form(&[("title", "Huge"), ("body", &"x".repeat(1024 * 1024 + 1))])
            .send()
            .await
            .unwrap();
        assert_eq!(form.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(app.snapshot(), before);
    }

    async fn events_are_checked_against_the_timeline(app) {
        let (id, _) = sent_request(&app).await;
        let path = format!("/api/v1/requests/{id}/events");
        let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
        let cases: Vec<(Value, &str)> = vec![
            (json!({"kind": "response", "occurred_on": "2026-04-30"}), "occurred_on"),
            (json!({"kind": "fee_paid", "occurred_on": "2026-05-10"}), "occurred_on"),
            (json!({"kind": "internal_review_response", "occurred_on": "2026-05-10"}), "occurred_on"),
            (json!({"kind": "received", "occurred_on": "2026-05-10"}), "occurred_on"),
            (json!({"kind": "reply", "occurred_on": "2026-05-10"}), "kind"),
            (json!({"kind": "response", "occurred_on": "2026-02-30"}), "occurred_on"),
            (json!({"kind": "response", "occurred_on": "2026-07-01"}), "occurred_on"),
            (json!({"kind": "response", "occurred_on": "2026-05-10", "extended_to": "2026-07-01"}), "extended_to"),
            (json!({"kind": "extension", "occurred_on": "2026-05-10", "extended_to": "2026-05-20"}), "extended_to"),
            (json!({"kind": "response", "occurred_on": "2026-05-10", "details": "d".repeat(10_001)}), "details"),
            (json!({"kind": 7, "occurred_on": "2026-05-10"}), "kind"),
        ];
        for (body, field) in cases {
            refused(&app, "POST", &path, Some(body), unprocessable, Some(field)).await;
        }
    }

    async fn a_sent_request_keeps_its_date_sent(app) {
        let (id, good) = sent_request(&app).await;
        let good = whole(&good);
        let path = format!("/api/v1/requests/{id}");
        let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
        refused(&app, "PUT", &path, Some(with(&good, "sent_on", Value::Null)), unprocessable, Some("sent_on")).await;
        refused(&app, "PUT", &path, Some(with(&good, "sent_on", json!("2026-05-04"))), unprocessable, Some("sent_on")).await;
        refused(&app, "PUT", &path, Some(with(&good, "received_on", json!("2026-05-02"))), unprocessable, Some("received_on")).await;
    }

    async fn unknown_ids_are_404_and_bad_ids_400(app) {
        let (id, good) = sent_request(&app).await;
        let good = whole(&good);
        let not_found = StatusCode::NOT_FOUND;
        refused(&app, "GET", "/api/v1/requests/999999", None, not_found, None).await;
        refused(&app, "PUT", "/api/v1/requests/999999", Some(good.clone()), not_found, None).await;
        refused(&app, "GET", "/api/v1/requests/999999/events", None, not_found, None).await;
        refused(&app, "POST", "/api/v1/requests/999999/events", Some(json!({"kind": "note", "occurred_on": "2026-05-02"})), not_found, None).await;
        refused(&app, "DELETE", "/api/v1/requests/999999/events/last", None, not_found, None).await;
        refused(&app, "GET", "/api/v1/authorities/999999", None, not_found, None).await;
        refused(&app, "GET", "/api/v1/nothing-here", None, not_found, None).await;
        refused(&app, "GET", "/api/v1/requests/abc", None, StatusCode::BAD_REQUEST, Some("id")).await;
        refused(&app, "PUT", "/api/v1/requests/-3", Some(good), StatusCode::BAD_REQUEST, Some("id")).await;
        let page = app.get("/requests/999999").await;
        assert_eq!(page.status(), not_found);
        assert!(page.text().await.unwrap().contains("request 999999 was not found"));
        let _ = id;
    }

    async fn list_filters_are_checked(app) {
        let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
        for (query, field) in [
            ("status=bogus", "status"),
            ("regime=foi", "regime"),
            ("authority_id=x", "authority_id"),
            ("overdue=maybe", "overdue"),
            ("page=0", "page"),
            ("page=two", "page"),
        ] {
            refused(&app, "GET", &format!("/api/v1/requests?{query}"), None, unprocessable, Some(field)).await;
        }
        let page = app.get("/requests?status=bogus").await;
        assert_eq!(page.status(), unprocessable);
        assert!(page.text().await.unwrap().contains("Status must be one of"));
        refused(&app, "GET", "/api/v1/requests?status=draft&status=draft", None, StatusCode::BAD_REQUEST, None).await;
        let page = app.get("/requests?status=draft&status=draft").await;
        assert_eq!(page.status(), StatusCode::BAD_REQUEST);
        assert!(page.text().await.unwrap().contains("The filters could not be read"));
    }

    async fn authorities_are_checked(app) {
        let admin = app.admin().await;
        let good = json!({"name": "Home Office", "short_name": "HO", "foi_email": null, "website": null, "default_regime": "foia", "nation": "uk"});
        refused_to(&app, &admin, "POST", "/api/v1/authorities", Some(good.clone()), StatusCode::CONFLICT, Some("name")).await;
        let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
        for (field, value) in [
            ("foi_email", json!("not an address")),
            ("website", json!("www.example.org")),
            ("nation", json!("mars")),
            ("default_regime", json!("")),
            ("short_name", json!("s".repeat(61))),
        ] {
            let body = with(&with(&good, "name", json!("A new authority")), field, value);
            refused_to(&app, &admin, "POST", "/api/v1/authorities", Some(body), unprocessable, Some(field)).await;
        }
        let ukvi = app.authority("Home Office: UK Visas and Immigration").await;
        refused_to(&app, &admin, "PUT", &format!("/api/v1/authorities/{ukvi}"), Some(good), StatusCode::CONFLICT, Some("name")).await;
    }

    async fn the_calculator_names_its_fields(app) {
        let unprocessable = StatusCode::UNPROCESSABLE_ENTITY;
        refused(&app, "POST", "/api/v1/deadline", Some(json!({"regime": "foi", "received": "2026-01-05"})), unprocessable, Some("regime")).await;
        refused(&app, "POST", "/api/v1/deadline", Some(json!({"regime": "foia", "received": "5 Jan"})), unprocessable, Some("received")).await;
        refused(&app, "POST", "/api/v1/deadline", Some(json!({"regime": "foia", "received": "2026-01-05", "events": [{"kind": "response", "date": "2026-01-01"}]})), unprocessable, Some("occurred_on")).await;
        refused(&app, "POST", "/api/v1/deadline", Some(json!({"regime": "foia", "received": "2026-01-05", "events": [{"kind": "nope", "date": "2026-01-09"}]})), unprocessable, Some("events[0].kind")).await;
    }

    async fn forms_show_each_error_beside_its_field(app) {
        let before = app.snapshot();
        let response = app
            .post_form("/requests", &[("title", ""), ("body", "Text"), ("authority_id", ""), ("sent_on", "2026-02-30")])
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains(r#"<p class="error" id="title-error"><span class="visually-hidden">Error:</span> Title is required</p>"#), "{html}");
        assert!(html.contains(r#"id="title" name="title" type="text" value="" aria-invalid="true" aria-describedby="title-error""#));
        assert!(html.contains(r#"id="authority_id-error">Choose the authority the request goes to</p>"#));
        assert!(html.contains("Date sent must be a real date: February 2026 has 28 days"), "{html}");
        assert!(html.contains(r#"value="Text""#) || html.contains(">Text</textarea>"), "what was typed is kept");
        assert_eq!(app.snapshot(), before);

        let (id, _) = sent_request(&app).await;
        let before = app.snapshot();
        let response = app
            .post_form(&format!("/requests/{id}/events"), &[("kind", "fee_paid"), ("occurred_on", "2026-05-05")])
            .await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = response.text().await.unwrap();
        assert!(html.contains(r#"id="occurred_on-error""#), "{html}");
        assert!(html.contains("no fee was asked for"));
        assert_eq!(app.snapshot(), before);

        let admin = app.admin().await;
        let before = app.snapshot();
        let response = admin
            .post_form("/authorities", &[("name", "Home Office"), ("short_name", "HO"), ("default_regime", "foia"), ("nation", "uk")])
            .await;
        assert_eq!(response.status(), StatusCode::CONFLICT);
        let html = response.text().await.unwrap();
        assert!(html.contains(r#"id="name-error""#) && html.contains("already exists"));
        assert_eq!(app.snapshot(), before);
    }
}
