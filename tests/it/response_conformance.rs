//! Every API answer of every test is held to the OpenAPI document by the relay in
//! `support::contract`, which fails a test whose app answered otherwise than documented. These
//! tests show that the relay sees the answers, and that its check fails on each kind of
//! departure a generated client would trip over.

use crate::support::contract::{check, Exchange};
use reqwest::StatusCode;
use serde_json::{json, Value};

fn answer(method: &str, target: &str, status: u16, content_type: &str, body: &Value) -> Exchange {
    Exchange {
        method: method.into(),
        target: target.into(),
        status,
        headers: vec![("content-type".into(), content_type.into())],
        body: serde_json::to_vec(body).unwrap(),
    }
}

/// A request as `GET /api/v1/requests/{id}` describes it, from the live server.
async fn a_request(app: &crate::support::TestApp) -> Value {
    let authority = app.authority("Home Office").await;
    let created = app
        .post_json(
            "/api/v1/requests",
            &json!({"title": "Detention", "body": "B", "authority_id": authority, "sent_on": "2026-05-01"}),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let id = created.json::<Value>().await.unwrap()["id"].as_i64().unwrap();
    app.get_json(&format!("/api/v1/requests/{id}")).await
}

on_both_backends! {
    async fn the_relay_checks_each_answer_of_the_api(app) {
        let request = a_request(&app).await;
        let id = request["id"].as_i64().unwrap();
        app.get(&format!("/api/v1/requests/{id}/events")).await;
        app.get("/api/v1/scorecard").await;
        let refused = app.post_json("/api/v1/requests", &json!({"title": ""})).await;
        assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
        app.get("/requests").await;

        let checked = app.contract().checked();
        let seen: Vec<(String, String, u16)> = checked
            .iter()
            .map(|(e, _)| (e.method.clone(), e.target.clone(), e.status))
            .collect();
        for expected in [
            ("POST", "/api/v1/requests".to_string(), 201),
            ("GET", format!("/api/v1/requests/{id}"), 200),
            ("GET", format!("/api/v1/requests/{id}/events"), 200),
            ("GET", "/api/v1/scorecard".to_string(), 200),
            ("POST", "/api/v1/requests".to_string(), 422),
        ] {
            let expected = (expected.0.to_string(), expected.1, expected.2);
            assert!(seen.contains(&expected), "the relay saw {expected:?} among {seen:?}");
        }
        assert!(!seen.iter().any(|(_, target, _)| target == "/requests"), "pages are not API answers");
        let failed: Vec<&String> = checked.iter().filter_map(|(_, v)| v.as_ref().err()).collect();
        assert!(failed.is_empty(), "{failed:?}");

        // The same answer, as a server that broke the document would give it.
        let target = format!("/api/v1/requests/{id}");
        let (read, _) = checked.iter().find(|(e, _)| e.method == "GET" && e.target == target).unwrap();
        let with = |body: &Value| Exchange { body: serde_json::to_vec(body).unwrap(), ..read.clone() };
        assert!(check(&with(&request)).is_ok());
        let mut without_etag = with(&request);
        without_etag.headers.retain(|(name, _)| name != "etag");
        let verdict = check(&without_etag).unwrap_err();
        assert!(verdict.contains("ETag"), "{verdict}");

        // Formats are checked, not only types.
        let mut loose_date = request.clone();
        loose_date["sent_on"] = json!("2026-05-01T00:00:00");
        let verdict = check(&with(&loose_date)).unwrap_err();
        assert!(verdict.contains("/sent_on"), "{verdict}");

        let mut stringly = request.clone();
        stringly["authority"]["id"] = json!(stringly["authority"]["id"].to_string());
        let verdict = check(&with(&stringly)).unwrap_err();
        assert!(verdict.contains("/authority/id"), "{verdict}");

        let mut unknown_state = request.clone();
        unknown_state["status"] = json!("lost in the post");
        assert!(check(&with(&unknown_state)).is_err());

        let verdict = check(&answer("GET", &target, 409, "application/problem+json", &json!({"title": "x"}))).unwrap_err();
        assert!(verdict.contains("no 409"), "{verdict}");

        let mut page = with(&json!("<p>"));
        page.headers.retain(|(name, _)| name != "content-type");
        page.headers.push(("content-type".into(), "text/html; charset=utf-8".into()));
        let verdict = check(&page).unwrap_err();
        assert!(verdict.contains("text/html"), "{verdict}");

        let verdict = check(&answer("PATCH", "/api/v1/scorecard", 200, "application/json", &json!({}))).unwrap_err();
        assert!(verdict.contains("not an operation"), "{verdict}");
        assert!(check(&answer("PATCH", "/api/v1/scorecard", 405, "application/problem+json", &json!({}))).is_ok());

        let mut created = answer("POST", "/api/v1/requests", 201, "application/json", &request);
        let verdict = check(&created).unwrap_err();
        assert!(verdict.contains("Location"), "a 201 without the Location it documents: {verdict}");
        created.headers.push(("location".into(), target.clone()));
        assert!(check(&created).is_ok());
    }
}
