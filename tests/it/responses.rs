//! Recording how a response answered: its outcome, the grounds it cited from the catalogue,
//! the public interest test and a promised date; through the API and the request page, with
//! bad input refused by field and nothing stored. Both backends.

use crate::support;

use crate::support::{problem, TestApp};
use reqwest::StatusCode;
use serde_json::json;

async fn request(app: &TestApp) -> i64 {
    let home_office = app.authority("Home Office").await;
    app.create_request(json!({"title": "Returns of trafficking victims", "body": "B", "authority_id": home_office, "sent_on": "2026-05-01"}))
        .await["id"]
        .as_i64()
        .unwrap()
}

fn responses_stored(app: &TestApp) -> i64 {
    use diesel::prelude::*;
    let mut conn = app.connection();
    foi_tracker::db::schema::responses::table
        .count()
        .get_result(&mut conn)
        .unwrap()
}

on_both_backends! {
    async fn a_refusal_is_recorded_with_its_grounds_through_the_api(app) {
        let id = request(&app).await;
        let response = app
            .post_json(&format!("/api/v1/requests/{id}/events"), &json!({
                "kind": "response", "occurred_on": "2026-05-28",
                "details": "Refused: immigration control and personal data",
                "outcome": "refused", "grounds": ["foia-s31-1-e", "foia-s40-2"],
                "public_interest_test": true, "promised_on": "2026-09-30",
            }))
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let change: serde_json::Value = response.json().await.unwrap();
        assert_eq!(change["event"]["response"], json!({
            "outcome": "refused", "grounds": ["foia-s31-1-e", "foia-s40-2"],
            "citations": ["FOIA s.31(1)(e)", "FOIA s.40(2)"],
            "public_interest_test": true, "promised_on": "2026-09-30",
        }));
        let events = app.get_json(&format!("/api/v1/requests/{id}/events")).await;
        let recorded = events.as_array().unwrap().iter().find(|e| e["kind"] == "response").unwrap();
        assert_eq!(recorded["response"]["citations"], json!(["FOIA s.31(1)(e)", "FOIA s.40(2)"]));
        assert!(events.as_array().unwrap().iter().filter(|e| e["kind"] != "response").all(|e| e.get("response").is_none()));

        let page = app.text(&format!("/requests/{id}")).await;
        assert!(page.contains("<span class=\"outcome\">Refused</span>, citing FOIA s.31(1)(e), FOIA s.40(2) (public interest test applied); promised <time datetime=\"2026-09-30\">"), "{page}");

        let admin = app.admin().await;
        let trail = admin.text("/audit?entity=event&action=create").await;
        assert!(trail.contains("foia-s31-1-e"), "the grounds are in the audit trail");

        // Taking the event back takes its response with it.
        app.delete(&format!("/api/v1/requests/{id}/events/last")).await;
        assert_eq!(responses_stored(&app), 0);
    }

    async fn bad_responses_are_refused_by_field_and_store_nothing(app) {
        let id = request(&app).await;
        let before = app.snapshot();
        let cases = [
            (json!({"kind": "response", "occurred_on": "2026-05-28", "outcome": "refused", "grounds": ["eir-r12-5-a"]}), "grounds", "EIR reg 12(5)(a) is not a ground under FOIA"),
            (json!({"kind": "response", "occurred_on": "2026-05-28", "outcome": "refused"}), "grounds", "Name the grounds the authority cited for \"Refused\""),
            (json!({"kind": "response", "occurred_on": "2026-05-28", "outcome": "lost"}), "outcome", "Outcome must be one of granted, partly_granted"),
            (json!({"kind": "note", "occurred_on": "2026-05-28", "outcome": "granted"}), "outcome", "A note has no outcome: only a response or a decision has one"),
            (json!({"kind": "response", "occurred_on": "2026-05-28", "grounds": ["foia-s40-2"]}), "outcome", "Give the response's outcome"),
            (json!({"kind": "response", "occurred_on": "2026-05-28", "outcome": "refused", "grounds": ["foia-s12-1"], "public_interest_test": true}), "public_interest_test", "A public interest test weighs a qualified exemption"),
            (json!({"kind": "response", "occurred_on": "2026-05-28", "outcome": "granted", "promised_on": "30/09/2026"}), "promised_on", "Promised date must be a date"),
        ];
        for (body, field, message) in cases {
            let response = app.post_json(&format!("/api/v1/requests/{id}/events"), &body).await;
            let (status, fields, json) = problem(response).await;
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
            assert_eq!(fields, [field], "{body}: {json}");
            assert!(json["errors"][0]["message"].as_str().unwrap().contains(message), "{body}: {json}");
        }
        assert_eq!(app.snapshot(), before);
    }

    async fn the_request_page_records_a_response_with_several_grounds(app) {
        let id = request(&app).await;
        let form = [
            ("kind", "response"), ("occurred_on", "2026-05-28"), ("outcome", "partly_granted"),
            ("grounds", "foia-s40-2"), ("grounds", "foia-s31-1-e"), ("public_interest_test", "on"),
            ("details", "Figures for 2025 released; 2024 withheld"),
        ];
        let response = app.post_form(&format!("/requests/{id}/events"), &form).await;
        assert_eq!(support::location(&response), format!("/requests/{id}#timeline"));
        let page = app.text(&format!("/requests/{id}")).await;
        assert!(page.contains("<span class=\"outcome\">Partly granted</span>, citing FOIA s.40(2), FOIA s.31(1)(e) (public interest test applied)"), "{page}");

        // A ground of another law: the form again, the error beside the field, the choices kept.
        let before = app.snapshot();
        let form = [("kind", "response"), ("occurred_on", "2026-05-29"), ("outcome", "refused"), ("grounds", "foia-s43-2"), ("grounds", "foisa-s33-1-b")];
        let response = app.post_form(&format!("/requests/{id}/events"), &form).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let page = response.text().await.unwrap();
        assert!(page.contains("id=\"grounds-error\"><span class=\"visually-hidden\">Error:</span> FOISA s.33(1)(b) is not a ground under FOIA"), "{page}");
        // The grounds are checkboxes now: the one ticked stays ticked.
        assert!(page.contains(r#"<input type="checkbox" id="ground-foia-s43-2" name="grounds" value="foia-s43-2" checked>"#), "{page}");
        assert_eq!(app.snapshot(), before);
    }
}
